#!/bin/sh
# Python processes sampled from outside (issue 16): py_shares started with
# the plain interpreter, no agent, recorded with `perftop record -p PID`
# (perf_event_open, libdw, the Python frames read by pyremote), read back
# with `perftop report --format json` and `perftop open --batch`:
#   names   work_50, work_30 and work_20 with the workload's file and the
#           line of their `def`;
#   lines   every line sampled in them is a line of their body, and the
#           hottest is the loop's (marked "hot: NAME");
#   shares  each one's total samples over the three's sum within 5 points
#           of 50/30/20 (attribution, not time: the workload's three
#           functions run the same loop in the ratio 5:3:2);
#   native  a C program keeps its native frames and gets no Python warning;
#   cannot  a Python perftop cannot read (pyenv's 3.10, older than the
#           layouts perftop knows): its native samples kept, and record
#           says why there are no Python frames.
# On Debian's python3 always, on pyenv's 3.11, 3.12 and 3.13 when present
# (SKIP otherwise). Every wait is for an event.
. tests/lib.sh
. tests/python/lib.sh

WLDIR=$PWD/tests/workloads
WL=$WLDIR/py_shares.py

py_suite attach_python || exit 0
if [ "$(id -u)" != 0 ] && [ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 3)" -gt 2 ]; then
	skip attach_python "perf_event_paranoid is above 2 and we are not root"
	exit 0
fi
if [ ! -x "$WORKLOADS/shares" ]; then
	fail attach_python "$WORKLOADS/shares not built"
	exit 0
fi
mkdir -m 700 "$tmp/sock"
PERFTOP_SOCKET=$tmp/sock/perftop.sock
export PERFTOP_SOCKET
unset LD_PRELOAD
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

# execd PID PROG: PID runs PROG (the shell's child has exec'd it).
execd() { [ "$(readlink "/proc/$1/exe")" = "$(readlink -f "$2")" ]; }
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
busy() { [ "$(cpu_ticks "$1")" -ge 5 ]; }
within() { awk -v x="$1" -v want="$2" -v tol="$3" 'BEGIN { d = x - want; exit !(d <= tol && d >= -tol) }'; }

# json_fn JSON NAME: "total file line" of NAME in the report's functions_by_total.
json_fn() {
	awk -v fn="$2" '/"functions_by_total"/ { on = 1 } /"hot_paths"/ { on = 0 }
		on && /"total":/ { t = $2 } on && /"name":/ { n = $2 }
		on && /"file":/ { f = $2 }
		on && /"line":/ { if (n == "\"" fn "\",") { print t " " f " " $2; exit } }' "$1" | tr -d '",'
}

one_python() {
	v=$1 py=$2
	d=$tmp/$v
	mkdir -p "$d"
	"$py" "$WL" 1 1000000 >/dev/null 2>&1 &
	wpid=$!
	pids="$pids $wpid"
	if ! wait_until 30 execd "$wpid" "$py" || ! wait_until 30 busy "$wpid"; then
		fail "$v: py_shares started" "pid $wpid does not run $py"
		return
	fi
	timeout $((WAIT_S + 60)) "$PERFTOP" record -p "$wpid" -F 999 --duration 8 -o "$d/s.ptsnap" \
		>/dev/null 2>"$d/rec.err"
	rc=$?
	kill "$wpid" 2>/dev/null
	if [ "$rc" != 0 ] || [ ! -s "$d/s.ptsnap" ]; then
		fail "$v: record -p of a plain python" "rc $rc: $(cat "$d/rec.err")"
		return
	fi
	pass "$v: record -p of a python started without perftop"
	if grep -q "no Python frames" "$d/rec.err"; then
		fail "$v: no warning about Python frames" "$(cat "$d/rec.err")"
	fi
	"$PERFTOP" report --format json --top 1000 "$d/s.ptsnap" >"$d/s.json" 2>"$d/rep.err"
	"$PERFTOP" open --batch "$d/s.ptsnap" >"$d/s.batch" 2>&1
	t50=0 t30=0 t20=0
	for fn in work_50 work_30 work_20; do
		set -- $(json_fn "$d/s.json" "$fn")
		tot=${1:-0} file=${2:-} line=${3:-}
		def=$(grep -n "^def $fn(" "$WL" | cut -d: -f1)
		ret=$((def + 4)) # the body: the lines after the def down to its return
		if [ "$tot" -gt 0 ] && [ "$file" = "$WL" ] && [ "$line" = "$def" ]; then
			pass "$v: $fn named with $(basename "$file"):$line, its def ($tot samples)"
		else
			fail "$v: $fn named with its file and def line $def" "total '$tot' file '$file' line '$line'"
		fi
		eval "t${fn#work_}=\$tot"
		# FUNCTION FILE:LINE of the batch view's Lines section
		awk -v fn="$fn" '/^Lines:/ { on = 1; next } on && NF == 0 { on = 0 }
			on && $5 == fn { print $6 }' "$d/s.batch" >"$d/$fn.lines"
		hot=$(grep -n "# hot: $fn\$" "$WL" | cut -d: -f1)
		# the def line counts: a call's first instruction (RESUME, 3.11+)
		# carries it, and a sample may land there
		bad=$(awk -F: -v file="$WL" -v lo="$def" -v hi="$ret" \
			'{ l = $NF; f = $0; sub(/:[0-9]+$/, "", f); if (f != file || l < lo || l > hi) print }' \
			"$d/$fn.lines")
		if [ -s "$d/$fn.lines" ] && [ -z "$bad" ]; then
			pass "$v: $fn's sampled lines are in its def and body ($(tr '\n' ' ' <"$d/$fn.lines" | sed "s|$WLDIR/||g"))"
		else
			fail "$v: $fn's sampled lines are in its def and body ($def-$ret)" \
				"$(tr '\n' ' ' <"$d/$fn.lines") outside: $bad"
		fi
		check "$v: $fn's hottest line is its loop's ($hot)" \
			test "$(head -n 1 "$d/$fn.lines")" = "$WL:$hot"
	done
	sum=$((t50 + t30 + t20))
	if [ "$sum" -gt 0 ]; then
		n50=$(awk -v a="$t50" -v s="$sum" 'BEGIN { printf "%.1f", 100 * a / s }')
		n30=$(awk -v a="$t30" -v s="$sum" 'BEGIN { printf "%.1f", 100 * a / s }')
		n20=$(awk -v a="$t20" -v s="$sum" 'BEGIN { printf "%.1f", 100 * a / s }')
		if within "$n50" 50 5 && within "$n30" 30 5 && within "$n20" 20 5; then
			pass "$v: shares within 5 points of 50/30/20 ($n50/$n30/$n20 of $sum samples)"
		else
			fail "$v: shares within 5 points of 50/30/20" "$n50/$n30/$n20 of $sum samples"
		fi
	else
		fail "$v: shares within 5 points of 50/30/20" "no samples in the three functions"
	fi
}

