# tests/tui/command.test.sh — `perftop run`'s screen and the command it
# runs (src/cli/start.c, src/collect/capture.c), on a real terminal (tmux,
# TERM=screen): Ctrl-C ends the command as a shell's would (exit 130) and
# gives the terminal back as it was; the screen's exit status is the
# command's; the command reads /dev/null for the terminal (or --stdin FILE)
# and a redirected stdin as it is; its output is in the Log tab (also with
# --output FILE), its file is capped (`yes`) and removed at exit; closing
# the terminal (SIGHUP) or killing perftop ends the command; a redirected
# stdout stays the command's while the screen uses /dev/tty; a TERM the
# screen cannot use is refused before the command runs. Without the screen
# (record), the command reads the terminal and owns Ctrl-C. (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh

tui_suite command || exit 0
CAP=67108864 # CLI_OUTPUT_CAP, src/cli/start.h
seq 1 37 >"$T/in.txt"

gone() { ! kill -0 "$1" 2>/dev/null; }
# wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_until() {
	n=$(($1 * 10))
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}
size_is() { [ "$(stat -c %s "$1" 2>/dev/null)" = "$2" ]; }
left_in() { ls -d "$1"/perftop-* >/dev/null 2>&1; }
# has_terminal PID: PID's process group is its terminal's foreground group
# (/proc/PID/stat after the command name: pgrp is field 3, tpgid field 6).
has_terminal() {
	awk '{ sub(/.*\) /, ""); exit !($3 > 0 && $3 == $6) }' "/proc/$1/stat" 2>/dev/null
}
# log_tab: opens the Log tab (7) of the command's process view; false, with
# the reason in $why, when it does not open. The view has tabs once the
# command's agent has said hello (before that 1..7 have no tab to go to and
# do nothing), and its title shows the command line ("sleep 300") before
# that: wait for the tab bar, not for the title, then for the Log's header.
log_tab() {
	if ! tm_wait_for 'Functions +Tree +Callers' 30; then
		why="no tabs (the agent did not connect): $(tm_screen | head -n 4 | tr '\n' '|')"
		return 1
	fi
	tm send-keys -t t 7
	if ! tm_wait_for '^ *TIME +SOURCE +MESSAGE' 30; then
		why="7 did not open the Log tab: $(log_screen)"
		return 1
	fi
}
# log_screen: the pane's title and, from the tab bar on, its lines that are
# not blank (the tab shown, the Log's rows, the status line), '|' for
# newlines.
log_screen() { tm_screen | sed -n '1p;/Functions  *Tree/,$p' | grep -v '^ *$' | head -n 16 | tr '\n' '|'; }

# ---- Ctrl-C: 130, the terminal as it was, nothing left ------------------------------
mkdir -p "$T/w" "$T/tmp1"
wrap_start "$T/w" env TMPDIR="$T/tmp1" "$PERFTOP" run -- sh -c "echo \$\$ >'$T/cmd1.pid'; exec sleep 300"
if wait_until 30 test -s "$T/cmd1.pid" && wait_for_text "sleep 300" 30; then
	cpid=$(cat "$T/cmd1.pid")
	tm send-keys -t t C-c
	wait_until 30 test -s "$T/w/rc"
	check ctrl_c_exits_130 [ "$(wrap_rc)" = 130 ]
	check ctrl_c_ends_the_command wait_until 30 gone "$cpid"
	wrap_restored ctrl_c "$T/w"
	if left_in "$T/tmp1"; then fail ctrl_c_nothing_left "$(ls "$T/tmp1")"; else pass ctrl_c_nothing_left; fi
else
	fail ctrl_c_exits_130 "the screen never showed the command: $(tm_screen | head -n 5 | tr '\n' '|') $(cat "$T/w/err" 2>/dev/null)"
fi

