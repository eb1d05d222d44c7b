/*
 * window — what happened in each of the last seconds: the live window.
 *
 * A ring of WINDOW_SLOTS one-second slots. Slot for second s (s = floor of
 * the event's time in seconds) holds
 *   - sample entries: (key, count), where the key is the caller's own small
 *     number for "this stack on this thread" (the profile's pair index);
 *   - zone cells: per (zone, thread) the count, sum, min and max of the zone
 *     events that ended in that second, with their latency histogram kept
 *     sparse as (cell, histogram bucket, count) entries.
 * Memory is bounded by what one second can hold times WINDOW_SLOTS, never by
 * the running time. A slot is recycled when a second WINDOW_SLOTS later
 * arrives; events older than the ring are not kept here (they still count in
 * the totals the caller keeps).
 *
 * A window of N seconds at time now covers the N slots floor(now)-N+1 ..
 * floor(now), the current (partial) second included, so it spans between
 * N-1 and N seconds of data. Reading it costs the entries of those slots.
 *
 * A struct window_hint, held by the caller per key, remembers which entry a
 * key last went to, so repeated samples of one stack within a second add to
 * one entry without any lookup.
 */
#ifndef PERFTOP_MODEL_WINDOW_H
#define PERFTOP_MODEL_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/hist.h"
#include "util/hashmap.h"

enum { WINDOW_SLOTS = 32 }; /* one second each: windows up to 32 s */

#define WINDOW_ANY UINT32_MAX /* a zone or thread filter that matches everything */

struct window_hint {
	int64_t second;
	uint32_t index1; /* entry or cell + 1; 0 = none */
};

struct window_entry {
	uint32_t key;
	uint32_t count;
};

struct window_zone_cell {
	uint32_t zone, thread;
	uint64_t count;
	double sum_ns;
	uint64_t min_ns, max_ns;
};

struct window_zone_bucket {
	uint32_t cell;
	uint32_t bucket; /* hist_bucket_of() the duration */
	uint64_t count;
};

struct window_slot {
	int64_t second;
	bool used;
	struct window_entry *entries;
	size_t nentries, entries_alloc;
	struct window_zone_cell *cells;
	size_t ncells, cells_alloc;
	struct window_zone_bucket *buckets;
	size_t nbuckets, buckets_alloc;
	struct hashmap bucket_index; /* cell << 16 | bucket -> index + 1 */
};

struct window {
	struct window_slot slots[WINDOW_SLOTS];
	int64_t newest; /* the latest second claimed */
	bool any;       /* a second was claimed since init or clear */
};

void window_init(struct window *w);
void window_release(struct window *w);
/* Empties every slot (keeping their memory for reuse). */
void window_clear(struct window *w);

/* The second an event at time t (seconds) belongs to: floor(t). */
int64_t window_second(double t);

/* The seconds a window of `seconds` (rounded up, clamped to 1 ..
 * WINDOW_SLOTS) covers at time now: *first .. *last inclusive. */
void window_range(double seconds, double now, int64_t *first, int64_t *last);

/* Adds count samples of key in second s. hint (may be NULL) speeds up
 * repeats. Returns false when s is older than the ring holds. */
bool window_sample(struct window *w, int64_t s, uint32_t key, uint64_t count,
		   struct window_hint *hint);

/* Adds one zone event of duration_ns to (zone, thread) in second s. hint (may
 * be NULL) is the caller's per (zone, thread) hint. Returns false when s is
 * older than the ring holds. */
bool window_zone_event(struct window *w, int64_t s, uint32_t zone, uint32_t thread,
		       uint64_t duration_ns, struct window_hint *hint);

/* Adds to (zone, thread) in second s the events h summarises (count, sum,
 * min, max and buckets), as if each had come through window_zone_event():
 * how a snapshot's window is restored. Returns false when s is older than
 * the ring holds. */
bool window_zone_merge(struct window *w, int64_t s, uint32_t zone, uint32_t thread,
		       const struct hist *h);

/* The slot holding second s, or NULL when the ring holds nothing for it. */
const struct window_slot *window_slot(const struct window *w, int64_t s);

/* Adds into hists[zone] the zone events of seconds first..last whose zone
 * and thread match the filters (WINDOW_ANY matches all). hists has nhists
 * entries indexed by zone id; events of zones >= nhists are skipped. */
void window_zone_collect(const struct window *w, int64_t first, int64_t last, uint32_t zone,
			 uint32_t thread, struct hist *hists, size_t nhists);

#endif
