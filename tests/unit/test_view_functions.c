/* Unit tests for the Functions tab (tab_functions.c): the order of its rows for
 * every sort key and direction, ties included; that the order kept between
 * frames is sorted again exactly when the counts, the window, the thread or
 * the functions change (and not otherwise); that the selection stays on its
 * function; and that SAMPLES and the percentages both follow the scope's
 * window and thread. A hand-built process 300 whose every count is known. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support/ui_fixture.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"

static struct profile *prof;
static uint32_t f_main, f_parse, f_alpha, f_alpha_z, f_zeta;

static void add(pid_t tid, uint32_t leaf, uint64_t count, double t, bool under_main)
{
	uint32_t stack[2] = { f_main, leaf };

	if (under_main)
		profile_add_samples(prof, tid, stack, 2, count, t);
	else
		profile_add_samples(prof, tid, &leaf, 1, count, t);
}

/* Process 300 "prog". Thread 301 at t = 1 s: main>parse 6, main>alpha 3,
 * main>alpha (libz) 3, main>zeta 3, main 1; thread 302 at t = 100 s:
 * main>zeta 10. Over everything, self: zeta 13, parse 6, the two alphas 3,
 * main 1; total: main 26. Over the last 5 s only zeta (and main) count. */
static void setup(void)
{
	fx_init();
	fx_readings((const struct fx_proc[]){ { 300, "prog", 50 } }, 1);
	prof = fx_agent(300, "/usr/bin/prog");
	profile_thread_name(prof, 301, "render");
	profile_thread_name(prof, 302, "io");
	f_main = profile_func(prof, "prog", "main", "main.c", 10);
	f_parse = profile_func(prof, "prog", "parse", "parse.c", 20);
	f_alpha = profile_func(prof, "prog", "alpha", "alpha.c", 30);
	f_alpha_z = profile_func(prof, "libz.so.1", "alpha", NULL, 0);
	f_zeta = profile_func(prof, "prog", "zeta", "zeta.c", 40);
	add(301, f_parse, 6, 1, true);
	add(301, f_alpha, 3, 1, true);
	add(301, f_alpha_z, 3, 1, true);
	add(301, f_zeta, 3, 1, true);
	add(301, f_main, 1, 1, false);
	add(302, f_zeta, 10, 100, true);
}

TestSuite(view_functions, .init = setup, .fini = fx_release, .timeout = 20);

static int window_of(double seconds)
{
	for (int i = 0; i < TABS_NWINDOWS; i++)
		if (tabs__window_seconds[i] == seconds)
			return i;
	cr_assert_fail("no window of %g s", seconds);
	return 0;
}

/* The Functions tab at 120x40, every thread, everything since the start. */
static void start(void)
{
	fx_start_proc(120, 40, false, 300);
	tabs__set_window(&fx.ui, window_of(0));
	ui__key(&fx.ui, '1');
	fx_draw();
}

/* Expects the rows, drawn by the last frame, to be these function ids. */
static void expect_rows(const uint32_t *want, size_t n, const char *what)
{
	size_t rows = tabs__browser(&fx.ui, PTAB_FUNCTIONS)->n;

	cr_assert_eq(rows, n, "%s: %zu rows, want %zu", what, rows, n);
	for (size_t i = 0; i < n; i++) {
		uint32_t f = tab_functions__row(&fx.ui, i);

		cr_expect_eq(f, want[i], "%s: row %zu is %s (%s), want %s (%s)", what, i,
			     prof->funcs[f].name, prof->funcs[f].module, prof->funcs[want[i]].name,
			     prof->funcs[want[i]].module);
	}
}

#define EXPECT_ROWS(what, ...)                                                          \
	do {                                                                            \
		const uint32_t want_[] = { __VA_ARGS__ };                               \
		expect_rows(want_, sizeof(want_) / sizeof(want_[0]), what);            \
	} while (0)

