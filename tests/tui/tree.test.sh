# tests/tui/tree.test.sh — the Tree and Callers tabs on a real terminal:
# golden screens of `perftop open` on the mksnap snapshot (main;run;parse
# is the hottest path, memcpy is called by parse and by compress) at
# 120x40, 40x10 and 250x80; then `perftop run` of perftop-demo, whose
# hottest path must end in blur_rows (about 60 % of the samples, against
# about 40 % in shade_pixels). (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh
. tests/tui/golden.sh

DEMO=$BUILD/perftop-demo
golden_suite tree "$DEMO" && golden_snapshot || exit 0

# ---- goldens at 120x40 ---------------------------------------------------------
golden_open "$T/demo.ptsnap" 120 40
golden_keys 2
# The first show opens main, the hottest root (run holds 83 % of it: a split).
expect_screen tree_first_show "▾ main"
expect_screen tree_header "TOTAL%  SELF%   SAMPLES FUNCTION"
golden_check tree-initial
golden_keys e
expect_screen tree_e_opens_parse "▾ parse"
expect_screen tree_e_shows_memcpy "^ +[0-9.]+ +[0-9.]+ +[0-9,]+ +memcpy"
golden_check tree-e
golden_keys Up f
expect_screen tree_focus_breadcrumb "Focus main › run › parse"
no_screen tree_focus_hides_others "read_input|worker_main"
golden_check tree-focus
golden_keys Escape
no_screen tree_esc_leaves_focus "Focus"
expect_screen tree_esc_whole_tree "worker_main"
golden_check tree-esc
golden_keys C / p a r s e Enter
expect_screen tree_search_opens_the_way "▾ run"
golden_check tree-search
golden_keys / m e m c p y Enter n
# The second memcpy: worker_main › compress › memcpy, opened by n.
expect_screen tree_n_opens_worker "▾ worker_main"
expect_screen tree_n_opens_compress "▾ compress"
golden_check tree-search-n
golden_keys 3 / m e m c p y Enter Right
expect_screen callers_memcpy_open "▾ memcpy"
# memcpy's 150 samples: 100 through parse, 50 through compress (halved in
# the live window of the last 5 of the 10 seconds).
expect_screen callers_parse_calls_memcpy "^ +[0-9.]+ +(100|50) +▸ parse"
expect_screen callers_compress_calls_memcpy "^ +[0-9.]+ +(50|25) +▸ compress"
golden_check tree-callers

# ---- the smallest and a large screen --------------------------------------------
golden_open "$T/demo.ptsnap" 40 10
golden_keys 2
expect_screen tree_40x10_name "main"
golden_check tree-initial-40x10
golden_keys e f
golden_check tree-focus-40x10
golden_open "$T/demo.ptsnap" 250 80
golden_keys 2 E
expect_screen tree_250x80_all_open "▾ compress"
golden_check tree-expanded-250x80

# ---- end to end: perftop run of the demo -----------------------------------------
tm kill-session -t t 2>/dev/null
tm new-session -d -s t -x 120 -y 40 \
	"LC_ALL=C.UTF-8 TMPDIR=$T $PERFTOP run -- $DEMO"
if ! wait_for_text " Tree " 15; then
	fail demo_tabs "no tabs: the agent did not connect: $(tm_screen | tr '\n' '|')"
	exit 0
fi
# Shares are of samples: wait for enough of them (a loaded machine gives
# the demo less CPU, so they take longer), not for a time.
samples_now() { tm_screen | sed -n 's/.* \([0-9,]*\) samples,.*/\1/p' | head -n 1 | tr -d ,; }
enough_samples() { _s=$(samples_now) && [ -n "$_s" ] && [ "$_s" -ge 3000 ]; }
if ! wait_until "$WAIT_S" enough_samples; then
	fail demo_samples "fewer than 3000 samples within $WAIT_S s: $(tm_screen | sed -n 1,4p | tr '\n' '|')"
fi
tm send-keys -t t 2
wait_for_text "TOTAL%" 5
tm send-keys -t t e
wait_until "$WAIT_S" screen_shows "[▸▾ ] blur_rows "
scr=$(tm_screen)
# pct NAME: the TOTAL% of the row of function NAME.
blur=$(echo "$scr" | grep -E "[▸▾ ] blur_rows " | head -n 1 | awk '{ print $1 }')
shade=$(echo "$scr" | grep -E "[▸▾ ] shade_pixels " | head -n 1 | awk '{ print $1 }')
if within "$blur" 35 85; then
	pass demo_blur_rows_hottest
else
	fail demo_blur_rows_hottest "blur_rows at '$blur' %: $(echo "$scr" | tr '\n' '|')"
fi
if within "$shade" 15 60 && awk -v b="$blur" -v s="$shade" 'BEGIN { exit !(b > s) }'; then
	pass demo_shade_pixels_second
else
	fail demo_shade_pixels_second "shade_pixels at '$shade' %, blur_rows at '$blur' %"
fi
# e left the cursor at the path's end: focusing it names the whole path.
tm send-keys -t t f
expect_screen demo_e_ends_in_blur_rows "Focus .*render_frame › blur_rows"
# q ends perftop run and the demo with it (before the server goes).
tm send-keys -t t q
tm_wait_gone 10 || fail demo_quit "perftop run did not end on q"
