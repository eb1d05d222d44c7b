#!/bin/sh
# perftop report, export and diff on snapshots of a fully known profile
# (written by $BUILD/helpers/mksnap, tests/report/mksnap.c): the same numbers
# in text, markdown and JSON; budgets pass, warn and fail with exit codes
# 0 and 3; every export read back by its real consumer (go tool pprof from
# golang-go, the npm packages pprof-format, speedscope's schema with ajv,
# node's JSON.parse); hostile names; diff naming the function made 2x slower;
# usage errors. Then, when `perftop record` exists, the same on a real run.
. tests/lib.sh

MKSNAP=$BUILD/helpers/mksnap
CONSUMERS=$PWD/tests/report/consumers.js
NPM_DIR=$PWD/$BUILD/npm

for f in "$PERFTOP" "$MKSNAP"; do
	if [ ! -x "$f" ]; then
		fail report "$f not built (make test builds it)"
		exit 0
	fi
done
if ! command -v node >/dev/null 2>&1; then
	fail report "node is not installed (scripts/deps.sh test installs nodejs)"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# jget FILE EXPR: evaluates EXPR on the JSON document d in FILE ("-": stdin).
jget() {
	node -e 'const fs = require("fs");
		 const d = JSON.parse(fs.readFileSync(process.argv[1] === "-" ? 0 : process.argv[1]));
		 const v = eval(process.argv[2]);
		 console.log(typeof v === "object" ? JSON.stringify(v) : v);' "$1" "$2" 2>/dev/null
}

