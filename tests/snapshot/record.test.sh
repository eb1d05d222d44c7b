# tests/snapshot/record.test.sh — perftop record and perftop open end to end:
# a workload with known shares recorded into a file and shown by open
# --batch; Ctrl-C during a recording still writes a file that opens; -p on
# a process without an agent (sampled from outside); broken files give an error naming the file,
# exit 1 and never a crash.
. tests/lib.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# total_of FILE FUNC — the TOTAL% column of FUNC in open --batch's Functions table.
total_of() {
	awk -v f="$2" '$4 == f { print $2; exit }' "$1"
}

# --- a recording with known answers -------------------------------------------------
if "$PERFTOP" record -o "$tmp/shares.ptsnap" -- "$WORKLOADS/shares" 2 2>"$tmp/rec.err"; then
	pass "record shares 2 exits 0"
else
	fail "record shares 2 exits 0" "$(cat "$tmp/rec.err")"
fi
check "record names the file it wrote" grep -q "wrote '$tmp/shares.ptsnap'" "$tmp/rec.err"
check "no temporary file is left" test "$(ls "$tmp" | grep -c tmp-)" -eq 0

"$PERFTOP" open "$tmp/shares.ptsnap" --batch >"$tmp/open.out" 2>"$tmp/open.err"
rc=$?
check "open --batch exits 0" test "$rc" -eq 0
fifty=$(total_of "$tmp/open.out" work_fifty)
thirty=$(total_of "$tmp/open.out" work_thirty)
twenty=$(total_of "$tmp/open.out" work_twenty)
if [ -n "$fifty" ] && [ -n "$thirty" ] && [ -n "$twenty" ] &&
	awk -v a="$fifty" -v b="$thirty" -v c="$twenty" \
		'BEGIN { s = 100 * a / (a + b + c); exit !(s > 45 && s < 55) }'; then
	pass "work_fifty is near 50 % of the three ($fifty, $thirty, $twenty)"
else
	fail "work_fifty is near 50 % of the three" "got '$fifty' '$thirty' '$twenty': $(head -n 20 "$tmp/open.out")"
fi
check "the snapshot keeps the command line" grep -q "workloads/shares 2" "$tmp/open.out"
check "the snapshot keeps source lines" grep -q "shares.c:" "$tmp/open.out"

# --- Ctrl-C ends the recording and still writes a whole file ------------------------
"$PERFTOP" record -o "$tmp/int.ptsnap" -- "$WORKLOADS/shares" 30 2>"$tmp/int.err" &
rec=$!
# Interrupted once the command has burnt a second of CPU (it has samples to
# keep, however long a busy machine took to give it that second).
burnt_1s() {
	_p=$(pgrep -P "$rec" -x shares | head -n 1)
	[ -n "$_p" ] && [ "$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$_p/stat" 2>/dev/null || echo 0)" -ge "$(getconf CLK_TCK)" ]
}
wait_until "$WAIT_S" burnt_1s || fail "the recorded command runs" "no second of CPU within $WAIT_S s"
kill -INT "$rec"
wait "$rec"
rc=$?
check "record stops on SIGINT with status 0" test "$rc" -eq 0
check "record says it was interrupted" grep -q "interrupted; wrote" "$tmp/int.err"
if pgrep -f "$WORKLOADS/shares 30" >/dev/null; then
	fail "the recorded command is ended" "still running"
	pkill -f "$WORKLOADS/shares 30"
else
	pass "the recorded command is ended"
fi
if "$PERFTOP" open "$tmp/int.ptsnap" --batch >"$tmp/int.out" 2>&1 &&
	grep -q "work_fifty" "$tmp/int.out"; then
	pass "the interrupted recording opens with its samples"
else
	fail "the interrupted recording opens with its samples" "$(head -n 5 "$tmp/int.out")"
fi

# --- a running process without an agent: sampled from outside (tests/attach has more) --
sleep 30 &
sl=$!
if "$PERFTOP" record -o "$tmp/pid.ptsnap" -p "$sl" --duration 1.5 2>"$tmp/pid.err" &&
	"$PERFTOP" open "$tmp/pid.ptsnap" --batch >"$tmp/pid.out" 2>&1 &&
	grep -q "Sampled from outside, 99 Hz requested" "$tmp/pid.out" && grep -q "sleep 30" "$tmp/pid.out"; then
	pass "record -p --duration of a process without an agent"
else
	fail "record -p --duration of a process without an agent" "$(cat "$tmp/pid.err" "$tmp/pid.out" 2>/dev/null | head -n 5)"
fi
kill "$sl" 2>/dev/null

# --- usage and broken files ------------------------------------------------------------
"$PERFTOP" record -- true 2>"$tmp/usage.err"
check "record without -o is a usage error" test $? -eq 2
"$PERFTOP" record -o "$tmp/nodir/x.ptsnap" -- "$WORKLOADS/shares" 0.2 2>"$tmp/nodir.err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "cannot write '$tmp/nodir/x.ptsnap': the directory '$tmp/nodir' does not exist" "$tmp/nodir.err"; then
	pass "an unwritable path is an error naming it"
else
	fail "an unwritable path is an error naming it" "exit $rc: $(cat "$tmp/nodir.err")"
fi
check "the missing directory is found before the recording starts" \
	sh -c "! grep -q 'recording' '$tmp/nodir.err'"

# broken FILE PATTERN NAME — open must exit 1 naming the file and the problem.
broken() {
	"$PERFTOP" open "$1" --batch >"$tmp/b.out" 2>"$tmp/b.err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q "cannot open snapshot '$1': .*$2" "$tmp/b.err"; then
		pass "$3"
	else
		fail "$3" "exit $rc: $(cat "$tmp/b.err")"
	fi
}
printf 'GIF89a not a snapshot' >"$tmp/foreign.ptsnap"
broken "$tmp/foreign.ptsnap" "bad magic" "a foreign file is refused"
: >"$tmp/empty.ptsnap"
broken "$tmp/empty.ptsnap" "empty" "an empty file is refused"
broken "$tmp/missing.ptsnap" "No such file" "a missing file is refused"
size=$(wc -c <"$tmp/shares.ptsnap")
bad=0
for k in 1 2 3 4 5 6 7 8 9; do
	head -c $((size * k / 10)) "$tmp/shares.ptsnap" >"$tmp/cut.ptsnap"
	"$PERFTOP" open "$tmp/cut.ptsnap" --batch >/dev/null 2>"$tmp/cut.err"
	rc=$?
	if [ "$rc" -ne 1 ] || ! grep -q "cannot open snapshot '$tmp/cut.ptsnap': offset [0-9]*: " "$tmp/cut.err"; then
		bad=$((bad + 1))
		echo "cut at $k/10: exit $rc: $(cat "$tmp/cut.err")"
	fi
done
check "a file cut at every tenth gives 'offset N: ...' and exit 1" test "$bad" -eq 0
