#!/bin/sh
# The agent (libperftop.so) against a stand-in for perftop (tests/agent/sink.c):
# samples that account for the CPU time (per thread's CPU clock, so a busy
# machine does not change them; the achieved rate itself is
# bench/agent.bench.sh's figure), per-thread samples, exact zone statistics
# and counter totals,
# life without perftop or after losing it, and a stress run (threads doing
# malloc/free, dlopen/dlclose, fork and exec, at 5 kHz) that must finish with
# unchanged output. Every run is under `timeout` (a generous deadline,
# $TO s), so a hang fails.
. tests/lib.sh
TO=$((WAIT_S * 4))

AGENT=$PWD/$BUILD/libperftop.so
SINK=$BUILD/tests/agent-sink
BURN=$WORKLOADS/agent_burn
API=$WORKLOADS/pt_agent
STRESS=$WORKLOADS/agent_stress

for f in "$AGENT" "$SINK" "$BURN" "$API" "$STRESS"; do
	if [ ! -x "$f" ] && [ ! -f "$f" ]; then
		skip agent "$f not built (make all $SINK)"
		exit 0
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SOCK=$tmp/perftop.sock

# start_sink OUT [CLOSES]: a sink in the background on $SOCK ($sink_pid).
start_sink() {
	if [ -n "${2:-}" ]; then
		sink_run "$SOCK" "$1" -t "$TO" -c "$2"
	else
		sink_run "$SOCK" "$1" -t "$TO"
	fi
}
stop_sink() { sink_end; }

# preloaded SECONDS CMD...: CMD under the agent, killed after SECONDS. Only
# CMD gets LD_PRELOAD (not timeout or env, which would connect too).
preloaded() {
	secs=$1
	shift
	timeout "$secs" sh -c 'export LD_PRELOAD="$0"; exec "$@"' "$AGENT" "$@"
}

# value FILE KEY: the rest of the first line starting with "KEY ".
value() { sed -n "s/^$2 //p" "$1" | head -n 1; }
# taken FILE: the samples the agent took: received by the sink, plus those
# it dropped (counted in its last STATS) when its writer could not keep up.
taken() {
	_r=$(value "$1" samples)
	_d=$(sed -n 's/^stats-last .* dropped=\([0-9]*\) .*/\1/p' "$1" | head -n 1)
	echo $((${_r:-0} + ${_d:-0}))
}
# covers TAKEN CPU_MS: at 1 kHz, between half and one and a half samples per
# ms of CPU: a timer at the rate asked, on the thread's CPU clock.
covers() { [ -n "$1" ] && [ -n "$2" ] && [ $(($1 * 100)) -ge $(($2 * 50)) ] && [ $(($1 * 100)) -le $(($2 * 150)) ]; }

# ---- 1 thread at 1 kHz: the samples taken account for its CPU time.
start_sink "$tmp/rate" 1
PERFTOP_SOCKET=$SOCK PERFTOP_HZ=1000 preloaded "$TO" "$BURN" 2 1 \
	>"$tmp/rate.out" 2>"$tmp/rate.stderr"
rc=$?
wait "$sink_pid"
cpu_ms=$(sed -n 's/^cpu_ms=//p' "$tmp/rate.stderr")
samples=$(value "$tmp/rate" samples)
if [ "$rc" -eq 0 ] && [ -n "$samples" ] && covers "$(taken "$tmp/rate")" "$cpu_ms"; then
	pass "agent: 1 kHz on one busy thread: $samples samples for $cpu_ms ms of CPU"
else
	fail "agent: 1 kHz on one busy thread" "rc=$rc samples=$samples taken=$(taken "$tmp/rate") cpu_ms=$cpu_ms"
fi
check "agent: the sink decoded every frame" grep -qx 'errors 0' "$tmp/rate"
check "agent: HELLO says 1000 Hz" grep -q '^hello pid=[0-9]* hz=1000 ' "$tmp/rate"
check "agent: STATS sent" grep -Eq '^stats [1-9]' "$tmp/rate"
check "agent: MAPS with build-ids sent" grep -Eq '^maps-with-build-id [1-9]' "$tmp/rate"
depth=$(value "$tmp/rate" sample-depth-max)
if [ "${depth:-0}" -ge 3 ]; then
	pass "agent: stacks are unwound ($depth frames deep)"
