/* Unit tests for the Flame tab (src/ui/flameview.c): a hand-built profile
 * of 1000 samples is drawn in ASCII mode, so one byte is one column, and the
 * blocks' widths, names, colours, the cursor, zoom and search are read back
 * from the line buffer.
 *
 * The profile (thread 301, root first):
 *   main;alpha;parse  300      main;beta;a_very_long_function_name_here 100
 *   main;alpha;zz      20      main;beta;hash_a / hash_b / hash_c   2 each
 *   main;alpha        280      main;beta                           294
 * so on 100 columns main is 100 wide, alpha 60 and beta 40 (children by
 * name), parse 30, zz 2 (no room for text), the long name 10 (cut), and the
 * three hash_* frames (0.2 column each) one "." filler at column 70. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/theme.h"
#include "support/ui_fixture.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"

static struct profile *prof;

static void stack(const char *const *names, size_t n, uint64_t count)
{
	uint32_t ids[64];

	for (size_t i = 0; i < n; i++)
		ids[i] = profile_func(prof, "prog", names[i], "prog.c", 10 + (int)i);
	profile_add_samples(prof, 301, ids, n, count, 1.5);
}

static void profile_fill(void)
{
	prof = fx_agent(300, "/usr/bin/prog");
	stack((const char *[]){ "main", "alpha", "parse" }, 3, 300);
	stack((const char *[]){ "main", "alpha", "zz" }, 3, 20);
	stack((const char *[]){ "main", "alpha" }, 2, 280);
	stack((const char *[]){ "main", "beta", "a_very_long_function_name_here" }, 3, 100);
	stack((const char *[]){ "main", "beta", "hash_a" }, 3, 2);
	stack((const char *[]){ "main", "beta", "hash_b" }, 3, 2);
	stack((const char *[]){ "main", "beta", "hash_c" }, 3, 2);
	stack((const char *[]){ "main", "beta" }, 2, 294);
}

/* Opens process 300's Flame tab at width × height. */
static void start(int width, int height)
{
	if (!prof)
		profile_fill();
	fx_start_proc(width, height, false, 300);
	ui__key(&fx.ui, '1' + PTAB_FLAME);
}

static void keys(const char *s)
{
	for (; *s; s++)
		ui__key(&fx.ui, (unsigned char)*s);
}

/* The first line whose text starts with prefix, or -1. */
static int row_starting(const char *prefix)
{
	for (size_t i = 0; i < fx.frame.n; i++)
		if (!strncmp(fx.frame.v[i].text, prefix, strlen(prefix)))
			return (int)i;
	return -1;
}

/* The span drawing column col of line i (ASCII: a byte is a column). */
static const struct span *span_at(int i, int col)
{
	const struct line *l = &fx.frame.v[i];

	for (size_t s = 0; s < l->nspans; s++)
		if (l->spans[s].start <= (size_t)col && (size_t)col < l->spans[s].end)
			return &l->spans[s];
	return NULL;
}

/* The block holding column col of line i: its first column and width, the
 * neighbouring spans of other elements bounding it. */
static int block_width(int i, int col, int *first)
{
	const struct span *s = span_at(i, col);

	cr_assert_not_null(s, "no span at column %d of '%s'", col, fx.frame.v[i].text);
	if (first)
		*first = (int)s->start;
	return (int)(s->end - s->start);
}

static int elem_at(int i, int col)
{
	const struct span *s = span_at(i, col);

	return s ? (int)s->elem : -1;
}

static bool is_flame(int e)
{
	return e >= TE_FLAME_A && e <= TE_FLAME_D;
}

/* The first line (the detail line aside) with a selected span, or -1. */
static int selected_row(void)
{
	for (size_t i = 0; i < fx.frame.n; i++)
		for (size_t k = 0; k < fx.frame.v[i].nspans; k++)
			if (fx.frame.v[i].spans[k].elem == TE_ROW_SELECTED &&
			    !strstr(fx.frame.v[i].text, "  total "))
				return (int)i;
	return -1;
}

/* The line describing the selection: the one after the graph rows. */
static const char *detail(void)
{
	int i = fx_find("  total ");

	cr_assert_geq(i, 0, "a detail line");
	return fx.frame.v[i].text;
}

