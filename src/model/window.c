/* window — a ring of one-second slots of samples and zone events; see window.h. */
#include "model/window.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static void slot_empty(struct window_slot *s)
{
	s->used = false;
	s->nentries = s->ncells = s->nbuckets = 0;
	hashmap_release(&s->bucket_index);
}

void window_init(struct window *w)
{
	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < WINDOW_SLOTS; i++)
		hashmap_init(&w->slots[i].bucket_index);
}

void window_release(struct window *w)
{
	for (size_t i = 0; i < WINDOW_SLOTS; i++) {
		struct window_slot *s = &w->slots[i];

		free(s->entries);
		free(s->cells);
		free(s->buckets);
		hashmap_release(&s->bucket_index);
	}
	memset(w, 0, sizeof(*w));
}

void window_clear(struct window *w)
{
	for (size_t i = 0; i < WINDOW_SLOTS; i++)
		slot_empty(&w->slots[i]);
	w->any = false;
	w->newest = 0;
}

int64_t window_second(double t)
{
	return (int64_t)floor(t);
}

void window_range(double seconds, double now, int64_t *first, int64_t *last)
{
	int64_t n = (int64_t)ceil(seconds);

	if (n < 1)
		n = 1;
	if (n > WINDOW_SLOTS)
		n = WINDOW_SLOTS;
	*last = window_second(now);
	*first = *last - n + 1;
}

static size_t slot_of(int64_t s)
{
	return (size_t)(((s % WINDOW_SLOTS) + WINDOW_SLOTS) % WINDOW_SLOTS);
}

/* The slot to add second s to, recycling an older one; NULL when s is
 * older than the ring holds. */
static struct window_slot *claim(struct window *w, int64_t s)
{
	struct window_slot *slot = &w->slots[slot_of(s)];

	if (w->any && s <= w->newest - WINDOW_SLOTS)
		return NULL;
	if (slot->used && slot->second == s)
		return slot;
	if (slot->used && slot->second > s)
		return NULL;
	slot_empty(slot);
	slot->used = true;
	slot->second = s;
	if (!w->any || s > w->newest) {
		w->newest = s;
		w->any = true;
	}
	return slot;
}

const struct window_slot *window_slot(const struct window *w, int64_t s)
{
	const struct window_slot *slot = &w->slots[slot_of(s)];

	return slot->used && slot->second == s ? slot : NULL;
}

bool window_sample(struct window *w, int64_t s, uint32_t key, uint64_t count,
		   struct window_hint *hint)
{
	struct window_slot *slot = claim(w, s);

	if (!slot)
		return false;
	while (count) {
		struct window_entry *e = NULL;
		uint32_t add;

		if (hint && hint->second == s && hint->index1 && hint->index1 <= slot->nentries &&
		    slot->entries[hint->index1 - 1].key == key)
			e = &slot->entries[hint->index1 - 1];
		if (!e || e->count == UINT32_MAX) {
			XGROW(slot->entries, slot->entries_alloc, slot->nentries + 1, 64);
			e = &slot->entries[slot->nentries++];
			e->key = key;
			e->count = 0;
			if (hint) {
				hint->second = s;
				hint->index1 = (uint32_t)slot->nentries;
			}
		}
		add = count > UINT32_MAX - e->count ? UINT32_MAX - e->count : (uint32_t)count;
		e->count += add;
		count -= add;
	}
	return true;
}

bool window_zone_event(struct window *w, int64_t s, uint32_t zone, uint32_t thread,
		       uint64_t duration_ns, struct window_hint *hint)
{
	struct window_slot *slot = claim(w, s);
	struct window_zone_cell *c = NULL;
	struct window_zone_bucket *b;
	uint32_t ci, bucket = (uint32_t)hist_bucket_of(duration_ns);
	uint64_t key;
	uintptr_t idx1;

	if (!slot)
		return false;
	if (hint && hint->second == s && hint->index1 && hint->index1 <= slot->ncells) {
		c = &slot->cells[hint->index1 - 1];
		if (c->zone != zone || c->thread != thread)
			c = NULL;
	}
	if (!c) {
		XGROW(slot->cells, slot->cells_alloc, slot->ncells + 1, 64);
		c = &slot->cells[slot->ncells++];
		memset(c, 0, sizeof(*c));
		c->zone = zone;
		c->thread = thread;
		if (hint) {
			hint->second = s;
			hint->index1 = (uint32_t)slot->ncells;
		}
	}
	if (!c->count || duration_ns < c->min_ns)
		c->min_ns = duration_ns;
	if (!c->count || duration_ns > c->max_ns)
		c->max_ns = duration_ns;
	c->count++;
	c->sum_ns += (double)duration_ns;

	ci = (uint32_t)(c - slot->cells);
	key = (uint64_t)ci << 16 | bucket;
	idx1 = (uintptr_t)hashmap_get(&slot->bucket_index, key);
	if (!idx1) {
		XGROW(slot->buckets, slot->buckets_alloc, slot->nbuckets + 1, 64);
		b = &slot->buckets[slot->nbuckets++];
		b->cell = ci;
		b->bucket = bucket;
		b->count = 0;
		hashmap_put(&slot->bucket_index, key, (void *)(uintptr_t)slot->nbuckets);
	} else {
		b = &slot->buckets[idx1 - 1];
	}
	b->count++;
	return true;
}

