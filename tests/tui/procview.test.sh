# tests/tui/procview.test.sh — perftop on a real terminal, through a private
# tmux server (120x40): the process list and the process view next to the
# cpuburn workload (half of one core, RSS grown in known steps on signal),
# help, resizing, and leaving the terminal as it was on q, Ctrl-C, SIGTERM
# and on colourless, 8-colour and cursor-less terminals. (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh

if ! command -v tmux >/dev/null 2>&1; then
	skip tui "tmux is not installed (make test installs it)"
	exit 0
fi
for f in "$PERFTOP" "$WORKLOADS/cpuburn"; do
	if [ ! -x "$f" ]; then
		fail build "$f is missing"
		exit 0
	fi
done

# Braille charts need a UTF-8 locale; C.UTF-8 is always there on Debian.
LC_ALL=C.UTF-8
export LC_ALL
T=$(mktemp -d)
workloads=""
cleanup() {
	for w in $workloads; do
		kill "$w" 2>/dev/null
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

# expect NAME VALUE LO HI [WHAT]: VALUE within [LO, HI].
expect() {
	if within "$2" "$3" "$4"; then
		pass "$1"
	else
		fail "$1" "${5:-value} is '$2', expected $3..$4"
	fi
}

# cpu_checks NAME VALUE WHAT: a CPU figure of the workload is a share of
# one core: above 0 (it burns) and at most 100 (it is one thread). How close
# it comes to the 50 % it asks for depends on how busy the machine is, so no
# test judges that (the arithmetic is tests/unit/test_cpu.c's).
cpu_checks() {
	if within "$2" 0.1 100; then
		pass "${1}_cpu_share_of_one_core"
	else
		fail "${1}_cpu_share_of_one_core" "$3 is '$2', expected above 0, at most 100 (the workload has used $(cpu_share "$cb")% of a core)"
	fi
}
# field LINE WORD: the word after WORD in LINE ("CPU now 50.3%" now -> 50.3%).
field() { echo "$1" | awk -v w="$2" '{ for (i = 1; i < NF; i++) if ($i == w) { print $(i + 1); exit } }'; }
# field2 LINE WORD: the two words after WORD ("RSS now 49.5 MiB" now -> 49.5 MiB).
field2() {
	echo "$1" | awk -v w="$2" '{ for (i = 1; i < NF - 1; i++) if ($i == w) { print $(i + 1), $(i + 2); exit } }'
}
# row PID: the process list's row of PID.
row() { tm_screen | awk -v p="$1" '$1 == p'; }
last_line() { tm_screen | tail -n 1; }
footer_is() { last_line | grep -Eq -- "$1"; }
# screen_has PATTERN...: every pattern is on the screen.
screen_has() {
	tm_screen >"$T/screen"
	for p in "$@"; do
		grep -Eq -- "$p" "$T/screen" || return 1
	done
}
not() { ! "$@"; }
samples_in_row() { [ "$(row "$1" | LC_ALL=C grep -o "$BLOCKS" | wc -l)" -ge "$2" ]; }

# ---- 1. the list shows the workload, with its CPU share --------------------
# perftop first, filtered, so the view opens quickly after the workload
# starts: before its last RSS step (steps at 1, 2 and 3 s).
tm_start "PERFTOP_ATTACH=0 $PERFTOP -d 0.5"
check list_shown tm_wait_for 'PID USER +.CPU% +RSS +THR S HISTORY .*COMMAND' 5
tm send-keys -t t /cpuburn Enter
check list_filter_shown wait_until 3 footer_is "filter 'cpuburn'"
"$WORKLOADS/cpuburn" -l 50 -r 16 -g -n 3 -t 600 >"$T/cb.out" 2>&1 &
cb=$!
workloads=$cb
wait_file "$T/cb.out" 5
check workload_started grep -qx "cpuburn pid=$cb" "$T/cb.out"
base=$(vmrss "$cb") # before its first step (SIGUSR1, below)
want=$((base + 48 * 1024))
if tm_wait_for "^ +$cb +[^ ]+ +[0-9.]+ +[0-9.]+[KMG] +1 [RS] .*cpuburn" 5; then
	pass list_shows_workload
else
	fail list_shows_workload "no row for pid $cb: $(tm_screen | sed -n '4,6p' | tr '\n' '|')"
fi
# Three samples in its sparkline: at least two CPU deltas behind the figure.
wait_until 4 samples_in_row "$cb" 3
cpu_checks list "$(row "$cb" | awk '{ print $3 }')" "CPU% column"

# ---- 2. Enter opens its view: charts and figures ---------------------------
# Other cpuburns (other suites) may match the filter: select ours.
n=$(tm_screen | awk -v p="$cb" 'f && $1 == p { print n + 0; exit } f { n++ } /PID USER/ { f = 1 }')
while [ "${n:-0}" -gt 0 ]; do
	tm send-keys -t t Down
	n=$((n - 1))
done
tm send-keys -t t Enter
if tm_wait_for "^ PID $cb +cpuburn " 5 && tm_wait_for 'CPU now' 2; then
	pass view_opens
else
	fail view_opens "$(tm_screen | head -n 3 | tr '\n' '|')"
fi
rss_open=$(vmrss "$cb")
scr=$(tm_screen)
echo "$scr" | awk '/CPU now/ { f = 1; next } f { print } f && /└/ { exit }' >"$T/cpuchart"
echo "$scr" | awk '/RSS now/ { f = 1; next } f { print } f && /└/ { exit }' >"$T/rsschart"
rows=$(grep -c '[┤│]' "$T/cpuchart")
expect cpu_chart_rows "$rows" 8 40 "chart rows"
check cpu_chart_labels grep -Eq '^ +100% ┤' "$T/cpuchart"
zero_label() { grep -v └ "$T/cpuchart" | tail -n 1 | grep -Eq '^ +0 ┤'; }
check cpu_chart_zero_label zero_label
check cpu_chart_time_axis grep -Eq '└ ?-1m .* now *$' "$T/cpuchart"
# A 50 % load: the bottom row is drawn, the top one (about 93..100 %) is not.
if grep -v └ "$T/cpuchart" | tail -n 1 | LC_ALL=C grep -Eq "$BRAILLE|$BLOCKS" &&
	! head -n 1 "$T/cpuchart" | LC_ALL=C grep -Eq "$BRAILLE|$BLOCKS"; then
	pass cpu_chart_drawn
else
	fail cpu_chart_drawn "$(tr '\n' '|' <"$T/cpuchart")"
fi
check rss_chart_labels grep -Eq '^ +[0-9.]+ [KMG]iB ┤' "$T/rsschart"
check rss_chart_drawn env LC_ALL=C grep -Eq "$BRAILLE|$BLOCKS" "$T/rsschart"
check threads_shown tm_wait_for '^ Threads 1 ' 1

cpu_line=$(echo "$scr" | grep -m 1 'CPU now')
cpu_checks view_now "$(field "$cpu_line" now | tr -d %)" "CPU now"
cpu_checks view_avg "$(field "$cpu_line" avg | tr -d %)" "CPU avg"

# The three steps of 16 MiB, one per SIGUSR1, now that the view is open;
# then perftop's RSS figure against /proc's VmRSS read at the same moment,
# and against the known size.
rss_reached() { [ "$(vmrss "$cb")" -ge "$1" ]; }
for step in 1 2 3; do
	kill -USR1 "$cb"
	wait_until "$WAIT_S" rss_reached $((base + step * 16 * 1024 * 9 / 10)) ||
		fail view_rss_step "cpuburn did not take step $step (VmRSS $(vmrss "$cb") KiB)"
done
rss_agrees() {
	rss_line=$(tm_screen | grep -m 1 'RSS now')
	proc=$(vmrss "$cb")
	shown=$(kib "$(field2 "$rss_line" now)")
	within "$shown" $((proc * 9 / 10)) $((proc * 11 / 10))
}
wait_until 3 rss_agrees
expect view_rss_matches_proc "$shown" $((proc * 9 / 10)) $((proc * 11 / 10)) "RSS now (KiB; VmRSS $proc)"
expect view_rss_matches_steps "$shown" $((want * 9 / 10)) $((want * 11 / 10)) "RSS now (KiB)"
# Growth since the view opened: the steps, all taken after it opened.
growth=$(field2 "$rss_line" growth)
case $growth in
+*) expect view_rss_growth "$(kib "$growth")" $(((proc - rss_open) * 9 / 10)) \
	$(((proc - base) * 11 / 10)) "growth (KiB; '$growth')" ;;
