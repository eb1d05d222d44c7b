/* Unit tests for model/budget (rules, parser, judge) and report/budget (the
 * results table): every kind of rule, units, warning bands, each kind of bad
 * line with its line number, and pass/warn/fail/no data judged on a
 * hand-built profile and process. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/model.h"
#include "model/budget.h"
#include "report/budget.h"
#include "report/table.h"

static struct budget b;
static char why[256];

static int parse(const char *text)
{
	why[0] = '\0';
	return budget_parse(&b, text, strlen(text), why, sizeof(why));
}

static void fini(void)
{
	budget_release(&b);
}

TestSuite(budget_parse, .fini = fini);

Test(budget_parse, every_kind_of_rule)
{
	const char *text = "# limits for the demo\n"
			   "\n"
			   "zone parse p95 < 20ms\n"
			   "zone \"big step\" mean < 5ms warn 4ms   # quoted name\n"
			   "cpu avg < 5%\n"
			   "cpu < 50%\n"
			   "rss growth < 1MB\n"
			   "rss < 50 MiB\n"
			   "counter frames rate >= 30/s\n"
			   "function parse_header self < 10% warn 9%\n"
			   "zone frame p99.9 <= 1.5s warn 90%\n"
			   "counter bytes total > 1e3\n"
			   "zone x rate >= 120/min\n";

	cr_assert_eq(parse(text), 0, "%s", why);
	cr_assert_eq(b.nrules, 11);
	cr_assert_eq(b.rules[0].line, 3);
	cr_assert_eq(b.rules[0].subject, BS_ZONE);
	cr_assert_eq(b.rules[0].metric, BM_ZONE_P95);
	cr_assert_str_eq(b.rules[0].name, "parse");
	cr_assert_eq(b.rules[0].op, BO_LT);
	cr_assert_float_eq(b.rules[0].limit, 20e6, 1e-6);
	cr_assert_float_eq(b.rules[0].warn, 16e6, 1e-6); /* 80 % by default */
	cr_assert_str_eq(b.rules[0].text, "zone parse p95 < 20ms");

	cr_assert_str_eq(b.rules[1].name, "big step");
	cr_assert_float_eq(b.rules[1].warn, 4e6, 1e-6);
	cr_assert_str_eq(b.rules[1].text, "zone \"big step\" mean < 5ms warn 4ms");

	cr_assert_eq(b.rules[2].metric, BM_CPU_AVG);
	cr_assert_eq(b.rules[3].metric, BM_CPU_AVG); /* the default metric */
	cr_assert_eq(b.rules[4].metric, BM_RSS_GROWTH);
	cr_assert_float_eq(b.rules[4].limit, 1048576, 1e-6);
	cr_assert_eq(b.rules[5].metric, BM_RSS_MAX);
	cr_assert_float_eq(b.rules[5].limit, 50 * 1048576.0, 1e-6);
	cr_assert_eq(b.rules[6].op, BO_GE);
	cr_assert_float_eq(b.rules[6].limit, 30, 1e-9);
	cr_assert_float_eq(b.rules[6].warn, 36, 1e-9); /* 120 % of a lower limit */
	cr_assert_float_eq(b.rules[7].warn, 9, 1e-9);  /* a percentage metric: 9 % */
	cr_assert_eq(b.rules[8].metric, BM_ZONE_P999);
	cr_assert_float_eq(b.rules[8].warn, 1.35e9, 1); /* 90 % of the limit */
	cr_assert_float_eq(b.rules[9].limit, 1000, 1e-9);
	cr_assert_float_eq(b.rules[10].limit, 2, 1e-9);
}

Test(budget_parse, operators_glued_to_values)
{
	cr_assert_eq(parse("cpu avg <5%\nzone a count >=3\n"), 0, "%s", why);
	cr_assert_eq(b.rules[0].op, BO_LT);
	cr_assert_eq(b.rules[1].op, BO_GE);
	cr_assert_float_eq(b.rules[1].limit, 3, 1e-9);
}

Test(budget_parse, crlf_and_no_final_newline)
{
	cr_assert_eq(parse("cpu < 5%\r\nrss < 1GB"), 0, "%s", why);
	cr_assert_eq(b.nrules, 2);
	cr_assert_float_eq(b.rules[1].limit, 1073741824.0, 1);
}

struct bad_case {
	const char *text;
	const char *error; /* the start of why */
};

