# tests/faults/crash.test.sh — a target that crashes (SIGSEGV) or is killed
# (SIGKILL) mid-stream under `perftop run --batch`: perftop says how it
# died, keeps everything its agent sent (its functions are in the last
# refresh) and exits by itself; the target inherits none of perftop's own
# descriptors. And perftop itself stopped by SIGTERM or SIGINT ends the
# command rather than orphaning it. (POSIX sh, tests/lib.sh; the model side, for processes perftop
# did not start, is in tests/unit/test_faults.c.)
. tests/lib.sh

for f in "$PERFTOP" "$WORKLOADS/faulty" "$BUILD/libperftop.so"; do
	if [ ! -e "$f" ]; then
		fail build "$f is missing"
		exit 0
	fi
done

T=$(mktemp -d)
TMPDIR=$T # perftop run's directory (the command's output) goes here
export TMPDIR
bg=""
cleanup() {
	for p in $bg; do
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# last_refresh FILE: the last refresh of a batch output (paragraph mode).
last_refresh() { awk 'BEGIN { RS = "" } { r = $0 } END { print r }' "$1"; }

# samples FILE: N of the last "Functions: N samples" line, 0 before one.
samples() {
	n=$(sed -n 's/^Functions: \([0-9]*\) samples.*/\1/p' "$1" 2>/dev/null | tail -n 1)
	echo "${n:-0}"
}

# between VALUE LO HI: LO <= VALUE <= HI (integers).
between() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# ---- SIGSEGV ------------------------------------------------------------------
timeout $((WAIT_S * 2)) "$PERFTOP" run --batch -d 0.5 -- "$WORKLOADS/faulty" segv 1 >"$T/segv.out" 2>"$T/segv.err"
rc=$?
check segv_perftop_exits_by_itself [ "$rc" -ne 124 ]
check segv_perftop_exit_status_139 [ "$rc" -eq 139 ] # 128 + SIGSEGV, as a shell gives
last_refresh "$T/segv.out" >"$T/segv.last"
check segv_marked_killed_by_sigsegv grep -q "killed by SIGSEGV" "$T/segv.last"
check segv_functions_kept grep -q "  faulty_burn_before  faulty  " "$T/segv.last"
n=$(samples "$T/segv.last")
# 1 s of CPU at 1000 Hz; only what the last flush would have sent may die
# with it (more of it when a busy machine lets the writer run late).
check segv_samples_kept between "$n" 500 1100
check segv_agent_disconnected grep -q "disconnected" "$T/segv.last"
check segv_quiet_stderr [ ! -s "$T/segv.err" ]

# ---- SIGKILL mid-stream ---------------------------------------------------------
"$PERFTOP" run --batch -d 0.5 -- "$WORKLOADS/faulty" burn 60 >"$T/kill.out" 2>"$T/kill.err" &
ptop=$!
bg="$ptop"
# has_samples FILE N: FILE's last refresh shows at least N samples.
has_samples() { [ "$(samples "$1")" -ge "$2" ]; }
# gone PID...: none of the processes runs.
gone() { ! kill -0 "$@" 2>/dev/null; }
wait_until "$WAIT_S" has_samples "$T/kill.out" 300
n=$(samples "$T/kill.out")
target=$(sed -n 's/^ *PID \([0-9]*\) .*/\1/p' "$T/kill.out" | head -n 1)
if [ "$n" -lt 300 ] || [ -z "$target" ] || [ ! -d "/proc/$target" ]; then
	fail kill_streams "no 300 samples from the target within $WAIT_S s: $(tail -n 3 "$T/kill.out")"
else
	pass kill_streams
	# perftop's own descriptors (its /proc readers, sockets, epoll) stay
	# with perftop: the target has only what perftop run gave it.
	leaked=$(ls -l "/proc/$target/fd" 2>/dev/null | grep -E -- '-> (/proc/|anon_inode:\[(eventpoll|timerfd|eventfd|pidfd)\])' | tr '\n' ' ')
	check kill_no_fd_inherited_from_perftop [ -z "$leaked" ]
	[ -n "$leaked" ] && echo "  inherited: $leaked"
	kill -9 "$target"
	wait_until "$WAIT_S" gone "$ptop"
	if kill -0 "$ptop" 2>/dev/null; then
		fail kill_perftop_exits_by_itself "still running $WAIT_S s after its command was killed"
	else
		wait "$ptop"
		rc=$?
		bg=""
		check kill_perftop_exit_status_137 [ "$rc" -eq 137 ] # 128 + SIGKILL
		last_refresh "$T/kill.out" >"$T/kill.last"
		check kill_marked_killed_by_sigkill grep -q "killed by SIGKILL" "$T/kill.last"
		check kill_functions_kept grep -q "  faulty_burn_before  faulty  " "$T/kill.last"
		m=$(samples "$T/kill.last")
		check kill_samples_kept [ "$m" -ge "$n" ]
		check kill_quiet_stderr [ ! -s "$T/kill.err" ]
	fi
fi

# ---- perftop itself stopped (SIGTERM, SIGINT) while the command streams ---------
# It leaves through its normal path: the signal is passed on to the command,
# which is ended, not orphaned, and perftop exits with its status (128 + N).
# The background job's SIGINT is ignored (POSIX sh), so the command does not
# take it: perftop ends it with SIGTERM itself, which is no failure (0).
for sig in TERM INT; do
	"$PERFTOP" run --batch -d 0.5 -- "$WORKLOADS/faulty" burn 60 >"$T/$sig.out" 2>"$T/$sig.err" &
	ptop=$!
	bg="$ptop"
	wait_until "$WAIT_S" has_samples "$T/$sig.out" 100
	target=$(sed -n 's/^ *PID \([0-9]*\) .*/\1/p' "$T/$sig.out" | head -n 1)
	if [ -z "$target" ]; then
		fail "sig${sig}_streams" "no samples within $WAIT_S s"
		continue
	fi
	kill -"$sig" "$ptop"
	both_gone() { gone "$ptop" && gone "$target"; }
	wait_until "$WAIT_S" both_gone
	if kill -0 "$target" 2>/dev/null; then
		fail "sig${sig}_command_ended" "the command still runs $WAIT_S s after perftop got SIG$sig"
		kill -9 "$target" 2>/dev/null
	else
		pass "sig${sig}_command_ended"
	fi
	if kill -0 "$ptop" 2>/dev/null; then
		fail "sig${sig}_perftop_left" "perftop still runs $WAIT_S s after SIG$sig"
	else
		wait "$ptop"
		rc=$?
		want=0
		[ "$sig" = TERM ] && want=143
		check "sig${sig}_perftop_exit_$want" [ "$rc" -eq "$want" ]
		check "sig${sig}_socket_removed" sh -c "! ls '$T'/perftop-run-*/perftop.sock 2>/dev/null"
	fi
	bg=""
	rm -rf "$T"/perftop-run-*
done
exit 0
