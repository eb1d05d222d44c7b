#!/bin/sh
# Ingest: stack samples per second perftop's collector takes in from 8 agents
# (depth 32), whether any were lost, and its CPU per 10,000 samples/s.
# Median of ROUNDS runs (default 3) of bench/ingest.c.
set -eu
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
make -s BUILD="$BUILD" "$BUILD/bench/ingest" >&2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for r in $(seq "$ROUNDS"); do
	"$BUILD/bench/ingest" 8 62500 5 >>"$tmp" || true
done
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" "$tmp" | median; }
lost=$(awk '{split($2, a, "="); split($3, b, "="); t += a[2] - b[2]} END {print t}' "$tmp")
cat <<MD
## Ingest: samples per second from 8 agents

\`bench/ingest.c\` runs perftop's real collector (socket, bounded decoder, symbolizer cache,
model) in one process and 8 generator processes that send depth-32 stacks of real code addresses
at 62,500 samples/s each for 5 s. Median of $ROUNDS runs; the machine has $(nproc) CPUs, shared
with the generators.

| measure | value | target |
|---|---|---|
| samples received per second | $(field rate) | ≥ 500,000 |
| samples lost over all runs | $lost | 0 |
| collector CPU, % of one core | $(field cpu) % | ≤ 100 % (one core) |
| collector CPU per 10,000 samples/s | $(field cpu_per_10k) % | |
MD
