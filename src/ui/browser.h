/*
 * browser — a generic scrolling list: navigation, columns, selection.
 *
 * It owns the moves (arrows, PgUp/PgDn, Home/End) and keeps the selection on
 * the same row id (a pid, for the process list) when the rows are rebuilt or
 * re-sorted, falling back to the same position when that row is gone. Until
 * the user moves it (and again after Home), the selection stays on the top
 * row, whichever row that is, as in htop. A view
 * defines its columns once in a table of struct browser_column and the
 * browser lays them out for the width at hand, dropping the least important
 * ones first, and draws the header (marking the sorted column) and the
 * visible rows into a line buffer through the columns' draw callbacks.
 *
 * The browser never sees the rows themselves, only ids and an accessor, so
 * it does not care what a row is or who owns it.
 */
#ifndef PERFTOP_UI_BROWSER_H
#define PERFTOP_UI_BROWSER_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/lines.h"

/* Draws one cell of row into l in exactly `width` columns. ctx is the
 * view's own pointer given to browser_draw(). */
typedef void (*browser_draw_fn)(struct line *l, const void *row, int width, const void *ctx);
/* Draws a cell as browser_draw_fn does, given the column's arg too: one
 * function for many columns (a field's value by its kind, cells.h). */
typedef void (*browser_cell_fn)(struct line *l, const void *row, int width, const void *ctx,
				const void *arg);
/* The theme element of a whole row (TE_ROW, TE_ROW_EXITED, ...), with the
 * same ctx as the cells. */
typedef enum theme_element (*browser_style_fn)(const void *row, const void *ctx);

struct browser_column {
	const char *name;       /* header text */
	int width;              /* columns; 0 = flexible, takes what is left;
				 * -N = flexible, kept at least N wide */
	enum line_align align;
	int drop;               /* 0 = always shown; higher drops first when narrow */
	int sort;               /* the view's sort key this column shows, or -1 */
	browser_draw_fn draw;   /* the cell; NULL: cell(..., arg) draws it */
	browser_cell_fn cell;
	const void *arg;
};

enum { BROWSER_FLEX_MIN = 10 }; /* narrowest a flexible column is kept */

struct browser {
	size_t n;               /* rows */
	size_t sel;             /* selected row, < n when n > 0 */
	size_t top;             /* first row shown */
	int page;               /* rows shown at the last draw (PgUp/PgDn step) */
	int first_line, lines;  /* at the last draw: the index in `out` of the first
				 * row's line (its screen line when out is the frame)
				 * and how many lines the rows had; for mouse clicks */
	long long sel_id;       /* id of the selected row; -1 when none */
	bool follow;            /* the user moved: keep sel_id, not the top row */
	long long *ids;         /* id of each row, from the last sync */
	size_t ids_alloc;
};

void browser_init(struct browser *b);
void browser_release(struct browser *b);

/* Takes a new set of n rows (id_at(rows, i) gives row i's id). The selection
 * stays on sel_id when the user has moved it and that row is still there,
 * else on the same index (clamped). */
void browser_sync(struct browser *b, size_t n, long long (*id_at)(const void *rows, size_t i),
		  const void *rows);

/* Handles a navigation key. Returns UI_REDRAW when the key moved (or
 * tried to move) the selection, UI_NONE when it is not a navigation key. */
int browser_key(struct browser *b, int key);

/* Selects row i (< n, after a sync) as if the user had moved there. */
void browser_select(struct browser *b, size_t i);

/* The row drawn on line y of the last draw's buffer (a screen line when
 * the browser was drawn into the frame), or -1 when no row is there. */
long browser_row_at(const struct browser *b, int y);

/* The selected row's id, or -1 when the list is empty. */
long long browser_selected_id(const struct browser *b);

/* Chooses the column widths for a line of `width` columns: widths[i] gets
 * column i's width or 0 when it is dropped. One space separates columns. */
void browser_layout(const struct browser_column *cols, size_t ncols, int width, int *widths);

/* Draws the header line and up to `rows` rows (scrolling so the selection
 * is visible) into out, each `width` wide. sort/desc mark the sorted
 * column; row_at gives row i; style_of (may be NULL) gives a row's element
 * (TE_ROW, TE_ROW_EXITED, ...); the selected row is TE_ROW_SELECTED. ctx
 * goes to row_at, style_of and every column's draw. Empty lines fill the
 * rest, so exactly 1 + rows lines are added. */
void browser_draw(struct browser *b, struct lines *out, int width, int rows,
		  const struct browser_column *cols, size_t ncols, int sort, bool desc,
		  const void *(*row_at)(const void *ctx, size_t i), browser_style_fn style_of,
		  const void *ctx);

#endif
