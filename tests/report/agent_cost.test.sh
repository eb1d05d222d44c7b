#!/bin/sh
# The agent's own cost, end to end: a real busy workload (agent_burn) under
# the real agent, through `perftop run --batch` and `perftop record` +
# `report`. The agent line says "agent N % of the target's CPU", and the
# text, markdown and JSON reports and the snapshot carry it. Sanity bounds
# only (present, above 0, below 100 %): the figures are measured against
# the outside view in bench/agent_cost.bench.sh.
. tests/lib.sh

burn=$BUILD/workloads/agent_burn
if [ ! -x "$PERFTOP" ] || [ ! -x "$burn" ]; then
	fail agent_cost "$PERFTOP or $burn not built"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PERFTOP_SOCKET=$tmp/perftop.sock
export PERFTOP_SOCKET

# 0 < N < 100 for a number N printed as perftop prints it.
in_range() { awk -v x="$1" 'BEGIN { exit !(x ~ /^[0-9]+(\.[0-9]+)?$/ && x > 0 && x < 100) }'; }

timeout $((WAIT_S + 60)) "$PERFTOP" run --batch -- "$burn" 1.5 >"$tmp/run.txt" 2>&1
last=$(awk '/^ PID / { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$tmp/run.txt")
pct=$(printf '%s\n' "$last" | sed -n "s/.*agent \([0-9.]*\) % of the target's CPU.*/\1/p" | tail -n 1)
if [ -n "$pct" ] && in_range "$pct"; then
	pass "agent_cost: run --batch's agent line shows the agent's cost ($pct %)"
else
	fail "agent_cost: run --batch's agent line shows the agent's cost" \
		"'$pct' in: $(printf '%s\n' "$last" | grep '^ Agent' | tail -n 1)"
fi

timeout $((WAIT_S + 60)) "$PERFTOP" record -o "$tmp/r.ptsnap" -- "$burn" 1.5 >"$tmp/rec.txt" 2>&1
if [ ! -s "$tmp/r.ptsnap" ]; then
	fail "agent_cost: record" "no snapshot: $(tail -n 3 "$tmp/rec.txt")"
	exit 0
fi
"$PERFTOP" report --format json "$tmp/r.ptsnap" >"$tmp/r.json" 2>"$tmp/err.txt"
jpct=$(sed -n 's/^ *"agent_cost_pct": \([0-9.e+-]*\),*$/\1/p' "$tmp/r.json" | head -n 1)
jcpu=$(sed -n 's/^ *"agent_handler_s": \([0-9.e+-]*\),*$/\1/p' "$tmp/r.json" | head -n 1)
if [ -n "$jpct" ] && in_range "$(printf '%f' "$jpct")" && [ -n "$jcpu" ] &&
	awk -v x="$jcpu" 'BEGIN { exit !(x > 0) }'; then
	pass "agent_cost: the JSON report of a recording carries agent_cost_pct ($jpct) and agent_handler_s ($jcpu)"
else
	fail "agent_cost: the JSON report carries agent_cost_pct and agent_handler_s" \
		"'$jpct' '$jcpu': $(grep agent_ "$tmp/r.json" | head -n 3)"
fi
"$PERFTOP" report "$tmp/r.ptsnap" >"$tmp/r.txt" 2>&1
tpct=$(sed -n "s/^  agent CPU, of the target's *\([0-9.]*\)%$/\1/p" "$tmp/r.txt")
check "agent_cost: the text report has the same figure ($tpct %)" \
	sh -c "[ -n '$tpct' ] && awk -v a='$tpct' -v b='$jpct' 'BEGIN { d = a - b; exit !(d < 0.06 && d > -0.06) }'"
"$PERFTOP" report --format markdown "$tmp/r.ptsnap" >"$tmp/r.md" 2>&1
check "agent_cost: the markdown report has the row" \
	grep -qE "^\| agent CPU, of the target's \| [0-9.]+% \|$" "$tmp/r.md"
# The snapshot opened in the TUI's batch mode draws the same agent line.
"$PERFTOP" open --batch "$tmp/r.ptsnap" >"$tmp/snap.txt" 2>&1
check "agent_cost: the snapshot's agent line shows the cost" \
	grep -q "agent [0-9.]* % of the target's CPU" "$tmp/snap.txt"
