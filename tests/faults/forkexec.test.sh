# tests/faults/forkexec.test.sh — a target that forks 100 children that
# each exit at the same moment (every child's agent connects, then goes),
# and one that execs a new program: under `perftop run --batch` the parent's
# profile holds the work before and after; the live list (perftop --batch)
# with rounds of 100 forks stays up, its descriptors and memory come back
# to where they were, and it exits cleanly (under ASan, PERFTOP from a
# SAN=1 build, that includes no leak or error report). (POSIX sh.)
. tests/lib.sh

for f in "$PERFTOP" "$WORKLOADS/faulty" "$BUILD/libperftop.so"; do
	if [ ! -e "$f" ]; then
		fail build "$f is missing"
		exit 0
	fi
done

T=$(mktemp -d)
TMPDIR=$T
export TMPDIR
ptop=""
cleanup() {
	[ -n "$ptop" ] && kill -9 "$ptop" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

last_refresh() { awk 'BEGIN { RS = "" } { r = $0 } END { print r }' "$1"; }

# ---- perftop run: fork 100, exec ------------------------------------------------
timeout $((WAIT_S * 2)) "$PERFTOP" run --batch -d 0.5 -- "$WORKLOADS/faulty" fork 100 2 >"$T/fork.out" 2>"$T/fork.err"
check run_fork_exit_0 [ $? -eq 0 ]
last_refresh "$T/fork.out" >"$T/fork.last"
check run_fork_exited_0 grep -q "exited with status 0" "$T/fork.last"
check run_fork_before_kept grep -q "  faulty_burn_before  faulty  " "$T/fork.last"
check run_fork_after_kept grep -q "  faulty_burn_after  faulty  " "$T/fork.last"
check run_fork_target_output grep -qx "faulty forked 100, reaped 100" "$T/fork.out"
check run_fork_quiet_stderr [ ! -s "$T/fork.err" ]
rm -rf "$T"/perftop-run-*

timeout $((WAIT_S * 2)) "$PERFTOP" run --batch -d 0.5 -- "$WORKLOADS/faulty" exec 2 >"$T/exec.out" 2>"$T/exec.err"
check run_exec_exit_0 [ $? -eq 0 ]
last_refresh "$T/exec.out" >"$T/exec.last"
check run_exec_exited_0 grep -q "exited with status 0" "$T/exec.last"
check run_exec_first_image_kept grep -q "  faulty_burn_before  faulty  " "$T/exec.last"
check run_exec_second_image_profiled grep -q "  faulty_burn_after  faulty  " "$T/exec.last"
check run_exec_target_output grep -qx "faulty exec done" "$T/exec.out"
rm -rf "$T"/perftop-run-*

# ---- the live list under rounds of 100 forks ------------------------------------
# fds PID: the fewest descriptors PID holds over ten looks 0.1 s apart, so
# a /proc file open for a scan or an agent still saying goodbye at the
# moment of one look is not counted; one that stays is. The symbolizer's
# open modules (files outside /proc) are not counted: which modules a round's
# samples land in varies, and they are bounded by the distinct modules
# (dup_files checks that none is open twice).
fds() {
	_min=999 _k=0
	while [ $_k -lt 10 ]; do
		_n=$(ls -l "/proc/$1/fd" 2>/dev/null | grep -- ' -> ' | grep -cv -- ' -> /[^p]')
		[ "$_n" -lt "$_min" ] && _min=$_n
		_k=$((_k + 1))
		sleep 0.1
	done
	echo "$_min"
}
# dup_files PID: the files outside /proc and /dev that PID has open more
# than once.
dup_files() {
	ls -l "/proc/$1/fd" 2>/dev/null | sed -n 's/.* -> \(\/[^p].*\)$/\1/p' |
		grep -v '^/dev/' | sort | uniq -d
}
rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null; }

# round N: one target forking 100 children with the agent, to completion.
round() {
	PERFTOP_SOCKET=$T/perftop.sock PERFTOP_QUIET=1 LD_PRELOAD=$BUILD/libperftop.so \
		timeout $((WAIT_S * 2)) "$WORKLOADS/faulty" fork 100 0.4 >"$T/round$1.out" 2>&1
	r=$?
	[ "$r" -eq 0 ] || echo "round $1 exited $r"
}

PERFTOP_SOCKET=$T/perftop.sock "$PERFTOP" --batch -n 100000 -d 0.25 >/dev/null 2>"$T/list.err" &
ptop=$!
wait_until "$WAIT_S" test -S "$T/perftop.sock"
if [ ! -S "$T/perftop.sock" ]; then
	fail list_listens "no socket within $WAIT_S s: $(cat "$T/list.err")"
	exit 0
fi
# sockets: perftop's sockets; settled: no agent's connection left (the
# last children's agents have said goodbye, however late a busy machine
# lets them).
sockets() { ls -l "/proc/$ptop/fd" 2>/dev/null | grep -c 'socket:'; }
socks0=$(sockets)
settled() { [ "$(sockets)" -le "$socks0" ]; }
# A first round opens what stays open (the symbolizer's modules) and grows
# the tables; later rounds must not add to it.
round 1
wait_until "$WAIT_S" settled
sleep 1 # a tick marks them exited
fd0=$(fds "$ptop") rss0=$(rss "$ptop")
for n in 2 3 4; do
	round "$n"
done
wait_until "$WAIT_S" settled
sleep 1 # a tick marks them exited
# What stays: waited for until it is back to fd0 (a /proc reader or a
# goodbye of the moment passes), then judged.
fds_back() { [ "$(fds "$ptop")" -le "${fd0:-0}" ]; }
wait_until "$WAIT_S" fds_back
fd1=$(fds "$ptop") rss1=$(rss "$ptop")
echo "  list perftop: fds $fd0 -> $fd1, RSS $rss0 -> $rss1 KiB over 300 forked agents"
check list_survives kill -0 "$ptop"
check list_targets_ok sh -c "! grep -v '^faulty forked 100, reaped 100\$' '$T'/round*.out"
check list_no_fd_growth [ "${fd1:-999}" -le "${fd0:-0}" ]
check list_no_module_open_twice [ -z "$(dup_files "$ptop")" ]
[ "${fd1:-999}" -le "${fd0:-0}" ] || ls -l "/proc/$ptop/fd" | sed 's/^/  fd: /'

# Each exited agent's process stays listed with its profile; 300 of them
# may cost a little, never megabytes each.
if grep -q __asan_init "$PERFTOP" 2>/dev/null; then
	skip list_rss_bounded "ASan keeps freed memory in quarantine: RSS says nothing"
else
	check list_rss_bounded [ "$((${rss1:-999999} - ${rss0:-0}))" -le 8192 ]
fi
kill -TERM "$ptop"
ptop_gone() { ! kill -0 "$ptop" 2>/dev/null; }
wait_until "$WAIT_S" ptop_gone
if kill -0 "$ptop" 2>/dev/null; then
	fail list_exits_on_sigterm "still running $WAIT_S s after SIGTERM"
else
	wait "$ptop"
	rc=$?
	ptop=""
	check list_exit_0 [ "$rc" -eq 0 ]
	check list_clean_stderr [ ! -s "$T/list.err" ]
	[ -s "$T/list.err" ] && head -n 20 "$T/list.err"
	check list_socket_removed [ ! -e "$T/perftop.sock" ]
fi
exit 0
