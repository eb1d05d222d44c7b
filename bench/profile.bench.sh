#!/bin/sh
# The model's derived views and the real views drawn from them on a large
# profile: 1,000,000 samples over 50,000 stacks and 5,000 functions
# (bench/profile.c). Reports the refresh cost of each model view, of every
# tab of the process view through ui__frame, and the memory.
set -eu
. bench/lib.sh
make -s BUILD="$BUILD" "$BUILD/bench/profile" >&2
out=$(LC_ALL=C.UTF-8 "$BUILD/bench/profile" 2>&1)
worst=$(echo "$out" | sed -n 's/.*worst view refresh \([0-9.]*\) ms.*/\1/p')
switch=$(echo "$out" | sed -n 's/.* switch *\([0-9.]*\) ms.*/\1/p' | sort -g | tail -n 1)
peak=$(echo "$out" | sed -n 's/.*RSS at the end .*(peak \([0-9]*\) MB).*/\1/p')
toggle=$(echo "$out" | sed -n 's/.*interp toggle (rebuild) \([0-9.]*\) ms.*/\1/p')
tabs=$(echo "$out" | sed -n 's/.* \([0-9]*\) tabs:.*/\1/p')
yes() { awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 <= b + 0) ? "yes" : "**no**"}'; }
cat <<MD
## Model and views: a profile of 1,000,000 samples

\`bench/profile.c\` adds 1,000,000 samples over 50,000 distinct stacks (depth 16–24) and 5,000
functions on 8 threads over 100 s to one profile, with 20 zones (200,000 events) and 10 counters.
It times what a refresh asks of the model (update, walking the top-down and callers trees, sorting
the flat table), then draws the process view through the UI's own \`ui__frame\` at 200×60 on each
of the $tabs tabs, for every live window merged and for one thread: the first frame after switching
to a tab, then 5 refreshes, each after one more second of samples (10,000), median and worst. A
refresh rebuilds what changed, sorts and draws the lines; only the curses output is left out.

| measure | value | target |
|---|---|---|
| worst refresh, any tab, any scope | $worst ms | ≤ 10 ms: $(yes "$worst" 10) |
| slowest first frame after switching tab or window | $switch ms | (rebuilds a window's tables once) |
| peak RSS of the whole run | $peak MB | ≤ 100 MB: $(yes "$peak" 100) |
| \`i\` on a Python profile this size: every table and tree rebuilt | $toggle ms | (once per key press) |

\`\`\`
$out
\`\`\`
MD
