/* Unit tests for the small shared pieces of util/: xgrow, str_contains_nocase, PT_ASSERT. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/check.h"
#include "util/str.h"
#include "util/xalloc.h"

Test(xgrow, doubles_from_first_and_zeroes_new_entries)
{
	uint32_t *a = NULL;
	size_t alloc = 0;

	XGROW(a, alloc, 1, 4);
	cr_assert_eq(alloc, 4);
	for (size_t i = 0; i < alloc; i++)
		cr_assert_eq(a[i], 0);
	a[0] = a[3] = 7;
	XGROW(a, alloc, 4, 4); /* fits: unchanged */
	cr_assert_eq(alloc, 4);
	XGROW(a, alloc, 5, 4);
	cr_assert_eq(alloc, 8);
	cr_assert_eq(a[0], 7);
	cr_assert_eq(a[3], 7);
	for (size_t i = 4; i < alloc; i++)
		cr_assert_eq(a[i], 0);
	XGROW(a, alloc, 33, 4); /* several doublings at once */
	cr_assert_eq(alloc, 64);
	cr_assert_eq(a[3], 7);
	cr_assert_eq(a[63], 0);
	free(a);
}

Test(str, contains_nocase)
{
	cr_assert(str_contains_nocase("Worker-Thread", "thread"));
	cr_assert(str_contains_nocase("Worker-Thread", "WORKER"));
	cr_assert(str_contains_nocase("abc", "abc"));
	cr_assert_not(str_contains_nocase("abc", "abcd"));
	cr_assert_not(str_contains_nocase("abc", "x"));
	cr_assert(str_contains_nocase("abc", ""));
	cr_assert(str_contains_nocase("", ""));
	cr_assert_not(str_contains_nocase("", "a"));
	cr_assert_not(str_contains_nocase(NULL, "a"));
	cr_assert_not(str_contains_nocase(NULL, ""));
}

Test(check, holds_quietly)
{
	size_t i = 2, n = 3;

	PT_ASSERT(i < n);
}

Test(check, broken_invariant_stops_through_fatal, .exit_code = 1)
{
	size_t i = 3, n = 3;

	PT_ASSERT(i < n);
}
