#!/bin/sh
# The perf map reader (/tmp/perf-PID.map, JIT names) on a file the size
# `node --perf-basic-prof` writes for a large program: 200,000 lines (about
# 14 MB), the first read, a re-read after 1,000 appended lines, a check that
# finds nothing new, and one lookup (bench/perfmap.c, median of 5).
set -eu
. bench/lib.sh
make -s BUILD="$BUILD" "$BUILD/bench/perfmap" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$("$BUILD/bench/perfmap" "$tmp")
f() { echo " $out" | sed -n "s/.* $1 \([0-9.]*\) .*/\1/p"; }
cat <<MD
## JIT names: reading a perf map

\`bench/perfmap.c\` writes a perf map of $(f lines) lines ($(f bytes) bytes) of the form
\`node --perf-basic-prof\` writes (one in 50 over older code, as re-JITted functions are), and
times perftop's reader on it, median of 5: the whole file read the first time, a re-read after
$(f append) more lines (what a running JIT appends; perftop re-reads at most once a second, while
samples land in anonymous code), a check that finds nothing new (open and fstat), and one lookup (a random pc,
binary search; the collector caches each pc's answer).

| measure | value |
|---|---|
| first read | $(f first) s |
| re-read after $(f append) appended lines | $(f reread) s |
| check, nothing new | $(f nothing) µs |
| one lookup | $(f lookup) ns |
MD
