/* Unit tests for util/hashmap. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "util/hashmap.h"

#define V(x) ((void *)(uintptr_t)(x))

Test(hashmap, put_get_replace_remove)
{
	struct hashmap m;

	hashmap_init(&m);
	cr_assert_null(hashmap_get(&m, 1));
	hashmap_put(&m, 1, V(10));
	hashmap_put(&m, 2, V(20));
	hashmap_put(&m, 1, V(11));
	cr_assert_eq(m.len, 2);
	cr_assert_eq(hashmap_get(&m, 1), V(11));
	cr_assert_eq(hashmap_remove(&m, 1), V(11));
	cr_assert_null(hashmap_get(&m, 1));
	cr_assert_null(hashmap_remove(&m, 1));
	cr_assert_eq(hashmap_get(&m, 2), V(20));
	hashmap_release(&m);
}

Test(hashmap, many_keys_with_churn)
{
	struct hashmap m;
	size_t pos = 0, seen = 0;
	uint64_t key;
	void *val;

	hashmap_init(&m);
	for (uint64_t i = 1; i <= 20000; i++)
		hashmap_put(&m, i * 7919, V(i));
	for (uint64_t i = 1; i <= 20000; i += 2)
		cr_assert_eq(hashmap_remove(&m, i * 7919), V(i));
	/* Tombstones must not break lookups or make the table grow forever. */
	for (int round = 0; round < 5; round++) {
		for (uint64_t i = 1; i <= 20000; i += 2)
			hashmap_put(&m, i * 7919, V(i));
		for (uint64_t i = 1; i <= 20000; i += 2)
			hashmap_remove(&m, i * 7919);
	}
	cr_assert_eq(m.len, 10000);
	cr_assert_leq(m.cap, 65536);
	for (uint64_t i = 2; i <= 20000; i += 2)
		cr_assert_eq(hashmap_get(&m, i * 7919), V(i));
	while (hashmap_next(&m, &pos, &key, &val)) {
		cr_assert_eq(key, (uint64_t)(uintptr_t)val * 7919);
		seen++;
	}
	cr_assert_eq(seen, 10000);
	hashmap_release(&m);
}