*) fail view_rss_growth "growth '$growth' is not positive: $rss_line" ;;
esac

# ---- 3. help opens and any key closes it -----------------------------------
tm send-keys -t t '?'
check help_view_opens tm_wait_for 'keys of the process view' 3
check help_view_lists_keys screen_has '^ +Esc .*Back' '^ +F10 ' '^ +F1 \?' '^ +c '
tm send-keys -t t c # would switch the chart style if the view got it
if tm_wait_for 'CPU now' 3 && ! tm_screen | grep -q 'keys of the process'; then
	pass help_view_closes
else
	fail help_view_closes "$(tm_screen | head -n 3 | tr '\n' '|')"
fi
check help_takes_the_key footer_is 'braille *$'

# ---- 4. resizing -----------------------------------------------------------
view_small() {
	tm_screen | head -n 1 | grep -q "^ PID $cb " && footer_is '^F1Help +EscBack' &&
		tm_screen | grep -q 'CPU now' && tm_screen | grep -q 'RSS now'
}
tm resize-window -t t -x 40 -y 10
check view_at_40x10 wait_until 3 view_small
expect view_at_40x10_width "$(tm_screen | wc -L)" 20 40 "widest line"
tm resize-window -t t -x 30 -y 8
check view_at_30x8_too_small tm_wait_for '^terminal too small' 3
tm resize-window -t t -x 120 -y 40
if wait_until 3 footer_is '^F1Help +EscBack .*braille *$' && tm_wait_for '└ ?-1m .* now' 1; then
	pass view_back_at_120x40
