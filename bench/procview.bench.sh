#!/bin/sh
# perftop's own cost as a process viewer, side by side with htop and btop:
# CPU while showing the process list at a 1 s refresh, CPU of the
# single-process view at a 0.1 s tick, and RSS with ~500 processes listed.
# Each figure is the median of ROUNDS runs of SECS seconds, tools interleaved.
set -eu
. bench/lib.sh
SECS=${SECS:-20}
ROUNDS=${ROUNDS:-3}
PERFTOP=$BUILD/perftop
tmp=$(mktemp -d)
trap 'btm kill-server 2>/dev/null || true; kill $(cat "$tmp/pids" 2>/dev/null) 2>/dev/null || true; rm -rf "$tmp"' EXIT

# btop's refresh comes from its config file; give it a private one at 1 s.
mkdir -p "$tmp/xdg/btop"
printf 'update_ms = 1000\nshown_boxes = "cpu mem net proc"\n' >"$tmp/xdg/btop/btop.conf"

# Enough idle processes that about 500 are listed.
have=$(ls -d /proc/[0-9]* | wc -l)
need=$((500 - have))
: >"$tmp/pids"
i=0
while [ "$i" -lt "$need" ]; do
	sleep 3600 &
	echo $! >>"$tmp/pids"
	i=$((i + 1))
done
listed=$(ls -d /proc/[0-9]* | wc -l)

for r in $(seq "$ROUNDS"); do
	measure_tui perftop "$SECS" 3 "$PERFTOP -d 1" >>"$tmp/perftop.list"
	measure_tui htop "$SECS" 3 "htop -d 10" >>"$tmp/htop.list"
	measure_tui btop "$SECS" 3 "XDG_CONFIG_HOME=$tmp/xdg btop" >>"$tmp/btop.list"
	measure_tui perftop "$SECS" 3 "$PERFTOP -d 0.1 -p $(head -n 1 "$tmp/pids")" >>"$tmp/perftop.view"
done

col() { awk -v c="$2" '{print $c}' "$tmp/$1" | grep -v n/a | median; }
pl=$(col perftop.list 1) hl=$(col htop.list 1) bl=$(col btop.list 1) pv=$(col perftop.view 1)
pr=$(col perftop.list 2) hr=$(col htop.list 2) br=$(col btop.list 2)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b + 0 > 0) printf "%.2f×", a / b; else print "n/a"}'; }
mib() { awk -v k="$1" 'BEGIN {if (k ~ /^[0-9.]+$/) printf "%.1f MiB", k / 1024; else print "n/a"}'; }

cat <<MD
## Process viewer: perftop against htop and btop

$listed processes listed; each tool in a ${SECS} s window after 3 s of warm-up, in a 120×40 tmux
pane, median of $ROUNDS interleaved rounds. CPU is the tool's own user+system time over the window,
as % of one core.

| measure | perftop | htop | btop | target |
|---|---|---|---|---|
| CPU, process list, 1 s refresh | $pl % | $hl % | $bl % | ≤ 0.5 % and ≤ htop (perftop/htop = $(ratio "$pl" "$hl")) |
| CPU, single-process view, 0.1 s tick | $pv % | | | ≤ 1 % |
| RSS with $listed processes listed | $(mib "$pr") | $(mib "$hr") | $(mib "$br") | ≤ 20 MB |
MD
