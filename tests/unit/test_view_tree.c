/* Unit tests for the Tree and Callers tabs (treeview.c): a hand-built
 * profile of 1000 samples with known paths is drawn into line buffers and
 * the rows read back: percentages, expansion keys (e E C + - Right Left),
 * focus and its breadcrumb, the threshold, search into collapsed nodes,
 * selection kept while counts change, the callers' numbers, a recursive
 * function counted once per depth, and the smallest and a large screen. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/ui_fixture.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"

static struct profile *prof;
static uint32_t f_main, f_run, f_parse, f_memcpy, f_hash, f_mix, f_read_input, f_read, f_worker,
	f_compress, f_fib;

static void add(pid_t tid, const uint32_t *funcs, size_t n, uint64_t count)
{
	profile_add_samples(prof, tid, funcs, n, count, 1.5);
}

/* 1000 samples. Top-down, with totals (self):
 *   main 900 (0)
 *     run 750 (0)
 *       parse 500 (400)   memcpy 100 (100)
 *       hash 250 (247)    mix 3 (3)
 *     read_input 150 (142)  read 8 (8)
 *   worker 100 (0)
 *     compress 100 (80)   memcpy 20 (20) */
static void paths(void)
{
	add(301, (uint32_t[]){ f_main, f_run, f_parse }, 3, 400);
	add(301, (uint32_t[]){ f_main, f_run, f_parse, f_memcpy }, 4, 100);
	add(301, (uint32_t[]){ f_main, f_run, f_hash }, 3, 247);
	add(301, (uint32_t[]){ f_main, f_run, f_hash, f_mix }, 4, 3);
	add(301, (uint32_t[]){ f_main, f_read_input }, 2, 142);
	add(301, (uint32_t[]){ f_main, f_read_input, f_read }, 3, 8);
	add(302, (uint32_t[]){ f_worker, f_compress }, 2, 80);
	add(302, (uint32_t[]){ f_worker, f_compress, f_memcpy }, 3, 20);
}

/* 60 samples of a recursive fib: main→fib 10, main→fib→fib 20,
 * main→fib→fib→fib 30. */
static void recursion(void)
{
	add(301, (uint32_t[]){ f_main, f_fib }, 2, 10);
	add(301, (uint32_t[]){ f_main, f_fib, f_fib }, 3, 20);
	add(301, (uint32_t[]){ f_main, f_fib, f_fib, f_fib }, 4, 30);
}

static void setup_with(void (*fill)(void))
{
	fx_init();
	fx_readings((const struct fx_proc[]){ { 300, "prog", 50 } }, 1);
	prof = fx_agent(300, "/usr/bin/prog");
	prof->requested_hz = 1000;
	prof->achieved_hz = 1000;
	f_main = profile_func(prof, "prog", "main", "src/main.c", 10);
	f_run = profile_func(prof, "prog", "run", "src/main.c", 20);
	f_parse = profile_func(prof, "prog", "parse", "src/parse.c", 30);
	f_memcpy = profile_func(prof, "libc.so.6", "memcpy", NULL, 0);
	f_hash = profile_func(prof, "prog", "hash", "src/hash.c", 40);
	f_mix = profile_func(prof, "prog", "mix", "src/hash.c", 50);
	f_read_input = profile_func(prof, "prog", "read_input", "src/io.c", 60);
	f_read = profile_func(prof, "libc.so.6", "read", NULL, 0);
	f_worker = profile_func(prof, "prog", "worker", "src/worker.c", 70);
	f_compress = profile_func(prof, "prog", "compress", "src/worker.c", 80);
	f_fib = profile_func(prof, "prog", "fib", "src/fib.c", 90);
	fill();
}

static void setup(void)
{
	setup_with(paths);
}

static void setup_recursion(void)
{
	setup_with(recursion);
}

/* Opens the process view of pid 300 at width x height on tab. */
static void start(int width, int height, enum proc_tab tab)
{
	fx_start_proc(width, height, false, 300);
	ui__key(&fx.ui, '1' + (int)tab);
}

/* Draws a frame; TREE_DUMP=1 in the environment prints it (to debug a test). */
static void draw(void)
{
	ui__frame(&fx.ui, &fx.frame);
	if (getenv("TREE_DUMP")) {
		lines_write(&fx.frame, stderr);
		fputs("----\n", stderr);
	}
}

static void key(int k)
{
	ui__key(&fx.ui, k);
	draw();
}