else
	fail "agent: stacks are unwound" "deepest stack has ${depth:-0} frames"
fi

# ---- the fallback source, POSIX CPU-time timers: tick-limited, so each
# sample carries its timer overruns as repeats; CPU time is still covered.
start_sink "$tmp/posix" 1
PERFTOP_SOCKET=$SOCK PERFTOP_SOURCE=posix preloaded "$TO" "$BURN" 1 1 \
	>/dev/null 2>"$tmp/posix.stderr"
rc=$?
wait "$sink_pid"
cpu_ms=$(sed -n 's/^cpu_ms=//p' "$tmp/posix.stderr")
samples=$(value "$tmp/posix" samples)
if [ "$rc" -eq 0 ] && covers "$(taken "$tmp/posix")" "$cpu_ms" &&
	grep -q '^notice .*code=posix-timers .*POSIX CPU timers' "$tmp/posix" &&
	! grep -q 'perftop' "$tmp/posix.stderr"; then
	pass "agent: POSIX timer source covers the CPU time ($samples samples, $cpu_ms ms)"
else
	fail "agent: POSIX timer source" "rc=$rc samples=$samples cpu_ms=$cpu_ms"
fi

# ---- 2 threads: both tids sampled, each for its own second of CPU (at
# least half of the 1,000 samples that second is worth at the default rate).
start_sink "$tmp/two" 1
PERFTOP_SOCKET=$SOCK preloaded "$TO" "$BURN" 1 2 >/dev/null 2>"$tmp/two.stderr"
rc=$?
wait "$sink_pid"
ntids=$(grep -c '^samples-tid ' "$tmp/two")
low=$(grep '^samples-tid ' "$tmp/two" | awk '{print $4}' | sort -n | head -n 1)
if [ "$rc" -eq 0 ] && [ "$ntids" -eq 2 ] && [ "${low:-0}" -ge 500 ]; then
	pass "agent: two busy threads, both sampled (fewest: $low)"
else
	fail "agent: two busy threads" "rc=$rc threads=$ntids fewest=$low"
fi

# ---- the API, linked with -lperftop: exact zone counts and counter totals,
# though zones this short overflow the event rings.
start_sink "$tmp/api" 1
PERFTOP_SOCKET=$SOCK timeout "$TO" "$API" 100000 >"$tmp/api.out" 2>&1
rc=$?
wait "$sink_pid"
check "agent: API program ran" [ "$rc" -eq 0 ]
check "agent: zone run 200000 times counts 200000" grep -q '^zone work count=200000 ' "$tmp/api"
check "agent: nested zone counts 20000" grep -q '^zone inner count=20000 ' "$tmp/api"
check "agent: pt_zone_begin/end zone counts 10" grep -q '^zone explicit count=10 ' "$tmp/api"
check "agent: per-call-site counter total exact" grep -qx 'counter ops total=200000' "$tmp/api"
check "agent: by-name counter total exact" grep -qx 'counter bytes total=1400000' "$tmp/api"
check "agent: gauge's last value" grep -qx 'gauge level last=12.5' "$tmp/api"
check "agent: mark delivered" grep -qx 'mark pt_agent mark 42' "$tmp/api"
check "agent: thread names" sh -c "grep -qx 'thread-name worker' '$tmp/api' &&
	grep -qx 'thread-name main-thread' '$tmp/api'"
check "agent: API frames decoded" grep -qx 'errors 0' "$tmp/api"

# ---- 2000 short-lived threads: their slots are recycled, and the exact
# statistics of every one of them still arrive.
CHURN=$WORKLOADS/pt_churn
if [ -x "$CHURN" ]; then
	start_sink "$tmp/churn" 1
	PERFTOP_SOCKET=$SOCK timeout "$TO" "$CHURN" 250 >/dev/null 2>&1
	rc=$?
	wait "$sink_pid"
	if [ "$rc" -eq 0 ] && grep -q '^zone churn count=2000000 ' "$tmp/churn" &&
		grep -qx 'counter n total=2000000' "$tmp/churn"; then
		pass "agent: 2000 short-lived threads, zone and counter totals exact"
	else
		fail "agent: thread churn" "rc=$rc; $(grep -E '^(zone|counter) ' "$tmp/churn" | tr '\n' ' ')"
	fi
