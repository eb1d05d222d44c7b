# tests/faults/hostile.test.sh — names from outside that try to drive the
# terminal (escape sequences that clear the screen and set the window title,
# BEL, CR, LF, tabs, bytes that are not UTF-8) in every name perftop shows:
# the command line and comm, the executable and module (a copy of
# pt_hostile under a hostile file name), a function's symbol, a thread, a
# zone, a counter, a gauge and a mark (tests/workloads/pt_hostile.c). They
# are shown replaced, never interpreted: --batch output holds no control
# byte and is valid UTF-8; on the screen (tmux) the pane's title stays and
# every name is visible with its escapes as '?'. Reports and exports are
# checked in tests/unit/test_faults.c. (POSIX sh, tests/lib.sh.)
. tests/lib.sh
. tests/tui/lib.sh

for f in "$PERFTOP" "$WORKLOADS/pt_hostile" "$BUILD/libperftop.so"; do
	if [ ! -e "$f" ]; then
		fail build "$f is missing"
		exit 0
	fi
done

LC_ALL=C.UTF-8
export LC_ALL
T=$(mktemp -d)
TMPDIR=$T
export TMPDIR
bg=""
cleanup() {
	for p in $bg; do
		kill -9 "$p" 2>/dev/null
	done
	tui_stop_server
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The program under a hostile file name (the agent library from $BUILD).
H="$T/$(printf 'pt_\033[2J\033]0;exe\007\r\t\377x')"
cp "$WORKLOADS/pt_hostile" "$H"
LD_LIBRARY_PATH=$BUILD
export LD_LIBRARY_PATH
PAD=padding-padding-padding-padding-padding-padding
CR=$(printf '\r')
BEL=$(printf '\007')

# ---- --batch ------------------------------------------------------------------
timeout $((WAIT_S * 2)) "$PERFTOP" run --batch -d 0.5 -- "$H" 1 "$PAD" >"$T/batch" 2>"$T/batch.err"
check batch_exit_0 [ $? -eq 0 ]
check batch_no_esc sh -c "! grep -q '$ESC' '$T/batch'"
check batch_no_cr sh -c "! grep -q '$CR' '$T/batch'"
check batch_no_bel sh -c "! grep -q '$BEL' '$T/batch'"
check batch_valid_utf8 sh -c "iconv -f UTF-8 -t UTF-8 '$T/batch' >/dev/null 2>&1"
check batch_quiet_stderr [ ! -s "$T/batch.err" ]
# Every name is there, its escapes shown as '?'.
awk 'BEGIN { RS = "" } { r = $0 } END { print r }' "$T/batch" >"$T/last"
for tag in hf ht hz hc hg; do
	check "batch_shows_$tag" grep -q "  $tag?\\[2J?\\]0;pwned?" "$T/last"
done
check batch_shows_cmdline grep -q '^ ph?\[2J?\]0;pwned?' "$T/last"
check batch_shows_module grep -q '  pt_?\[2J?\]0;exe? ' "$T/last"
# Each table row still splits on two spaces into its header's fields.
check batch_zone_row_fields awk -F '  +' '/^  hz/ { ok = NF == 8 } END { exit !ok }' "$T/last"

# ---- the screen --------------------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
	skip screen "tmux is not installed (make test installs it)"
	exit 0
fi
if ! tui_start_server; then
	fail tmux "cannot start a tmux server"
	exit 0
fi

# title_kept: the pane's title is still the one set before perftop ran.
title_kept() { [ "$(tm display-message -p -t t '#{pane_title}')" = "clean-title" ]; }

# shows NAME PATTERN: the pane shows PATTERN (grep -E).
shows() { check "$1" tm_wait_for "$2" 3; }

printf '%s\n' "exec '$PERFTOP' run -d 0.5 -- \"\$1\" 20 $PAD" >"$T/run.sh"
tm_start "sh '$T/run.sh' '$H'"
tm select-pane -t t -T clean-title
if ! tm_wait_for 'hf\?\[2J' 10; then
	fail screen_starts "$(tm_screen | head -n 3 | tr '\n' '|')"
	exit 0
fi
shows screen_header_comm '^ PID [0-9]+  ph\?\[2J'
shows screen_header_cmdline '^ ph\?\[2J\?\]0;pwned\?'
shows screen_function 'hf\?\[2J\?\]0;pwned\?'
shows screen_module 'pt_\?\[2J\?\]0;exe\?'
# The other tabs, each by its number (5 Zones, 6 Counters, 7 Log): a key
# acted on however late, never a Tab too many on a busy machine.
for tab in '5 hz\?\[2J' '6 hc\?\[2J' '7 hm\?\[2J'; do
	want=${tab#* }
	tm send-keys -t t "${tab%% *}"
	check "screen_tab_shows_$(echo "$want" | cut -c1-2)" tm_wait_for "$want" 2
done
check screen_thread_in_log tm_wait_for 'ht\?\[2J' 2
check screen_title_kept title_kept
# Nothing was cleared or moved: the header is still on the first line.
check screen_header_first tm_wait_for '^ PID [0-9]+ ' 2
tm send-keys -t t q
tm_wait_gone 5 || fail screen_quits "perftop run did not quit on q"

# The live list: the process's command line in the list.
PERFTOP_SOCKET=$T/perftop.sock "$H" 20 "$PAD" >/dev/null 2>&1 &
bg="$!"
tm_start "PERFTOP_SOCKET=$T/perftop.sock '$PERFTOP' -d 0.5"
tm select-pane -t t -T clean-title
tm send-keys -t t / p h Enter # filter: the rewritten command line starts "ph"
shows list_shows_cmdline 'ph\?\[2J\?\]0;pwned\?'
check list_title_kept title_kept
check list_header_kept tm_wait_for '^ +PID +USER' 2
tm send-keys -t t q
tm_wait_gone 5 || fail list_quits "perftop did not quit on q"
exit 0
