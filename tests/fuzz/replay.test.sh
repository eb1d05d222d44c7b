# tests/fuzz/replay.test.sh — replays every fuzz corpus without libFuzzer:
# $BUILD/fuzz/replay_NAME (tests/fuzz/replay.c + tests/fuzz/fuzz_NAME.c) runs
# the target over tests/fuzz/corpus/NAME/. One PASS per corpus directory.
. tests/lib.sh

for dir in tests/fuzz/corpus/*/; do
	[ -d "$dir" ] || continue
	name=$(basename "$dir")
	bin=$BUILD/fuzz/replay_$name
	if [ ! -x "$bin" ]; then
		fail "fuzz replay $name" "$bin not built"
		continue
	fi
	if out=$("$bin" "$dir" 2>&1); then
		pass "fuzz replay $name ($out)"
	else
		fail "fuzz replay $name" "$(echo "$out" | tail -n 5)"
	fi
done
