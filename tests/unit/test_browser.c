/* Unit tests for ui/browser.c, the generic list every table of the ui moves
 * through: its drawing (the row style callback gets the context given to
 * browser_draw, as the cells do, so two views with different state colour
 * their rows each by its own; the selected row's colour wins over the
 * style) and its navigation: the selection kept on its row's id across a
 * re-sort or a rebuild, following the top row until the user moves (and
 * again after Home), PgUp/PgDn by the page last drawn, Home/End, and
 * clamping when rows vanish. A column without a draw of its own is drawn by
 * its cell function with its arg: one function serves many columns. */
#include <criterion/criterion.h>
#include <string.h>

#include "ui/browser.h"
#include "ui/keys.h"

/* A view's state: which row it marks. */
struct view {
	const char *const *names;
	size_t marked;
};

static const void *row_at(const void *ctx, size_t i)
{
	const struct view *v = ctx;

	return &v->names[i];
}

static long long id_at(const void *rows, size_t i)
{
	(void)rows;
	return (long long)i;
}

static void draw_name(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	line_cell(l, TE_ROW, *(const char *const *)row, width, ALIGN_LEFT);
}

static enum theme_element mark_style(const void *row, const void *ctx)
{
	const struct view *v = ctx;

	return (const char *const *)row == &v->names[v->marked] ? TE_BAD : TE_ROW;
}

static const struct browser_column cols[] = {
	{ "NAME", 0, ALIGN_LEFT, 0, -1, draw_name },
};

/* The element row i was drawn in (its first span) after drawing view v. */
static enum theme_element drawn(struct browser *b, const struct view *v, size_t i)
{
	struct lines out;
	enum theme_element e;

	lines_init(&out);
	browser_draw(b, &out, 20, 3, cols, 1, -1, false, row_at, mark_style, v);
	cr_assert_eq(out.n, 4, "a header and three rows");
	cr_assert_geq(out.v[1 + i].nspans, 1);
	e = out.v[1 + i].spans[0].elem;
	lines_release(&out);
	return e;
}

Test(browser, style_of_gets_the_draw_context)
{
	static const char *const names[] = { "alpha", "beta", "gamma" };
	struct view one = { names, 1 }, two = { names, 2 };
	struct browser b;

	browser_init(&b);
	browser_sync(&b, 3, id_at, NULL);
	cr_expect_eq(drawn(&b, &one, 1), TE_BAD, "view one marks beta");
	cr_expect_eq(drawn(&b, &one, 2), TE_ROW);
	cr_expect_eq(drawn(&b, &two, 2), TE_BAD, "view two marks gamma");
	cr_expect_eq(drawn(&b, &two, 1), TE_ROW);
	cr_expect_eq(drawn(&b, &one, 1), TE_BAD, "and one still beta");
	browser_select(&b, 1);
	cr_expect_eq(drawn(&b, &one, 1), TE_ROW_SELECTED, "the selection wins");
	browser_release(&b);
}

/* ---- navigation ------------------------------------------------------------------ */

/* Rows given as their ids. */
static long long id_of(const void *rows, size_t i)
{
	return ((const long long *)rows)[i];
}

#define SYNC(b, ...)                                                              \
	do {                                                                      \
		static const long long rows_[] = { __VA_ARGS__ };                 \
		browser_sync(b, sizeof(rows_) / sizeof(rows_[0]), id_of, rows_);  \
	} while (0)

/* Draws b's rows as a view of `rows` lines would (the page PgUp/PgDn step). */
static void draw_rows(struct browser *b, int rows)
{
	static const char *names[64];
	struct view v = { names, 0 };
	struct lines out;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		names[i] = "row";
	lines_init(&out);
	browser_draw(b, &out, 20, rows, cols, 1, -1, false, row_at, NULL, &v);
	lines_release(&out);
}

Test(browser, the_selection_keeps_its_row_through_a_resort)
{
	struct browser b;

	browser_init(&b);
	SYNC(&b, 10, 20, 30, 40);
	cr_assert_eq(browser_key(&b, UI_KEY_DOWN), UI_REDRAW);
	cr_assert_eq(browser_selected_id(&b), 20);
	SYNC(&b, 40, 30, 20, 10); /* the same rows, the other way round */
	cr_expect_eq(b.sel, 2, "the selection moved with its row");
	cr_expect_eq(browser_selected_id(&b), 20);
	SYNC(&b, 5, 7, 40, 30, 20, 10); /* rows added above it */
	cr_expect_eq(b.sel, 4);
	cr_expect_eq(browser_selected_id(&b), 20);
	browser_release(&b);
}

Test(browser, the_top_row_is_followed_until_the_user_moves)
{
	struct browser b;

	browser_init(&b);
	SYNC(&b, 10, 20, 30);
	cr_assert_eq(browser_selected_id(&b), 10);
	SYNC(&b, 30, 10, 20);
	cr_expect_eq(b.sel, 0, "untouched, the selection stays on the top row");
	cr_expect_eq(browser_selected_id(&b), 30, "whichever row that is");
	browser_key(&b, UI_KEY_DOWN);
	cr_assert_eq(browser_selected_id(&b), 10);
	SYNC(&b, 10, 20, 30);
	cr_expect_eq(browser_selected_id(&b), 10, "moved: it keeps its row");
	cr_expect_eq(b.sel, 0);
	SYNC(&b, 20, 30, 10);
	cr_expect_eq(b.sel, 2);
	cr_expect_eq(browser_key(&b, UI_KEY_HOME), UI_REDRAW);
	cr_expect_eq(b.sel, 0);
	cr_expect_eq(browser_selected_id(&b), 20);
	SYNC(&b, 30, 20, 10);
	cr_expect_eq(b.sel, 0, "after Home it follows the top row again");
	cr_expect_eq(browser_selected_id(&b), 30);
	browser_select(&b, 1);
	SYNC(&b, 20, 10, 30);
	cr_expect_eq(browser_selected_id(&b), 20, "browser_select counts as a move");
	cr_expect_eq(b.sel, 0);
	browser_release(&b);
}

