# tests/cli/start.test.sh — how `perftop run` and `perftop record` start a
# command (src/cli/start.c, shared by both): the private directory in
# TMPDIR (gone at exit), the command's output on perftop's stdout without a
# screen, and every way the start can fail
# (no directory, a socket path too long, a command that cannot run) gives
# one line on stderr, exit 1, and leaves nothing behind. (POSIX sh,
# tests/lib.sh.)
. tests/lib.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# start NAME TMPDIR SUB ARGS...: runs `perftop SUB` with TMPDIR, no terminal;
# its exit status goes to $tmp/NAME.rc, stderr to $tmp/NAME.err.
start() {
	name=$1 dir=$2 sub=$3
	shift 3
	case "$sub" in
	run) set -- run --batch -d 0.2 "$@" ;;
	record) set -- record -i 0.2 -o "$tmp/$name.ptsnap" "$@" ;;
	esac
	TMPDIR=$dir timeout $((WAIT_S * 2)) "$PERFTOP" "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
}

# failed NAME PATTERN DIR: exit 1, one stderr line matching PATTERN, and no
# private directory left in DIR.
failed() {
	rc=$(cat "$tmp/$1.rc")
	lines=$(wc -l <"$tmp/$1.err")
	if [ "$rc" != 1 ]; then
		fail "$1" "exit $rc, expected 1 ($(head -c 200 "$tmp/$1.err"))"
	elif [ "$lines" != 1 ] || ! grep -Eq -- "$2" "$tmp/$1.err"; then
		fail "$1" "stderr: $(head -c 300 "$tmp/$1.err")"
	elif ls -d "$3"/perftop-run-* "$3"/perftop-record-* >/dev/null 2>&1; then
		fail "$1" "left behind: $(ls "$3")"
	else
		pass "$1"
	fi
}

long=$tmp/$(printf '%0100d' 0)
mkdir -p "$long" "$tmp/ok"
for sub in run record; do
	start "${sub}_no_dir" "$tmp/missing" "$sub" true
	failed "${sub}_no_dir" "^perftop: cannot create a directory in '$tmp/missing': " "$tmp"

	start "${sub}_socket_too_long" "$long" "$sub" true
	failed "${sub}_socket_too_long" "^perftop: socket path in '.*' is too long; set TMPDIR shorter$" "$long"

	start "${sub}_cannot_run" "$tmp/ok" "$sub" ./no-such-command
	failed "${sub}_cannot_run" "^perftop: cannot run '\./no-such-command': " "$tmp/ok"

	# A command that runs: its output is perftop's, as under `time`, and
	# the private directory is gone.
	start "${sub}_output" "$tmp/ok" "$sub" sh -c 'echo started-by-perftop'
	if [ "$(cat "$tmp/${sub}_output.rc")" = 0 ] &&
		grep -qx started-by-perftop "$tmp/${sub}_output.out" &&
		! ls -d "$tmp/ok"/perftop-* >/dev/null 2>&1; then
		pass "${sub}_output"
	else
		fail "${sub}_output" "exit $(cat "$tmp/${sub}_output.rc"), left: $(ls "$tmp/ok"): $(head -c 200 "$tmp/${sub}_output.err")"
	fi
	rm -rf "$tmp/ok"/perftop-*
done
