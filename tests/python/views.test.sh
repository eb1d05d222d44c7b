#!/bin/sh
# views.test.sh — Python functions in perftop's live views on a real
# terminal (a private tmux server): `perftop run -- python3
# tests/workloads/py_recurse.py` (a recursion 40 deep whose leaf is
# burn_leaf) shows burn_leaf with its file in Functions; Tree, searched for
# burn_leaf, opens the way through descend; Callers of burn_leaf names
# descend; Flame draws descend and burn_leaf; l on burn_leaf in Functions
# shows its lines, hottest first: the line marked "hot". Debian's python3 (the other
# versions are judged on the same frames by frames.test.sh). (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh

if [ ! -f "$BUILD/libperftop.so" ]; then
	fail python_views "the agent $BUILD/libperftop.so is not built (make)"
	exit 0
fi
tui_suite python_views || exit 0
if [ ! -x /usr/bin/python3 ]; then
	fail python_views "Debian's python3 is not installed (apt-get install python3)"
	exit 0
fi
WL=$PWD/tests/workloads/py_recurse.py
PERFTOP_ABS=$(cd "$(dirname "$PERFTOP")" && pwd)/$(basename "$PERFTOP")
PERFTOP_SOCKET=$T/perftop.sock
export PERFTOP_SOCKET

# keys KEY...: sends the keys and lets the screen settle.
keys() {
	tm send-keys -t t "$@"
	_prev="" _i=0
	while [ $_i -lt 30 ]; do
		sleep 0.1
		_now=$(tm_screen)
		[ -n "$_prev" ] && [ "$_now" = "$_prev" ] && return 0
		_prev=$_now
		_i=$((_i + 1))
	done
}
# expect NAME PATTERN: PATTERN (grep -E) on the screen within WAIT_S.
expect() {
	if wait_until "$WAIT_S" sh -c 'tmux -L "$1" capture-pane -p -t t | grep -Eq -- "$2"' - "$TMUX_SOCK" "$2"; then
		pass "python views: $1"
	else
		fail "python views: $1" "no '$2' on the screen: $(tm_screen | tr '\n' '|' | cut -c1-600)"
	fi
}

# A larger scale keeps it running while the keys are sent; the screen
# stays on the profile once it has exited.
tm_start "cd '$T' && TZ=UTC LC_ALL=C.UTF-8 '$PERFTOP_ABS' run -- /usr/bin/python3 '$WL' 8; sleep 120"
expect "Functions lists burn_leaf with py_recurse.py" "burn_leaf .*py_recurse\.py"
keys 2
keys / b u r n _ l e a f Enter
expect "Tree: the way to burn_leaf through descend" "descend"
expect "Tree: burn_leaf found" "burn_leaf"
keys 3
keys / b u r n _ l e a f Enter Right
expect "Callers: burn_leaf opened" "▾ burn_leaf"
expect "Callers: descend calls burn_leaf" "▸ descend|▾ descend"
keys 4
expect "Flame draws descend" "descend"
expect "Flame draws burn_leaf" "burn_leaf"
# l on burn_leaf in Functions: its lines, hottest first; the first is the
# line marked "hot: burn_leaf".
keys 1
keys / b u r n _ l e a f Enter l
def=$(grep -n "^def burn_leaf(" "$WL" | cut -d: -f1)
hot=$(grep -n "# hot: burn_leaf\$" "$WL" | cut -d: -f1)
expect "l: burn_leaf defined at py_recurse.py:$def" "burn_leaf .*defined at .*py_recurse\.py:$def\$"
first=$(tm_screen | grep -A1 'FILE:LINE' | tail -n 1)
case $first in
*py_recurse.py:"$hot") pass "python views: l: burn_leaf's hottest line is its hot line $hot" ;;
*) fail "python views: l: burn_leaf's hottest line is its hot line $hot" "first row: '$first'" ;;
esac
[ -n "${VIEWS_SHOW:-}" ] && tm_screen
tm kill-session -t t 2>/dev/null
