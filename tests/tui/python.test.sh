# tests/tui/python.test.sh — Python frames end to end on a real stream:
# pyfeed (tests/report/pyfeed.c) connects to perftop's socket as a Python
# program's agent would and sends mixed stacks (named Python frames between
# native frames named like CPython's eval loop and call helpers, and real
# work). Checked: `perftop --batch -p` lists the Python functions with their
# short module and definition line and leaves the interpreter's frames out
# (shown with --interp), with the hottest lines; then on a terminal (tmux):
# the Functions tab, `i` showing and hiding them in Functions and Tree, and
# `l` on a Python function (its lines, hottest first) and on a native one
# (no lines). (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh

FEED=$BUILD/helpers/pyfeed
for f in "$PERFTOP" "$FEED"; do
	if [ ! -x "$f" ]; then
		fail build "$f is missing"
		exit 0
	fi
done

T=$(mktemp -d)
feed_pid=
cleanup() {
	[ -n "$feed_pid" ] && kill "$feed_pid" 2>/dev/null
	command -v tmux >/dev/null 2>&1 && tui_stop_server
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
export PERFTOP_SOCKET="$T/s"

# feed_start: a new pyfeed in the background ($feed_pid), waiting for the socket.
feed_start() {
	[ -n "$feed_pid" ] && kill "$feed_pid" 2>/dev/null && wait "$feed_pid" 2>/dev/null
	PYFEED_HOLD_S=600 "$FEED" >"$T/feed.out" 2>&1 &
	feed_pid=$!
}

# batch_run OUT [OPTIONS...]: perftop --batch on pyfeed's pid until its
# samples are in (a refresh shows all 90), the last refresh kept in OUT.
batch_run() {
	_out=$1
	shift
	rm -f "$PERFTOP_SOCKET"
	feed_start
	"$PERFTOP" --batch -p "$feed_pid" -d 0.5 -n 8 "$@" >"$T/batch.all" 2>"$T/batch.err"
	awk '/^ PID /{n=0; delete a} {a[++n]=$0} END{for(i=1;i<=n;i++) print a[i]}' \
		"$T/batch.all" >"$_out"
}

# row OUT FUNCTION: the Functions row of FUNCTION (two-space separated fields).
row() { awk -v f="$2" -F '  +' '/^Functions/{on=1; next} /^[A-Z]/{on=0} on && $5 == f' "$1"; }

# ---- --batch ----------------------------------------------------------------------
batch_run "$T/hidden"
if grep -q "^Functions: 90 samples" "$T/hidden"; then
	pass batch_all_samples
else
	fail batch_all_samples "$(grep Functions "$T/hidden" || cat "$T/batch.err")"
fi
check batch_says_hidden grep -q "interpreter frames hidden (--interp shows them)" "$T/hidden"
r=$(row "$T/hidden" Parser.parse_line)
if echo "$r" | grep -Eq '^ +22\.22 +66\.67 +20 +Parser\.parse_line +app\.py +/tmp/pyfeed/app\.py:10$'; then
	pass batch_python_function_named
else
	fail batch_python_function_named "row: '$r'"
fi
r=$(row "$T/hidden" fib)
check batch_recursion_once sh -c "echo '$r' | grep -Eq '^ +11\.11 +11\.11 +10 +fib +app\.py'"
if [ "$(row "$T/hidden" '<lambda>' | wc -l)" -eq 2 ] &&
	row "$T/hidden" '<lambda>' | grep -q 'app.py:30$' &&
	row "$T/hidden" '<lambda>' | grep -q 'app.py:31$'; then
	pass batch_two_lambdas_apart
else
	fail batch_two_lambdas_apart "$(row "$T/hidden" '<lambda>')"
fi
if grep -Eq "_PyEval_EvalFrameDefault|_PyFunction_Vectorcall|Py_RunMain" "$T/hidden"; then
	fail batch_machinery_hidden "$(grep -E '_Py|Py_' "$T/hidden")"
else
	pass batch_machinery_hidden
fi
check batch_real_work_kept sh -c "grep -Eq '^ +44\.44 +44\.44 +40 +sre_ucs1_match' '$T/hidden'"
check batch_native_only_stack_kept sh -c "grep -Eq '^ +11\.11 +11\.11 +10 +deflate_work' '$T/hidden'"
check batch_line_self sh -c "grep -Eq '^ +22\.22 +22\.22 +20 +20 +Parser\.parse_line +/tmp/pyfeed/app\.py:12$' '$T/hidden'"
check batch_line_total sh -c "grep -Eq '^ +0\.00 +44\.44 +0 +40 +Parser\.parse_line +/tmp/pyfeed/app\.py:11$' '$T/hidden'"
check batch_line_recursion_once sh -c "grep -Eq '^ +0\.00 +11\.11 +0 +10 +fib +/tmp/pyfeed/app\.py:17$' '$T/hidden'"

batch_run "$T/shown" --interp
check batch_interp_says_shown grep -q "interpreter frames shown" "$T/shown"
r=$(row "$T/shown" _PyEval_EvalFrameDefault)
if echo "$r" | grep -Eq '^ +44\.44 +88\.89 +40 +_PyEval_EvalFrameDefault +pyfeed'; then
	pass batch_interp_shows_eval_loop
else
	fail batch_interp_shows_eval_loop "row: '$r'"
fi
check batch_interp_parse_has_no_self sh -c "echo '$(row "$T/shown" Parser.parse_line)' | grep -Eq '^ +0\.00 +66\.67 +0 '"
check batch_interp_same_lines sh -c "grep -Eq '^ +22\.22 +22\.22 +20 +20 +Parser\.parse_line' '$T/shown'"

# ---- the screen -------------------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
	skip screen "tmux is not installed (make test installs it)"
	exit 0
fi
if ! tui_start_server; then
	fail tmux "cannot start a tmux server"
	exit 0
fi
rm -f "$PERFTOP_SOCKET"
feed_start
tm_start "PERFTOP_SOCKET='$PERFTOP_SOCKET' '$PERFTOP' -p $feed_pid"
# the whole run (w: all time), whatever the clock did meanwhile
if tm_wait_for "Parser\.parse_line" 30; then
	pass screen_python_function
else
	fail screen_python_function "$(tm_screen | tail -n 25)"
	exit 0
fi
tm send-keys -t t w w
tm_wait_for "all time" 10
check screen_says_hidden tm_wait_for "interp hidden" 10
if tm_screen | grep -Eq "_PyEval_EvalFrameDefault|_PyFunction_Vectorcall"; then
	fail screen_machinery_hidden "$(tm_screen | tail -n 25)"
else
	pass screen_machinery_hidden
fi
check screen_module_and_line sh -c "tm_screen() { tmux -L '$TMUX_SOCK' capture-pane -p -t t; }; tm_screen | grep -Eq '^ +22\.2 +66\.7 +20 Parser\.parse_line +app\.py +app\.py:10'"
tm send-keys -t t i
check screen_i_shows tm_wait_for "^ +44\.4 +88\.9 +40 _PyEval_EvalFrameDefault" 10
check screen_i_says_shown tm_wait_for "interp shown" 10
tm send-keys -t t 2 E
check screen_tree_shown tm_wait_for "▾ _PyFunction_Vectorcall" 10
# hidden again: what was open stays open, the same paths without the
# interpreter's frames
tm send-keys -t t i
check screen_tree_hidden_again tm_wait_for "▾ run_app" 10
check screen_tree_open_carried tm_wait_for "▾ Parser\.parse_line" 10
if tm_screen | grep -Eq "_PyEval_EvalFrameDefault|_PyFunction_Vectorcall|Py_RunMain"; then
	fail screen_tree_machinery_gone "$(tm_screen | tail -n 25)"
else
	pass screen_tree_machinery_gone
fi
# main › <module> › run_app › Parser.parse_line › sre_ucs1_match, nested
check screen_tree_python_parents tm_wait_for "^ +44\.4 +44\.4 +40 +sre_ucs1_match" 10
tm send-keys -t t 1 / p a r s e _ l i n e Enter l
check screen_lines_title tm_wait_for "Parser\.parse_line  app\.py  defined at /tmp/pyfeed/app\.py:10" 10
check screen_lines_count tm_wait_for "2 lines, % of the function's 60 samples" 10
# hottest first: line 11 (40 samples, all in real work it called), then 12
check screen_lines_hottest sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t t | grep -A2 'SELF  SELF%' | sed -n 2p | grep -Eq '^ +0 +0\.0% +40 +66\.7% +/tmp/pyfeed/app\.py:11$'"
check screen_lines_self tm_wait_for "^ +20 +33\.3% +20 +33\.3% +/tmp/pyfeed/app\.py:12$" 10
tm send-keys -t t Escape / s r e _ Enter l
check screen_native_no_lines tm_wait_for "no lines: a native function" 10
