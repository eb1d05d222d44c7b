#!/bin/sh
# The agent's descriptors (tests/workloads/agent_fds.c against the test sink):
# a program's fds 3 and 4 are never touched (no libunwind pipe), nothing of
# the agent sits at a low number or survives exec; a program that closes
# every descriptor and puts its own sockets and eventfds at the agent's
# numbers loses nothing (nor does its forked child); the agent's descriptors
# are bounded whatever the thread count (1,100 threads) and under
# RLIMIT_NOFILE 16 it takes at most 1 (none where it may unshare its writer's table). Output is compared with a run without
# the agent. Every run is under `timeout`, so a hang fails.
. tests/lib.sh

AGENT=$PWD/$BUILD/libperftop.so
SINK=$BUILD/tests/agent-sink
FDS=$WORKLOADS/agent_fds

for f in "$AGENT" "$SINK" "$FDS"; do
	if [ ! -e "$f" ]; then
		fail agent-fds "$f is missing (make all $SINK)"
		exit 0
	fi
done

tmp=$(mktemp -d)
SOCK=$tmp/perftop.sock
sink_pid=""
cleanup() {
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

sink_run "$SOCK" "$tmp/sink.out" -t 300

# with CMD...: CMD under the agent (only CMD gets LD_PRELOAD).
with() {
	PERFTOP_SOCKET=$SOCK PERFTOP_QUIET=1 timeout 60 \
		sh -c 'export LD_PRELOAD="$0"; exec "$@"' "$AGENT" "$@"
}
without() { timeout 60 "$@"; }
value() { sed -n "s/^$2 //p" "$1" | head -n 1; }

# ---- fds 3 and 4: a copy through them, three times -------------------------------
seq -f "line %05g" 1 3000 >"$tmp/in"
without "$FDS" copy "$tmp/in" "$tmp/out0" >"$tmp/copy0" 2>&1
for r in 1 2 3; do
	with "$FDS" copy "$tmp/in" "$tmp/out$r" >"$tmp/copy$r" 2>&1
	check "agent-fds: copy through fds 3 and 4 is exact (run $r)" cmp -s "$tmp/in" "$tmp/out$r"
	check "agent-fds: same report as without the agent (run $r)" cmp -s "$tmp/copy0" "$tmp/copy$r"
done
check "agent-fds: the copy without the agent is exact" grep -qx "copy ok" "$tmp/copy0"

if command -v strace >/dev/null 2>&1; then
	PERFTOP_SOCKET=$SOCK PERFTOP_QUIET=1 timeout 60 strace -f -qq -e trace=pipe,pipe2 \
		-o "$tmp/strace" env LD_PRELOAD="$AGENT" "$FDS" copy "$tmp/in" "$tmp/out4" \
		>/dev/null 2>&1
	check "agent-fds: no pipe is created under the agent (strace)" \
		sh -c "! grep -q 'pipe' '$tmp/strace'"
	check "agent-fds: the straced copy is exact" cmp -s "$tmp/in" "$tmp/out4"
else
	skip "agent-fds: strace check" "strace is not installed"
fi

# ---- close-all and takeover of every number ---------------------------------------
for r in 1 2 3; do
	with "$FDS" takeover 0.6 >"$tmp/take$r" 2>&1
	check "agent-fds: takeover of the agent's numbers changes nothing (run $r)" \
		grep -qx "takeover ok" "$tmp/take$r"
done

# ---- 1,100 threads: a bounded number of descriptors -------------------------------
without "$FDS" threads 1100 >"$tmp/thr0" 2>&1
with "$FDS" threads 1100 >"$tmp/thr1" 2>&1
e0=$(value "$tmp/thr0" extra)
e1=$(value "$tmp/thr1" extra)
if [ -n "$e0" ] && [ -n "$e1" ] && grep -qx "started 1100" "$tmp/thr1" &&
	[ "$e1" -le $((e0 + 9)) ]; then
	pass "agent-fds: 1,100 threads take at most 9 descriptors ($((e1 - e0)))"
else
	fail "agent-fds: 1,100 threads take at most 9 descriptors" "without $e0, with $e1"
fi

# ---- RLIMIT_NOFILE 16 with 8 threads --------------------------------------------
(ulimit -n 16 && without "$FDS" open 8) >"$tmp/open0" 2>&1
(ulimit -n 16 && with "$FDS" open 8) >"$tmp/open1" 2>&1
o0=$(value "$tmp/open0" opened)
o1=$(value "$tmp/open1" opened)
if [ -n "$o0" ] && [ -n "$o1" ] && [ "$o1" -ge $((o0 - 1)) ]; then
	pass "agent-fds: under RLIMIT_NOFILE 16 the agent takes at most 1 ($o0 without, $o1 with)"
else
	fail "agent-fds: under RLIMIT_NOFILE 16 the agent takes at most 1" "without $o0, with $o1"
fi

# ---- where the agent's descriptors live ------------------------------------------
# The program's table holds no socket of the agent's and at most the main
# thread's perf event; the writer thread connects from a table of its own.
PERFTOP_SOCKET=$SOCK PERFTOP_QUIET=1 LD_PRELOAD=$AGENT \
	timeout 120 "$WORKLOADS/faulty" hold 100 "$tmp/release" >/dev/null 2>&1 &
hold_pid=$!
writer_tid=""
writer_connected() {
	for _t in /proc/$hold_pid/task/*; do
		if [ "$(cat "$_t/comm" 2>/dev/null)" = perftop-agent ]; then
			writer_tid=${_t##*/}
			ls -l "$_t/fd" 2>/dev/null | grep -q 'socket:' && return 0
		fi
	done
	return 1
}
if wait_until "$WAIT_S" writer_connected; then
	prog_sockets=$(ls -l "/proc/$hold_pid/fd" | grep -c 'socket:')
	prog_perf=$(ls -l "/proc/$hold_pid/fd" | grep -c 'perf_event')
	check "agent-fds: no agent socket in the program's table ($prog_sockets)" [ "$prog_sockets" -eq 0 ]
	check "agent-fds: at most the main thread's perf event in the program's table ($prog_perf)" \
		[ "$prog_perf" -le 1 ]
	wfds=$(ls "/proc/$hold_pid/task/$writer_tid/fd" | sort -n | tr '\n' ' ')
	pfds=$(ls "/proc/$hold_pid/fd" | sort -n | tr '\n' ' ')
	check "agent-fds: the writer's table is its own (writer: $wfds; program: $pfds)" \
		[ "$wfds" != "$pfds" ]
else
	fail "agent-fds: the writer connects" "no perftop-agent thread with a socket in $WAIT_S s"
fi
touch "$tmp/release"
wait "$hold_pid" 2>/dev/null

kill "$sink_pid" 2>/dev/null
wait "$sink_pid" 2>/dev/null
sink_pid=""
check "agent-fds: the sink decoded every frame" grep -qx 'errors 0' "$tmp/sink.out"
check "agent-fds: agents sent samples" grep -Eq '^samples [1-9]' "$tmp/sink.out"
