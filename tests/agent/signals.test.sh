#!/bin/sh
# The agent and the program's signals and stacks (docs/agent.md, "Signals and stacks"):
# small hostile programs (tests/workloads/sig_*.c) run with and without the
# agent must print the same thing and exit the same way, the agent must have
# sampled them where it can, and where it cannot, perftop (run --batch,
# record) must say which thread and why, never the program's own stderr.
# Counts and texts only: no timing is judged.
. tests/lib.sh

AGENT=$PWD/$BUILD/libperftop.so
SINK=$BUILD/tests/agent-sink
W=$WORKLOADS

for f in "$AGENT" "$SINK" "$PERFTOP" "$W/sig_eintr" "$W/sig_prof" "$W/sig_dfl" "$W/sig_wait" \
	"$W/sig_exec" "$W/sig_stack" "$W/sig_raw"; do
	if [ ! -e "$f" ]; then
		skip signals "$f not built (make all $SINK)"
		exit 0
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SOCK=$tmp/perftop.sock

# start_sink OUT: a sink in the background on $SOCK ($sink_pid), until
# stop_sink.
start_sink() { sink_run "$SOCK" "$1" -t 300; }
stop_sink() { sink_end; }

# with_agent OUT CMD...: CMD under the agent, stdout+stderr in OUT, exit
# status in OUT.rc. Only CMD gets LD_PRELOAD.
with_agent() {
	out=$1
	shift
	PERFTOP_SOCKET=$SOCK timeout 120 sh -c 'export LD_PRELOAD="$0"; exec "$@"' "$AGENT" "$@" \
		>"$out" 2>&1
	echo $? >"$out.rc"
}
alone() {
	out=$1
	shift
	timeout 120 "$@" >"$out" 2>&1
	echo $? >"$out.rc"
}

# same NAME A B: A and B (outputs and exit statuses) are identical.
same() {
	if cmp -s "$2" "$3" && cmp -s "$2.rc" "$3.rc"; then
		pass "$1"
	else
		fail "$1" "alone: $(tr '\n' '|' <"$2") rc $(cat "$2.rc"); with the agent: $(tr '\n' '|' <"$3" | head -c 300) rc $(cat "$3.rc")"
	fi
}

value() { sed -n "s/^$2 //p" "$1" | head -n 1; }

# ---- EINTR: 3,000 1-ms nanosleeps, then poll/select/epoll_wait/usleep
# loops, beside a busy thread: none returns EINTR, with either source.
for src in auto posix; do
	start_sink "$tmp/eintr-$src.sink"
	PERFTOP_SOURCE=$src with_agent "$tmp/eintr-$src" "$W/sig_eintr" 3000
	stop_sink
	samples=$(value "$tmp/eintr-$src.sink" samples)
	if grep -qx 'eintr nanosleep=0 poll=0 select=0 epoll=0 usleep=0' "$tmp/eintr-$src" &&
		[ "$(cat "$tmp/eintr-$src.rc")" = 0 ] && [ "${samples:-0}" -gt 0 ]; then
		pass "signals: no EINTR in sleeps and waits beside a sampled thread ($src source, $samples samples)"
	else
		fail "signals: EINTR ($src source)" "$(head -n 1 "$tmp/eintr-$src") samples=$samples"
	fi
done

# ---- the program's own SIGPROF handler and ITIMER_PROF: it sees SIG_DFL as
# the old action, gets its 10 kill()s and its timer's signals, nothing else.
alone "$tmp/prof.alone" "$W/sig_prof"
start_sink "$tmp/prof.sink"
with_agent "$tmp/prof.agent" "$W/sig_prof"
stop_sink
same "signals: own SIGPROF handler and ITIMER_PROF get exactly their signals" \
	"$tmp/prof.alone" "$tmp/prof.agent"
check "signals: own SIGPROF handler: the agent sampled alongside" \
	[ "$(value "$tmp/prof.sink" samples)" -gt 0 ]

# ---- every signal reset to SIG_DFL, in the program and in 20 forked
# children before exec: nobody is killed, and sampling goes on.
alone "$tmp/dfl.alone" "$W/sig_dfl" 20
start_sink "$tmp/dfl.sink"
with_agent "$tmp/dfl.agent" "$W/sig_dfl" 20
stop_sink
same "signals: SIG_DFL reset in the program and in 20 children: none killed" \
	"$tmp/dfl.alone" "$tmp/dfl.agent"
