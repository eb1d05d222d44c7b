#!/bin/sh
# tests/build/layers.test.sh — the include graph keeps the layers of
# docs/styleguide.md (scripts/check-layers.sh, `make check-layers`), and the
# check itself catches each kind of violation: planted in a copy of src/.
. tests/lib.sh

out=$(sh scripts/check-layers.sh 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
	pass "layers: src/ keeps the graph in docs/styleguide.md"
else
	fail "layers: src/ keeps the graph in docs/styleguide.md" "exit $rc: $out"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# plant NAME: a fresh copy of src/, include/ and the style guide in $tmp/NAME.
plant() {
	mkdir -p "$tmp/$1/docs"
	cp -R src include "$tmp/$1/"
	cp docs/styleguide.md "$tmp/$1/docs/"
}
# expect NAME TEXT: the check fails on $tmp/NAME and says TEXT.
expect() {
	o=$(sh scripts/check-layers.sh "$tmp/$1" 2>&1)
	r=$?
	if [ "$r" -eq 1 ] && printf '%s\n' "$o" | grep -qF -- "$2"; then
		pass "layers: catches $1"
	else
		fail "layers: catches $1" "exit $r, wanted '$2' in: $o"
	fi
}

plant upward
printf '#include "ui/ui.h"\n' >>"$tmp/upward/src/model/hist.c"
n=$(wc -l <"$tmp/upward/src/model/hist.c" | tr -d ' ')
expect upward "src/model/hist.c:$n: includes \"ui/ui.h\": model may not depend on ui"

plant agent-to-collect
printf '#include "collect/ingest.h"\n' >>"$tmp/agent-to-collect/src/agent/ring.c"
expect agent-to-collect "includes \"collect/ingest.h\": agent may not depend on collect"

plant missing
printf '#include "model/nosuch.h"\n' >>"$tmp/missing/src/model/hist.c"
expect missing "includes \"model/nosuch.h\": no src/model/nosuch.h"

plant cycle
printf '#include "model/cyc_b.h"\n' >"$tmp/cycle/src/model/cyc_a.h"
printf '#include "model/cyc_c.h"\n' >"$tmp/cycle/src/model/cyc_b.h"
printf '#include "model/cyc_a.h"\n' >"$tmp/cycle/src/model/cyc_c.h"
expect cycle "include cycle between modules model/cyc_a model/cyc_b model/cyc_c"

plant curses
printf '#include <curses.h>\n' >>"$tmp/curses/src/report/json.c"
expect curses "src/report/json.c:"

plant new-folder
mkdir -p "$tmp/new-folder/src/extra"
printf '#include "util/xalloc.h"\n' >"$tmp/new-folder/src/extra/x.c"
expect new-folder "folder src/extra has no rule"

# An exception the code no longer needs fails too, so the list shrinks.
plant stale
awk '{ print } /^# except FILE -> INCLUDE/ {
	print "except src/ui/ui_internal.h -> report/diff.h -- planted: diff computation once lived in report"
}' docs/styleguide.md >"$tmp/stale/docs/styleguide.md"
expect stale "stale exception, no such include any more: src/ui/ui_internal.h -> report/diff.h"
