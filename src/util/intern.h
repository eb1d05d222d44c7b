/*
 * intern — gives each distinct byte string a small dense id.
 *
 * Used to intern function keys, stacks (as arrays of function ids) and
 * names, so each is stored once and compared as an integer. Ids count from 0
 * in insertion order and never change; the table owns copies of the bytes.
 */
#ifndef PERFTOP_UTIL_INTERN_H
#define PERFTOP_UTIL_INTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/hashmap.h"

struct intern_entry {
	uint64_t hash;
	uint32_t len;
	uint32_t next;  /* next id with the same hash bucket head, +1; 0 = none */
	unsigned char *bytes;
};

struct intern {
	struct hashmap heads;          /* hash -> first id + 1 */
	struct intern_entry *entries;
	size_t count, alloc;
};

void intern_init(struct intern *t);
void intern_release(struct intern *t);

/* Returns the id of bytes[0..len), adding it if new (*added set when given). */
uint32_t intern_put(struct intern *t, const void *bytes, size_t len, bool *added);
/* Returns the id of bytes, or UINT32_MAX when absent. */
uint32_t intern_find(const struct intern *t, const void *bytes, size_t len);
/* The bytes of id (id < count); *len set when given. Stays valid until release. */
const void *intern_bytes(const struct intern *t, uint32_t id, size_t *len);

/* 64-bit FNV-1a, exposed for callers that hash composite keys. */
uint64_t intern_hash(const void *bytes, size_t len);

#endif
