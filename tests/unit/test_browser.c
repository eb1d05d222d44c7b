/* Unit tests for ui/browser.c's drawing: the row style callback gets the
 * context given to browser_draw (as the cells do), so two views with
 * different state colour their rows each by its own; the selected row's
 * colour wins over the style. */
#include <criterion/criterion.h>
#include <string.h>

#include "ui/browser.h"

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
