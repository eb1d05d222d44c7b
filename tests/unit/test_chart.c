/* Unit tests for ui/chart: the exact glyphs of braille, block and ASCII
 * charts for known series, time alignment, sparklines, axis scaling and
 * labels. */
#include <criterion/criterion.h>
#include <string.h>

#include "ui/chart.h"

static struct chart c;

static void setup(void)
{
	chart_init(&c);
}

static void teardown(void)
{
	chart_release(&c);
}

TestSuite(chart, .init = setup, .fini = teardown);

/* One sample per dot column: 0, 1, 2 and 4 dots of a 4-dot cell. */
Test(chart, braille_step_dots)
{
	const float v[] = { 0, 25, 50, 100 };

	chart_render(&c, 2, 1, CHART_BRAILLE, v, 4, 4, 0, 100);
	/* cell 0: left empty, right one dot (0x80) -> U+2880;
	 * cell 1: left two dots (0x04|0x40), right full (0x08|0x10|0x20|0x80) -> U+28FC */
	cr_expect_str_eq(chart_row(&c, 0), "\u2880\u28fc");
}

Test(chart, braille_two_rows_fill_from_the_bottom)
{
	const float v[] = { 0, 0, 50, 100 };

	chart_render(&c, 2, 2, CHART_BRAILLE, v, 4, 4, 0, 100);
	/* 8 dots high: 50 % fills the lower row of the left column, 100 % all. */
	cr_expect_str_eq(chart_row(&c, 0), " \u28b8"); /* right column only: 0x08|0x10|0x20|0x80 */
	cr_expect_str_eq(chart_row(&c, 1), " \u28ff");
}

Test(chart, block_eighths)
{
	const float v[] = { 12.5, 50, 100, 0 };

	chart_render(&c, 4, 1, CHART_BLOCK, v, 4, 4, 0, 100);
	cr_expect_str_eq(chart_row(&c, 0), "▁▄█ ");
}

Test(chart, block_two_rows)
{
	const float v[] = { 25, 75 };

	chart_render(&c, 2, 2, CHART_BLOCK, v, 2, 2, 0, 100);
	/* 16 eighths: 25 % = 4 (lower half of the bottom row), 75 % = 12 */
	cr_expect_str_eq(chart_row(&c, 0), " ▄");
	cr_expect_str_eq(chart_row(&c, 1), "▄█");
}

Test(chart, ascii_full_and_half)
{
	const float v[] = { 25, 50, 100 };

	chart_render(&c, 3, 2, CHART_ASCII, v, 3, 3, 0, 100);
	cr_expect_str_eq(chart_row(&c, 0), "  #");
	cr_expect_str_eq(chart_row(&c, 1), ".##");
}

Test(chart, few_samples_sit_at_the_right)
{
	const float v[] = { 100, 100 };

	chart_render(&c, 4, 1, CHART_BLOCK, v, 2, 4, 0, 100);
	cr_expect_str_eq(chart_row(&c, 0), "  ██");
}

Test(chart, only_the_newest_samples_of_the_window)
{
	const float v[] = { 100, 100, 0, 50 };

	chart_render(&c, 2, 1, CHART_BLOCK, v, 4, 2, 0, 100);
	cr_expect_str_eq(chart_row(&c, 0), " ▄");
}

Test(chart, pad_leaves_time_after_exit_empty)
{
	const float v[] = { 100, 100, 100, 100 };

	chart_render(&c, 4, 1, CHART_BLOCK, v, 4, 4, 1, 100);
	cr_expect_str_eq(chart_row(&c, 0), "███ ");
}

Test(chart, more_slots_than_columns_keep_peaks)
{
	const float v[] = { 0, 100, 0, 0, 50, 0, 0, 0 };

	chart_render(&c, 4, 1, CHART_BLOCK, v, 8, 8, 0, 100);
	cr_expect_str_eq(chart_row(&c, 0), "█ ▄ ");
}

Test(chart, fewer_slots_than_columns_stretch)
{
	const float v[] = { 50, 100 };

	chart_render(&c, 4, 1, CHART_BLOCK, v, 2, 2, 0, 100);
	cr_expect_str_eq(chart_row(&c, 0), "▄▄██");
}

Test(chart, tiny_value_shows_one_dot_and_big_value_is_clipped)
{
	const float v[] = { 0.1f, 250 };

	chart_render(&c, 1, 1, CHART_BRAILLE, v, 2, 2, 0, 100);
	cr_expect_str_eq(chart_row(&c, 0), "\u28f8"); /* 0x40 | 0x08|0x10|0x20|0x80 */
}

