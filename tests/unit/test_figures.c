/* Unit tests for model/figures and model/fields: the agent's exact zone
 * statistics override the histogram's count, total, mean, min and max while
 * the percentiles stay the histogram's, in the whole-profile figures and in
 * the tabs' scoped ones; a zone with exact statistics but no event received
 * has no percentiles; counters, functions and processes; and the field
 * tables write those figures as --batch, reports and the screen spell them
 * and sort on them. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "model/fields.h"
#include "model/figures.h"
#include "model/model.h"
#include "util/fmt.h"

static struct model m;
static struct process *proc;
static struct profile *p;
static uint32_t zone, bare, fn, mainfn;

/* Zone "step": ten events of 1..10 ms received over 10 s, and the agent's
 * exact statistics saying 50 events, 200 ms in all, 0.5 ms to 30 ms. Zone
 * "bare": exact statistics only. Counter "frames" (+2 ten times), gauge
 * "queue" at 7. Function "hot" self 30 of 40 samples. */
static void setup(void)
{
	struct profile_zone *z;
	uint32_t stack[2];

	model_init(&m, 1.0);
	proc = model_agent_process(&m, 55, "/bin/prog");
	p = proc->profile;
	zone = profile_zone(p, "step");
	for (int i = 1; i <= 10; i++)
		profile_zone_event_at(p, zone, 55, 100 + i, (uint64_t)i * 1000000);
	z = &p->zones[zone];
	z->exact_count = 50;
	z->exact_sum_ns = 200e6;
	z->exact_min_ns = 500000;
	z->exact_max_ns = 30000000;
	bare = profile_zone(p, "bare");
	p->zones[bare].exact_count = 4;
	p->zones[bare].exact_sum_ns = 4000;
	p->zones[bare].exact_min_ns = 500;
	p->zones[bare].exact_max_ns = 1500;
	for (int i = 0; i < 10; i++)
		profile_counter_update(p, profile_counter(p, "frames"), false, 2, 101 + i);
	profile_counter_update(p, profile_counter(p, "queue"), true, 7, 105);
	stack[0] = mainfn = profile_func(p, "prog", "main", "main.c", 3);
	stack[1] = fn = profile_func(p, "prog", "hot", NULL, 0);
	profile_add_samples(p, 55, stack, 2, 30, 102);
	profile_add_samples(p, 55, stack, 1, 10, 103);
	for (int i = 0; i < 4; i++) {
		series_push(&proc->series[PM_CPU], (float)(10 * (i + 1)));
		series_push(&proc->series[PM_RSS], (float)(1000 + 100 * i));
	}
}

static void teardown(void)
{
	model_release(&m);
}

TestSuite(figures, .init = setup, .fini = teardown);

Test(figures, exact_statistics_override_the_histogram)
{
	struct zone_figures f;

	figures_zone(p, zone, &f);
	cr_assert_str_eq(f.name, "step");
	cr_expect_eq(f.count, 50, "the agent's count, not the 10 received");
	cr_expect_float_eq(f.total_ns, 200e6, 1e-6);
	cr_expect_float_eq(f.mean_ns, 4e6, 1e-6);
	cr_expect_float_eq(f.min_ns, 500000, 1e-6);
	cr_expect_float_eq(f.max_ns, 30e6, 1e-6);
	/* Percentiles: the ten events received, 1..10 ms (within 1 %). */
	cr_assert(f.have_pcts);
	cr_expect_float_eq(f.p50_ns, 5e6, 5e6 * 0.2);
	cr_expect_leq(f.p99_ns, 10e6 * 1.01);
	/* The rate counts the exact events over the profile's duration. */
	cr_expect_float_eq(f.rate_per_s, 50 / figures_duration(p), 1e-9);
}

Test(figures, without_exact_statistics_the_histogram_speaks)
{
	struct zone_figures f;

	p->zones[zone].exact_count = 0;
	figures_zone(p, zone, &f);
	cr_expect_eq(f.count, 10);
	cr_expect_float_eq(f.min_ns, 1e6, 1e6 * 0.01);
	cr_expect_float_eq(f.max_ns, 10e6, 10e6 * 0.01);
	cr_expect_float_eq(f.total_ns, 55e6, 55e6 * 0.01);
}

