#!/bin/sh
# Zone counts against a counter incremented beside each zone
# (tests/workloads/pt_zonecount): the all-time count in the report, the JSON
# and `run --batch` is exactly the known number of zones, whether the program
# stops after N zones or at an arbitrary moment (SIGALRM), right after its
# last zone with no wait for the agent.
. tests/lib.sh

WL=$WORKLOADS/pt_zonecount
if [ ! -x "$WL" ] || [ ! -x "$PERFTOP" ]; then
	fail zones_exact "$WL or $PERFTOP not built"
	exit 0
fi
if ! command -v node >/dev/null 2>&1; then
	fail zones_exact "node is not installed (scripts/deps.sh test installs nodejs)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PERFTOP_SOCKET=$tmp/perftop.sock
export PERFTOP_SOCKET

# jfield FILE KIND NAME FIELD: d[KIND].find(name == NAME)[FIELD] of a report.
jfield() {
	node -e 'const [f, kind, name, field] = process.argv.slice(1);
		 const d = JSON.parse(require("fs").readFileSync(f));
		 console.log(d[kind].find(x => x.name === name)[field]);' "$@" 2>/dev/null
}

# N zones, then exit at once.
if timeout 120 "$PERFTOP" record -o "$tmp/n.ptsnap" -- "$WL" 20000 >"$tmp/rec.out" 2>&1 &&
	"$PERFTOP" report "$tmp/n.ptsnap" --format json -o "$tmp/n.json" 2>"$tmp/err"; then
	z=$(jfield "$tmp/n.json" zones step count)
	c=$(jfield "$tmp/n.json" counters steps total)
	check "zones: 20000 zones recorded count 20000 (got $z)" test "$z" = 20000
	check "zones: the counter beside them totals 20000 (got $c)" test "$c" = 20000
	"$PERFTOP" report "$tmp/n.ptsnap" >"$tmp/n.txt" 2>&1
	check "zones: the text report says 20000" \
		sh -c "grep -E '^  step +20000 ' '$tmp/n.txt' >/dev/null"
else
	fail "zones: record 20000 zones" "$(tail -n 3 "$tmp/rec.out" "$tmp/err" 2>/dev/null)"
fi

# Stopped at an arbitrary moment: the counter is the known answer.
if timeout 120 "$PERFTOP" record -o "$tmp/a.ptsnap" -- "$WL" 0 2 >"$tmp/rec.out" 2>&1 &&
	"$PERFTOP" report "$tmp/a.ptsnap" --format json -o "$tmp/a.json" 2>"$tmp/err"; then
	z=$(jfield "$tmp/a.json" zones step count)
	c=$(jfield "$tmp/a.json" counters steps total)
	check "zones: a run stopped by a signal counts its zones as the counter does ($z, $c)" \
		test -n "$z" -a "$z" = "$c" -a "${z:-0}" -gt 0
else
	fail "zones: record a run stopped by a signal" "$(tail -n 3 "$tmp/rec.out" "$tmp/err" 2>/dev/null)"
fi

# The live figures of `run --batch`, last refresh.
if timeout 120 "$PERFTOP" run --batch -- "$WL" 20000 >"$tmp/b.txt" 2>&1; then
	z=$(awk '/^Zones:/ { on = 1; next } /^[A-Z]/ { on = 0 } on && $1 == "step" { v = $2 } END { print v }' "$tmp/b.txt")
	c=$(awk '/^Counters:/ { on = 1; next } /^[A-Z]/ { on = 0 } on && $1 == "steps" { v = $2 } END { print v }' "$tmp/b.txt")
	check "zones: run --batch shows 20000 zones (got $z)" test "$z" = 20000
	check "zones: run --batch shows the counter at 20000 (got $c)" test "$c" = 20000
else
	fail "zones: run --batch" "$(tail -n 3 "$tmp/b.txt")"
fi
