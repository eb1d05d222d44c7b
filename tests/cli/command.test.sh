# tests/cli/command.test.sh — `perftop run --batch` and `perftop record`
# treat the command as `time CMD` would (src/cli/start.c, collect/launch.c):
# it reads perftop's stdin and writes to perftop's stdout and stderr,
# perftop exits with its exit code (128+N for signal N), the JSON report
# says how it ended, its background jobs and daemons live on after it
# exits, it dies with perftop (SIGTERM passed on; SIGKILL through the
# parent-death signal), checks that can fail are made before it runs, and
# nothing is left in TMPDIR (what a SIGKILL left, the next start removes). No terminal here (tests/tui/command.test.sh has
# the screen's side). (POSIX sh, tests/lib.sh.)
. tests/lib.sh

tmp=$(mktemp -d)
export TMPDIR="$tmp/tmpdir"
mkdir "$TMPDIR"
trap 'rm -rf "$tmp"' EXIT
DAEMONIZE=$WORKLOADS/daemonize
for f in "$PERFTOP" "$DAEMONIZE"; do
	[ -x "$f" ] || { fail build "$f is missing"; exit 0; }
done

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
gone() { ! kill -0 "$1" 2>/dev/null; }

# rec NAME ARGS...: perftop record of a command into $tmp/NAME.ptsnap, with
# stdout and stderr in $tmp/NAME.out and .err, exit code in $rc.
rec() {
	n=$1
	shift
	timeout 60 "$PERFTOP" record -i 0.2 -o "$tmp/$n.ptsnap" -- "$@" >"$tmp/$n.out" 2>"$tmp/$n.err"
	rc=$?
}
# run_b NAME ARGS...: perftop run --batch, likewise.
run_b() {
	n=$1
	shift
	timeout 60 "$PERFTOP" run --batch -d 0.2 -- "$@" >"$tmp/$n.out" 2>"$tmp/$n.err"
	rc=$?
}

# ---- stdin --------------------------------------------------------------------
seq 1 37 >"$tmp/in.txt"
timeout 60 "$PERFTOP" run --batch -d 0.2 -- sh -c 'echo "lines=$(wc -l)"' \
	<"$tmp/in.txt" >"$tmp/stdin_run.out" 2>"$tmp/stdin_run.err"
check stdin_run_batch grep -qx "lines=37" "$tmp/stdin_run.out"
timeout 60 "$PERFTOP" record -o "$tmp/s.ptsnap" -- wc -l <"$tmp/in.txt" >"$tmp/stdin_rec.out" 2>"$tmp/stdin_rec.err"
if [ "$(cat "$tmp/stdin_rec.out")" = 37 ]; then
	pass stdin_record
else
	fail stdin_record "stdout '$(cat "$tmp/stdin_rec.out")', expected 37: $(head -c 300 "$tmp/stdin_rec.err")"
fi

# ---- stdout and stderr ----------------------------------------------------------
rec out sh -c 'echo to-stdout; echo to-stderr >&2'
if [ "$rc" = 0 ] && [ "$(cat "$tmp/out.out")" = to-stdout ] && grep -qx to-stderr "$tmp/out.err"; then
	pass stdout_stderr_record
else
	fail stdout_stderr_record "rc $rc, stdout '$(cat "$tmp/out.out")', stderr $(head -c 300 "$tmp/out.err")"
fi
run_b outb sh -c 'echo to-stdout; echo to-stderr >&2'
if [ "$rc" = 0 ] && grep -qx to-stdout "$tmp/outb.out" && grep -qx to-stderr "$tmp/outb.err" &&
	! grep -qx to-stderr "$tmp/outb.out"; then
	pass stdout_stderr_run_batch
else
	fail stdout_stderr_run_batch "rc $rc, stderr $(head -c 300 "$tmp/outb.err")"
fi
timeout 60 "$PERFTOP" run --batch -d 0.2 --output "$tmp/cmd-output.txt" -- \
	sh -c 'echo to-file; echo err-to-file >&2' >"$tmp/outf.out" 2>"$tmp/outf.err"
