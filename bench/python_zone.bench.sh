#!/bin/sh
# Python zone cost: `with perftop.zone("parse"):` (python/perftop) against the
# timer Python programs write today (a `with` block reading
# time.perf_counter() twice and appending to a list), both in the same
# process in interleaved rounds (bench/python_zone.py), in four runs: no
# agent, the agent loaded with no perftop, under `perftop record`, and
# under it again with the module's ctypes path (PERFTOP_PY_NO_BUILTINS).
# Medians of ROUNDS rounds (default 9) of N uses (default 100000) each.
set -eu
. bench/lib.sh
ROUNDS=${ROUNDS:-9}
N=${N:-100000}
PY=${PY:-/usr/bin/python3}
make -s BUILD="$BUILD" all >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PERFTOP_SOCKET=$tmp/perftop.sock
export PERFTOP_SOCKET
unset PYTHONPATH
PYTHONPATH=$BUILD/python "$PY" bench/python_zone.py none "$ROUNDS" "$N" >"$tmp/out"
LD_PRELOAD=$PWD/$BUILD/libperftop.so PYTHONPATH=$BUILD/python \
	"$PY" bench/python_zone.py idle "$ROUNDS" "$N" >>"$tmp/out"
"$BUILD/perftop" record -o "$tmp/r.ptsnap" -- "$PY" bench/python_zone.py connected "$ROUNDS" "$N" \
	>>"$tmp/out" 2>/dev/null
PERFTOP_PY_NO_BUILTINS=1 "$BUILD/perftop" record -o "$tmp/r.ptsnap" -- \
	"$PY" bench/python_zone.py ctypes "$ROUNDS" "$N" >>"$tmp/out" 2>/dev/null
for l in connected ctypes; do
	grep -q "^python-zone-connected $l True" "$tmp/out" || echo "python_zone: the $l run never connected" >&2
done
v() { awk -v l="$1" -v n="$2" '$1 == "python-zone-ns" && $2 == l && $3 == n {print $4}' "$tmp/out"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }
pyver=$("$PY" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
cat <<MD
## Python zone cost

\`bench/python_zone.py\` (Python $pyver, \`$PY\`) times, in one process and in interleaved rounds,
$N uses of each form below, the empty loop's cost subtracted, median of $ROUNDS rounds, ns per
use. The timer is what Python programs write today: a class whose \`__enter__\` and \`__exit__\`
read \`time.perf_counter()\` and append the difference to a list. A zone calls two builtins the
agent makes for the module (\`pt_python_calls\`: \`begin()\` reads the time-stamp counter, \`end()\`
records the zone); the last column is the module's other path (\`PERFTOP_PY_NO_BUILTINS=1\`): two
\`time.monotonic_ns()\` and one ctypes call. With no agent the module's calls are empty functions.
The decorated row is a call through \`@perftop.zone()\` less a plain call. The runs under perftop
are under \`perftop record\` at the default 1 kHz sampling, which both forms share. Each column is
a process of its own: compare the rows within a column. Aim: a zone no slower than the timer.

| form | no agent | agent, no perftop | under perftop | under perftop, ctypes path |
|---|---|---|---|---|
| \`with Timer("parse"): pass\` (pure Python) | $(v none timer) | $(v idle timer) | $(v connected timer) | $(v ctypes timer) |
| \`with perftop.zone("parse"): pass\` | $(v none zone) | $(v idle zone) | $(v connected zone) | $(v ctypes zone) |
| \`@perftop.zone()\` on a function | $(v none decorated) | $(v idle decorated) | $(v connected decorated) | $(v ctypes decorated) |
| \`perftop.count("calls")\` | $(v none count) | $(v idle count) | $(v connected count) | $(v ctypes count) |

Zone / timer under perftop: $(ratio "$(v connected zone)" "$(v connected timer)")× (ctypes path:
$(ratio "$(v ctypes zone)" "$(v ctypes timer)")×); with no agent: $(ratio "$(v none zone)" "$(v none timer)")×.
MD