# The command exits 7 by itself; the view stays until q, then perftop exits 7.
tm_start "env TMPDIR='$T/tmp1' '$PERFTOP' run -- sh -c 'echo about-to-exit; exit 7'; echo rc=\$? >'$T/seven.rc'; sleep 300"
if wait_for_text "exited with status 7" 30; then
	tm send-keys -t t q
	wait_until 30 test -s "$T/seven.rc"
	check screen_exit_status_is_the_commands grep -qx "rc=7" "$T/seven.rc"
else
	fail screen_exit_status_is_the_commands "$(tm_screen | head -n 3 | tr '\n' '|')"
fi

# ---- stdin and the Log tab ------------------------------------------------------------
tm_start "env TMPDIR='$T/tmp1' '$PERFTOP' run -- sh -c 'cat; echo stdin-was-at-its-end; echo the-last-line; exec sleep 300'"
if log_tab; then
	if wait_for_text "the-last-line" 30 && tm_screen | grep -q "output *stdin-was-at-its-end"; then
		pass log_tab_shows_output_and_stdin_is_dev_null
	else
		fail log_tab_shows_output_and_stdin_is_dev_null "$(log_screen)"
	fi
	tm send-keys -t t q
	tm_wait_gone 30
else
	fail log_tab_shows_output_and_stdin_is_dev_null "$why"
fi
tm_start "env TMPDIR='$T/tmp1' '$PERFTOP' run --stdin '$T/in.txt' -- sh -c 'echo \"read=\$(wc -l)\"; exec sleep 300'"
if log_tab; then
	if wait_for_text "read=37" 30; then
		pass stdin_option_gives_the_file
	else
		fail stdin_option_gives_the_file "no read=37 in the Log: $(log_screen)"
	fi
	tm send-keys -t t q
	tm_wait_gone 30
else
	fail stdin_option_gives_the_file "$why"
fi

# A redirected stdin is the command's; the screen reads its keys from /dev/tty.
tm_start "env TMPDIR='$T/tmp1' '$PERFTOP' run -- sh -c 'echo \"redirected=\$(wc -l)\"; exec sleep 300' <'$T/in.txt'"
if log_tab; then
	if wait_for_text "redirected=37" 30; then
		pass redirected_stdin_is_the_commands
	else
		fail redirected_stdin_is_the_commands "no redirected=37 in the Log: $(log_screen)"
	fi
	tm send-keys -t t q
	check redirected_stdin_keys_from_the_terminal tm_wait_gone 30
else
	fail redirected_stdin_is_the_commands "$why"
fi

# --output FILE: the command's stdout and stderr in FILE, and in the Log.
tm_start "env TMPDIR='$T/tmp1' '$PERFTOP' run --output '$T/chosen.txt' -- sh -c 'echo into-chosen; echo err-into-chosen >&2; exec sleep 300'"
if log_tab; then
	if wait_for_text "err-into-chosen" 30; then
		pass output_option_in_the_log
	else
		fail output_option_in_the_log "no err-into-chosen in the Log: $(log_screen)"
	fi
	tm send-keys -t t q
	tm_wait_gone 30
	if grep -qx into-chosen "$T/chosen.txt" && grep -qx err-into-chosen "$T/chosen.txt"; then
		pass output_option_file_kept
	else
		fail output_option_file_kept "$(cat "$T/chosen.txt" 2>&1)"
	fi
else
	fail output_option_in_the_log "no screen: $(tm_screen | head -n 3 | tr '\n' '|')"
fi

