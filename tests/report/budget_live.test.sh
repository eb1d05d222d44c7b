# tests/report/budget_live.test.sh — `perftop run --budget FILE` in a private
# tmux server: the header line ("budget: all N pass" / "budget: N breach ...")
# on screen, the rows a rule names coloured, the pass/fail table printed at
# exit with status 0 or 3; with --batch, the budget line in every refresh; a
# bad budget file stops perftop with the line number and status 2 before
# the command is launched. (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh

tui_suite budget_live "$WORKLOADS/pt_zones" || exit 0
LC_ALL=C.UTF-8
export LC_ALL
PERFTOP_ABS=$(cd "$(dirname "$PERFTOP")" && pwd)/$(basename "$PERFTOP")
ZONES_ABS=$(cd "$WORKLOADS" && pwd)/pt_zones

# pt_zones: 1000 zones "tick" of 2 ms (about 2 s), counter "items" +3 a zone.
cat >"$T/pass.budget" <<'EOF'
zone tick p95 < 10s
zone tick count >= 1
counter items rate >= 1/s
function busy_for total >= 50%   # busy_for is on most stacks of the zone loop
EOF
cat >"$T/fail.budget" <<'EOF'
zone tick p95 < 1ms     # each tick lasts 2 ms: a breach
counter items rate >= 1/s
function main self < 90%
EOF

# run_budget NAME BUDGET: perftop run --budget in tmux; waits for the zones.
run_budget() {
	rm -f "$T/rc"
	tm_start "cd '$T' && TZ=UTC '$PERFTOP_ABS' run --budget '$2' -- '$ZONES_ABS' 1000 2000; echo rc=\$? >'$T/rc'; sleep 60"
	wait_for_text "budget: " 15
}

# quit_and_rc: q once the command has exited; the exit status perftop gave.
quit_and_rc() {
	wait_for_text "exited" 20
	tm send-keys -t t q
	wait_file "$T/rc" 10
	sed -n 's/^rc=//p' "$T/rc"
}

# ---- a budget that passes -----------------------------------------------------
if run_budget pass "$T/pass.budget"; then
	if wait_for_text "budget: all 4 pass" 10; then
		pass budget_live_pass_header
	else
		fail budget_live_pass_header "$(tm_screen | sed -n 2p)"
	fi
	rc=$(quit_and_rc)
	check budget_live_pass_exit_0 [ "$rc" = 0 ]
	if tm_screen | grep -Eq "PASS +zone tick p95 < 10s"; then
		pass budget_live_pass_table
	else
		fail budget_live_pass_table "$(tm_screen | grep -A6 '^Budget' | tr '\n' '|')"
	fi
else
	fail budget_live_pass_starts "$(tm_screen | head -n 3 | tr '\n' '|')"
fi

# ---- a budget that fails ------------------------------------------------------
if run_budget fail "$T/fail.budget"; then
	if wait_for_text "budget: 1 breach — zone tick p95 " 10 &&
		tm_screen | grep -Eq "budget: 1 breach — zone tick p95 [0-9.]+ ms ≥ 1.00 ms"; then
		pass budget_live_fail_header
	else
		fail budget_live_fail_header "$(tm_screen | sed -n 2p)"
	fi
	# The Zones tab: the tick row in the bad colour, unlike the header row.
	tm send-keys -t t 5
	tm_wait_for "ZONE" 5
	esc=$(tm capture-pane -p -e -t t)
	tick=$(echo "$esc" | grep "tick" | grep -v "budget" | tail -n 1 | cut -c1-12)
	head=$(echo "$esc" | grep "ZONE" | tail -n 1 | cut -c1-12)
	if [ -n "$tick" ] && [ "$tick" != "$head" ] && echo "$tick" | grep -q "$ESC\\["; then
		pass budget_live_zone_row_coloured
	else
		fail budget_live_zone_row_coloured "tick row starts '$(echo "$tick" | cat -v)'"
	fi
	rc=$(quit_and_rc)
	check budget_live_fail_exit_3 [ "$rc" = 3 ]
	if tm_screen | grep -Eq "FAIL +zone tick p95 < 1ms"; then
		pass budget_live_fail_table
	else
		fail budget_live_fail_table "$(tm_screen | grep -A6 '^Budget' | tr '\n' '|')"
	fi
else
	fail budget_live_fail_starts "$(tm_screen | head -n 3 | tr '\n' '|')"
fi

# ---- --batch: the budget line in every refresh -------------------------------
"$PERFTOP" run --batch --budget "$T/fail.budget" -- "$WORKLOADS/pt_zones" 1000 2000 \
	>"$T/batch" 2>"$T/batch.err"
rc=$?
refreshes=$(grep -c "^ PID " "$T/batch")
lines=$(grep -c "^ budget: " "$T/batch")
if [ "$refreshes" -ge 1 ] && [ "$lines" = "$refreshes" ] &&
	grep -Eq "^ budget: 1 breach — zone tick p95 [0-9.]+ ms ≥ 1.00 ms" "$T/batch"; then
	pass budget_batch_line_each_refresh
else
	fail budget_batch_line_each_refresh "$refreshes refreshes, $lines budget lines: $(grep budget "$T/batch" | head -n 2 | tr '\n' '|')"
fi
check budget_batch_exit_3 [ "$rc" = 3 ]

# ---- a bad budget file: line number, status 2, nothing launched ---------------
printf 'zone tick p95 < 10s\ncpu avg < lots\n' >"$T/bad.budget"
"$PERFTOP" run --budget "$T/bad.budget" -- sh -c "touch '$T/launched'" >"$T/out" 2>"$T/err"
rc=$?
check budget_live_bad_file_exit_2 [ "$rc" = 2 ]
if grep -q "budget '.*bad.budget': line 2: " "$T/err"; then
	pass budget_live_bad_file_line
else
	fail budget_live_bad_file_line "stderr: $(cat "$T/err")"
fi
check budget_live_bad_file_nothing_launched [ ! -e "$T/launched" ]
"$PERFTOP" run --budget "$T/none.budget" -- sh -c "touch '$T/launched'" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" = 2 ] && grep -q "none.budget" "$T/err" && [ ! -e "$T/launched" ]; then
	pass budget_live_missing_file
else
	fail budget_live_missing_file "exit $rc, stderr: $(cat "$T/err")"
fi
