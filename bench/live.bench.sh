#!/bin/sh
# perftop's own cost while it profiles live: `perftop run` (the real TUI in a
# tmux pane, default 1 s refresh) on a program whose 8 threads are busy
# with the agent at 1 kHz, side by side in the same rounds with `perftop -p`
# showing the same program without an agent (the process view alone), so the
# difference is what receiving and building the profile costs. Also counts
# the samples per second the screen says arrived.
# Each figure is the median of ROUNDS rounds of SECS seconds after WARM s.
set -eu
. bench/lib.sh
SECS=${SECS:-20}
WARM=${WARM:-5}
ROUNDS=${ROUNDS:-3}
THREADS=8
PERFTOP=$BUILD/perftop
BURN=$BUILD/workloads/agent_burn
tmp=$(mktemp -d)
cleanup() {
	btm kill-server 2>/dev/null || true
	[ -s "$tmp/burner" ] && kill "$(cat "$tmp/burner")" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
export TMPDIR=$tmp
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# samples_on_screen — the sample count of the "Agent ..." line in the pane.
samples_on_screen() {
	btm capture-pane -p -t b |
		sed -n 's/.*Agent .* achieved, \([0-9,]*\) samples.*/\1/p' | tr -d , | head -n 1
}

# live_round — perftop run on the busy program; prints
# "cpu_percent rss_kb samples_per_s target_cpu_percent".
live_round() {
	btm -f /dev/null new-session -d -s b -x 120 -y 40 \
		"$PERFTOP run -F 1000 -- $BURN 3600 $THREADS"
	sleep "$WARM"
	pid=$(pane_pid_of perftop)
	child=$(pgrep -P "${pid:-0}" -x agent_burn | head -n 1)
	if [ -z "$pid" ] || [ -z "$child" ]; then
		btm kill-server 2>/dev/null || true
		echo "n/a n/a n/a n/a"
		return
	fi
	t0=$(cpu_ticks "$pid") c0=$(cpu_ticks "$child") s0=$(samples_on_screen)
	sleep "$SECS"
	t1=$(cpu_ticks "$pid") c1=$(cpu_ticks "$child") s1=$(samples_on_screen)
	rss=$(rss_kb "$pid")
	btm kill-server 2>/dev/null || true
	kill "$child" 2>/dev/null || true
	sleep 0.5
	awk -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" -v s0="${s0:-0}" -v s1="${s1:-0}" \
		-v hz="$HZ" -v s="$SECS" -v r="$rss" 'BEGIN {
		printf "%.3f %d %.0f %.1f\n", (b - a) * 100 / hz / s, r, (s1 - s0) / s,
			(d - c) * 100 / hz / s }'
}

# view_round — perftop -p on the same program without an agent.
view_round() {
	"$BURN" 3600 "$THREADS" >/dev/null 2>&1 &
	echo $! >"$tmp/burner"
	measure_tui perftop "$SECS" "$WARM" "$PERFTOP -p $(cat "$tmp/burner")"
	kill "$(cat "$tmp/burner")" 2>/dev/null || true
	wait "$(cat "$tmp/burner")" 2>/dev/null || true
	: >"$tmp/burner"
}

for r in $(seq "$ROUNDS"); do
	echo "live: round $r of $ROUNDS" >&2
	live_round >>"$tmp/live"
	view_round >>"$tmp/view"
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

col() { awk -v c="$2" '{print $c}' "$tmp/$1" | grep -v n/a | median; }
lc=$(col live 1) lr=$(col live 2) ls=$(col live 3) lt=$(col live 4)
vc=$(col view 1) vr=$(col view 2)
verdict=$(awk -v a="$lc" 'BEGIN {print (a + 0 <= 3) ? "yes" : "**no**"}')
ratio=$(awk -v a="$lc" -v b="$vc" 'BEGIN {if (b + 0 > 0) printf "%.1f×", a / b; else print "n/a"}')
mib() { awk -v k="$1" 'BEGIN {if (k ~ /^[0-9.]+$/) printf "%.1f MiB", k / 1024; else print "n/a"}'; }

cat <<MD
## Live profiling: perftop's own CPU with a 1 kHz agent on $THREADS busy threads

\`perftop run -F 1000 -- agent_burn 3600 $THREADS\` in a 120×40 tmux pane at the default refresh
(1 s), showing the process view and its Functions tab; in the same rounds, \`perftop -p PID\` on
the same program started without the agent (the process view alone, nothing to receive). Each
figure is the median of $ROUNDS rounds of ${SECS} s after ${WARM} s of warm-up; CPU is perftop's own
user+system time over the window, as % of one core. Samples per second is the count on the
screen's Agent line over the window.

The machine has 2 CPUs (load average $load0 at the start, $load1 at the end), so the 8
threads share two cores with each other and with everything else: the agent samples CPU time,
1,000 samples per second of each thread's CPU, so the stream into perftop is about 1,000 ×
the CPUs the threads actually get (at most 2,000/s here), not 8,000/s; the target's CPU column
says how much it got.

| measure | perftop run, agent at 1 kHz | perftop -p, no agent | target |
|---|---|---|---|
| perftop CPU, % of one core | $lc % | $vc % | ≤ 3 %: $verdict (run / -p = $ratio) |
| samples received per second | $ls | | |
| target's CPU, % of one core | $lt % | | |
| perftop RSS at the end | $(mib "$lr") | $(mib "$vr") | |
MD