/* Every line of the tab (after the tab bar, before the status line) is
 * exactly the width; no line is wider. */
static void expect_exact_fit(void)
{
	int bar = fx_find(" Flame ");

	cr_assert_eq(fx.frame.n, (size_t)fx.ui.height, "%zu lines for a height of %d", fx.frame.n,
	             fx.ui.height);
	cr_assert_geq(bar, 0, "the tab bar");
	for (size_t i = 0; i < fx.frame.n; i++) {
		cr_expect_leq(fx.frame.v[i].cols, fx.ui.width, "line %zu: '%s'", i,
		              fx.frame.v[i].text);
		if ((int)i > bar && i + 1 < fx.frame.n)
			cr_expect_eq(fx.frame.v[i].cols, fx.ui.width,
			             "line %zu: %d columns of %d: '%s'", i, fx.frame.v[i].cols,
			             fx.ui.width, fx.frame.v[i].text);
	}
}

TestSuite(flame, .init = fx_init, .fini = fx_release, .timeout = 20);

Test(flame, block_widths_follow_the_samples)
{
	int all, x;

	start(100, 50);
	fx_draw();
	expect_exact_fit();
	all = row_starting("all ");
	cr_assert_geq(all, 0, "the root row");
	cr_expect_eq(block_width(all, 0, NULL), 100);
	cr_expect_eq(row_starting("main "), all + 1, "callees below callers");
	cr_expect_eq(block_width(all + 1, 0, NULL), 100);
	cr_assert_eq(row_starting("alpha "), all + 2);
	cr_expect_eq(block_width(all + 2, 0, NULL), 60, "600 of 1000 samples on 100 columns");
	cr_expect_eq(block_width(all + 2, 60, &x), 40, "400 of 1000");
	cr_expect_eq(x, 60);
	cr_expect(!strncmp(fx.frame.v[all + 2].text + 60, "beta ", 5), "'%s'",
	          fx.frame.v[all + 2].text);
	cr_expect_neq(elem_at(all + 2, 0), elem_at(all + 2, 60), "neighbours differ in colour");
	cr_expect_neq(elem_at(all + 2, 0), elem_at(all + 1, 0), "and from their parent");
	cr_assert_eq(row_starting("parse "), all + 3);
	cr_expect_eq(block_width(all + 3, 0, NULL), 30);
	cr_expect_eq(block_width(all + 3, 30, NULL), 2, "zz: 20 of 1000");
	cr_expect_eq(block_width(all + 3, 60, NULL), 10, "the long name: 100 of 1000");
	cr_expect_eq(row_starting("all "), all, "nothing moves between draws");
}

Test(flame, names_cut_to_their_blocks_and_narrow_frames_merged)
{
	int r;

	start(100, 50);
	fx_draw();
	r = row_starting("parse ");
	cr_assert_geq(r, 0);
	cr_expect(!strncmp(fx.frame.v[r].text + 30, "  ", 2), "no text in 2 columns: '%s'",
	          fx.frame.v[r].text);
	cr_expect(is_flame(elem_at(r, 30)), "but the colour: %d", elem_at(r, 30));
	cr_expect(!strncmp(fx.frame.v[r].text + 60, "a_very_l~ ", 10),
	          "cut with a mark, last column blank: '%s'", fx.frame.v[r].text);
	cr_expect_lt(fx_find("a_very_long_function_name_here"), 0, "the full name is not drawn");
	cr_expect_eq(fx.frame.v[r].text[70], '.', "hash_a..c: one filler: '%s'",
	             fx.frame.v[r].text);
	cr_expect_eq(elem_at(r, 70), TE_ROW_DIM);
	cr_expect_lt(fx_find("hash_"), 0, "the narrow frames are not drawn");
	cr_expect(!strncmp(fx.frame.v[r].text + 71, "                             ", 29),
	          "beta's self time is blank: '%s'", fx.frame.v[r].text);
}

