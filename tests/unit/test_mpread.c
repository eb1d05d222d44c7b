/*
 * test_mpread — the bounded msgpack reader: every integer, float and length
 * form, limits checked against the caller's maximum and the bytes left,
 * iterative skipping, and sticky errors with their offset.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/mpread.h"

#define READER(r, ...)                                                                             \
	static const uint8_t r##_bytes[] = {__VA_ARGS__};                                          \
	struct mpread r;                                                                           \
	mpread_init(&r, r##_bytes, sizeof(r##_bytes))

Test(mpread, unsigned_forms)
{
	READER(r, 0x05, 0xcc, 0xff, 0xcd, 0x01, 0x00, 0xce, 0x01, 0, 0, 0, 0xcf, 0x80, 0, 0, 0, 0,
	       0, 0, 1, 0xd0, 0x07);
	uint64_t v;

	cr_assert_eq(mpread_uint(&r, &v, UINT64_MAX), 0);
	cr_assert_eq(v, 5);
	cr_assert_eq(mpread_uint(&r, &v, UINT64_MAX), 0);
	cr_assert_eq(v, 255);
	cr_assert_eq(mpread_uint(&r, &v, UINT64_MAX), 0);
	cr_assert_eq(v, 256);
	cr_assert_eq(mpread_uint(&r, &v, UINT64_MAX), 0);
	cr_assert_eq(v, 1u << 24);
	cr_assert_eq(mpread_uint(&r, &v, UINT64_MAX), 0);
	cr_assert_eq(v, 0x8000000000000001ull);
	cr_assert_eq(mpread_uint(&r, &v, UINT64_MAX), 0, "int8 holding 7 is fine");
	cr_assert_eq(v, 7);
	cr_assert_eq(mpread_left(&r), 0);
	cr_assert_eq(mpread_peek(&r), MPREAD_END);
}

Test(mpread, signed_forms_and_ranges)
{
	READER(r, 0xff, 0xd1, 0xff, 0x00, 0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xcf, 0xff, 0xff, 0xff,
	       0xff, 0xff, 0xff, 0xff, 0xff);
	int64_t i;

	cr_assert_eq(mpread_int(&r, &i), 0);
	cr_assert_eq(i, -1);
	cr_assert_eq(mpread_int(&r, &i), 0);
	cr_assert_eq(i, -256);
	cr_assert_eq(mpread_int(&r, &i), 0);
	cr_assert_eq(i, INT64_MIN);
	cr_assert_eq(mpread_int(&r, &i), -1, "uint64 max does not fit int64");
	cr_assert_str_eq(r.err, "int 18446744073709551615 out of range");
	cr_assert_eq(r.err_off, 13);
}

Test(mpread, uint_refuses_negative_and_over_max)
{
	READER(r, 0xff);
	uint64_t v;
	cr_assert_eq(mpread_uint(&r, &v, 10), -1);
	cr_assert_str_eq(r.err, "expected unsigned int, got negative -1");

	READER(q, 0xcd, 0x01, 0x00);
	cr_assert_eq(mpread_uint(&q, &v, 255), -1);
	cr_assert_str_eq(q.err, "value 256 exceeds 255");
}

Test(mpread, floats)
{
	READER(r, 0xca, 0x3f, 0xc0, 0, 0, 0xcb, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18,
	       0x03);
	double d;

	cr_assert_eq(mpread_float(&r, &d), 0);
	cr_assert_float_eq(d, 1.5, 0);
	cr_assert_eq(mpread_float(&r, &d), 0);
	cr_assert_float_eq(d, 3.141592653589793, 1e-15);
	cr_assert_eq(mpread_float(&r, &d), 0, "ints are accepted as floats");
	cr_assert_float_eq(d, 3.0, 0);
}

Test(mpread, strings_and_bins_within_limits)
{
	READER(r, 0xa3, 'a', 'b', 'c', 0xd9, 0x02, 'x', 'y', 0xc4, 0x01, 0x00, 0xa4, 'l', 'o', 'n',
	       'g');
	const uint8_t *s;
	uint32_t n;

	cr_assert_eq(mpread_str(&r, &s, &n, 10), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(memcmp(s, "abc", 3), 0);
	cr_assert_eq(mpread_str(&r, &s, &n, 10), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(mpread_bin(&r, &s, &n, 10), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(mpread_str(&r, &s, &n, 3), -1);
	cr_assert_str_eq(r.err, "str of 4 bytes exceeds the limit of 3");
	cr_assert_eq(r.err_off, 11);
}

Test(mpread, truncated_values)
{
	READER(r, 0xdb, 0x00, 0x00, 0x01, 0x00, 'a');
	const uint8_t *s;
	uint32_t n;

	cr_assert_eq(mpread_str(&r, &s, &n, UINT32_MAX), -1);
	cr_assert_str_eq(r.err, "truncated str (256 bytes, 1 left)");

	READER(q, 0xcf, 0x00, 0x01);
	uint64_t v;
	cr_assert_eq(mpread_uint(&q, &v, UINT64_MAX), -1);
	cr_assert_str_eq(q.err, "truncated unsigned int (needs 9 bytes, 3 left)");
}

Test(mpread, array_counts_are_checked_before_use)
{
	READER(r, 0xdd, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02);
	uint32_t n = 12345;

	cr_assert_eq(mpread_array(&r, &n, UINT32_MAX), -1);
	cr_assert_str_eq(r.err, "array of 4294967295 elements but only 2 bytes left");
	cr_assert_eq(n, 12345, "the count is not handed out");

	READER(q, 0x93, 1, 2, 3);
	cr_assert_eq(mpread_array(&q, &n, 2), -1);
	cr_assert_str_eq(q.err, "array of 3 elements exceeds the limit of 2");
}

Test(mpread, skip_walks_nested_values)
{
	/* [ {"k": [1, -2.0f, nil]}, bin(2), fixext4, true ] then 0x07 */
	READER(r, 0x94, 0x81, 0xa1, 'k', 0x93, 0x01, 0xca, 0xc0, 0, 0, 0, 0xc0, 0xc4, 0x02, 0xaa,
	       0xbb, 0xd6, 0x01, 1, 2, 3, 4, 0xc3, 0x07);
	uint64_t v;

	cr_assert_eq(mpread_skip(&r), 0, "%s", r.err);
	cr_assert_eq(mpread_uint(&r, &v, UINT64_MAX), 0);
	cr_assert_eq(v, 7);
}

Test(mpread, skip_refuses_huge_maps_and_invalid_bytes)
{
	READER(r, 0xdf, 0x7f, 0xff, 0xff, 0xff, 0x01);
	cr_assert_eq(mpread_skip(&r), -1);
	cr_assert_str_eq(r.err, "map of 2147483647 pairs but only 1 bytes left");

	READER(q, 0x92, 0x01, 0xc1);
	cr_assert_eq(mpread_skip(&q), -1);
	cr_assert_str_eq(q.err, "invalid byte 0xc1");
	cr_assert_eq(q.err_off, 2);
}

Test(mpread, errors_are_sticky)
{
	READER(r, 0xa1, 'x', 0x01);
	uint64_t v;

	cr_assert_eq(mpread_uint(&r, &v, UINT64_MAX), -1);
	cr_assert_str_eq(r.err, "expected unsigned int, got str (0xa1)");
	cr_assert_eq(mpread_peek(&r), MPREAD_END);
	cr_assert_eq(mpread_skip(&r), -1);
	cr_assert_eq(mpread_fail(&r, "later %d", 1), -1);
	cr_assert_str_eq(r.err, "expected unsigned int, got str (0xa1)", "first error kept");
}
