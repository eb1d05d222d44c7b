/* Unit tests for model/diff (the comparison) and report/diff (writing it):
 * a profile against the same workload with one function made twice as slow
 * names that function first, normalised by the sample counts; CPU time in
 * ms a second of run with known absolute changes; zones' p95 change;
 * different programs are flagged. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/profile.h"
#include "report/diff.h"

/* A workload: main calls a (50), b (30) and c (20) under work(); zone "step"
 * of 1 ms (times slow_zone). scale multiplies every count (a longer run);
 * slow_b doubles b's samples. */
static struct profile *workload(unsigned scale, bool slow_b, double slow_zone, const char *exe)
{
	struct profile *p = profile_new(1);
	uint32_t m = profile_func(p, "prog", "main", NULL, 0);
	uint32_t w = profile_func(p, "prog", "work", NULL, 0);
	uint32_t a = profile_func(p, "prog", "a", NULL, 0);
	uint32_t b = profile_func(p, "prog", "b", NULL, 0);
	uint32_t c = profile_func(p, "prog", "c", NULL, 0);
	uint32_t sa[] = { m, w, a }, sb[] = { m, w, b }, sc[] = { m, w, c };
	uint32_t z = profile_zone(p, "step");

	p->exe = strdup(exe);
	profile_add_samples(p, 1, sa, 3, 50 * scale, 1);
	profile_add_samples(p, 1, sb, 3, (slow_b ? 60 : 30) * scale, 2);
	profile_add_samples(p, 1, sc, 3, 20 * scale, 3);
	for (int i = 0; i < 100; i++)
		profile_zone_event_at(p, z, 1, 1 + i * 0.01, (uint64_t)(1000000 * slow_zone));
	return p;
}

Test(diff, the_slower_function_comes_first)
{
	/* BASE is three times longer than NEW: shares, not counts, compare. */
	struct profile *base = workload(3, false, 1, "/bin/prog");
	struct profile *new_ = workload(1, true, 2, "/bin/prog");
	struct diff d;

	diff_compute(&d, base, NULL, new_, NULL);
	cr_assert_not(d.different_programs);
	cr_assert_str_eq(d.funcs[0].name, "b");
	/* b: 30 % -> 60/130 = 46.2 %: +16.2 points. */
	cr_assert_float_eq(d.funcs[0].d_self, 100.0 * 60 / 130 - 30, 1e-9);
	cr_assert_float_eq(d.funcs[0].base_self, 30, 1e-9);
	/* work is on every stack: 100 % total in both, no change. */
	for (size_t i = 0; i < d.nfuncs; i++)
		if (!strcmp(d.funcs[i].name, "work"))
			cr_assert_float_eq(d.funcs[i].d_total, 0, 1e-9);
	/* The improvements (a and c lost share) come last. */
	cr_assert_str_eq(d.funcs[d.nfuncs - 1].name, "a");
	cr_assert_lt(d.funcs[d.nfuncs - 1].d_self, 0);
	/* The zone doubled: +100 % at p50 and p95. */
	cr_assert_eq(d.nzones, 1);
	cr_assert(d.zones[0].have_p95);
	cr_assert_float_eq(d.zones[0].p95_change, 100, 1.5);
	cr_assert_float_eq(d.zones[0].p50_change, 100, 1.5);
	/* The TUI's lookup by NEW's function id. */
	cr_assert_str_eq(diff_func_find(&d, 3)->name, "b");
	cr_assert_null(diff_func_find(&d, 99));
	diff_release(&d);
	profile_free(base);
	profile_free(new_);
}

/* One sample is 1/hz s of CPU: at 100 Hz over the workload's 2 s, b's 90
 * self samples (scale 3) are 450 ms/s and 60 (slowed, scale 1) 300 ms/s. */
Test(diff, cpu_time_changes_in_ms_per_second)
{
	struct profile *base = workload(3, false, 1, "/bin/prog");
	struct profile *new_ = workload(1, true, 1, "/bin/prog");
	struct diff d;
	const struct diff_func *b = NULL, *w = NULL;

	base->requested_hz = new_->requested_hz = 100;
	diff_compute(&d, base, NULL, new_, NULL);
	cr_assert(d.have_cpu);
	cr_assert_float_eq(d.base_seconds, 2, 1e-9);
	for (size_t i = 0; i < d.nfuncs; i++) {
		if (!strcmp(d.funcs[i].name, "b"))
			b = &d.funcs[i];
		if (!strcmp(d.funcs[i].name, "work"))
			w = &d.funcs[i];
	}
	cr_assert(b && w);
	cr_expect_float_eq(b->base_ms, 450, 1e-9);
	cr_expect_float_eq(b->new_ms, 300, 1e-9);
	cr_expect_float_eq(b->d_ms, -150, 1e-9);
	cr_expect(b->have_cpu_change);
	cr_expect_float_eq(b->cpu_change, -100.0 / 3, 1e-9);
	cr_expect_float_eq(w->base_ms, 0, 1e-9, "work has no self time");
	cr_expect_not(w->have_cpu_change);
	/* Unknown rates: no CPU figures at all. */
	diff_release(&d);
	base->requested_hz = 0;
	diff_compute(&d, base, NULL, new_, NULL);
	cr_expect_not(d.have_cpu);
	for (size_t i = 0; i < d.nfuncs; i++)
		cr_expect_float_eq(d.funcs[i].d_ms, 0, 1e-9);
	diff_release(&d);
	profile_free(base);
	profile_free(new_);
}