# ---- `yes`: the output file stops at the cap ---------------------------------------------
# (--keep-output, to look at the file after exit; without it the file goes,
# as ctrl_c_nothing_left checks.)
mkdir -p "$T/tmpy"
tm_start "env TMPDIR='$T/tmpy' '$PERFTOP' run --keep-output -- yes 2>'$T/yes.err'; echo rc=\$? >'$T/yes.rc'; sleep 300"
if wait_until 30 left_in "$T/tmpy"; then
	out=$(ls "$T"/tmpy/perftop-run-*/yes.out 2>/dev/null | head -n 1)
	if wait_until 120 size_is "$out" "$CAP"; then
		tm send-keys -t t q
		wait_until 30 test -s "$T/yes.rc"
		check yes_quit_exits_0 grep -qx "rc=0" "$T/yes.rc"
		if size_is "$out" "$CAP" && grep -q "output is in '$out' (.* bytes not kept: over the size cap)" "$T/yes.err"; then
			pass yes_output_capped_and_counted
		else
			fail yes_output_capped_and_counted "size $(stat -c %s "$out"): $(cat "$T/yes.err")"
		fi
	else
		fail yes_output_capped_and_counted "'$out' did not reach $CAP bytes in 120 s: $(stat -c %s "$out" 2>&1)"
		tm send-keys -t t q
	fi
else
	fail yes_output_capped_and_counted "no private directory in 30 s: $(tm_screen | head -n 3 | tr '\n' '|')"
fi
tm kill-session -t t 2>/dev/null
rm -rf "$T/tmpy"

# ---- the command dies with the terminal, or with perftop --------------------------------
mkdir -p "$T/tmp2"
rm -f "$T/cmd2.pid"
tm_start "env TMPDIR='$T/tmp2' '$PERFTOP' run -- sh -c \"echo \\\$\\\$ >'$T/cmd2.pid'; exec sleep 300\""
if wait_until 30 test -s "$T/cmd2.pid" && wait_for_text "sleep 300" 30; then
	cpid=$(cat "$T/cmd2.pid")
	tm kill-session -t t # the terminal closes: SIGHUP
	check sighup_ends_the_command wait_until 30 gone "$cpid"
	check sighup_nothing_left wait_until 30 eval '! left_in "$T/tmp2"'
	gone "$cpid" || kill -9 "$cpid"
else
	fail sighup_ends_the_command "no screen: $(tm_screen | head -n 3 | tr '\n' '|')"
fi
rm -f "$T/cmd3.pid"
tm_start "sh -c 'echo \$\$ >\"$T/perftop3.pid\"; exec env TMPDIR=\"$T/tmp2\" \"$PERFTOP\" run -- sh -c \"echo \\\$\\\$ >$T/cmd3.pid; exec sleep 300\"'; sleep 300"
if wait_until 30 test -s "$T/cmd3.pid" && wait_for_text "sleep 300" 30; then
	cpid=$(cat "$T/cmd3.pid")
	kill -KILL "$(cat "$T/perftop3.pid")"
	check sigkill_to_perftop_ends_the_command wait_until 30 gone "$cpid"
	gone "$cpid" || kill -9 "$cpid"
	# SIGKILL leaves the directory with the socket and the captured
	# output; the next run or record removes them.
	if ls "$T"/tmp2/perftop-run-*/sh.out >/dev/null 2>&1; then
		env TMPDIR="$T/tmp2" "$PERFTOP" record -o "$T/sweep.ptsnap" -- true </dev/null >/dev/null 2>&1
		if left_in "$T/tmp2"; then
			fail sigkill_leftovers_swept_by_the_next_start "$(ls -R "$T/tmp2")"
		else
			pass sigkill_leftovers_swept_by_the_next_start
		fi
	else
		fail sigkill_leftovers_swept_by_the_next_start "no captured output left to sweep: $(ls -R "$T/tmp2")"
	fi
else
	fail sigkill_to_perftop_ends_the_command "no screen: $(tm_screen | head -n 3 | tr '\n' '|')"
fi

# ---- a redirected stdout stays the command's; the screen draws on /dev/tty ------------------
tm_start "env TMPDIR='$T/tmp1' '$PERFTOP' run -- sh -c 'echo into-the-file; exec sleep 300' >'$T/redirect.txt'; echo rc=\$? >'$T/redirect.rc'; sleep 300"
if wait_for_text "sleep 300" 30 && wait_until 30 test -s "$T/redirect.txt"; then
	check redirected_stdout_is_the_commands grep -qx into-the-file "$T/redirect.txt"
	tm send-keys -t t q
	wait_until 30 test -s "$T/redirect.rc"
	check redirected_stdout_quit_exits_0 grep -qx "rc=0" "$T/redirect.rc"
