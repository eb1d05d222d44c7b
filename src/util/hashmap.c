/* hashmap — open addressing with linear probing; see hashmap.h. */
#include "util/hashmap.h"

#include <stdlib.h>

#include "util/xalloc.h"

enum slot_state { SLOT_EMPTY, SLOT_LIVE, SLOT_TOMB };

struct hashmap_slot {
	uint64_t key;
	void *value;
	unsigned char state;
};

static uint64_t hash_u64(uint64_t x)
{
	/* splitmix64 finaliser: cheap and mixes every bit. */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void hashmap_init(struct hashmap *map)
{
	map->slots = NULL;
	map->cap = map->len = map->used = 0;
}

void hashmap_release(struct hashmap *map)
{
	free(map->slots);
	hashmap_init(map);
}

static struct hashmap_slot *find_slot(const struct hashmap *map, uint64_t key)
{
	size_t mask = map->cap - 1;

	for (size_t i = hash_u64(key) & mask;; i = (i + 1) & mask) {
		struct hashmap_slot *s = &map->slots[i];

		if (s->state == SLOT_EMPTY)
			return NULL;
		if (s->state == SLOT_LIVE && s->key == key)
			return s;
	}
}

void *hashmap_get(const struct hashmap *map, uint64_t key)
{
	struct hashmap_slot *s;

	if (!map->cap)
		return NULL;
	s = find_slot(map, key);
	return s ? s->value : NULL;
}

static void rehash(struct hashmap *map, size_t cap)
{
	struct hashmap_slot *old = map->slots;
	size_t old_cap = map->cap;

	map->slots = xcalloc(cap, sizeof(*map->slots));
	map->cap = cap;
	map->len = map->used = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].state == SLOT_LIVE)
			hashmap_put(map, old[i].key, old[i].value);
	free(old);
}

void hashmap_put(struct hashmap *map, uint64_t key, void *value)
{
	struct hashmap_slot *tomb = NULL;
	size_t mask;

	if ((map->used + 1) * 4 > map->cap * 3)
		rehash(map, map->cap ? (map->len * 2 >= map->cap ? map->cap * 2 : map->cap) : 16);
	mask = map->cap - 1;
	for (size_t i = hash_u64(key) & mask;; i = (i + 1) & mask) {
		struct hashmap_slot *s = &map->slots[i];

		if (s->state == SLOT_LIVE && s->key == key) {
			s->value = value;
			return;
		}
		if (s->state == SLOT_TOMB && !tomb)
			tomb = s;
		if (s->state == SLOT_EMPTY) {
			if (!tomb) {
				tomb = s;
				map->used++;
			}
			tomb->key = key;
			tomb->value = value;
			tomb->state = SLOT_LIVE;
			map->len++;
			return;
		}
	}
}

void *hashmap_remove(struct hashmap *map, uint64_t key)
{
	struct hashmap_slot *s;
	void *value;

	if (!map->cap || !(s = find_slot(map, key)))
		return NULL;
	value = s->value;
	s->state = SLOT_TOMB;
	s->value = NULL;
	map->len--;
	return value;
}

int hashmap_next(const struct hashmap *map, size_t *pos, uint64_t *key, void **value)
{
	while (*pos < map->cap) {
		struct hashmap_slot *s = &map->slots[(*pos)++];

		if (s->state == SLOT_LIVE) {
			if (key)
				*key = s->key;
			if (value)
				*value = s->value;
			return 1;
		}
	}
	return 0;
}