else
	fail view_back_at_120x40 "$(tm_screen | grep . | head -n 5 | tr '\n' '|')"
fi
tm send-keys -t t Escape
check view_esc_back_to_list tm_wait_for 'PID USER' 3
list_small() {
	tm_screen | head -n 1 | grep -q '^CPU\[' && footer_is '^F1Help +EnterOpen' &&
		tm_screen | grep -Eq "^ +PID .*CPU%" && [ -n "$(row "$cb")" ]
}
tm resize-window -t t -x 40 -y 10
check list_at_40x10 wait_until 3 list_small
tm resize-window -t t -x 120 -y 40
check list_back_at_120x40 tm_wait_for 'PID USER +.CPU% +RSS +THR S HISTORY .*COMMAND' 3

tm send-keys -t t '?'
check help_list_opens tm_wait_for 'keys of the process list' 3
check help_list_lists_keys screen_has '^ +Enter +Open' '^ +q ' '^ +/ +Filter' '^ +F6 '
tm send-keys -t t x
if tm_wait_for 'PID USER' 3 && ! tm_screen | grep -q 'keys of the process'; then
	pass help_list_closes
else
	fail help_list_closes "$(tm_screen | head -n 3 | tr '\n' '|')"
fi
tm send-keys -t t q
check list_q_quits tm_wait_gone 3

