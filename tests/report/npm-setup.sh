#!/bin/sh
# npm-setup.sh DIR — installs the npm packages the export suite reads files
# with (pprof-format: pprof decoder; speedscope: its file-format schema; ajv:
# a JSON schema validator) into DIR/node_modules, pinned. A no-op when they
# are there. Exits 0 when ready; else prints why on stdout and exits 1 (the
# suite then SKIPs with that reason: no npm, or the registry unreachable).
set -u
dir=$1
pkgs="pprof-format@2.3.2 speedscope@1.25.0 ajv@8.17.1"

ready() {
	[ -f "$dir/node_modules/pprof-format/package.json" ] &&
		[ -f "$dir/node_modules/speedscope/dist/release/file-format-schema.json" ] &&
		[ -f "$dir/node_modules/ajv/package.json" ]
}
ready && exit 0
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "node or npm is not installed (scripts/deps.sh test installs them)"
	exit 1
fi
mkdir -p "$dir" || exit 1
[ -f "$dir/package.json" ] || echo '{"private": true}' >"$dir/package.json"
# shellcheck disable=SC2086
if ! out=$(cd "$dir" && timeout 300 npm install --no-audit --no-fund --no-save \
	--loglevel=error $pkgs 2>&1); then
	echo "npm could not install $pkgs: $(echo "$out" | grep -v 'npm warn' | tail -n 2 | tr '\n' ' ')"
	exit 1
fi
ready || { echo "npm install finished but the packages are missing in $dir"; exit 1; }
exit 0
