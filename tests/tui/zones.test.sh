# tests/tui/zones.test.sh — the Zones and Counters tabs and their detail
# screens on a real terminal: golden screens of `perftop open` on the mksnap
# snapshot (zones "frame", 1.00..5.95 ms at 60/s, and "parse", 200..299 us
# at 40/s; counter "frames" +1 per frame, gauge "queue") at 120x40: the
# Zones table, sorted by P95, the "frame" zone's histogram (Enter), back
# (Esc), the Counters table and the "frames" counter's charts. (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh
. tests/tui/golden.sh

golden_suite zones && golden_snapshot || exit 0

golden_open "$T/demo.ptsnap" 120 40
golden_keys 5
# Last 5 s of the 10: 300 frames and 200 parses.
expect_screen zones_table "^frame +300 "
expect_screen zones_parse "^parse +200 "
golden_check zones-table

# TOTAL -> MEAN -> MIN -> P50 -> P90 -> P95
golden_keys '>' '>' '>' '>' '>'
expect_screen zones_sorted_p95 "(▼|v)P95"
expect_screen zones_sort_named "by p95"
golden_check zones-by-p95

golden_keys Enter
expect_screen zones_detail_header "^ frame +thread all +window last 5s +count 300"
expect_screen zones_histogram "Latency histogram \(300 events\)"
expect_screen zones_histogram_first_row "^ +1\.0ms(–|-)"
expect_screen zones_p95_marked "p95 p99"
expect_screen zones_p95_chart "p95 per second"
no_screen zones_table_gone "RATE/s"
golden_check zones-frame-histogram

golden_keys Escape
expect_screen zones_back "^frame +300 "
no_screen zones_histogram_gone "Latency histogram"
golden_check zones-back

golden_keys 6
# The last 5 s: 300 frames counted, as the Zones tab's 300 frame events.
expect_screen counters_table "^frames +count +300 "
expect_screen counters_history "HISTORY"
golden_check counters-table
golden_keys Enter
expect_screen counters_detail "^ frames +kind count +total 600 +rate/s 60"
expect_screen counters_rate_chart "rate/s, each second of updates"
golden_check counters-frames
golden_keys Escape
expect_screen counters_back "HISTORY"