Test(budget_parse, bad_lines_say_where_and_why)
{
	static const struct bad_case cases[] = {
		{ "cpu < 5%\nmemory < 5MB\n", "line 2: unknown subject 'memory'" },
		{ "zone\n", "line 1: 'zone' needs a name" },
		{ "zone parse < 5ms\n", "line 1: 'zone' needs a metric" },
		{ "\n\nzone parse p96 < 5ms\n", "line 3: unknown metric 'p96' for zone" },
		{ "zone parse p95 5ms\n", "line 1: '5ms' is not a comparison" },
		{ "zone parse p95 <\n", "line 1: a value is missing" },
		{ "zone parse p95 < fast\n", "line 1: 'fast' is not a number" },
		{ "zone parse p95 < 20\n", "line 1: '20' needs a unit: a time" },
		{ "zone parse p95 < 20MB\n", "line 1: '20MB' is not a time" },
		{ "rss growth < 1ms\n", "line 1: '1ms' is not a size" },
		{ "cpu avg < 5\n", "line 1: '5' needs a unit: a percentage" },
		{ "counter f rate >= 30\n", "line 1: '30' needs a unit: a rate" },
		{ "zone parse p95 < 20ms warn 25ms\n", "line 1: the warning level is past the limit" },
		{ "counter f rate >= 30/s warn 20/s\n", "line 1: the warning level is past the limit" },
		{ "zone parse p95 < 20ms extra\n", "line 1: unexpected 'extra'" },
		{ "zone \"parse p95 < 20ms\n", "line 1: a quoted name is not closed" },
		{ "zone \"\" p95 < 20ms\n", "line 1: an empty name" },
		{ "cpu avg < 5% warn\n", "line 1: a value is missing" },
		{ "cpu avg < nan%\n", "line 1: 'nan%' is not a number" },
		{ "cpu avg < 1e999%\n", "line 1: '1e999%' is not a number" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_lt(parse(cases[i].text), 0, "accepted: %s", cases[i].text);
		cr_assert_eq(strncmp(why, cases[i].error, strlen(cases[i].error)), 0,
			     "for %s got: %s", cases[i].text, why);
		cr_assert_eq(b.nrules, 0);
	}
}

Test(budget_parse, named_limits)
{
	char *big = malloc(BUDGET_MAX_BYTES + 2);
	char line[BUDGET_MAX_LINE + 16];
	char name[BUDGET_MAX_NAME + 32];

	memset(big, '\n', BUDGET_MAX_BYTES + 1);
	cr_assert_lt(budget_parse(&b, big, BUDGET_MAX_BYTES + 1, why, sizeof(why)), 0);
	cr_assert(strstr(why, "larger than"));
	free(big);

	memset(line, ' ', sizeof(line));
	memcpy(line + BUDGET_MAX_LINE, "cpu < 5%", 9);
	cr_assert_lt(parse(line), 0);
	cr_assert(strstr(why, "line 1: longer than"), "%s", why);

	memset(name, 'a', sizeof(name));
	memcpy(name, "zone ", 5);
	snprintf(name + BUDGET_MAX_NAME + 6, 20, " count < 5");
	cr_assert_lt(parse(name), 0);
	cr_assert(strstr(why, "a name longer than"), "%s", why);

	cr_assert_lt(budget_parse(&b, "cpu < 5%\0x", 10, why, sizeof(why)), 0);
	cr_assert(strstr(why, "line 1: a NUL byte"), "%s", why);
}

Test(budget_parse, too_many_rules)
{
	size_t n = (BUDGET_MAX_RULES + 1) * 10;
	char *text = malloc(n + 1);

	text[0] = '\0';
	for (int i = 0; i <= BUDGET_MAX_RULES; i++)
		strcat(text, "cpu < 5%\n");
	cr_assert_lt(parse(text), 0);
	cr_assert(strstr(why, "more than"), "%s", why);
	free(text);
}

Test(budget_parse, canonical_form_parses_back)
{
	char buf[512];
	struct budget again;

	cr_assert_eq(parse("zone \"a \\\"q\\\" #x\" p95 < 20ms warn 70%\n"
			   "rss growth > -1.5MB\n"
			   "counter \"<odd>\" rate >= 2/min\n"),
		     0, "%s", why);
	cr_assert_str_eq(b.rules[0].name, "a \"q\" #x");
	for (size_t i = 0; i < b.nrules; i++) {
		char why2[256];

		budget_rule_format(&b.rules[i], buf, sizeof(buf));
		cr_assert_eq(budget_parse(&again, buf, strlen(buf), why2, sizeof(why2)), 0,
			     "%s: %s", buf, why2);
		cr_assert_eq(again.rules[0].subject, b.rules[i].subject);
		cr_assert_eq(again.rules[0].metric, b.rules[i].metric);
		cr_assert_eq(again.rules[0].op, b.rules[i].op);
		cr_assert_eq(again.rules[0].limit, b.rules[i].limit, "%s", buf);
		cr_assert_eq(again.rules[0].warn, b.rules[i].warn, "%s", buf);
		cr_assert_str_eq(again.rules[0].name ? again.rules[0].name : "",
				 b.rules[i].name ? b.rules[i].name : "");
		budget_release(&again);
	}
}

Test(budget_parse, load_names_the_file)
{
	char path[] = "/tmp/perftop-budget-XXXXXX";
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "cpu < 5%\nbogus\n", 15), 15);
	close(fd);
	cr_assert_lt(budget_load(&b, path, why, sizeof(why)), 0);
	cr_assert(strstr(why, "budget '"), "%s", why);
	cr_assert(strstr(why, "line 2: unknown subject 'bogus'"), "%s", why);
	unlink(path);
	cr_assert_lt(budget_load(&b, path, why, sizeof(why)), 0);
	cr_assert(strstr(why, "No such file"), "%s", why);
}