check "signals: SIG_DFL reset: the agent sampled on" \
	[ "$(value "$tmp/dfl.sink" samples)" -gt 0 ]

# ---- threads that block every signal (inherited at pthread_create) and
# sigtimedwait, and one that reads a signalfd: nothing of ours reaches them.
alone "$tmp/wait.alone" "$W/sig_wait"
start_sink "$tmp/wait.sink"
with_agent "$tmp/wait.agent" "$W/sig_wait"
stop_sink
same "signals: sigtimedwait and signalfd threads receive no profiling signal" \
	"$tmp/wait.alone" "$tmp/wait.agent"
n=$(grep -c '^notice .*code=blocked .*not sampled: the thread blocks SIGPROF' "$tmp/wait.sink")
check "signals: each blocking thread reported to perftop ($n of 3)" [ "$n" -eq 3 ]

# ... end to end: perftop run --batch names them in the agent line and lists
# the notices; record says so on stderr; the program's output is unchanged.
PERFTOP_SOCKET=$tmp/run.sock timeout 120 "$PERFTOP" run --batch -- "$W/sig_wait" \
	>"$tmp/wait.batch" 2>"$tmp/wait.batch.err"
rc=$?
tail -n 40 "$tmp/wait.batch" >"$tmp/wait.batch.last"
if [ "$rc" -eq 0 ] &&
	grep -Eq 'agent: 3 threads not sampled \(block SIGPROF\): (waiter|fdwaiter) [0-9]+, (waiter|fdwaiter) [0-9]+, (waiter|fdwaiter) [0-9]+' "$tmp/wait.batch.last" &&
	[ "$(grep -Ec '^ *blocked thread [0-9]+ \((waiter|fdwaiter)\) count 1: not sampled: the thread blocks SIGPROF' "$tmp/wait.batch.last")" -eq 3 ]; then
	pass "signals: run --batch names the threads that block SIGPROF"
else
	fail "signals: run --batch notices" "rc=$rc; $(grep -i 'agent\|notice\|blocked' "$tmp/wait.batch.last" | head -n 5)"
fi
timeout 120 "$PERFTOP" record -o "$tmp/wait.ptsnap" -- "$W/sig_wait" >"$tmp/wait.rec.out" 2>"$tmp/wait.rec"
rc=$?
n=$(grep -Ec '^perftop: agent pid [0-9]+ \(sig_wait\), thread [0-9]+ \((waiter|fdwaiter)\): not sampled: the thread blocks SIGPROF \[blocked 1\]$' "$tmp/wait.rec")
# The command's output goes where record's goes (as under time).
grep -v '^perftop: ' "$tmp/wait.rec" | cat "$tmp/wait.rec.out" - >"$tmp/wait.rec.cmd"
if [ "$rc" -eq 0 ] && [ "$n" -eq 3 ] && cmp -s "$tmp/wait.rec.cmd" "$tmp/wait.alone"; then
	pass "signals: record lists the 3 unsampled threads on stderr, output unchanged"
else
	fail "signals: record notices" "rc=$rc lines=$n; $(head -c 400 "$tmp/wait.rec")"
fi

# ---- exec on every path, into an image without the agent (empty
# environment) or with it: SIGPROF neither blocked, pending nor ignored
# unless the program made it so (ign, block), exactly as alone.
start_sink "$tmp/exec.sink"
bad=""
for how in execve execv execvp execvpe execl execle execlp fexecve posix_spawn posix_spawnp system; do
	for v in plain ign block; do
		arg=$v
		[ "$v" = plain ] && arg=
		alone "$tmp/exec.alone" "$W/sig_exec" $how $arg
		with_agent "$tmp/exec.agent" "$W/sig_exec" $how $arg
		if ! cmp -s "$tmp/exec.alone" "$tmp/exec.agent" ||
			! cmp -s "$tmp/exec.alone.rc" "$tmp/exec.agent.rc" ||
			! grep -q '^SIGPROF blocked=' "$tmp/exec.alone"; then
			bad="$bad $how/$v: $(cat "$tmp/exec.alone") rc $(cat "$tmp/exec.alone.rc") vs $(cat "$tmp/exec.agent") rc $(cat "$tmp/exec.agent.rc");"
		fi
	done
