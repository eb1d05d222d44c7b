# tests/faults/load.test.sh — perftop's live list in a private tmux server
# while 64 agents connect at once and one agent (pt_agent, zones far too
# short for its rings) sends as fast as it can: every key typed is acted on
# and none is lost (a filter typed in one burst comes out whole, the sort
# keys and the help answer, each waited for), the list counts all 64 held
# agents, perftop takes every connection and gives back its connections,
# its memory stays bounded, and the flood's drops are shown (the Log tab of
# `perftop run`). How fast the keys are answered is a benchmark
# (bench/load.bench.sh, docs/PERFORMANCE.md), not a test. (POSIX sh,
# tests/lib.sh.)
. tests/lib.sh
. tests/tui/lib.sh

if ! command -v tmux >/dev/null 2>&1; then
	skip load "tmux is not installed (make test installs it)"
	exit 0
fi
for f in "$PERFTOP" "$WORKLOADS/faulty" "$WORKLOADS/pt_agent" "$BUILD/libperftop.so"; do
	if [ ! -e "$f" ]; then
		fail build "$f is missing"
		exit 0
	fi
done

LC_ALL=C.UTF-8
export LC_ALL
T=$(mktemp -d)
TMPDIR=$T
export TMPDIR
agents="" flood=""
cleanup() {
	touch "$T/stop" "$T/release"
	for a in $agents $flood; do
		kill -9 "$a" 2>/dev/null
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

# help_round NAME: ? opens the list's help and a key closes it, each effect
# waited for.
help_round() {
	tm send-keys -t t '?'
	if ! tm_wait_for 'perftop: keys of' "$WAIT_S"; then
		fail "$1" "? did not open the help within $WAIT_S s: $(tm_screen | head -n 2 | tr '\n' '|')"
		return
	fi
	tm send-keys -t t x
	if tm_wait_for 'PID +USER' "$WAIT_S"; then
		pass "$1"
	else
		fail "$1" "a key did not close the help within $WAIT_S s"
	fi
}

# footer_has TEXT: the pane's last line holds TEXT.
footer_has() { tm_screen | tail -n 1 | grep -Fq -- "$1"; }
sockets() { ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'socket:'; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
fd_links() { ls -l "/proc/$1/fd" 2>/dev/null | sed -n 's/.* -> //p' | sort; }

tm_start "sh -c 'echo \$\$ >$T/pid; PERFTOP_SOCKET=$T/perftop.sock exec $PERFTOP -d 0.5 2>$T/err'"
if ! tm_wait_for 'PID +USER' "$WAIT_S"; then
	fail list_starts "$(tm_screen | head -n 3 | tr '\n' '|') $(cat "$T/err")"
	exit 0
fi
ptop=$(cat "$T/pid")
socks0=$(sockets "$ptop") # the listening socket (and any of its own)
# Room for every row: 64 held agents and the header.
tm resize-window -t t -x 160 -y 90
# A first, small round: what stays (the symbolizer's open modules and
# debug information, the tables' first growth) is there before measuring.
PERFTOP_SOCKET=$T/perftop.sock PERFTOP_QUIET=1 LD_PRELOAD=$BUILD/libperftop.so \
	"$WORKLOADS/faulty" idle 0.3 >/dev/null 2>&1
PERFTOP_SOCKET=$T/perftop.sock PERFTOP_QUIET=1 "$WORKLOADS/pt_agent" 100000 >/dev/null 2>&1
# Their disconnections are taken: back to perftop's own sockets.
own_sockets() { [ "$(sockets "$ptop")" -le "$socks0" ]; }
wait_until "$WAIT_S" own_sockets
help_round load_key_answered_idle # (the help's first drawing is done, too)
rss0=$(vmrss "$ptop") fd0=$(fds "$ptop")
fd_links "$ptop" >"$T/fds0"

# 64 agents at once, each held until $T/release exists (the checks are
# done), and the flood: pt_agent runs again and again, one at a time, until
# told to stop.
i=0
while [ "$i" -lt 64 ]; do
	PERFTOP_SOCKET=$T/perftop.sock PERFTOP_QUIET=1 LD_PRELOAD=$BUILD/libperftop.so \
		"$WORKLOADS/faulty" hold 600 "$T/release" >"$T/idle.$i" 2>&1 &
	agents="$agents $!"
	i=$((i + 1))
done
(
	n=0
	while [ -d "$T" ] && [ ! -e "$T/stop" ]; do
		n=$((n + 1))
		PERFTOP_SOCKET=$T/perftop.sock PERFTOP_QUIET=1 "$WORKLOADS/pt_agent" 20000000 >"$T/flood.$n" 2>&1
	done
) &
flood=$!

# While the 65 start, perftop is not stuck: a key is answered.
help_round load_key_answered_while_65_start

# Every one of the 64 is taken (perftop's own sockets + 64, + the flood's
# when one runs).
most=0
all_taken() {
	_s=$(sockets "$ptop")
	[ "$_s" -gt "$most" ] && most=$_s
	[ "$_s" -ge $((socks0 + 64)) ]
}
if wait_until "$WAIT_S" all_taken; then
	pass load_all_64_connected
else
	fail load_all_64_connected "perftop held $most sockets at most in $WAIT_S s ($socks0 of its own + 64 wanted)"
fi

# 65 connected, one of them flooding: every key is acted on, none is lost.
# A filter typed in one burst (one tmux command, no waiting between keys)
# comes out whole and in order, and the list then shows the 64 held agents,
# each marked connected (●) in column A.
tm send-keys -t t / w o r k l o a d s / f a u l t y Space h o l d Enter
want_filter="filter 'workloads/faulty hold'"
if wait_until "$WAIT_S" footer_has "$want_filter"; then
	pass load_key_burst_none_lost
else
	fail load_key_burst_none_lost "no \"$want_filter\" in $WAIT_S s: $(tm_screen | tail -n 1)"
fi
held_rows() { tm_screen | grep -c 'faulty hold .*release'; }
held_marked() { tm_screen | grep -c '●.*faulty hold .*release'; }
all_64_listed() { [ "$(held_marked)" -eq 64 ] && [ "$(held_rows)" -eq 64 ]; }
if wait_until "$WAIT_S" all_64_listed; then
	pass load_list_counts_64_agents
else
	fail load_list_counts_64_agents "$(held_rows) rows, $(held_marked) marked connected, after $WAIT_S s (64 wanted)"
fi
# The sort keys, one at a time: > moves the sort to the next column, I
# inverts it, < moves it back.
sort_mark() { tm_screen | grep -m 1 'PID USER' | grep -o '[▼▲][A-Z%]*'; }
sort0=$(sort_mark)
sort_is() { [ "$(sort_mark)" = "$1" ]; }
sort_isnt() { [ -n "$(sort_mark)" ] && [ "$(sort_mark)" != "$1" ]; }
tm send-keys -t t '>'
if wait_until "$WAIT_S" sort_isnt "$sort0"; then
	sort1=$(sort_mark)
	tm send-keys -t t I
	inverted=$(echo "$sort1" | tr '▼▲' '▲▼')
	if wait_until "$WAIT_S" sort_is "$inverted"; then
		tm send-keys -t t I '<'
		check load_sort_keys_answered wait_until "$WAIT_S" sort_is "$sort0"
	else
		fail load_sort_keys_answered "I did not invert '$sort1' within $WAIT_S s (shows '$(sort_mark)')"
	fi
else
	fail load_sort_keys_answered "> did not move the sort from '$sort0' within $WAIT_S s"
fi
for r in 1 2 3 4 5; do
	help_round "load_help_round_$r"
done
check load_flood_ran_throughout kill -0 "$flood"
rss_load=$(vmrss "$ptop")
touch "$T/stop" "$T/release"

for a in $agents $flood; do
	wait "$a"
done
agents="" flood=""
# The last disconnections: back to perftop's own sockets.
wait_until "$WAIT_S" own_sockets
rss1=$(vmrss "$ptop") fd1=$(fds "$ptop")
fd_links "$ptop" >"$T/fds1"
echo "  RSS KiB: $rss0 before, $rss_load under load, $rss1 after; fds $fd0 -> $fd1; sockets at most $most"

check load_perftop_up tm_alive
check load_held_agents_unharmed sh -c "[ \$(cat '$T'/idle.* | grep -cx 'faulty hold done') -eq 64 ]"
check load_flood_unharmed sh -c "[ \$(cat '$T'/flood.* | grep -cvx 'pt_agent done') -eq 0 ]"
# Connections, pipes and the like come back to what they were; files may
# be added by the symbolizer, which keeps at most 64 modules open.
check load_fds_back [ "$(grep -vc '^/' "$T/fds1")" -le "$(grep -vc '^/' "$T/fds0")" ]
check load_files_bounded [ "$(grep -c '^/' "$T/fds1")" -le 140 ]
echo "  descriptors added: $(comm -13 "$T/fds0" "$T/fds1" | tr '\n' ' ')"
if grep -q __asan_init "$PERFTOP" 2>/dev/null; then
	skip load_rss_bounded "ASan keeps freed memory in quarantine: RSS says nothing"
else
	check load_rss_bounded [ "$((${rss1:-999999} - ${rss0:-0}))" -le 16384 ]
fi
check load_no_stderr [ ! -s "$T/err" ]
tm send-keys -t t q
tm_wait_gone "$WAIT_S" || fail load_quits "perftop did not quit on q"

# ---- the flood's drops are shown -------------------------------------------------
tm_start "$PERFTOP run -d 0.5 -- $WORKLOADS/pt_agent 30000000"
if tm_wait_for 'exited with status 0' 300; then
	# 7: the Log tab (its column header is TIME SOURCE MESSAGE).
	tm send-keys -t t 7
	if tm_wait_for '^ *TIME +SOURCE +MESSAGE' "$WAIT_S"; then
		check drops_in_log tm_wait_for 'dropped [0-9]+ samples and [1-9][0-9]* events' "$WAIT_S"
	else
		fail drops_in_log "7 did not open the Log tab: $(tm_screen | head -n 4 | tr '\n' '|')"
	fi
else
	fail drops_in_log "pt_agent under perftop run did not finish in 300 s: $(tm_screen | head -n 2 | tr '\n' '|')"
fi
tm kill-session -t t 2>/dev/null
exit 0