static void keys(const char *s)
{
	for (; *s; s++)
		ui__key(&fx.ui, (unsigned char)*s);
	draw();
}

/* One row of the table as read back from the screen. */
struct trow {
	double total, self; /* the Tree's TOTAL% and SELF%; Callers: self = -1 */
	unsigned long samples;
	int depth;
	char mark; /* '+' closed, '-' open, ' ' leaf */
	char name[64];
};

/* The line holding the column header of the current tree tab. */
static int header_line(void)
{
	for (size_t i = 0; i < fx.frame.n; i++)
		if (strstr(fx.frame.v[i].text, "% ") && strstr(fx.frame.v[i].text, "FUNCTION"))
			return (int)i;
	return -1;
}

/* Reads row k under the header; false past the last row. */
static bool row(int k, struct trow *r)
{
	int h = header_line(), col;
	const char *text, *fn;
	char plain[512];
	size_t k2 = 0;
	int sp = 0;

	cr_assert_geq(h, 0, "no column header");
	col = (int)(strstr(fx.frame.v[h].text, "FUNCTION") - fx.frame.v[h].text);
	if (h + 1 + k >= (int)fx.frame.n)
		return false;
	text = fx.frame.v[h + 1 + k].text;
	if ((int)strlen(text) <= col + 2)
		return false;
	/* The numbers without thousands separators ("1,150"). */
	for (const char *c = text; *c && c < text + col && k2 + 1 < sizeof(plain); c++)
		if (*c != ',')
			plain[k2++] = *c;
	plain[k2] = '\0';
	memset(r, 0, sizeof(*r));
	if (strstr(fx.frame.v[h].text, "TOTAL%")) {
		if (sscanf(plain, "%lf %lf %lu", &r->total, &r->self, &r->samples) != 3)
			return false;
	} else {
		r->self = -1;
		if (sscanf(plain, "%lf %lu", &r->total, &r->samples) != 2)
			return false;
	}
	fn = text + col;
	while (fn[sp] == ' ')
		sp++;
	if (fn[sp] == '+' || fn[sp] == '-') {
		r->mark = fn[sp];
		sscanf(fn + sp + 1, "%63s", r->name);
	} else {
		r->mark = ' ';
		sp -= 2; /* a leaf: the blank mark and the space after it */
		sscanf(fn + sp + 2, "%63s", r->name);
	}
	r->depth = sp / 2;
	return true;
}

static int nrows(void)
{
	struct trow r;
	int n = 0;

	while (row(n, &r))
		n++;
	return n;
}

/* The rows' names joined by spaces, with their depth: "main 1:run ...". */
static const char *outline(void)
{
	static char buf[1024];
	struct trow r;
	size_t len = 0;

	buf[0] = '\0';
	for (int k = 0; row(k, &r); k++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d:%s%c", k ? " " : "",
					r.depth, r.name, r.mark == ' ' ? '.' : r.mark);
	return buf;
}

static struct browser *br(void)
{
	return tabs__browser(&fx.ui, tabs__current(&fx.ui));
}

/* The selected row, read back. */
static struct trow selected(void)
{
	struct trow r;

	cr_assert(row((int)br()->sel, &r), "a selected row");
	return r;
}

static void expect_row(int k, double total, double self, unsigned long samples, int depth,
		       char mark, const char *name)
{
	struct trow r;

	cr_assert(row(k, &r), "row %d missing: %s", k, outline());
	cr_expect(r.total == total && r.self == self && r.samples == samples &&
			  r.depth == depth && r.mark == mark && !strcmp(r.name, name),
		  "row %d: got %.1f %.1f %lu depth %d '%c' %s, expected %.1f %.1f %lu depth %d "
		  "'%c' %s",
		  k, r.total, r.self, r.samples, r.depth, r.mark, r.name, total, self, samples,
		  depth, mark, name);
}

/* Moves the selection to the row named name (the first one). */
static void go_to(const char *name)
{
	struct trow r;

	for (int k = 0; row(k, &r); k++)
		if (!strcmp(r.name, name)) {
			browser_select(br(), (size_t)k);
			draw();
			return;
		}
	cr_assert_fail("no row %s in %s", name, outline());
}

TestSuite(view_tree, .init = setup, .fini = fx_release);

