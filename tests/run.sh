#!/bin/sh
# Runs every test suite and prints the total as the last line:
#   N passed, N failed[, N skipped]
# Unit suites are Criterion binaries in $BUILD/tests (each test forked and
# isolated by Criterion, with a timeout). Shell suites are tests/*/*.test.sh;
# they report through tests/lib.sh as "PASS name", "FAIL name: why" and
# "SKIP name: reason".
# Criterion's --timeout bounds each test; `timeout` bounds each whole binary
# and suite too (UNIT_TIMEOUT, SUITE_TIMEOUT seconds), so a hung runner or
# suite fails with "timed out" instead of stalling the run.
set -u
BUILD=${BUILD:-build}
export BUILD
UNIT_TIMEOUT=${UNIT_TIMEOUT:-600}
# Criterion's per-test limit; sanitizer builds run 2-3x slower.
TEST_TIMEOUT=${TEST_TIMEOUT:-30}
[ "${SAN:-}" = 1 ] && TEST_TIMEOUT=$((TEST_TIMEOUT * 3))
SUITE_TIMEOUT=${SUITE_TIMEOUT:-1200}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	timeout -k 10 "$UNIT_TIMEOUT" "$t" --timeout "$TEST_TIMEOUT" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "FAIL $name: timed out after ${UNIT_TIMEOUT}s"
		tail -n 20 "$log"
		failed=$((failed + 1))
		continue
	fi
	line=$(grep 'Synthesis:' "$log" | tail -n 1)
	p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
	if [ -z "$p" ]; then
		echo "FAIL $name: no Criterion summary (exit $rc)"
		cat "$log"
		failed=$((failed + 1))
		continue
	fi
	f=$((f + c))
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		# The failing tests with each assertion's place and message.
		grep -E -A3 'Assertion Failed|CRASH|^\[FAIL\]|Warning|error' "$log" |
			grep -Ev '^\[----\] *$|^--$' | head -n 40
		[ "$f" -eq 0 ] && f=1
	fi
	echo "unit  $name: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done

for s in tests/*/*.test.sh; do
	[ -f "$s" ] || continue
	timeout -k 10 "$SUITE_TIMEOUT" sh "$s" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "FAIL $s: timed out after ${SUITE_TIMEOUT}s" >>"$log"
	fi
	cat "$log"
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	k=$(grep -c '^SKIP ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $s: exited $rc without reporting a failure"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + k))
done

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