one_python "python3.11 (Debian)" /usr/bin/python3
for minor in 11 12 13; do
	found=
	for p in "$HOME"/.pyenv/versions/3.$minor*/bin/python3; do
		[ -x "$p" ] && found=$p
	done
	if [ -n "$found" ]; then
		one_python "pyenv python3.$minor" "$found"
	else
		skip "pyenv python3.$minor" "no ~/.pyenv/versions/3.$minor*/bin/python3 on this machine"
	fi
done

# ---- a native program: its frames, no word about Python ---------------------------------
"$WORKLOADS/shares" 4 >/dev/null 2>&1 &
cpid=$!
pids="$pids $cpid"
wait_until 30 busy "$cpid"
timeout $((WAIT_S + 60)) "$PERFTOP" record -p "$cpid" --duration 2 -o "$tmp/c.ptsnap" \
	>/dev/null 2>"$tmp/c.err"
kill "$cpid" 2>/dev/null
"$PERFTOP" export "$tmp/c.ptsnap" --format folded -o "$tmp/c.folded" 2>/dev/null
check "native: a C program's stacks keep their native frames (main;work_*)" \
	grep -q ";main;work_" "$tmp/c.folded"
if grep -qi "python" "$tmp/c.err"; then
	fail "native: record says nothing about Python" "$(cat "$tmp/c.err")"
else
	pass "native: record says nothing about Python"
fi

# ---- a Python perftop cannot read: native frames, and why -------------------------------
old=
for p in "$HOME"/.pyenv/versions/3.10*/bin/python3; do
	[ -x "$p" ] && old=$p
done
if [ -z "$old" ]; then
	skip "cannot read" "no ~/.pyenv/versions/3.10*/bin/python3 (a CPython older than 3.11) on this machine"
else
	"$old" "$WL" 1 1000000 >/dev/null 2>&1 &
	opid=$!
	pids="$pids $opid"
	wait_until 30 execd "$opid" "$old" && wait_until 30 busy "$opid"
	timeout $((WAIT_S + 60)) "$PERFTOP" record -p "$opid" --duration 2 -o "$tmp/old.ptsnap" \
		>/dev/null 2>"$tmp/old.err"
	rc=$?
	kill "$opid" 2>/dev/null
	check "cannot read: record of a python 3.10 exits 0" test "$rc" = 0
	check "cannot read: record says why there are no Python frames" \
		grep -q "no Python frames from outside: .*older than 3.11" "$tmp/old.err"
	"$PERFTOP" export "$tmp/old.ptsnap" --format folded -o "$tmp/old.folded" 2>/dev/null
	check "cannot read: the samples keep the interpreter's native frames" \
		grep -q "Py_BytesMain;.*_PyEval_EvalFrameDefault" "$tmp/old.folded"
	if grep -q "work_50" "$tmp/old.folded"; then
		fail "cannot read: no guessed Python frame" "$(grep -m 1 work_50 "$tmp/old.folded" | cut -c 1-200)"
	else
		pass "cannot read: no guessed Python frame"
	fi
fi
