# tests/cli/options.test.sh — perftop's command line: every bad input gives
# one line on stderr, a non-zero exit, nothing on stdout and no terminal
# escape sequences; --batch prints plain refreshes. (POSIX sh, tests/lib.sh.)
. tests/lib.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ESC=$(printf '\033')

# run NAME ARGS...: runs perftop with no terminal, stdout and stderr apart.
run() {
	name=$1
	shift
	timeout $((WAIT_S * 2)) "$PERFTOP" "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
}

# bad_input NAME WANT_RC PATTERN ARGS...: the usage-error contract.
bad_input() {
	name=$1 want=$2 pat=$3
	shift 3
	run "$name" "$@"
	rc=$(cat "$tmp/$name.rc")
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit $rc, expected $want ($(head -c 200 "$tmp/$name.err"))"
		return
	fi
	if [ -s "$tmp/$name.out" ]; then
		fail "$name" "wrote to stdout: $(head -c 100 "$tmp/$name.out")"
		return
	fi
	if [ "$(wc -l <"$tmp/$name.err")" -ne 1 ]; then
		fail "$name" "expected one line on stderr, got: $(cat "$tmp/$name.err")"
		return
	fi
	if grep -q "$ESC" "$tmp/$name.err"; then
		fail "$name" "escape sequences on stderr"
		return
	fi
	if ! grep -q -- "$pat" "$tmp/$name.err"; then
		fail "$name" "stderr lacks '$pat': $(cat "$tmp/$name.err")"
		return
	fi
	pass "$name"
}

if [ ! -x "$PERFTOP" ]; then
	fail build "$PERFTOP is missing"
	exit 0
fi

bad_input delay_junk 2 "bad -d value 'x': not a number" -d x
bad_input delay_trailing_junk 2 "bad -d value '1s'" -d 1s
bad_input delay_zero 2 "bad -d value '0': must be more than zero" -d 0
bad_input delay_negative 2 "bad -d value '-1'" -d -1
bad_input delay_too_small 2 "bad -d value '0.05': too small" -d 0.05
bad_input delay_too_large 2 "bad -d value '4000': too large" -d 4000
bad_input delay_nan 2 "bad -d value 'nan'" -d nan
bad_input delay_missing 2 "option '-d' needs a value" -d
bad_input unknown_long 2 "unknown option '--frobnicate' (try 'perftop --help')" --frobnicate
bad_input unknown_short 2 "unknown option '-x' (try 'perftop --help')" -x
bad_input unknown_command 2 "unknown command 'frobnicate'" frobnicate
bad_input stray_argument 2 "unexpected argument 'extra'" -d 1 extra
bad_input pid_junk 2 "bad -p value 'abc': not a process id" -p abc
bad_input pid_zero 2 "bad -p value '0'" -p 0
bad_input count_junk 2 "bad -n value 'many'" --batch -n many

# A pid that surely does not exist: one past the kernel's limit.
max=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 4194304)
gone=$((max + 1))
bad_input pid_missing 1 "cannot watch pid $gone: no such process" -p "$gone"
bad_input pid_missing_batch 1 "cannot watch pid $gone: no such process" --batch -p "$gone"

# No terminal and no --batch: a clear error, not a broken screen.
bad_input no_terminal 1 "not a terminal" -d 1

run help --help
check help_exit_0 [ "$(cat "$tmp/help.rc")" = 0 ]
check help_usage grep -q "usage: perftop" "$tmp/help.out"
# perftop --help names every subcommand (a line "  NAME  what it does").
for c in run record open report export diff; do
	check "help_lists_$c" grep -qE "^  $c +[a-z]" "$tmp/help.out"
done
run help_short -h
check help_short_same cmp -s "$tmp/help.out" "$tmp/help_short.out"

# -d is the refresh delay everywhere; record's length is --duration, and
# record -d says so instead of taking it as a duration.
bad_input record_d_is_not_duration 2 "record: -d is the refresh delay.*use --duration 2" \
	record -o "$tmp/x.ptsnap" -d 2 -- true
check record_d_writes_nothing [ ! -e "$tmp/x.ptsnap" ]
run record_help record --help
check record_help_duration grep -q -- "--duration SECS" "$tmp/record_help.out"
check record_help_no_d sh -c "! grep -qE -- '(^| )-d[ ,]' '$tmp/record_help.out'"
run run_help run --help
check run_help_d_is_delay grep -qE -- "-d, --delay SECS +seconds between refreshes" "$tmp/run_help.out"
run version -V
check version_line grep -q "^perftop [0-9]" "$tmp/version.out"

# --batch -n 2: two plain-text refreshes, each listing this shell.
me=$$
run batch --batch -n 2 -d 0.2
check batch_exit_0 [ "$(cat "$tmp/batch.rc")" = 0 ]
check batch_two_refreshes [ "$(grep -c '^ *PID  *USER' "$tmp/batch.out")" -eq 2 ]
check batch_lists_our_shell [ "$(grep -cE "^ *$me " "$tmp/batch.out")" -eq 2 ]
check batch_no_escapes sh -c "! grep -q '$ESC' '$tmp/batch.out'"
check batch_quiet_stderr [ ! -s "$tmp/batch.err" ]
check batch_has_header grep -q "Load" "$tmp/batch.out"

# --batch -p: the process's figures, refreshed.
run batch_pid --batch -n 2 -d 0.2 -p "$me"
check batch_pid_exit_0 [ "$(cat "$tmp/batch_pid.rc")" = 0 ]
check batch_pid_title [ "$(grep -c "PID $me " "$tmp/batch_pid.out")" -eq 2 ]
check batch_pid_cpu grep -qE "CPU now [0-9]+\.[0-9]%" "$tmp/batch_pid.out"
check batch_pid_rss grep -qE "RSS now [0-9.]+ [KMG]iB" "$tmp/batch_pid.out"

# A missing theme is reported once and is never fatal.
run theme --batch -n 1 -d 0.2 --theme no-such-theme
check theme_not_fatal [ "$(cat "$tmp/theme.rc")" = 0 ]
check theme_reported_once [ "$(grep -c "no-such-theme" "$tmp/theme.err")" -eq 1 ]
check theme_still_lists grep -q "PID" "$tmp/theme.out"
