#!/bin/sh
# The outside sampler's cost (issue 16): perftop record -p PID (no agent:
# perf_event_open task-clock, a 16 KiB user stack copy per sample, libdw
# unwinding) beside `perf record -e task-clock -c PERIOD --call-graph
# dwarf,16384 -p PID` (the same fixed period of CPU time and the same stack
# copy; perf's -F frequency mode took a few % of the samples on short
# runs here) on the same workload in the same rounds. mtwork does a fixed amount of work on 1 or
# 8 busy threads (about 2 s of CPU either way); each run attaches once the
# target is busy and ends when it exits. Per mode and rate (99 and 999 Hz):
#   - the profiler's own CPU time (bench/timeit around it) per sample,
#     shown as % of a core at 1,000 samples/s (perf: `perf record` alone,
#     its post-processing in `perf report` not counted);
#   - the target's CPU time against an unprofiled run of the same round
#     (the kernel's sample copies are charged to the target);
#   - perftop's unwind cost per sample (CPU time inside libdw, from
#     PERFTOP_ATTACH_STATS) and the samples lost.
# perf top -p PID runs beside them (same event, period and stack copy; see
# run() for how it is kept quiet and stopped; its samples are estimated).
# ROUNDS rounds (default 3), medians. Prints a markdown table.
set -eu
. bench/lib.sh
timed_target_setup
command -v perf >/dev/null || { echo "perf not installed (linux-perf)" >&2; exit 1; }
export PERFTOP_SOCKET=$tmp/sock

# iters THREADS: rounds per thread for ~2 s of CPU in all
iters() { if [ "$1" = 1 ]; then echo 3000; else echo 400; fi; }

# run MODE HZ THREADS: one run; prints "target_cpu_s prof_cpu_s samples lost unwind_us"
run() {
	rm -f "$tmp/t" "$tmp/p" "$tmp/perf.data" "$tmp/snap"
	"$TIMEIT" "$tmp/t" "$BUILD/workloads/mtwork" "$3" "$(iters "$3")" >/dev/null &
	tp=$!
	if [ "$1" = none ]; then
		wait "$tp"
		echo "$(awk '{print $2}' "$tmp/t") 0 0 0 0"
		return
	fi
	while :; do
		w=$(pgrep -P "$tp" | head -n 1)
		[ -n "$w" ] && [ "$(cpu_ticks "$w")" -ge 2 ] && break
		sleep 0.01
	done
	if [ "$1" = perftop ]; then
		PERFTOP_ATTACH_STATS=1 BENCH_LINGER_MS=0 "$TIMEIT" "$tmp/p" "$PERFTOP" record -p "$w" \
			-F "$2" -o "$tmp/snap" 2>"$tmp/err" || true
		wait "$tp"
		s=$(sed -n 's/.*attach pid [0-9]*: \([0-9]*\) samples, \([0-9]*\) lost.*unwind \([0-9.]*\) us.*/\1 \2 \3/p' "$tmp/err")
		echo "$(awk '{print $2}' "$tmp/t") $(awk '{print $2}' "$tmp/p") ${s:-0 0 0}"
	elif [ "$1" = perf-top ]; then
		# perf top neither exits with its target nor stays quiet on a closed
		# stdin: its stdin is a FIFO whose writer (a sleep) never writes, its
		# screen goes to /dev/null with one refresh per 1000 s, and it is
		# killed once the target has exited, its CPU read just before.
		rm -f "$tmp/in"
		mkfifo "$tmp/in"
		sleep 1000 >"$tmp/in" &
		sp=$!
		perf top --stdio -d 1000 -e task-clock -c $((1000000000 / $2)) --call-graph dwarf,16384 \
			-p "$w" <"$tmp/in" >/dev/null 2>"$tmp/err" &
		pp=$!
		wait "$tp"
		c=$(cpu_ticks "$pp")
		# gone before its target: it failed to attach (its stderr says why)
		st=$(awk '{print $3}' "/proc/$pp/stat" 2>/dev/null || echo Z)
		kill -9 "$pp" "$sp" 2>/dev/null || true
		wait "$pp" "$sp" 2>/dev/null || true
		# samples: not reported by perf top; estimated as target CPU x rate
		echo "$(awk '{print $2}' "$tmp/t") $(awk -v c="$c" -v hz="$HZ" 'BEGIN { printf "%.3f", c / hz }') $(if [ "$st" = Z ]; then echo failed; else awk -v t="$(awk '{print $2}' "$tmp/t")" -v r="$2" 'BEGIN { printf "%d", t * r }'; fi) - 0"
		[ "$st" != Z ] || echo "perf top: $(grep -v '^ *$' "$tmp/err" | tail -n 1)" >>"$tmp/perf_failures"
	else
		BENCH_LINGER_MS=0 "$TIMEIT" "$tmp/p" perf record -e task-clock -c $((1000000000 / $2)) --call-graph dwarf,16384 \
			-p "$w" -o "$tmp/perf.data" >/dev/null 2>"$tmp/err" || true
		wait "$tp"
		s=$(sed -n 's/.*(\([0-9]*\) samples).*/\1/p' "$tmp/err" | tail -n 1)
		lost=$(perf report -i "$tmp/perf.data" --stats 2>/dev/null | awk '/LOST/ && $1 == "LOST" { print $3; exit }')
		# perf's exit status: a failed attach is a row of its own, not 0 samples
		if [ "$(awk '{print $6}' "$tmp/p")" != 0 ]; then
			echo "perf: $(grep -v '^ *$' "$tmp/err" | tail -n 1)" >>"$tmp/perf_failures"
			s=failed
		fi
		echo "$(awk '{print $2}' "$tmp/t") $(awk '{print $2}' "$tmp/p") ${s:-0} ${lost:-0} 0"
	fi
}

