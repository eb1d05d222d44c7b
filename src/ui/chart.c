/* chart — area charts, sparklines and axis labels as text; see chart.h. */
#include "ui/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Eighth blocks, lowest first: U+2581..U+2588. */
static const char *const blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char ascii_levels[8] = { '.', ':', '-', '=', '+', '*', '#', '@' };

/* Braille dot bits by [column][row from top]. */
static const unsigned braille_bit[2][4] = { { 0x01, 0x02, 0x04, 0x40 },
					    { 0x08, 0x10, 0x20, 0x80 } };

static const struct {
	int xres, yres; /* dots per cell */
} style_res[CHART_STYLE_COUNT] = {
	[CHART_BRAILLE] = { 2, 4 },
	[CHART_BLOCK] = { 1, 8 },
	[CHART_ASCII] = { 1, 2 },
};

const char *chart_style_name(enum chart_style style)
{
	static const char *const names[CHART_STYLE_COUNT] = { "braille", "block", "ascii" };

	return style < CHART_STYLE_COUNT ? names[style] : "?";
}

void chart_init(struct chart *c)
{
	memset(c, 0, sizeof(*c));
}

void chart_release(struct chart *c)
{
	free(c->cells);
	free(c->heights);
	memset(c, 0, sizeof(*c));
}

/* Appends the UTF-8 encoding of a code point below U+10000. */
static char *put_cp(char *p, unsigned cp)
{
	if (cp < 0x80) {
		*p++ = (char)cp;
	} else if (cp < 0x800) {
		*p++ = (char)(0xc0 | (cp >> 6));
		*p++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*p++ = (char)(0xe0 | (cp >> 12));
		*p++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*p++ = (char)(0x80 | (cp & 0x3f));
	}
	return p;
}

/* Height in dots (0..rows) of one value. */
static int dots_for(double value, double ymax, int rows)
{
	long h;

	if (!(value > 0) || !(ymax > 0))
		return 0;
	h = lround(value / ymax * rows);
	if (h < 1)
		h = 1;
	return h > rows ? rows : (int)h;
}

/* Fills c->heights for every dot column; -1 marks a column with no sample. */
static void column_heights(struct chart *c, int dcols, int drows, const float *v, size_t n,
			   size_t slots, size_t pad, double ymax)
{
	size_t first, shown; /* slots [first, first + shown) hold samples */

	if (slots < 1)
		slots = 1;
	if (pad > slots)
		pad = slots;
	shown = n < slots - pad ? n : slots - pad;
	first = slots - pad - shown;
	for (int x = 0; x < dcols; x++) {
		size_t lo = (size_t)x * slots / (size_t)dcols;
		size_t hi = (size_t)(x + 1) * slots / (size_t)dcols;
		double best = -1;

		if (hi <= lo)
			hi = lo + 1;
		for (size_t s = lo; s < hi; s++) {
			if (s < first || s >= first + shown)
				continue;
			double val = v[n - shown + (s - first)];

			if (val > best)
				best = val;
		}
		c->heights[x] = best < 0 ? -1 : dots_for(best, ymax, drows);
	}
}

void chart_render(struct chart *c, int width, int height, enum chart_style style, const float *v,
		  size_t n, size_t slots, size_t pad, double ymax)
{
	int xres, yres, dcols;

	if (width < 1)
		width = 1;
	if (height < 1)
		height = 1;
	if (style >= CHART_STYLE_COUNT)
		style = CHART_ASCII;
	xres = style_res[style].xres;
	yres = style_res[style].yres;
	dcols = width * xres;
	c->width = width;
	c->height = height;
	c->style = style;
	c->stride = (size_t)width * 3 + 1;
	if (c->alloc < c->stride * (size_t)height) {
		c->alloc = c->stride * (size_t)height;
		c->cells = xrealloc(c->cells, c->alloc);
	}
	if (c->heights_alloc < (size_t)dcols) {
		c->heights_alloc = (size_t)dcols;
		c->heights = xreallocarray(c->heights, c->heights_alloc, sizeof(*c->heights));
	}
	column_heights(c, dcols, height * yres, v, n, slots, pad, ymax);

	for (int y = 0; y < height; y++) {
		char *p = c->cells + c->stride * (size_t)y;
		int base = (height - 1 - y) * yres; /* dots below this row */

		for (int cx = 0; cx < width; cx++) {
			if (style == CHART_BRAILLE) {
				unsigned bits = 0;

				for (int k = 0; k < 2; k++) {
					int h = c->heights[cx * 2 + k];

					for (int r = 0; r < 4; r++)
						if (base + (3 - r) < h)
							bits |= braille_bit[k][r];
				}
				p = bits ? put_cp(p, 0x2800 + bits) : put_cp(p, ' ');
				continue;
			}
			int fill = c->heights[cx] - base;

			if (fill > yres)
				fill = yres;
			if (fill <= 0) {
				*p++ = ' ';
			} else if (style == CHART_BLOCK) {
				size_t len = strlen(blocks[fill - 1]);

				memcpy(p, blocks[fill - 1], len);
				p += len;
			} else {
				*p++ = fill >= 2 ? '#' : '.';
			}
		}
		*p = '\0';
	}
}

