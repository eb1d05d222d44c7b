# tests/tui/syswide.test.sh — the machine-wide Functions view (W in the
# process list), through a private tmux server (120x40): as root, a copy of
# the shares workload under a name of its own (no agent) shows up with its
# command and its functions; Enter on its row opens its process view; Esc
# goes back and the events are closed. As nobody, under a
# perf_event_paranoid that refuses it, the view says why and what to do
# instead of listing rows. (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh

tui_suite syswide "$WORKLOADS/shares" || exit 0
LC_ALL=C.UTF-8
export LC_ALL
workload=""
tui_cleanup_more() {
	[ -n "$workload" ] && kill "$workload" 2>/dev/null
	wait 2>/dev/null
}

# perf event descriptors a process holds.
perf_fds() { ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'perf_event'; }

if [ "$(id -u)" != 0 ]; then
	skip syswide_root "not root: the machine-wide view needs root here"
else
	# a copy under a name of its own: a row is one command's, and other
	# runs on the machine may be running shares too
	cmd=sysw$$
	cmd=$(printf '%.15s' "$cmd")
	cp "$WORKLOADS/shares" "$T/$cmd"
	"$T/$cmd" 600 >/dev/null 2>&1 &
	workload=$!
	tm_start "PERFTOP_SOCKET=$T/sock $PERFTOP -d 0.5"
	check list_shown tm_wait_for 'PID' 10
	tm send-keys -t t W
	check sysview_title wait_for_text 'System-wide' 10
	# a row of the workload: its command and one of its functions
	if tm_wait_for "$cmd +.*(spin|work_fifty|work_thirty|work_twenty)" 30; then
		pass sysview_workload_row
	else
		fail sysview_workload_row "no $cmd row: $(tm_screen | head -n 12 | tr '\n' '|')"
	fi
	pt=$(tm display-message -p -t t '#{pane_pid}')
	if [ "$(perf_fds "$pt")" -gt 0 ]; then
		pass sysview_events_open
	else
		fail sysview_events_open "perftop (pid $pt) holds no perf events while the view is open"
	fi
	# Enter on the workload's row: rows are found by position (a capture has
	# no colours) and may swap places as counts grow between the capture and
	# the keys, so a try that opened another process goes back (Esc, W) and
	# tries again, up to 5 times.
	opened="" tries=0
	while [ -z "$opened" ] && [ "$tries" -lt 5 ]; do
		tries=$((tries + 1))
		tm_wait_for "^ *[0-9.]+ +[0-9,]+ +$cmd " 30 || break
		row=$(tm_screen | grep -nE "^ *[0-9.]+ +[0-9,]+ +$cmd " | head -n 1 | cut -d: -f1)
		first=$(tm_screen | grep -nE 'SELF%' | head -n 1 | cut -d: -f1)
		[ -n "$row" ] && [ -n "$first" ] || continue
		tm send-keys -t t Home
		n=$((row - first - 1))
		while [ "$n" -gt 0 ]; do
			tm send-keys -t t Down
			n=$((n - 1))
		done
		tm send-keys -t t Enter
		wait_for_text ' PID ' 10 || break
		if tm_screen | grep -Fq "PID $workload "; then
			opened=yes
		else
			tm send-keys -t t Escape
			tm_wait_for 'processes' 10
			tm send-keys -t t W
			wait_for_text 'System-wide' 10
		fi
	done
	if [ -n "$opened" ]; then
		pass enter_opens_process_view
		tm send-keys -t t Escape
		check esc_back_to_list tm_wait_for 'processes' 10
	else
		fail enter_opens_process_view "no view of pid $workload after $tries tries: $(tm_screen | head -n 3 | tr '\n' '|')"
	fi
	# the view closed: the collector closes the events at its next tick
	# (the process view sampling shares from outside was closed too)
	if wait_until 10 sh -c "[ \$(ls -l /proc/$pt/fd 2>/dev/null | grep -c perf_event) -eq 0 ]"; then
		pass sysview_events_closed
	else
		fail sysview_events_closed "perftop still holds $(perf_fds "$pt") perf events"
	fi
	# W then Esc straight back to the list
	tm send-keys -t t W
	check sysview_again wait_for_text 'System-wide' 10
	tm send-keys -t t Escape
	check sysview_esc tm_wait_for 'processes' 10
	tm send-keys -t t q
	tm_wait_gone 10
fi

# As nobody: explained, or SKIP when the kernel lets everyone sample every CPU.
par=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null)
if ! command -v setpriv >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
	skip sysview_nobody "needs root and setpriv to run perftop as nobody"
elif [ -n "$par" ] && [ "$par" -le 0 ]; then
	skip sysview_nobody "perf_event_paranoid is $par: nobody may sample every CPU here"
else
	chmod 755 "$T"
	tm_start "setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/ PERFTOP_SOCKET=$T/nsock $PERFTOP -d 0.5"
	check nobody_list_shown tm_wait_for 'PID' 10
	tm send-keys -t t W
	if wait_for_text 'Cannot sample every CPU' 15 && tm_wait_for 'perf_event_paranoid' 5; then
		pass sysview_nobody_explains
	else
		fail sysview_nobody_explains "$(tm_screen | head -n 8 | tr '\n' '|')"
	fi
	if tm_screen | grep -q 'SELF%'; then
		fail sysview_nobody_no_table "a table is shown instead of the reason"
	else
		pass sysview_nobody_no_table
	fi
	tm send-keys -t t Escape
	check nobody_back tm_wait_for 'processes' 10
	tm send-keys -t t q
	tm_wait_gone 10
fi