Test(flame, cursor_walks_parents_children_and_neighbours)
{
	start(100, 50);
	fx_draw();
	cr_expect(strstr(detail(), " all  total 1,000 100.0%  self 0 0.0%") == detail(), "'%s'",
	          detail());
	cr_expect_eq(elem_at(row_starting("all "), 0), TE_ROW_SELECTED);
	ui__key(&fx.ui, UI_KEY_DOWN);
	ui__key(&fx.ui, UI_KEY_DOWN);
	fx_draw();
	cr_expect(strstr(detail(), " alpha  prog  prog.c:11  total 600 60.0%  self 280 28.0%"),
	          "the hottest child, with module, file:line and figures: '%s'", detail());
	cr_expect_eq(elem_at(row_starting("alpha "), 0), TE_ROW_SELECTED);
	ui__key(&fx.ui, UI_KEY_RIGHT);
	fx_draw();
	cr_expect(!strncmp(detail(), " beta ", 6), "'%s'", detail());
	cr_expect_eq(elem_at(row_starting("alpha "), 60), TE_ROW_SELECTED);
	cr_expect(is_flame(elem_at(row_starting("alpha "), 0)), "alpha no longer selected");
	ui__key(&fx.ui, UI_KEY_RIGHT); /* the last on its row: stays */
	fx_draw();
	cr_expect(!strncmp(detail(), " beta ", 6), "'%s'", detail());
	ui__key(&fx.ui, UI_KEY_LEFT);
	ui__key(&fx.ui, UI_KEY_DOWN);
	ui__key(&fx.ui, UI_KEY_RIGHT);
	fx_draw();
	cr_expect(!strncmp(detail(), " zz ", 4), "parse, then its neighbour: '%s'", detail());
	ui__key(&fx.ui, UI_KEY_RIGHT);
	fx_draw();
	cr_expect(!strncmp(detail(), " a_very_long_function_name_here ", 32),
	          "across parents, the full name in the detail line: '%s'", detail());
	ui__key(&fx.ui, UI_KEY_RIGHT);
	fx_draw();
	cr_expect(!strncmp(detail(), " a_very", 7), "the filler is skipped: '%s'", detail());
	ui__key(&fx.ui, UI_KEY_UP);
	fx_draw();
	cr_expect(!strncmp(detail(), " beta ", 6), "up is the caller: '%s'", detail());
	ui__key(&fx.ui, UI_KEY_HOME);
	ui__key(&fx.ui, UI_KEY_LEFT);
	fx_draw();
	cr_expect_eq(fx.ui.screen, UI_SCREEN_PROC, "Left on the root does not leave the view");
	cr_expect(!strncmp(detail(), " all ", 5), "'%s'", detail());
	ui__key(&fx.ui, UI_KEY_END);
	fx_draw();
	cr_expect(!strncmp(detail(), " parse ", 7), "End follows the hottest path: '%s'", detail());
}

Test(flame, enter_zooms_and_esc_goes_back)
{
	int r;

	start(100, 50);
	ui__key(&fx.ui, UI_KEY_DOWN);
	ui__key(&fx.ui, UI_KEY_DOWN); /* alpha */
	ui__key(&fx.ui, UI_KEY_ENTER);
	fx_draw();
	expect_exact_fit();
	cr_expect_geq(fx_find(" all > main > alpha  Esc back"), 0, "the path as a breadcrumb");
	r = row_starting("alpha ");
	cr_assert_geq(r, 0, "the zoomed frame at the top");
	cr_expect_lt(row_starting("all "), 0);
	cr_expect_eq(block_width(r, 0, NULL), 100, "full width");
	cr_expect_eq(row_starting("parse "), r + 1);
	cr_expect_eq(block_width(r + 1, 0, NULL), 50, "300 of 600");
	cr_expect(!strncmp(fx.frame.v[r + 1].text + 50, "zz ", 3), "20 of 600: 3 columns: '%s'",
	          fx.frame.v[r + 1].text);
	cr_expect_lt(fx_find("beta"), 0, "alpha's sibling is gone");
	ui__key(&fx.ui, UI_KEY_UP);
	fx_draw();
	cr_expect(!strncmp(detail(), " alpha ", 7), "no caller above the zoomed frame");
	ui__key(&fx.ui, UI_KEY_DOWN);
	ui__key(&fx.ui, UI_KEY_ENTER); /* parse, zoomed twice */
	fx_draw();
	cr_expect_geq(fx_find(" all > main > alpha > parse"), 0);
	cr_expect_eq(ui__key(&fx.ui, UI_KEY_ESC), UI_REDRAW);
	fx_draw();
	cr_expect_geq(fx_find(" all > main > alpha  Esc back"), 0, "back one level");
	ui__key(&fx.ui, UI_KEY_ESC);
	fx_draw();
	r = row_starting("alpha ");
	cr_assert_geq(r, 0);
	cr_expect_eq(block_width(r, 0, NULL), 60, "as before the zoom");
	cr_expect_geq(row_starting("all "), 0);
	cr_expect(!strncmp(detail(), " parse ", 7), "the selection stays: '%s'", detail());
	cr_expect_eq(fx.ui.screen, UI_SCREEN_PROC);
	ui__key(&fx.ui, UI_KEY_ESC); /* not zoomed: the view's Esc */
	cr_expect_eq(fx.ui.screen, UI_SCREEN_LIST);
}