done
stop_sink
if [ -z "$bad" ]; then
	pass "signals: 11 exec and spawn paths x (plain, ignored, blocked): the new image's SIGPROF state as alone"
else
	fail "signals: exec paths" "$bad"
fi

# ---- stacks: an 8 KB alternate stack (the program's handler on it, our
# signal nesting there) keeps its canaries; a thread with 6 KB left lives.
# Both skip their samples and say so.
for mode in altstack thread8k; do
	alone "$tmp/$mode.alone" "$W/sig_stack" $mode
	start_sink "$tmp/$mode.sink"
	with_agent "$tmp/$mode.agent" "$W/sig_stack" $mode
	stop_sink
	same "signals: $mode: no overrun, same output" "$tmp/$mode.alone" "$tmp/$mode.agent"
	check "signals: $mode: low-stack skips reported" \
		grep -Eq '^notice .*code=low-stack count=[1-9][0-9]* samples skipped: too little stack' \
		"$tmp/$mode.sink"
done
PERFTOP_SOCKET=$tmp/run2.sock timeout 120 "$PERFTOP" run --batch -- "$W/sig_stack" thread8k \
	>"$tmp/stack.batch" 2>&1
check "signals: run --batch shows the skipped samples in the agent line" \
	grep -Eq 'agent: [0-9]+ samples skipped \(low stack\)' "$tmp/stack.batch"

# ---- a handler replaced with a raw rt_sigaction (past libc, like the Go
# runtime): sampling stops, perftop is told, the program runs as alone.
alone "$tmp/raw.alone" "$W/sig_raw"
start_sink "$tmp/raw.sink"
with_agent "$tmp/raw.agent" "$W/sig_raw"
stop_sink
same "signals: raw rt_sigaction: the program runs as alone" "$tmp/raw.alone" "$tmp/raw.agent"
check "signals: raw rt_sigaction: perftop is told sampling stopped" \
	grep -q '^notice .*tid=0 code=handler-replaced .*sampling stopped: the program replaced the SIGPROF handler' \
	"$tmp/raw.sink"

# ---- nothing of the above went to the programs' own output.
if cat "$tmp"/*.agent | grep -q perftop; then
	fail "signals: the programs' output has no agent message" "$(cat "$tmp"/*.agent | grep perftop | head -n 3)"
else
	pass "signals: the programs' output has no agent message"
fi

# ---- a Go program with cgo (dynamically linked: LD_PRELOAD loads the
# agent). The Go runtime owns every signal; the program must run unchanged
# and the agent must say what it could not sample.
if command -v go >/dev/null 2>&1; then
	mkdir -p "$tmp/go"
	cp tests/agent/go/spin.go "$tmp/go/"
	if (cd "$tmp/go" && GOCACHE=$tmp/gocache GOPATH=$tmp/gopath GO111MODULE=off GOTOOLCHAIN=local \
		GOFLAGS= timeout 300 go build -o spin spin.go) >"$tmp/go/build.log" 2>&1; then
		alone "$tmp/go.alone" "$tmp/go/spin" 1
		start_sink "$tmp/go.sink"
		with_agent "$tmp/go.agent" "$tmp/go/spin" 1
		stop_sink
		same "signals: Go (cgo) program runs unchanged under the agent" "$tmp/go.alone" "$tmp/go.agent"
		# Which of its threads run where the agent can unwind depends on
		# the Go scheduler: the agent either sampled it or said why not.
		samples=$(value "$tmp/go.sink" samples)
		if [ "${samples:-0}" -gt 0 ] ||
			grep -Eq '^notice .*code=(odd-stack|handler-replaced|blocked) ' "$tmp/go.sink"; then
			pass "signals: Go: sampled ($samples samples) or told perftop why not"
		else
			fail "signals: Go: neither sampled nor reported" "$(head -c 300 "$tmp/go.sink")"
		fi
	else
		skip "signals: Go program" "go build failed: $(tail -n 3 "$tmp/go/build.log")"
	fi
else
	skip "signals: Go program" "no go toolchain (golang-go)"
fi
