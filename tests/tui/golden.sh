# tests/tui/golden.sh — golden screens for the TUI suites (sourced after
# tests/lib.sh and tests/tui/lib.sh, POSIX sh).
#
# A golden screen is what `tmux capture-pane -p` shows, saved under
# tests/tui/golden/NAME.txt. The screens come from `perftop open` of the
# snapshot $BUILD/helpers/mksnap writes, so they hold nothing that changes
# from run to run (TZ=UTC, LC_ALL=C.UTF-8). When a change to a view is
# meant, regenerate with GOLDEN_UPDATE=1 and review the diff like code.

GOLDEN_DIR=tests/tui/golden

# golden_open SNAPSHOT WIDTH HEIGHT [ARGS...]: (re)starts session t at that
# size on `perftop open SNAPSHOT ARGS`, and waits for its first frame.
golden_open() {
	_snap=$1 _w=$2 _h=$3
	shift 3
	tm kill-session -t t 2>/dev/null
	tm new-session -d -s t -x "$_w" -y "$_h" \
		"TZ=UTC LC_ALL=C.UTF-8 $PERFTOP open $_snap $*; sleep 30"
	tm_wait_for "PID" 5 >/dev/null
}

# golden_keys KEY...: sends tmux key names, then waits until the screen has
# not changed for 0.2 s (at most 3 s).
golden_keys() {
	tm send-keys -t t "$@"
	golden_settle
}

golden_settle() {
	_prev="" _i=0
	while [ $_i -lt 30 ]; do
		sleep 0.1
		_now=$(tm_screen)
		[ -n "$_prev" ] && [ "$_now" = "$_prev" ] && return 0
		_prev=$_now
		_i=$((_i + 1))
	done
}

# golden_check NAME: compares the screen with $GOLDEN_DIR/NAME.txt (PASS or
# FAIL with the first differing lines). GOLDEN_UPDATE=1 writes it instead.
golden_check() {
	_file=$GOLDEN_DIR/$1.txt
	_got=$(mktemp)
	tm_screen >"$_got"
	if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
		mkdir -p "$GOLDEN_DIR"
		cp "$_got" "$_file"
		pass "golden $1 (written)"
	elif [ ! -f "$_file" ]; then
		fail "golden $1" "no $_file (GOLDEN_UPDATE=1 writes it)"
	elif golden_same "$_file" "$_got"; then
		pass "golden $1"
	else
		diff -u "$_file" "$_got" >"$_got.diff"
		fail "golden $1" "screen differs after $WAIT_S s: $(head -n 20 "$_got.diff" | tr '\n' '|')"
	fi
	rm -f "$_got" "$_got.diff"
}

# golden_suite NAME [FILE...]: tui_suite (tests/tui/lib.sh) with mksnap
# ($MKSNAP) among the files it needs.
golden_suite() {
	MKSNAP=$BUILD/helpers/mksnap
	_name=$1
	shift
	tui_suite "$_name" "$MKSNAP" "$@"
}

# golden_snapshot: writes $T/demo.ptsnap with mksnap; fails and returns
# non-zero when it cannot.
golden_snapshot() {
	if ! "$MKSNAP" "$T/demo.ptsnap" >"$T/mksnap.log" 2>&1; then
		fail mksnap "$(cat "$T/mksnap.log")"
		return 1
	fi
}

# A key's effect shows once perftop has read it, later on a loaded machine:
# these checks wait for what they expect (the deadline of tests/lib.sh).
screen_shows() { tm_screen | grep -Eq -- "$1"; }
screen_lacks() { ! tm_screen | grep -Eq -- "$1"; }
# golden_same FILE OUT: waits until the screen (written to OUT) is FILE.
golden_same() { wait_until "$WAIT_S" golden__same "$1" "$2"; }
golden__same() { tm_screen >"$2" && cmp -s "$1" "$2"; }

# expect_screen NAME PATTERN: the screen comes to show PATTERN (grep -E).
expect_screen() {
	if wait_until "$WAIT_S" screen_shows "$2"; then
		pass "$1"
	else
		fail "$1" "no '$2' on the screen within $WAIT_S s: $(tm_screen | tr '\n' '|')"
	fi
}

# no_screen NAME PATTERN: the screen comes not to show PATTERN.
no_screen() {
	if wait_until "$WAIT_S" screen_lacks "$2"; then
		pass "$1"
	else
		fail "$1" "'$2' still on the screen after $WAIT_S s: $(tm_screen | tr '\n' '|')"
	fi
}