Test(flame, search_selects_and_highlights_matches)
{
	int r;

	start(100, 50);
	keys("/par");
	ui__key(&fx.ui, UI_KEY_ENTER);
	fx_draw();
	cr_expect(!strncmp(detail(), " parse ", 7), "'%s'", detail());
	ui__key(&fx.ui, UI_KEY_HOME); /* the root, which no search matches */
	keys("/a");
	ui__key(&fx.ui, UI_KEY_ENTER);
	fx_draw();
	cr_expect(!strncmp(detail(), " main ", 6), "top to bottom, from the selection: '%s'",
	          detail());
	r = row_starting("alpha ");
	cr_expect_eq(elem_at(r, 0), TE_FLAME_MATCH, "other matches highlighted");
	cr_expect_eq(elem_at(r, 60), TE_FLAME_MATCH);
	cr_expect(is_flame(elem_at(r + 1, 30)), "zz does not match");
	keys("n");
	fx_draw();
	cr_expect(!strncmp(detail(), " alpha ", 7), "'%s'", detail());
	keys("nnn");
	fx_draw();
	cr_expect(!strncmp(detail(), " a_very", 7), "left to right on a row: '%s'", detail());
	keys("n");
	fx_draw();
	cr_expect(!strncmp(detail(), " main ", 6), "wraps: '%s'", detail());
	keys("N");
	fx_draw();
	cr_expect(!strncmp(detail(), " a_very", 7), "backwards: '%s'", detail());
	keys("/hash_b");
	ui__key(&fx.ui, UI_KEY_ENTER);
	fx_draw();
	cr_expect(strncmp(detail(), " hash", 5), "a frame not drawn is not found: '%s'", detail());
	cr_expect_geq(fx_find("no match for 'hash_b'"), 0);
}

Test(flame, fits_the_smallest_and_a_large_screen)
{
	static const int sizes[][2] = {{40, 10}, {250, 80}, {41, 12}, {80, 24}};

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		start(sizes[k][0], sizes[k][1]);
		fx_draw();
		expect_exact_fit();
		ui__key(&fx.ui, UI_KEY_END);
		ui__key(&fx.ui, UI_KEY_ENTER);
		fx_draw();
		expect_exact_fit();
		cr_expect_geq(fx_find("parse"), 0, "%dx%d: the zoomed frame is shown", fx.ui.width,
		              fx.ui.height);
	}
}

Test(flame, deep_stacks_scroll)
{
	const char *names[40];
	char buf[40][16];

	prof = model_agent_process(&fx.m, 300, "/usr/bin/prog")->profile;
	for (int i = 0; i < 40; i++) {
		snprintf(buf[i], sizeof(buf[i]), "f%02d", i);
		names[i] = buf[i];
	}
	for (size_t n = 1; n <= 40; n++)
		stack(names, n, 1);
	start(80, 24);
	ui__key(&fx.ui, UI_KEY_END);
	fx_draw();
	expect_exact_fit();
	cr_expect(!strncmp(detail(), " f39 ", 5), "'%s'", detail());
	cr_expect_gt(selected_row(), fx_find(" Flame "), "scrolled down to the selection");
	cr_expect_lt(row_starting("all "), 0, "the top scrolled away");
	ui__key(&fx.ui, UI_KEY_HOME);
	fx_draw();
	cr_expect_geq(row_starting("all "), 0, "and back");
}

