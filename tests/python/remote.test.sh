#!/bin/sh
# remote.test.sh — Python frames of a running process read from outside
# (src/collect/pyremote.c) by tests/python/pyremote_tool.c, with no agent,
# no ptrace and no restart, judged by tests/python/remote_check.py:
#   shares     py_shares (50/30/20 % of one thread's work) started without
#              perftop: every frame a function of the workload with its
#              file, its def line and a line of its body; shares +-5 points;
#   threads    py_threads: each worker's stack and the main thread's join,
#              each thread read by its kernel tid;
#   churn      a recursion whose depth changes every few microseconds: only
#              stacks that can exist (a read that raced is dropped, counted);
#   deep       a recursion 300 deep: 256 frames kept and the cut mark;
#   not python `sleep`: "not a CPython process", exit status 2;
#   old python pyenv's 3.10 and 2.7 when present: "older than 3.11", exit 2;
#   exits      the target exits while being read: a clean message, exit 3;
#   unchanged  a workload read throughout prints and exits exactly as alone;
#   denied     as nobody against a root python: the cause said (another
#              user); as nobody against its own non-dumpable python: that.
# On Debian's python3 always, and on pyenv's 3.11, 3.12 and 3.13 when
# present (SKIP otherwise). Shares test attribution with a tolerance,
# never time; every wait is for an event.
. tests/lib.sh
. tests/python/lib.sh

WLDIR=$PWD/tests/workloads
CHECK=$PWD/tests/python/remote_check.py
JUDGE=/usr/bin/python3
TOOL=$PWD/$BUILD/tests/pyremote-tool

py_suite python_remote || exit 0
if [ ! -x "$TOOL" ]; then
	fail python_remote "$TOOL not built (make test-progs)"
	exit 0
fi
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

cat >"$tmp/deep.py" <<'PY'
import sys

DEPTH = 300


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
    descend(DEPTH, 2000000)
PY

cat >"$tmp/churn.py" <<'PY'
def leaf(n):
    s = 0
    for i in range(n):
        s += i
    return s


def descend(level, n):
    if level == 0:
        return leaf(n)
    return descend(level - 1, n)


def main():
    x = 1
    while True:
        x = (x * 1103515245 + 12345) % 2147483648
        descend(1 + x % 60, x % 50)


main()
PY

# sees PID FN: one read of PID shows FN running (the workload is in its loop).
sees() { "$TOOL" "$1" 1 1 2>/dev/null | grep -q "^[^#].*$2"; }

# execd PID PY: PID runs PY (the shell's child has exec'd it).
execd() { [ "$(readlink "/proc/$1/exe")" = "$(readlink -f "$2")" ]; }

# started PY ARGS...: starts PY ARGS... in the background; its pid in $wpid
# once it runs PY.
started() {
	"$@" >/dev/null 2>&1 &
	wpid=$!
	pids="$pids $wpid"
	wait_until 30 execd "$wpid" "$1"
}

