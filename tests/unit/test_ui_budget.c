/* Unit tests for ui/budget_view.c (perftop run --budget): which rows a rule
 * colours (Functions for `function`, Zones for `zone`, Counters for
 * `counter`) in which status colour, the header line for breaches,
 * warnings and all passing, and the Functions row coloured on a whole
 * frame of the process view. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "model/budget.h"
#include "support/ui_fixture.h"
#include "ui/ui_internal.h"

static struct budget b;
static struct process *proc;

/* pid 9 "demo": main;parse 80 samples, main;hash 20; zone "parse" of 300 us
 * (100 events), zone "other" 1 ms; counter "frames" 10 over the profile. */
static void setup(void)
{
	struct profile *p;
	uint32_t mn, parse, hash, s1[2], s2[2], z, o, c;

	setlocale(LC_ALL, "C.UTF-8");
	fx_init();
	proc = model_agent_process(&fx.m, 9, "/usr/bin/demo");
	p = proc->profile;
	mn = profile_func(p, "demo", "main", NULL, 0);
	parse = profile_func(p, "demo", "parse", NULL, 0);
	hash = profile_func(p, "demo", "hash", NULL, 0);
	s1[0] = mn, s1[1] = parse, s2[0] = mn, s2[1] = hash;
	profile_add_samples(p, 9, s1, 2, 80, 1.0);
	profile_add_samples(p, 9, s2, 2, 20, 2.0);
	z = profile_zone(p, "parse");
	o = profile_zone(p, "other");
	c = profile_counter(p, "frames");
	for (int i = 0; i < 100; i++) {
		profile_zone_event_at(p, z, 9, 1.0 + i * 0.01, 300000);
		profile_zone_event_at(p, o, 9, 1.0 + i * 0.01, 1000000);
	}
	for (int i = 0; i < 10; i++)
		profile_counter_update(p, c, false, 1, 1.0 + i);
	fx.opt.pid = 9;
	fx.opt.budget = &b;
	fx_start(0, 0, true);
}

static void teardown(void)
{
	fx_release();
	budget_release(&b);
}

static void load(const char *text)
{
	char why[256];

	budget_release(&b);
	cr_assert_eq(budget_parse(&b, text, strlen(text), why, sizeof(why)), 0, "%s", why);
}

/* The header line's text and the element of its first non-blank span. */
static void header(char *text, size_t len, enum theme_element *elem)
{
	struct lines out;

	lines_init(&out);
	fx.ui.width = 200;
	budget_view__line(&fx.ui, &out);
	cr_assert_eq(out.n, 1);
	snprintf(text, len, "%s", out.v[0].text);
	cr_assert_geq(out.v[0].nspans, 2);
	*elem = out.v[0].spans[1].elem;
	lines_release(&out);
}

TestSuite(budget_view, .init = setup, .fini = teardown, .timeout = 20);

Test(budget_view, each_rule_colours_the_rows_it_names)
{
	load("zone parse p95 < 100us\n"       /* 300 us: fail */
	     "function parse self < 90% warn 85%\n"     /* 80 %: pass */
	     "function hash self < 25%\n"      /* 20 %: warn (from 20 %) */
	     "counter frames total >= 1000\n"); /* 10: fail */
	budget_view__judge(&fx.ui, proc);
	cr_assert_eq(budget_view__style(&fx.ui, BS_ZONE, "parse"), TE_BAD);
	cr_assert_eq(budget_view__style(&fx.ui, BS_FUNCTION, "parse"), TE_GOOD);
	cr_assert_eq(budget_view__style(&fx.ui, BS_FUNCTION, "hash"), TE_WARN);
	cr_assert_eq(budget_view__style(&fx.ui, BS_COUNTER, "frames"), TE_BAD);
	/* No rule: the row keeps its colour; a name matches one subject only. */
	cr_assert_eq(budget_view__style(&fx.ui, BS_ZONE, "other"), TE_ROW);
	cr_assert_eq(budget_view__style(&fx.ui, BS_FUNCTION, "main"), TE_ROW);
	cr_assert_eq(budget_view__style(&fx.ui, BS_COUNTER, "parse"), TE_ROW);
}