/* The tab bar's words for the current sort. */
static const char *sort_label(void)
{
	static char buf[64];

	tabs__sort_label(&fx.ui, buf, sizeof(buf));
	return buf;
}

static unsigned long sorts(void)
{
	unsigned long s, r;

	tab_functions__sort_stats(&fx.ui, &s, &r);
	return s;
}

static unsigned long name_ranks(void)
{
	unsigned long s, r;

	tab_functions__sort_stats(&fx.ui, &s, &r);
	return r;
}

Test(view_functions, self_biggest_first_ties_by_name_then_module)
{
	start();
	/* the two alphas tie at 3: libz.so.1 sorts before prog */
	EXPECT_ROWS("by self", f_zeta, f_parse, f_alpha_z, f_alpha, f_main);
}

Test(view_functions, inverted_self_keeps_ties_by_name)
{
	start();
	ui__key(&fx.ui, 'I');
	fx_draw();
	EXPECT_ROWS("by self inverted", f_main, f_alpha_z, f_alpha, f_parse, f_zeta);
}

Test(view_functions, total_and_name_and_inverted_name)
{
	start();
	ui__key(&fx.ui, '>');
	fx_draw();
	cr_assert_str_eq(sort_label(), "by total ");
	EXPECT_ROWS("by total", f_main, f_zeta, f_parse, f_alpha_z, f_alpha);
	ui__key(&fx.ui, '>');
	fx_draw();
	cr_assert_str_eq(sort_label(), "by name ");
	EXPECT_ROWS("by name", f_alpha_z, f_alpha, f_main, f_parse, f_zeta);
	ui__key(&fx.ui, 'I');
	fx_draw();
	/* names Z to A; the two alphas keep their module order */
	EXPECT_ROWS("by name inverted", f_zeta, f_parse, f_main, f_alpha_z, f_alpha);
}

Test(view_functions, unchanged_frames_keep_the_order_without_sorting)
{
	unsigned long before;

	start();
	before = sorts();
	cr_assert_gt(before, 0);
	for (int i = 0; i < 3; i++)
		fx_draw();
	cr_expect_eq(sorts(), before, "nothing changed, yet the rows were sorted again");
	EXPECT_ROWS("by self", f_zeta, f_parse, f_alpha_z, f_alpha, f_main);
}

Test(view_functions, new_counts_sort_again)
{
	unsigned long before;

	start();
	before = sorts();
	add(301, f_alpha, 20, 2, true); /* alpha (prog) now leads with 23 */
	fx_draw();
	cr_expect_gt(sorts(), before);
	EXPECT_ROWS("after new samples", f_alpha, f_zeta, f_parse, f_alpha_z, f_main);
}

Test(view_functions, the_window_and_the_thread_sort_again)
{
	unsigned long before;

	start();
	before = sorts();
	tabs__set_window(&fx.ui, window_of(5));
	fx_draw();
	cr_expect_gt(sorts(), before);
	/* only zeta in the last 5 s; the others stay listed at 0, by name */
	EXPECT_ROWS("last 5 s", f_zeta, f_alpha_z, f_alpha, f_main, f_parse);

	before = sorts();
	tabs__set_window(&fx.ui, window_of(0));
	tabs__set_tid(&fx.ui, 301);
	fx_draw();
	cr_expect_gt(sorts(), before);
	EXPECT_ROWS("thread 301", f_parse, f_alpha_z, f_alpha, f_zeta, f_main);

	tabs__set_tid(&fx.ui, 302);
	fx_draw();
	/* thread 302 never ran parse or the alphas: they are not listed */
	EXPECT_ROWS("thread 302", f_zeta, f_main);
}