one_python() {
	v=$1 py=$2
	d=$tmp/$v
	mkdir -p "$d"

	started "$py" "$WLDIR/py_shares.py" 1 1000000
	if ! wait_until 60 sees "$wpid" work_; then
		fail "$v shares: the tool sees py_shares running" "$("$TOOL" "$wpid" 1 1 2>&1 | tail -n 2)"
	else
		"$TOOL" "$wpid" 600 5 >"$d/shares.out" 2>"$d/shares.err"
		rc=$?
		check "$v shares: the tool read 600 rounds (exit $rc)" [ "$rc" -eq 0 ]
		grep -q "runs CPython 3\." "$d/shares.err" && pass "$v shares: $(head -n 1 "$d/shares.err" | sed 's/^pyremote-tool: //')"
		$JUDGE "$CHECK" "$v shares:" shares "$d/shares.out" "$WLDIR/py_shares.py"
		echo "# $v $(tail -n 1 "$d/shares.err")"
	fi
	kill "$wpid" 2>/dev/null

	started "$py" "$WLDIR/py_threads.py" 1000
	if ! wait_until 60 sees "$wpid" single_work; then
		fail "$v threads: the tool sees py_threads running" "$("$TOOL" "$wpid" 1 1 2>&1 | tail -n 2)"
	else
		"$TOOL" "$wpid" 100 5 >"$d/threads.out" 2>"$d/threads.err"
		for want in "main.<locals>.run ([^)]*);double_work (" \
			"main.<locals>.run ([^)]*);single_work (" "main ([^)]*py_threads.py:[0-9]*);Thread.join ("; do
			if grep -q "$want" "$d/threads.out"; then
				pass "$v threads: a stack '$want'"
			else
				fail "$v threads: a stack '$want'" "$(cut -c 1-300 "$d/threads.out" | head -n 5)"
			fi
		done
	fi
	kill "$wpid" 2>/dev/null

	started "$py" "$tmp/churn.py"
	if ! wait_until 60 sees "$wpid" descend; then
		fail "$v churn: the tool sees the recursion" "$("$TOOL" "$wpid" 1 1 2>&1 | tail -n 2)"
	else
		"$TOOL" "$wpid" 400 2 >"$d/churn.out" 2>"$d/churn.err"
		$JUDGE "$CHECK" "$v churn:" churn "$d/churn.out" "$tmp/churn.py"
		echo "# $v churn $(tail -n 1 "$d/churn.err")"
	fi
	kill "$wpid" 2>/dev/null

	started "$py" "$tmp/deep.py"
	if ! wait_until 60 sees "$wpid" burn_leaf; then
		fail "$v deep: the tool sees the recursion" "$("$TOOL" "$wpid" 1 1 2>&1 | tail -n 2)"
	else
		"$TOOL" "$wpid" 100 5 >"$d/deep.out" 2>"$d/deep.err"
		$JUDGE "$CHECK" "$v deep:" deep "$d/deep.out" "$tmp/deep.py" 256
	fi
	kill "$wpid" 2>/dev/null

	# a target that exits while it is read
	"$py" -c 'import time
t = time.time()
while time.time() - t < 1.0:
    pass' &
	wpid=$!
	pids="$pids $wpid"
	wait_until 30 execd "$wpid" "$py"
	timeout $((WAIT_S + 60)) "$TOOL" "$wpid" 1000000 1 >"$d/exit.out" 2>"$d/exit.err"
	rc=$?
	if [ "$rc" -eq 3 ] && grep -q "exited while being read" "$d/exit.err"; then
		pass "$v exits: the process exited while read: exit 3, said so"
	elif [ "$rc" -eq 2 ] && grep -q "exited\|no process" "$d/exit.err"; then
		pass "$v exits: the process exited while opened: exit 2, said so"
	else
		fail "$v exits: a clean error when the process exits" "exit $rc: $(tail -n 2 "$d/exit.err")"
	fi

	# reading never changes what the target prints or how it exits
	"$py" "$WLDIR/py_shares.py" 1 >"$d/alone.out" 2>"$d/alone.err"
	rc_alone=$?
	"$py" "$WLDIR/py_shares.py" 1 >"$d/read.out" 2>"$d/read.err" &
	wpid=$!
	wait_until 30 execd "$wpid" "$py"
	"$TOOL" "$wpid" 1000000 1 >/dev/null 2>"$d/read.tool"
	wait "$wpid"
	rc_read=$?
	if [ "$rc_alone" -eq "$rc_read" ] && cmp -s "$d/alone.out" "$d/read.out" &&
		cmp -s "$d/alone.err" "$d/read.err"; then
		pass "$v unchanged: output and exit status ($rc_read) the same while read"
	else
		fail "$v unchanged: output and exit status the same while read" \
			"exit $rc_alone alone, $rc_read read; $(diff "$d/alone.out" "$d/read.out" | head -n 3)"
	fi
	grep -q "python [1-9]" "$d/read.tool" && pass "$v unchanged: the tool read Python stacks meanwhile" ||
		fail "$v unchanged: the tool read Python stacks meanwhile" "$(tail -n 2 "$d/read.tool")"
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
		skip "pyenv python3.$minor remote" "no ~/.pyenv/versions/3.$minor*/bin/python3 on this machine"
	fi
done

# not CPython
sleep 300 &
spid=$!
pids="$pids $spid"
"$TOOL" "$spid" 1 >/dev/null 2>"$tmp/sleep.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "is not a CPython process" "$tmp/sleep.err"; then
	pass "not python: $(sed 's/^pyremote-tool: //' "$tmp/sleep.err")"
else
	fail "not python: sleep is said not to be CPython, exit 2" "exit $rc: $(cat "$tmp/sleep.err")"
fi
kill "$spid"

# a CPython this reader does not know: said with the version's bound
old=
for p in "$HOME"/.pyenv/versions/3.10*/bin/python3 "$HOME"/.pyenv/versions/2.7*/bin/python; do
	[ -x "$p" ] && old="$old $p"
done
if [ -z "$old" ]; then
	skip "old python" "no ~/.pyenv/versions/3.10* or 2.7* on this machine"
fi
for p in $old; do
	"$p" -c 'while True: pass' &
	opid=$!
	pids="$pids $opid"
	wait_until 30 execd "$opid" "$p"
	"$TOOL" "$opid" 1 >/dev/null 2>"$tmp/old.err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q "older than 3.11.*3.11 to 3.13" "$tmp/old.err"; then
		pass "old python: $(sed 's/^pyremote-tool: //' "$tmp/old.err")"
	else
		fail "old python: $p said too old, exit 2" "exit $rc: $(cat "$tmp/old.err")"
	fi
	kill "$opid"
done

# permissions: another user's process, and a process that is not dumpable
if [ "$(id -u)" -ne 0 ]; then
	skip "denied" "needs root to run the reader as nobody against a root process"
elif ! command -v setpriv >/dev/null 2>&1; then
	skip "denied" "setpriv is not installed (util-linux)"
else
	chmod 755 "$tmp"
	mkdir -p "$tmp/bin"
	cp "$TOOL" "$tmp/bin/pyremote-tool"
	chmod 755 "$tmp/bin" "$tmp/bin/pyremote-tool"
	asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	started /usr/bin/python3 "$WLDIR/py_shares.py" 1 1000000
	asnobody "$tmp/bin/pyremote-tool" "$wpid" 1 >/dev/null 2>"$tmp/denied.err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q "runs as user root.*another user's process needs root" "$tmp/denied.err"; then
		pass "denied: nobody against root's python: $(sed 's/^pyremote-tool: //' "$tmp/denied.err")"
	else
		fail "denied: nobody against root's python says why" "exit $rc: $(cat "$tmp/denied.err")"
	fi
	kill "$wpid"
	cat >"$tmp/nodump.py" <<'PY'
import ctypes
ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0
print("ready", flush=True)
while True:
    pass
PY
	chmod 644 "$tmp/nodump.py"
	setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 "$tmp/nodump.py" \
		>"$tmp/nodump.out" 2>&1 &
	wpid=$!
	pids="$pids $wpid"
	if wait_until 60 grep -qs ready "$tmp/nodump.out"; then
		asnobody "$tmp/bin/pyremote-tool" "$wpid" 1 >/dev/null 2>"$tmp/nodump.err"
		rc=$?
		if [ "$rc" -eq 2 ] && grep -q "not dumpable" "$tmp/nodump.err"; then
			pass "denied: nobody against its own non-dumpable python: $(sed 's/^pyremote-tool: //' "$tmp/nodump.err")"
		else
			fail "denied: a non-dumpable process is said to be" "exit $rc: $(cat "$tmp/nodump.err")"
		fi
	else
		fail "denied: a python as nobody starts" "$(cat "$tmp/nodump.out")"
	fi
	kill "$wpid"
fi