# ---- fixtures --------------------------------------------------------------------
for spec in "base" "slow --slow" "hostile --hostile" "other --program /opt/other"; do
	name=${spec%% *}
	# shellcheck disable=SC2086
	set -- ${spec#"$name"}
	if ! "$MKSNAP" "$tmp/$name.ptsnap" "$@" 2>"$tmp/mksnap.err"; then
		fail "report fixture $name" "$(cat "$tmp/mksnap.err")"
		exit 0
	fi
done
BASE=$tmp/base.ptsnap
if ! "$PERFTOP" report "$BASE" >"$tmp/probe" 2>&1; then
	fail "report opens a snapshot" "$(head -n 3 "$tmp/probe")"
	exit 0
fi
pass "report opens a snapshot"

# ---- report: three formats, same numbers ------------------------------------------
"$PERFTOP" report "$BASE" >"$tmp/r.txt" 2>"$tmp/err"
check "report text exit 0" test $? -eq 0
"$PERFTOP" report "$BASE" --format markdown >"$tmp/r.md" 2>>"$tmp/err"
"$PERFTOP" report "$BASE" --format json -o "$tmp/r.json" 2>>"$tmp/err"
if jget "$tmp/r.json" 'd.schema' | grep -qx 'perftop-report/1'; then
	pass "report json parses"
else
	fail "report json parses" "$(head -c 300 "$tmp/r.json")"
fi
check "report samples" test "$(jget "$tmp/r.json" 'd.summary.samples')" = 1270
check "report hottest by self" test "$(jget "$tmp/r.json" \
	'd.functions_by_self[0].name + " " + d.functions_by_self[0].self')" = "parse 400"
check "report hottest by total" test "$(jget "$tmp/r.json" \
	'd.functions_by_total[0].name + " " + d.functions_by_total[0].total')" = "main 900"
check "report hot path depth" test "$(jget "$tmp/r.json" \
	'd.hot_paths.map(n => n.depth + n.name).slice(0, 4).join(",")')" = "1main,2run,3parse,4memcpy"
check "report zone figures" test "$(jget "$tmp/r.json" \
	'd.zones.map(z => z.name + z.count).join(",")')" = "frame600,parse400"
check "report zone p95" test "$(jget "$tmp/r.json" \
	'Math.abs(d.zones[0].p95_ns / 5700000 - 1) < 0.02')" = true
check "report counter rate" test "$(jget "$tmp/r.json" \
	'Math.round(d.counters[0].rate_avg_per_s)')" = 60
check "report cpu and rss" test "$(jget "$tmp/r.json" \
	'd.summary.cpu_avg_pct + " " + d.summary.rss_growth_bytes')" = "49 921600"

# Every function row of the JSON appears with the same numbers in text and markdown.
same=ok
for row in $(jget "$tmp/r.json" \
	'd.functions_by_self.map(f => f.self_pct.toFixed(1) + "%:" + f.self + ":" + f.name).join(" ")'); do
	pctv=${row%%:*}
	rest=${row#*:}
	cnt=${rest%%:*}
	fn=${rest#*:}
	grep -Eq "^ +$pctv +$cnt .* $fn\$" "$tmp/r.txt" || same="text lacks $row"
	grep -Fq "| $pctv | $cnt |" "$tmp/r.md" || same="markdown lacks $row"
done
check "report same numbers in text, markdown and json ($same)" test "$same" = ok
check "report markdown sections" grep -q '^### Hot paths' "$tmp/r.md"
check "report --top 2" test "$("$PERFTOP" report "$BASE" --format json --top 2 |
	jget - 'd.functions_by_self.length')" = 2

# ---- budgets ---------------------------------------------------------------------
cat >"$tmp/pass.budget" <<'EOF'
# all well within
zone frame p95 < 20ms
zone parse mean < 5ms
cpu avg < 80%
rss growth < 4MB
counter frames rate >= 30/s
function parse self < 50%
EOF
cat >"$tmp/warn.budget" <<'EOF'
zone frame p95 < 6ms
cpu avg < 80%
EOF
cat >"$tmp/fail.budget" <<'EOF'
zone frame p95 < 20ms
function parse self < 30%   # 31.5 %: over
counter frames rate >= 100/s
EOF
printf 'cpu avg < 5%%\nzone frame p96 < 1ms\n' >"$tmp/bad.budget"

"$PERFTOP" report "$BASE" --budget "$tmp/pass.budget" >"$tmp/b.txt" 2>&1
rc=$?
check "budget pass exits 0" test $rc -eq 0
check "budget pass table" test "$(grep -c '^  PASS ' "$tmp/b.txt")" = 6
"$PERFTOP" report "$BASE" --budget "$tmp/warn.budget" >"$tmp/b.txt" 2>&1
rc=$?
check "budget warn exits 0" test $rc -eq 0
check "budget warn row" grep -q '^  WARN    zone frame p95 < 6ms' "$tmp/b.txt"
"$PERFTOP" report "$BASE" --budget "$tmp/fail.budget" >"$tmp/b.txt" 2>&1
rc=$?
check "budget fail exits 3" test $rc -eq 3
check "budget fail rows" test "$(grep -c '^  FAIL ' "$tmp/b.txt")" = 2
"$PERFTOP" report "$BASE" --budget "$tmp/fail.budget" --format json -o "$tmp/b.json" 2>/dev/null
check "budget fail in json" test "$(jget "$tmp/b.json" \
	'd.budget_status + " " + d.budget.map(b => b.status).join(",")')" = "fail pass,fail,fail"
"$PERFTOP" report "$BASE" --budget "$tmp/fail.budget" --format markdown >"$tmp/b.md" 2>/dev/null
check "budget fail in markdown" grep -q '^\*\*Budget: fail\*\*' "$tmp/b.md"
"$PERFTOP" report "$BASE" --budget "$tmp/bad.budget" >"$tmp/b.txt" 2>&1
rc=$?
check "budget bad line exits 1" test $rc -eq 1
check "budget bad line names it" grep -q "line 2: unknown metric 'p96' for zone" "$tmp/b.txt"

# ---- exports -----------------------------------------------------------------------
for fmt in folded pprof speedscope chrome; do
	if "$PERFTOP" export "$BASE" --format $fmt -o "$tmp/e.$fmt" 2>"$tmp/err"; then
		pass "export $fmt"
	else
		fail "export $fmt" "$(cat "$tmp/err")"
	fi
done
total=$(awk '{ n += $NF } END { print n }' "$tmp/e.folded")
check "folded totals equal the samples" test "$total" = "$(jget "$tmp/r.json" 'd.summary.samples')"
check "folded stack line" grep -qx 'main;run;parse 400' "$tmp/e.folded"

# go tool pprof lists the same top functions with the same counts as the report.
# pprof_top PPROF: "name=flat" for every function with samples, in pprof's order.
pprof_top() {
	mkdir -p "$tmp/gohome"
	HOME=$tmp/gohome PPROF_TMPDIR=$tmp/gohome go tool pprof -top -sample_index=samples "$1" \
		>"$tmp/pprof.txt" 2>"$tmp/pprof.err" || return 1
	awk '$1 ~ /^[0-9]+$/ && $2 ~ /%$/ && NF == 6 && $1 > 0 { print $6 "=" $1 }' \
		"$tmp/pprof.txt" | tr '\n' ' ' | sed 's/ $//'
}
# report_top JSON: the same from the report, leaving out "[no stack]" (not a function).
report_top() {
	jget "$1" 'd.functions_by_self.slice(0, 5).map(f => f.name + "=" + f.self).join(" ")'
}
if ! command -v go >/dev/null 2>&1; then
	fail "go tool pprof" "go is not installed (scripts/deps.sh test installs golang-go)"
elif got=$(pprof_top "$tmp/e.pprof"); then
	got=$(echo "$got" | cut -d' ' -f1-5)
	check "go tool pprof top functions match the report ($got)" test "$got" = "$(report_top "$tmp/r.json")"
	check "go tool pprof total samples" grep -q 'Total samples = 1270' "$tmp/pprof.txt"
else
	fail "go tool pprof reads the export" "$(head -n 3 "$tmp/pprof.err")"
fi

# The npm packages decode the pprof and speedscope files.
if why=$(sh tests/report/npm-setup.sh "$NPM_DIR"); then
	if out=$(node "$CONSUMERS" "$NPM_DIR" pprof "$tmp/e.pprof" 2>&1); then
		check "pprof-format decodes: samples" test "$(echo "$out" |
			jget - 'd.samples + " " + d.flat.parse + " " + d.types.join(",")')" \
			= "1270 400 samples/count,cpu/nanoseconds"
	else
		fail "pprof-format decodes the export" "$out"
	fi
	if out=$(node "$CONSUMERS" "$NPM_DIR" speedscope "$tmp/e.speedscope" 2>&1); then
		check "speedscope schema: 2 threads, 1270 samples" test \
			"$out" = '{"valid":true,"profiles":2,"weights":1270}'
	else
		fail "speedscope schema validates the export" "$out"
	fi
else
	skip "npm consumers (pprof-format, speedscope)" "$why"
fi

if out=$(node "$CONSUMERS" "$NPM_DIR" json "$tmp/e.chrome" 2>&1); then
	check "chrome trace: metadata, zones, counters, marks ($out)" test "$(echo "$out" |
		jget - 'd.ph.M >= 3 && d.ph.X >= 20 && d.ph.C > 0 && d.ph.i === 3')" = true
