/*
 * hashmap — an open-addressing map from 64-bit keys to pointers.
 *
 * Used wherever perftop looks things up by a number: processes by pid,
 * (thread, stack) pairs, zones per thread, symbols by address. Linear
 * probing with tombstones;
 * the table doubles when three quarters full. The map does not own values.
 */
#ifndef PERFTOP_UTIL_HASHMAP_H
#define PERFTOP_UTIL_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

struct hashmap {
	struct hashmap_slot *slots;
	size_t cap;  /* power of two, or 0 before the first insert */
	size_t len;  /* live entries */
	size_t used; /* live entries + tombstones */
};

void hashmap_init(struct hashmap *map);
void hashmap_release(struct hashmap *map);

/* Returns the value stored under key, or NULL. */
void *hashmap_get(const struct hashmap *map, uint64_t key);
/* Stores value (not NULL) under key, replacing any previous value. */
void hashmap_put(struct hashmap *map, uint64_t key, void *value);
/* Removes key; returns the value it had, or NULL when absent. */
void *hashmap_remove(struct hashmap *map, uint64_t key);

/* Iteration: start with *pos = 0; returns 0 when done. Removing the entry
 * just returned is allowed; inserting during iteration is not. */
int hashmap_next(const struct hashmap *map, size_t *pos, uint64_t *key, void **value);

#endif
