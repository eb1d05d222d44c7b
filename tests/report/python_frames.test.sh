#!/bin/sh
# Python frames as perftop shows them, on a real interpreter: `perftop run
# --batch -- python3 w.py` (w.py spends its time in a pure-Python function
# called through a method, and in re's C matcher) lists the Python functions
# named by qualified name with their short module and definition line, the
# hottest lines under "Lines:", and leaves the interpreter's machinery out
# (in a recording's report `_PyEval_EvalFrameDefault` is under half the
# samples, where with --interp it is on nearly every stack); the report and
# the folded export name the same functions, with and without --interp. Skipped, with the reason, when
# there is no python3 or the agent does not read its frames (a version it
# does not know says so in its notice). (POSIX sh.)
. tests/lib.sh

if [ ! -x "$PERFTOP" ]; then
	fail python_frames "$PERFTOP not built"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	skip python_frames "no python3 on this machine"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PERFTOP_SOCKET=$tmp/perftop.sock
export PERFTOP_SOCKET

cat >"$tmp/w.py" <<'PY'
import re
import sys

WORD = re.compile(r"([a-z]+)\1")


class Worker:
    def spin(self, n):
        total = 0
        for i in range(n):
            total += i * i % 7
        return total

    def match(self, text):
        return len(WORD.findall(text))


def main():
    w = Worker()
    text = "abab cdcd efgh " * 2000
    for _ in range(int(sys.argv[1])):
        w.spin(200000)
        w.match(text)


main()
PY

# run_batch OUT [OPTIONS...]: the last refresh of a --batch run of w.py.
run_batch() {
	_o=$1
	shift
	"$PERFTOP" run --batch -d 0.5 "$@" -- python3 "$tmp/w.py" 40 >"$tmp/all" 2>"$tmp/err"
	awk '/^ PID /{n=0; delete a} {a[++n]=$0} END{for(i=1;i<=n;i++) print a[i]}' "$tmp/all" >"$_o"
}
# within VALUE LO HI: LO <= VALUE <= HI, as decimals.
within() {
	awk -v v="$1" -v lo="$2" -v hi="$3" \
		'BEGIN { exit !(v ~ /^[0-9]+(\.[0-9]+)?$/ && v + 0 >= lo + 0 && v + 0 <= hi + 0) }'
}
# row OUT FUNCTION: the Functions row of FUNCTION (fields split on two spaces).
row() { awk -v f="$2" -F '  +' '/^Functions/{on=1; next} /^[A-Z]/{on=0} on && $5 == f' "$1"; }
# total OUT FUNCTION: its TOTAL% (0 when not listed).
total() { row "$1" "$2" | awk -F '  +' '{ print $3; exit } END { if (!NR) print 0 }'; }

run_batch "$tmp/hidden"
if ! grep -q "Python functions and lines are sampled" "$tmp/all"; then
	skip python_frames "the agent does not read this python3's frames: $(grep -i python "$tmp/all" | head -n 2 | tr '\n' ' ')"
	exit 0
fi
check says_hidden grep -q "interpreter frames hidden (--interp shows them)" "$tmp/hidden"
line=$(grep -n "    def spin" "$tmp/w.py" | cut -d: -f1)
r=$(row "$tmp/hidden" Worker.spin)
if echo "$r" | grep -Eq " Worker\.spin +w\.py +$tmp/w\.py:$line\$"; then
	pass method_named_with_module_and_line
else
	fail method_named_with_module_and_line "row: '$r'"
fi
spin_line=$(grep -n "total += i" "$tmp/w.py" | cut -d: -f1)
if awk '/^Lines:/{on=1; next} /^[A-Z]/{on=0} on' "$tmp/hidden" | grep -q "Worker\.spin  $tmp/w\.py:$spin_line\$"; then
	pass hot_line_listed
else
	fail hot_line_listed "$(awk '/^Lines:/{on=1} /^Threads:/{on=0} on' "$tmp/hidden" | head -n 8)"
fi

run_batch "$tmp/shown" --interp
check says_shown grep -q "interpreter frames shown" "$tmp/shown"
check interp_still_names_spin sh -c "[ -n \"\$(awk -v f=Worker.spin -F '  +' '/^Functions/{on=1; next} /^[A-Z]/{on=0} on && \$5 == f' '$tmp/shown')\" ]"

# A recording: report and export name the Python functions.
if "$PERFTOP" record -o "$tmp/w.ptsnap" -- python3 "$tmp/w.py" 20 >/dev/null 2>"$tmp/rec.err"; then
	"$PERFTOP" report "$tmp/w.ptsnap" --top 40 >"$tmp/report" 2>&1
	check report_names_spin grep -q "w.py *Worker.spin" "$tmp/report"
	check report_names_main grep -q "w.py *main\$" "$tmp/report"
	# the eval loop's share of the samples, from the table by total (0: not listed)
	"$PERFTOP" report "$tmp/w.ptsnap" --top 40 --interp >"$tmp/report_i" 2>&1
	eval_total() {
		awk '/^Hottest functions by total/{on=1; next} /^[A-Z]/{on=0}
			on && $NF == "_PyEval_EvalFrameDefault" { sub("%", "", $3); print $3; f=1; exit }
			END { if (!f) print 0 }' "$1"
	}
	check report_machinery_mostly_hidden within "$(eval_total "$tmp/report")" 0 50
	check report_interp_shows_eval_loop within "$(eval_total "$tmp/report_i")" 50 100
	"$PERFTOP" export "$tmp/w.ptsnap" --format folded -o "$tmp/folded" 2>&1
	"$PERFTOP" export "$tmp/w.ptsnap" --format folded --interp -o "$tmp/folded_i" 2>&1
	check folded_python_path grep -q "main;Worker.spin [0-9]" "$tmp/folded"
	check folded_interp_has_eval_loop grep -Eq "_PyEval_EvalFrameDefault;(<module>;)?main;Worker.spin [0-9]" "$tmp/folded_i"
	check folded_no_eval_loop_under_python sh -c "! grep -q '_PyEval_EvalFrameDefault;<module>' '$tmp/folded'"
else
	fail record "$(cat "$tmp/rec.err")"
fi