else
	fail "chrome trace parses" "$out"
fi

# ---- hostile names ---------------------------------------------------------------
H=$tmp/hostile.ptsnap
hostile=ok
for fmt in json markdown text; do
	"$PERFTOP" report "$H" --format $fmt -o "$tmp/h.$fmt" 2>/dev/null || hostile="report $fmt failed"
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$tmp/h.$fmt" 2>/dev/null; then
		hostile="raw control characters in the $fmt report"
	fi
done
node "$CONSUMERS" "$NPM_DIR" json "$tmp/h.json" >/dev/null 2>&1 || hostile="report json does not parse"
for fmt in folded pprof speedscope chrome; do
	"$PERFTOP" export "$H" --format $fmt -o "$tmp/h.$fmt" 2>/dev/null || hostile="export $fmt failed"
done
node "$CONSUMERS" "$NPM_DIR" json "$tmp/h.chrome" >/dev/null 2>&1 || hostile="chrome trace does not parse"
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$tmp/h.speedscope" 2>/dev/null ||
	hostile="speedscope does not parse"
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$tmp/h.folded" 2>/dev/null; then
	hostile="raw control characters in folded stacks"
fi
check "folded: separator in a name replaced" grep -q 'evil"quote\\back;semi:colon name 30$' "$tmp/h.folded" 2>/dev/null
check "hostile names: every output valid ($hostile)" test "$hostile" = ok

