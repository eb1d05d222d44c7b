/* Unit tests for model/series: the fixed-capacity rings behind every chart. */
#include <criterion/criterion.h>

#include "model/series.h"

Test(series, empty_has_no_stats)
{
	struct series s;

	series_init(&s, 10);
	cr_assert_eq(s.len, 0);
	cr_assert_eq(series_stats_last(&s, 10).count, 0);
	cr_assert_float_eq(series_last(&s, -1.0f), -1.0f, 1e-9);
	series_release(&s);
}

Test(series, keeps_order_before_wrapping)
{
	struct series s;

	series_init(&s, 100);
	for (int i = 0; i < 40; i++)
		series_push(&s, (float)i);
	cr_assert_eq(s.len, 40);
	for (int i = 0; i < 40; i++)
		cr_assert_float_eq(series_at(&s, (size_t)i), (float)i, 1e-9);
	cr_assert_leq(s.alloc, 64, "storage grows lazily, not to the full capacity");
	series_release(&s);
}

Test(series, wraps_at_capacity_and_memory_stays_bounded)
{
	struct series s;

	series_init(&s, 600);
	for (int i = 0; i < 10000; i++)
		series_push(&s, (float)i);
	cr_assert_eq(s.len, 600);
	cr_assert_eq(s.alloc, 600);
	cr_assert_float_eq(series_at(&s, 0), 9400.0f, 1e-9);
	cr_assert_float_eq(series_last(&s, 0), 9999.0f, 1e-9);
	series_release(&s);
}

Test(series, stats_over_last_n)
{
	struct series s;
	struct series_stats st;

	series_init(&s, 8);
	for (int i = 1; i <= 12; i++) /* holds 5..12 */
		series_push(&s, (float)i);
	st = series_stats_last(&s, 4); /* 9 10 11 12 */
	cr_assert_eq(st.count, 4);
	cr_assert_float_eq(st.min, 9, 1e-9);
	cr_assert_float_eq(st.max, 12, 1e-9);
	cr_assert_float_eq(st.avg, 10.5, 1e-9);
	st = series_stats_last(&s, 100);
	cr_assert_eq(st.count, 8);
	cr_assert_float_eq(st.min, 5, 1e-9);
	series_release(&s);
}

Test(series, copy_last_is_oldest_first)
{
	struct series s;
	float out[5];

	series_init(&s, 4);
	for (int i = 0; i < 6; i++) /* holds 2 3 4 5 */
		series_push(&s, (float)i);
	cr_assert_eq(series_copy_last(&s, 5, out), 4);
	cr_assert_float_eq(out[0], 2, 1e-9);
	cr_assert_float_eq(out[3], 5, 1e-9);
	cr_assert_eq(series_copy_last(&s, 2, out), 2);
	cr_assert_float_eq(out[0], 4, 1e-9);
	series_release(&s);
}
