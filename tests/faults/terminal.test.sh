# tests/faults/terminal.test.sh — perftop on terminals that are missing,
# dumb, unknown, or not terminals at all, and on one that shrinks to 1x1
# and takes 10,000 resize events in a burst. Refusals are one line on
# stderr that says what to do (--batch), the terminal is left as it was
# and nothing is painted; the live screen survives every size and redraws
# the list whole at the end. (POSIX sh, tests/lib.sh, tests/tui/lib.sh.)
. tests/lib.sh
. tests/tui/lib.sh

if ! command -v tmux >/dev/null 2>&1; then
	skip terminal "tmux is not installed (make test installs it)"
	exit 0
fi
if [ ! -x "$PERFTOP" ]; then
	fail build "$PERFTOP is missing"
	exit 0
fi

LC_ALL=C.UTF-8
export LC_ALL
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
d=$T

# refused NAME PATTERN COMMAND...: perftop run by a shell in the pane exits
# 1 with one line on stderr matching PATTERN, no escape sequence in it, and
# leaves the terminal as it was (stty, no alternate screen, cursor shown).
refused() {
	rn=$1 pat=$2
	shift 2
	wrap_start "$d" "$@"
	if ! wait_for_text "shell after perftop" 10; then
		fail "${rn}_exits" "perftop did not exit: $(tm_screen | grep . | head -n 3 | tr '\n' '|')"
		return
	fi
	check "${rn}_exit_1" [ "$(wrap_rc)" = 1 ]
	if [ "$(wc -l <"$d/err")" -eq 1 ] && grep -Eq -- "$pat" "$d/err" && ! grep -q "$ESC" "$d/err"; then
		pass "${rn}_one_clear_line"
	else
		fail "${rn}_one_clear_line" "stderr: $(tr '\n' '|' <"$d/err")"
	fi
	check "${rn}_stty_kept" cmp -s "$d/before" "$d/after"
	check "${rn}_modes_kept" [ "$(tm_flag alternate_on)$(tm_flag cursor_flag)" = "01" ]
	# Nothing painted: the pane holds the shell's two lines only.
	check "${rn}_nothing_painted" [ "$(tm_screen | grep -c .)" -eq 2 ]
}

refused term_unset 'TERM is not set .*--batch' env -u TERM "$PERFTOP"
refused term_empty 'TERM is not set .*--batch' env TERM= "$PERFTOP"
refused term_dumb "TERM 'dumb' cannot move the cursor \\(try --batch\\)" env TERM=dumb "$PERFTOP"
refused term_unknown "TERM 'no-such-terminal-x' .*--batch" env TERM=no-such-terminal-x "$PERFTOP"
refused stdin_not_tty 'standard input is not a terminal \(try --batch\)' sh -c "exec '$PERFTOP' </dev/null"

# stdout a file, stdin the terminal: refused without --batch and nothing at
# all in the file; with --batch, plain text (no ESC, no CR) in the file.
refused stdout_not_tty 'standard output is not a terminal \(try --batch\)' sh -c "exec '$PERFTOP' >'$T/out'"
check stdout_not_tty_file_empty [ ! -s "$T/out" ]
wrap_start "$d" sh -c "exec '$PERFTOP' --batch -n 2 -d 0.2 >'$T/batch'"
if wait_for_text "shell after perftop" 10; then
	check batch_to_file_exit_0 [ "$(wrap_rc)" = 0 ]
	check batch_to_file_two_refreshes [ "$(grep -c '^ *PID  *USER' "$T/batch")" -eq 2 ]
	check batch_to_file_no_esc sh -c "! grep -q '$ESC' '$T/batch'"
	check batch_to_file_no_cr sh -c "! grep -q \"\$(printf '\\r')\" '$T/batch'"
	check batch_to_file_quiet_stderr [ ! -s "$d/err" ]
else
	fail batch_to_file "perftop --batch did not finish"
fi

# ---- the live screen: 1x1 and back -------------------------------------------------
# screen_whole W H: the pane (W x H) shows the list as a fresh start would:
# the column header, a full page of rows and the footer on the last line.
screen_whole() {
	scr=$(tm_screen)
	rows=$(echo "$scr" | grep -cE '^ +[0-9]+ +[a-z_][a-z0-9_-]* ')
	echo "$scr" | grep -Eq '^ +PID +USER' &&
		echo "$scr" | tail -n 1 | grep -q 'F1Help' &&
		[ "$rows" -ge $(($2 - 8)) ] &&
		[ "$(tm display-message -p -t t '#{pane_width}x#{pane_height}')" = "${1}x${2}" ]
}

tm_start "sh -c 'echo \$\$ >$T/pid; exec $PERFTOP -d 0.5 2>$T/err'"
if ! tm_wait_for 'PID +USER' 10; then
	fail live_starts "$(tm_screen | head -n 3 | tr '\n' '|') $(cat "$T/err")"
	exit 0
fi
ptop=$(cat "$T/pid")
for size in 1x1 2x2 1x40 120x1 10x3 40x10; do
	tm resize-window -t t -x "${size%x*}" -y "${size#*x}"
	sleep 0.3
done
check tiny_survives kill -0 "$ptop"
tm resize-window -t t -x 120 -y 40
wait_until "$WAIT_S" screen_whole 120 40 || tm_screen | head -n 6
check tiny_and_back_screen_whole screen_whole 120 40

# ---- 10,000 resize events in a burst ------------------------------------------------
# SIGWINCH 10,000 times as fast as a shell sends them, and tmux resizing the
# window 100 times between sizes meanwhile; then one last size.
t0=$(date +%s%3N)
(
	i=0
	while [ "$i" -lt 10000 ] && kill -WINCH "$ptop" 2>/dev/null; do
		i=$((i + 1))
	done
	echo "$i" >"$T/winch"
) &
winch=$!
i=0
while [ "$i" -lt 100 ]; do
	tm resize-window -t t -x $((40 + i % 7 * 13)) -y $((10 + i % 5 * 7))
	i=$((i + 1))
done
wait "$winch"
echo "  $(cat "$T/winch") SIGWINCH and 100 resizes took $(($(date +%s%3N) - t0)) ms (not judged)"
check burst_all_10000_sent [ "$(cat "$T/winch")" = 10000 ]
check burst_survives kill -0 "$ptop"
tm resize-window -t t -x 100 -y 30
wait_until "$WAIT_S" screen_whole 100 30 || tm_screen | head -n 6
check burst_screen_whole_at_last_size screen_whole 100 30
# Still answering keys: help opens and closes.
tm send-keys -t t '?'
check burst_keys_answered tm_wait_for 'keys of the process list' 3
tm send-keys -t t x
check burst_help_closes tm_wait_for 'PID +USER' 3
tm send-keys -t t q
check burst_quits tm_wait_gone 5
check burst_quiet_stderr [ ! -s "$T/err" ]
exit 0
