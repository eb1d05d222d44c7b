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

# tm_wait_for PATTERN [SECONDS]: polls the pane until grep -E finds PATTERN.
tm_wait_for() {
	pat=$1
	limit=${2:-10}
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
