#!/bin/sh
# The model's derived views on a large profile: 1,000,000 samples over 50,000
# stacks and 5,000 functions (bench/profile.c). Reports the refresh cost of
# each view and the memory, as the drill-down views issue asks.
set -eu
. bench/lib.sh
make -s BUILD="$BUILD" "$BUILD/bench/profile" >&2
out=$("$BUILD/bench/profile" 2>&1)
cat <<MD
## Model: a profile of 1,000,000 samples

\`bench/profile.c\` adds 1,000,000 samples over 50,000 distinct stacks (depth 16–24) and 5,000
functions on 8 threads over 100 s to one profile, then times what a view refresh asks of the model
(update, walking the top-down and callers trees, sorting the flat table). Targets: a refresh of any
view ≤ 10 ms, RSS ≤ 100 MB. The drawing itself is not included.

\`\`\`
$out
\`\`\`
MD