bool window_zone_merge(struct window *w, int64_t s, uint32_t zone, uint32_t thread,
		       const struct hist *h)
{
	struct window_slot *slot;
	struct window_zone_cell *c = NULL;
	uint32_t ci;

	if (!h->count)
		return true;
	slot = claim(w, s);
	if (!slot)
		return false;
	for (size_t i = 0; i < slot->ncells && !c; i++)
		if (slot->cells[i].zone == zone && slot->cells[i].thread == thread)
			c = &slot->cells[i];
	if (!c) {
		XGROW(slot->cells, slot->cells_alloc, slot->ncells + 1, 64);
		c = &slot->cells[slot->ncells++];
		memset(c, 0, sizeof(*c));
		c->zone = zone;
		c->thread = thread;
	}
	if (!c->count || h->min_ns < c->min_ns)
		c->min_ns = h->min_ns;
	if (!c->count || h->max_ns > c->max_ns)
		c->max_ns = h->max_ns;
	c->count += h->count;
	c->sum_ns += h->sum_ns;
	ci = (uint32_t)(c - slot->cells);
	for (uint32_t bucket = 0; h->buckets && bucket < HIST_BUCKETS; bucket++) {
		uint64_t key = (uint64_t)ci << 16 | bucket;
		uintptr_t idx1;
		struct window_zone_bucket *b;

		if (!h->buckets[bucket])
			continue;
		idx1 = (uintptr_t)hashmap_get(&slot->bucket_index, key);
		if (!idx1) {
			XGROW(slot->buckets, slot->buckets_alloc, slot->nbuckets + 1, 64);
			b = &slot->buckets[slot->nbuckets++];
			b->cell = ci;
			b->bucket = bucket;
			b->count = 0;
			hashmap_put(&slot->bucket_index, key, (void *)(uintptr_t)slot->nbuckets);
		} else {
			b = &slot->buckets[idx1 - 1];
		}
		b->count += h->buckets[bucket];
	}
	return true;
}

static bool cell_matches(const struct window_zone_cell *c, uint32_t zone, uint32_t thread,
			 size_t nhists)
{
	return c->zone < nhists && (zone == WINDOW_ANY || c->zone == zone) &&
	       (thread == WINDOW_ANY || c->thread == thread);
}

void window_zone_collect(const struct window *w, int64_t first, int64_t last, uint32_t zone,
			 uint32_t thread, struct hist *hists, size_t nhists)
{
	for (int64_t s = first; s <= last; s++) {
		const struct window_slot *slot = window_slot(w, s);

		if (!slot)
			continue;
		for (size_t i = 0; i < slot->ncells; i++) {
			const struct window_zone_cell *c = &slot->cells[i];
			struct hist *h = &hists[c->zone < nhists ? c->zone : 0];

			if (!cell_matches(c, zone, thread, nhists) || !c->count)
				continue;
			if (!h->count || c->min_ns < h->min_ns)
				h->min_ns = c->min_ns;
			if (!h->count || c->max_ns > h->max_ns)
				h->max_ns = c->max_ns;
			h->count += c->count;
			h->sum_ns += c->sum_ns;
		}
		for (size_t i = 0; i < slot->nbuckets; i++) {
			const struct window_zone_bucket *b = &slot->buckets[i];
			const struct window_zone_cell *c = &slot->cells[b->cell];
			struct hist *h;

			if (!cell_matches(c, zone, thread, nhists))
				continue;
			h = &hists[c->zone];
			if (!h->buckets)
				h->buckets = xcalloc(HIST_BUCKETS, sizeof(*h->buckets));
			h->buckets[b->bucket] += (uint32_t)b->count;
		}
	}
}
