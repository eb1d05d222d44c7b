#!/bin/sh
# The agent's own cost as it reports it, checked against the outside view.
# A fixed amount of work (deeprec: stacks 200 frames deep, and 10 deep) runs
# unprofiled and under `perftop record` at 100 Hz and 1 kHz, ROUNDS times
# (default 5), interleaved. The target's CPU time is measured from outside
# ($BUILD/bench/timeit: wait4 of the target, its agent included); the
# agent's figure is what `perftop report --format json` says
# (agent_cost_pct, agent_cpu_s). Medians. The outside extra is the CPU time
# the profiled run took over the unprofiled one's median: it holds the
# agent's handler and writer (what the agent reports) plus what the agent
# cannot see from inside (the kernel delivering each signal and returning
# from it, the sampling timer, cache effects on the program).
set -eu
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
PERFTOP=$BUILD/perftop
TIMEIT=$BUILD/bench/timeit
make -s BUILD="$BUILD" "$TIMEIT" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# run_cfg HZ CMD... — prints "cpu_s samples agent_pct agent_cpu_s" for one
# run (HZ 0: unprofiled; the last three are 0 then).
run_cfg() {
	hz=$1
	shift
	if [ "$hz" = 0 ]; then
		"$TIMEIT" "$tmp/time" "$@" >/dev/null
		echo "$(awk '{print $2}' "$tmp/time") 0 0 0"
		return
	fi
	PERFTOP_AGENT=$BUILD/libperftop.so "$PERFTOP" record -F "$hz" -o "$tmp/snap" -- \
		"$TIMEIT" "$tmp/time" "$@" >/dev/null 2>"$tmp/record.err"
	"$PERFTOP" report "$tmp/snap" --pid "$(awk '{print $5}' "$tmp/time")" --format json \
		>"$tmp/r.json"
	rm -rf "$tmp/snap" "$tmp"/perftop-record-*
	samples=$(sed -n 's/^ *"samples": \([0-9]*\),$/\1/p' "$tmp/r.json" | head -n 1)
	pct=$(sed -n 's/^ *"agent_cost_pct": \([0-9.e+-]*\),*$/\1/p' "$tmp/r.json" | head -n 1)
	acpu=$(sed -n 's/^ *"agent_cpu_s": \([0-9.e+-]*\),*$/\1/p' "$tmp/r.json" | head -n 1)
	echo "$(awk '{print $2}' "$tmp/time") ${samples:-0} ${pct:-nan} ${acpu:-nan}"
}

workload_cmd() {
	case "$1" in
	deep) echo "$BUILD/workloads/deeprec 80000 200" ;;
	shallow) echo "$BUILD/workloads/deeprec 80000 10" ;;
	esac
}

workloads="deep shallow"
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
			run_cfg "$hz" $(workload_cmd "$w") >>"$tmp/$w.$hz"
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

med() { awk -v c="$2" '{print $c}' "$1" | median; }

cat <<MD
## The agent's own cost: reported against measured

\`sh bench/agent_cost.bench.sh\` (ROUNDS=$ROUNDS, interleaved; medians). deeprec (a fixed amount of
work at the bottom of a deep recursion) at depth 200 ("deep") and 10 ("shallow"), unprofiled and
under \`perftop record -F HZ\`. "target CPU" is the target's own user+system time from outside
(\`bench/timeit\`: \`wait4\` of the target, the agent inside it included); "outside extra" is the
profiled run's CPU over the unprofiled run's median, in seconds and as a share of the profiled
run's CPU; "agent says" is the agent line's figure (\`agent_cost_pct\`, \`agent_cpu_s\` of
\`perftop report --format json\`): its handler and writer thread's CPU as a share of the
process's. Load average $load0 at the start, $load1 at the end (2 CPUs shared with other work).

| workload | rate | target CPU | outside extra | agent says | agent CPU | samples | agent µs/sample |
|---|---|---|---|---|---|---|---|
MD
for w in $workloads; do
	base=$(med "$tmp/$w.0" 1)
	printf '| %s | none | %.3f s | | | | | |\n' "$w" "$base"
	for hz in 100 1000; do
		f=$tmp/$w.$hz
		cpu=$(med "$f" 1)
		extra=$(awk -v a="$cpu" -v b="$base" 'BEGIN {printf "%.3f s (%.2f %%)", a - b, (a - b) * 100 / a}')
		pct=$(med "$f" 3)
		acpu=$(med "$f" 4)
		smp=$(med "$f" 2)
		per=$(awk '{ if ($2 > 0) print $4 * 1e6 / $2 }' "$f" | median)
		printf '| %s | %s Hz | %.3f s | %s | %.2f %% | %.3f s | %s | %.1f |\n' \
			"$w" "$hz" "$cpu" "$extra" "$pct" "$acpu" "$smp" "$per"
	done
done
echo
echo "Per run (cpu_s samples agent_pct agent_cpu_s):"
for w in $workloads; do
	for hz in $configs; do
		printf '%s %s Hz: %s\n' "$w" "$hz" "$(awk '{printf "[%s] ", $0}' "$tmp/$w.$hz")"
	done
done
