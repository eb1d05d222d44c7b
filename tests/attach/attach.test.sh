#!/bin/sh
# Sampling a running process from outside (issue 16): workloads started
# WITHOUT the agent, recorded with `perftop record -p PID` (perf_event_open
# and libdw, nothing put into the target), then read back through report,
# export and the live --batch view (the report says the samples' source,
# as the agent's does). Known answers: the 50/30/20 shares,
# the 2:1 threads, a 40-deep recursion unwound to main, a frame bigger than
# the stack copy marked [truncated], a thread and a
# dlopen'd library that came after the attach, a program exec'd after the
# attach, a target whose output and exit status do not change, and the
# permission diagnostics (the locked-memory budget among them).
. tests/lib.sh

for w in shares twothreads deeprec attach_late bigframe; do
	if [ ! -x "$WORKLOADS/$w" ]; then
		fail attach "$WORKLOADS/$w not built"
		exit 0
	fi
done
tmp=$(mktemp -d)
chmod 755 "$tmp"
paranoid_file=/proc/sys/kernel/perf_event_paranoid
paranoid_orig=$(cat "$paranoid_file" 2>/dev/null || echo "")
pids=""
cleanup() {
	if [ -n "$paranoid_orig" ] && [ "$(cat "$paranoid_file" 2>/dev/null)" != "$paranoid_orig" ]; then
		echo "$paranoid_orig" >"$paranoid_file" 2>/dev/null
	fi
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# the socket's directory must be private (perftop vets it); $tmp is not,
# for the permission checks below
mkdir -m 700 "$tmp/sock"
PERFTOP_SOCKET=$tmp/sock/perftop.sock
export PERFTOP_SOCKET
unset LD_PRELOAD

# Whether perf_event_open works here at all (a kernel without it, a
# container that forbids it): then nothing below can run.
if [ "$(id -u)" != 0 ] && [ "${paranoid_orig:-3}" -gt 2 ]; then
	skip attach "perf_event_paranoid is $paranoid_orig and we are not root"
	exit 0
fi

# cpu_ticks PID: the process's user+system clock ticks so far.
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# busy PID: it has used some CPU (it started its work).
busy() { [ "$(cpu_ticks "$1")" -ge 5 ]; }
# share FOLDED FUNC: samples of stacks holding FUNC, of all samples, in %.
share() {
	awk -v f="$2" '{ n = $NF; all += n; s = ";" $0; sub(/ [0-9]+$/, "", s); s = s ";";
		if (index(s, ";" f ";")) hit += n }
		END { if (all) printf "%.2f", 100 * hit / all; else print "0" }' "$1"
}
within() { awk -v x="$1" -v want="$2" -v tol="$3" 'BEGIN { d = x - want; exit !(d <= tol && d >= -tol) }'; }

# ---- 50/30/20 -------------------------------------------------------------------------
"$WORKLOADS/shares" 6 >"$tmp/shares.out" 2>&1 &
spid=$!
pids="$pids $spid"
wait_until 30 busy "$spid" || fail "attach shares" "the workload did not start"
timeout $((WAIT_S + 60)) "$PERFTOP" record -p "$spid" -F 999 -o "$tmp/shares.ptsnap" \
	>"$tmp/rec.out" 2>"$tmp/rec.err"
rc=$?
wait "$spid"
if [ "$rc" = 0 ] && [ -s "$tmp/shares.ptsnap" ]; then
	pass "record -p of a process without an agent exits 0 and writes the snapshot"
else
	fail "record -p of a process without an agent" "rc $rc: $(cat "$tmp/rec.err")"
fi
check "record says it sampled from outside" grep -q "sampled from outside at 999 Hz" "$tmp/rec.err"
"$PERFTOP" export "$tmp/shares.ptsnap" --format folded -o "$tmp/shares.folded" 2>"$tmp/exp.err"
f50=$(share "$tmp/shares.folded" work_fifty)
f30=$(share "$tmp/shares.folded" work_thirty)
f20=$(share "$tmp/shares.folded" work_twenty)
sum=$(awk -v a="$f50" -v b="$f30" -v c="$f20" 'BEGIN { printf "%.2f", a + b + c }')
n50=$(awk -v a="$f50" -v s="$sum" 'BEGIN { if (s > 0) printf "%.2f", 100 * a / s; else print 0 }')
n30=$(awk -v a="$f30" -v s="$sum" 'BEGIN { if (s > 0) printf "%.2f", 100 * a / s; else print 0 }')
n20=$(awk -v a="$f20" -v s="$sum" 'BEGIN { if (s > 0) printf "%.2f", 100 * a / s; else print 0 }')
if within "$n50" 50 3 && within "$n30" 30 3 && within "$n20" 20 3; then
	pass "shares from outside within 3 points of 50/30/20 ($n50/$n30/$n20)"
