#!/bin/sh
# What following a whole process tree adds to starting a process (issue 15):
# a shell script that starts N (default 1000) short processes (/bin/true in a
# loop), run plain, under `perftop record` (every child gets the agent,
# connects, is read from /proc and reaped into the tree) and under
# `perf record -g` when perf is installed, interleaved in ROUNDS (default 5)
# rounds. Wall time of each run; prints the medians and the extra
# milliseconds per process start over the plain run, as a markdown table.
# BASE=DIR also runs DIR/perftop record (another build, e.g. the commit
# before a change, built with its own libperftop.so beside it) in the same
# rounds, for before/after figures.
set -eu
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
N=${N:-1000}
make -s BUILD="$BUILD" "$BUILD/perftop" "$BUILD/libperftop.so" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -m 700 "$tmp/sock"
export PERFTOP_SOCKET="$tmp/sock/s"
script="i=0; while [ \$i -lt $N ]; do /bin/true; i=\$((i+1)); done"

now() { date +%s.%N; }
# wall FILE CMD...: appends CMD's wall time in seconds to FILE.
wall() {
	f=$1
	shift
	t0=$(now)
	"$@" >/dev/null 2>&1 || true
	t1=$(now)
	echo "$t1 $t0" | awk '{ printf "%.3f\n", $1 - $2 }' >>"$f"
}

: >"$tmp/plain"
: >"$tmp/perftop"
: >"$tmp/perf"
: >"$tmp/base"
BASE=${BASE:-}
have_perf=0
command -v perf >/dev/null 2>&1 && perf record -q -o "$tmp/probe.data" -- true >/dev/null 2>&1 && have_perf=1
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	wall "$tmp/plain" sh -c "$script"
	wall "$tmp/perftop" "$BUILD/perftop" record -o "$tmp/x.ptsnap" -- sh -c "$script"
	[ -n "$BASE" ] && wall "$tmp/base" "$BASE/perftop" record -o "$tmp/b.ptsnap" -- sh -c "$script"
	[ "$have_perf" = 1 ] && wall "$tmp/perf" perf record -g -q -o "$tmp/perf.data" -- sh -c "$script"
	r=$((r + 1))
done
p=$(median <"$tmp/plain")
a=$(median <"$tmp/perftop")
echo "| $N process starts | wall, median of $ROUNDS | extra per process start |"
echo "|---|---|---|"
echo "| plain | $p s | |"
if [ -n "$BASE" ]; then
	b=$(median <"$tmp/base")
	echo "| perftop record ($BASE) | $b s | $(echo "$b $p $N" | awk '{ printf "%.2f ms", ($1 - $2) * 1000 / $3 }') |"
fi
echo "| perftop record | $a s | $(echo "$a $p $N" | awk '{ printf "%.2f ms", ($1 - $2) * 1000 / $3 }') |"
if [ "$have_perf" = 1 ]; then
	f=$(median <"$tmp/perf")
	echo "| perf record -g | $f s | $(echo "$f $p $N" | awk '{ printf "%.2f ms", ($1 - $2) * 1000 / $3 }') |"
else
	echo "| perf record -g | not measured: perf is not installed or not permitted | |"
fi