# ---- diff ----------------------------------------------------------------------------
"$PERFTOP" diff "$BASE" "$tmp/slow.ptsnap" --report >"$tmp/d.txt" 2>"$tmp/d.err"
rc=$?
check "diff exits 0" test $rc -eq 0
first=$(awk '/^Functions, largest regression first/ { getline; getline; print $NF; exit }' "$tmp/d.txt")
check "diff names the 2x slower function first ($first)" test "$first" = parse
"$PERFTOP" diff "$BASE" "$tmp/slow.ptsnap" --report --format json -o "$tmp/d.json" 2>/dev/null
check "diff json: parse first, zone p95 +100%" test "$(jget "$tmp/d.json" \
	'd.functions[0].name + " " + d.zones.find(z => z.name === "parse").p95_change_pct.toFixed(0)')" = "parse 100"
"$PERFTOP" diff "$BASE" "$tmp/slow.ptsnap" --report --format markdown >"$tmp/d.md" 2>/dev/null
check "diff markdown" grep -q '^### Functions, largest regression first' "$tmp/d.md"
# Only beta got 3x slower: alpha's own CPU time is unchanged (0 %) though its
# share fell; beta's is +200 %; the headers say which side is which.
"$MKSNAP" "$tmp/ab1.ptsnap" --beta-x 1 && "$MKSNAP" "$tmp/ab3.ptsnap" --beta-x 3
"$PERFTOP" diff "$tmp/ab1.ptsnap" "$tmp/ab3.ptsnap" --report --format json -o "$tmp/ab.json" 2>/dev/null
check "diff: alpha's CPU change 0 %, beta's +200 %" test "$(jget "$tmp/ab.json" \
	'["alpha", "beta"].map(n => d.functions.find(f => f.name === n).cpu_change_pct.toFixed(1)).join(" ")')" = "0.0 200.0"
check "diff: alpha's share fell all the same" test "$(jget "$tmp/ab.json" \
	'd.functions.find(f => f.name === "alpha").self_change_pts < 0')" = true
check "diff json: the files are named BASE and NEW" test "$(jget "$tmp/ab.json" \
	'd.summary.base_file.endsWith("ab1.ptsnap") && d.summary.new_file.endsWith("ab3.ptsnap")')" = true
"$PERFTOP" diff "$tmp/ab1.ptsnap" "$tmp/ab3.ptsnap" --report >"$tmp/ab.txt" 2>/dev/null
check "diff text: the first line says which file is BASE and which NEW" \
	sh -c "head -n 1 '$tmp/ab.txt' | grep -q 'BASE (before) .*ab1.ptsnap, NEW (after) .*ab3.ptsnap'"
check "diff text: beta's row reads +200.0%" \
	sh -c "grep -E '^ +\+200\.0% .* beta\$' '$tmp/ab.txt' >/dev/null"
"$PERFTOP" diff "$BASE" "$tmp/other.ptsnap" --report >"$tmp/d.txt" 2>"$tmp/d.err"
rc=$?
check "diff of different programs works" test $rc -eq 0
check "diff of different programs warns" grep -q "warning: 'demo' and 'other' are different programs" "$tmp/d.err"

