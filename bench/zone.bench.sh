#!/bin/sh
# Zone cost: what one PT_ZONE begin/end pair costs the instrumented program,
# with perftop connected (a socket that drains it) and with no perftop.
# Median of ROUNDS runs (default 3) of bench/zone_cost.c, each the best of 5.
set -eu
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
make -s BUILD="$BUILD" "$BUILD/bench/zone_cost" >&2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for r in $(seq "$ROUNDS"); do
	"$BUILD/bench/zone_cost" >>"$tmp" || true
done
conn=$(sed -n 's/^zone-pair-ns connected \([0-9.]*\).*/\1/p' "$tmp" | median)
alone=$(sed -n 's/^zone-pair-ns disconnected \([0-9.]*\).*/\1/p' "$tmp" | median)
cat <<MD
## Zone cost

\`bench/zone_cost.c\` times 20 million \`PT_ZONE\` begin/end pairs against the same loop without
them, in a program linked with \`-lperftop\` (sampling off, so only the zones count). Connected,
a pair reads the time-stamp counter twice, updates the thread's exact statistics and queues one
event; without perftop each call is one relaxed atomic load. Target: at most 20 ns per pair
connected (Tracy publishes 2.25 ns).

| perftop | ns per begin/end pair |
|---|---|
| connected | $conn |
| not running | $alone |
MD