rc=$?
if [ "$rc" = 0 ] && grep -qx to-file "$tmp/cmd-output.txt" &&
	grep -qx err-to-file "$tmp/cmd-output.txt" && ! grep -qx to-file "$tmp/outf.out"; then
	pass run_batch_output_file
else
	fail run_batch_output_file "rc $rc: $(head -c 300 "$tmp/outf.err")"
fi

# ---- exit codes ------------------------------------------------------------------
for sub in run_b rec; do
	$sub "${sub}_exit7" sh -c 'exit 7'
	check "${sub}_exit_7" [ "$rc" = 7 ]
	$sub "${sub}_term" sh -c 'kill -TERM $$'
	check "${sub}_killed_by_sigterm_143" [ "$rc" = 143 ]
	$sub "${sub}_kill" sh -c 'kill -KILL $$'
	check "${sub}_killed_by_sigkill_137" [ "$rc" = 137 ]
	$sub "${sub}_true" true
	check "${sub}_exit_0" [ "$rc" = 0 ]
done
"$PERFTOP" run --batch -- ./no-such-command >/dev/null 2>"$tmp/nosuch.err"
check cannot_run_is_perftops_error [ "$?" = 1 ]

# The report says how the command ended.
for how in 'exit 3|"exit_status": 3,|"exit_signal": null|exit_3' \
	'kill -SEGV $$|"exit_status": null,|"exit_signal": "SIGSEGV"|sigsegv'; do
	script=${how%%|*} rest=${how#*|}
	want1=${rest%%|*} rest=${rest#*|}
	want2=${rest%%|*} label=${rest#*|}
	rec json sh -c "$script"
	pid=$(sed -n "s/^perftop: recording pid \([0-9]*\) .*/\1/p" "$tmp/json.err")
	"$PERFTOP" report "$tmp/json.ptsnap" --pid "$pid" --format json >"$tmp/json.json" 2>&1
	if grep -qF "$want1" "$tmp/json.json" && grep -qF "$want2" "$tmp/json.json"; then
		pass "report_json_$label"
	else
		fail "report_json_$label" "pid '$pid': $(grep exit_ "$tmp/json.json" | tr '\n' ' ') $(head -c 200 "$tmp/json.err")"
	fi
done

# ---- what the command leaves behind lives on --------------------------------------
for sub in run_b rec; do
	rm -f "$tmp/bg.done"
	$sub "${sub}_bg" sh -c "(sleep 2; echo done >'$tmp/bg.done') & exit 0"
	if [ "$rc" = 0 ] && wait_until 30 test -s "$tmp/bg.done"; then
		pass "${sub}_background_job_finishes"
	else
		fail "${sub}_background_job_finishes" "rc $rc; no '$tmp/bg.done' 30 s after perftop returned"
	fi
	rm -f "$tmp/daemon" "$tmp/daemon.go"
	$sub "${sub}_daemon" "$DAEMONIZE" "$tmp/daemon"
	touch "$tmp/daemon.go"
	if [ "$rc" = 0 ] && wait_until 30 test -s "$tmp/daemon"; then
		pass "${sub}_daemon_survives"
	else
		fail "${sub}_daemon_survives" "rc $rc; the daemon wrote no '$tmp/daemon' in 30 s"
	fi
done

# ---- the command dies with perftop -------------------------------------------------
# SIGTERM to perftop: passed on, perftop exits with the command's 143.
for sub in run record; do
	rm -f "$tmp/cmd.pid"
	case $sub in
	run) "$PERFTOP" run --batch -d 0.2 -- sh -c "echo \$\$ >'$tmp/cmd.pid'; exec sleep 300" >/dev/null 2>&1 & ;;
	record) "$PERFTOP" record -o "$tmp/t.ptsnap" -- sh -c "echo \$\$ >'$tmp/cmd.pid'; exec sleep 300" >/dev/null 2>&1 & ;;
	esac
	ppid=$!
	if ! wait_until 30 test -s "$tmp/cmd.pid"; then
		fail "${sub}_sigterm_passed_on" "the command did not start in 30 s"
		kill -9 "$ppid" 2>/dev/null
		continue
	fi
	cpid=$(cat "$tmp/cmd.pid")
	kill -TERM "$ppid"
	wait "$ppid"
	rc=$?
	if [ "$rc" = 143 ] && wait_until 30 gone "$cpid"; then
		pass "${sub}_sigterm_passed_on"
	else
		fail "${sub}_sigterm_passed_on" "perftop exit $rc; command $cpid $(gone "$cpid" && echo gone || echo still runs)"
		kill -9 "$cpid" 2>/dev/null
	fi
done
check record_sigterm_still_writes_the_snapshot test -s "$tmp/t.ptsnap"

# Nothing of perftop's is left in TMPDIR after all of the above.
if ls -d "$TMPDIR"/perftop-* >/dev/null 2>&1; then
	fail nothing_left_in_tmpdir "$(ls "$TMPDIR")"
else
	pass nothing_left_in_tmpdir
fi

# SIGKILL to perftop: the parent-death signal kills the command.
rm -f "$tmp/cmd.pid"
"$PERFTOP" run --batch -d 0.2 -- sh -c "echo \$\$ >'$tmp/cmd.pid'; exec sleep 300" >/dev/null 2>&1 &
ppid=$!
if wait_until 30 test -s "$tmp/cmd.pid"; then
	cpid=$(cat "$tmp/cmd.pid")
	kill -KILL "$ppid"
	if wait_until 30 gone "$cpid"; then
		pass command_dies_with_perftop_sigkill
	else
		fail command_dies_with_perftop_sigkill "command $cpid still runs 30 s after perftop was killed"
		kill -9 "$cpid"
	fi
else
	fail command_dies_with_perftop_sigkill "the command did not start in 30 s"
	kill -9 "$ppid" 2>/dev/null
fi
# What SIGKILL leaves (perftop cannot clean up): one private directory with
# the socket. The next run or record removes it, and never a live one's.
wait_until 30 gone "$ppid"
left=$(ls -d "$TMPDIR"/perftop-run-* 2>/dev/null)
if [ -n "$left" ] && [ "$(ls "$left")" = perftop.sock ]; then
	pass sigkill_leaves_one_directory_with_the_socket
else
	fail sigkill_leaves_one_directory_with_the_socket "TMPDIR has: $(ls -R "$TMPDIR")"
fi
rm -f "$tmp/cmd.pid"
"$PERFTOP" record -o "$tmp/live.ptsnap" -- sh -c "echo \$\$ >'$tmp/cmd.pid'; exec sleep 300" >/dev/null 2>&1 &
ppid=$!
if wait_until 30 test -s "$tmp/cmd.pid"; then
	rec next true
	live=$(ls -d "$TMPDIR"/perftop-record-* 2>/dev/null)
	if [ "$rc" = 0 ] && [ ! -e "$left" ] && [ -n "$live" ] && [ -S "$live/perftop.sock" ] &&
		[ "$(echo "$live" | wc -l)" = 1 ]; then
		pass next_start_sweeps_what_sigkill_left_and_spares_a_live_one
	else
		fail next_start_sweeps_what_sigkill_left_and_spares_a_live_one "rc $rc; TMPDIR has: $(ls -R "$TMPDIR")"
	fi
	kill -TERM "$ppid"
	wait "$ppid"
else
	fail next_start_sweeps_what_sigkill_left_and_spares_a_live_one "the command did not start in 30 s"
	kill -9 "$ppid" 2>/dev/null
fi
if ls -d "$TMPDIR"/perftop-* >/dev/null 2>&1; then
	fail nothing_left_after_the_sweep "$(ls -R "$TMPDIR")"
else
	pass nothing_left_after_the_sweep
fi

# ---- checks before the command runs ---------------------------------------------------
rm -f "$tmp/marker"
"$PERFTOP" record -o "$tmp/no/such/dir/x.ptsnap" -- touch "$tmp/marker" >/dev/null 2>"$tmp/nodir.err"
rc=$?
if [ "$rc" = 1 ] && [ ! -e "$tmp/marker" ] && grep -q "does not exist" "$tmp/nodir.err"; then
	pass record_missing_dir_refused_before_the_command
else
	fail record_missing_dir_refused_before_the_command "rc $rc, marker $(ls "$tmp/marker" 2>&1): $(cat "$tmp/nodir.err")"
fi
"$PERFTOP" record -o "$tmp" -- touch "$tmp/marker" >/dev/null 2>"$tmp/isdir.err"
rc=$?
if [ "$rc" = 1 ] && [ ! -e "$tmp/marker" ]; then
	pass record_onto_directory_refused_before_the_command
else
	fail record_onto_directory_refused_before_the_command "rc $rc: $(cat "$tmp/isdir.err")"
fi
"$PERFTOP" run --batch --stdin "$tmp/no-such-input" -- touch "$tmp/marker" >/dev/null 2>"$tmp/nostdin.err"
rc=$?
if [ "$rc" = 1 ] && [ ! -e "$tmp/marker" ] && grep -q "no-such-input" "$tmp/nostdin.err"; then
	pass run_missing_stdin_refused_before_the_command
else
	fail run_missing_stdin_refused_before_the_command "rc $rc: $(cat "$tmp/nostdin.err")"
fi
printf 'zone nosuch p95 <\n' >"$tmp/bad.budget"
"$PERFTOP" run --batch --budget "$tmp/bad.budget" -- touch "$tmp/marker" >/dev/null 2>&1
rc=$?
if [ "$rc" = 2 ] && [ ! -e "$tmp/marker" ]; then
	pass run_bad_budget_refused_before_the_command
else
	fail run_bad_budget_refused_before_the_command "rc $rc"
fi
# No terminal at all: the screen is refused before the command runs.
if command -v setsid >/dev/null 2>&1; then
	setsid "$PERFTOP" run -- touch "$tmp/marker" </dev/null >/dev/null 2>"$tmp/notty.err"
	rc=$?
	if [ "$rc" = 1 ] && [ ! -e "$tmp/marker" ] && grep -q "try --batch" "$tmp/notty.err"; then
		pass run_without_terminal_refused_before_the_command
	else
		fail run_without_terminal_refused_before_the_command "rc $rc, marker $(ls "$tmp/marker" 2>&1): $(cat "$tmp/notty.err")"
	fi
else
	skip run_without_terminal_refused_before_the_command "no setsid"
fi

# ---- files perftop reads: a FIFO is refused at once, never waited on ------------------
mkfifo "$tmp/fifo"
timeout 30 "$PERFTOP" run --batch --budget "$tmp/fifo" -- sh -c 'touch "$0"' "$tmp/marker.fifo" \
	</dev/null >"$tmp/bfifo.out" 2>"$tmp/bfifo.err"
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$tmp/marker.fifo" ] &&
	grep -q "cannot read budget '$tmp/fifo': it is a FIFO (named pipe), not a regular file" "$tmp/bfifo.err"; then
	pass run_budget_fifo_refused_without_waiting
else
	fail run_budget_fifo_refused_without_waiting "rc $rc (124: waited at the open): $(cat "$tmp/bfifo.err")"
fi
timeout 30 "$PERFTOP" --batch -n 1 -d 0.2 --theme "$tmp/fifo" </dev/null >"$tmp/tfifo.out" 2>"$tmp/tfifo.err"
rc=$?
if [ "$rc" -ne 124 ] && grep -q "cannot open theme '$tmp/fifo': it is a FIFO (named pipe), not a regular file" "$tmp/tfifo.err"; then
	pass theme_fifo_refused_without_waiting
else
	fail theme_fifo_refused_without_waiting "rc $rc (124: waited at the open): $(cat "$tmp/tfifo.err")"
fi

# ---- descriptors: perftop raises its limit for the agents, the command keeps its own ----
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 64 ]; then
	for sub in record run; do
		(
			ulimit -Sn 64 || exit 1
			if [ $sub = record ]; then
				exec timeout 60 "$PERFTOP" record -o "$tmp/lim.ptsnap" -- sh -c \
					'echo "cmd $(ulimit -Sn)"; sed -n "s/^Max open files *\([0-9a-z]*\).*/perftop \1/p" /proc/$PPID/limits'
			fi
			exec timeout 60 "$PERFTOP" run --batch -d 0.2 -- sh -c \
				'echo "cmd $(ulimit -Sn)"; sed -n "s/^Max open files *\([0-9a-z]*\).*/perftop \1/p" /proc/$PPID/limits'
		) </dev/null >"$tmp/lim.out" 2>"$tmp/lim.err"
		mine=$(sed -n 's/^perftop //p' "$tmp/lim.out")
		if grep -qx "cmd 64" "$tmp/lim.out" && [ -n "$mine" ] && { [ "$mine" = unlimited ] || [ "$mine" -gt 64 ]; }; then
			pass "${sub}_command_keeps_its_fd_limit_while_perftop_raises_its_own"
		else
			fail "${sub}_command_keeps_its_fd_limit_while_perftop_raises_its_own" "$(cat "$tmp/lim.out" "$tmp/lim.err" | head -n 5)"
		fi
	done