/* 50,000 nodes: main -> 1,000 callers of 50 callees each. The screen still
 * holds at most a block per column, and every line fits. */
Test(flame, a_big_tree_draws_only_what_fits)
{
	char f[32], g[32];

	prof = model_agent_process(&fx.m, 300, "/usr/bin/prog")->profile;
	for (int i = 0; i < 1000; i++) {
		for (int j = 0; j < 50; j++) {
			snprintf(f, sizeof(f), "f%04d", i);
			snprintf(g, sizeof(g), "g%04d_%02d", i, j);
			stack((const char *[]){"main", f, g}, 3, (uint64_t)(1 + (i % 7 == 0) * 40));
		}
	}
	cr_assert_geq(calltree_count(&prof->top), 51000);
	start(250, 80);
	for (int i = 0; i < 20; i++)
		fx_draw();
	expect_exact_fit();
	ui__key(&fx.ui, UI_KEY_END);
	fx_draw();
	cr_expect(!strncmp(detail(), " f0000 ", 7), "the hottest path, while drawn: '%s'",
	          detail());
	ui__key(&fx.ui, UI_KEY_ENTER); /* 2,050 samples: 41 a column */
	ui__key(&fx.ui, UI_KEY_END);
	fx_draw();
	expect_exact_fit();
	cr_expect(!strncmp(detail(), " g0000_00 ", 10), "then its callees: '%s'", detail());
}

Test(flame, old_theme_files_without_flame_colours_still_parse)
{
	FILE *fp = fopen("themes/dark.theme", "r");
	char line[600], text[THEME_MAX_FILE], err[256];
	struct theme t, def;
	size_t len = 0;

	cr_assert_not_null(fp, "run from the source root");
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, "flame.", 6))
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s", line);
	fclose(fp);
	cr_assert(strstr(text, "row.selected") && !strstr(text, "flame."));
	cr_assert_eq(theme_parse(&t, text, len, err, sizeof(err)), 0, "%s", err);
	theme_default(&def);
	for (int e = TE_FLAME_A; e <= TE_FLAME_MATCH; e++) {
		cr_expect_eq(t.style[e].bg, def.style[e].bg, "%s keeps the default",
		             theme_element_name(e));
		cr_expect_neq(def.style[e].bg, -1, "%s has a background", theme_element_name(e));
	}
}

Test(flame, clicks_select_and_double_clicks_zoom)
{
	int r;

	start(100, 50);
	fx_draw();
	r = row_starting("alpha ");
	cr_assert_geq(r, 0);
	fx.ui.mouse = (struct ui_mouse){ 75, r, UI_MOUSE_LEFT, false };
	cr_expect_eq(ui__key(&fx.ui, UI_KEY_MOUSE), UI_REDRAW);
	fx_draw();
	cr_expect(!strncmp(detail(), " beta ", 6), "the frame under the click: '%s'", detail());
	fx.ui.mouse = (struct ui_mouse){ 5, r + 1, UI_MOUSE_LEFT, true };
	ui__key(&fx.ui, UI_KEY_MOUSE);
	fx_draw();
	cr_expect_geq(fx_find(" all > main > alpha > parse  Esc back"), 0, "zoomed into parse");
	fx.ui.mouse = (struct ui_mouse){ 3, fx_find(" all > main"), UI_MOUSE_LEFT, false };
	ui__key(&fx.ui, UI_KEY_MOUSE);
	fx_draw();
	cr_expect_lt(fx_find("Esc back"), 0, "a click on the path zooms out");
	cr_expect(!strncmp(detail(), " parse ", 7), "'%s'", detail());
}

