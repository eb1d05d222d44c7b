# tests/faults/sockdir.test.sh — the agents' socket in a place someone else
# controls. A symlink, a directory owned by another user or open to others,
# or a file that is not a socket where the socket's directory or the socket
# should be, or a socket path too long for a Unix socket (a long
# XDG_RUNTIME_DIR): perftop refuses to listen there, says why and how to fix
# it on its status line (the log) and again on stderr when it quits (with
# --batch, on stderr at once), and still shows the process list; it creates
# nothing there.
# Another user's agent, given a way in, is refused and logged, perftop stays
# up and our own agents still connect. (POSIX sh; the peer check needs root
# and setpriv, else it is skipped.)
. tests/lib.sh
. tests/tui/lib.sh

if ! command -v tmux >/dev/null 2>&1; then
	skip sockdir "tmux is not installed (make test installs it)"
	exit 0
fi
for f in "$PERFTOP" "$WORKLOADS/faulty" "$BUILD/libperftop.so"; do
	if [ ! -e "$f" ]; then
		fail build "$f is missing"
		exit 0
	fi
done

LC_ALL=C.UTF-8
export LC_ALL
T=$(mktemp -d)
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
if ! tui_start_server; then
	fail tmux "cannot start a tmux server"
	exit 0
fi
me=$(id -u)

# refuses NAME PATTERN ENV...: perftop started with ENV (a socket location)
# shows PATTERN on its status line, still shows the list, and quits on q.
refuses() {
	rn=$1 rpat=$2
	shift 2
	printf '%s\n' "exec env -u PERFTOP_SOCKET -u XDG_RUNTIME_DIR $* '$PERFTOP' -d 0.5 2>'$T/err'" >"$T/run.sh"
	tm_start "sh '$T/run.sh'"
	if ! tm_wait_for 'PID +USER' 10; then
		fail "${rn}_list_runs" "$(tm_screen | head -n 3 | tr '\n' '|') $(cat "$T/err")"
		return
	fi
	pass "${rn}_list_runs"
	check "${rn}_says_why" tm_wait_for "$rpat" 5
	tm send-keys -t t q
	check "${rn}_quits" tm_wait_gone 5
	if [ "$(wc -l <"$T/err")" -eq 1 ] && grep -Eq "^perftop: .*$rpat.*: .*PERFTOP_SOCKET" "$T/err"; then
		pass "${rn}_stderr_says_why_and_the_fix"
	else
		fail "${rn}_stderr_says_why_and_the_fix" "$(cat "$T/err")"
	fi
}

# refuses_batch NAME PATTERN ENV...: the same with --batch: the reason and
# the fix on stderr, the list on stdout, exit 0.
refuses_batch() {
	rn=$1 pat=$2
	shift 2
	env -u PERFTOP_SOCKET -u XDG_RUNTIME_DIR "$@" timeout 20 "$PERFTOP" --batch -n 1 -d 0.2 \
		>"$T/bout" 2>"$T/berr"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "PID  *USER" "$T/bout" &&
		grep -Eq "^perftop: no agents can connect: .*$pat.*PERFTOP_SOCKET" "$T/berr"; then
		pass "${rn}_batch_says_why"
	else
		fail "${rn}_batch_says_why" "exit $rc: $(cat "$T/berr")"
	fi
}

# ---- refused places ------------------------------------------------------------
mkdir -m 700 "$T/elsewhere" "$T/xdg1"
ln -s "$T/elsewhere" "$T/xdg1/perftop"
refuses xdg_symlink "no agents can connect: socket directory '$T/xdg1/perftop' is a symlink; refusing it" \
	"XDG_RUNTIME_DIR=$T/xdg1"
check xdg_symlink_nothing_created [ -z "$(ls -A "$T/elsewhere")" ]

mkdir -m 700 "$T/xdg2" "$T/xdg2/perftop"
if [ "$me" -eq 0 ] && chown nobody "$T/xdg2/perftop" 2>/dev/null; then
	refuses xdg_other_owner "socket directory '$T/xdg2/perftop' is owned by uid [0-9]+, not 0; refusing it" \
		"XDG_RUNTIME_DIR=$T/xdg2"
	check xdg_other_owner_nothing_created [ -z "$(ls -A "$T/xdg2/perftop")" ]
else
	skip xdg_other_owner "needs root to give a directory to nobody"
fi

mkdir -m 777 "$T/open"
chmod 777 "$T/open" # whatever the umask
refuses open_dir "socket directory '$T/open' is open to other users \\(mode 777\\)" \
	"PERFTOP_SOCKET=$T/open/perftop.sock"
check open_dir_nothing_created [ ! -e "$T/open/perftop.sock" ]

