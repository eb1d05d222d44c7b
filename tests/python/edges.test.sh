#!/bin/sh
# edges.test.sh — Python frames at their limits, on Debian's python3:
#   a recursion 300 deep (more than the 256 Python frames a sample keeps):
#     the outermost kept frame sits under a frame saying the outer ones were
#     not read, and the native root (the interpreter's main) is still there;
#   PERFTOP_PYTHON=0: native stacks only, nothing named;
#   a CPython the agent does not read (3.10 under pyenv, when present):
#     native stacks, and one notice naming the version.
# (POSIX sh.)
. tests/lib.sh
. tests/python/lib.sh

py_suite python_edges || exit 0
PY=/usr/bin/python3

cat >"$tmp/deep.py" <<'PY'
import sys
sys.setrecursionlimit(5000)


def descend(n):
    if n == 0:
        s = 0
        for i in range(200000):
            s += i
        return s
    return descend(n - 1)


def main():
    for _ in range(15):
        descend(300)


main()
PY

# folded STACKS FILE: the folded export of a recording.
folded() { "$PERFTOP" export "$1" --format folded -o - 2>"$tmp/export.err"; }

"$PERFTOP" record -o "$tmp/deep.ptsnap" -- "$PY" "$tmp/deep.py" >/dev/null 2>"$tmp/deep.err"
folded "$tmp/deep.ptsnap" >"$tmp/deep.folded"
# Stacks whose leaf is in descend: each must show the cut, once, under the
# native root, with 256 Python frames (the leaf-most) below it.
awk '{ n = $NF; $NF = ""; print n "\t" $0 }' "$tmp/deep.folded" |
	awk -F'\t' '$2 ~ /descend ?$/ { total += $1
		k = split($2, f, ";"); cut = 0; d = 0; root = (f[1] ~ /^_start|^clone3/)
		for (i = 1; i <= k; i++) { if (f[i] ~ /outer Python frames not read/) cut++
			if (f[i] ~ /^descend ?$/) d++ }
		if (cut == 1 && root && d == 256) good += $1 }
		END { printf "%d %d\n", good, total }' >"$tmp/deep.count"
read -r good total <"$tmp/deep.count"
if [ "${total:-0}" -gt 0 ] && [ "$good" -ge $((total * 9 / 10)) ]; then
	pass "python_edges: a 300-deep recursion keeps 256 frames under one cut mark and the native root ($good of $total samples)"
else
	fail python_edges_deep "$good of ${total:-0} samples in descend have one cut mark, the root and 256 frames; $(head -c 300 "$tmp/deep.folded")"
fi

PERFTOP_PYTHON=0 "$PERFTOP" record -o "$tmp/off.ptsnap" -- "$PY" "$tmp/deep.py" >/dev/null 2>&1
if folded "$tmp/off.ptsnap" | grep -q '_PyEval_EvalFrameDefault' &&
	! folded "$tmp/off.ptsnap" | grep -q 'descend'; then
	pass "python_edges: PERFTOP_PYTHON=0 keeps native stacks only"
else
	fail python_edges_off "$(folded "$tmp/off.ptsnap" | head -c 300)"
fi

old=$(ls -d "$HOME"/.pyenv/versions/3.10.*/bin/python3 2>/dev/null | head -n 1)
if [ -z "$old" ]; then
	skip python_edges_unknown_version "no CPython 3.10 under ~/.pyenv on this machine"
else
	"$PERFTOP" run --batch -- "$old" "$tmp/deep.py" >"$tmp/old.out" 2>&1
	if grep -q 'python-version.*CPython 3\.10\..*stacks show the interpreter' "$tmp/old.out" &&
		! grep -q ' descend ' "$tmp/old.out"; then
		pass "python_edges: CPython 3.10 keeps native stacks and is named in one notice"
	else
		fail python_edges_unknown_version "$(grep -i 'python\|notice' "$tmp/old.out" | head -n 5)"
	fi
fi