Test(view_tree, first_show_opens_the_hot_path_with_percentages_of_the_scope)
{
	start(120, 40, PTAB_TREE);
	draw();
	cr_expect_geq(fx_find("Top-down: % of 1,000 samples"), 0, "what the numbers are");
	/* main opened; run holds 83 % of it, a real split: the opening stops. */
	cr_expect_str_eq(outline(), "0:main- 1:run+ 1:read_input+ 0:worker+");
	expect_row(0, 90.0, 0.0, 900, 0, '-', "main");
	expect_row(1, 75.0, 0.0, 750, 1, '+', "run");
	expect_row(2, 15.0, 14.2, 150, 1, '+', "read_input");
	expect_row(3, 10.0, 0.0, 100, 0, '+', "worker");
	cr_expect_geq(fx_find("prog"), 0, "the module column");
	cr_expect_geq(fx_find("io.c:60"), 0, "FILE:LINE");
	key('L');
	cr_expect_lt(fx_find("io.c:60"), 0, "L hides FILE:LINE");
	cr_expect_str_eq(selected().name, "main", "the top row is selected");
}

Test(view_tree, e_expands_the_hottest_path_and_moves_to_its_end)
{
	start(120, 40, PTAB_TREE);
	draw();
	key('e');
	cr_expect_str_eq(outline(),
			 "0:main- 1:run- 2:parse- 3:memcpy. 2:hash+ 1:read_input+ 0:worker+");
	expect_row(2, 50.0, 40.0, 500, 2, '-', "parse");
	expect_row(3, 10.0, 10.0, 100, 3, ' ', "memcpy");
	cr_expect_str_eq(selected().name, "memcpy", "the cursor at the path's end");
	cr_expect_eq(br()->sel, 3);
	/* From worker: its own hottest path. */
	go_to("worker");
	key('e');
	cr_expect_str_eq(selected().name, "memcpy");
	cr_expect_eq(selected().depth, 2, "worker's memcpy, not parse's");
	expect_row(8, 2.0, 2.0, 20, 2, ' ', "memcpy");
}

Test(view_tree, expand_and_collapse_everything)
{
	start(120, 40, PTAB_TREE);
	draw();
	key('e'); /* on parse's memcpy */
	key('E');
	cr_expect_str_eq(outline(), "0:main- 1:run- 2:parse- 3:memcpy. 2:hash- 3:mix. "
				    "1:read_input- 2:read. 0:worker- 1:compress- 2:memcpy.");
	cr_expect_str_eq(selected().name, "memcpy", "the cursor stays");
	cr_expect_eq(selected().depth, 3);
	key('C');
	cr_expect_str_eq(outline(), "0:main+ 0:worker+");
	cr_expect_str_eq(selected().name, "main", "the cursor climbs to the shown ancestor");
}

Test(view_tree, plus_and_minus_one_level_below_the_cursor)
{
	start(120, 40, PTAB_TREE);
	draw();
	key('C');
	key('+');
	cr_expect_str_eq(outline(), "0:main- 1:run+ 1:read_input+ 0:worker+");
	key('+');
	cr_expect_str_eq(outline(),
			 "0:main- 1:run- 2:parse+ 2:hash+ 1:read_input- 2:read. 0:worker+");
	key('+');
	cr_expect_str_eq(outline(), "0:main- 1:run- 2:parse- 3:memcpy. 2:hash- 3:mix. "
				    "1:read_input- 2:read. 0:worker+");
	key('-');
	cr_expect_str_eq(outline(),
			 "0:main- 1:run- 2:parse+ 2:hash+ 1:read_input- 2:read. 0:worker+");
	key('-');
	key('-');
	cr_expect_str_eq(outline(), "0:main+ 0:worker+");
	cr_expect_str_eq(selected().name, "main");
}

Test(view_tree, right_left_and_enter)
{
	start(120, 40, PTAB_TREE);
	draw();
	go_to("run");
	key(UI_KEY_RIGHT);
	cr_expect_str_eq(outline(), "0:main- 1:run- 2:parse+ 2:hash+ 1:read_input+ 0:worker+");
	cr_expect_str_eq(selected().name, "run", "opening stays on the node");
	key(UI_KEY_RIGHT);
	cr_expect_str_eq(selected().name, "parse", "Right on an open node: its first child");
	key(UI_KEY_LEFT);
	cr_expect_str_eq(selected().name, "run", "Left on a closed node: the parent");
	key(UI_KEY_LEFT);
	cr_expect_str_eq(outline(), "0:main- 1:run+ 1:read_input+ 0:worker+", "Left closes");
	key(UI_KEY_ENTER);
	cr_expect_str_eq(outline(), "0:main- 1:run- 2:parse+ 2:hash+ 1:read_input+ 0:worker+");
	key(UI_KEY_ENTER);
	cr_expect_str_eq(outline(), "0:main- 1:run+ 1:read_input+ 0:worker+", "Enter toggles");
	go_to("main");
	key(UI_KEY_LEFT);
	key(UI_KEY_LEFT);
	cr_expect_eq(fx.ui.screen, UI_SCREEN_PROC, "Left on a closed top row stays in the view");
}