else
	fail "shares from outside within 3 points of 50/30/20" "$n50/$n30/$n20 (raw $f50/$f30/$f20)"
fi
if grep -q '^_start;__libc_start_main;__libc_start_call_main;main;work_fifty;spin ' "$tmp/shares.folded"; then
	pass "stacks from outside are whole: _start down to spin"
else
	fail "stacks from outside are whole" "$(head -n 3 "$tmp/shares.folded")"
fi
"$PERFTOP" report "$tmp/shares.ptsnap" >"$tmp/shares.report" 2>&1
check "report names the functions with their source lines" grep -q "spin.*\|shares.c" "$tmp/shares.report"
"$PERFTOP" report --format json "$tmp/shares.ptsnap" >"$tmp/shares.json" 2>&1
check "the JSON report gives the requested rate" grep -q '"requested_hz": 999' "$tmp/shares.json"
check "the text report says the samples' source: sampled from outside at 999 Hz" \
	grep -q "^source: sampled from outside at 999 Hz$" "$tmp/shares.report"
if grep -q "agent CPU\|agent handler\|agent writer\|dropped by the agent" "$tmp/shares.report"; then
	fail "the text report of an outside profile has no agent rows" "$(grep agent "$tmp/shares.report")"
else
	pass "the text report of an outside profile has no agent rows"
fi
check "the JSON report's source is \"outside\"" grep -q '^  "source": "outside",$' "$tmp/shares.json"

# The same names and lines as the agent gives for the same program.
timeout $((WAIT_S + 60)) "$PERFTOP" record -o "$tmp/agent.ptsnap" -- "$WORKLOADS/shares" 1 >/dev/null 2>&1
"$PERFTOP" report --format json "$tmp/agent.ptsnap" >"$tmp/agent.json" 2>&1
# name@file:line of the work functions, from a report's JSON (one key a line)
names_lines() {
	awk '/"name":/ { n = $2 } /"file":/ { f = $2 } /"line":/ { l = $2; if (n ~ /work_|spin|main/) print n f l }' "$1" |
		tr -d '",' | sort -u
}
check "the JSON report of an agent's snapshot: source \"agent\"" grep -q '^  "source": "agent",$' "$tmp/agent.json"
"$PERFTOP" report "$tmp/agent.ptsnap" >"$tmp/agent.report" 2>&1
check "the text report of an agent's snapshot says agent and its rate" grep -q "^source: agent, [0-9]* Hz$" "$tmp/agent.report"
names_lines "$tmp/shares.json" >"$tmp/nl.outside"
names_lines "$tmp/agent.json" >"$tmp/nl.agent"
if [ -s "$tmp/nl.agent" ] && cmp -s "$tmp/nl.outside" "$tmp/nl.agent"; then
	pass "the same function names and lines as the agent's ($(wc -l <"$tmp/nl.agent") functions)"
else
	fail "the same function names and lines as the agent's" "outside: $(tr '\n' ' ' <"$tmp/nl.outside") agent: $(tr '\n' ' ' <"$tmp/nl.agent")"
fi

