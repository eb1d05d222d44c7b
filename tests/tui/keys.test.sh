# tests/tui/keys.test.sh — the process view's view-wide keys and the mouse
# on a real terminal (tmux, TERM=screen): golden screens of the thread
# chooser, of the Functions tab filtered to thread "worker" (and at 80x24 in
# the last 5 s, with the scope still on the tab bar), of the Log with
# the snapshot's own clock and of `perftop open`'s title, all on the mksnap
# snapshot; then pause (p) on a live `perftop run` of pt_zones, where the
# sample count must stop while "waiting" grows and jump on resume; and
# clicks (X10 mouse sequences, press then release) that select a row,
# switch tabs and, doubled, pick a thread. (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh
. tests/tui/golden.sh

if ! command -v tmux >/dev/null 2>&1; then
	skip keys "tmux is not installed (make test installs it)"
	exit 0
fi
MKSNAP=$BUILD/helpers/mksnap
for f in "$PERFTOP" "$MKSNAP" "$WORKLOADS/pt_zones"; do
	if [ ! -x "$f" ]; then
		fail build "$f is missing"
		exit 0
	fi
done

T=$(mktemp -d)
cleanup() {
	tui_stop_server
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
if ! tui_start_server; then
	fail tmux "cannot start a tmux server"
	exit 0
fi
if ! "$MKSNAP" "$T/demo.ptsnap" 2>"$T/mksnap.err"; then
	fail mksnap "$(cat "$T/mksnap.err")"
	exit 0
fi

# mouse_seq CODE X Y: one X10 mouse report (CODE 0: left press, 3: release)
# at column X, line Y (from 0), as an xterm in mouse mode 1000 sends it.
mouse_seq() {
	printf "\033[M%b%b%b" "\\$(printf %o $((32 + $1)))" "\\$(printf %o $((33 + $2)))" \
		"\\$(printf %o $((33 + $3)))"
}
# click X Y: a left press and its release.
click() { tm send-keys -t t -l "$(mouse_seq 0 "$1" "$2")$(mouse_seq 3 "$1" "$2")"; }
# double_click X Y: two clicks 50 ms apart, each its own write as from a
# terminal (reports that arrive in one read are merged by curses). One tmux
# command sends both, its server waiting between them, so that they land
# well within perftop's 400 ms even on a loaded machine, where two tmux
# clients may start seconds apart.
double_click() {
	_c="$(mouse_seq 0 "$1" "$2")$(mouse_seq 3 "$1" "$2")"
	tm send-keys -t t -l "$_c" \; run-shell "sleep 0.05" \; send-keys -t t -l "$_c"
}
# line_of TEXT: the screen line (from 0) holding TEXT first, or nothing.
line_of() { tm_screen | grep -nF -- "$1" | head -n 1 | cut -d: -f1 | awk '{ print $1 - 1 }'; }
# col_of TEXT LINE: the column (from 0) where TEXT starts on LINE.
col_of() { tm_screen | sed -n "$(($2 + 1))p" | awk -v t="$1" '{ print index($0, t) - 1 }'; }
# styled_line TEXT: the pane's line holding TEXT with its colours (capture -e).
styled_line() { tm capture-pane -p -e -t t | grep -F -- "$1" | head -n 1; }
# row_bg LINE: the background colour a styled line starts with (the last
# one set by the escape sequences before its first character).
row_bg() {
	printf '%s\n' "$1" | sed "s/^\(\(${ESC}\[[0-9;]*m\)*\).*/\1/" |
		grep -o '4[0-9]m\|48;5;[0-9]*\|48;2;[0-9;]*' | tail -n 1
}

# ---- goldens on the snapshot ---------------------------------------------------
golden_open "$T/demo.ptsnap" 120 40
golden_check keys-open
tm_screen | head -n 1 >"$T/title"
if grep -q "snapshot demo.ptsnap  to 2023-11-14 22:13:30" "$T/title" &&
	! grep -Eq "running|watched" "$T/title"; then
	pass "open_title_names_the_snapshot"
else
	fail "open_title_names_the_snapshot" "title: $(cat "$T/title")"
fi
golden_keys t
golden_check keys-threads
golden_keys Down Down Enter
golden_check keys-worker
if tm_screen | grep -q "thread worker" && tm_screen | grep -Eq "85\.7 +100\.0 +150 compress"; then
	pass "worker_functions"
else
	fail "worker_functions" "$(tm_screen | sed -n 17,21p | tr '\n' '|')"
fi
golden_keys 7
golden_check keys-log
# At 80 columns the scope stays on the tab bar (the tabs' names shorten).
golden_open "$T/demo.ptsnap" 80 24
golden_keys t
golden_keys Down Down Enter
golden_check keys-scope-80x24
if tm_screen | grep -E "^ Func .* Log( [0-9]+)? +last 5s · thread worker *$" >/dev/null; then
	pass "scope_label_at_80_columns"
else
	fail "scope_label_at_80_columns" "$(tm_screen | grep -E "Tree|Log" | head -n 1)"
fi

# ---- the mouse -------------------------------------------------------------------
# A click changes only colours, which golden_settle (text) does not see: the
# checks wait for the colours themselves. A click is sent again once when
# the first has not shown in 5 s (a loaded machine), which still needs the
# click to select the row.
golden_open "$T/demo.ptsnap" 120 40
wait_for_text " hash " 5
golden_settle
sel=$(row_bg "$(styled_line " parse ")")
y=$(line_of " hash ")
# hash_selected: the hash row has the selection's colour, parse has lost it.
hash_selected() {
	[ "$(row_bg "$(styled_line " hash ")")" = "$sel" ] &&
		[ "$(row_bg "$(styled_line " parse ")")" != "$sel" ]
}
if [ -z "$y" ] || [ -z "$sel" ]; then
	fail "mouse_click_selects" "no hash row or no selection style on the screen"
else
	click 30 "$y"
	if ! wait_until 5 hash_selected; then
		click 30 "$y"
		wait_until 5 hash_selected
	fi
	if hash_selected; then
		pass "mouse_click_selects"
	else
		fail "mouse_click_selects" "the hash row does not look selected"
	fi
fi
bar=$(line_of "Counters 2")
x=$(col_of "Log 3" "$bar")
click "$x" "$bar"
if wait_for_text "MESSAGE" 5 || { click "$x" "$bar" && wait_for_text "MESSAGE" 5; }; then
	pass "mouse_click_switches_tab"
else
	fail "mouse_click_switches_tab" "$(tm_screen | sed -n "$((bar + 1)),$((bar + 2))p" | tr '\n' '|')"
fi
tm send-keys -t t t
wait_for_text "All threads" 5
golden_settle
y=$(line_of "worker")
# A single click only selects: the chooser stays open, so a double click
# that came apart (its two clicks read further apart than perftop's 400 ms
# on a busy machine) is sent again, up to ten times, until one picks.
picked() { tm_screen | grep -Fq "thread worker"; }
for attempt in 1 2 3 4 5 6 7 8 9 10; do
	double_click 3 "$y"
	n=0
	while [ "$n" -lt 30 ] && ! picked; do
		sleep 0.1
		n=$((n + 1))
	done
	picked || ! tm_screen | grep -Fq "All threads" && break
done
if wait_for_text "thread worker" 5; then
	pass "mouse_double_click_picks"
else
	fail "mouse_double_click_picks" "line $y: $(tm_screen | sed -n "$((y + 1))p")"
fi

# ---- pause on a live run ---------------------------------------------------------
# samples_now: the agent line's sample count, digits only.
samples_now() { tm_screen | sed -n 's/.* \([0-9,]*\) samples,.*/\1/p' | head -n 1 | tr -d ,; }
waiting_now() { tm_screen | sed -n 's/.*+\([0-9,]*\) samples waiting.*/\1/p' | head -n 1 | tr -d ,; }
tm kill-session -t t 2>/dev/null
tm new-session -d -s t -x 120 -y 40 \
	"LC_ALL=C.UTF-8 $PERFTOP run -- $WORKLOADS/pt_zones 15000 2000; sleep 30"
# 300 samples shown: the agent streams (a wait for it, never a skip).
has_300() { _s=$(samples_now) && [ -n "$_s" ] && [ "$_s" -ge 300 ]; }
# Without them, or without the pause, the checks below cannot run: each one
# fails by name, so a broken agent counts as four failures, never hides them.
fail_rest() {
	for c in pause_waiting_grows pause_count_stops resume_count_jumps; do
		fail "$c" "not run: $1"
	done
	exit 0
}
if ! wait_until "$WAIT_S" has_300; then
	why="no 300 samples from the agent within $WAIT_S s (screen: $(tm_screen | sed -n 3p))"
	fail pause_shows_paused "$why"
	fail_rest "$why"
fi
tm send-keys -t t p
if ! wait_for_text "PAUSED" 5; then
	fail pause_shows_paused "$(tm_screen | head -n 1)"
	fail_rest "perftop did not pause"
fi
pass pause_shows_paused
c1=$(samples_now)
w1=$(waiting_now)
w1=${w1:-0} # nothing waiting yet
# Paused: what arrives waits, and the count stays. Wait for the next batch.
waiting_grew() { w2=$(waiting_now) && [ -n "$w2" ] && [ -n "$w1" ] && [ "$w2" -gt "$w1" ]; }
if wait_until "$WAIT_S" waiting_grew; then
	pass pause_waiting_grows
else
	fail pause_waiting_grows "waiting stayed at '$w1' ('$w2') for $WAIT_S s"
fi
c2=$(samples_now)
w2=$(waiting_now)
check pause_count_stops [ "$c1" = "$c2" ]
tm send-keys -t t p
not_paused() { ! tm_screen | grep -q PAUSED; }
wait_until "$WAIT_S" not_paused
c3=$(samples_now)
if not_paused && [ -n "$c3" ] && [ -n "$w2" ] && [ "$c3" -ge $((c2 + w2)) ]; then
	pass resume_count_jumps
else
	fail resume_count_jumps "paused at $c2 with $w2 waiting, then $c3"
fi