Test(diff, functions_on_one_side_only)
{
	struct profile *base = workload(1, false, 1, "/bin/prog");
	struct profile *new_ = workload(1, false, 1, "/bin/prog");
	uint32_t m = profile_func(new_, "prog", "main", NULL, 0);
	uint32_t n = profile_func(new_, "prog", "newcomer", NULL, 0);
	uint32_t s[] = { m, n };
	struct diff d;

	profile_add_samples(new_, 1, s, 2, 100, 4);
	diff_compute(&d, base, NULL, new_, NULL);
	cr_assert_str_eq(d.funcs[0].name, "newcomer");
	cr_assert_eq(d.funcs[0].base_id, UINT32_MAX);
	cr_assert_float_eq(d.funcs[0].d_self, 50, 1e-9);
	diff_release(&d);
	profile_free(base);
	profile_free(new_);
}

Test(diff, different_programs_warn_but_work)
{
	struct profile *base = workload(1, false, 1, "/bin/prog");
	struct profile *new_ = workload(1, true, 1, "/usr/bin/other");
	char *out = NULL;
	size_t len;
	FILE *f;
	struct diff d;

	diff_compute(&d, base, NULL, new_, NULL);
	cr_assert(d.different_programs);
	cr_assert_str_eq(d.funcs[0].name, "b");
	f = open_memstream(&out, &len);
	cr_assert_eq(diff_write(f, &d, REPORT_TEXT, 0), 0);
	fclose(f);
	cr_assert(strstr(out, "warning: the profiles are of different programs ('prog' and 'other')"),
		  "%s", out);
	free(out);
	diff_release(&d);
	profile_free(base);
	profile_free(new_);
}

Test(diff, three_formats)
{
	struct profile *base = workload(2, false, 1, "/bin/prog");
	struct profile *new_ = workload(1, true, 1.5, "/bin/prog");
	char *text = NULL, *md = NULL, *json = NULL;
	size_t len;
	FILE *f;
	struct diff d;

	diff_compute(&d, base, NULL, new_, NULL);
	f = open_memstream(&text, &len);
	diff_write(f, &d, REPORT_TEXT, 20);
	fclose(f);
	f = open_memstream(&md, &len);
	diff_write(f, &d, REPORT_MARKDOWN, 20);
	fclose(f);
	f = open_memstream(&json, &len);
	diff_write(f, &d, REPORT_JSON, 20);
	fclose(f);
	/* b first in every format, +16.2 points. */
	cr_assert(strstr(text, "+16.2"), "%s", text);
	cr_assert(strstr(md, "| +16.2 |"), "%s", md);
	cr_assert(strstr(json, "\"self_change_pts\": 16.1538461538462"), "%s", json);
	cr_assert_lt(strstr(text, " b\n") - text, strstr(text, " a\n") - text);
	cr_assert(strstr(text, "+50.0%"), "%s", text); /* the zone's p95 */
	free(text);
	free(md);
	free(json);
	diff_release(&d);
	profile_free(base);
	profile_free(new_);
}

/* Two Python functions of one name in one file (two lambdas) are two rows,
 * each matched with itself in the other profile. */
static struct profile *lambdas(uint64_t first, uint64_t second)
{
	struct profile *p = profile_new(1);
	uint32_t m = profile_func_interp(p, "<module>", "/tmp/app.py", 1);
	uint32_t a = profile_func_interp(p, "<lambda>", "/tmp/app.py", 30);
	uint32_t b = profile_func_interp(p, "<lambda>", "/tmp/app.py", 31);
	uint32_t sa[] = { m, a }, sb[] = { m, b };

	p->exe = strdup("/usr/bin/python3");
	profile_add_samples(p, 1, sa, 2, first, 1);
	profile_add_samples(p, 1, sb, 2, second, 2);
	return p;
}

Test(diff, python_functions_of_one_name_stay_apart)
{
	struct profile *base = lambdas(50, 50), *new_ = lambdas(20, 80);
	struct diff d;
	size_t n = 0;

	diff_compute(&d, base, NULL, new_, NULL);
	cr_assert_eq(d.nfuncs, 3);
	for (size_t i = 0; i < d.nfuncs; i++) {
		if (strcmp(d.funcs[i].name, "<lambda>"))
			continue;
		n++;
		cr_assert_neq(d.funcs[i].base_id, UINT32_MAX);
		cr_assert_neq(d.funcs[i].new_id, UINT32_MAX);
		cr_assert_eq(base->funcs[d.funcs[i].base_id].line,
			     new_->funcs[d.funcs[i].new_id].line, "matched with itself");
		cr_assert_float_eq(d.funcs[i].base_self, 50, 1e-9);
		cr_assert_float_eq(d.funcs[i].d_self,
				   base->funcs[d.funcs[i].base_id].line == 30 ? -30 : 30, 1e-9);
	}
	cr_assert_eq(n, 2);
	diff_release(&d);
	profile_free(base);
	profile_free(new_);
}