# ---- 2:1 threads ------------------------------------------------------------------------
# The workload keeps its light thread at half the heavy one's CPU time when
# the machine lets it; on a loaded machine the light one falls behind. The
# known answer is therefore the threads' own CPU times over the recording
# (/proc/PID/task/TID/schedstat, read just before and after), which the sampled
# ratio must match within 10 %.
"$WORKLOADS/twothreads" 8 >/dev/null 2>&1 &
tpid=$!
pids="$pids $tpid"
wait_until 30 busy "$tpid" || fail "attach twothreads" "the workload did not start"
two_tids() { ls "/proc/$tpid/task" 2>/dev/null | sort -n | tr '\n' ' '; }
has_two() { [ "$(two_tids | wc -w)" -ge 2 ]; }
wait_until 30 has_two
set -- $(two_tids)
htid=$1 ltid=$2
# CPU time in ms from schedstat's run time (exact ns; the stat ticks are sampled)
tticks() { awk '{ printf "%d", $1 / 1e6 }' "/proc/$tpid/task/$1/schedstat" 2>/dev/null || echo 0; }
h0=$(tticks "$htid") l0=$(tticks "$ltid")
timeout $((WAIT_S + 60)) "$PERFTOP" record -p "$tpid" -F 999 --duration 3 -o "$tmp/two.ptsnap" 2>"$tmp/two.err"
h1=$(tticks "$htid") l1=$(tticks "$ltid")
kill "$tpid" 2>/dev/null
wait "$tpid" 2>/dev/null
"$PERFTOP" export "$tmp/two.ptsnap" --format folded -o "$tmp/two.folded" 2>/dev/null
heavy=$(share "$tmp/two.folded" heavy_loop)
light=$(share "$tmp/two.folded" light_main)
ratio=$(awk -v h="$heavy" -v l="$light" 'BEGIN { if (l > 0) printf "%.3f", h / l; else print 0 }')
actual=$(awk -v h="$((h1 - h0))" -v l="$((l1 - l0))" 'BEGIN { if (l > 0) printf "%.3f", h / l; else print 0 }')
tol=$(awk -v a="$actual" 'BEGIN { printf "%.3f", a / 10 }')
if awk -v a="$actual" 'BEGIN { exit !(a > 0) }' && within "$ratio" "$actual" "$tol"; then
	pass "two threads from outside: ratio $ratio within 10 % of their CPU times' $actual (the workload aims at 2)"
else
	fail "two threads from outside: ratio within 10 % of their CPU times'" "$ratio vs $actual ($heavy % / $light %; ms $((h1 - h0)) / $((l1 - l0)))"
fi