Test(view_tree, focus_shows_a_subtree_with_a_breadcrumb_and_esc_goes_back)
{
	start(120, 40, PTAB_TREE);
	draw();
	key('e');
	go_to("parse");
	key('f');
	cr_expect_str_eq(outline(), "0:parse- 1:memcpy.");
	expect_row(0, 50.0, 40.0, 500, 0, '-', "parse");
	cr_expect_geq(fx_find("Focus main > run > parse"), 0, "the breadcrumb");
	cr_expect_geq(fx_find("Esc back"), 0);
	go_to("memcpy");
	key('f');
	cr_expect_str_eq(outline(), "0:memcpy.");
	cr_expect_geq(fx_find("Focus main > run > parse > memcpy"), 0);
	expect_row(0, 10.0, 10.0, 100, 0, ' ', "memcpy");
	key(UI_KEY_ESC);
	cr_expect_str_eq(outline(), "0:parse- 1:memcpy.", "one level back");
	cr_expect_str_eq(selected().name, "memcpy");
	key(UI_KEY_ESC);
	cr_expect_lt(fx_find("Focus"), 0);
	cr_expect_str_eq(selected().name, "parse", "the focused node stays selected");
	cr_expect_eq(selected().depth, 2);
	cr_expect_eq(fx.ui.screen, UI_SCREEN_PROC);
	key(UI_KEY_ESC); /* not focused: the view's Esc goes back to the list */
	cr_expect_eq(fx.ui.screen, UI_SCREEN_LIST);
}

Test(view_tree, narrow_breadcrumb_keeps_its_end)
{
	start(40, 30, PTAB_TREE);
	draw();
	key('e');
	key('f');
	cr_expect_geq(fx_find("... > parse > memcpy"), 0, "cut on the left");
	for (size_t i = 0; i < fx.frame.n; i++)
		cr_expect_leq(fx.frame.v[i].cols, 40, "'%s'", fx.frame.v[i].text);
}

Test(view_tree, threshold_hides_small_paths)
{
	start(120, 40, PTAB_TREE);
	draw();
	key('E');
	cr_expect_eq(nrows(), 11);
	key('%'); /* 0.5 %: mix (0.3 %) goes */
	cr_expect_str_eq(outline(), "0:main- 1:run- 2:parse- 3:memcpy. 2:hash. "
				    "1:read_input- 2:read. 0:worker- 1:compress- 2:memcpy.");
	cr_expect_geq(fx_find("hiding < 0.5%"), 0);
	key('%'); /* 1 %: read (0.8 %) too */
	cr_expect_eq(nrows(), 9);
	cr_expect_geq(fx_find("hiding < 1%"), 0);
	key('%'); /* 5 %: worker's memcpy (2 %) too */
	cr_expect_str_eq(outline(), "0:main- 1:run- 2:parse- 3:memcpy. 2:hash. "
				    "1:read_input. 0:worker- 1:compress.");
	cr_expect_geq(fx_find("hiding < 5%"), 0);
	key('%');
	cr_expect_eq(nrows(), 11, "and back to everything");
	cr_expect_lt(fx_find("hiding"), 0);
}

Test(view_tree, search_opens_the_way_to_a_hidden_node)
{
	start(120, 40, PTAB_TREE);
	draw();
	key('C');
	keys("/mix");
	key(UI_KEY_ENTER);
	cr_expect_str_eq(outline(), "0:main- 1:run- 2:parse+ 2:hash- 3:mix. 1:read_input+ "
				    "0:worker+");
	cr_expect_str_eq(selected().name, "mix");
	keys("/memcpy");
	key(UI_KEY_ENTER);
	cr_expect_str_eq(selected().name, "memcpy", "the next match after mix");
	cr_expect_eq(selected().depth, 2, "worker's memcpy, in displayed order after mix");
	key('n');
	cr_expect_str_eq(selected().name, "memcpy");
	cr_expect_eq(selected().depth, 3, "wrapped round to parse's memcpy");
	key('N');
	cr_expect_eq(selected().depth, 2, "and back to worker's memcpy");
	keys("/zzz");
	key(UI_KEY_ENTER);
	cr_expect_geq(fx_find("no match for 'zzz'"), 0);
}

