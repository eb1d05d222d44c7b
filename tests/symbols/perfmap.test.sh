#!/bin/sh
# JIT code named from /tmp/perf-PID.map, end to end. tests/workloads/jitloop
# writes machine code into an anonymous page, names it in a perf map
# ("jit_hot_loop" in bare hex, "jit warm loop" in 0x hex) and spins in it;
# recorded with the agent, the report (read back from the snapshot), the
# folded and speedscope exports and `run --batch` name both, module [jit];
# a line appended while the process runs names its function too.
# A map that is a symbolic link, or owned by another uid (root only: chown),
# is ignored: the same code is then unnamed, and perftop's Log (in the
# snapshot, seen through `perftop open` in a private tmux server) says why. With
# Debian's nodejs, `node --perf-basic-prof` names a hot JS function.
# Every /tmp/perf-PID.map written here is removed.
. tests/lib.sh
TO=$((WAIT_S * 4))
JIT=$WORKLOADS/jitloop

if [ ! -x "$JIT" ] || [ ! -x "$PERFTOP" ]; then
	fail perfmap "$JIT or $PERFTOP not built (make all)"
	exit 0
fi
tmp=$(mktemp -d)
maps=""
cleanup() {
	for p in $maps; do rm -f "/tmp/perf-$p.map"; done
	rm -rf "$tmp"
}
trap cleanup EXIT
PERFTOP_SOCKET=$tmp/perftop.sock
export PERFTOP_SOCKET

# recorded_pid OUT: the pid `perftop record` printed in OUT.
recorded_pid() { sed -n 's/.*recording pid \([0-9]*\).*/\1/p' "$1" | head -n 1; }

# ---- the workload's own map, read as the process runs
timeout "$TO" "$PERFTOP" record -o "$tmp/jit.ptsnap" -- "$JIT" 2 >"$tmp/rec.out" 2>&1
rc=$?
pid=$(recorded_pid "$tmp/rec.out")
[ -n "$pid" ] && maps="$maps $pid"
if [ "$rc" -ne 0 ] && grep -q 'no machine code for this architecture' "$tmp/rec.out"; then
	skip perfmap "jitloop has no machine code for $(uname -m)"
	exit 0
fi
if [ "$rc" -ne 0 ] || [ -z "$pid" ]; then
	fail "perfmap: record jitloop" "rc=$rc $(tail -n 3 "$tmp/rec.out")"
	exit 0
fi
check "perfmap: jitloop wrote /tmp/perf-$pid.map" test -f "/tmp/perf-$pid.map"
"$PERFTOP" report "$tmp/jit.ptsnap" >"$tmp/r.txt" 2>&1
# rows of "Hottest functions by self": ... module function
sed -n '/^Hottest functions by self/,/^$/p' "$tmp/r.txt" >"$tmp/self.txt"
check "perfmap: the report names jit_hot_loop, module [jit]" \
	grep -Eq '^ +[0-9.]+% +[0-9]+ +[0-9.]+% +[0-9]+ +\[jit\] +jit_hot_loop$' "$tmp/self.txt"
check "perfmap: the report names 'jit warm loop' (0x hex, spaces)" \
	grep -Eq ' \[jit\] +jit warm loop$' "$tmp/self.txt"
# (a sample taken on the JIT code's push or pop may start its stack with
# an address read from the stack, [unknown] but never with self samples)
check "perfmap: no [unknown] function with self samples" \
	sh -c "! grep -Eq '^ +[0-9.]+% +[1-9][0-9]* +.*\[unknown\]' '$tmp/self.txt'"
for fmt in folded speedscope; do
	"$PERFTOP" export "$tmp/jit.ptsnap" --format "$fmt" -o "$tmp/out.$fmt" 2>"$tmp/err"
	check "perfmap: the $fmt export names jit_hot_loop" grep -q 'jit_hot_loop' "$tmp/out.$fmt"
	check "perfmap: the $fmt export names 'jit warm loop'" grep -q 'jit warm loop' "$tmp/out.$fmt"
done
check "perfmap: the folded stacks go through main into jit_hot_loop" \
	grep -Eq '(^|;)main;jit_hot_loop [0-9]+$' "$tmp/out.folded"
