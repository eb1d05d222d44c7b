# tests/tui/lib.sh — helpers for the TUI suites, on top of tests/lib.sh
# (sourced after it, POSIX sh). Every pane runs in session "t" of the suite's
# private tmux server, 120x40, TERM=screen, so tm_wait_for and tm_screen of
# tests/lib.sh work on it.

ESC=$(printf '\033')
# UTF-8 byte patterns for LC_ALL=C grep: braille (U+2800..U+28FF) and the
# eighth blocks (U+2581..U+2588) that charts and sparklines are drawn with.
BRAILLE=$(printf '\342[\240-\243][\200-\277]')
BLOCKS=$(printf '\342\226[\201-\210]')

# tui_start_server: starts the private server with a placeholder session, so
# the server outlives the sessions the checks create and kill. Fails when
# tmux cannot start.
tui_start_server() {
	tm -f /dev/null new-session -d -s keep -x 120 -y 40 'sleep 300' || return 1
	tm set-option -g default-terminal screen >/dev/null
}

# tui_stop_server: kills the server and removes its socket, which tmux
# leaves behind.
tui_stop_server() {
	tm_kill
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCK"
}

# tm_start COMMAND: (re)creates session t, 120x40, running COMMAND.
tm_start() {
	tm kill-session -t t 2>/dev/null
	tm new-session -d -s t -x 120 -y 40 "$1"
}

# tm_flag NAME: one of the pane's format variables (alternate_on, ...).
tm_flag() { tm display-message -p -t t "#{$1}"; }

# tm_alive: session t still exists (its command has not exited).
tm_alive() { tm has-session -t t 2>/dev/null; }

# tm_wait_gone SECONDS: waits until session t has ended (deadline SECONDS,
# tests/lib.sh).
tm_wait_gone() {
	i=0 _lim=$(deadline "$1")
	while tm_alive; do
		[ "$i" -ge $((_lim * 10)) ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# wait_file FILE SECONDS: waits until FILE exists and is not empty
# (deadline SECONDS).
wait_file() {
	i=0 _lim=$(deadline "$2")
	while [ ! -s "$1" ]; do
		[ "$i" -ge $((_lim * 10)) ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# within VALUE LO HI: LO <= VALUE <= HI, as decimals; false when VALUE is
# not a number.
within() {
	awk -v v="$1" -v lo="$2" -v hi="$3" \
		'BEGIN { exit !(v ~ /^[-+]?[0-9]+(\.[0-9]+)?$/ && v + 0 >= lo + 0 && v + 0 <= hi + 0) }'
}

# kib "NUMBER UNIT": a size as perftop prints it ("49.5 MiB") in KiB.
kib() {
	echo "$1" | awk '{
		v = $1; u = $2
		m = u == "KiB" ? 1 : u == "MiB" ? 1024 : u == "GiB" ? 1048576 : -1
		if (NF != 2 || m < 0 || v !~ /^[-+]?[0-9]+(\.[0-9]+)?$/) { print "nan"; exit }
		printf "%.0f\n", v * m }'
}

# vmrss PID: the process's own VmRSS in KiB, from /proc.
vmrss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null; }

# proc_age PID: seconds since PID started, from /proc (empty when gone).
proc_age() {
	awk -v hz="$(getconf CLK_TCK)" 'NR == 1 { up = $1; next }
		{ sub(/.*\) /, ""); printf "%.2f\n", up - $20 / hz }' /proc/uptime "/proc/$1/stat" 2>/dev/null
}

# cpu_share PID: the share of one core PID has used since it started, in %,
# from /proc (utime + stime over its age): what it really got, busy machine
# or not.
cpu_share() {
	awk -v hz="$(getconf CLK_TCK)" 'NR == 1 { up = $1; next }
		{ sub(/.*\) /, ""); age = up - $20 / hz
		  if (age > 0) printf "%.1f\n", ($12 + $13) / hz / age * 100 }' \
		/proc/uptime "/proc/$1/stat" 2>/dev/null
}

# sgr_colours: reads `capture-pane -e` output and prints "256" when any
# 256-colour or direct colour is used, else "basic" when any of the 8/16
# colours is, else "none". (39 and 49, the default colours, are not colours.)
sgr_colours() {
	grep -o "$ESC\\[[0-9;]*m" | tr -d "${ESC}[m" | awk -F';' '
		{ for (i = 1; i <= NF; i++) {
			f = $i + 0
			if (f == 38 || f == 48) { c256 = 1; i += ($(i + 1) == 5) ? 2 : 4 }
			else if ((f >= 30 && f <= 37) || (f >= 40 && f <= 47) ||
				 (f >= 90 && f <= 97) || (f >= 100 && f <= 107)) basic = 1
		} }
		END { print c256 ? "256" : basic ? "basic" : "none" }'
}