Test(view_tree, matches_are_highlighted)
{
	int i;
	const struct line *l;
	const char *at;
	bool lit = false;

	start(120, 40, PTAB_TREE);
	draw();
	keys("/ead_in");
	key(UI_KEY_ENTER);
	key(UI_KEY_UP); /* off the row, so it is not drawn as selected */
	i = fx_find(" read_input ");
	cr_assert_geq(i, 0);
	l = &fx.frame.v[i];
	at = strstr(l->text, "ead_in");
	for (size_t s = 0; s < l->nspans; s++)
		if (l->spans[s].start == (size_t)(at - l->text))
			lit = l->spans[s].elem == TE_MATCH;
	cr_expect(lit, "the match in TE_MATCH");
}

Test(view_tree, selection_follows_its_node_as_counts_change)
{
	start(120, 40, PTAB_TREE);
	draw();
	go_to("read_input");
	cr_expect_eq(br()->sel, 2);
	/* read_input becomes main's hottest child: it moves above run. */
	add(301, (uint32_t[]){ f_main, f_read_input }, 2, 1000);
	draw();
	cr_expect_str_eq(outline(), "0:main- 1:read_input+ 1:run+ 0:worker+");
	cr_expect_eq(br()->sel, 1);
	cr_expect_str_eq(selected().name, "read_input");
	expect_row(1, 57.5, 57.1, 1150, 1, '+', "read_input");
	/* R-like reset: ids restart, the state is forgotten, nothing breaks. */
	profile_reset(prof);
	draw();
	cr_expect_eq(nrows(), 0);
	cr_expect_geq(fx_find("no samples yet"), 0);
	add(302, (uint32_t[]){ f_worker, f_compress }, 2, 10);
	draw();
	cr_expect_str_eq(outline(), "0:worker- 1:compress.", "primed again");
}

Test(view_tree, thread_scope_keeps_expansions_by_path)
{
	start(120, 40, PTAB_TREE);
	draw();
	key('e');
	tabs__set_tid(&fx.ui, 301);
	draw();
	cr_expect_str_eq(outline(), "0:main- 1:run- 2:parse- 3:memcpy. 2:hash+ 1:read_input+");
	expect_row(0, 100.0, 0.0, 900, 0, '-', "main");
	tabs__set_tid(&fx.ui, 0);
	draw();
	cr_expect_str_eq(outline(),
			 "0:main- 1:run- 2:parse- 3:memcpy. 2:hash+ 1:read_input+ 0:worker+");
	/* The selection follows its call path into the other tree. */
	tabs__set_tid(&fx.ui, 302);
	draw();
	go_to("worker");
	key(UI_KEY_RIGHT);
	key(UI_KEY_DOWN);
	cr_expect_str_eq(selected().name, "compress");
	tabs__set_tid(&fx.ui, 0);
	draw();
	cr_expect_str_eq(selected().name, "compress");
	cr_expect_eq(br()->sel, 7);
}

Test(view_tree, callers_split_each_function_by_its_callers)
{
	start(120, 40, PTAB_CALLERS);
	draw();
	cr_expect_geq(fx_find("Bottom-up"), 0);
	cr_expect_geq(fx_find("FUNCTION, THEN WHO CALLED IT"), 0);
	/* parse is the hottest leaf; its only caller chain opens by itself. */
	cr_expect_str_eq(outline(), "0:parse- 1:run- 2:main. 0:hash+ 0:read_input+ 0:memcpy+ "
				    "0:compress+ 0:read+ 0:mix+");
	expect_row(0, 40.0, -1, 400, 0, '-', "parse");
	expect_row(3, 24.7, -1, 247, 0, '+', "hash");
	expect_row(5, 12.0, -1, 120, 0, '+', "memcpy");
	go_to("memcpy");
	key(UI_KEY_RIGHT);
	expect_row(6, 10.0, -1, 100, 1, '+', "parse");
	expect_row(7, 2.0, -1, 20, 1, '+', "compress");
	key('e');
	cr_expect_str_eq(selected().name, "main", "memcpy ← parse ← run ← main");
	cr_expect_eq(selected().depth, 3);
	cr_expect_eq(selected().samples, 100);
}

TestSuite(view_tree_recursion, .init = setup_recursion, .fini = fx_release);