else
	fail redirected_stdout_is_the_commands "$(tm_screen | head -n 3 | tr '\n' '|') $(cat "$T/redirect.txt" 2>/dev/null)"
fi

# ---- a TERM the screen cannot use: refused before the command runs ---------------------
for term in dumb unknown-terminal-xyz unset; do
	rm -f "$T/marker" "$T/term.rc"
	if [ "$term" = unset ]; then
		envs="env -u TERM"
	else
		envs="env TERM=$term"
	fi
	tm_start "$envs TMPDIR='$T/tmp1' '$PERFTOP' run -- touch '$T/marker' 2>'$T/term.err'; echo rc=\$? >'$T/term.rc'; sleep 300"
	wait_until 30 test -s "$T/term.rc"
	if grep -qx "rc=1" "$T/term.rc" 2>/dev/null && [ ! -e "$T/marker" ] &&
		grep -q "try --batch" "$T/term.err"; then
		pass "term_${term}_refused_before_the_command"
	else
		fail "term_${term}_refused_before_the_command" "$(cat "$T/term.rc" "$T/term.err" 2>&1); marker: $(ls "$T/marker" 2>&1)"
	fi
done
if left_in "$T/tmp1"; then fail nothing_left "$(ls -R "$T/tmp1")"; else pass nothing_left; fi

# ---- without the screen the command has the terminal, as under `time` --------------------
# It reads the terminal, and Ctrl-C is its own: it dies of SIGINT, perftop
# exits 130 and record still writes its file.
mkdir -p "$T/w2"
wrap_start "$T/w2" env TMPDIR="$T/tmp1" "$PERFTOP" record -o "$T/tty.ptsnap" -- sh -c 'read line; echo "got=$line"; exec sleep 300'
if wait_until 30 grep -qs "recording pid" "$T/w2/err"; then
	tm send-keys -t t "typed-line" Enter
	check record_command_reads_the_terminal wait_for_text "got=typed-line" 30
	tm send-keys -t t C-c
	wait_until 30 test -s "$T/w2/rc"
	check record_ctrl_c_exits_130 [ "$(wrap_rc)" = 130 ]
	check record_ctrl_c_writes_the_file test -s "$T/tty.ptsnap"
	wrap_restored record_ctrl_c "$T/w2"
else
	fail record_command_reads_the_terminal "$(tm_screen | head -n 5 | tr '\n' '|') $(cat "$T/w2/err")"
fi

# ---- no agent (a static program): its output is still under the screen ----------------------
printf '#include <stdio.h>\n#include <unistd.h>\nint main(void){for(int i=0;i<40;i++)printf("static-line-%%d\\n",i);fflush(stdout);sleep(300);return 0;}\n' >"$T/static.c"
if cc -static -o "$T/static" "$T/static.c" 2>"$T/static.err"; then
	tm_start "env TMPDIR='$T/tmp1' '$PERFTOP' run -- '$T/static'"
	if wait_for_text "static-line-39" 30 && tm_screen | grep -q "^ Output  last [0-9]* of 40 lines"; then
		pass static_command_output_under_the_screen
	else
		fail static_command_output_under_the_screen "$(tm_screen | tail -n 8 | tr '\n' '|')"
	fi
	tm send-keys -t t q
	tm_wait_gone 30
else
	skip static_command_output_under_the_screen "cc -static fails: $(head -c 200 "$T/static.err")"
fi