const char *chart_row(const struct chart *c, int y)
{
	if (!c->cells || y < 0 || y >= c->height)
		return "";
	return c->cells + c->stride * (size_t)y;
}

void chart_sparkline(char *out, size_t outsz, const float *v, size_t n, int width, double ymax,
		     bool utf8)
{
	char *p = out, *end = out + outsz;

	if (!outsz)
		return;
	for (int i = 0; i < width; i++) {
		long idx = (long)n - width + i; /* sample drawn in this column */
		double val = idx >= 0 ? v[idx] : 0;
		int level = 0;

		if (val > 0 && ymax > 0) {
			level = (int)ceil(val / ymax * 8);
			level = level < 1 ? 1 : level > 8 ? 8 : level;
		}
		if (end - p < 4)
			break;
		if (!level) {
			*p++ = ' ';
		} else if (utf8) {
			size_t len = strlen(blocks[level - 1]);

			memcpy(p, blocks[level - 1], len);
			p += len;
		} else {
			*p++ = ascii_levels[level - 1];
		}
	}
	*p = '\0';
}

double chart_nice_ceil(double v)
{
	static const double steps[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
	double mag;

	if (!(v > 0))
		return 1;
	mag = pow(10, floor(log10(v)));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * mag >= v * (1 - 1e-9))
			return steps[i] * mag;
	return 10 * mag;
}

double chart_cpu_top(double max)
{
	return max <= 100 ? 100 : chart_nice_ceil(max);
}

double chart_kib_top(double max_kib, const char **unit, double *unit_kib)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double size = 1;
	size_t u = 0;

	if (max_kib < 1)
		max_kib = 1;
	while (u + 1 < sizeof(units) / sizeof(units[0]) && max_kib / size >= 1000) {
		size *= 1024;
		u++;
	}
	*unit = units[u];
	*unit_kib = size;
	return chart_nice_ceil(max_kib / size) * size;
}

void chart_kib_label(char *out, size_t outsz, double kib, const char *unit, double unit_kib)
{
	if (kib <= 0)
		snprintf(out, outsz, "0");
	else
		snprintf(out, outsz, "%.3g %s", kib / unit_kib, unit);
}

void chart_time_label(char *out, size_t outsz, double seconds)
{
	long s = lround(seconds);

	if (s <= 0)
		snprintf(out, outsz, "now");
	else if (s < 60)
		snprintf(out, outsz, "-%lds", s);
	else if (s < 3600 && s % 60 == 0)
		snprintf(out, outsz, "-%ldm", s / 60);
	else if (s < 3600)
		snprintf(out, outsz, "-%ldm%02lds", s / 60, s % 60);
	else if (s % 3600 == 0)
		snprintf(out, outsz, "-%ldh", s / 3600);
	else
		snprintf(out, outsz, "-%ldh%02ldm", s / 3600, s % 3600 / 60);
}

/* Copies a label into the axis at column x if it fits before `limit` with a
 * blank column between it and any label already placed. */
static bool place(char *axis, int width, int x, const char *label, int limit)
{
	int len = (int)strlen(label);

	if (x < 0 || x + len > limit)
		return false;
	for (int i = x > 0 ? x - 1 : 0; i < x + len + 1 && i < width; i++)
		if (axis[i] != ' ')
			return false;
	memcpy(axis + x, label, (size_t)len);
	return true;
}

void chart_xaxis(char *out, size_t outsz, int width, double window_s)
{
	static const double steps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600 };
	char label[32];
	double step = 0;
	int end_len;

	if (outsz == 0)
		return;
	if (width < 0)
		width = 0;
	if ((size_t)width >= outsz)
		width = (int)outsz - 1;
	memset(out, ' ', (size_t)width);
	out[width] = '\0';
	if (width < 3 || !(window_s > 0))
		return;

	/* "now" at the right, the window's start at the left. */
	end_len = width >= 3 ? 3 : width;
	memcpy(out + width - end_len, "now", (size_t)end_len);
	chart_time_label(label, sizeof(label), window_s);
	place(out, width, 0, label, width);

	/* Round steps, about one label per 10 columns. */
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (window_s / steps[i] <= width / 10.0) {
			step = steps[i];
			break;
		}
	}
	if (!(step > 0))
		return;
	for (double t = step; t < window_s - step / 2; t += step) {
		int x = (int)lround(width * (1 - t / window_s));

		chart_time_label(label, sizeof(label), t);
		place(out, width, x - (int)strlen(label) / 2, label, width);
	}
}
