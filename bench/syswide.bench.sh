#!/bin/sh
# What the system-wide view (W) costs perftop: its own CPU time (utime +
# stime from /proc/PID/stat) over SECS seconds (default 20) on the process
# list, then over SECS seconds with the view open (every CPU sampled at
# 99 Hz, each sample symbolized), ROUNDS times (default 3), medians; with
# the shares workload and whatever else runs keeping the CPUs busy. Needs
# root (or perf_event_paranoid <= 0) and tmux. Prints a markdown section.
set -eu
BUILD=${BUILD:-build}
SECS=${SECS:-20}
ROUNDS=${ROUNDS:-3}
make -s BUILD="$BUILD" "$BUILD/perftop" "$BUILD/workloads/shares" >&2
tmp=$(mktemp -d)
sock=perftop-bench-sys-$$
wl=""
trap 'tmux -L "$sock" kill-server 2>/dev/null; [ -n "$wl" ] && kill "$wl" 2>/dev/null; rm -rf "$tmp"' EXIT
tk=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
"$BUILD/workloads/shares" 100000 >/dev/null 2>&1 &
wl=$!
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	tmux -L "$sock" -f /dev/null new-session -d -s t -x 120 -y 40 \
		"PERFTOP_SOCKET=$tmp/s $BUILD/perftop -d 1"
	sleep 3
	p=$(tmux -L "$sock" display-message -p -t t '#{pane_pid}')
	a=$(cpu_ticks "$p"); sleep "$SECS"; b=$(cpu_ticks "$p")
	tmux -L "$sock" send-keys -t t W
	sleep 3
	c=$(cpu_ticks "$p"); sleep "$SECS"; d=$(cpu_ticks "$p")
	samples=$(tmux -L "$sock" capture-pane -p -t t | head -n 1 | awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "samples") print $i }')
	echo "$(( (b - a) * 1000 / tk )) $(( (d - c) * 1000 / tk )) ${samples:-0}" >>"$tmp/r"
	tmux -L "$sock" kill-server 2>/dev/null || true
	r=$((r + 1))
done
list=$(cut -d' ' -f1 "$tmp/r" | median)
view=$(cut -d' ' -f2 "$tmp/r" | median)
smp=$(cut -d' ' -f3 "$tmp/r" | median)
echo "## System-wide view (W): perftop's own CPU"
echo
echo "perftop -d 1 in a 120x40 tmux pane, the shares workload running; perftop's CPU time"
echo "(utime + stime) over $SECS s on the process list, then over $SECS s with the system-wide"
echo "view open (one cpu-clock event per CPU at 99 Hz, IP and TID only, each sample symbolized"
echo "through its process's maps). Medians of $ROUNDS rounds; $(nproc) CPUs."
echo
echo "| screen | perftop CPU in $SECS s | share of one core | samples shown |"
echo "|---|---|---|---|"
echo "| process list | $list ms | $(awk -v m="$list" -v s="$SECS" 'BEGIN { printf "%.2f %%", m / s / 10 }') | - |"
echo "| system-wide view | $view ms | $(awk -v m="$view" -v s="$SECS" 'BEGIN { printf "%.2f %%", m / s / 10 }') | $smp (after $((SECS + 3)) s) |"
