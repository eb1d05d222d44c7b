#!/bin/sh
# frames.test.sh — Python frames in perftop's profiles, on workloads with
# known answers (tests/workloads/py_*.py), each run under the real perftop
# (`perftop record`, then `report --format json`, `export --format
# folded|speedscope|pprof`; `run --batch` once) and judged by
# tests/python/frames_check.py:
#   every workload  its functions are report rows with their file, the line
#               of their `def` and a module naming the file;
#   py_shares   three functions doing 50/30/20 % of one thread's work: shares
#               within +-3 points; the interpreter's own frames
#               (_PyEval_EvalFrameDefault) left out of their stacks by default;
#   py_threads  two threads doing work in the ratio 2:1: each function on its
#               own thread, the threads' sample shares within +-3 points of
#               the CPU time each thread measured, their Python names;
#   py_recurse  a recursion 40 deep: 40 nested frames in the folded stacks;
#   py_parents  a sorted(key=lambda) and a generator: their Python parents
#               through the C code between (sorted, the generator's resume);
#   py_zlib     a thread in zlib.compress with the GIL released: zlib's
#               samples under the Python function that called it;
# the pprof export read back by `go tool pprof -top -lines` names the Python
# functions with their files and def lines; `export --interp` keeps the
# interpreter's frames; `run --batch` lists them with FILE:LINE. Shares test
# attribution with a tolerance, never time. Debian's python3 always; pyenv's
# 3.12 and 3.13 when present (SKIP otherwise).
. tests/lib.sh
. tests/python/lib.sh

WLDIR=$PWD/tests/workloads
CHECK=$PWD/tests/python/frames_check.py
# Debian's python3 reads every profile (any version is being judged).
JUDGE=/usr/bin/python3

py_suite python_frames || exit 0

# expect_line WORKLOAD: the first word its last output line starts with.
expect_word() { echo "${1#py_}"; }

# record_one V PY W: records workload W with PY into $tmp/V/W/ and writes
# its report and exports there; false (after a FAIL) when one is missing.
record_one() {
	v=$1 py=$2 w=$3
	d=$tmp/$v/$w
	mkdir -p "$d"
	timeout $((WAIT_S + 120)) "$PERFTOP" record -o "$d/s.ptsnap" -- "$py" "$WLDIR/$w.py" \
		>"$d/out" 2>"$d/rec.err"
	rc=$?
	if [ "$rc" -ne 0 ] || ! grep -q "^$(expect_word "$w") " "$d/out"; then
		fail "$v $w: record" "exit $rc, output '$(head -c 200 "$d/out")': $(tail -n 3 "$d/rec.err")"
		return 1
	fi
	if ! "$PERFTOP" report "$d/s.ptsnap" --format json --top 100000 -o "$d/r.json" 2>"$d/err"; then
		fail "$v $w: report" "$(head -n 3 "$d/err")"
		return 1
	fi
	for fmt in folded speedscope pprof; do
		if ! "$PERFTOP" export "$d/s.ptsnap" --format "$fmt" -o "$d/e.$fmt" 2>"$d/err"; then
			fail "$v $w: export $fmt" "$(head -n 3 "$d/err")"
			return 1
		fi
	done
}

# pprof_names V D WORKLOAD FN...: go tool pprof -top -lines on D/e.pprof
# lists each FN with the workload's file and the line of its `def`.
pprof_names() {
	v=$1 d=$2 wl=$3
	shift 3
	if ! command -v go >/dev/null 2>&1; then
		skip "$v pprof: go tool pprof" "go is not installed (scripts/deps.sh test installs golang-go)"
		return
	fi
	mkdir -p "$tmp/gohome"
	if ! HOME=$tmp/gohome PPROF_TMPDIR=$tmp/gohome go tool pprof -top -lines \
		-sample_index=samples "$d/e.pprof" >"$d/pprof.txt" 2>"$d/pprof.err"; then
		fail "$v pprof: go tool pprof reads the export" "$(head -n 3 "$d/pprof.err")"
		return
	fi
	base=$(basename "$wl")
	for fn in "$@"; do
		# A row: flat flat% sum% cum cum% NAME FILE:LINE
		row=$(awk -v fn="$fn" -v base="$base" \
			'$6 == fn || $6 ~ ("\\." fn "$") { if (index($7, base ":") > 0) { print $6 " " $7; exit } }' \
			"$d/pprof.txt")
		if [ -z "$row" ]; then
			fail "$v pprof: go tool pprof -top names $fn with $base" \
				"$(grep -m 3 -E '^ +[0-9]' "$d/pprof.txt" | tr -s ' ' | tr '\n' '|')"
			continue
		fi
		def=$(grep -n "^def $fn(" "$wl" | cut -d: -f1)
		check "$v pprof: go tool pprof -top -lines names $row (def line $def)" \
			test "${row##*:}" = "$def"
	done
}

# run_version V PY: every workload with interpreter PY.
run_version() {
	v=$1 py=$2
	for w in py_shares py_threads py_recurse py_parents py_zlib; do
		record_one "$v" "$py" "$w" || continue
		"$JUDGE" "$CHECK" "${w#py_}" "$v" "$WLDIR/$w.py" "$tmp/$v/$w"
	done
	[ -f "$tmp/$v/py_shares/e.pprof" ] &&
		pprof_names "$v" "$tmp/$v/py_shares" "$WLDIR/py_shares.py" work_50 work_30 work_20
	# --interp keeps the interpreter's frames between the Python ones.
	if [ -f "$tmp/$v/py_shares/s.ptsnap" ] && "$PERFTOP" export "$tmp/$v/py_shares/s.ptsnap" \
		--interp --format folded -o "$tmp/$v/interp.folded" 2>/dev/null; then
		n=$(grep -c '_PyEval_EvalFrameDefault;.*work_50' "$tmp/$v/interp.folded")
		check "$v export --interp: _PyEval_EvalFrameDefault under work_50's callers ($n stacks)" test "$n" -gt 0
	else
		fail "$v export --interp" "export --interp --format folded failed"
	fi

	# perftop run --batch: the last refresh's Functions table names them
	# with FILE:LINE.
	d=$tmp/$v/batch
	mkdir -p "$d"
	timeout $((WAIT_S + 120)) "$PERFTOP" run --batch -- "$py" "$WLDIR/py_shares.py" 2 \
		>"$d/out" 2>"$d/err"
	rc=$?
	awk '/^ PID / { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$d/out" >"$d/last"
	check "$v run --batch: exit status 0 ($rc)" test "$rc" -eq 0
	for fn in work_50 work_30 work_20; do
		row=$(awk -v fn="$fn" '/^Functions:/ { f = 1; next } /^[A-Z][a-z]*:/ { f = 0 }
			f && ($4 == fn || $4 ~ ("\\." fn "$")) { print; exit }' "$d/last")
		case $row in
		*py_shares.py:[0-9]*) pass "$v run --batch: Functions shows $(echo "$row" | tr -s ' ')" ;;
		*) fail "$v run --batch: Functions shows $fn with py_shares.py:LINE" \
			"${row:-absent; top rows: $(grep -A 4 '^Functions:' "$d/last" | tail -n 3 | tr -s ' ' | tr '\n' '|')}" ;;
		esac
	done
}

run_version python3.11-debian /usr/bin/python3
each_pyenv frames run_version
