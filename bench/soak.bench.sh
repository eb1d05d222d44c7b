#!/bin/sh
# Soak: an hour of perftop's real TUI (`perftop run` in a tmux pane, default
# 1 s refresh) watching tests/workloads/pt_soak — 8 threads with zones,
# counters and a gauge, sampled at 1 kHz by the agent — sampling every 10 s
# perftop's RSS and CPU, the agent's drops (from the screen), the target's
# work done and the machine's load into a raw file, then writing the
# markdown section from it with bench/soak_report.sh.
#
# It lasts an hour, so `make bench` runs it only when asked:
#   BENCH_SOAK=1 make bench        (SOAK_SECS=3600)
#   SOAK_SECS=600 make bench       (any length; also bench/run.sh soak)
# Otherwise it reprints the soak section already in docs/PERFORMANCE.md.
# Knobs: SOAK_BASE_SECS (unprofiled baseline, default 60), SOAK_THREADS (8),
# SOAK_RAW (default $BUILD/bench/soak.raw), SOAK_EVERY (sample period, 10 s).
# The target runs at nice 19 and perftop at normal priority, as on a shared
# machine where the profiler must keep up with a busy program.
set -eu
. bench/lib.sh

if [ -z "${SOAK_SECS:-}" ] && [ "${BENCH_SOAK:-0}" != 1 ]; then
	# Not asked for: keep the last measured section (bench/run.sh adds its
	# "Produced by" line again).
	if grep -q '^## Soak' docs/PERFORMANCE.md 2>/dev/null; then
		awk '/^## / {on = /^## Soak/} on' docs/PERFORMANCE.md |
			grep -v '^Produced by `bench/run.sh soak`' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
	else
		echo "## Soak"
		echo
		echo "Not run yet: it lasts an hour (\`BENCH_SOAK=1 make bench\`, or \`SOAK_SECS=N\`)."
	fi
	exit 0
fi

SECS=${SOAK_SECS:-3600}
BASE_SECS=${SOAK_BASE_SECS:-60}
THREADS=${SOAK_THREADS:-8}
EVERY=${SOAK_EVERY:-10}
RAW=${SOAK_RAW:-$BUILD/bench/soak.raw}
PERFTOP=$BUILD/perftop
WL=$BUILD/workloads/pt_soak
if ! make -s BUILD="$BUILD" "$PERFTOP" "$WL" >&2; then
	# A tree mid-edit: an hour-long run may go on with the last good build.
	[ -x "$PERFTOP" ] && [ -x "$WL" ] || exit 1
	echo "soak: build failed; using the $PERFTOP and $WL already built" >&2
fi
mkdir -p "$(dirname "$RAW")"
tmp=$(mktemp -d)
trap 'btm kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
export TMPDIR=$tmp # perftop run's private directory lands here

# load1 — the machine's one-minute load average.
load1() { cut -d' ' -f1 /proc/loadavg; }
# last_items FILE — "SECONDS ITEMS" from pt_soak's latest progress line.
last_items() { awk '$1 == "t" || $1 == "done" {t = $2; n = $4} END {print (t == "" ? 0 : t), (n == "" ? 0 : n)}' "$1" 2>/dev/null || echo "0 0"; }

# 1. The baseline: the same workload, unprofiled (the agent linked in but
#    not connected), at the same priority.
echo "soak: baseline ${BASE_SECS}s" >&2
bl0=$(load1)
/usr/bin/time -f '%U %S' -o "$tmp/base.time" nice -n 19 "$WL" "$BASE_SECS" "$THREADS" "$tmp/base.out"
base_cpu=$(awk '{print $1 + $2}' "$tmp/base.time")
set -- $(last_items "$tmp/base.out")
base_t=$1 base_items=$2

# 2. The soak: perftop's TUI in a 120x40 pane, the target under it.
cmd="$PERFTOP run -F 1000 -- nice -n 19 $WL $SECS $THREADS $tmp/soak.out"
{
	echo "# soak raw samples, written by bench/soak.bench.sh; bench/soak_report.sh turns them into markdown"
	echo "# started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src include 2>/dev/null || echo ', with uncommitted changes')"
	echo "# machine $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
	echo "# command perftop run -F 1000 -- nice -n 19 pt_soak $SECS $THREADS (tmux pane 120x40)"
	echo "# secs $SECS"
	echo "# threads $THREADS"
	echo "# hz $HZ"
	echo "# baseline $base_t $base_items $base_cpu $bl0 $(load1)"
	echo "# columns t perftop_ticks perftop_rss_kb target_ticks target_t target_items samples dropped events_dropped load1"
} >"$RAW"
echo "soak: ${SECS}s into $RAW" >&2
btm -f /dev/null new-session -d -s b -x 120 -y 40 "$cmd"
sleep 2
ppid=$(pane_pid_of perftop)
tpid=
for i in 1 2 3 4 5; do
	tpid=$(pgrep -P "$ppid" | head -n 1 || true)
	[ -n "$tpid" ] && break
	sleep 1
done
if [ -z "$ppid" ] || [ -z "$tpid" ]; then
	echo "soak: perftop or its target did not start" >&2
	exit 1
fi
echo "# pids perftop $ppid target $tpid" >>"$RAW"

start=$(date +%s)
events=0
while kill -0 "$tpid" 2>/dev/null; do
	now=$(date +%s)
	screen=$(btm capture-pane -p -t b 2>/dev/null || true)
	agent=$(echo "$screen" | grep -m 1 ' samples, ' || true)
	samples=$(echo "$agent" | sed -n 's/.* \([0-9,]*\) samples, \([0-9,]*\) drop.*/\1/p' | tr -d ,)
	dropped=$(echo "$agent" | sed -n 's/.* samples, \([0-9,]*\) drop.*/\1/p' | tr -d ,)
	# Event drops are not on the agent line; the status line reports them.
	ev=$(echo "$screen" | sed -n 's/.*dropped [0-9]* samples and \([0-9]*\) events.*/\1/p' | tail -n 1)
	[ -n "$ev" ] && events=$ev
	echo "$((now - start)) $(cpu_ticks "$ppid") $(rss_kb "$ppid") $(cpu_ticks "$tpid")" \
		"$(last_items "$tmp/soak.out") ${samples:-0} ${dropped:-0} $events $(load1)" >>"$RAW"
	sleep "$EVERY"
done
last_items "$tmp/soak.out" | awk '{print "# final", $1, $2}' >>"$RAW"
grep '^done' "$tmp/soak.out" | sed 's/^/# target /' >>"$RAW" || true

sh bench/soak_report.sh "$RAW"
