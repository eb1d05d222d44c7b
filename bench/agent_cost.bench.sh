#!/bin/sh
# The agent's own cost as it reports it, checked against the outside view.
# A fixed amount of work (deeprec: stacks 200 frames deep, and 10 deep; and
# one round of it, for the agent's start-up and exit) runs
# unprofiled and under `perftop record` at 100 Hz and 1 kHz, ROUNDS times
# (default 5), interleaved. The target's CPU time is measured from outside
# ($BUILD/bench/timeit: wait4 of the target, its agent included); the
# agent's figure is what `perftop report --format json` says
# (agent_cost_pct, agent_handler_s, agent_writer_s). Medians. The outside
# extra is the CPU time a profiled run took over the same round's
# unprofiled run: it holds the
# agent's handler and writer (what the agent reports) plus what the agent
# cannot see from inside (the kernel delivering each signal and returning
# from it, the sampling timer, cache effects on the program).
set -eu
. bench/lib.sh
timed_target_setup

# run_cfg HZ CMD... — prints "cpu_s samples agent_pct handler_s writer_s"
# for one run (HZ 0: unprofiled; the last four are 0 then).
run_cfg() {
	hz=$1
	shift
	if [ "$hz" = 0 ]; then
		"$TIMEIT" "$tmp/time" "$@" >/dev/null
		echo "$(awk '{print $2}' "$tmp/time") 0 0 0 0"
		return
	fi
	PERFTOP_AGENT=$BUILD/libperftop.so "$PERFTOP" record -F "$hz" -o "$tmp/snap" -- \
		"$TIMEIT" "$tmp/time" "$@" >/dev/null 2>"$tmp/record.err"
	"$PERFTOP" report "$tmp/snap" --pid "$(awk '{print $5}' "$tmp/time")" --format json \
		>"$tmp/r.json"
	rm -rf "$tmp/snap" "$tmp"/perftop-record-*
	num() { json_num "$1" "$tmp/r.json"; }
	echo "$(awk '{print $2}' "$tmp/time") $(num samples) $(num agent_cost_pct) \
$(num agent_handler_s) $(num agent_writer_s)"
}

workload_cmd() {
	case "$1" in
	deep) echo "$BUILD/workloads/deeprec 80000 200" ;;
	shallow) echo "$BUILD/workloads/deeprec 80000 10" ;;
	tiny) echo "$BUILD/workloads/deeprec 1 10" ;;
	esac
}

workloads="deep shallow tiny"
configs="0 100 1000"
for r in $(seq "$ROUNDS"); do
	echo "agent_cost: round $r of $ROUNDS" >&2
	# Each round starts with another configuration.
	case $(((r - 1) % 3)) in
	0) order="0 100 1000" ;;
	1) order="100 1000 0" ;;
	*) order="1000 0 100" ;;
	esac
	for w in $workloads; do
		for hz in $order; do
			# shellcheck disable=SC2046
			run_cfg "$hz" $(workload_cmd "$w") >"$tmp/one"
			cat "$tmp/one" >>"$tmp/$w.$hz"
			echo "$r $(cat "$tmp/one")" >>"$tmp/$w.$hz.r"
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

med() { awk -v c="$2" '{print $c}' "$1" | median; }
# paired W HZ — the profiled run's CPU over the same round's unprofiled run's,
# one line per round.
paired() { awk 'NR == FNR { base[$1] = $2; next } { print $2 - base[$1] }' \
	"$tmp/$1.0.r" "$tmp/$1.$2.r"; }

cat <<MD
## The agent's own cost: reported against measured

\`sh bench/agent_cost.bench.sh\` (ROUNDS=$ROUNDS, interleaved; medians). deeprec (a fixed amount of
work at the bottom of a recursion) at depth 200 ("deep", about 2.5 s of CPU) and 10 ("shallow"),
and one round of it ("tiny": start-up and exit only), unprofiled and under \`perftop record -F
HZ\`. "target CPU" is the target's own user+system time from outside (\`bench/timeit\`: \`wait4\`
of the target, the agent inside it included). "outside extra" is the median over rounds of the
profiled run's CPU minus the same round's unprofiled run's, and that as a share of the profiled
run's CPU. "agent says" is the agent line's figure (\`agent_cost_pct\` of \`perftop report
--format json\`: handler and writer CPU as a share of the process's CPU since the connection),
then the handler's and the writer's CPU (\`agent_handler_s\`, \`agent_writer_s\`) and the
handler's CPU per sample. Load average $load0 at the start, $load1 at the end (2 CPUs shared
with other work).

| workload | rate | target CPU | outside extra | agent says | handler | writer | samples | handler µs/sample |
|---|---|---|---|---|---|---|---|---|
MD
for w in $workloads; do
	base=$(med "$tmp/$w.0" 1)
	printf '| %s | none | %.3f s | | | | | | |\n' "$w" "$base"
	for hz in 100 1000; do
		f=$tmp/$w.$hz
		cpu=$(med "$f" 1)
		extra=$(paired "$w" "$hz" | median)
		per=$(awk '{ if ($2 > 0) print $4 * 1e6 / $2 }' "$f" | median)
		[ "$per" = n/a ] && per=0
		printf '| %s | %s Hz | %.3f s | %+.3f s (%.2f %%) | %.2f %% | %.3f s | %.3f s | %s | %.1f |\n' \
			"$w" "$hz" "$cpu" "$extra" "$(awk -v e="$extra" -v c="$cpu" 'BEGIN {print e * 100 / c}')" \
			"$(med "$f" 3)" "$(med "$f" 4)" "$(med "$f" 5)" "$(med "$f" 2)" "${per:-0}"
	done
done
echo
echo "Per run, by round (round cpu_s samples agent_pct handler_s writer_s):"
echo
for w in $workloads; do
	for hz in $configs; do
		printf -- '- %s, %s Hz: %s\n' "$w" "$hz" "$(awk '{printf "[%s] ", $0}' "$tmp/$w.$hz.r")"
	done
done
