#!/bin/sh
# safety.test.sh — the agent never harms a Python program: the workload
# tests/workloads/py_safety.py (exceptions through 300 frames, 1,000 threads
# in batches, a forked multiprocessing pool, its own SIGUSR1 and SIGTERM
# handlers, faulthandler in it and in a child that crashes on purpose,
# exit while daemon threads run) prints the same lines and exits with the
# same status (7) with the agent as without it, with nothing more on its
# stderr, run after run: under `perftop record` (the agent preloaded,
# connected to a live perftop) and under `perftop run --batch --output`.
# SAFETY_RUNS runs of each (default 20) with Debian's python3; 5 of each
# with pyenv's 3.12 and 3.13 when present (SKIP otherwise).
. tests/lib.sh
. tests/python/lib.sh

WL=$PWD/tests/workloads/py_safety.py
RUNS=${SAFETY_RUNS:-20}

py_suite python_safety || exit 0

# same V MODE I OUT ERR RC: one run's output, stderr and status against the
# reference run's; prints nothing, false (with the reason in $why) on a
# difference.
same() {
	if [ "$6" -ne "$ref_rc" ]; then
		why="$2 run $3: exit status $6, without the agent $ref_rc; stderr: $(grep -v '^perftop: ' "$5" | head -n 3 | tr '\n' '|')"
		return 1
	fi
	if ! cmp -s "$tmp/$1.ref.out" "$4"; then
		why="$2 run $3: output differs: $(diff "$tmp/$1.ref.out" "$4" | head -n 6 | tr '\n' '|')"
		return 1
	fi
	# The program writes nothing to stderr; perftop's own lines start "perftop: ".
	if grep -qv '^perftop: ' "$5"; then
		why="$2 run $3: the program's stderr: $(grep -v '^perftop: ' "$5" | head -n 4 | tr '\n' '|')"
		return 1
	fi
}

# run_version V PY N: the reference run, then N runs under each mode.
run_version() {
	v=$1 py=$2 n=$3
	"$py" "$WL" >"$tmp/$v.ref.out" 2>"$tmp/$v.ref.err"
	ref_rc=$?
	if [ "$ref_rc" -ne 7 ] || [ -s "$tmp/$v.ref.err" ] || [ "$(wc -l <"$tmp/$v.ref.out")" -ne 7 ]; then
		fail "$v safety: the workload without the agent" \
			"exit $ref_rc, $(wc -l <"$tmp/$v.ref.out") lines: $(head -n 3 "$tmp/$v.ref.err" | tr '\n' '|')"
		return
	fi
	pass "$v safety: without the agent: exit 7, 7 lines"

	bad=0 first= samples=0
	i=1
	while [ "$i" -le "$n" ]; do
		timeout $((WAIT_S + 120)) "$PERFTOP" record -o "$tmp/s.ptsnap" -- "$py" "$WL" \
			>"$tmp/out" 2>"$tmp/err"
		rc=$?
		if ! same "$v" record "$i" "$tmp/out" "$tmp/err" "$rc"; then
			bad=$((bad + 1))
			[ -z "$first" ] && first=$why
		fi
		# "wrote '...' (N samples)": the agent was there and sampled.
		k=$(sed -n "s/.*wrote '.*' (\([0-9]*\) samples.*/\1/p" "$tmp/err" | tail -n 1)
		samples=$((samples + ${k:-0}))
		i=$((i + 1))
	done
	check "$v safety: same output, stderr and exit status under perftop record, $n runs ($bad differ${first:+; first: $first})" \
		test "$bad" -eq 0
	check "$v safety: the agent sampled those runs ($samples samples)" test "$samples" -gt 0

	bad=0 first=
	i=1
	while [ "$i" -le "$n" ]; do
		rm -f "$tmp/out"
		timeout $((WAIT_S + 120)) "$PERFTOP" run --batch --output "$tmp/out" -- "$py" "$WL" \
			>"$tmp/batch" 2>"$tmp/err"
		rc=$?
		# --output takes the program's stdout and stderr; perftop's own
		# stderr must say nothing of a crash either.
		grep -q '^ Agent .*samples' "$tmp/batch" || echo "perftop batch shows no agent line" >>"$tmp/err"
		if ! same "$v" "run --batch" "$i" "$tmp/out" "$tmp/err" "$rc"; then
			bad=$((bad + 1))
			[ -z "$first" ] && first=$why
		fi
		i=$((i + 1))
	done
	check "$v safety: same output and exit status under perftop run --batch, $n runs ($bad differ${first:+; first: $first})" \
		test "$bad" -eq 0
}

run_version python3.11-debian /usr/bin/python3 "$RUNS"
# run5 LABEL PY: five runs of each mode with another interpreter.
run5() { run_version "$1" "$2" 5; }
each_pyenv safety run5