Test(view_tree_recursion, one_node_per_depth_never_counted_twice)
{
	start(120, 40, PTAB_TREE);
	draw();
	key('E');
	cr_expect_str_eq(outline(), "0:main- 1:fib- 2:fib- 3:fib.");
	expect_row(0, 100.0, 0.0, 60, 0, '-', "main");
	expect_row(1, 100.0, 16.7, 60, 1, '-', "fib");
	expect_row(2, 83.3, 33.3, 50, 2, '-', "fib");
	expect_row(3, 50.0, 50.0, 30, 3, ' ', "fib");
	key('3');
	key('E');
	cr_expect_str_eq(outline(), "0:fib- 1:fib- 2:fib- 3:main. 2:main. 1:main.");
	expect_row(0, 100.0, -1, 60, 0, '-', "fib");
	expect_row(1, 83.3, -1, 50, 1, '-', "fib");
	expect_row(5, 16.7, -1, 10, 1, ' ', "main");
}

/* Every line of the frame is exactly the screen's width. */
static void expect_full_width(void)
{
	cr_expect_eq(fx.frame.n, (size_t)fx.ui.height);
	for (size_t i = 0; i < fx.frame.n; i++)
		cr_expect_eq(fx.frame.v[i].cols, fx.ui.width, "%dx%d line %zu: %d columns: '%s'",
			     fx.ui.width, fx.ui.height, i, fx.frame.v[i].cols, fx.frame.v[i].text);
}

Test(view_tree, fits_the_smallest_and_a_large_screen)
{
	static const int sizes[][2] = { { 40, 10 }, { 250, 80 }, { 40, 24 } };

	start(40, 10, PTAB_TREE);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (int tab = PTAB_TREE; tab <= PTAB_CALLERS; tab++) {
			fx.ui.width = sizes[s][0];
			fx.ui.height = sizes[s][1];
			key('1' + tab);
			key('E');
			expect_full_width();
			cr_expect_geq(header_line(), 0, "the column header at %dx%d", fx.ui.width,
				      fx.ui.height);
			cr_expect_geq(fx_find(tab == PTAB_TREE ? "main" : "parse"), 0,
				      "a name at %dx%d", fx.ui.width, fx.ui.height);
			key('e');
			key('f');
			expect_full_width();
			key('%');
			expect_full_width();
			key(UI_KEY_ESC);
			key('%');
			key('%');
			key('%');
		}
	}
}

Test(view_tree, utf8_expanders_and_breadcrumb)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	fx_start_proc(120, 40, true, 300);
	key('2');
	cr_expect_geq(fx_find("▾ main"), 0, "an open node");
	cr_expect_geq(fx_find("  ▸ run"), 0, "a closed one, indented");
	key('e');
	browser_select(br(), 2); /* parse */
	key('f');
	cr_expect_geq(fx_find("Focus main › run › parse"), 0, "the breadcrumb");
}

Test(view_tree, click_selects_and_double_click_toggles)
{
	int y;

	start(120, 40, PTAB_TREE);
	draw();
	y = fx_find(" read_input ");
	cr_assert_geq(y, 0);
	fx.ui.mouse = (struct ui_mouse){ 30, y, UI_MOUSE_LEFT, false };
	key(UI_KEY_MOUSE);
	cr_expect_str_eq(selected().name, "read_input", "a click selects");
	cr_expect_str_eq(outline(), "0:main- 1:run+ 1:read_input+ 0:worker+");
	fx.ui.mouse.double_click = true;
	key(UI_KEY_MOUSE);
	cr_expect_str_eq(outline(), "0:main- 1:run+ 1:read_input- 2:read. 0:worker+",
			 "a double click opens");
}

Test(view_tree, pause_and_resume_keep_what_is_open)
{
	start(120, 40, PTAB_TREE);
	draw();
	key('e');
	go_to("parse");
	key('f');
	cr_assert_eq(ui__pause(&fx.ui), 0, "a paused copy of the model");
	ui__pause_load(&fx.ui);
	draw();
	cr_expect_neq(model_find(fx.ui.m, 300)->profile, prof, "another profile is shown");
	cr_expect_str_eq(outline(), "0:parse- 1:memcpy.", "the focus carried over by path");
	key(UI_KEY_ESC);
	cr_expect_str_eq(outline(),
			 "0:main- 1:run- 2:parse- 3:memcpy. 2:hash+ 1:read_input+ 0:worker+");
	go_to("worker");
	key(UI_KEY_RIGHT);
	key(UI_KEY_UP); /* read_input */
	/* Meanwhile the live profile changes: read_input becomes main's hottest. */
	add(301, (uint32_t[]){ f_main, f_read_input }, 2, 1000);
	ui__resume(&fx.ui);
	draw();
	cr_expect_str_eq(outline(), "0:main- 1:read_input+ 1:run- 2:parse- 3:memcpy. 2:hash+ "
				    "0:worker- 1:compress+",
			 "what was opened while paused stays open");
	cr_expect_str_eq(selected().name, "read_input", "on the same node, moved up");
}

