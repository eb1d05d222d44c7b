# tests/lib.sh — helpers for the shell suites (sourced, POSIX sh).
# Report each check with pass/fail/skip; tests/run.sh counts the lines.
# Every suite gets $BUILD (default build) and $PERFTOP (the binary).
BUILD=${BUILD:-build}
PERFTOP=${PERFTOP:-$BUILD/perftop}
WORKLOADS=$BUILD/workloads

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }

# check NAME CONDITION-COMMAND... — pass when the command succeeds.
check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "$*"; fi
}

# A private tmux server per suite, so tests never touch the user's sessions.
TMUX_SOCK=perftop-test-$$
tm() { tmux -L "$TMUX_SOCK" "$@"; }
tm_kill() { tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true; }

# Tests never judge time: a wait is for an event, and it gives the event at
# least WAIT_S seconds (30; 90 in a sanitizer build, SAN=1) whatever shorter
# figure a caller names, so a loaded machine is slow, never wrong. A wait
# returns as soon as its event is seen: the deadline costs only a failure.
WAIT_S=${WAIT_S:-30}
[ "${SAN:-0}" = 1 ] && WAIT_S=$((WAIT_S * 3))
# deadline SECONDS: SECONDS (a whole number) raised to WAIT_S.
deadline() { if [ "${1:-0}" -gt "$WAIT_S" ]; then echo "$1"; else echo "$WAIT_S"; fi; }

# wait_until SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds;
# false when it has not within deadline SECONDS.
wait_until() {
	_wu_n=$(($(deadline "$1") * 10))
	shift
	until "$@"; do
		[ "$_wu_n" -le 0 ] && return 1
		sleep 0.1
		_wu_n=$((_wu_n - 1))
	done
}

# tm_wait_for PATTERN [SECONDS]: polls the pane until grep -E finds PATTERN
# (deadline SECONDS).
tm_wait_for() {
	pat=$1
	limit=$(deadline "${2:-10}")
	i=0
	while [ "$i" -lt $((limit * 10)) ]; do
		if tm capture-pane -p -t t 2>/dev/null | grep -Eq -- "$pat"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
tm_screen() { tm capture-pane -p -t t; }

# sink_run SOCK OUT [OPTIONS...]: the agents' test sink ($BUILD/tests/agent-sink,
# a stand-in for perftop's socket) in the background on SOCK ($sink_pid), its
# report in OUT and OUT.err; waits (WAIT_S) for its socket. sink_end stops it
# (SIGTERM), which makes it write its report.
sink_run() {
	_sr_sock=$1 _sr_out=$2
	shift 2
	rm -f "$_sr_sock"
	"$BUILD/tests/agent-sink" "$_sr_sock" "$@" >"$_sr_out" 2>"$_sr_out.err" &
	sink_pid=$!
	wait_until "$WAIT_S" test -S "$_sr_sock"
}
sink_end() {
	kill -TERM "$sink_pid" 2>/dev/null
	wait "$sink_pid" 2>/dev/null
}