# ---- 40-deep recursion -------------------------------------------------------------------
"$WORKLOADS/deeprec" 100000 40 >/dev/null 2>&1 &
dpid=$!
pids="$pids $dpid"
wait_until 30 busy "$dpid" || fail "attach deeprec" "the workload did not start"
timeout $((WAIT_S + 60)) "$PERFTOP" record -p "$dpid" --duration 2 -o "$tmp/deep.ptsnap" 2>"$tmp/deep.err"
kill "$dpid" 2>/dev/null
wait "$dpid" 2>/dev/null
"$PERFTOP" export "$tmp/deep.ptsnap" --format folded -o "$tmp/deep.folded" 2>/dev/null
deepest=$(awk '{ s = $0; sub(/ [0-9]+$/, "", s); n = gsub(/;descend/, "", s); if (n > max) { max = n; root = $0 } }
	END { print max + 0 }' "$tmp/deep.folded")
rooted=$(awk '{ s = $0; sub(/ [0-9]+$/, "", s); n = gsub(/;descend/, "&", s); if (n >= 41) print $0 }' "$tmp/deep.folded" |
	grep -c '^_start;__libc_start_main;__libc_start_call_main;main;')
if [ "${deepest:-0}" -ge 41 ] && [ "${rooted:-0}" -ge 1 ]; then
	pass "a 40-deep recursion unwound whole from outside ($deepest frames of descend under main)"
else
	fail "a 40-deep recursion unwound whole from outside" "deepest $deepest, rooted $rooted: $(sort -t' ' -k2 -n "$tmp/deep.folded" | tail -n 1 | cut -c1-300)"
fi
if grep -q '\[truncated\]' "$tmp/deep.folded"; then
	fail "a 40-deep recursion is not truncated" "$(grep -c truncated "$tmp/deep.folded") truncated stacks"
else
	pass "a 40-deep recursion is not truncated"
fi

# ---- a frame bigger than the stack copy: the stacks say they were cut ------------------
"$WORKLOADS/bigframe" 2 >/dev/null 2>&1 &
bpid=$!
pids="$pids $bpid"
wait_until 30 busy "$bpid" || fail "attach bigframe" "the workload did not start"
timeout $((WAIT_S + 60)) "$PERFTOP" record -p "$bpid" -o "$tmp/big.ptsnap" 2>"$tmp/big.err"
wait "$bpid"
"$PERFTOP" export "$tmp/big.ptsnap" --format folded -o "$tmp/big.folded" 2>/dev/null
if grep -q '^\[truncated\];big_frame;leaf_spin ' "$tmp/big.folded" &&
	! grep 'big_frame;leaf_spin' "$tmp/big.folded" | grep -vq '^\[truncated\]'; then
	pass "a 64 KiB frame beyond the 16 KiB copy: its stacks start with [truncated]"
else
	fail "a 64 KiB frame beyond the 16 KiB copy: its stacks start with [truncated]" "$(head -n 3 "$tmp/big.folded")"
fi

# ---- a thread and a library that came after the attach ---------------------------------
"$WORKLOADS/attach_late" "$tmp/go" 1.5 >"$tmp/late.out" 2>&1 &
lpid=$!
pids="$pids $lpid"
timeout $((WAIT_S + 60)) "$PERFTOP" record -p "$lpid" -o "$tmp/late.ptsnap" 2>"$tmp/late.err" &
rpid=$!
# attached: perftop (timeout's child) holds its perf events, before the trigger
attached() {
	for _c in $(pgrep -P "$rpid"); do
		ls -l "/proc/$_c/fd" 2>/dev/null | grep -q 'perf_event' && return 0
	done
	return 1
}
if wait_until 30 attached; then
	touch "$tmp/go"
else
	fail "attach_late" "perftop opened no perf event: $(cat "$tmp/late.err")"
	touch "$tmp/go"
fi
wait "$lpid"
wait "$rpid"
"$PERFTOP" export "$tmp/late.ptsnap" --format folded -o "$tmp/late.folded" 2>/dev/null
"$PERFTOP" open --batch "$tmp/late.ptsnap" >"$tmp/late.open" 2>&1
if grep -q 'late_main;late_spin' "$tmp/late.folded" && grep -q ' late ' "$tmp/late.open"; then
	pass "a thread started after the attach is sampled (and named)"
else
	fail "a thread started after the attach is sampled" "$(grep -c late_main "$tmp/late.folded") stacks; threads: $(grep -A4 '^Threads' "$tmp/late.open" | tr '\n' '|')"
fi
if grep -q 'libz\.so' "$tmp/late.open" && grep -q 'late_spin;crc32' "$tmp/late.folded"; then
	pass "a library dlopen'd after the attach is named (libz.so.1 crc32)"
else
	fail "a library dlopen'd after the attach is named" "$(grep 'late_spin' "$tmp/late.folded" | head -n 2 | cut -c1-300)"
fi

# ---- a target that execs another program after the attach -------------------------------
# A shell that spins until the trigger, then execs the shares workload: the
# new image's functions are unwound and named (the unwinder and the symbols
# rebuilt for the new program), the shell's before it.
sh -c 'while [ ! -e "$1" ]; do :; done; exec "$2" 2' sh "$tmp/go3" "$WORKLOADS/shares" \
	>"$tmp/exec.out" 2>&1 &
epid=$!
pids="$pids $epid"
wait_until 30 busy "$epid"
timeout $((WAIT_S + 60)) "$PERFTOP" record -p "$epid" -o "$tmp/exec.ptsnap" 2>"$tmp/exec.err" &
rpid=$!
# the shell's own CPU time (ticks) since the attach, so it was sampled before the exec
shell_ran() { [ $(($(awk '{ print $14 + $15 }' /proc/"$epid"/stat 2>/dev/null || echo 0) - t0)) -ge 30 ]; }
if wait_until 30 attached; then
	t0=$(awk '{ print $14 + $15 }' /proc/"$epid"/stat)
	wait_until 30 shell_ran
	touch "$tmp/go3"
else
	fail "exec after the attach" "perftop opened no perf event: $(cat "$tmp/exec.err")"
	touch "$tmp/go3"
fi
wait "$epid"
wait "$rpid"
"$PERFTOP" export "$tmp/exec.ptsnap" --format folded -o "$tmp/exec.folded" 2>/dev/null
if grep -q ';main;work_fifty;spin ' "$tmp/exec.folded"; then
	pass "a program exec'd after the attach: its functions sampled whole (main;work_fifty;spin)"
else
	fail "a program exec'd after the attach: its functions sampled" \
		"$(sort -t' ' -k2 -n "$tmp/exec.folded" | tail -n 3 | cut -c1-200 | tr '\n' '|') $(cat "$tmp/exec.err")"
fi
shell=$(basename "$(readlink -f /bin/sh)")
check "the shell ($shell) before the exec was sampled too" grep -q "$shell+0x" "$tmp/exec.folded"

# ---- detaching leaves no trace --------------------------------------------------------------
"$WORKLOADS/attach_late" "$tmp/go" 0.5 >"$tmp/plain.out" 2>&1
plain_rc=$?
rm -f "$tmp/go2"
"$WORKLOADS/attach_late" "$tmp/go2" 0.5 >"$tmp/prof.out" 2>&1 &
ppid2=$!
pids="$pids $ppid2"
timeout $((WAIT_S + 60)) "$PERFTOP" record -p "$ppid2" --duration 1 -o "$tmp/detach.ptsnap" 2>"$tmp/detach.err"
touch "$tmp/go2"
wait "$ppid2"
prof_rc=$?
if [ "$plain_rc" = "$prof_rc" ] && cmp -s "$tmp/plain.out" "$tmp/prof.out"; then
	pass "after detaching the target's output and exit status are those of an unprofiled run"
else
	fail "after detaching the target is unchanged" "rc $plain_rc vs $prof_rc; $(cat "$tmp/plain.out") vs $(cat "$tmp/prof.out")"
fi

# ---- the live view ------------------------------------------------------------------------
"$WORKLOADS/shares" 4 >/dev/null 2>&1 &
vpid=$!
pids="$pids $vpid"
timeout $((WAIT_S + 30)) "$PERFTOP" -p "$vpid" -b -n 3 >"$tmp/live.out" 2>&1
kill "$vpid" 2>/dev/null
wait "$vpid" 2>/dev/null
check "perftop -p PID says the view is sampled from outside" grep -q "Sampled from outside, 99 Hz requested" "$tmp/live.out"
check "perftop -p PID lists the functions from outside" grep -q "work_fifty" "$tmp/live.out"

# ---- the agent wins: an agent that connects replaces the outside samples ---------------
if [ -x "$WORKLOADS/pt_agent" ]; then
	# started before perftop listens: its agent retries until it can connect
	"$WORKLOADS/pt_agent" 300000000 >/dev/null 2>&1 &
	apid=$!
	pids="$pids $apid"
	# its agent retries about once a second (backing off): a few refreshes
	timeout $((WAIT_S + 30)) "$PERFTOP" -p "$apid" -b -n 8 >"$tmp/wins.out" 2>&1
	kill "$apid" 2>/dev/null
	wait "$apid" 2>/dev/null
	last=$(awk '/^ PID /{ buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$tmp/wins.out")
	if printf '%s' "$last" | grep -q "Agent 1000 Hz requested" &&
		! printf '%s' "$last" | grep -q "Sampled from outside\|(sampled from outside)" &&
		printf '%s' "$last" | grep -q "pt_zone_begin_id"; then
		pass "an agent that connects wins over the outside sampler"
	else
		fail "an agent that connects wins over the outside sampler" "$(printf '%s' "$last" | sed -n '6,12p' | tr '\n' '|')"
	fi
else
	skip "the agent wins" "$WORKLOADS/pt_agent not built"
fi

# ---- Enter on a process in the list: its view samples it from outside; Esc detaches ----
if command -v tmux >/dev/null; then
	. tests/tui/lib.sh
	tui_start_server
	"$WORKLOADS/shares" 60 >/dev/null 2>&1 &
	epid=$!
	pids="$pids $epid"
	tm_start "exec $PERFTOP -d 0.5"
	tm_wait_for 'PID USER' 10 >/dev/null
	tm send-keys -t t /shares Enter
	if tm_wait_for "^ +$epid " 10; then
		n=$(tm_screen | awk -v p="$epid" 'f && $1 == p { print n + 0; exit } f { n++ } /PID USER/ { f = 1 }')
		while [ "${n:-0}" -gt 0 ]; do
			tm send-keys -t t Down
			n=$((n - 1))
		done
		tm send-keys -t t Enter
		if tm_wait_for "Sampled from outside, 99 Hz requested" 10; then
			pass "Enter on a process without an agent: its view is sampled from outside"
		else
			fail "Enter on a process without an agent: its view is sampled from outside" "$(tm_screen | head -n 8 | tr '\n' '|')"
		fi
		tpid=$(tm display-message -p -t t '#{pane_pid}')
		has_events() { ls -l "/proc/$tpid/fd" 2>/dev/null | grep -q 'perf_event'; }
		no_events() { ! has_events; }
		check "the view holds perf events while open" has_events
		tm send-keys -t t Escape
		if wait_until 10 no_events; then
			pass "leaving the view closes the perf events (detach)"
		else
			fail "leaving the view closes the perf events (detach)" "$(ls -l "/proc/$tpid/fd" | grep -c perf_event) still open"
		fi
		check "the target runs on after the detach" kill -0 "$epid"
	else
		fail "Enter on a process without an agent" "no row for pid $epid: $(tm_screen | sed -n '3,6p' | tr '\n' '|')"
	fi
	kill "$epid" 2>/dev/null
	tui_stop_server
else
	skip "Enter in the list" "no tmux"
fi

# ---- permissions ---------------------------------------------------------------------------
as_nobody() { runuser -u nobody -- "$@"; }
# child_of PID: its child's pid, running as nobody (runuser stays as the
# parent of the command; started in the background without a function, so
# that $! is runuser's pid)
has_child() { [ -n "$(pgrep -P "$1" -u nobody | head -n 1)" ]; }
child_of() { wait_until 30 has_child "$1"; pgrep -P "$1" -u nobody | head -n 1; }
if [ "$(id -u)" != 0 ] || ! command -v runuser >/dev/null || ! id nobody >/dev/null 2>&1; then
	skip "permissions" "needs root, runuser and the user nobody"
	exit 0
fi
mkdir -p "$tmp/nb"
chmod 777 "$tmp/nb"
sleep 60 &
rootpid=$!
pids="$pids $rootpid"
PERFTOP_SOCKET=$tmp/nb/sock as_nobody "$PERFTOP" record -p "$rootpid" --duration 1 \
	-o "$tmp/nb/x.ptsnap" >/dev/null 2>"$tmp/nb.err"
rc=$?
if [ "$rc" != 0 ] && grep -q "runs as root and perftop as nobody: only root may sample another user's process" "$tmp/nb.err"; then
	pass "another user's process: refused with the reason, exit $rc"
else
	fail "another user's process: refused with the reason" "rc $rc: $(cat "$tmp/nb.err")"
fi
check "another user's process: no snapshot is left" test ! -e "$tmp/nb/x.ptsnap"

# An ordinary user's own process: sampled (at paranoid <= 2: user time, and
# rings within that user's locked-memory budget).
if [ "${paranoid_orig:-3}" -le 2 ]; then
	mkdir -m 700 "$tmp/nb/sock" && chown nobody "$tmp/nb/sock"
	runuser -u nobody -- "$WORKLOADS/shares" 30 >/dev/null 2>&1 &
	pids="$pids $!"
	ownpid=$(child_of $!)
	pids="$pids $ownpid"
	PERFTOP_SOCKET=$tmp/nb/sock/s as_nobody "$PERFTOP" record -p "$ownpid" --duration 2 \
		-o "$tmp/nb/own.ptsnap" >/dev/null 2>"$tmp/own.err"
	rc=$?
	if [ "$rc" = 0 ] && "$PERFTOP" export "$tmp/nb/own.ptsnap" --format folded -o - 2>/dev/null |
		grep -q 'main;work_fifty;spin'; then
		pass "an ordinary user samples their own process from outside (paranoid $paranoid_orig)"
	else
		fail "an ordinary user samples their own process from outside" "rc $rc: $(cat "$tmp/own.err")"
	fi
	# The locked-memory budget: an ordinary user's rings come from
	# kernel.perf_event_mlock_kb per CPU, shared by all their perf users,
	# then from RLIMIT_MEMLOCK. With RLIMIT_MEMLOCK 0 a first perftop's rings
	# (halved until they fit) take the whole shared budget; a second one
	# with the same limit fits nothing, and says why.
	if command -v prlimit >/dev/null; then
		mkdir -m 700 "$tmp/nb/s1" "$tmp/nb/s2" && chown nobody "$tmp/nb/s1" "$tmp/nb/s2"
		PERFTOP_SOCKET=$tmp/nb/s1/s as_nobody prlimit --memlock=0 "$PERFTOP" record -p "$ownpid" \
			--duration $((WAIT_S + 30)) -o "$tmp/nb/m1.ptsnap" >/dev/null 2>"$tmp/m1.err" &
		m1=$!
		pids="$pids $m1"
		rpid=$m1
		# holds: the first perftop has mapped its ring(s)
		holds() {
			for _c in $(pgrep -u nobody -f "$tmp/nb/m1.ptsnap"); do
				_n=$(grep -c 'anon_inode:\[perf_event\]' "/proc/$_c/maps" 2>/dev/null)
				[ "${_n:-0}" -ge 1 ] && return 0
			done
			return 1
		}
		if wait_until 30 holds; then
			PERFTOP_SOCKET=$tmp/nb/s2/s as_nobody prlimit --memlock=0 "$PERFTOP" record -p "$ownpid" \
				--duration 1 -o "$tmp/nb/m2.ptsnap" >/dev/null 2>"$tmp/m2.err"
			rc=$?
			if [ "$rc" != 0 ] && grep -q "cannot map the sample buffers: over the locked-memory budget (kernel.perf_event_mlock_kb is [0-9]* KiB per CPU, RLIMIT_MEMLOCK 0 KiB.*raise 'ulimit -l'" "$tmp/m2.err"; then
				pass "the locked-memory budget used up: refused with the reason and the remedy, exit $rc"
			else
				fail "the locked-memory budget used up: refused with the reason" "rc $rc: $(cat "$tmp/m2.err")"
			fi
			check "the locked-memory reason is said once" \
				test "$(grep -c 'over the locked-memory budget' "$tmp/m2.err")" = 1
		else
			fail "the locked-memory budget" "the first perftop opened no perf event: $(cat "$tmp/m1.err")"
		fi
		kill "$m1" 2>/dev/null
	else
		skip "the locked-memory budget" "no prlimit (util-linux)"
	fi
	kill "$ownpid" 2>/dev/null
else
	skip "an ordinary user's own process" "perf_event_paranoid is $paranoid_orig: only root may sample"
fi

# A non-dumpable process of the same user: /proc/PID belongs to root.
# (Needs a prctl; setpriv cannot, so a python3 one-liner when there is one.)
if [ -x /usr/bin/python3 ]; then
	runuser -u nobody -- /usr/bin/python3 -c 'import ctypes, time; ctypes.CDLL(None).prctl(4, 0, 0, 0, 0); time.sleep(60)' 2>/dev/null &
	pids="$pids $!"
	ndpid=$(child_of $!)
	pids="$pids $ndpid"
	undumpable() { [ "$(stat -c %U "/proc/$ndpid/stat" 2>/dev/null)" = root ]; }
	wait_until 30 undumpable
	PERFTOP_SOCKET=$tmp/nb/sock as_nobody "$PERFTOP" record -p "$ndpid" --duration 1 \
		-o "$tmp/nb/y.ptsnap" >/dev/null 2>"$tmp/nd.err"
	rc=$?
	if [ "$rc" != 0 ] && grep -q "is not dumpable" "$tmp/nd.err"; then
		pass "a non-dumpable process: refused with the reason, exit $rc"
	else
		fail "a non-dumpable process: refused with the reason" "rc $rc: $(cat "$tmp/nd.err")"
	fi
	kill "$ndpid" 2>/dev/null
else
	skip "non-dumpable" "no /usr/bin/python3 to call prctl(PR_SET_DUMPABLE, 0)"
fi

if [ -n "$paranoid_orig" ] && echo 3 >"$paranoid_file" 2>/dev/null &&
	[ "$(cat "$paranoid_file")" = 3 ]; then
	runuser -u nobody -- sleep 60 2>/dev/null &
	pids="$pids $!"
	nbpid=$(child_of $!)
	pids="$pids $nbpid"
	PERFTOP_SOCKET=$tmp/nb/sock as_nobody "$PERFTOP" record -p "$nbpid" --duration 1 \
		-o "$tmp/nb/z.ptsnap" >/dev/null 2>"$tmp/par.err"
	rc=$?
	echo "$paranoid_orig" >"$paranoid_file"
	if [ "$rc" != 0 ] && grep -q "kernel.perf_event_paranoid is 3: only root may sample" "$tmp/par.err" &&
		grep -q "sysctl kernel.perf_event_paranoid=2" "$tmp/par.err"; then
		pass "perf_event_paranoid 3: refused with the reason and the sysctl, exit $rc"
	else
		fail "perf_event_paranoid 3: refused with the reason" "rc $rc: $(cat "$tmp/par.err")"
	fi
	check "perf_event_paranoid restored to $paranoid_orig" test "$(cat "$paranoid_file")" = "$paranoid_orig"
else
	skip "perf_event_paranoid 3" "$paranoid_file cannot be changed here (not root, or read-only in this container)"
fi
