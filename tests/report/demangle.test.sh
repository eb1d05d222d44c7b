#!/bin/sh
# C++ names demangled end to end: tests/workloads/strings.cc, built here with
# g++, is recorded with the agent; the report (text and JSON), the folded,
# speedscope and chrome exports, the diff report and `run --batch` all name
# std::string's _M_replace and work::checksum(...) as c++filt does, none
# carries a mangled _Z name, and a budget rule written with the demangled
# name matches it, with or without its parameters, while a misspelt one fails
# as not in the profile. (Rust names: tests/unit/test_demangle.c.)
. tests/lib.sh

if ! command -v g++ >/dev/null 2>&1; then
	skip demangle "g++ is not installed (scripts/deps.sh test installs it)"
	exit 0
fi
if ! command -v node >/dev/null 2>&1; then
	fail demangle "node is not installed (scripts/deps.sh test installs nodejs)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PERFTOP_SOCKET=$tmp/perftop.sock
export PERFTOP_SOCKET
if ! g++ -O1 -g -fno-omit-frame-pointer -o "$tmp/strings" tests/workloads/strings.cc 2>"$tmp/cc.err"; then
	fail "demangle: build the C++ workload" "$(head -n 3 "$tmp/cc.err")"
	exit 0
fi

STR='std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >'
CHECKSUM="work::checksum($STR const&)"
REPLACE="$STR::_M_replace(unsigned long, unsigned long, char const*, unsigned long)"

if ! timeout 120 "$PERFTOP" record -o "$tmp/cxx.ptsnap" -F 997 -- "$tmp/strings" 6000000 \
	>"$tmp/rec.out" 2>&1; then
	fail "demangle: record the C++ workload" "$(tail -n 3 "$tmp/rec.out")"
	exit 0
fi
"$PERFTOP" report "$tmp/cxx.ptsnap" --format json -o "$tmp/r.json" 2>"$tmp/err"
names() {
	node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
		 for (const f of d.functions_by_self.concat(d.functions_by_total)) console.log(f.name);' \
		"$1" 2>/dev/null | sort -u
}
names "$tmp/r.json" >"$tmp/names"
check "demangle: report names $CHECKSUM" grep -qxF "$CHECKSUM" "$tmp/names"
check "demangle: report names $REPLACE" grep -qxF "$REPLACE" "$tmp/names"
check "demangle: report names work::Churner<int>::step(int)" \
	grep -qxF 'work::Churner<int>::step(int)' "$tmp/names"
check "demangle: no mangled name in the JSON report" \
	sh -c "! grep -q '\"_Z' '$tmp/r.json'"
"$PERFTOP" report "$tmp/cxx.ptsnap" >"$tmp/r.txt" 2>&1
check "demangle: the text report names $CHECKSUM" grep -qF "$CHECKSUM" "$tmp/r.txt"

# (The chrome trace holds zones only, no stacks.)
for fmt in folded speedscope; do
	"$PERFTOP" export "$tmp/cxx.ptsnap" --format "$fmt" -o "$tmp/out.$fmt" 2>"$tmp/err"
	check "demangle: $fmt export names _M_replace demangled" grep -qF "$STR::_M_replace(" "$tmp/out.$fmt"
	check "demangle: no mangled name in the $fmt export" \
		sh -c "! grep -qE '(^|[;\"])_Z[A-Z0-9]' '$tmp/out.$fmt'"
done

"$PERFTOP" diff "$tmp/cxx.ptsnap" "$tmp/cxx.ptsnap" --report --top 0 >"$tmp/d.txt" 2>&1
check "demangle: the diff report has no mangled name" sh -c "! grep -q '_Z[A-Z0-9]' '$tmp/d.txt'"

printf 'function "%s" self > 1%%\n' "$CHECKSUM" >"$tmp/ok.budget"
"$PERFTOP" report "$tmp/cxx.ptsnap" --budget "$tmp/ok.budget" >"$tmp/b.txt" 2>&1
check "demangle: a budget on the demangled name passes" test $? -eq 0
check "demangle: the budget table names it" grep -qF "work::checksum(" "$tmp/b.txt"
printf 'function work::checksum self > 1%%\n' >"$tmp/short.budget"
"$PERFTOP" report "$tmp/cxx.ptsnap" --budget "$tmp/short.budget" >"$tmp/b.txt" 2>&1
check "demangle: a budget on the name without its parameters passes" test $? -eq 0
# A misspelt function (or zone, counter) is not in the profile: the rule fails.
printf 'function work::chekcsum self < 50%%\nfunction work::checksum self > 1%%\n' >"$tmp/typo.budget"
"$PERFTOP" report "$tmp/cxx.ptsnap" --budget "$tmp/typo.budget" >"$tmp/b.txt" 2>&1
check "budget: a function not in the profile fails with 3" test $? -eq 3
check "budget: the table says it is not in the profile" \
	sh -c "grep -E '^ *FAIL +function work::chekcsum self < 50% +not in the profile' '$tmp/b.txt' >/dev/null"

if timeout 120 "$PERFTOP" run --batch -- "$tmp/strings" 6000000 >"$tmp/batch.txt" 2>&1; then
	check "demangle: run --batch names $CHECKSUM" grep -qF "$CHECKSUM" "$tmp/batch.txt"
	check "demangle: run --batch has no mangled name" sh -c "! grep -q ' _Z[A-Z0-9]' '$tmp/batch.txt'"
else
	fail "demangle: run --batch" "$(tail -n 3 "$tmp/batch.txt")"
fi