Test(chart, rows_are_exactly_the_width)
{
	const float v[] = { 10, 20, 30 };

	chart_render(&c, 7, 3, CHART_ASCII, v, 3, 10, 0, 100);
	for (int y = 0; y < 3; y++)
		cr_expect_eq(strlen(chart_row(&c, y)), 7);
	cr_expect_str_eq(chart_row(&c, 3), "");
}

Test(chart, sparkline_levels)
{
	const float v[] = { 0, 50, 100 };
	char buf[64];

	chart_sparkline(buf, sizeof(buf), v, 3, 5, 100, true);
	cr_expect_str_eq(buf, "   ▄█");
	chart_sparkline(buf, sizeof(buf), v, 3, 5, 100, false);
	cr_expect_str_eq(buf, "   =@");
	chart_sparkline(buf, sizeof(buf), v, 3, 2, 100, false);
	cr_expect_str_eq(buf, "=@");
}

Test(chart, nice_ceilings)
{
	cr_expect_float_eq(chart_nice_ceil(0.9), 1, 1e-9);
	cr_expect_float_eq(chart_nice_ceil(1), 1, 1e-9);
	cr_expect_float_eq(chart_nice_ceil(1.1), 1.2, 1e-9);
	cr_expect_float_eq(chart_nice_ceil(7), 8, 1e-9);
	cr_expect_float_eq(chart_nice_ceil(9), 10, 1e-9);
	cr_expect_float_eq(chart_nice_ceil(101), 120, 1e-9);
	cr_expect_float_eq(chart_nice_ceil(0), 1, 1e-9);
}

Test(chart, cpu_axis_top)
{
	cr_expect_float_eq(chart_cpu_top(0), 100, 1e-9);
	cr_expect_float_eq(chart_cpu_top(100), 100, 1e-9);
	cr_expect_float_eq(chart_cpu_top(150), 150, 1e-9);
	cr_expect_float_eq(chart_cpu_top(350), 400, 1e-9);
}

Test(chart, memory_axis_top_and_labels)
{
	const char *unit;
	double unit_kib, top;
	char label[32];

	top = chart_kib_top(123392, &unit, &unit_kib); /* 120.5 MiB */
	cr_expect_str_eq(unit, "MiB");
	cr_expect_float_eq(unit_kib, 1024, 1e-9);
	cr_expect_float_eq(top, 150 * 1024, 1e-6);
	chart_kib_label(label, sizeof(label), top, unit, unit_kib);
	cr_expect_str_eq(label, "150 MiB");
	chart_kib_label(label, sizeof(label), top / 2, unit, unit_kib);
	cr_expect_str_eq(label, "75 MiB");

	top = chart_kib_top(500, &unit, &unit_kib);
	cr_expect_str_eq(unit, "KiB");
	cr_expect_float_eq(top, 500, 1e-9);

	top = chart_kib_top(1023 * 1024, &unit, &unit_kib); /* just under 1 GiB */
	cr_expect_str_eq(unit, "GiB");
	cr_expect_float_eq(top, 1024 * 1024, 1e-6);
	chart_kib_label(label, sizeof(label), top * 0.75, unit, unit_kib);
	cr_expect_str_eq(label, "0.75 GiB");
	chart_kib_label(label, sizeof(label), 0, unit, unit_kib);
	cr_expect_str_eq(label, "0");
}

Test(chart, time_labels)
{
	char b[16];

	chart_time_label(b, sizeof(b), 0);
	cr_expect_str_eq(b, "now");
	chart_time_label(b, sizeof(b), 45);
	cr_expect_str_eq(b, "-45s");
	chart_time_label(b, sizeof(b), 60);
	cr_expect_str_eq(b, "-1m");
	chart_time_label(b, sizeof(b), 90);
	cr_expect_str_eq(b, "-1m30s");
	chart_time_label(b, sizeof(b), 600);
	cr_expect_str_eq(b, "-10m");
	chart_time_label(b, sizeof(b), 7200);
	cr_expect_str_eq(b, "-2h");
}

Test(chart, x_axis_labels_a_minute)
{
	char axis[64];

	chart_xaxis(axis, sizeof(axis), 40, 60);
	cr_expect_str_eq(axis, "-1m     -45s      -30s      -15s     now");
	cr_expect_eq(strlen(axis), 40);
}

Test(chart, x_axis_ten_minutes)
{
	char axis[128];

	chart_xaxis(axis, sizeof(axis), 60, 600);
	cr_expect_eq(strlen(axis), 60);
	cr_expect_str_eq(axis, "-10m       -8m         -6m         -4m         -2m       now");
}

Test(chart, x_axis_narrow_keeps_the_ends_only)
{
	char axis[16];

	chart_xaxis(axis, sizeof(axis), 8, 60);
	cr_expect_str_eq(axis, "-1m  now");
	chart_xaxis(axis, sizeof(axis), 5, 60);
	cr_expect_str_eq(axis, "  now");
}