"$PERFTOP" report "$tmp/jit.ptsnap" --format json -o "$tmp/r.json" 2>"$tmp/err"
check "perfmap: the JSON report names jit_hot_loop" grep -q '"jit_hot_loop"' "$tmp/r.json"

# ---- a line appended while the process runs (JITLOOP_LATE: the warm loop
# is named only after half its CPU time): perftop re-reads the grown file
JITLOOP_LATE=1 timeout "$TO" "$PERFTOP" record -o "$tmp/late.ptsnap" -- "$JIT" 2 \
	>"$tmp/late.rec" 2>&1
rc=$?
lpid=$(recorded_pid "$tmp/late.rec")
[ -n "$lpid" ] && maps="$maps $lpid"
if [ "$rc" -eq 0 ]; then
	"$PERFTOP" report "$tmp/late.ptsnap" >"$tmp/late.txt" 2>&1
	check "perfmap: a line appended while it runs names 'jit warm loop'" \
		grep -Eq ' \[jit\] +jit warm loop$' "$tmp/late.txt"
	check "perfmap: the line there from the start names jit_hot_loop" \
		grep -Eq ' \[jit\] +jit_hot_loop$' "$tmp/late.txt"
else
	fail "perfmap: record jitloop (late map line)" "rc=$rc $(tail -n 3 "$tmp/late.rec")"
fi

# (the batch output does not say the pid: its map is found as a new jitloop map)
ls /tmp/perf-*.map >"$tmp/maps.before" 2>/dev/null
timeout "$TO" "$PERFTOP" run --batch -- "$JIT" 2 >"$tmp/batch.txt" 2>&1
rc=$?
for f in /tmp/perf-*.map; do
	[ -f "$f" ] && ! grep -qxF "$f" "$tmp/maps.before" && grep -q 'jit_hot_loop' "$f" && rm -f "$f"
done
if [ "$rc" -eq 0 ]; then
	check "perfmap: run --batch names jit_hot_loop" grep -q 'jit_hot_loop' "$tmp/batch.txt"
	check "perfmap: run --batch names 'jit warm loop'" grep -q 'jit warm loop' "$tmp/batch.txt"
else
	fail "perfmap: run --batch" "$(tail -n 3 "$tmp/batch.txt")"
fi

# ---- a map put in place by the test before the loops start (jitloop waits
# for the go file): as written (control), as a symlink, owned by another uid.
# staged NAME HOW: records jitloop with its map in $tmp/NAME.txt, then
# installs /tmp/perf-PID.map by HOW (copy, symlink or foreign); the report
# is in $tmp/NAME.report, jitloop's pid in $staged_pid.
staged() {
	_n=$1 _how=$2
	rm -f "$tmp/$_n.txt" "$tmp/$_n.txt.pid" "$tmp/$_n.go"
	timeout "$TO" "$PERFTOP" record -o "$tmp/$_n.ptsnap" -- \
		"$JIT" 1 "$tmp/$_n.txt" "$tmp/$_n.go" >"$tmp/$_n.rec" 2>&1 &
	_rec=$!
	if ! wait_until "$WAIT_S" test -s "$tmp/$_n.txt.pid"; then
		fail "perfmap: $_n: jitloop started" "no $tmp/$_n.txt.pid"
		touch "$tmp/$_n.go"
		wait "$_rec"
		return 1
	fi
	_pid=$(cat "$tmp/$_n.txt.pid")
	staged_pid=$_pid
	maps="$maps $_pid"
	rm -f "/tmp/perf-$_pid.map"
	case $_how in
	copy) cp "$tmp/$_n.txt" "/tmp/perf-$_pid.map" ;;
	symlink) ln -s "$tmp/$_n.txt" "/tmp/perf-$_pid.map" ;;
	foreign) cp "$tmp/$_n.txt" "/tmp/perf-$_pid.map" && chown 65534 "/tmp/perf-$_pid.map" ;;
	esac
	touch "$tmp/$_n.go"
	wait "$_rec"
	_rc=$?
	rm -f "/tmp/perf-$_pid.map"
	if [ "$_rc" -ne 0 ]; then
		fail "perfmap: $_n: record" "rc=$_rc $(tail -n 3 "$tmp/$_n.rec")"
		return 1
	fi
	"$PERFTOP" report "$tmp/$_n.ptsnap" >"$tmp/$_n.report" 2>&1
}

