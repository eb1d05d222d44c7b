#!/bin/sh
# Profiling a Python program: what it costs the program. bench/python_app.py
# (regular expressions, JSON, a recursive function, two threads; a fixed
# amount of work) runs unprofiled, under `perftop record` at 100 Hz and
# 1 kHz, and under cProfile (`python3 -m cProfile -o /dev/null`, what
# Python programmers reach for today), ROUNDS times (default 5),
# interleaved. The target's CPU time is measured from outside
# ($BUILD/bench/timeit: wait4 of the interpreter, the agent inside it
# included); medians, and ratios to the unprofiled run. The agent's handler
# cost per sample is what it reports (`perftop report --format json`:
# agent_handler_s over samples), as in bench/agent_cost.bench.sh.
# PY picks the interpreter (default Debian's /usr/bin/python3).
set -eu
. bench/lib.sh
timed_target_setup
PY=${PY:-/usr/bin/python3}
APP=bench/python_app.py
unset PYTHONPATH PYTHONHOME

# run_cfg CFG — prints "cpu_s samples handler_s" for one run; CFG is 0
# (unprofiled), cprofile, a sampling rate in Hz, or a rate followed by n
# (native stacks only: PERFTOP_PYTHON=0).
run_cfg() {
	pyframes=1
	case $1 in
	0)
		"$TIMEIT" "$tmp/time" "$PY" "$APP" >/dev/null
		echo "$(awk '{print $2}' "$tmp/time") 0 0"
		return
		;;
	cprofile)
		"$TIMEIT" "$tmp/time" "$PY" -m cProfile -o /dev/null "$APP" >/dev/null
		echo "$(awk '{print $2}' "$tmp/time") 0 0"
		return
		;;
	*n) pyframes=0 ;;
	esac
	PERFTOP_PYTHON=$pyframes PERFTOP_AGENT=$BUILD/libperftop.so "$PERFTOP" record -F "${1%n}" -o "$tmp/snap" -- \
		"$TIMEIT" "$tmp/time" "$PY" "$APP" >/dev/null 2>"$tmp/record.err"
	"$PERFTOP" report "$tmp/snap" --pid "$(awk '{print $5}' "$tmp/time")" --format json \
		>"$tmp/r.json"
	if [ "$pyframes" = 1 ] && ! grep -q '"name": "parse_logs"' "$tmp/r.json"; then
		echo "python: no Python frames in the $1 Hz run (an agent without them: the before figures)" >&2
	fi
	rm -rf "$tmp/snap" "$tmp"/perftop-record-*
	num() { json_num "$1" "$tmp/r.json"; }
	echo "$(awk '{print $2}' "$tmp/time") $(num samples) $(num agent_handler_s)"
}

configs="0 100 1000 1000n cprofile"
for r in $(seq "$ROUNDS"); do
	echo "python: round $r of $ROUNDS" >&2
	# Each round starts with another configuration.
	case $(((r - 1) % 5)) in
	0) order="0 100 1000 1000n cprofile" ;;
	1) order="100 1000 1000n cprofile 0" ;;
	2) order="1000 1000n cprofile 0 100" ;;
	3) order="1000n cprofile 0 100 1000" ;;
	*) order="cprofile 0 100 1000 1000n" ;;
	esac
	for c in $order; do
		run_cfg "$c" >"$tmp/one"
		echo "$r $(cat "$tmp/one")" >>"$tmp/$c"
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

med() { awk -v c="$2" '{print $c}' "$1" | median; }
# ratio C — median over rounds of C's CPU over the same round's unprofiled CPU.
ratio() { awk 'NR == FNR { base[$1] = $2; next } { if (base[$1] > 0) print $2 / base[$1] }' \
	"$tmp/0" "$tmp/$1" | median; }
pyver=$("$PY" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')

cat <<MD
## Profiling a Python program: its CPU time

\`sh bench/python.bench.sh\` (ROUNDS=$ROUNDS, interleaved; medians). \`bench/python_app.py\` (Python
$pyver, \`$PY\`: regular expressions, JSON round trips and a recursive function on two threads, a
fixed amount of work) unprofiled, under \`perftop record -F HZ\` (with Python frames, the default, and
at 1 kHz with native stacks only, \`PERFTOP_PYTHON=0\`), and under \`python3 -m cProfile
-o /dev/null\` (which profiles the main thread only). "target CPU" is the interpreter's
user+system time from outside (\`bench/timeit\`: \`wait4\`, the agent inside it included);
"ratio" is the median over rounds of a run's CPU over the same round's unprofiled run's.
"handler µs/sample" is the agent's own figure (\`agent_handler_s\` / \`samples\` of \`perftop
report --format json\`). Aim: at most 1.02 at 100 Hz and 1.08 at 1 kHz. Load average $load0 at
the start, $load1 at the end (2 CPUs shared with other work).

| profiler | target CPU | ratio | samples | handler µs/sample |
|---|---|---|---|---|
MD
for c in $configs; do
	case $c in
	0) name="none" ;;
	cprofile) name="cProfile" ;;
	*n) name="perftop, ${c%n} Hz, native stacks only (PERFTOP_PYTHON=0)" ;;
	*) name="perftop, $c Hz" ;;
	esac
	per=
	case $c in
	0 | cprofile) per= samples= ;;
	*)
		per=$(awk '{ if ($3 > 0) print $4 * 1e6 / $3 }' "$tmp/$c" | median)
		samples=$(med "$tmp/$c" 3)
		;;
	esac
	rat=1
	[ "$c" != 0 ] && rat=$(ratio "$c")
	printf '| %s | %.3f s | %.3f | %s | %s |\n' "$name" "$(med "$tmp/$c" 2)" "$rat" "$samples" \
		"$(if [ -n "$per" ]; then printf '%.1f' "$per"; fi)"
done
echo
echo "Per run, by round (round cpu_s samples handler_s):"
echo
for c in $configs; do
	printf -- '- %s: %s\n' "$c" "$(awk '{printf "[%s] ", $0}' "$tmp/$c")"
done
