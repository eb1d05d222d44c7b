#!/bin/sh
# The agent's cost on its target, side by side with gperftools and perf in the
# same run. The target is timed by itself ($BUILD/bench/timeit, a static
# wrapper that forks it, reaps it with wait4 and writes its wall and CPU
# time), so neither perftop's exit wait nor perf's post-processing counts.
# Reports wall and CPU ratios against the unprofiled run, the samples each
# profiler delivered per second of the target's CPU time, and the CPU the
# profiler's own process spent (perftop's collector, perf record).
# Workloads: xz -6 on XZ_MB MB (default 4), a deep recursion (depth 200),
# two busy threads. Every configuration runs ROUNDS times (default 5),
# interleaved, so machine noise hits them all alike; figures are medians.
# AGENT_BASELINE=PATH/libperftop.so adds a row for another build of the agent
# at 1 kHz (PERFTOP_AGENT), to compare two versions in the same run;
# AGENT_BASELINE_NOTE says in the section what that build is.
set -eu
. bench/lib.sh
timed_target_setup
XZ_MB=${XZ_MB:-4}
PROFILER=$(ls /usr/lib/*/libprofiler.so 2>/dev/null | head -n 1)

# Text that compresses like source code: numbers, words, repeats.
seq 1 3000000 | awk '{print $1, $1 % 97, "value", $1 * 7 % 1013}' |
	head -c $((XZ_MB * 1000000)) >"$tmp/data"

# run_cfg CONFIG HZ CMD... — prints "wall_s cpu_s samples profiler_cpu_s"
# for one run of CMD: its own times (timeit), the samples the profiler kept
# of it, and the CPU time of the profiler's own process (0 for none and for
# gperftools, which runs inside the target): time(1) counts the reaped
# command in, so the command's own CPU is taken off.
run_cfg() {
	cfg=$1 hz=$2
	shift 2
	samples=0
	echo "0 0" >"$tmp/ptime"
	case "$cfg" in
	base)
		"$TIMEIT" "$tmp/time" "$@" >/dev/null
		;;
	perftop | baseline)
		# record, not run --batch: same collector, no screen, and the
		# snapshot says how many samples the target's agent delivered.
		agent=$BUILD/libperftop.so
		[ "$cfg" = baseline ] && agent=$AGENT_BASELINE
		PERFTOP_AGENT=$agent /usr/bin/time -f '%U %S' -o "$tmp/ptime" \
			"$PERFTOP" record -F "$hz" -o "$tmp/snap" -- "$TIMEIT" "$tmp/time" "$@" \
			>/dev/null 2>"$tmp/record.err"
		samples=$("$PERFTOP" report "$tmp/snap" --pid "$(awk '{print $5}' "$tmp/time")" \
			--format json | sed -n 's/^ *"samples": \([0-9]*\),$/\1/p' | head -n 1)
		rm -rf "$tmp/snap" "$tmp"/perftop-record-*
		;;
	gperf)
		rm -f "$tmp"/g.prof*
		LD_PRELOAD=$PROFILER CPUPROFILE=$tmp/g.prof CPUPROFILE_FREQUENCY=$hz \
			"$TIMEIT" "$tmp/time" "$@" >/dev/null 2>&1
		samples=$(google-pprof --text "$(command -v "$1" || echo "$1")" "$tmp/g.prof" \
			2>/dev/null | sed -n 's/^Total: \([0-9]*\) samples.*/\1/p')
		;;
	perf)
		/usr/bin/time -f '%U %S' -o "$tmp/ptime" \
			perf record -q -e cpu-clock -F "$hz" --call-graph dwarf -o "$tmp/perf.data" -- \
			"$TIMEIT" "$tmp/time" "$@" >/dev/null 2>"$tmp/perf.err"
		samples=$(perf report -i "$tmp/perf.data" --stats 2>/dev/null |
			sed -n 's/^ *SAMPLE events: *\([0-9]*\).*/\1/p' | head -n 1)
		stat -c %s "$tmp/perf.data" >"$tmp/perf.size"
		;;
	esac
	# timeit's line, then the samples, then time(1)'s user and system:
	# counted from the end, so a field timeit adds does not shift them.
	echo "$(cat "$tmp/time") ${samples:-0} $(cat "$tmp/ptime")" |
		awk '{ own = $(NF - 1) + $NF - $2; print $1, $2, $(NF - 2), (own > 0 ? own : 0) }'
}

workload_cmd() {
	case "$1" in
	xz) echo "xz -6 -T1 -c $tmp/data" ;;
	deeprec) echo "$BUILD/workloads/deeprec 100000 200" ;;
	mtwork) echo "$BUILD/workloads/mtwork 2 2000" ;;
	esac
}

workloads=${BENCH_WORKLOADS:-xz deeprec mtwork} # BENCH_WORKLOADS: a subset, for a quick look
configs="base perftop:100 perftop:1000 gperf:100 gperf:1000 perf:1000"
if [ -n "${AGENT_BASELINE:-}" ]; then
	configs="$configs baseline:1000"