Test(browser, pgup_pgdn_move_by_the_page_drawn_home_end_to_the_ends)
{
	struct browser b;

	browser_init(&b);
	SYNC(&b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
	cr_expect_eq(browser_key(&b, UI_KEY_PGDN), UI_REDRAW);
	cr_expect_eq(b.sel, 1, "before any draw a page is one row");
	browser_key(&b, UI_KEY_HOME);
	draw_rows(&b, 6); /* six rows shown: a page of five keeps one in view */
	cr_assert_eq(b.page, 5);
	browser_key(&b, UI_KEY_PGDN);
	cr_expect_eq(b.sel, 5);
	browser_key(&b, UI_KEY_PGDN);
	cr_expect_eq(b.sel, 10);
	cr_expect_eq(browser_selected_id(&b), 10);
	browser_key(&b, UI_KEY_PGUP);
	cr_expect_eq(b.sel, 5);
	browser_key(&b, UI_KEY_END);
	cr_expect_eq(b.sel, 19);
	cr_expect_eq(browser_selected_id(&b), 19);
	browser_key(&b, UI_KEY_PGDN);
	cr_expect_eq(b.sel, 19, "PgDn stops at the last row");
	browser_key(&b, UI_KEY_DOWN);
	cr_expect_eq(b.sel, 19, "Down too");
	draw_rows(&b, 6);
	cr_expect_eq(b.top, 14, "the last row is shown at the bottom");
	browser_key(&b, UI_KEY_PGUP);
	browser_key(&b, UI_KEY_PGUP);
	browser_key(&b, UI_KEY_PGUP);
	cr_expect_eq(b.sel, 4);
	browser_key(&b, UI_KEY_PGUP);
	cr_expect_eq(b.sel, 0, "PgUp stops at the first row");
	browser_key(&b, UI_KEY_UP);
	cr_expect_eq(b.sel, 0, "Up too");
	draw_rows(&b, 6);
	cr_expect_eq(b.top, 0);
	cr_expect_eq(browser_key(&b, 'x'), UI_NONE, "not a move");
	browser_release(&b);
}

Test(browser, the_selection_is_clamped_when_rows_vanish)
{
	struct browser b;

	browser_init(&b);
	SYNC(&b, 10, 20, 30, 40, 50);
	browser_select(&b, 2);
	SYNC(&b, 10, 20, 40, 50); /* its row is gone */
	cr_expect_eq(b.sel, 2, "the same position");
	cr_expect_eq(browser_selected_id(&b), 40);
	browser_key(&b, UI_KEY_END);
	SYNC(&b, 10, 20);
	cr_expect_eq(b.sel, 1, "past the end: the last row");
	cr_expect_eq(browser_selected_id(&b), 20);
	browser_sync(&b, 0, id_of, NULL);
	cr_expect_eq(b.n, 0);
	cr_expect_eq(b.sel, 0);
	cr_expect_eq(browser_selected_id(&b), -1, "no rows, no selection");
	cr_expect_eq(browser_key(&b, UI_KEY_DOWN), UI_REDRAW);
	cr_expect_eq(browser_key(&b, UI_KEY_END), UI_REDRAW);
	cr_expect_eq(browser_key(&b, UI_KEY_PGDN), UI_REDRAW);
	cr_expect_eq(b.sel, 0, "moves on an empty list stay at 0");
	cr_expect_eq(browser_selected_id(&b), -1);
	SYNC(&b, 10, 20, 30);
	cr_expect_lt(b.sel, 3);
	cr_expect_eq(browser_selected_id(&b), b.ids[b.sel], "rows back: a valid selection");
	browser_release(&b);
}

/* A cell function: writes its column's arg (a string) in the row's place. */
static void draw_arg(struct line *l, const void *row, int width, const void *ctx,
		     const void *arg)
{
	(void)row;
	(void)ctx;
	line_cell(l, TE_ROW, arg, width, ALIGN_LEFT);
}

Test(browser, a_cell_function_gets_its_columns_arg)
{
	static const char *const names[] = { "alpha" };
	static const struct browser_column two[] = {
		{ "A", 3, ALIGN_LEFT, 0, -1, NULL, draw_arg, "xx" },
		{ "B", 3, ALIGN_LEFT, 0, -1, NULL, draw_arg, "yy" },
	};
	struct view v = { names, 9 };
	struct browser b;
	struct lines out;

	browser_init(&b);
	browser_sync(&b, 1, id_at, NULL);
	lines_init(&out);
	browser_draw(&b, &out, 7, 1, two, 2, -1, false, row_at, NULL, &v);
	cr_assert_eq(out.n, 2);
	cr_expect_str_eq(out.v[1].text, "xx  yy ", "got '%s'", out.v[1].text);
	lines_release(&out);
	browser_release(&b);
}
