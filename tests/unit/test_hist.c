/* Unit tests for model/hist: percentiles within 1 %, exact count/min/max. */
#include <criterion/criterion.h>
#include <math.h>

#include "model/hist.h"

static void assert_within_1pct(double got, double want)
{
	cr_assert(fabs(got - want) <= want * 0.01, "got %.1f, want %.1f within 1 %%", got, want);
}

Test(hist, uniform_percentiles)
{
	struct hist h;

	hist_init(&h);
	for (uint64_t v = 1; v <= 100000; v++)
		hist_record(&h, v * 1000, 1); /* 1 us .. 100 ms */
	cr_assert_eq(h.count, 100000);
	assert_within_1pct(hist_quantile(&h, 0.50), 50000e3);
	assert_within_1pct(hist_quantile(&h, 0.90), 90000e3);
	assert_within_1pct(hist_quantile(&h, 0.99), 99000e3);
	assert_within_1pct(hist_quantile(&h, 0.999), 99900e3);
	cr_assert_float_eq(hist_quantile(&h, 0), 1000.0, 1e-9);
	cr_assert_float_eq(hist_quantile(&h, 1), 100000e3, 1e-9);
	assert_within_1pct(hist_mean(&h), 50000.5e3);
	hist_release(&h);
}

Test(hist, every_bucket_midpoint_within_1pct)
{
	for (uint64_t v = 2; v < 4000000000000ULL; v = v * 3 / 2 + 1) {
		double mid = hist_bucket_value(hist_bucket_of(v));

		if (v < 1000000000000ULL)
			assert_within_1pct(mid, (double)v);
	}
}

Test(hist, single_value_is_exact_and_merge_adds)
{
	struct hist a, b;

	hist_init(&a);
	hist_init(&b);
	hist_record(&a, 5000000, 10); /* ten 5 ms events */
	cr_assert_float_eq(hist_quantile(&a, 0.5), 5000000.0, 1e-9, "clamped to exact min=max");
	hist_record(&b, 1000, 30);
	hist_merge(&a, &b);
	cr_assert_eq(a.count, 40);
	cr_assert_eq(a.min_ns, 1000);
	cr_assert_eq(a.max_ns, 5000000);
	assert_within_1pct(hist_quantile(&a, 0.5), 1000); /* 30 of 40 are 1 us */
	assert_within_1pct(hist_quantile(&a, 0.9), 5000000);
	hist_reset(&a);
	cr_assert_eq(a.count, 0);
	cr_assert_float_eq(hist_quantile(&a, 0.5), 0.0, 1e-9);
	hist_release(&a);
	hist_release(&b);
}

Test(hist, out_of_range_values_clamp)
{
	struct hist h;

	hist_init(&h);
	hist_record(&h, 0, 1);
	hist_record(&h, UINT64_MAX / 2, 1);
	cr_assert_eq(h.count, 2);
	cr_assert_eq(h.max_ns, UINT64_MAX / 2);
	cr_assert_float_eq(hist_quantile(&h, 0), 0.0, 1e-9);
	hist_release(&h);
}