/* ---- judging ------------------------------------------------------------------- */

static struct model m;
static struct process *proc;
static struct profile *p;

/* 100 samples: hot 60 self, cold 40; zone "step" 100 events of 1..10 ms over
 * 10 s; counter "frames" 300 over 10 s (30/s); CPU 2..10 % (avg 6), RSS
 * 1000 KiB growing to 2000 KiB. */
static void judge_setup(void)
{
	uint32_t r, h, c, z, k;

	model_init(&m, 1.0);
	proc = model_agent_process(&m, 9, "/bin/x");
	p = proc->profile;
	r = profile_func(p, "x", "root", NULL, 0);
	h = profile_func(p, "x", "hot", NULL, 0);
	c = profile_func(p, "x", "cold", NULL, 0);
	{
		uint32_t s1[] = { r, h }, s2[] = { r, c };

		profile_add_samples(p, 9, s1, 2, 60, 10.0);
		profile_add_samples(p, 9, s2, 2, 40, 20.0);
	}
	z = profile_zone(p, "step");
	k = profile_counter(p, "frames");
	for (int i = 0; i < 100; i++) {
		profile_zone_event_at(p, z, 9, 10 + i * 0.1, (uint64_t)(i % 10 + 1) * 1000000);
		profile_counter_update(p, k, false, 3, 10 + i * 0.1);
	}
	for (int i = 0; i < 5; i++) {
		series_push(&proc->series[PM_CPU], (float)(2 + 2 * i));
		series_push(&proc->series[PM_RSS], (float)(1000 + 250 * i));
	}
}

static void judge_teardown(void)
{
	budget_release(&b);
	model_release(&m);
}

TestSuite(budget_judge, .init = judge_setup, .fini = judge_teardown);

static enum budget_status judge_one(const char *rule, double *value)
{
	struct budget_result res[4];
	enum budget_status s;

	budget_release(&b);
	cr_assert_eq(parse(rule), 0, "%s: %s", rule, why);
	s = budget_judge(&b, p, proc, res);
	if (value)
		*value = res[0].value;
	cr_assert_eq(s, res[0].status);
	return s;
}

Test(budget_judge, pass_warn_fail)
{
	double v;

	/* step: mean 5.5 ms, p95 ~10 ms, max 10 ms. */
	cr_assert_eq(judge_one("zone step mean < 10ms", &v), BUDGET_PASS);
	cr_assert_float_eq(v, 5.5e6, 1);
	cr_assert_eq(judge_one("zone step mean < 6ms", NULL), BUDGET_WARN);
	cr_assert_eq(judge_one("zone step mean < 5ms", NULL), BUDGET_FAIL);
	cr_assert_eq(judge_one("zone step mean < 6ms warn 5.9ms", NULL), BUDGET_PASS);
	cr_assert_eq(judge_one("zone step p95 < 20ms", &v), BUDGET_PASS);
	cr_assert_float_eq(v, 10e6, 10e6 * 0.011);
	cr_assert_eq(judge_one("zone step count >= 100", NULL), BUDGET_WARN);
	cr_assert_eq(judge_one("zone step count > 100", NULL), BUDGET_FAIL);

	cr_assert_eq(judge_one("cpu avg < 10%", &v), BUDGET_PASS);
	cr_assert_float_eq(v, 6, 1e-6);
	cr_assert_eq(judge_one("cpu max < 11%", NULL), BUDGET_WARN);
	cr_assert_eq(judge_one("cpu max < 10%", NULL), BUDGET_FAIL);
	cr_assert_eq(judge_one("cpu max <= 10%", NULL), BUDGET_WARN);

	cr_assert_eq(judge_one("rss growth < 2MB", &v), BUDGET_PASS);
	cr_assert_float_eq(v, 1000 * 1024.0, 1e-6);
	cr_assert_eq(judge_one("rss growth < 1MB", NULL), BUDGET_WARN);
	cr_assert_eq(judge_one("rss growth < 900KB", NULL), BUDGET_FAIL);
	cr_assert_eq(judge_one("rss max < 2000KB", NULL), BUDGET_FAIL);

	cr_assert_eq(judge_one("counter frames rate >= 20/s", &v), BUDGET_PASS);
	cr_assert_float_eq(v, 30, 1e-6);
	cr_assert_eq(judge_one("counter frames rate >= 30/s", NULL), BUDGET_WARN);
	cr_assert_eq(judge_one("counter frames rate >= 31/s", NULL), BUDGET_FAIL);
	cr_assert_eq(judge_one("counter frames total >= 300", NULL), BUDGET_WARN);

	cr_assert_eq(judge_one("function hot self < 70%", &v), BUDGET_WARN);
	cr_assert_float_eq(v, 60, 1e-9);
	cr_assert_eq(judge_one("function hot self < 50%", NULL), BUDGET_FAIL);
	cr_assert_eq(judge_one("function cold self < 90%", NULL), BUDGET_PASS);
	cr_assert_eq(judge_one("function root total < 100%", NULL), BUDGET_FAIL);
}

