#!/bin/sh
# The signal handler's cost per sample for each way the agent can walk a
# native stack (PERFTOP_UNWIND): "steps", libunwind's cursor stepped frame
# by frame from the signal's context (the walk before the trace, with the
# per-thread caching policy, which Debian's libunwind treats as the global
# one); "steps-global", the same with the global policy asked for by name;
# "trace", unw_backtrace's cached frame layouts (the default). deeprec
# recurses to a fixed depth and works at the bottom: stacks of 10 and 60
# frames (DEPTH 5 and 55, plus main and libc's start-up), UNWIND_WORK
# rounds of it (default 20000, about 0.6 s of CPU: under the kernel's
# real-time throttling, 0.95 s a second, see below). Each run is
# `perftop record -F UNWIND_HZ` (default 2000); the handler's time and the
# samples come from `perftop report --format json` (agent_handler_s,
# samples); the target's CPU time (bench/timeit) is listed per run with an
# unprofiled run's in the same round. ROUNDS rounds (default 5), the modes interleaved
# in a different order each round; medians, and the ratio of the step
# walk's median to the trace's. UNWIND_BASELINE=PATH/libperftop.so adds
# "before", another build of the agent (the one before the trace) with its
# defaults, so the before/after ratio comes from the same run.
set -eu
. bench/lib.sh
timed_target_setup
WORK=${UNWIND_WORK:-20000}
RATE=${UNWIND_HZ:-2000}
# The handler's figure is wall time inside it: on a loaded machine a
# preemption in the middle of one sample outweighs hundreds of samples. The
# target runs at a real-time priority where allowed (chrt -f 10: the
# machine's other work cannot preempt it; the kernel's real-time throttling
# still leaves them 5 % of a CPU, which is why a run stays under 0.95 s of
# CPU: a throttled pause inside a handler would count whole), UNWIND_RT=0
# to not.
RT=
rt_note="at normal priority"
if [ "${UNWIND_RT:-1}" = 1 ] && chrt -f 10 true 2>/dev/null; then
	RT="chrt -f 10"
	rt_note="under \`$RT\` (a real-time priority), so the machine's other work could not preempt them"
fi

# run_mode MODE DEPTH — prints "cpu_s samples handler_us_per_sample" for one
# run (MODE none: unprofiled, the last two 0).
run_mode() {
	if [ "$1" = none ]; then
		$RT "$TIMEIT" "$tmp/time" "$BUILD/workloads/deeprec" "$WORK" "$2" >/dev/null
		echo "$(awk '{print $2}' "$tmp/time") 0 0"
		return
	fi
	agent=$BUILD/libperftop.so
	[ "$1" = before ] && agent=$UNWIND_BASELINE
	PERFTOP_UNWIND=$1 PERFTOP_AGENT=$agent "$PERFTOP" record -F "$RATE" \
		-o "$tmp/snap" -- $RT "$TIMEIT" "$tmp/time" "$BUILD/workloads/deeprec" "$WORK" "$2" \
		>/dev/null 2>"$tmp/record.err"
	"$PERFTOP" report "$tmp/snap" --pid "$(awk '{print $5}' "$tmp/time")" --format json \
		>"$tmp/r.json"
	rm -rf "$tmp/snap" "$tmp"/perftop-record-*
	num() { json_num "$1" "$tmp/r.json"; }
	awk -v c="$(awk '{print $2}' "$tmp/time")" -v h="$(num agent_handler_s)" \
		-v s="$(num samples)" 'BEGIN { printf "%s %d %.2f\n", c, s, (s > 0 ? h * 1e6 / s : 0) }'
}

modes="steps steps-global trace"
before=
if [ -n "${UNWIND_BASELINE:-}" ]; then
	modes="before $modes"
	before=before
fi
depths="5 55"
for r in $(seq "$ROUNDS"); do
	echo "unwind_cost: round $r of $ROUNDS" >&2
	case $(((r - 1) % 4)) in
	0) order="none $before steps steps-global trace" ;;
	1) order="steps steps-global trace none $before" ;;
	2) order="steps-global trace $before none steps" ;;
	*) order="trace $before none steps steps-global" ;;
	esac
	for d in $depths; do
		for m in $order; do
			echo "$r $(run_mode "$m" "$d")" >>"$tmp/$m.$d"
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
med() { awk -v c="$2" '{print $c}' "$1" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }

cat <<MD
## The handler's stack walk: steps against libunwind's trace

\`sh bench/unwind_cost.bench.sh\` (ROUNDS=$ROUNDS, interleaved; medians). \`deeprec $WORK DEPTH\`
(a fixed amount of work at the bottom of a recursion) under \`perftop record -F $RATE\`, native
stacks of 10 and 60 frames (DEPTH 5 and 55, plus main and libc's start-up), with each walk the
agent can take (\`PERFTOP_UNWIND\`): "steps" is \`unw_init_local2(UNW_INIT_SIGNAL_FRAME)\` and
\`unw_step\` per frame, caching policy \`UNW_CACHE_PER_THREAD\` (the walk before; Debian's
libunwind 1.6.2 treats that policy as the global cache with its lock); "steps-global" the same
with \`UNW_CACHE_GLOBAL\` asked for; "trace" is \`unw_backtrace\` (libunwind's per-thread cache of
frame layouts) from the handler, cut at the signal frame (the default now).${before:+ "before" is
the agent built from the commit before the trace, with its defaults (\`UNWIND_BASELINE\`): its
walk is "steps", with fewer of its reads checked.} The figures are
the agent's own: the handler's time over the samples it took (\`agent_handler_s\` / \`samples\`
of \`perftop report --format json\`), wall time inside the handler, so a preemption inside one
would count whole: the targets ran $rt_note. The target's CPU time from outside
(\`bench/timeit\`) is listed per run below with an unprofiled run's; between two unprofiled
runs it varies by more than the handler's whole cost on this machine, so no per-sample figure is
drawn from it. Load average $load0 at the start, $load1 at
the end (2 CPUs shared with other work).

| frames |${before:+ before µs/sample |} steps µs/sample | steps-global µs/sample | trace µs/sample | steps / trace |${before:+ before / trace |} samples a run (trace) |
|---|---|---|---|---|${before:+---|---|}---|
MD
for d in $depths; do
	hs=$(med "$tmp/steps.$d" 4)
	hg=$(med "$tmp/steps-global.$d" 4)
	ht=$(med "$tmp/trace.$d" 4)
	hb=
	[ -n "$before" ] && hb=$(med "$tmp/before.$d" 4)
	printf '| %d |%s %s | %s | %s | %s |%s %s |\n' "$((d + 5))" "${hb:+ $hb |}" \
		"$hs" "$hg" "$ht" "$(ratio "$hs" "$ht")" "${hb:+ $(ratio "$hb" "$ht") |}" \
		"$(med "$tmp/trace.$d" 3)"
done
echo
echo "Per run, by round (round cpu_s samples handler_µs/sample):"
echo
for d in $depths; do
	for m in none $modes; do
		printf -- '- %d frames, %s: %s\n' "$((d + 5))" "$m" "$(awk '{printf "[%s] ", $0}' "$tmp/$m.$d")"
	done
done
