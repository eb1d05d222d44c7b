#!/bin/sh
# How long the agent delays a program's exit. The program (agent_fds stamp)
# writes CLOCK_MONOTONIC as the last thing main does; bench/timeit (static,
# so the agent is not in it) notes CLOCK_MONOTONIC when it reaps the
# program. The delay is reap minus stamp: exit's destructors (the agent's
# last flush, which waits at most 30 ms for the socket: writer.c
# FINAL_FLUSH_MS) and the kernel's teardown. Median over ROUNDS runs
# (default 9), with and without the agent, interleaved. Cases:
#   absent   no perftop listening (the socket path does not exist)
#   live     the test sink reading everything
#   stalled  a sink that accepts and never reads (a hung perftop), after
#            1 s at 10 kHz, 100 frames deep: the socket's buffers are full
# Prints one line per case: "CASE: exit takes W ms without, A ms with the agent".
set -eu
. bench/lib.sh
ROUNDS=${ROUNDS:-9}
TIMEIT=$BUILD/bench/timeit
SINK=$BUILD/tests/agent-sink
AGENT=$PWD/$BUILD/libperftop.so
FDS=$BUILD/workloads/agent_fds
make -s BUILD="$BUILD" "$TIMEIT" "$SINK" "$FDS" "$AGENT" >&2
tmp=$(mktemp -d)
sink_pid=""
trap '[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
export BENCH_LINGER_MS=0

start_sink() {
	rm -f "$tmp/s"
	"$SINK" "$tmp/s" -t 3600 "$@" >/dev/null 2>&1 &
	sink_pid=$!
	while [ ! -S "$tmp/s" ]; do sleep 0.05; done
}
stop_sink() {
	kill "$sink_pid" 2>/dev/null || true
	wait "$sink_pid" 2>/dev/null || true
	sink_pid=""
	rm -f "$tmp/s"
}
# delay_ms: reap time (timeit's 7th field) minus the program's stamp.
delay_ms() { awk -v s="$(cat "$tmp/stamp")" '{ printf "%.2f\n", ($7 - s) * 1000 }' "$tmp/t"; }

# one CASE HZ SECS DEPTH
one() {
	: >"$tmp/with"
	: >"$tmp/without"
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		"$TIMEIT" "$tmp/t" "$FDS" stamp "$tmp/stamp" "$3" "$4" >/dev/null 2>&1
		delay_ms >>"$tmp/without"
		PERFTOP_SOCKET=$tmp/s PERFTOP_QUIET=1 PERFTOP_HZ=$2 LD_PRELOAD=$AGENT \
			"$TIMEIT" "$tmp/t" "$FDS" stamp "$tmp/stamp" "$3" "$4" >/dev/null 2>&1
		delay_ms >>"$tmp/with"
		r=$((r + 1))
	done
	echo "$1: exit takes $(median <"$tmp/without") ms without, $(median <"$tmp/with") ms with the agent (max $(sort -g "$tmp/with" | tail -n 1) ms)"
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
one absent 1000 0.05 10
start_sink
one live 1000 0.05 10
stop_sink
start_sink --stall
one stalled 10000 1 100
stop_sink
