#!/bin/sh
# module.test.sh — the Python module (python/perftop, `import perftop`) on
# tests/workloads/py_zones.py, whose zones, counters, gauge and mark have
# exact answers: `perftop record` + `perftop report` count each zone exactly
# (decorated methods under their __qualname__, zones whose body raised
# included, the exception still reaching the caller); counters are exact, the
# gauge keeps its last value, the mark is in the recording, thread names show
# in `perftop run --batch`, budgets judge Python zones; `import perftop` works
# under perftop with no PYTHONPATH from the user (and keeps the user's);
# without the agent the program prints the same and exits the same. Debian's
# python3 always, through the agent's builtins and through plain ctypes
# calls; pyenv's 3.12 and 3.13 when present (SKIP otherwise).
. tests/lib.sh
. tests/python/lib.sh

WL=$PWD/tests/workloads/py_zones.py
N=400

if [ ! -x "$PERFTOP" ] || [ ! -f "$BUILD/libperftop.so" ] ||
	[ ! -f "$BUILD/python/perftop/__init__.py" ]; then
	fail python_module "$PERFTOP, the agent or $BUILD/python/perftop not built (make)"
	exit 0
fi
if [ ! -x /usr/bin/python3 ]; then
	fail python_module "Debian's python3 is not installed (apt-get install python3)"
	exit 0
fi