# ---- usage and errors ------------------------------------------------------------
"$PERFTOP" report >/dev/null 2>&1
check "report without a file: usage error" test $? -eq 2
"$PERFTOP" report "$BASE" --format html >/dev/null 2>&1
check "report unknown format: usage error" test $? -eq 2
"$PERFTOP" export "$BASE" --format pprof >/dev/null 2>&1
check "export without -o: usage error" test $? -eq 2
"$PERFTOP" diff "$BASE" >/dev/null 2>&1
check "diff with one file: usage error" test $? -eq 2
"$PERFTOP" report "$tmp/nope.ptsnap" >/dev/null 2>"$tmp/err"
rc=$?
check "report of a missing file exits 1" test $rc -eq 1
check "report of a missing file names it" grep -q "nope.ptsnap" "$tmp/err"
printf 'not a snapshot at all\n' >"$tmp/foreign"
"$PERFTOP" report "$tmp/foreign" >/dev/null 2>&1
check "report of a foreign file exits 1" test $? -eq 1
mkdir "$tmp/ro"
"$PERFTOP" export "$BASE" --format folded -o "$tmp/ro/missing/out" >/dev/null 2>&1
check "export to a missing directory exits 1" test $? -eq 1
"$PERFTOP" export "$BASE" --format folded -o "$tmp/ro/out.folded" 2>/dev/null
check "export leaves no temporary file" test "$(ls "$tmp/ro")" = out.folded

# ---- a real run, when perftop record exists --------------------------------------
# pt_zones: zone "tick" exactly 200 times, counter "items" +3 a tick (600).
WL=$WORKLOADS/pt_zones
if ! "$PERFTOP" record --help >/dev/null 2>&1; then
	skip "report of a recorded run" "perftop record is not in this build yet"
	exit 0
fi
if [ ! -x "$WL" ]; then
	fail "report of a recorded run" "$WL not built"
	exit 0
fi
if ! timeout $((WAIT_S * 4)) "$PERFTOP" record -o "$tmp/run.ptsnap" -F 997 -- "$WL" >"$tmp/rec.out" 2>&1; then
	fail "record a workload" "$(tail -n 3 "$tmp/rec.out")"
	exit 0
fi
RUN=$tmp/run.ptsnap
"$PERFTOP" report "$RUN" --format json -o "$tmp/run.json" 2>"$tmp/err"
check "recorded run: report has samples" test "$(jget "$tmp/run.json" 'd.summary.samples > 0')" = true
check "recorded run: zone tick 200 times" test \
	"$(jget "$tmp/run.json" 'd.zones.find(z => z.name === "tick").count')" = 200
check "recorded run: counter items 600" test \
	"$(jget "$tmp/run.json" 'd.counters.find(c => c.name === "items").total')" = 600
"$PERFTOP" export "$RUN" --format folded -o "$tmp/run.folded" 2>/dev/null
check "recorded run: folded totals equal the samples" test \
	"$(awk '{ n += $NF } END { print n }' "$tmp/run.folded")" = "$(jget "$tmp/run.json" 'd.summary.samples')"
"$PERFTOP" export "$RUN" --format pprof -o "$tmp/run.pprof" 2>/dev/null
if command -v go >/dev/null 2>&1 && got=$(pprof_top "$tmp/run.pprof"); then
	# The report's top functions with the same counts (equal counts may come in
	# another order).
	missing=
	for f in $(report_top "$tmp/run.json"); do
		case " $got " in *" $f "*) ;; *) missing="$missing $f" ;; esac
	done
	check "recorded run: go tool pprof has the report's counts (missing:${missing:- none})" \
		test -z "$missing"
else
	fail "recorded run: go tool pprof reads the export" "$(head -n 3 "$tmp/pprof.err" 2>/dev/null)"
fi
printf 'zone tick count >= 200\nzone tick mean > 1ms\ncounter items total >= 600\n' >"$tmp/run.budget"
"$PERFTOP" report "$RUN" --budget "$tmp/run.budget" >"$tmp/b.txt" 2>&1
check "recorded run: budget passes" test $? -eq 0
printf 'zone tick mean < 1ms\n' >"$tmp/run.budget"
"$PERFTOP" report "$RUN" --budget "$tmp/run.budget" >"$tmp/b.txt" 2>&1
check "recorded run: budget fails with 3" test $? -eq 3
