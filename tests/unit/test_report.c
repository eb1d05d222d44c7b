/* Unit tests for report/json, report/table and report/report: escaping of
 * hostile names, the figures of a hand-built profile, and the same numbers in
 * the text, markdown and JSON forms. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "report/json.h"
#include "report/report.h"
#include "report/table.h"

/* Captures what fn writes into a string (caller frees). */
#define CAPTURE(buf, stmt)                                         \
	do {                                                       \
		size_t len_;                                       \
		FILE *f = open_memstream(&(buf), &len_);           \
		cr_assert_not_null(f);                             \
		stmt;                                              \
		fclose(f);                                         \
	} while (0)

Test(json, escapes_quotes_controls_and_invalid_utf8)
{
	char *out = NULL;

	CAPTURE(out, json_string(f, "a\"b\\c\n\t\x01\x7f"));
	cr_assert_str_eq(out, "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\"");
	free(out);
	/* Invalid bytes, an overlong NUL, a surrogate, a cut-short sequence. */
	CAPTURE(out, json_string(f, "x\xff\xc0\x80\xed\xa0\x80\xe2\x82"));
	cr_assert_str_eq(out, "\"x\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
	free(out);
	/* Valid multi-byte text passes through. */
	CAPTURE(out, json_string(f, "\xe2\x82\xac \xf0\x9f\x94\xa5"));
	cr_assert_str_eq(out, "\"\xe2\x82\xac \xf0\x9f\x94\xa5\"");
	free(out);
	CAPTURE(out, json_string_n(f, "a\0b", 3));
	cr_assert_str_eq(out, "\"a\\u0000b\"");
	free(out);
	CAPTURE(out, json_string(f, NULL));
	cr_assert_str_eq(out, "\"\"");
	free(out);
}

Test(json, numbers_are_never_nan)
{
	char *out = NULL;

	CAPTURE(out, (json_number(f, 0.0 / 0.0), fputc(' ', f), json_number(f, 1e400),
		      fputc(' ', f), json_number(f, 12), fputc(' ', f), json_number(f, 0.25),
		      fputc(' ', f), json_number(f, -0.0)));
	cr_assert_str_eq(out, "null null 12 0.25 0");
	free(out);
}

Test(table, clean_for_text_and_markdown)
{
	char buf[128];

	cr_assert_str_eq(table_clean(buf, sizeof(buf), "a\x01" "b\xff", false), "a?b\xef\xbf\xbd");
	cr_assert_str_eq(table_clean(buf, sizeof(buf), "a|b*c_d`e", true), "a\\|b\\*c\\_d\\`e");
	/* Truncation never splits a character. */
	cr_assert_str_eq(table_clean(buf, 5, "ab\xe2\x82\xac", false), "ab");
}

Test(table, formats_units)
{
	char buf[64];
	struct table_cell c = { .have = true };

	c.num = 1500000;
	cr_assert_str_eq(table_format(buf, sizeof(buf), TK_NS, &c, false), "1.50 ms");
	c.num = 250;
	cr_assert_str_eq(table_format(buf, sizeof(buf), TK_NS, &c, false), "250 ns");
	c.num = 3 * 1048576.0;
	cr_assert_str_eq(table_format(buf, sizeof(buf), TK_BYTES, &c, false), "3.0 MiB");
	c.num = -2048;
	cr_assert_str_eq(table_format(buf, sizeof(buf), TK_BYTES, &c, false), "-2.0 KiB");
	c.num = 12.345;
	cr_assert_str_eq(table_format(buf, sizeof(buf), TK_PCT, &c, false), "12.3%");
	cr_assert_str_eq(table_format(buf, sizeof(buf), TK_PTS, &c, false), "+12.3");
	c.have = false;
	cr_assert_str_eq(table_format(buf, sizeof(buf), TK_PCT, &c, false), "-");
}

/* ---- a hand-built profile -------------------------------------------------------- */

static struct model m;
static struct process *proc;
static struct profile *p;

/* main;run;parse 40, main;run;hash 25, main;io 15, 10 without a stack, plus
 * worker;compress 10 on another thread: 100 samples over 10 s. */
static void setup(void)
{
	uint32_t main_, run, parse, hash, io, worker, compress;

	model_init(&m, 1.0);
	proc = model_agent_process(&m, 77, "/bin/prog");
	p = proc->profile;
	p->exe = p->exe ? p->exe : strdup("/bin/prog");
	p->requested_hz = 100;
	p->achieved_hz = 98;
	main_ = profile_func(p, "prog", "main", "prog.c", 3);
	run = profile_func(p, "prog", "run", "prog.c", 9);
	parse = profile_func(p, "prog", "parse", "parse.c", 42);
	hash = profile_func(p, "prog", "hash", NULL, 0);
	io = profile_func(p, "libc.so.6", "io", NULL, 0);
	worker = profile_func(p, "prog", "worker", NULL, 0);
	compress = profile_func(p, "prog", "compress", NULL, 0);
	{
		uint32_t s1[] = { main_, run, parse }, s2[] = { main_, run, hash },
			 s3[] = { main_, io }, s4[] = { worker, compress };

		profile_add_samples(p, 77, s1, 3, 40, 100.5);
		profile_add_samples(p, 77, s2, 3, 25, 103.5);
		profile_add_samples(p, 77, s3, 2, 15, 105.5);
		profile_add_samples(p, 77, NULL, 0, 10, 107.5);
		profile_add_samples(p, 78, s4, 2, 10, 110.0);
	}
	{
		uint32_t z = profile_zone(p, "frame"), c = profile_counter(p, "frames");

		for (int i = 0; i < 100; i++) {
			profile_zone_event_at(p, z, 77, 100 + i * 0.1, 1000000 + (uint64_t)i * 10000);
			profile_counter_update(p, c, false, 2, 100 + i * 0.1);
		}
		profile_counter_update(p, profile_counter(p, "queue"), true, 7, 105);
	}
	for (int i = 0; i < 5; i++) {
		series_push(&proc->series[PM_CPU], (float)(10 * (i + 1)));
		series_push(&proc->series[PM_RSS], (float)(1000 + 250 * i));
	}
}

static void teardown(void)
{
	model_release(&m);
}

TestSuite(report, .init = setup, .fini = teardown);

Test(report, summary_figures)
{
	struct report r;

	report_compute(&r, proc, NULL, 1.0, NULL);
	cr_assert_eq(report_pick(&m, 0), proc);
	cr_assert_eq(r.fig[RS_SAMPLES], 100);
	cr_assert_eq(r.fig[RS_NO_STACK], 10);
	cr_assert_float_eq(r.fig[RS_DURATION], 10.0, 1e-9);
	cr_assert_float_eq(r.fig[RS_CPU_AVG], 30.0, 1e-6);
	cr_assert_float_eq(r.fig[RS_CPU_MAX], 50.0, 1e-6);
	cr_assert_float_eq(r.fig[RS_RSS_START], 1000 * 1024.0, 1e-6);
	cr_assert_float_eq(r.fig[RS_RSS_GROWTH], 1000 * 1024.0, 1e-6);
	cr_assert_eq(r.fig[RS_THREADS], 2);
	cr_assert_str_eq(r.program, "prog");
	report_release(&r);
}

Test(report, hottest_functions_and_tree)
{
	struct report_opts o = { .top = 3 };
	struct report r;

	report_compute(&r, proc, NULL, 1.0, &o);
	cr_assert_eq(r.nby_self, 3);
	cr_assert_str_eq(r.by_self[0].name, "parse");
	cr_assert_eq(r.by_self[0].self, 40);
	cr_assert_float_eq(r.by_self[0].self_pct, 40.0, 1e-9);
	cr_assert_str_eq(r.by_self[1].name, "hash");
	cr_assert_str_eq(r.by_total[0].name, "main");
	cr_assert_eq(r.by_total[0].total, 80);
	cr_assert_str_eq(r.by_total[1].name, "run");
	/* Tree: main 80 > run 65 > parse 40, hash 25; main > io 15; worker 10 > compress 10. */
	cr_assert_geq(r.ntree, 7);
	cr_assert_str_eq(r.tree[0].name, "main");
	cr_assert_eq(r.tree[0].depth, 1);
	cr_assert_str_eq(r.tree[1].name, "run");
	cr_assert_eq(r.tree[1].depth, 2);
	cr_assert_str_eq(r.tree[2].name, "parse");
	cr_assert_eq(r.tree[2].self, 40);
	cr_assert_str_eq(r.tree[3].name, "hash");
	cr_assert_str_eq(r.tree[4].name, "io");
	cr_assert_eq(r.tree[4].depth, 2);
	report_release(&r);
}

Test(report, tree_depth_and_threshold)
{
	struct report_opts o = { .depth = 1, .tree_min_pct = 50 };
	struct report r;

	report_compute(&r, proc, NULL, 1.0, &o);
	cr_assert_eq(r.ntree, 1); /* only main (80 %) at depth 1 */
	report_release(&r);
}

Test(report, zones_and_counters)
{
	struct report r;

	report_compute(&r, proc, NULL, 1.0, NULL);
	cr_assert_eq(r.nzones, 1);
	cr_assert_eq(r.zones[0].count, 100);
	cr_assert_float_eq(r.zones[0].rate_per_s, 10.0, 1e-9);
	cr_assert_float_eq(r.zones[0].p50_ns, 1495000, 1495000 * 0.011);
	cr_assert_float_eq(r.zones[0].min_ns, 1000000, 1e-9);
	cr_assert_float_eq(r.zones[0].max_ns, 1990000, 1e-9);
	cr_assert_eq(r.ncounters, 2);
	cr_assert_str_eq(r.counters[0].name, "frames");
	cr_assert_float_eq(r.counters[0].total, 200, 1e-9);
	cr_assert_float_eq(r.counters[0].rate_avg, 20, 1e-9);
	cr_assert(r.counters[1].gauge);
	report_release(&r);
}

/* The same figures appear in all three formats. */
Test(report, three_formats_same_numbers)
{
	char *text = NULL, *md = NULL, *json = NULL;
	struct report r;

	report_compute(&r, proc, NULL, 1.0, NULL);
	CAPTURE(text, cr_assert_eq(report_write(f, &r, REPORT_TEXT), 0));
	CAPTURE(md, cr_assert_eq(report_write(f, &r, REPORT_MARKDOWN), 0));
	CAPTURE(json, cr_assert_eq(report_write(f, &r, REPORT_JSON), 0));
	cr_assert(strstr(text, "Hottest functions by self"));
	cr_assert(strstr(text, "40.0%"));
	cr_assert(strstr(md, "### Hottest functions by self"));
	cr_assert(strstr(md, "| 40.0% | 40 |"), "%s", md);
	cr_assert(strstr(json, "\"schema\": \"perftop-report/1\""));
	cr_assert(strstr(json, "\"self_pct\": 40,"), "%s", json);
	cr_assert(strstr(json, "\"samples\": 100"));
	cr_assert(strstr(json, "\"file\": \"parse.c\""));
	/* Markdown tree rows are indented with &nbsp;. */
	cr_assert(strstr(md, "&nbsp;&nbsp;run"));
	free(text);
	free(md);
	free(json);
	report_release(&r);
}

Test(report, hostile_names_stay_contained)
{
	uint32_t a = profile_func(p, "m\"od", "x\"y\n\x01z\xff|*", NULL, 0);
	char *text = NULL, *md = NULL, *json = NULL;
	struct report r;

	profile_add_samples(p, 77, &a, 1, 500, 109);
	report_compute(&r, proc, NULL, 1.0, NULL);
	CAPTURE(text, report_write(f, &r, REPORT_TEXT));
	CAPTURE(md, report_write(f, &r, REPORT_MARKDOWN));
	CAPTURE(json, report_write(f, &r, REPORT_JSON));
	cr_assert(strstr(json, "\"x\\\"y\\n\\u0001z\\ufffd|*\""), "%s", json);
	cr_assert(strstr(text, "x\"y??z\xef\xbf\xbd|*"), "%s", text);
	cr_assert(strstr(md, "x\"y??z\xef\xbf\xbd\\|\\*"), "%s", md);
	/* No raw control character or invalid byte anywhere. */
	for (const char *s = json; *s; s++)
		cr_assert((unsigned char)*s >= 0x20 || *s == '\n', "raw control in JSON");
	for (const char *s = text; *s; s++)
		cr_assert((unsigned char)*s != 0xff && (unsigned char)*s != 0x01);
	free(text);
	free(md);
	free(json);
	report_release(&r);
}

Test(report, format_names)
{
	enum report_format fmt;

	cr_assert_eq(report_format_parse("markdown", &fmt), 0);
	cr_assert_eq(fmt, REPORT_MARKDOWN);
	cr_assert_eq(report_format_parse("md", &fmt), 0);
	cr_assert_eq(report_format_parse("json", &fmt), 0);
	cr_assert_eq(fmt, REPORT_JSON);
	cr_assert_lt(report_format_parse("html", &fmt), 0);
}

Test(report, no_profile_still_reports_the_process)
{
	struct report r;
	char *text = NULL;

	report_compute(&r, NULL, NULL, 1.0, NULL);
	CAPTURE(text, report_write(f, &r, REPORT_TEXT));
	cr_assert(strstr(text, "no samples with a stack"));
	free(text);
	report_release(&r);
}
