/*
 * chart — time series drawn as text: area charts, sparklines, axis labels.
 *
 * Pure string work (no curses, no model), so every glyph can be tested. A
 * chart is a grid of cells; each cell holds 2×4 dots in Unicode braille, one
 * eighth-block column (▁..█), or an ASCII '#' / '.' (full / half), chosen by
 * the terminal's locale. Values are drawn as a filled area from the bottom,
 * scaled 0..ymax, with "now" at the right edge.
 *
 * Time: the chart shows `slots` sample slots (the window divided by the
 * tick). The n values given are the newest samples, oldest first; they fill
 * the rightmost slots, less `pad` empty slots at the very right (time after
 * the process exited). When there are more slots than dot columns, a column
 * shows the highest sample of the slots it covers, so short peaks stay
 * visible; when fewer, a sample spans several columns.
 */
#ifndef PERFTOP_UI_CHART_H
#define PERFTOP_UI_CHART_H

#include <stdbool.h>
#include <stddef.h>

enum chart_style { CHART_BRAILLE, CHART_BLOCK, CHART_ASCII, CHART_STYLE_COUNT };

/* "braille", "block" or "ascii". */
const char *chart_style_name(enum chart_style style);

struct chart {
	int width, height;    /* cells */
	enum chart_style style;
	char *cells;          /* height rows of `stride` bytes, each NUL-terminated */
	size_t stride, alloc;
	int *heights;         /* per dot column, in dots; scratch */
	size_t heights_alloc;
};

void chart_init(struct chart *c);
void chart_release(struct chart *c);

/* Renders v[0..n) (oldest first) into a width × height grid (both >= 1) in
 * style, scaled 0..ymax (> 0). A value above 0 shows at least one dot. */
void chart_render(struct chart *c, int width, int height, enum chart_style style, const float *v,
		  size_t n, size_t slots, size_t pad, double ymax);

/* Row y of the last render, 0 = top: exactly `width` columns of UTF-8. */
const char *chart_row(const struct chart *c, int y);

/* Writes a sparkline of exactly `width` columns into out (size outsz, at
 * least width * 3 + 1): the newest `width` of v[0..n), right-aligned, one
 * character each scaled 0..ymax in 8 levels (▁..█, or ".:-=+*#@" when not
 * utf8); a value of 0 or no sample is a space. */
void chart_sparkline(char *out, size_t outsz, const float *v, size_t n, int width, double ymax,
		     bool utf8);

/* The smallest "nice" number >= v: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times
 * a power of ten. v <= 0 gives 1. */
double chart_nice_ceil(double v);

/* Top of a CPU % axis for a highest sample of max: 100, or a nice number
 * above it for a process using more than one core. */
double chart_cpu_top(double max);

/* Top of a memory axis (KiB) for a highest sample of max_kib: a nice number
 * in the unit the label will use. *unit gets "KiB", "MiB" or "GiB" and
 * *unit_kib that unit's size in KiB. At least 1 KiB. */
double chart_kib_top(double max_kib, const char **unit, double *unit_kib);

/* A y label: value / unit_kib with up to 3 significant digits and the unit,
 * e.g. "150 MiB", "0.75 GiB"; "0" for zero. */
void chart_kib_label(char *out, size_t outsz, double kib, const char *unit, double unit_kib);

/* A time label for `seconds` before now: "now", "-45s", "-5m", "-1m30s",
 * "-2h". Seconds are rounded to whole ones. */
void chart_time_label(char *out, size_t outsz, double seconds);

/* Writes an x axis of exactly `width` columns (ASCII) into out (size >
 * width): the window's start at the left, "now" at the right, and labels
 * at a round step between, never touching each other. */
void chart_xaxis(char *out, size_t outsz, int width, double window_s);

#endif