fi
# rotate N WORDS... — the words starting at the Nth (0-based), wrapping, so
# each round starts with another configuration: none of them always runs
# first (right after another workload) or last.
rotate() {
	n=$1
	shift
	i=0
	for x in "$@"; do
		[ "$i" -ge "$n" ] && printf '%s ' "$x"
		i=$((i + 1))
	done
	i=0
	for x in "$@"; do
		[ "$i" -lt "$n" ] && printf '%s ' "$x"
		i=$((i + 1))
	done
}

nconfigs=$(echo $configs | wc -w)
for r in $(seq "$ROUNDS"); do
	echo "agent: round $r of $ROUNDS" >&2
	# shellcheck disable=SC2086
	order=$(rotate $(((r - 1) % nconfigs)) $configs)
	for w in $workloads; do
		cmd=$(workload_cmd "$w")
		for c in $order; do
			name=${c%%:*}
			hz=${c#*:}
			[ "$hz" = "$c" ] && hz=0
			# shellcheck disable=SC2086
			run_cfg "$name" "$hz" $cmd >>"$tmp/$w.$name.$hz"
			if [ "$name" = perf ]; then
				cat "$tmp/perf.size" >>"$tmp/$w.perfsize"
			fi
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

med() { awk -v c="$2" '{print $c}' "$1" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
row() { # workload config hz label
	f=$tmp/$1.$2.$3
	bw=$(med "$tmp/$1.base.0" 1) bc=$(med "$tmp/$1.base.0" 2)
	cw=$(med "$f" 1) cc=$(med "$f" 2) pc=$(med "$f" 4)
	rate=$(awk '{ if ($2 > 0) print $3 / $2 }' "$f" | median)
	own=$( [ "$2" = gperf ] && echo "(in the target)" || printf '%.2f s' "$pc")
	printf '| %s | %s | %s Hz | %.2f s | %s× | %.2f s | %s× | %.0f | %s |\n' \
		"$1" "$4" "$3" "$cw" "$(ratio "$cw" "$bw")" "$cc" "$(ratio "$cc" "$bc")" "$rate" "$own"
}

cat <<MD
## Agent overhead: perftop against gperftools and perf

Each workload run $ROUNDS times per configuration, interleaved (every round runs every
configuration of every workload, starting each round with the next configuration); medians. The target is timed by itself: \`bench/timeit\` forks
it and reaps it with \`wait4\`, so "wall" and "CPU" are the profiled program's own (its agent or
signal handler included), not the profiler's start-up or exit wait. "×" is over the unprofiled
run's median; "samples/CPU s" is the median of samples delivered per second of the target's CPU
time (every profiler here samples CPU time per thread, so the two-thread workload also gives
1000/s at 1 kHz); "profiler CPU" is the profiler's own process over the run (perftop's
collector, or \`perf record\`; gperftools has none, it runs inside the target).

- perftop: \`perftop record -F HZ -o SNAP -- timeit CMD\` (the agent preloaded into CMD, the
  collector receiving, symbolizing and building the profile live), samples from \`perftop report
  SNAP --pid PID --format json\`.
- gperftools: \`LD_PRELOAD=libprofiler.so CPUPROFILE=FILE CPUPROFILE_FREQUENCY=HZ timeit CMD\`,
  samples from \`google-pprof --text\`.
- perf: \`perf record -e cpu-clock -F HZ --call-graph dwarf -- timeit CMD\`, samples from \`perf
  report --stats\` (perf unwinds later, when the file is read; that cost is not counted).

The machine has 2 CPUs shared with other work: load average $load0 at the start,
$load1 at the end. The collector shares the CPUs with the target, so on the two-thread
workload any CPU the profiler's process takes shows up in the target's wall time.

| workload | profiler | asked | wall | wall × | CPU | CPU × | samples/CPU s | profiler CPU |
|---|---|---|---|---|---|---|---|---|
MD
for w in $workloads; do
	printf '| %s | none | | %.2f s | 1.000× | %.2f s | 1.000× | | |\n' "$w" \
		"$(med "$tmp/$w.base.0" 1)" "$(med "$tmp/$w.base.0" 2)"
	row "$w" perftop 100 perftop
	row "$w" perftop 1000 perftop
	row "$w" gperf 100 gperftools
	row "$w" gperf 1000 gperftools
	row "$w" perf 1000 "perf (dwarf)"
	if [ -n "${AGENT_BASELINE:-}" ]; then
		row "$w" baseline 1000 "perftop, baseline agent"
	fi
done
if [ -n "${AGENT_BASELINE:-}" ]; then
	echo
	echo "\"perftop, baseline agent\" is the same perftop with another build of the agent:" \
		"${AGENT_BASELINE_NOTE:-(not described)}."
fi
xzperf=$(median <"$tmp/xz.perfsize")
xzs=$(med "$tmp/xz.perf.1000" 3)
echo
awk -v b="$xzperf" -v s="$xzs" 'BEGIN {if (s > 0) printf "perf.data for xz at 1 kHz: %.1f MB, %.1f KB per sample.\n", b / 1e6, b / s / 1024}'