Test(figures, exact_statistics_alone_have_no_percentiles)
{
	struct zone_figures f;
	char buf[32];

	figures_zone(p, bare, &f);
	cr_expect_eq(f.count, 4);
	cr_expect_float_eq(f.mean_ns, 1000, 1e-9);
	cr_expect_not(f.have_pcts);
	cr_expect_str_eq(field_format(&zone_fields[ZF_P95], &f, FMT_REPORT, buf, sizeof(buf)), "-");
	cr_expect_str_eq(field_format(&zone_fields[ZF_MEAN], &f, FMT_REPORT, buf, sizeof(buf)),
			 "1.00 us");
	cr_expect_str_eq(field_format(&zone_fields[ZF_MEAN], &f, FMT_PLAIN, buf, sizeof(buf)),
			 "1.00us");
}

Test(figures, the_tabs_scope_gets_the_same_override)
{
	struct profile_zone_summary s;
	struct zone_figures f, whole;

	profile_zone_summary(p, zone, 0, 0, profile_now(p), &s, NULL);
	figures_zone_scoped(&p->zones[zone], &s, &f);
	figures_zone(p, zone, &whole);
	cr_expect_eq(f.count, 50);
	cr_expect_float_eq(f.mean_ns, whole.mean_ns, 1e-9);
	cr_expect_float_eq(f.max_ns, whole.max_ns, 1e-9);
	cr_expect_float_eq(f.p95_ns, whole.p95_ns, whole.p95_ns * 0.01);
	/* A thread or window summary alone keeps the histogram's figures. */
	figures_zone_summary(&s, &f);
	cr_expect_eq(f.count, 10);
	cr_expect_null(f.name);
}

Test(figures, counters_functions_processes)
{
	struct counter_figures c;
	struct function_figures fu;
	struct process_figures pf;
	char buf[32];

	figures_counter(p, 0, &c);
	cr_expect_str_eq(c.name, "frames");
	cr_expect_float_eq(c.total, 20, 1e-9);
	cr_expect_float_eq(c.rate_avg, 20 / (figures_duration(p) > 1 ? figures_duration(p) : 1),
			   1e-9);
	figures_counter(p, 1, &c);
	cr_expect(c.gauge);
	cr_expect_float_eq(c.total, 7, 1e-9);
	cr_expect_str_eq(field_format(&counter_fields[CF_RATE_LAST], &c, FMT_PLAIN, buf,
				      sizeof(buf)), "-", "a gauge has no rate");
	cr_expect_str_eq(field_format(&counter_fields[CF_KIND], &c, FMT_REPORT, buf, sizeof(buf)),
			 "gauge");

	figures_function(p, fn, &fu);
	cr_expect_str_eq(fu.name, "hot");
	cr_expect_eq(fu.self, 30);
	cr_expect_float_eq(fu.self_pct, 75, 1e-9);
	cr_expect_str_eq(field_format(&function_fields[FF_WHERE], &fu, FMT_PLAIN, buf,
				      sizeof(buf)), "-", "no file");
	figures_function(p, mainfn, &fu);
	cr_expect_str_eq(field_format(&function_fields[FF_WHERE], &fu, FMT_PLAIN, buf,
				      sizeof(buf)), "main.c:3");
	cr_expect_str_eq(field_format(&function_fields[FF_TOTAL_PCT], &fu, FMT_PLAIN, buf,
				      sizeof(buf)), "100.00");
	cr_expect_str_eq(field_format(&function_fields[FF_TOTAL_PCT], &fu, FMT_REPORT, buf,
				      sizeof(buf)), "100.0%");

	figures_process(proc, &pf);
	cr_expect(pf.have_cpu && pf.have_rss);
	cr_expect_float_eq(pf.cpu_avg, 25, 1e-6);
	cr_expect_float_eq(pf.cpu_max, 40, 1e-6);
	cr_expect_float_eq(pf.rss_start, 1000 * 1024.0, 1e-6);
	cr_expect_float_eq(pf.rss_growth, 300 * 1024.0, 1e-6);
	figures_process(NULL, &pf);
	cr_expect_not(pf.have_cpu || pf.have_rss);
}

