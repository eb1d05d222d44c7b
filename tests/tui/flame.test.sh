# tests/tui/flame.test.sh — the Flame tab on a real terminal: golden screens
# of `perftop open` on the mksnap snapshot (main;run;parse is the hottest
# path) at 120x40, then at the smallest (40x10) and a large (250x80) size:
# the first screen, after walking down to parse and zooming (Enter), after
# Esc, and after searching /hash. (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh
. tests/tui/golden.sh

golden_suite flame && golden_snapshot || exit 0

# flame_run W H SUFFIX: the four goldens at W x H, named flame-*SUFFIX.
flame_run() {
	golden_open "$T/demo.ptsnap" "$1" "$2"
	golden_keys 4
	expect_screen "flame_tab$3" "all +"
	golden_check "flame-initial$3"
	golden_keys Down Down Down
	expect_screen "flame_parse_selected$3" "^ parse "
	golden_keys Enter
	expect_screen "flame_zoomed$3" "(›|>) run (›|>) parse"
	golden_check "flame-zoom$3"
	golden_keys Escape
	if tm_screen | grep -q "Esc back"; then
		fail "flame_esc$3" "still zoomed after Esc"
	else
		pass "flame_esc$3"
	fi
	golden_check "flame-esc$3"
	golden_keys / h a s h Enter
	expect_screen "flame_search$3" "^ hash "
	golden_check "flame-search$3"
}

flame_run 120 40 ""
flame_run 40 10 "-40x10"
flame_run 250 80 "-250x80"