# ---- 5. q, Ctrl-C and SIGTERM leave the terminal as it was -----------------
# ---- 6. perftop -p goes straight to the view ---------------------------------
for how in q ctrl_c sigterm; do
	wrap_start "$T" env PERFTOP_ATTACH=0 "$PERFTOP" -d 0.5 -p "$cb"
	if ! tm_wait_for "^ PID $cb +cpuburn " 5 || ! tm_wait_for 'CPU now' 2; then
		fail "quit_${how}_view" "$(tm_screen | grep . | head -n 3 | tr '\n' '|')"
		continue
	fi
	if [ "$how" = q ]; then
		check dash_p_opens_the_view not screen_has 'PID USER'
	fi
	case $how in
	q) tm send-keys -t t q ;;
	ctrl_c) tm send-keys -t t C-c ;;
	sigterm) kill -TERM "$(cat "$T/ppid")" ;;
	esac
	if ! wait_file "$T/rc" 5; then
		fail "quit_$how" "perftop still running"
		continue
	fi
	check "quit_${how}_exit_0" [ "$(wrap_rc)" = 0 ]
	check "quit_${how}_quiet" [ ! -s "$T/err" ]
	wrap_restored "quit_$how" "$T"
done

# The watched process exits: the view stays, says so and shows its last figures.
"$WORKLOADS/cpuburn" -l 10 -r 0 -n 0 -t 30 >"$T/cb2.out" 2>&1 &
cb2=$!
workloads="$workloads $cb2"
wait_file "$T/cb2.out" 5
wrap_start "$T" env PERFTOP_ATTACH=0 "$PERFTOP" -d 0.5 -p "$cb2"
if tm_wait_for "^ PID $cb2 +cpuburn " 5; then
	kill "$cb2"
	wait "$cb2" 2>/dev/null # reaped, so /proc forgets it
	check exited_shown tm_wait_for "^ PID $cb2 +cpuburn +exited " 5
	# Its last figures alive, said as such (not "now").
	if kill -0 "$(cat "$T/ppid")" 2>/dev/null && tm_screen | grep -q 'CPU last' &&
		tm_screen | grep -q 'RSS last' && ! tm_screen | grep -q 'CPU now'; then
		pass exited_view_stays
	else
		fail exited_view_stays "$(tm_screen | grep . | head -n 4 | tr '\n' '|')"
	fi
	tm send-keys -t t q
	wait_file "$T/rc" 5
	check exited_q_exit_0 [ "$(wrap_rc)" = 0 ]
else
	fail exited_shown "no view for pid $cb2"
fi

# ---- 7. colourless, 8-colour, 256-colour and cursor-less terminals ----------
for term in no_color xterm xterm-256color vt100; do
	case $term in
	no_color) set -- env NO_COLOR=1 "$PERFTOP" -d 0.5 && colours=none ;;
	vt100) set -- env TERM=vt100 "$PERFTOP" -d 0.5 && colours=none ;;
	xterm) set -- env TERM=xterm "$PERFTOP" -d 0.5 && colours=basic ;;
	*) set -- env TERM="$term" "$PERFTOP" -d 0.5 && colours=256 ;;
	esac
	wrap_start "$T" "$@"
	if ! tm_wait_for 'PID USER' 5 || ! wait_until 2 footer_is '^F1Help'; then
		fail "term_${term}_starts" "$(tm_screen | grep . | head -n 3 | tr '\n' '|')"
		continue
	fi
	pass "term_${term}_starts"
	got=$(tm capture-pane -p -e -t t | sgr_colours)
	check "term_${term}_colours_$colours" [ "$got" = "$colours" ]
	tm send-keys -t t q
	if wait_file "$T/rc" 5; then
		check "term_${term}_exit_0" [ "$(wrap_rc)" = 0 ]
		[ "$term" = vt100 ] && alt=noalt || alt=""
		wrap_restored "term_$term" "$T" "$alt"
	else
		fail "term_${term}_exit_0" "perftop still running after q"
	fi
done

# dumb cannot move the cursor: a one-line error pointing to --batch.
wrap_start "$T" env TERM=dumb "$PERFTOP" -d 0.5
if wait_file "$T/rc" 5; then
	check term_dumb_fails [ "$(wrap_rc)" = 1 ]
	if [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q -- '--batch' "$T/err" &&
		! grep -q "$ESC" "$T/err"; then
		pass term_dumb_one_line_error
	else
		fail term_dumb_one_line_error "stderr: $(cat "$T/err")"
	fi
	wrap_restored term_dumb "$T"
else
	fail term_dumb_fails "perftop still running on TERM=dumb"
fi