rounds=${ROUNDS:-3}
: >"$tmp/perf_failures"
echo "## Sampling from outside: perftop record -p against perf record and perf top, --call-graph dwarf"
echo
echo "A running process without an agent (\`mtwork\`: the same work, about 2 s of CPU, on 1 or 8"
echo "busy threads), attached once busy and recorded to its exit by \`perftop record -p PID -F HZ\`"
echo "(perf_event_open task-clock, 16 KiB user stack copies, libdw unwinding with one cached state"
echo "per process) and by \`perf record -e task-clock -c PERIOD --call-graph dwarf,16384 -p PID\`"
echo "(the same period of CPU time and stack copy; perf's post-processing is not counted)"
echo "and by \`perf top --stdio -d 1000 -e task-clock -c PERIOD --call-graph dwarf,16384 -p PID\`"
echo "(stdin a FIFO that never delivers data, screen to /dev/null refreshed once per 1000 s; it does"
echo "not exit with its target, so it is killed once the target has exited and its CPU read from"
echo "/proc/PID/stat just before; it reports no sample count, so its samples are estimated as the"
echo "target's CPU time x rate and its lost samples are not known), in the"
echo "same rounds with an unprofiled run. $rounds rounds, medians. *Profiler CPU* is the profiler's"
echo "own CPU time per sample as a share of one core at 1,000 samples/s (start-up included: symbol"
echo "tables and DWARF read once per run weigh on the 99 Hz rows); *target CPU* the workload's CPU"
echo "time against the unprofiled run (the kernel's stack copies are charged to the target);"
echo "*unwind* perftop's CPU time inside libdw per sample (PERFTOP_ATTACH_STATS)."
echo
echo "| profiler | rate | threads | samples | profiler CPU at 1k samples/s | target CPU vs unprofiled | lost | unwind |"
echo "|---|---|---|---|---|---|---|---|"
echo "attach bench: $rounds rounds, load at start $load0, $(nproc) CPUs, $(uname -r)" >&2
for hz in 99 999; do
	for th in 1 8; do
		: >"$tmp/none" ; : >"$tmp/perftop" ; : >"$tmp/perf" ; : >"$tmp/perf-top"
		r=0
		while [ "$r" -lt "$rounds" ]; do
			for mode in none perftop perf perf-top; do
				run "$mode" "$hz" "$th" >>"$tmp/$mode"
			done
			r=$((r + 1))
		done
		base=$(awk '{print $1}' "$tmp/none" | median)
		for mode in perftop perf perf-top; do
			tcpu=$(awk '{print $1}' "$tmp/$mode" | median)
			pcore=$(awk '$3 != "failed" && $3 > 0 { printf "%.1f\n", 100 * $2 / $3 * 1000 }' "$tmp/$mode" | median)
			samples=$(awk '$3 != "failed" {print $3}' "$tmp/$mode" | median)
			if [ "$(awk '$3 == "failed"' "$tmp/$mode" | wc -l)" -gt 0 ]; then
				samples="$samples ($(awk '$3 == "failed"' "$tmp/$mode" | wc -l) of $rounds runs failed)"
			fi
			lost=$(awk '{print $4}' "$tmp/$mode" | median)
			[ "$mode" = perf-top ] && samples="~$samples (est.)" && lost="n/a"
			unw=$(awk '{print $5}' "$tmp/$mode" | median)
			slow=$(awk -v a="$tcpu" -v b="$base" 'BEGIN { if (b > 0) printf "%+.1f %%", 100 * (a - b) / b; else print "n/a" }')
			printf '| %s | %s Hz | %s | %s | %s %% | %s s vs %s s (%s) | %s | %s |\n' \
				"$(echo "$mode" | sed 's/-/ /')" "$hz" "$th" "$samples" "$pcore" "$tcpu" "$base" "$slow" "$lost" \
				"$([ "$mode" = perftop ] && echo "$unw µs" || echo "-")"
		done
	done
done

echo
echo "Target machine: $(nproc) CPUs, $(uname -r); load average at the start $load0."
if [ -s "$tmp/perf_failures" ]; then
	echo "perf failed to attach in some runs (its last line: \`$(sort -u "$tmp/perf_failures" | head -n 1 | sed 's/`//g')\`):"
	echo "those rows count only the runs where it attached."
fi
