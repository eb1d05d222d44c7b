/* ring — the lock-free SPSC record ring; see ring.h. */
#include "agent/ring.h"

#include <errno.h>

int ring_init(struct ring *r, void *mem, size_t bytes)
{
	size_t words = bytes / sizeof(uint64_t);

	if (!mem || words < 8 || (words & (words - 1)) != 0)
		return -EINVAL;
	r->words = mem;
	r->mask = words - 1;
	atomic_store_explicit(&r->head, 0, memory_order_relaxed);
	atomic_store_explicit(&r->tail, 0, memory_order_relaxed);
	r->pending = 0;
	return 0;
}

uint64_t *ring_reserve(struct ring *r, uint32_t nwords)
{
	uint64_t cap = r->mask + 1;
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	uint64_t off = head & r->mask;
	uint64_t pad = 0;

	if (nwords == 0 || nwords > cap / 2)
		return NULL;
	if (off + nwords > cap)
		pad = cap - off;
	if (head + pad + nwords - tail > cap)
		return NULL;
	if (pad) {
		/* The padding record lies in free space: the consumer cannot see it
		 * before the commit that covers it. */
		r->words[off] = ring_header(RING_PAD, (uint32_t)pad, 0);
		off = 0;
	}
	r->pending = pad + nwords;
	r->reserved = nwords;
	return &r->words[off];
}

void ring_commit(struct ring *r)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

	atomic_store_explicit(&r->head, head + r->pending, memory_order_release);
	r->pending = 0;
}

void ring_commit_n(struct ring *r, uint32_t nwords)
{
	if (nwords < r->reserved)
		r->pending -= r->reserved - nwords;
	ring_commit(r);
}

const uint64_t *ring_peek(struct ring *r, uint64_t limit)
{
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	while (tail < limit) {
		const uint64_t *rec = &r->words[tail & r->mask];
		uint32_t n = ring_nwords(rec[0]);

		if (n == 0)
			n = 1; /* cannot happen with a well-behaved producer; never loop */
		if (ring_kind(rec[0]) != RING_PAD)
			return rec;
		tail += n;
		atomic_store_explicit(&r->tail, tail, memory_order_release);
	}
	return NULL;
}

void ring_release(struct ring *r, const uint64_t *rec)
{
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t n = ring_nwords(rec[0]);

	atomic_store_explicit(&r->tail, tail + (n ? n : 1), memory_order_release);
}

uint64_t ring_discard(struct ring *r, uint64_t limit)
{
	const uint64_t *rec;
	uint64_t n = 0;

	while ((rec = ring_peek(r, limit)) != NULL) {
		ring_release(r, rec);
		n++;
	}
	return n;
}

void ring_reset(struct ring *r)
{
	atomic_store_explicit(&r->head, 0, memory_order_relaxed);
	atomic_store_explicit(&r->tail, 0, memory_order_relaxed);
	r->pending = 0;
}
