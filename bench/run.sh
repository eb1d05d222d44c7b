#!/bin/sh
# Runs every benchmark (bench/*.bench.sh) and assembles docs/PERFORMANCE.md.
# Each benchmark prints a markdown section on stdout; this script adds the
# machine description and the command that produced each section.
# Usage: bench/run.sh [NAME...]   (default: all; NAME is the file's stem)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
out=docs/PERFORMANCE.md
mkdir -p "$BUILD/bench"

if [ $# -eq 0 ]; then
	set -- $(ls bench/*.bench.sh | sed 's|bench/\(.*\)\.bench\.sh|\1|')
fi
for name in "$@"; do
	echo "bench: $name" >&2
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	{
		sh "bench/$name.bench.sh"
		printf '\nProduced by `bench/run.sh %s` (part of `make bench`); load average %s (1, 5, 15 min) when it started.\n' \
			"$name" "$load"
	} >"$BUILD/bench/$name.md"
done

{
	echo "# perftop performance"
	echo
	echo "Written by \`make bench\` (bench/run.sh); every figure below comes from the benchmark"
	echo "named under its table, run on the machine described here, with the alternatives measured"
	echo "in the same run. Machines here are shared and noisy: figures are medians of repeated runs,"
	echo "and the ratios matter more than the absolute numbers."
	echo
	echo "Machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
	echo "$(uname -sr), $(date -u +%Y-%m-%d). Each section says the load average when it ran."
	for f in $(ls bench/*.bench.sh | sed 's|bench/\(.*\)\.bench\.sh|\1|'); do
		[ -f "$BUILD/bench/$f.md" ] || continue
		echo
		cat "$BUILD/bench/$f.md"
	done
} >"$out"
echo "bench: wrote $out" >&2
