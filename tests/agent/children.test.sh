#!/bin/sh
# Short-lived processes deliver their samples: a program under the agent forks
# children one after another that each burn a known amount of their own CPU
# time (10 ms, then 300 ms) and exit; every child's pid must reach the test
# sink with samples. The sink stops once every connection (parent and
# children) has ended, so the check waits for that event, not for a time.
# Also an exec chain: each image's samples arrive (the exec interposer has
# the writer flush before the image is replaced).
. tests/lib.sh

AGENT=$PWD/$BUILD/libperftop.so
SINK=$BUILD/tests/agent-sink
FDS=$WORKLOADS/agent_fds
FAULTY=$WORKLOADS/faulty

for f in "$AGENT" "$SINK" "$FDS" "$FAULTY"; do
	if [ ! -e "$f" ]; then
		fail agent-children "$f is missing (make all $SINK)"
		exit 0
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SOCK=$tmp/perftop.sock

# run_children N MS [MODE]: the children mode (or MODE: children_exit, whose
# children end with _exit, which skips the library's destructor) under the
# agent, against a sink that ends after N + 1 connections closed (or 120 s).
run_children() {
	m=${3:-children}
	k=$m$2
	rm -f "$SOCK"
	"$SINK" "$SOCK" -t 120 -c $(($1 + 1)) >"$tmp/sink$k" 2>"$tmp/sink$k.err" &
	sp=$!
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	PERFTOP_SOCKET=$SOCK PERFTOP_QUIET=1 PERFTOP_HZ=1000 timeout 120 \
		sh -c 'export LD_PRELOAD="$0"; exec "$@"' "$AGENT" "$FDS" "$m" "$1" "$2" \
		>"$tmp/out$k" 2>"$tmp/pids$k"
	rc=$?
	wait "$sp"
	check "agent-children: $1 children of $2 ms ran ($m, exit $rc)" grep -qx "children $1" "$tmp/out$k"
	missing=""
	for pid in $(sed -n 's/^child //p' "$tmp/pids$k"); do
		n=$(awk -v p="pid=$pid" '$1 == "samples-tid" && $2 == p { s += $4 } END { print s + 0 }' \
			"$tmp/sink$k")
		[ "$n" -gt 0 ] || missing="$missing $pid"
	done
	if [ -z "$missing" ] && [ -s "$tmp/pids$k" ]; then
		pass "agent-children: every child of $2 ms delivered samples ($m)"
	else
		fail "agent-children: every child of $2 ms delivered samples ($m)" \
			"no samples from:$missing ($(grep -c '^hello' "$tmp/sink$k") connections)"
	fi
}

run_children 10 10
run_children 3 300
run_children 10 5 children_exit

# ---- vfork children ending with _exit ------------------------------------------------
# A vfork child shares the parent's memory and runs no fork handler: the
# agent must do nothing there (no flush, no wait). The program's output and
# status are the same with and without the agent, and it ends (timeout 120 s
# bounds a hang). Three runs.
"$FDS" vfork 20 5 >"$tmp/vfork.ref" 2>&1
ref_rc=$?
for r in 1 2 3; do
	rm -f "$SOCK"
	"$SINK" "$SOCK" -t 120 -c 1 >"$tmp/vsink$r" 2>"$tmp/vsink$r.err" &
	sp=$!
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	PERFTOP_SOCKET=$SOCK PERFTOP_QUIET=1 PERFTOP_HZ=1000 timeout 120 \
		sh -c 'export LD_PRELOAD="$0"; exec "$@"' "$AGENT" "$FDS" vfork 20 5 \
		>"$tmp/vfork$r" 2>&1
	rc=$?
	wait "$sp"
	if [ "$rc" -eq "$ref_rc" ] && cmp -s "$tmp/vfork.ref" "$tmp/vfork$r" &&
		grep -qx "children 20" "$tmp/vfork$r"; then
		pass "agent-children: vfork children ending with _exit behave as without the agent (run $r)"
	else
		fail "agent-children: vfork children ending with _exit behave as without the agent" \
			"run $r: exit $rc (without: $ref_rc), output: $(head -c 200 "$tmp/vfork$r")"
	fi
done

# ---- exec chain: the image before exec keeps its samples ---------------------------
# faulty exec: 10 ms of CPU in the first image (less than a flush period),
# then exec and 10 ms in the second; each image's connection must carry
# samples (the exec interposer has the writer flush first). Three runs.
for r in 1 2 3; do
	rm -f "$SOCK"
	"$SINK" "$SOCK" -t 120 -c 2 >"$tmp/exec$r" 2>"$tmp/exec$r.err" &
	sp=$!
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	PERFTOP_SOCKET=$SOCK PERFTOP_QUIET=1 PERFTOP_HZ=1000 timeout 120 \
		sh -c 'export LD_PRELOAD="$0"; exec "$@"' "$AGENT" "$FAULTY" exec 0.02 \
		>"$tmp/exec$r.out" 2>&1
	wait "$sp"
	check "agent-children: exec chain ran (run $r)" grep -qx "faulty exec done" "$tmp/exec$r.out"
	per=$(sed -n 's/^connection-samples pid=[0-9]* //p' "$tmp/exec$r" | tr '\n' ' ')
	set -- $per
	if [ $# -eq 2 ] && [ "$1" -gt 0 ] && [ "$2" -gt 0 ]; then
		pass "agent-children: both images of an exec chain sent samples (run $r: $per)"
	else
		fail "agent-children: both images of an exec chain sent samples" "run $r: per connection: $per"
	fi
done