/* A misspelt or renamed zone, counter or function must not pass at 0. */
Test(budget_judge, names_not_in_the_profile_fail)
{
	struct budget_result res[4];

	cr_assert_eq(parse("function absent self < 1%\nzone absent p95 < 1ms\n"
			   "counter absent total < 1e9\nfunction hot self < 90%\n"), 0);
	cr_assert_eq(budget_judge(&b, p, proc, res), BUDGET_FAIL);
	for (int i = 0; i < 3; i++) {
		cr_expect_eq(res[i].status, BUDGET_FAIL, "rule %d", i);
		cr_expect(res[i].missing, "rule %d", i);
		cr_expect_str_eq(res[i].value_text, "not in the profile");
	}
	cr_expect_eq(res[3].status, BUDGET_PASS);
	cr_expect_not(res[3].missing);
}

/* A function is named as shown (demangled), with or without its parameters. */
Test(budget_judge, functions_by_demangled_name_with_or_without_parameters)
{
	double v;
	uint32_t r = profile_func(p, "x", "root", NULL, 0);
	uint32_t f = profile_func(p, "x", "work::checksum(std::string const&)", NULL, 0);

	profile_add_samples(p, 9, (uint32_t[]){ r, f }, 2, 100, 30.0); /* 100 of 200 */
	cr_assert_eq(judge_one("function \"work::checksum(std::string const&)\" self < 60%", &v),
		     BUDGET_WARN);
	cr_assert_float_eq(v, 50, 1e-9);
	cr_assert_eq(judge_one("function work::checksum self < 60%", &v), BUDGET_WARN);
	cr_assert_float_eq(v, 50, 1e-9);
	cr_assert_eq(judge_one("function work::check self < 60%", NULL), BUDGET_FAIL,
		     "a prefix that is not the whole name before '(' names nothing");
	cr_assert_eq(judge_one("function \"work::checksum(int)\" self < 60%", NULL), BUDGET_FAIL);
}

Test(budget_judge, no_data_never_fails)
{
	struct budget_result res[3];

	profile_zone(p, "idle"); /* named, no event yet */
	cr_assert_eq(parse("zone idle p95 < 1ms\ncounter frames total < 1e9\ncpu < 1%\n"), 0);
	/* No process: cpu has no data; a zone without events has no percentile. */
	cr_assert_eq(budget_judge(&b, p, NULL, res), BUDGET_NODATA);
	cr_assert_eq(res[0].status, BUDGET_NODATA);
	cr_assert_eq(res[1].status, BUDGET_PASS);
	cr_assert_eq(res[2].status, BUDGET_NODATA);
	cr_assert_str_eq(res[0].value_text, "-");
	budget_release(&b);
	/* No profile at all (no agent): nothing is missing, nothing measured. */
	cr_assert_eq(parse("zone missing p95 < 1ms\nfunction f self < 1%\n"), 0);
	cr_assert_eq(budget_judge(&b, NULL, NULL, res), BUDGET_NODATA);
}

Test(budget_judge, results_table)
{
	struct budget_result res[2];
	struct table t;
	char *out = NULL;
	size_t len;
	FILE *f;

	cr_assert_eq(parse("zone step mean < 5ms\ncpu avg < 10%\n"), 0);
	budget_judge(&b, p, proc, res);
	cr_assert_str_eq(res[0].value_text, "5.50 ms");
	cr_assert_str_eq(res[0].limit_text, "5.00 ms");
	budget_table(&t, &b, res);
	f = open_memstream(&out, &len);
	table_write_text(f, &t);
	fclose(f);
	cr_assert(strstr(out, "FAIL    zone step mean < 5ms  5.50 ms  5.00 ms  4.00 ms"), "%s", out);
	cr_assert(strstr(out, "PASS    cpu avg < 10%         6.0%"), "%s", out);
	free(out);
	table_release(&t);
}