/* A second thread's 20 samples of hot: the view of thread 55 alone leaves
 * them out, the view of all threads counts them. */
Test(figures, functions_in_a_view)
{
	struct profile_view v;
	struct function_figures fu;
	struct counter_figures c;
	uint32_t stack[2] = { mainfn, fn };

	profile_add_samples(p, 56, stack, 2, 20, 104);
	profile_view_init(&v);
	v.tid = 55;
	profile_view_update(p, &v, profile_now(p));
	figures_function_view(p, &v, fn, &fu);
	cr_expect_str_eq(fu.name, "hot");
	cr_expect_eq(fu.self, 30);
	cr_expect_float_eq(fu.self_pct, 75, 1e-9);
	v.tid = 0;
	profile_view_update(p, &v, profile_now(p));
	figures_function_view(p, &v, fn, &fu);
	cr_expect_eq(fu.self, 50);
	cr_expect_float_eq(fu.self_pct, 50 * 100.0 / 60, 1e-9);
	profile_view_release(&v);
	figures_counter(p, 0, &c);
	cr_expect_float_eq(c.rate_min, p->counters[0].rate_per_min, 1e-12);
}

Test(figures, fields_sort_with_missing_values_lowest)
{
	struct zone_figures a, b;

	figures_zone(p, zone, &a);
	figures_zone(p, bare, &b);
	cr_expect_gt(field_compare(&zone_fields[ZF_COUNT], &a, &b), 0);
	cr_expect_gt(field_compare(&zone_fields[ZF_P95], &a, &b), 0, "no percentile sorts low");
	cr_expect_lt(field_compare(&zone_fields[ZF_P95], &b, &a), 0);
	cr_expect_gt(field_compare(&zone_fields[ZF_NAME], &a, &b), 0, "step after bare");
	cr_expect_eq(field_compare(&zone_fields[ZF_MEAN], &a, &a), 0);
}

Test(figures, field_tables_are_complete)
{
	const struct {
		const struct field *t;
		size_t n;
	} tables[] = { { function_fields, FF_NFIELDS }, { zone_fields, ZF_NFIELDS },
		       { counter_fields, CF_NFIELDS } };

	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++)
		for (size_t i = 0; i < tables[k].n; i++) {
			const struct field *f = &tables[k].t[i];

			cr_expect(f->head && f->title && f->key, "table %zu field %zu", k, i);
			if (f->kind == FIELD_TEXT)
				cr_expect(f->text && !f->num && !field_right(f));
			else
				cr_expect(f->num && !f->text && field_right(f));
		}
}

Test(fmt, one_value_three_spellings)
{
	char buf[32];

	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_NS, FMT_REPORT, 2012345), "2.01 ms");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_NS, FMT_PLAIN, 2012345), "2.01ms");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_NS, FMT_SCREEN_UTF8, 12345), "12.3µs");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_COUNT, FMT_SCREEN, 12345), "12,345");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_COUNT, FMT_PLAIN, 12345), "12345");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_PCT, FMT_REPORT, 12.345), "12.3%");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_PCT, FMT_PLAIN, 12.345), "12.35");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_PCT, FMT_SCREEN, 12.345), "12.3");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_RATE, FMT_REPORT, 60.1), "60.10/s");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_RATE, FMT_PLAIN, 60.1), "60.10");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_RATE, FMT_SCREEN, 1234.4), "1,234");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_NUM, FMT_PLAIN, 17), "17");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_NUM, FMT_PLAIN, 2.5), "2.500");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_BYTES, FMT_REPORT, -2048), "-2.0 KiB");
	cr_expect_str_eq(fmt_value(buf, sizeof(buf), FMT_PTS, FMT_REPORT, -0.01), "0.0",
			 "never -0");
}