else
	skip "agent: thread churn" "$CHURN not built"
fi

# ---- without perftop: same output, nothing on stderr, normal exit.
timeout "$TO" "$BURN" 0.5 2 >"$tmp/plain.out" 2>/dev/null
PERFTOP_SOCKET=$tmp/nobody.sock preloaded "$TO" "$BURN" 0.5 2 \
	>"$tmp/alone.out" 2>"$tmp/alone.err"
rc=$?
if [ "$rc" -eq 0 ] && cmp -s "$tmp/plain.out" "$tmp/alone.out" &&
	[ "$(grep -vc '^cpu_ms=' "$tmp/alone.err")" -eq 0 ]; then
	pass "agent: without perftop the preloaded program runs unchanged"
else
	fail "agent: without perftop (preloaded)" "rc=$rc; stderr: $(head -c 200 "$tmp/alone.err")"
fi
PERFTOP_SOCKET=$tmp/nobody.sock timeout "$TO" "$API" 1000 >"$tmp/alone-api.out" 2>"$tmp/alone-api.err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$tmp/alone-api.out")" = "pt_agent done" ] &&
	[ ! -s "$tmp/alone-api.err" ]; then
	pass "agent: without perftop the linked program runs unchanged"
else
	fail "agent: without perftop (linked)" "rc=$rc; $(head -c 200 "$tmp/alone-api.err")"
fi

timeout "$TO" sh -c "trap '' PROF; PERFTOP_SOCKET='$tmp/nobody.sock' LD_PRELOAD='$AGENT' \
	exec '$BURN' 0.2 1" >/dev/null 2>"$tmp/alone-sig.err"
if [ "$(grep -vc '^cpu_ms=' "$tmp/alone-sig.err")" -eq 0 ]; then
	pass "agent: without perftop, no message even when the signal had to change"
else
	fail "agent: without perftop, no message" "$(head -c 200 "$tmp/alone-sig.err")"
fi

# ---- perftop gone mid-run: the program finishes normally.
start_sink "$tmp/killed"
PERFTOP_SOCKET=$SOCK preloaded "$TO" "$BURN" 1.5 1 >"$tmp/killed.out" 2>/dev/null &
burn_pid=$!
sleep 0.5
kill -KILL "$sink_pid" 2>/dev/null
wait "$sink_pid" 2>/dev/null
wait "$burn_pid"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$tmp/killed.out")" = "burn done threads=1" ]; then
	pass "agent: perftop killed mid-run, the program completes"
else
	fail "agent: perftop killed mid-run" "rc=$rc"
fi

# ---- a perftop that accepts and never reads: the program must not wait.
# The sink stalls for its whole life ($TO s); a program that blocked on it
# would be ended by `timeout` (exit 124) before the sink lets go.
rm -f "$SOCK"
"$SINK" "$SOCK" -t $((TO + 60)) --stall >/dev/null 2>&1 &
sink_pid=$!
wait_until "$WAIT_S" test -S "$SOCK"
start=$(date +%s)
PERFTOP_SOCKET=$SOCK PERFTOP_HZ=5000 timeout "$TO" "$API" 2000000 >"$tmp/stall.out" 2>&1
rc=$?
PERFTOP_SOCKET=$SOCK PERFTOP_HZ=5000 preloaded "$TO" "$BURN" 1 2 >>"$tmp/stall.out" 2>/dev/null
rc2=$?
took=$(($(date +%s) - start))
stop_sink
if [ "$rc" -eq 0 ] && [ "$rc2" -eq 0 ] && grep -q '^pt_agent done' "$tmp/stall.out"; then
	pass "agent: a perftop that never reads does not block the program (${took}s)"
else
	fail "agent: stalled perftop" "rc=$rc rc2=$rc2 (124: blocked until the deadline) after ${took}s"
fi

# ---- the profiling signal already taken (here: ignored, inherited through
# exec): the agent samples with a real-time signal instead and says so to perftop (a NOTICE), not on the program's stderr.
start_sink "$tmp/sig" 1
timeout "$TO" sh -c "trap '' PROF; PERFTOP_SOCKET='$SOCK' LD_PRELOAD='$AGENT' exec '$BURN' 1 1" \
	>/dev/null 2>"$tmp/sig.err"
