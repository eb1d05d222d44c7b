#!/bin/sh
# The outside reader of Python frames (src/collect/pyremote.c): its cost
# per sample, read from a separate process with process_vm_readv, as
# $BUILD/tests/pyremote-tool measures it (the time inside pyremote_frames
# and the process_vm_readv calls it made, over SAMPLES reads of one busy
# thread, 1 ms apart). Workloads: py_shares (4 Python frames), py_recurse
# (43) and a recursion 300 deep (256 frames read and the cut mark). Each
# interpreter present (Debian's python3; pyenv's 3.12 and 3.13), ROUNDS
# runs each (default 3), medians. The first read of a thread (its thread
# state found, its code objects named) is in the figures, spread over the
# samples.
set -eu
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
SAMPLES=${PYREMOTE_SAMPLES:-2000}
TOOL=$BUILD/tests/pyremote-tool
make -s BUILD="$BUILD" "$TOOL" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
load0=$(cut -d' ' -f1-3 /proc/loadavg)
cat >"$tmp/deep.py" <<'PY'
import sys


def burn_leaf(n):
    acc = 0
    for i in range(n):
        acc = (acc * 31 + i) % 1000003
    return acc


def descend(level, n):
    if level == 1:
        return burn_leaf(n)
    return descend(level - 1, n) + 1


sys.setrecursionlimit(5000)
while True:
    descend(300, 2000000)
PY

pys="/usr/bin/python3"
for minor in 12 13; do
	for p in "$HOME"/.pyenv/versions/3.$minor*/bin/python3; do
		[ -x "$p" ] && last=$p
	done
	[ -n "${last:-}" ] && pys="$pys $last"
	last=
done

echo "## Python frames read from outside (pyremote)"
echo
echo "Per sample: \`pyremote_frames\` on one busy thread of a running CPython, from another"
echo "process (\`$TOOL PID $SAMPLES 1\`), $ROUNDS runs each, medians. \"calls\" is"
echo "process_vm_readv calls per sample (a stack that kept its shape is copied, its code objects"
echo "included, in one call, and copied again to confirm it: two; a code object new to the thread"
echo "costs one more); µs is the reader's time per sample, on a thread running on another CPU."
echo "Load average $load0 at the start."
echo
echo "| interpreter | workload | Python frames | calls/sample | µs/sample | failed reads |"
echo "|---|---|---|---|---|---|"
for py in $pys; do
	ver=$("$py" -c 'import platform; print(platform.python_version())')
	for w in shares recurse deep; do
		case $w in
		shares) set -- "$PWD/tests/workloads/py_shares.py" 1 100000000; frames=4 ;;
		recurse) set -- "$PWD/tests/workloads/py_recurse.py" 1000; frames=43 ;;
		deep) set -- "$tmp/deep.py"; frames="256 + cut" ;;
		esac
		: >"$tmp/calls"
		: >"$tmp/us"
		: >"$tmp/failed"
		for r in $(seq "$ROUNDS"); do
			"$py" "$@" >/dev/null 2>&1 &
			wpid=$!
			# read until the workload runs its loop
			n=0
			until "$TOOL" "$wpid" 1 1 2>/dev/null | grep -q "burn_leaf\|work_"; do
				n=$((n + 1))
				[ "$n" -gt 300 ] && break
				sleep 0.1
			done
			"$TOOL" "$wpid" "$SAMPLES" 1 2>"$tmp/err" >/dev/null || true
			kill "$wpid" 2>/dev/null || true
			wait "$wpid" 2>/dev/null || true
			line=$(grep "samples" "$tmp/err" | tail -n 1)
			echo "$line" | sed -n 's/.*syscalls_per_sample \([0-9.]*\).*/\1/p' >>"$tmp/calls"
			echo "$line" | sed -n 's/.*us_per_sample \([0-9.]*\).*/\1/p' >>"$tmp/us"
			echo "$line" | sed -n 's/.*failed \([0-9]*\).*/\1/p' >>"$tmp/failed"
		done
		echo "| $ver | $w | $frames | $(median <"$tmp/calls") | $(median <"$tmp/us") | $(median <"$tmp/failed") of $SAMPLES |"
	done
done