else
	skip command_keeps_its_fd_limit "the hard descriptor limit is $hard, no room above 64"
fi

# ---- pipes, as `time CMD` in a pipeline ----------------------------------------------------
# Upstream: the command reads the pipe; perftop exits with its status.
yes | timeout 60 "$PERFTOP" run --batch -d 0.2 -- head -n 3 >"$tmp/pin.out" 2>"$tmp/pin.err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(grep -cx y "$tmp/pin.out")" = 3 ]; then
	pass run_batch_reads_a_pipe
else
	fail run_batch_reads_a_pipe "rc $rc, $(grep -cx y "$tmp/pin.out") lines of y"
fi
# Downstream closes early: the command dies of SIGPIPE (141) and perftop,
# its own output gone too, waits for it and exits with that, not 1.
for sub in run record; do
	rm -f "$tmp/pout.rc"
	if [ $sub = run ]; then
		{ timeout 60 "$PERFTOP" run --batch -d 0.2 -- yes 2>"$tmp/pout.err"; echo $? >"$tmp/pout.rc"; } | head -n 2 >"$tmp/pout.out"
	else
		{ timeout 60 "$PERFTOP" record -o "$tmp/pout.ptsnap" -- yes 2>"$tmp/pout.err"; echo $? >"$tmp/pout.rc"; } | head -n 2 >"$tmp/pout.out"
	fi
	if [ "$(cat "$tmp/pout.rc")" = 141 ] && [ "$(grep -cx y "$tmp/pout.out")" = 2 ]; then
		pass "${sub}_downstream_closed_exits_141"
	else
		fail "${sub}_downstream_closed_exits_141" "rc $(cat "$tmp/pout.rc"): $(head -c 300 "$tmp/pout.err")"
	fi
done
# perftop's output gone while the command writes elsewhere: it runs to its end.
{ timeout 60 "$PERFTOP" run --batch -d 0.2 -- sh -c 'sleep 1; exit 3' 2>"$tmp/pout.err"; echo $? >"$tmp/pout.rc"; } | true
check run_batch_output_gone_still_gives_the_commands_status [ "$(cat "$tmp/pout.rc")" = 3 ]

# ---- started with SIGCHLD ignored (some runners do): the exit status is still the command's ----
if env --ignore-signal=CHLD true 2>/dev/null; then
	timeout 60 env --ignore-signal=CHLD "$PERFTOP" run --batch -d 0.2 -- sh -c 'exit 7' >/dev/null 2>"$tmp/chld.err"
	rc=$?
	check run_sigchld_ignored_exit_status_kept [ "$rc" = 7 ]
	timeout 60 env --ignore-signal=CHLD "$PERFTOP" record -o "$tmp/chld.ptsnap" -- sh -c 'exit 7' >/dev/null 2>"$tmp/chld.err"
	rc=$?
	check record_sigchld_ignored_exit_status_kept [ "$rc" = 7 ]
else
	skip sigchld_ignored_exit_status_kept "env has no --ignore-signal"
fi
