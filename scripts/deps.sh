#!/bin/sh
# Installs the Debian packages perftop needs to build, test or benchmark.
# Usage: scripts/deps.sh [build|test|bench]. A fast no-op when everything is
# already installed: one dpkg-query call, no network.
set -eu

build_pkgs="gcc make pkg-config libncurses-dev libproc2-dev libunwind-dev libmsgpack-dev libelf-dev libdw-dev zlib1g-dev libiberty-dev"
test_pkgs="$build_pkgs g++ libcap2-bin libcriterion-dev tmux procps util-linux clang libclang-rt-14-dev golang-go nodejs python3"
# The Python suite (tests/python) runs Debian's python3 (pyenv's 3.12 and
# 3.13 too when present). The export suite reads pprof files with go tool pprof and speedscope/pprof
# files with npm packages; nodejs from other sources brings its own npm.
command -v npm >/dev/null 2>&1 || test_pkgs="$test_pkgs npm"
bench_pkgs="$test_pkgs htop btop hyperfine valgrind xz-utils google-perftools libgoogle-perftools-dev linux-perf"

case "${1:-build}" in
build) want=$build_pkgs ;;
test) want=$test_pkgs ;;
bench) want=$bench_pkgs ;;
*) echo "deps.sh: unknown set '$1' (expected build, test or bench)" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
