# tests/cli/outpath.test.sh — output paths perftop must not write, and
# input files it must not wait on. In a private directory: record -o onto a
# FIFO, a character device made there with mknod, a directory, a file in a
# missing directory, a path in /proc, a dangling link and a link to a device
# is refused before the command runs (the command would leave a marker
# file), with a message naming the path and why, and the path keeps its
# inode and type. A link to a regular file is followed (documented): the
# target gets the snapshot and the link stays a link. export -o is held to
# the same rule. report and open --batch of a FIFO fail with a message
# instead of waiting for a writer (each bounded by timeout 20; the check is
# the exit status and the message).
. tests/lib.sh

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# ident PATH — type, inode and device numbers of PATH itself (not followed).
ident() { stat -c '%F %i %t:%T' "$1" 2>/dev/null; }

# refused NAME PATH PATTERN — record -o PATH must exit 1 before the command
# runs, saying PATTERN, and leave PATH as it was.
refused() {
	before=$(ident "$2")
	rm -f "$T/marker"
	timeout 20 "$PERFTOP" record -o "$2" -- sh -c "touch '$T/marker'" >"$T/out" 2>"$T/err"
	rc=$?
	after=$(ident "$2")
	if [ "$rc" -ne 1 ]; then
		fail "$1" "exit $rc, not 1: $(cat "$T/err")"
	elif [ -e "$T/marker" ]; then
		fail "$1" "the command ran before the path was refused: $(cat "$T/err")"
	elif ! grep -q "cannot write '$2': $3" "$T/err"; then
		fail "$1" "message: $(cat "$T/err")"
	elif [ "$before" != "$after" ]; then
		fail "$1" "the path changed: '$before' became '$after'"
	else
		pass "$1"
	fi
}

mkfifo "$T/fifo"
refused "record -o FIFO is refused" "$T/fifo" "it is a FIFO (named pipe), and perftop writes only regular files"

if mknod "$T/null" c 1 3 2>/dev/null; then
	refused "record -o character device is refused" "$T/null" "it is a character device"
	ln -s null "$T/devlink"
	refused "record -o a link to a device is refused" "$T/devlink" \
		"it is a symbolic link to '.*/null', which is a character device"
else
	skip "record -o character device is refused" "mknod needs root"
	skip "record -o a link to a device is refused" "mknod needs root"
fi

mkdir "$T/dir"
refused "record -o directory is refused" "$T/dir" "it is a directory"
refused "record -o a missing directory fails at the start" "$T/nodir/x.ptsnap" \
	"the directory '$T/nodir' does not exist"
check "the missing directory is not created" test ! -e "$T/nodir"
ln -s nowhere "$T/dangling"
refused "record -o a dangling link is refused" "$T/dangling" "it is a symbolic link to nothing"
check "the dangling link is not created" test ! -e "$T/nowhere"

rm -f "$T/marker"
timeout 20 "$PERFTOP" record -o /proc/perftop-outpath-test.ptsnap -- sh -c "touch '$T/marker'" \
	>"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 1 ] && [ ! -e "$T/marker" ] && grep -q "on the kernel's proc file system" "$T/err"; then
	pass "record -o /proc/... is refused before the command runs"
else
	fail "record -o /proc/... is refused before the command runs" "exit $rc: $(cat "$T/err")"
fi

# A link to a regular file: followed, the target replaced, the link kept.
echo old >"$T/target.ptsnap"
ln -s target.ptsnap "$T/link.ptsnap"
timeout 60 "$PERFTOP" record -o "$T/link.ptsnap" -- "$WORKLOADS/shares" 0.3 >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ] && [ -L "$T/link.ptsnap" ] && [ "$(readlink "$T/link.ptsnap")" = target.ptsnap ] &&
	[ -f "$T/target.ptsnap" ] && ! grep -q '^old$' "$T/target.ptsnap"; then
	pass "record -o a link to a regular file writes the target and keeps the link"
else
	fail "record -o a link to a regular file writes the target and keeps the link" \
		"exit $rc: $(ls -l "$T"; cat "$T/err")"
fi
if timeout 20 "$PERFTOP" report "$T/link.ptsnap" >"$T/rep" 2>"$T/err"; then
	pass "the snapshot written through the link opens"
else
	fail "the snapshot written through the link opens" "$(cat "$T/err")"
fi
check "no temporary file is left" test "$(ls -a "$T" | grep -c 'tmp-')" -eq 0

# export -o follows the same rule.
timeout 20 "$PERFTOP" export "$T/target.ptsnap" --format folded -o "$T/fifo" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -ne 0 ] && grep -q "cannot write '$T/fifo': it is a FIFO" "$T/err" &&
	[ "$(ident "$T/fifo")" = "$(stat -c '%F %i %t:%T' "$T/fifo")" ] && [ -p "$T/fifo" ]; then
	pass "export -o FIFO is refused"
else
	fail "export -o FIFO is refused" "exit $rc: $(cat "$T/err")"
fi

# report/export/diff check -o before reading anything: here the snapshot
# is a FIFO, yet the error is the output's.
for cmd in "report $T/fifo -o $T/nodir/r.txt" "export $T/fifo --format folded -o $T/nodir/r.txt" \
	"diff $T/fifo $T/fifo --report -o $T/nodir/r.txt"; do
	# shellcheck disable=SC2086 # the words of $cmd
	timeout 20 "$PERFTOP" $cmd >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q "cannot write '$T/nodir/r.txt': the directory '$T/nodir' does not exist" "$T/err"; then
		pass "${cmd%% *} -o into a missing directory fails before reading"
	else
		fail "${cmd%% *} -o into a missing directory fails before reading" "exit $rc: $(cat "$T/err")"
	fi
done

# Reading a FIFO: an error, not a wait for a writer that never comes.
timeout 20 "$PERFTOP" report "$T/fifo" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "cannot open snapshot '$T/fifo': it is a FIFO (named pipe), not a regular file" "$T/err"; then
	pass "report FIFO fails at once with a message"
else
	fail "report FIFO fails at once with a message" "exit $rc (124: still waiting after 20 s): $(cat "$T/err")"
fi
timeout 20 "$PERFTOP" open -b "$T/fifo" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "cannot open snapshot '$T/fifo': it is a FIFO" "$T/err"; then
	pass "open -b FIFO fails at once with a message"
else
	fail "open -b FIFO fails at once with a message" "exit $rc (124: still waiting after 20 s): $(cat "$T/err")"
fi
timeout 20 "$PERFTOP" diff "$T/target.ptsnap" "$T/fifo" --report >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "it is a FIFO" "$T/err"; then
	pass "diff with a FIFO fails at once with a message"
else
	fail "diff with a FIFO fails at once with a message" "exit $rc: $(cat "$T/err")"
fi
check "the FIFO is still a FIFO" test -p "$T/fifo"
