# tests/report/diff_tui.test.sh — `perftop diff BASE NEW` on screen, in a
# private tmux server, on the snapshots mksnap writes (NEW: --slow, parse
# made twice as slow): parse is the first row with a positive change, Tab
# shows the zones, / searches, q quits with status 0; golden screens
# tests/tui/golden/diff-*.txt; without a terminal the diff screen refuses
# with a hint at --report. (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh
. tests/tui/golden.sh

golden_suite diff_tui || exit 0
"$MKSNAP" "$T/base.ptsnap" && "$MKSNAP" "$T/slow.ptsnap" --slow &&
	"$MKSNAP" "$T/other.ptsnap" --program /usr/bin/other || {
	fail mksnap "cannot write the snapshots"
	exit 0
}

# diff_open WIDTH HEIGHT BASE NEW: session t on `perftop diff BASE NEW`
# (run from $T so the header's names do not depend on the temp dir).
diff_open() {
	tm kill-session -t t 2>/dev/null
	rm -f "$T/rc"
	tm new-session -d -s t -x "$1" -y "$2" \
		"cd '$T' && TZ=UTC LC_ALL=C.UTF-8 '$(cd "$(dirname "$PERFTOP")" && pwd)/$(basename "$PERFTOP")' diff $3 $4; echo rc=\$? >'$T/rc'; sleep 30"
	tm_wait_for "perftop diff" 5 >/dev/null
	golden_settle
}

diff_open 100 30 base.ptsnap slow.ptsnap
first=$(tm_screen | grep -A1 "FUNCTION" | tail -n 1)
if echo "$first" | grep -Eq '^ +\+[0-9]+\.[0-9] +[0-9.]+ +[0-9.]+ +\+[0-9]+\.[0-9] +\+[0-9]+\.[0-9] .* parse +demo'; then
	pass diff_tui_parse_first_positive
else
	fail diff_tui_parse_first_positive "first row: '$first'"
fi
if tm_screen | grep -q "BASE base.ptsnap  1,270 samples  →  NEW slow.ptsnap  1,670 samples"; then
	pass diff_tui_header_names_both
else
	fail diff_tui_header_names_both "$(tm_screen | head -n 1)"
fi
golden_check diff-functions
golden_keys Tab
zone=$(tm_screen | grep -A1 "^ZONE" | tail -n 1)
if echo "$zone" | grep -Eq '^parse .*\+100\.0 *$'; then
	pass diff_tui_zones_parse_first
else
	fail diff_tui_zones_parse_first "first zone row: '$zone'"
fi
golden_check diff-zones
golden_keys Tab / h a s h Enter
golden_keys Down Up
# The search selected hash: the selected row is drawn reversed, so look at
# the escape codes of its line against parse's.
sel=$(tm capture-pane -p -e -t t | grep " hash " | cut -c1-8)
par=$(tm capture-pane -p -e -t t | grep " parse " | cut -c1-8)
if [ -n "$sel" ] && [ "$sel" != "$par" ]; then
	pass diff_tui_search_selects
else
	fail diff_tui_search_selects "hash row '$(echo "$sel" | cat -v)', parse row '$(echo "$par" | cat -v)'"
fi
golden_keys '?'
check diff_tui_help tm_wait_for "perftop diff: keys" 2
golden_keys x q
wait_file "$T/rc" 5
check diff_tui_q_quits_0 grep -qx "rc=0" "$T/rc"

diff_open 100 30 base.ptsnap other.ptsnap
if tm_screen | grep -q "warning: different programs: 'demo' and 'other'"; then
	pass diff_tui_different_programs
else
	fail diff_tui_different_programs "$(tm_screen | sed -n 2p)"
fi
tm send-keys -t t q

"$PERFTOP" diff "$T/base.ptsnap" "$T/slow.ptsnap" </dev/null >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" = 2 ] && grep -q "needs a terminal; --report prints" "$T/err" && [ ! -s "$T/out" ]; then
	pass diff_tui_no_tty_error
else
	fail diff_tui_no_tty_error "exit $rc, stderr: $(cat "$T/err")"
fi
"$PERFTOP" diff "$T/base.ptsnap" "$T/slow.ptsnap" --report >"$T/out" 2>"$T/err"
check diff_tui_report_still_text grep -q "parse" "$T/out"