Test(view_tree, callers_breadcrumb_reads_called_from)
{
	start(120, 40, PTAB_CALLERS);
	draw();
	go_to("main");
	key('f');
	cr_expect_geq(fx_find("Focus parse < run < main"), 0, "the leaf first, then its callers");
	cr_expect_str_eq(outline(), "0:main.");
	expect_row(0, 40.0, -1, 400, 0, ' ', "main");
}

/* The selected row read back from the screen, wherever it is scrolled to. */
static struct trow shown_selected(void)
{
	struct trow r;

	cr_assert(row((int)(br()->sel - br()->top), &r), "the selected row on screen");
	return r;
}

/* The selected row's name and depth, as "depth:name". */
static const char *sel_at(void)
{
	static char buf[80];
	struct trow r = shown_selected();

	snprintf(buf, sizeof(buf), "%d:%s", r.depth, r.name);
	return buf;
}

Test(view_tree, search_walks_every_node_in_display_order_both_ways)
{
	/* Display order with everything open: main run parse memcpy hash mix
	 * read_input read worker compress memcpy; "m" matches main, memcpy,
	 * mix, compress, memcpy. */
	static const char *const forward[] = { "3:memcpy", "3:mix", "1:compress", "2:memcpy",
					       "0:main" };
	static const char *const backward[] = { "2:memcpy", "1:compress", "3:mix", "3:memcpy",
						"0:main" };

	start(120, 40, PTAB_TREE);
	draw();
	key('C');
	keys("/m");
	key(UI_KEY_ENTER);
	cr_expect_str_eq(sel_at(), "0:main", "the selection itself matches first");
	for (size_t i = 0; i < 5; i++) {
		key('n');
		cr_expect_str_eq(sel_at(), forward[i], "n #%zu", i + 1);
	}
	for (size_t i = 0; i < 5; i++) {
		key('N');
		cr_expect_str_eq(sel_at(), backward[i], "N #%zu", i + 1);
	}
	/* The only match is the selection: n wraps round to it. */
	keys("/read_i");
	key(UI_KEY_ENTER);
	key('n');
	cr_expect_str_eq(sel_at(), "1:read_input");
	cr_expect_lt(fx_find("no match"), 0);
}

Test(view_tree, search_stays_inside_the_focus_and_above_the_threshold)
{
	start(120, 40, PTAB_TREE);
	draw();
	go_to("run");
	key('f'); /* run parse memcpy hash mix */
	keys("/m");
	key(UI_KEY_ENTER);
	cr_expect_str_eq(sel_at(), "2:memcpy", "parse's memcpy (depth from the focus)");
	key('n');
	cr_expect_str_eq(sel_at(), "2:mix");
	key('n');
	cr_expect_str_eq(sel_at(), "2:memcpy", "wraps inside the focus, not to worker's");
	key(UI_KEY_ESC);
	key('%'); /* hides under 0.5 %: mix (0.3 %) */
	keys("/mix");
	key(UI_KEY_ENTER);
	cr_expect_geq(fx_find("no match for 'mix'"), 0);
}

/* A wide profile: main with n children c00000.. of one sample each, plus
 * the base paths. */
static void wide(int n)
{
	char name[32];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "c%05d", i);
		add(301, (uint32_t[]){ f_main, profile_func(prof, "prog", name, NULL, 0) }, 2, 1);
	}
}

/* The row index of node in the browser, or -1. */
static long index_of(uint32_t node)
{
	for (size_t i = 0; i < br()->n; i++)
		if (br()->ids[i] == (long long)node)
			return (long)i;
	return -1;
}