# 0755: others may read and enter it; the socket directory must be 0700.
mkdir -m 700 "$T/xdg3"
mkdir -m 755 "$T/xdg3/perftop"
chmod 755 "$T/xdg3/perftop"
refuses dir_0755 "socket directory '$T/xdg3/perftop' is open to other users \\(mode 755\\)" \
	"XDG_RUNTIME_DIR=$T/xdg3"
refuses_batch dir_0755 "socket directory '$T/xdg3/perftop' is open to other users \\(mode 755\\): make it private with chmod 700" \
	"XDG_RUNTIME_DIR=$T/xdg3"
check dir_0755_nothing_created [ -z "$(ls -A "$T/xdg3/perftop")" ]

# A 200-character XDG_RUNTIME_DIR: the socket path cannot fit in sun_path.
long=$T/$(printf '%0200d' 0 | tr 0 x)
mkdir -m 700 "$long"
refuses_batch long_xdg "the socket path '$long/perftop/perftop.sock' \\(from XDG_RUNTIME_DIR\\) is [0-9]+ bytes, over the 107" \
	"XDG_RUNTIME_DIR=$long"
printf '%s\n' "exec env -u PERFTOP_SOCKET XDG_RUNTIME_DIR='$long' '$PERFTOP' -d 0.5 2>'$T/err'" >"$T/run.sh"
tm_start "sh '$T/run.sh'"
if tm_wait_for 'PID +USER' 10 && tm_wait_for "no agents can connect: the socket path" 5; then
	pass long_xdg_status_line
else
	fail long_xdg_status_line "$(tm_screen | tail -n 2)"
fi
tm send-keys -t t q
tm_wait_gone 5
if grep -q "the socket path '$long/perftop/perftop.sock' (from XDG_RUNTIME_DIR) is [0-9]* bytes.*set PERFTOP_SOCKET to a shorter path" "$T/err"; then
	pass long_xdg_stderr_names_path_and_fix
else
	fail long_xdg_stderr_names_path_and_fix "$(cat "$T/err")"
fi
check long_xdg_nothing_created [ -z "$(ls -A "$long")" ]

mkdir -m 700 "$T/file"
echo data >"$T/file/perftop.sock"
refuses not_a_socket "'$T/file/perftop.sock' exists and is not a socket" \
	"PERFTOP_SOCKET=$T/file/perftop.sock"
check not_a_socket_file_kept [ "$(cat "$T/file/perftop.sock")" = data ]

# ---- another user's agent -------------------------------------------------------------
if [ "$me" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	skip other_user_peer "needs root and setpriv to run an agent as nobody"
	exit 0
fi
S=$T/sock/perftop.sock
printf '%s\n' "echo \$\$ >'$T/pid'; PERFTOP_SOCKET='$S' exec '$PERFTOP' -d 0.5 2>'$T/err'" >"$T/run.sh"
tm_start "sh '$T/run.sh'"
wait_until "$WAIT_S" test -S "$S"
if [ ! -S "$S" ]; then
	fail peer_listens "no socket within $WAIT_S s: $(cat "$T/err")"
	exit 0
fi
ptop=$(cat "$T/pid")
# For this test only, a way in for nobody: the path, the socket, and copies
# of the program and the agent it can read.
chmod 711 "$T" "$T/sock"
chmod 666 "$S"
mkdir -m 755 "$T/bin"
cp "$WORKLOADS/faulty" "$BUILD/libperftop.so" "$T/bin/"
chmod 755 "$T/bin/faulty" "$T/bin/libperftop.so"
# Each agent is held until the check on it is done ($T/release.*), so it
# connects however late a busy machine lets it.
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	env PERFTOP_SOCKET="$S" LD_PRELOAD="$T/bin/libperftop.so" PERFTOP_QUIET=1 \
	"$T/bin/faulty" hold 600 "$T/release.nobody" >"$T/nobody.out" 2>&1 &
bg=$!
check peer_refused_and_logged tm_wait_for "refused an agent of uid [0-9]+ \\(pid [0-9]+\\): not our user" "$WAIT_S"
touch "$T/release.nobody"
wait "$bg"
check peer_target_unharmed grep -qx "faulty hold done" "$T/nobody.out"
check peer_perftop_up kill -0 "$ptop"
# Our own agent still gets in: a second connection next to the listener.
PERFTOP_SOCKET="$S" LD_PRELOAD="$BUILD/libperftop.so" PERFTOP_QUIET=1 \
	"$WORKLOADS/faulty" hold 600 "$T/release.own" >/dev/null 2>&1 &
bg=$!
two_sockets() { [ "$(ls -l "/proc/$ptop/fd" 2>/dev/null | grep -c 'socket:')" -ge 2 ]; }
check peer_own_agent_connects wait_until "$WAIT_S" two_sockets
touch "$T/release.own"
wait "$bg"
bg=""
tm send-keys -t t q
check peer_quits tm_wait_gone 5
check peer_quiet_stderr [ ! -s "$T/err" ]
exit 0