Test(view_functions, added_functions_are_ranked_and_placed)
{
	unsigned long ranks;
	uint32_t f_beta;

	start();
	ranks = name_ranks();
	f_beta = profile_func(prof, "prog", "beta", NULL, 0);
	add(301, f_beta, 3, 2, true); /* ties with the alphas at 3: after them by name */
	fx_draw();
	cr_expect_gt(name_ranks(), ranks);
	EXPECT_ROWS("with beta", f_zeta, f_parse, f_alpha_z, f_alpha, f_beta, f_main);
	ui__key(&fx.ui, '>');
	ui__key(&fx.ui, '>');
	fx_draw();
	EXPECT_ROWS("by name with beta", f_alpha_z, f_alpha, f_beta, f_main, f_parse, f_zeta);
	ranks = name_ranks();
	fx_draw();
	cr_expect_eq(name_ranks(), ranks, "no function added, yet the names were ranked again");
}

Test(view_functions, reset_empties_the_rows)
{
	start();
	profile_reset(prof);
	fx_draw();
	cr_expect_eq(tabs__browser(&fx.ui, PTAB_FUNCTIONS)->n, 0);
	add(302, f_parse, 2, 101, true);
	fx_draw();
	EXPECT_ROWS("after R and new samples", f_parse, f_main);
}

Test(view_functions, the_selection_follows_its_function)
{
	struct browser *b;

	start();
	b = tabs__browser(&fx.ui, PTAB_FUNCTIONS);
	browser_select(b, 1); /* parse */
	cr_assert_eq(browser_selected_id(b), f_parse);
	add(301, f_alpha, 20, 2, true);
	fx_draw();
	EXPECT_ROWS("after new samples", f_alpha, f_zeta, f_parse, f_alpha_z, f_main);
	cr_expect_eq(browser_selected_id(b), f_parse);
	cr_expect_eq(b->sel, 2);
}

/* The k-th word of the row whose FUNCTION cell is name, in buf. */
static const char *cell_of(const char *name, int k, char *buf, size_t len)
{
	int h = fx_find("FUNCTION");

	buf[0] = '\0';
	for (size_t i = h < 0 ? fx.frame.n : (size_t)h + 1; i < fx.frame.n; i++) {
		const char *text = fx.frame.v[i].text;
		char words[8][32];
		int n = sscanf(text, "%31s %31s %31s %31s", words[0], words[1], words[2],
			       words[3]);

		if (n == 4 && !strcmp(words[3], name)) {
			snprintf(buf, len, "%s", words[k]);
			return buf;
		}
	}
	cr_assert_fail("no row of %s", name);
	return buf;
}

Test(view_functions, samples_and_percentages_follow_the_window)
{
	char buf[32];

	start();
	cr_expect_str_eq(cell_of("parse", 2, buf, sizeof(buf)), "6");
	cr_expect_str_eq(cell_of("parse", 0, buf, sizeof(buf)), "23.1"); /* 6 of 26 */
	tabs__set_window(&fx.ui, window_of(5));
	fx_draw();
	/* The last 5 s hold thread 302's 10 zeta samples only; parse stays
	 * listed, at 0. */
	cr_expect_str_eq(cell_of("parse", 2, buf, sizeof(buf)), "0");
	cr_expect_str_eq(cell_of("parse", 0, buf, sizeof(buf)), "0.0");
	cr_expect_str_eq(cell_of("zeta", 2, buf, sizeof(buf)), "10");
	cr_expect_str_eq(cell_of("zeta", 0, buf, sizeof(buf)), "100.0");
	tabs__set_tid(&fx.ui, 301);
	tabs__set_window(&fx.ui, window_of(30));
	fx_draw();
	/* thread 301's last 30 s hold nothing */
	cr_expect_str_eq(cell_of("zeta", 2, buf, sizeof(buf)), "0");
	cr_expect_str_eq(cell_of("zeta", 0, buf, sizeof(buf)), "0.0");
	tabs__set_window(&fx.ui, window_of(0));
	fx_draw();
	cr_expect_str_eq(cell_of("zeta", 2, buf, sizeof(buf)), "3");
	cr_expect_str_eq(cell_of("zeta", 0, buf, sizeof(buf)), "18.8"); /* 3 of 16 */
}
