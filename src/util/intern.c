/* intern — byte strings to dense ids; see intern.h. */
#include "util/intern.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

uint64_t intern_hash(const void *bytes, size_t len)
{
	const unsigned char *p = bytes;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void intern_init(struct intern *t)
{
	memset(t, 0, sizeof(*t));
	hashmap_init(&t->heads);
}

void intern_release(struct intern *t)
{
	for (size_t i = 0; i < t->count; i++)
		free(t->entries[i].bytes);
	free(t->entries);
	hashmap_release(&t->heads);
	memset(t, 0, sizeof(*t));
}

static uint32_t lookup(const struct intern *t, uint64_t h, const void *bytes, size_t len)
{
	uintptr_t head = (uintptr_t)hashmap_get(&t->heads, h);

	for (uint32_t id1 = (uint32_t)head; id1; id1 = t->entries[id1 - 1].next) {
		const struct intern_entry *e = &t->entries[id1 - 1];

		if (e->len == len && !memcmp(e->bytes, bytes, len))
			return id1 - 1;
	}
	return UINT32_MAX;
}

uint32_t intern_find(const struct intern *t, const void *bytes, size_t len)
{
	return lookup(t, intern_hash(bytes, len), bytes, len);
}

uint32_t intern_put(struct intern *t, const void *bytes, size_t len, bool *added)
{
	uint64_t h = intern_hash(bytes, len);
	uint32_t id = lookup(t, h, bytes, len);
	struct intern_entry *e;

	if (added)
		*added = id == UINT32_MAX;
	if (id != UINT32_MAX)
		return id;
	XGROW(t->entries, t->alloc, t->count + 1, 64);
	id = (uint32_t)t->count++;
	e = &t->entries[id];
	e->hash = h;
	e->len = (uint32_t)len;
	e->bytes = xmalloc(len + 1);
	memcpy(e->bytes, bytes, len);
	e->bytes[len] = '\0'; /* so string keys can be used as C strings */
	e->next = (uint32_t)(uintptr_t)hashmap_get(&t->heads, h);
	hashmap_put(&t->heads, h, (void *)(uintptr_t)(id + 1));
	return id;
}

const void *intern_bytes(const struct intern *t, uint32_t id, size_t *len)
{
	if (len)
		*len = t->entries[id].len;
	return t->entries[id].bytes;
}