# A shell in the pane around one perftop run, as a user's shell would be:
# it prints a line, records `stty -a`, runs the command (perftop's pid in
# $dir/ppid, its stderr in $dir/err), records the exit code and `stty -a`
# again, prints another line and stays. `trap : INT` stands in for an
# interactive shell ignoring the Ctrl-C meant for perftop.
#   wrap_start DIR COMMAND...   (COMMAND may begin with env VAR=value)
wrap_start() {
	d=$1
	shift
	rm -f "$d/before" "$d/after" "$d/rc" "$d/ppid" "$d/err"
	cat >"$d/wrap.sh" <<'EOF'
d=$1
shift
trap : INT
echo "shell before perftop"
stty -a >"$d/before"
sh -c 'echo $$ >"$0"; exec "$@"' "$d/ppid" "$@" 2>"$d/err"
rc=$?
stty -a >"$d/after"
echo "rc=$rc" >"$d/rc"
echo "shell after perftop"
exec sleep 120
EOF
	cmd="sh '$d/wrap.sh' '$d'"
	for a in "$@"; do
		cmd="$cmd '$a'"
	done
	tm_start "$cmd"
}

# wrap_rc: the exit code recorded by the wrapper ("" before it exits).
wrap_rc() { sed -n 's/^rc=//p' "$d/rc" 2>/dev/null; }

# wrap_restored NAME DIR: after perftop exited in the wrapper, the terminal
# is as it was: same stty settings, the alternate screen left, the cursor
# visible, normal cursor keys, and the pane shows the shell's lines and none
# of perftop's screen (with a third argument "noalt", for terminals without
# an alternate screen: the shell's line after perftop is whole).
wrap_restored() {
	wr=$1 dd=$2
	if ! cmp -s "$dd/before" "$dd/after"; then
		fail "${wr}_stty" "stty -a differs: $(diff "$dd/before" "$dd/after" | tr '\n' ' ')"
	else
		pass "${wr}_stty"
	fi
	wait_for_text "shell after perftop" 3
	flags="$(tm_flag alternate_on)$(tm_flag cursor_flag)$(tm_flag keypad_cursor_flag)"
	check "${wr}_modes_reset" [ "$flags" = "010" ]
	scr=$(tm_screen)
	if [ "${3:-}" = noalt ]; then
		# No alternate screen (vt100): perftop's screen stays, but the
		# shell's next line starts on a blank line, not over the footer.
		if echo "$scr" | grep -qx "shell after perftop"; then
			pass "${wr}_clean_bottom_line"
		else
			fail "${wr}_clean_bottom_line" "pane after exit: $(echo "$scr" | grep . | tail -n 2 | tr '\n' '|')"
		fi
	elif echo "$scr" | grep -q "shell before perftop" &&
		echo "$scr" | grep -q "shell after perftop" &&
		! echo "$scr" | grep -Eq "CPU now|PID USER|F1Help|F10Quit"; then
		pass "${wr}_screen_back"
	else
		fail "${wr}_screen_back" "pane after exit: $(echo "$scr" | grep . | head -n 5 | tr '\n' '|')"
	fi
}

# wait_for_text TEXT SECONDS: tm_wait_for with a fixed string (deadline
# SECONDS).
wait_for_text() {
	i=0 _lim=$(deadline "$2")
	while [ "$i" -lt $((_lim * 10)) ]; do
		tm_screen 2>/dev/null | grep -Fq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# tui_suite NAME [FILE...]: the set-up the tmux suites share. Skips NAME
# when tmux is missing; fails when perftop or a FILE is not built; makes the
# scratch directory $T (removed at exit with the private tmux server, after
# the suite's own tui_cleanup_more when it defines one) and starts the
# server. Returns non-zero when the suite cannot run: the caller exits 0.
tui_suite() {
	_name=$1
	shift
	if ! command -v tmux >/dev/null 2>&1; then
		skip "$_name" "tmux is not installed (make test installs it)"
		return 1
	fi
	for _f in "$PERFTOP" "$@"; do
		if [ ! -x "$_f" ]; then
			fail build "$_f is missing"
			return 1
		fi
	done
	T=$(mktemp -d)
	trap tui_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	if ! tui_start_server; then
		fail tmux "cannot start a tmux server"
		return 1
	fi
}

tui_cleanup() {
	tui_stop_server
	command -v tui_cleanup_more >/dev/null 2>&1 && tui_cleanup_more
	rm -rf "$T"
}
