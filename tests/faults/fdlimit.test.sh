# tests/faults/fdlimit.test.sh — perftop's own descriptor limit with 64
# agents. With `ulimit -n 32` and a higher hard limit, perftop raises its
# soft limit to the hard one and takes all 64 connections. With the hard
# limit at 32 too it cannot: it turns agents away (they retry on their own),
# keeps descriptors for /proc so the 64 processes stay listed as they are
# (never as exited, user ?, 0 memory), and its header says it is out of
# file descriptors, with the limit and the fix. Waits are for events, with
# deadlines of tens of seconds. (POSIX sh.)
. tests/lib.sh

for f in "$PERFTOP" "$WORKLOADS/faulty" "$BUILD/libperftop.so"; do
	if [ ! -e "$f" ]; then
		fail build "$f is missing"
		exit 0
	fi
done

T=$(mktemp -d)
agents="" ptop=""
cleanup() {
	[ -n "$ptop" ] && kill -9 "$ptop" 2>/dev/null
	for p in $agents; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# sockets PID: Unix sockets open in PID (the listener + one per agent).
sockets() { ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'socket:'; }

# last_block FILE: the rows of the last complete refresh (between the last
# two process-table headings).
last_block() {
	awk '/^ *PID +USER/ { prev = cur; cur = ""; n++; next } { cur = cur $0 "\n" }
	     END { printf "%s", prev }' "$1"
}

# start_agents TAG: 64 idle programs with the agent, on $T/perftop.sock.
start_agents() {
	i=0
	while [ "$i" -lt 64 ]; do
		PERFTOP_SOCKET=$T/perftop.sock PERFTOP_QUIET=1 LD_PRELOAD=$BUILD/libperftop.so \
			"$WORKLOADS/faulty" idle 120 "$1" >"$T/idle.$1.$i" 2>&1 &
		agents="$agents $!"
		i=$((i + 1))
	done
}
stop_agents() {
	for p in $agents; do
		kill "$p" 2>/dev/null
	done
	wait $agents 2>/dev/null
	agents=""
}

# ---- the hard limit at 32: turned away, said so, the list intact ------------
(
	ulimit -n 32 && ulimit -Hn 32 &&
		exec env PERFTOP_SOCKET="$T/perftop.sock" "$PERFTOP" --batch -n 1000000 -d 0.5
) >"$T/hard.out" 2>"$T/hard.err" &
ptop=$!
start_agents hard
i=0
while ! grep -q "perftop is out of file descriptors (limit 32): [0-9]* agent connections* turned away; raise ulimit -n" "$T/hard.out" &&
	[ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ "$i" -lt 300 ]; then
	pass "hard limit 32: the header says perftop is out of descriptors"
else
	fail "hard limit 32: the header says perftop is out of descriptors" \
		"no such line after 30 s: $(tail -n 30 "$T/hard.out" | head -n 8) $(cat "$T/hard.err")"
fi
# Wait for a refresh that lists all 64 (a new program shows within a tick).
i=0
while [ "$(last_block "$T/hard.out" | grep -c 'idle 120 hard')" -lt 64 ] && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
last_block "$T/hard.out" | grep 'idle 120 hard' >"$T/hard.rows"
check "hard limit 32: a refresh lists all 64 programs" [ "$(wc -l <"$T/hard.rows")" -eq 64 ]
# PID USER CPU% RSS THR S ...: none exited, none of unknown user, none at 0 memory.
bad=$(awk '$2 == "?" || $6 == "X" || $4 == "0K"' "$T/hard.rows" | head -n 3)
if [ -z "$bad" ] && [ -s "$T/hard.rows" ]; then
	pass "hard limit 32: the 64 live programs are listed as live, with user and memory"
else
	fail "hard limit 32: the 64 live programs are listed as live, with user and memory" "$bad"
fi
check "hard limit 32: perftop is still running" kill -0 "$ptop"
kill "$ptop" 2>/dev/null
wait "$ptop" 2>/dev/null
ptop=""
stop_agents

# ---- soft 32 under a higher hard limit: raised, all 64 taken ----------------
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt 300 ]; then
	skip "soft limit 32: perftop raises it and takes 64 agents" "the hard limit is $hard (< 300)"
	exit 0
fi
rm -f "$T/perftop.sock"
(
	ulimit -Sn 32 &&
		exec env PERFTOP_SOCKET="$T/perftop.sock" "$PERFTOP" --batch -n 1000000 -d 0.5
) >"$T/soft.out" 2>"$T/soft.err" &
ptop=$!
i=0
while [ ! -S "$T/perftop.sock" ] && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
start_agents soft
most=0
i=0
while [ "$i" -lt 300 ]; do
	s=$(sockets "$ptop")
	[ "$s" -gt "$most" ] && most=$s
	[ "$most" -ge 65 ] && break
	sleep 0.1
	i=$((i + 1))
done
if [ "$most" -ge 65 ]; then
	pass "soft limit 32: perftop raises it and takes 64 agents"
else
	fail "soft limit 32: perftop raises it and takes 64 agents" \
		"at most $most sockets in 30 s; $(grep 'open files' "/proc/$ptop/limits")"
fi
check "soft limit 32: no out-of-descriptors line" sh -c "! grep -q 'out of file descriptors' '$T/soft.out'"
kill "$ptop" 2>/dev/null
wait "$ptop" 2>/dev/null
ptop=""
stop_agents
exit 0