Test(budget_view, the_worst_rule_about_a_row_wins)
{
	load("zone parse p95 < 1s\nzone parse mean < 100us\n");
	budget_view__judge(&fx.ui, proc);
	cr_assert_eq(budget_view__style(&fx.ui, BS_ZONE, "parse"), TE_BAD);
}

Test(budget_view, no_budget_no_colour)
{
	fx.opt.budget = NULL;
	budget_view__judge(&fx.ui, proc);
	cr_assert_eq(budget_view__style(&fx.ui, BS_ZONE, "parse"), TE_ROW);
	cr_assert_eq(budget_view__style(NULL, BS_ZONE, "parse"), TE_ROW);
}

Test(budget_view, header_lists_the_breaches_in_the_bad_colour)
{
	char text[512];
	enum theme_element e;

	load("zone parse p95 < 100us\nfunction parse self < 90% warn 85%\ncounter frames total >= "
	     "1000\n");
	budget_view__judge(&fx.ui, proc);
	header(text, sizeof(text), &e);
	cr_assert(strstr(text, "budget: 2 breaches — zone parse p95 "), "%s", text);
	cr_assert(strstr(text, " ≥ 100 us; counter frames total 10 < 1,000") ||
			  strstr(text, "; counter frames total 10 < 1000"),
		  "%s", text);
	cr_assert_eq(e, TE_BAD);
}

Test(budget_view, header_lists_warnings_in_the_warning_colour)
{
	char text[512];
	enum theme_element e;

	load("function hash self < 25%\nfunction parse self < 90% warn 85%\n");
	budget_view__judge(&fx.ui, proc);
	header(text, sizeof(text), &e);
	cr_assert(strstr(text, "budget: 1 warning — function hash self 20.0% (limit 25.0%)"),
		  "%s", text);
	cr_assert_eq(e, TE_WARN);
}

Test(budget_view, header_says_all_pass_in_the_good_colour)
{
	char text[512];
	enum theme_element e;

	load("function parse self < 90% warn 85%\nzone parse p95 < 1ms\n");
	budget_view__judge(&fx.ui, proc);
	header(text, sizeof(text), &e);
	cr_assert(strstr(text, "budget: all 2 pass"), "%s", text);
	cr_assert_eq(e, TE_GOOD);
}

Test(budget_view, a_frame_colours_the_functions_row)
{
	struct lines out;
	bool found = false;

	load("function parse self < 50%\n"); /* 80 %: fail */
	lines_init(&out);
	fx.ui.width = 120;
	fx.ui.height = 40;
	model_lock(&fx.m);
	ui__frame(&fx.ui, &out);
	model_unlock(&fx.m);
	cr_assert(strstr(out.v[1].text, "budget: 1 breach"), "%s", out.v[1].text);
	for (size_t i = 0; i < out.n; i++) {
		const struct line *l = &out.v[i];

		if (strstr(l->text, " main ")) /* no rule: not red */
			cr_assert_neq(l->spans[0].elem, TE_BAD);
		if (!strstr(l->text, " parse ") || strstr(l->text, "budget"))
			continue;
		/* Outside the live window every share is 0: by name, hash is
		 * first (selected), parse last. */
		found = true;
		for (size_t s = 0; s < l->nspans; s++)
			cr_assert_eq(l->spans[s].elem, TE_BAD, "span %zu (elem %d, bad %d) of '%s'",
			             s, (int)l->spans[s].elem, (int)TE_BAD, l->text);
	}
	cr_assert(found);
	lines_release(&out);
}

Test(budget_view, func_status_colours_a_function_for_the_tree_tabs)
{
	load("function parse self < 50%\n"  /* 80 %: fail */
	     "function hash self < 25%\n"   /* 20 %: warn */
	     "zone main p95 < 1s\n");        /* a zone, not the function main */
	budget_view__judge(&fx.ui, proc);
	cr_expect_eq(budget_view__func_status(&fx.ui, "parse"), TE_BAD);
	cr_expect_eq(budget_view__func_status(&fx.ui, "hash"), TE_WARN);
	cr_expect_eq(budget_view__func_status(&fx.ui, "main"), TE_ROW, "only function rules");
	cr_expect_eq(budget_view__func_status(&fx.ui, NULL), TE_ROW);
	fx.opt.budget = NULL;
	cr_expect_eq(budget_view__func_status(&fx.ui, "parse"), TE_ROW, "no budget, no colour");
}