Test(flame, another_thread_or_no_samples_start_over)
{
	start(100, 30);
	ui__key(&fx.ui, UI_KEY_DOWN);
	ui__key(&fx.ui, UI_KEY_DOWN);
	ui__key(&fx.ui, UI_KEY_ENTER);
	fx_draw();
	cr_assert_geq(fx_find("Esc back"), 0);
	tabs__set_tid(&fx.ui, 301); /* the thread's own tree */
	fx_draw();
	expect_exact_fit();
	cr_expect_lt(fx_find("Esc back"), 0, "the zoom belonged to the merged tree");
	cr_expect(!strncmp(detail(), " all ", 5), "'%s'", detail());
	cr_expect_eq(block_width(row_starting("alpha "), 0, NULL), 60, "the same samples");
	profile_reset(prof);
	fx_draw();
	expect_exact_fit();
	cr_expect_geq(fx_find(" no samples yet"), 0);
	cr_expect(ui__key(&fx.ui, UI_KEY_ESC) & UI_REDRAW, "the view's Esc");
	cr_expect_eq(fx.ui.screen, UI_SCREEN_LIST);
}

/* The column where the block named name starts on line i, or -1. */
static int block_at(int i, const char *name)
{
	const char *at = strstr(fx.frame.v[i].text, name);

	return at ? (int)(at - fx.frame.v[i].text) : -1;
}

Test(flame, children_keep_name_order_as_new_ones_arrive)
{
	int all;

	start(100, 50);
	fx_draw(); /* caches main's and alpha's children in name order */
	all = row_starting("all ");
	cr_assert_geq(all, 0);
	/* main gains a child between alpha and beta, and one before both. */
	stack((const char *[]){ "main", "b_new" }, 2, 500);
	stack((const char *[]){ "main", "aardvark" }, 2, 500);
	fx_draw();
	expect_exact_fit();
	/* 2000 samples on 100 columns: aardvark 25, alpha 30, b_new 25, beta 20. */
	cr_expect_eq(block_at(all + 2, "aardvark "), 0, "'%s'", fx.frame.v[all + 2].text);
	cr_expect_eq(block_at(all + 2, "alpha "), 25, "'%s'", fx.frame.v[all + 2].text);
	cr_expect_eq(block_at(all + 2, "b_new "), 55, "'%s'", fx.frame.v[all + 2].text);
	cr_expect_eq(block_at(all + 2, "beta "), 80, "'%s'", fx.frame.v[all + 2].text);
	/* alpha's children are still in name order under it. */
	cr_expect_eq(block_at(all + 3, "parse "), 25, "'%s'", fx.frame.v[all + 3].text);
	/* A reset, then as many nodes as before on other paths: no stale order. */
	profile_reset(prof);
	fx_draw();
	stack((const char *[]){ "main", "zeta" }, 2, 10);
	stack((const char *[]){ "main", "omega" }, 2, 10);
	fx_draw();
	all = row_starting("all ");
	cr_assert_geq(all, 0);
	cr_expect_eq(block_at(all + 2, "omega "), 0, "'%s'", fx.frame.v[all + 2].text);
	cr_expect_eq(block_at(all + 2, "zeta "), 50, "'%s'", fx.frame.v[all + 2].text);
}

Test(flame, a_node_with_many_children_draws_them_by_name)
{
	char f[32];

	prof = model_agent_process(&fx.m, 300, "/usr/bin/prog")->profile;
	/* 5,000 children added in reverse name order, each 1 sample but two of
	 * 1,000: only those two are wide enough, in name order. */
	for (int i = 4999; i >= 0; i--) {
		snprintf(f, sizeof(f), "k%04d", i);
		stack((const char *[]){ "main", f }, 2, i == 4000 || i == 10 ? 1000 : 1);
	}
	start(100, 30);
	for (int i = 0; i < 3; i++)
		fx_draw();
	expect_exact_fit();
	{
		int all = row_starting("all "), a, b;

		cr_assert_geq(all, 0);
		a = block_at(all + 2, "k0010 ");
		b = block_at(all + 2, "k4000 ");
		cr_expect(a >= 0 && b > a, "k0010 left of k4000: '%s'", fx.frame.v[all + 2].text);
	}
}