Test(view_tree, a_long_list_scrolls_and_keeps_its_order_between_data_changes)
{
	uint32_t late, c_late;
	struct trow r;
	long at;

	wide(25000); /* more rows than follow every data change */
	start(120, 40, PTAB_TREE);
	draw();
	key('E');
	cr_assert_gt(br()->n, 25000);
	key(UI_KEY_END);
	cr_expect_str_eq(sel_at(), "2:memcpy", "the last row: worker's memcpy");
	for (int i = 0; i < 3; i++)
		key(UI_KEY_PGUP);
	cr_expect_eq(br()->sel, br()->n - 1 - 3 * (size_t)br()->page);
	c_late = profile_func(prof, "prog", "c24999", NULL, 0);
	late =
	    calltree_child(&prof->top, calltree_child(&prof->top, CALLTREE_ROOT, f_main), c_late);
	cr_assert_neq(late, CALLTREE_NONE);
	at = index_of(late);
	cr_assert_eq(at, (long)br()->n - 4, "the last of main's children");
	/* c24999 becomes main's hottest child: its numbers change at once... */
	add(301, (uint32_t[]){ f_main, c_late }, 2, 5000);
	browser_select(br(), (size_t)at);
	draw();
	r = shown_selected();
	cr_expect_str_eq(r.name, "c24999", "the order lags: the same place");
	cr_expect_eq(r.samples, 5001, "but its count is live");
	cr_expect_eq(index_of(late), at);
	/* ... and the order follows at the next change the user makes. */
	key('C');
	key('E');
	cr_expect_eq(index_of(late), 1, "now main's first child");
	cr_expect_str_eq(sel_at(), "0:main", "C took the selection up to main");
}

TestSuite(view_tree_from_functions, .init = setup, .fini = fx_release);

Test(view_tree_from_functions, f_on_a_function_shows_its_callers_focused)
{
	start(120, 40, PTAB_FUNCTIONS);
	keys("/memcpy");
	key(UI_KEY_ENTER); /* keeps the search: memcpy selected */
	key('f');
	cr_assert_eq(tabs__current(&fx.ui), PTAB_CALLERS);
	cr_expect_geq(fx_find("memcpy"), 0);
	/* Focused on memcpy (120 self samples): its two callers, hottest first. */
	cr_expect_str_eq(outline(), "0:memcpy- 1:parse+ 1:compress+");
	expect_row(1, 10.0, -1, 100, 1, '+', "parse");
	expect_row(2, 2.0, -1, 20, 1, '+', "compress");
	key(UI_KEY_ESC); /* leaves the focus: every leaf again */
	cr_expect_eq(tabs__current(&fx.ui), PTAB_CALLERS);
	cr_expect_str_eq(selected().name, "memcpy");
}

Test(view_tree_from_functions, enter_on_a_function_that_is_never_a_leaf_opens_the_tree)
{
	start(120, 40, PTAB_FUNCTIONS);
	keys("/run");
	key(UI_KEY_ENTER);
	key(UI_KEY_ENTER); /* Enter acts as f */
	cr_assert_eq(tabs__current(&fx.ui), PTAB_TREE);
	cr_expect_str_eq(selected().name, "run");
	cr_expect_eq(selected().depth, 1, "main > run, revealed");
	cr_expect_geq(fx_find("no self samples"), 0, "the status line says why");
}

/* 120,200 paths: main -> mid_i (200) -> leaf_j (600 under each). */
static void wide_paths(void)
{
	uint32_t mid[200], leaf[600];
	char name[32];

	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "mid_%d", i);
		mid[i] = profile_func(prof, "prog", name, NULL, 0);
	}
	for (int j = 0; j < 600; j++) {
		snprintf(name, sizeof(name), "leaf_%d", j);
		leaf[j] = profile_func(prof, "prog", name, NULL, 0);
	}
	for (int i = 0; i < 200; i++)
		for (int j = 0; j < 600; j++)
			add(301, (uint32_t[]){ f_main, mid[i], leaf[j] }, 3, 1);
}

static void setup_wide(void)
{
	setup_with(wide_paths);
}

TestSuite(view_tree_wide, .init = setup_wide, .fini = fx_release);

Test(view_tree_wide, E_stops_at_the_level_that_would_pass_the_row_limit)
{
	start(120, 40, PTAB_TREE);
	key('E');
	/* main (1) + mid (200) fit in 100,000 rows, the 120,000 leaves do not:
	 * main opens, every mid shows closed. */
	cr_expect_eq(tabs__browser(&fx.ui, PTAB_TREE)->n, 201);
	cr_expect_geq(fx_find("opened 2 levels"), 0, "the status line says why");
	expect_row(1, 0.5, 0.0, 600, 1, '+', "mid_0");
	key('e'); /* the hottest path still opens to its end */
	cr_expect_eq(selected().depth, 2);
}
