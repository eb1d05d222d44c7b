# bench/lib.sh — helpers shared by the benchmarks (sourced, POSIX sh).
BUILD=${BUILD:-build}
HZ=$(getconf CLK_TCK)

# cpu_ticks PID — utime+stime of a process (and its reaped children not included).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# rss_kb PID — resident set size in KiB.
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.4g\n", (a[NR/2]+a[NR/2+1])/2}'; }

# timed_target_setup — for benchmarks that time their target with
# $BUILD/bench/timeit: sets PERFTOP, TIMEIT (built), ROUNDS (default 5), a
# private $tmp removed at exit (exported as TMPDIR, so perftop record's
# directories land there) and load0, the load average at the start.
# json_num KEY FILE: the first number keyed KEY in a report's JSON (perftop
# report --format json writes one key a line), 0 when absent.
json_num() {
	_v=$(sed -n "s/^ *\"$1\": \([0-9.e+-]*\),*\$/\1/p" "$2" | head -n 1)
	echo "${_v:-0}"
}

timed_target_setup() {
	ROUNDS=${ROUNDS:-5}
	PERFTOP=$BUILD/perftop
	TIMEIT=$BUILD/bench/timeit
	make -s BUILD="$BUILD" "$TIMEIT" >&2
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	TMPDIR=$tmp
	export TMPDIR
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
}

BENCH_TMUX=perftop-bench-$$
btm() { tmux -L "$BENCH_TMUX" "$@"; }

# pane_pid_of COMM — pid of the process named COMM running in the bench tmux server's pane.
pane_pid_of() {
	shell=$(btm display-message -p -t b '#{pane_pid}')
	if [ "$(cat /proc/"$shell"/comm 2>/dev/null)" = "$1" ]; then
		echo "$shell"
	else
		pgrep -P "$shell" -x "$1" | head -n 1
	fi
}

# measure_tui COMM SECONDS WARMUP CMD... — runs CMD in a 120x40 tmux pane,
# waits WARMUP seconds, then prints "cpu_percent rss_kb" over SECONDS.
measure_tui() {
	comm=$1 secs=$2 warm=$3
	shift 3
	btm -f /dev/null new-session -d -s b -x 120 -y 40 "$*"
	sleep "$warm"
	pid=$(pane_pid_of "$comm")
	if [ -z "$pid" ]; then
		btm kill-server 2>/dev/null || true
		echo "n/a n/a"
		return
	fi
	t0=$(cpu_ticks "$pid")
	sleep "$secs"
	t1=$(cpu_ticks "$pid")
	rss=$(rss_kb "$pid")
	btm kill-server 2>/dev/null || true
	sleep 0.3
	awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v s="$secs" -v r="$rss" \
		'BEGIN {printf "%.3f %d\n", (b - a) * 100 / hz / s, r}'
}