# ---- Ctrl-Z: perftop stops with the command, as a job under `time` would ------------------
# In an interactive shell: Ctrl-Z stops the command that has the terminal
# and perftop with it (and its process group), so the shell says Stopped
# and has the terminal; `fg`
# gives the terminal back to the command, which reads on. With `bg` both run
# without the terminal: the command's read stops it (SIGTTIN), perftop stops
# with it, and `fg` resumes both with the terminal. perftop exits 0 at the end.
if command -v bash >/dev/null 2>&1; then
	tm_start "env PS1='jc\$ ' TMPDIR='$T/tmp1' bash --norc --noprofile -i"
	wait_for_text 'jc$' 30
	tm send-keys -t t "set -b" Enter
	for sub in record run; do
		rm -f "$T/jc.rc" "$T/jc.out" "$T/jc.ptsnap" "$T/jc.pid"
		if [ $sub = record ]; then
			what="record -o '$T/jc.ptsnap'"
		else
			what="run --batch -d 0.2"
		fi
		# In a subshell, as in a script: the shell stops with perftop (one
		# job), and rc is written when perftop ends, not when it stops.
		# A line is typed for the command only once it has the terminal:
		# typed ahead, it may reach the terminal while the shell's line
		# editor still has it in its own mode (no echo, CR not turned
		# into NL), and the command's read then gets "one<CR>" with no
		# end of line.
		tm send-keys -t t "clear; ('$PERFTOP' $what -- sh -c 'echo \$\$ >\"$T/jc.pid\"; read a; echo first=\$a; read b; echo second=\$b' >'$T/jc.out'; echo rc=\$? >'$T/jc.rc')" Enter
		if ! wait_until 30 test -s "$T/jc.pid" || ! wait_until 30 has_terminal "$(cat "$T/jc.pid")"; then
			fail "${sub}_ctrl_z" "the command never had the terminal: $(tm_screen | tr -s '\n' '|')"
			continue
		fi
		cpid=$(cat "$T/jc.pid")
		tm send-keys -t t "one" Enter
		if ! wait_until 30 grep -qs "first=one" "$T/jc.out"; then
			fail "${sub}_ctrl_z" "the command never read its first line: $(tm_screen | tr -s '\n' '|')"
			continue
		fi
		tm send-keys -t t C-z
		if wait_for_text "Stopped" 30; then
			pass "${sub}_ctrl_z_stops_perftop_for_the_shell"
		else
			fail "${sub}_ctrl_z_stops_perftop_for_the_shell" "$(tm_screen | tr -s '\n' '|')"
		fi
		if [ $sub = run ]; then
			# bg: the command's read from the background stops it and perftop.
			# The Ctrl-Z's "Stopped" is on screen until clear runs:
			# wait for bg's "... ) &", then for the new "Stopped".
			tm send-keys -t t "clear; bg" Enter
			wait_for_text ") &" 30 && wait_for_text "Stopped" 30
			tm send-keys -t t "jobs -l" Enter
			if wait_for_text "Stopped (tty input)" 30; then
				pass run_bg_then_terminal_read_stops_both
			else
				fail run_bg_then_terminal_read_stops_both "$(tm_screen | tr -s '\n' '|')"
			fi
		fi
		tm send-keys -t t "fg" Enter
		wait_until 30 has_terminal "$cpid"
		tm send-keys -t t "two" Enter
		if wait_until 30 test -s "$T/jc.rc" && grep -qx "second=two" "$T/jc.out" &&
			grep -qx "rc=0" "$T/jc.rc" && { [ $sub = run ] || [ -s "$T/jc.ptsnap" ]; }; then
			pass "${sub}_fg_gives_the_terminal_back_to_the_command"
		else
			fail "${sub}_fg_gives_the_terminal_back_to_the_command" "$(cat "$T/jc.rc" "$T/jc.out" 2>&1 | grep -v '^ ' | head -n 5 | tr '\n' '|') screen: $(tm_screen | tr -s '\n' '|')"
		fi
	done
else
	skip ctrl_z "no bash for an interactive shell with job control"
fi

tm kill-session -t t 2>/dev/null
wait_until 30 eval '! left_in "$T/tmp1"' 
if left_in "$T/tmp1"; then fail nothing_left_at_the_end "$(ls -R "$T/tmp1")"; else pass nothing_left_at_the_end; fi
