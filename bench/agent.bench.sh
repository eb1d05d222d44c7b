#!/bin/sh
# The agent's cost on its target, side by side with gperftools and perf in the
# same run: wall-time ratio against the unprofiled run, and the samples each
# profiler actually delivered per second of the target's CPU time.
# Workloads: xz -6 on 20 MB, a deep recursion (depth 200), two threads.
# Every configuration runs ROUNDS times (default 5), interleaved, so machine
# noise hits them all alike; figures are medians.
set -eu
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
PERFTOP=$BUILD/perftop
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp   # perftop run's private directories land here
PROFILER=$(ls /usr/lib/*/libprofiler.so 2>/dev/null | head -n 1)

# 20 MB of text that compresses like source code: numbers, words, repeats.
seq 1 3000000 | awk '{print $1, $1 % 97, "value", $1 * 7 % 1013}' | head -c 20000000 >"$tmp/data"

now() { date +%s.%N; }

# run_cfg CONFIG HZ CMD... — prints "wall_s cpu_s samples"
run_cfg() {
	cfg=$1 hz=$2
	shift 2
	t0=$(now)
	case "$cfg" in
	base)
		/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >/dev/null
		samples=0
		;;
	perftop)
		/usr/bin/time -f '%U %S' -o "$tmp/time" \
			"$PERFTOP" run --batch -F "$hz" -- "$@" >"$tmp/batch" 2>&1
		samples=$(sed -n 's/^Functions: \([0-9]*\) samples.*/\1/p' "$tmp/batch" | tail -n 1)
		;;
	gperf)
		rm -f "$tmp"/g.prof*
		# time(1) is preloaded too; the target's own profile is g.prof_PID.
		LD_PRELOAD=$PROFILER CPUPROFILE=$tmp/g.prof CPUPROFILE_FREQUENCY=$hz \
			/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >/dev/null 2>&1
		samples=0
		for gp in "$tmp"/g.prof*; do
			n=$(google-pprof --text "$(command -v "$1" || echo "$1")" "$gp" 2>/dev/null |
				sed -n 's/^Total: \([0-9]*\) samples.*/\1/p')
			samples=$((samples + ${n:-0}))
		done
		;;
	perf)
		perf record -q -e cpu-clock -F "$hz" --call-graph dwarf -o "$tmp/perf.data" -- \
			/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/perf.err"
		samples=$(perf script -i "$tmp/perf.data" -F period 2>/dev/null | wc -l)
		echo "$(stat -c %s "$tmp/perf.data")" >"$tmp/perf.size"
		;;
	esac
	t1=$(now)
	cpu=$(awk '{print $1 + $2}' "$tmp/time")
	echo "$t1 $t0 $cpu ${samples:-0}" | awk '{print $1 - $2, $3, $4}'
}

workload_cmd() {
	case "$1" in
	xz) echo "xz -6 -T1 -c $tmp/data" ;;
	deeprec) echo "$BUILD/workloads/deeprec 100000 200" ;;
	mtwork) echo "$BUILD/workloads/mtwork 2 2000" ;;
	esac
}

configs="base perftop:100 perftop:1000 gperf:100 gperf:1000 perf:1000"
for w in xz deeprec mtwork; do
	cmd=$(workload_cmd "$w")
	for r in $(seq "$ROUNDS"); do
		for c in $configs; do
			name=${c%%:*}
			hz=${c#*:}
			[ "$hz" = "$c" ] && hz=0
			# shellcheck disable=SC2086
			res=$(run_cfg "$name" "$hz" $cmd)
			echo "$res" >>"$tmp/$w.$name.$hz"
			[ "$name" = perf ] && cat "$tmp/perf.size" >>"$tmp/$w.perfsize"
		done
	done
done

med() { awk -v c="$2" '{print $c}' "$1" | median; }
row() { # workload config hz label
	f=$tmp/$1.$2.$3
	base_wall=$(med "$tmp/$1.base.0" 1)
	cfg_wall=$(med "$f" 1)
	rate=$(awk '{ if ($2 > 0) print $3 / $2 }' "$f" | median)
	ratio=$(awk -v a="$cfg_wall" -v b="$base_wall" 'BEGIN {printf "%.3f", a / b}')
	printf '| %s | %s | %s Hz | %.2f s | %s× | %.0f |\n' "$1" "$4" "$3" "$cfg_wall" "$ratio" "$rate"
}

cat <<MD
## Agent overhead: perftop against gperftools and perf

Each workload run $ROUNDS times per configuration, interleaved; medians. "wall ×" is the wall time
over the unprofiled run's; "samples/CPU s" is samples delivered per second of the target's CPU time
(per busy thread for the two-thread workload, ×2). perftop is measured end to end: \`perftop run
--batch -F HZ -- CMD\` (the agent preloaded, perftop receiving and symbolizing). gperftools is
\`LD_PRELOAD=libprofiler.so CPUPROFILE_FREQUENCY=HZ\`; perf is \`perf record -e cpu-clock -F HZ
--call-graph dwarf\`.

| workload | profiler | asked | wall (median) | wall × | samples/CPU s |
|---|---|---|---|---|---|
MD
for w in xz deeprec mtwork; do
	printf '| %s | none | | %.2f s | 1.000× | |\n' "$w" "$(med "$tmp/$w.base.0" 1)"
	row "$w" perftop 100 perftop
	row "$w" perftop 1000 perftop
	row "$w" gperf 100 gperftools
	row "$w" gperf 1000 gperftools
	row "$w" perf 1000 "perf (dwarf)"
done
xzperf=$(median <"$tmp/xz.perfsize")
xzs=$(med "$tmp/xz.perf.1000" 3)
echo
awk -v b="$xzperf" -v s="$xzs" 'BEGIN {if (s > 0) printf "perf.data for xz at 1 kHz: %.1f MB, %.1f KB per sample.\n", b / 1e6, b / s / 1024}'
