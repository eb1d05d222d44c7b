/* browser — generic scrolling list with a column table; see browser.h. */
#include "ui/browser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/keys.h"
#include "util/check.h"
#include "util/xalloc.h"

void browser_init(struct browser *b)
{
	memset(b, 0, sizeof(*b));
	b->sel_id = -1;
	b->page = 1;
}

void browser_release(struct browser *b)
{
	free(b->ids);
	browser_init(b);
}

void browser_sync(struct browser *b, size_t n, long long (*id_at)(const void *rows, size_t i),
		  const void *rows)
{
	size_t found = n;

	if (b->ids_alloc < n) {
		b->ids_alloc = n + 64;
		b->ids = xreallocarray(b->ids, b->ids_alloc, sizeof(*b->ids));
	}
	for (size_t i = 0; i < n; i++) {
		b->ids[i] = id_at(rows, i);
		if (b->ids[i] == b->sel_id && found == n)
			found = i;
	}
	b->n = n;
	if (found < n && b->follow)
		b->sel = found;
	else if (b->sel >= n)
		b->sel = n ? n - 1 : 0;
	PT_ASSERT(b->n ? b->sel < b->n : b->sel == 0); /* browser.h: sel < n */
	b->sel_id = n ? b->ids[b->sel] : -1;
}

void browser_select(struct browser *b, size_t i)
{
	if (i >= b->n)
		return;
	b->sel = i;
	b->sel_id = b->ids[i];
	b->follow = true;
}

long browser_row_at(const struct browser *b, int y)
{
	size_t i;

	if (y < b->first_line || y >= b->first_line + b->lines)
		return -1;
	i = b->top + (size_t)(y - b->first_line);
	return i < b->n ? (long)i : -1;
}

long long browser_selected_id(const struct browser *b)
{
	return b->n ? b->ids[b->sel] : -1;
}

int browser_key(struct browser *b, int key)
{
	size_t page = b->page > 1 ? (size_t)b->page : 1;

	switch (key) {
	case UI_KEY_UP:
		if (b->sel > 0)
			b->sel--;
		break;
	case UI_KEY_DOWN:
		if (b->sel + 1 < b->n)
			b->sel++;
		break;
	case UI_KEY_PGUP:
		b->sel = b->sel > page ? b->sel - page : 0;
		if (b->top >= page)
			b->top -= page;
		else
			b->top = 0;
		break;
	case UI_KEY_PGDN:
		b->sel = b->sel + page < b->n ? b->sel + page : (b->n ? b->n - 1 : 0);
		b->top += page;
		break;
	case UI_KEY_HOME:
		b->sel = 0;
		b->sel_id = b->n ? b->ids[0] : -1;
		b->follow = false;
		return UI_REDRAW;
	case UI_KEY_END:
		b->sel = b->n ? b->n - 1 : 0;
		break;
	default:
		return UI_NONE;
	}
	PT_ASSERT(b->n ? b->sel < b->n : b->sel == 0);
	b->follow = true;
	b->sel_id = b->n ? b->ids[b->sel] : -1;
	return UI_REDRAW;
}

void browser_layout(const struct browser_column *cols, size_t ncols, int width, int *widths)
{
	int total = -1, flex = -1;

	for (size_t i = 0; i < ncols; i++) {
		widths[i] = cols[i].width > 0 ? cols[i].width
			    : cols[i].width < 0 ? -cols[i].width
						: BROWSER_FLEX_MIN;
		total += widths[i] + 1;
		if (cols[i].width <= 0 && flex < 0)
			flex = (int)i;
	}
	while (total > width) {
		int worst = -1;

		for (size_t i = 0; i < ncols; i++)
			if (widths[i] && cols[i].drop > 0 &&
			    (worst < 0 || cols[i].drop > cols[worst].drop))
				worst = (int)i;
		if (worst < 0)
			break;
		total -= widths[worst] + 1;
		widths[worst] = 0;
	}
	if (flex >= 0 && widths[flex]) {
		widths[flex] += width - total;
		if (widths[flex] < 1)
			widths[flex] = 1;
	}
}

/* Keeps the selection inside the `rows` shown. */
static void scroll_to_selection(struct browser *b, int rows)
{
	size_t r = rows > 0 ? (size_t)rows : 1;

	if (b->n <= r)
		b->top = 0;
	else if (b->top > b->n - r)
		b->top = b->n - r;
	if (b->sel < b->top)
		b->top = b->sel;
	else if (b->sel >= b->top + r)
		b->top = b->sel - r + 1;
}

static void draw_header(struct line *l, const struct browser_column *cols, size_t ncols,
			const int *widths, int sort, bool desc)
{
	bool first = true;

	for (size_t i = 0; i < ncols; i++) {
		enum theme_element e = TE_COLUMN_HEADER;
		char name[64];
		const char *arrow = "";

		if (!widths[i])
			continue;
		if (!first)
			line_put(l, TE_COLUMN_HEADER, " ");
		first = false;
		if (sort >= 0 && cols[i].sort == sort) {
			e = TE_COLUMN_SORTED;
			arrow = lines_utf8() ? (desc ? "▼" : "▲") : (desc ? "v" : "^");
		}
		if (*arrow && (int)strlen(cols[i].name) + 1 <= widths[i]) {
			if (cols[i].align == ALIGN_RIGHT)
				snprintf(name, sizeof(name), "%s%s", arrow, cols[i].name);
			else
				snprintf(name, sizeof(name), "%s%s", cols[i].name, arrow);
		} else {
			snprintf(name, sizeof(name), "%s", cols[i].name);
		}
		line_cell(l, e, name, widths[i], cols[i].align);
	}
	line_fill(l, TE_COLUMN_HEADER);
}

void browser_draw(struct browser *b, struct lines *out, int width, int rows,
		  const struct browser_column *cols, size_t ncols, int sort, bool desc,
		  const void *(*row_at)(const void *ctx, size_t i), browser_style_fn style_of,
		  const void *ctx)
{
	int widths[32];

	if (ncols > sizeof(widths) / sizeof(widths[0]))
		ncols = sizeof(widths) / sizeof(widths[0]);
	browser_layout(cols, ncols, width, widths);
	draw_header(lines_begin(out, width), cols, ncols, widths, sort, desc);
	if (rows < 0)
		rows = 0;
	b->page = rows > 1 ? rows - 1 : 1;
	b->first_line = (int)out->n;
	b->lines = rows;
	scroll_to_selection(b, rows);
	for (int y = 0; y < rows; y++) {
		size_t i = b->top + (size_t)y;
		struct line *l = lines_begin(out, width);
		const void *row;
		enum theme_element base;
		bool first = true;

		if (i >= b->n)
			continue;
		row = row_at(ctx, i);
		base = i == b->sel ? TE_ROW_SELECTED : style_of ? style_of(row, ctx) : TE_ROW;
		if (base != TE_ROW)
			line_set_override(l, base);
		for (size_t c = 0; c < ncols; c++) {
			if (!widths[c])
				continue;
			if (!first)
				line_put(l, TE_ROW, " ");
			first = false;
			if (cols[c].draw)
				cols[c].draw(l, row, widths[c], ctx);
			else
				cols[c].cell(l, row, widths[c], ctx, cols[c].arg);
		}
		line_fill(l, TE_ROW);
	}
}