# logged NAME TEXT: the Log tab of `perftop open` on NAME's snapshot shows
# TEXT (perftop's reason for ignoring the map), in a private tmux server.
logged() {
	if ! command -v tmux >/dev/null 2>&1; then
		skip "perfmap: $1: the Log says why" "tmux is not installed"
		return 0
	fi
	tm -f /dev/null new-session -d -s t -x 120 -y 40 "$PERFTOP open $tmp/$1.ptsnap"
	if tm_wait_for 'Functions +Tree' && tm send-keys -t t 7 && tm_wait_for "$2"; then
		pass "perfmap: $1: the Log says why"
	else
		fail "perfmap: $1: the Log says why" "no '$2' in: $(tm_screen | grep -i perf | head -n 3)"
	fi
	tm_kill
}

if staged control copy; then
	check "perfmap: a map put in place before the loops run names jit_hot_loop" \
		grep -q ' \[jit\] *jit_hot_loop$' "$tmp/control.report"
fi
if staged symlink symlink; then
	check "perfmap: a symlinked map is ignored (no jit_hot_loop)" \
		sh -c "! grep -q 'jit_hot_loop' '$tmp/symlink.report'"
	check "perfmap: a symlinked map is ignored (the code stays [unknown])" \
		grep -q '\[unknown\]' "$tmp/symlink.report"
	logged symlink "ignored '/tmp/perf-$staged_pid\\.map': a symbolic link"
fi
if [ "$(id -u)" -ne 0 ]; then
	skip "perfmap: a map of another uid" "not root: cannot give a file to another uid"
elif staged foreign foreign; then
	check "perfmap: a map owned by another uid is ignored (no jit_hot_loop)" \
		sh -c "! grep -q 'jit_hot_loop' '$tmp/foreign.report'"
	check "perfmap: a map owned by another uid is ignored (the code stays [unknown])" \
		grep -q '\[unknown\]' "$tmp/foreign.report"
	logged foreign "ignored '/tmp/perf-$staged_pid\\.map': owned by uid 65534"
fi

# ---- node --perf-basic-prof
if ! command -v node >/dev/null 2>&1; then
	skip "perfmap: node --perf-basic-prof" "node is not installed (Debian's nodejs)"
	exit 0
fi
cat >"$tmp/hot.js" <<'EOF'
function perftopHotJsFunction(n) {
	let s = 0;
	for (let i = 0; i < n; i++) s = (s + i * 7) % 1000003;
	return s;
}
let total = 0;
for (let r = 0; r < 2000; r++) total += perftopHotJsFunction(200000);
console.log("node done", total);
EOF
# (run in $tmp: node also leaves an isolate-*-v8.log in its directory)
abs_perftop=$(cd "$(dirname "$PERFTOP")" && pwd)/$(basename "$PERFTOP")
(cd "$tmp" && exec timeout $((TO * 2)) "$abs_perftop" record -o "$tmp/node.ptsnap" -- \
	node --perf-basic-prof "$tmp/hot.js") >"$tmp/node.rec" 2>&1
rc=$?
npid=$(recorded_pid "$tmp/node.rec")
[ -n "$npid" ] && maps="$maps $npid"
if [ "$rc" -ne 0 ]; then
	fail "perfmap: record node --perf-basic-prof" "rc=$rc $(tail -n 3 "$tmp/node.rec")"
	exit 0
fi
check "perfmap: node wrote /tmp/perf-$npid.map" test -f "/tmp/perf-$npid.map"
"$PERFTOP" report "$tmp/node.ptsnap" >"$tmp/node.report" 2>&1
check "perfmap: node --perf-basic-prof: the report names perftopHotJsFunction, module [jit]" \
	grep -Eq ' \[jit\] +JS:[*^~]?perftopHotJsFunction ' "$tmp/node.report"