PYDIR=$(cd "$BUILD/python" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PERFTOP_SOCKET=$tmp/perftop.sock
export PERFTOP_SOCKET
unset PYTHONPATH PYTHONHOME

# jq_py PY FILE EXPR: evaluates EXPR (Python, on the JSON document d) with PY.
jq_py() {
	"$1" -c 'import json, sys
d = json.load(open(sys.argv[1]))
zones = {z["name"]: z for z in d.get("zones", [])}
counters = {c["name"]: c for c in d.get("counters", [])}
print(eval(sys.argv[2]))' "$2" "$3" 2>&1
}

# run_version LABEL PY: every check with interpreter PY.
run_version() {
	v=$1 py=$2
	d=$tmp/$v
	mkdir -p "$d"

	# Without the agent: the module is there (PYTHONPATH), every call a no-op.
	PYTHONPATH=$PYDIR "$py" "$WL" "$N" 3 >"$d/plain.out" 2>"$d/plain.err"
	plain_rc=$?
	out=$(PYTHONPATH=$PYDIR "$py" -c 'import perftop; print(perftop.AGENT_LOADED, perftop.connected())' 2>&1)
	check "$v: without the agent the module loads and does nothing ($out)" test "$out" = "False False"

	# Recorded: no PYTHONPATH from the user.
	"$PERFTOP" record -o "$d/s.ptsnap" -- "$py" "$WL" "$N" 3 >"$d/rec.out" 2>"$d/rec.err"
	rec_rc=$?
	check "$v: exit status of the program under record ($rec_rc)" test "$rec_rc" -eq 3
	check "$v: same exit status with and without the agent ($plain_rc, $rec_rc)" test "$plain_rc" -eq "$rec_rc"
	if cmp -s "$d/plain.out" "$d/rec.out" && [ -s "$d/rec.out" ]; then
		pass "$v: same output with and without the agent"
	else
		fail "$v: same output with and without the agent" "$(diff "$d/plain.out" "$d/rec.out" | head -n 5)"
	fi
	check "$v: the exception raised in a zone reached the caller" grep -qx 'caught ValueError: inside a zone' "$d/rec.out"
	check "$v: the exception raised in a decorated method reached the caller" grep -qx "caught KeyError: 'broken'" "$d/rec.out"
	if ! "$PERFTOP" report "$d/s.ptsnap" --format json -o "$d/r.json" 2>"$d/report.err"; then
		fail "$v: report of the recording" "$(head -n 3 "$d/report.err") $(tail -n 3 "$d/rec.err")"
		return
	fi
	for spec in "py.step $N" "Parser.parse_line $((2 * N))" "py.outer 1" "py.inner 5" \
		"py.fail 1" "Parser.broken 1" "py.worker $N"; do
		name=${spec% *} want=${spec#* }
		got=$(jq_py "$py" "$d/r.json" "zones['$name']['count'] if '$name' in zones else 'absent'")
		check "$v: zone $name count $want (got $got)" test "$got" = "$want"
	done
	got=$(jq_py "$py" "$d/r.json" "sorted(z for z in zones if 'parse' in z or 'broken' in z)")
	check "$v: decorated methods named by their qualnames ($got)" test "$got" = "['Parser.broken', 'Parser.parse_line']"
	got=$(jq_py "$py" "$d/r.json" "all(zones[z]['p50_ns'] > 0 and zones[z]['p99_ns'] >= zones[z]['p50_ns'] and zones[z]['mean_ns'] > 0 for z in zones)")
	check "$v: zones carry mean, p50 and p99 ($got)" test "$got" = "True"
	got=$(jq_py "$py" "$d/r.json" "(counters['py.steps']['kind'], counters['py.steps']['total'])")
	check "$v: counter py.steps exact ($got)" test "$got" = "('counter', $N)"
	got=$(jq_py "$py" "$d/r.json" "counters['py.bytes']['total']")
	check "$v: counter py.bytes with an amount exact ($got)" test "$got" = "$((3 * N))"
	got=$(jq_py "$py" "$d/r.json" "(counters['py.queue']['kind'], counters['py.queue']['total'])")
	check "$v: gauge py.queue keeps its last value ($got)" test "$got" = "('gauge', 42.5)"
	if "$PERFTOP" export "$d/s.ptsnap" --format chrome -o "$d/trace.json" 2>/dev/null; then
		got=$(jq_py "$py" "$d/trace.json" "sum(1 for e in (d['traceEvents'] if isinstance(d, dict) else d) if e.get('ph') == 'i' and e.get('name') == 'py reloaded /etc/app.conf')")
		check "$v: the mark is in the recording ($got)" test "$got" = 1
	else
		fail "$v: the mark is in the recording" "export --format chrome failed"
	fi

	# Budgets judge Python zones as C ones (counts here: tests never judge time).
	printf 'zone py.step count >= %d warn %d\nzone py.step p95 < 60s\n' "$N" "$N" >"$d/pass.budget"
	printf 'zone py.step count < %d\n' "$N" >"$d/fail.budget"
	"$PERFTOP" report "$d/s.ptsnap" --budget "$d/pass.budget" >"$d/bp.txt" 2>&1
	rc=$?
	check "$v: budget on a Python zone passes (exit $rc)" sh -c "[ $rc -eq 0 ] && [ \$(grep -c '^  PASS ' '$d/bp.txt') -eq 2 ]"
	"$PERFTOP" report "$d/s.ptsnap" --budget "$d/fail.budget" >"$d/bf.txt" 2>&1
	rc=$?
	check "$v: budget on a Python zone fails (exit $rc)" sh -c "[ $rc -eq 3 ] && grep -q '^  FAIL ' '$d/bf.txt'"

	"$PERFTOP" run --batch --budget "$d/fail.budget" -- "$py" "$WL" "$N" >"$d/live.txt" 2>&1
	rc=$?
	check "$v: live budget on a Python zone fails in run --batch (exit $rc)" \
		sh -c "[ $rc -eq 3 ] && grep -q '^  FAIL    zone py.step count' '$d/live.txt'"

	# perftop run --batch: the same zones and the threads' names.
	"$PERFTOP" run --batch -- "$py" "$WL" "$N" >"$d/batch.out" 2>"$d/batch.err"
	rc=$?
	check "$v: run --batch exit status ($rc)" test "$rc" -eq 0
	got=$(awk '/^Zones:/ {z = 1; next} /^[A-Z][a-z]*:/ {z = 0} z && $1 == "py.step" {print $2}' "$d/batch.out" | tail -n 1)
	check "$v: run --batch zone py.step count $N (got $got)" test "$got" = "$N"
	check "$v: run --batch shows the thread named from Python" grep -q ' py-main ' "$d/batch.out"

	# Under perftop the module is the build tree's, and the user's
	# PYTHONPATH still follows it.
	mkdir -p "$d/user"
	echo 'WHO = "user"' >"$d/user/pt_user_mod.py"
	PYTHONPATH=$d/user "$PERFTOP" record -o "$d/p.ptsnap" -- "$py" -c \
		'import perftop, pt_user_mod, os; print(os.path.realpath(perftop.__file__), perftop.AGENT_LOADED, pt_user_mod.WHO)' \
		>"$d/path.out" 2>"$d/path.err"
	want="$(realpath "$BUILD/python/perftop/__init__.py") True user"
	check "$v: perftop run puts the module first and keeps PYTHONPATH ($(cat "$d/path.out"))" \
		test "$(cat "$d/path.out")" = "$want"
	want=builtins
	[ -n "${PERFTOP_PY_NO_BUILTINS:-}" ] && want=ctypes
	got=$("$PERFTOP" record -o "$d/p.ptsnap" -- "$py" -c \
		'import perftop; print("ctypes" if perftop._builtins is None else "builtins")' 2>/dev/null)
	check "$v: zones and counts go through $want ($got)" test "$got" = "$want"
}

run_version python3.11-debian /usr/bin/python3
# The module's other path: ctypes calls instead of the agent's builtins.
PERFTOP_PY_NO_BUILTINS=1
export PERFTOP_PY_NO_BUILTINS
run_version python3.11-debian-ctypes /usr/bin/python3
unset PERFTOP_PY_NO_BUILTINS
each_pyenv module run_version

# The module is the one beside the agent perftop preloads (PERFTOP_AGENT).
mkdir -p "$tmp/agentdir/python/perftop"
cp "$BUILD/libperftop.so" "$tmp/agentdir/"
cp python/perftop/__init__.py "$tmp/agentdir/python/perftop/"
got=$(PERFTOP_AGENT=$tmp/agentdir/libperftop.so "$PERFTOP" record -o "$tmp/a.ptsnap" -- /usr/bin/python3 -c \
	'import perftop, os; print(os.path.realpath(perftop.__file__), perftop.AGENT_LOADED)' 2>/dev/null)
check "the module beside PERFTOP_AGENT's library is the one imported ($got)" \
	test "$got" = "$(realpath "$tmp/agentdir/python/perftop/__init__.py") True"

# Names: UTF-8, cut at 255 bytes on a character boundary; a NUL ends one.
out=$("$PERFTOP" record -o "$tmp/n.ptsnap" -- /usr/bin/python3 -c '
import perftop, time
t = time.monotonic() + 30
while perftop.AGENT_LOADED and not perftop.connected() and time.monotonic() < t:
    time.sleep(0.01)
for name in ("é" * 200, "zone\0cut", "ok", b"bytes", 3):
    with perftop.zone(name):
        pass
try:
    @perftop.zone
    def f():
        pass
except TypeError:
    pass
perftop.count(12, "not a number")
perftop.gauge("g", object())
perftop.mark("%d", "not a number")
print("done")' 2>"$tmp/n.err")
check "names: odd arguments never raise ($out)" test "$out" = done
"$PERFTOP" report "$tmp/n.ptsnap" --format json -o "$tmp/n.json" 2>/dev/null
got=$(jq_py /usr/bin/python3 "$tmp/n.json" "sorted((len(z.encode()), z[:4]) for z in zones)")
check "names: cut at 255 bytes on a character boundary, at a NUL ($got)" \
	test "$got" = "[(1, '3'), (2, 'ok'), (4, 'zone'), (5, 'byte'), (254, 'éééé')]"
# @perftop.zone without its parentheses raises the same with and without the agent.
bare='import perftop
try:
    @perftop.zone
    def f():
        pass
except TypeError as e:
    print("TypeError", e)'
a=$(PYTHONPATH=$PYDIR /usr/bin/python3 -c "$bare" 2>&1)
b=$("$PERFTOP" record -o "$tmp/bare.ptsnap" -- /usr/bin/python3 -c "$bare" 2>/dev/null)
check "bare @perftop.zone raises the same TypeError with and without the agent ($b)" \
	sh -c '[ -n "$1" ] && [ "$1" = "$2" ] && case "$1" in TypeError*) true ;; *) false ;; esac' - "$a" "$b"