rc=$?
wait "$sink_pid"
samples=$(value "$tmp/sig" samples)
cpu_ms=$(sed -n 's/^cpu_ms=//p' "$tmp/sig.err")
if [ "$rc" -eq 0 ] && grep -q '^notice .*code=signal .*SIGPROF .*instead' "$tmp/sig" &&
	! grep -q perftop "$tmp/sig.err" && covers "$(taken "$tmp/sig")" "$cpu_ms"; then
	pass "agent: SIGPROF taken, sampled with $(sed -n 's/^notice .*with \(.*\) instead/\1/p' "$tmp/sig"), said to perftop only"
else
	fail "agent: SIGPROF taken" "rc=$rc samples=$samples; $(head -c 200 "$tmp/sig.err")"
fi

# ---- stress at 5 kHz: no hang, no crash, same output.
timeout "$TO" "$STRESS" >"$tmp/stress.plain" 2>&1
start_sink "$tmp/stress"
PERFTOP_SOCKET=$SOCK PERFTOP_HZ=5000 preloaded "$TO" "$STRESS" \
	>"$tmp/stress.out" 2>&1
rc=$?
sleep 0.5
stop_sink
conns=$(value "$tmp/stress" connections)
if [ "$rc" -eq 0 ] && cmp -s "$tmp/stress.plain" "$tmp/stress.out"; then
	pass "agent: stress (8 threads malloc/free, dlopen/dlclose, fork+exec) at 5 kHz"
else
	fail "agent: stress at 5 kHz" "rc=$rc (124: hung); $(diff "$tmp/stress.plain" "$tmp/stress.out" | head -n 5)"
fi
if grep -qx 'errors 0' "$tmp/stress" && [ "${conns:-0}" -ge 11 ]; then
	pass "agent: stress: parent and exec'd children connected ($conns), every frame decoded"
else
	fail "agent: stress connections" "connections=$conns; $(head -c 300 "$tmp/stress.err")"
fi

# ---- include/perftop.h compiles cleanly as C11 and as C++11.
cat >"$tmp/hdr.c" <<'EOF'
#include "perftop.h"
int main(void)
{
	int s = 0;
	for (int i = 0; i < 3; i++) {
		PT_ZONE("a");
		PT_COUNTER_ADD("c", 1);
		PT_GAUGE_SET("g", 1.5);
		s += i;
	}
	PT_ZONE_BEGIN(z, "b");
	PT_ZONE_END(z);
	pt_mark("%d", s);
	return s == 3 ? 0 : 1;
}
EOF
if cc -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror -Iinclude \
	-o "$tmp/hdr" "$tmp/hdr.c" -L"$BUILD" -lperftop -Wl,-rpath,"$PWD/$BUILD" 2>"$tmp/hdr.err" &&
	PERFTOP_SOCKET=$tmp/nobody.sock "$tmp/hdr"; then
	pass "agent: perftop.h builds and runs as C11 with -Werror"
else
	fail "agent: perftop.h as C11" "$(head -c 300 "$tmp/hdr.err")"
fi
if command -v c++ >/dev/null 2>&1; then
	cat >"$tmp/hdr.cc" <<'EOF'
#include "perftop.h"
static int work(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++) {
		PT_ZONE("a");
		pt::Zone inner("b");
		s += i;
	}
	return s;
}
int main() { return work(3) == 3 ? 0 : 1; }
EOF
	if c++ -std=c++11 -Wall -Wextra -Werror -Iinclude -o "$tmp/hdrxx" "$tmp/hdr.cc" \
		-L"$BUILD" -lperftop -Wl,-rpath,"$PWD/$BUILD" 2>"$tmp/hdrxx.err" &&
		PERFTOP_SOCKET=$tmp/nobody.sock "$tmp/hdrxx"; then
		pass "agent: perftop.h builds and runs as C++11 (PT_ZONE, pt::Zone)"
	else
		fail "agent: perftop.h as C++11" "$(head -c 300 "$tmp/hdrxx.err")"
	fi
else
	skip "agent: perftop.h as C++11" "no C++ compiler"
fi
