/*
 * ring — a lock-free single-producer single-consumer ring of variable-sized
 * records, in 64-bit words, over memory the caller owns.
 *
 * The agent gives each thread two: one filled by the profiling signal handler
 * (stack samples), one by the thread's own code (zone events, marks). The
 * writer thread is the only consumer of both. The producer side neither
 * allocates, locks nor makes system calls, so it is async-signal-safe.
 *
 * A record is one header word (kind, length in words, a 32-bit argument)
 * followed by its payload. A record never wraps: when it does not fit before
 * the end of the memory, the producer writes a padding record up to the end
 * and starts again at the beginning; the consumer skips padding unseen.
 *
 * Positions (head, tail) count words since the start and only grow; head is
 * written by the producer only (release), tail by the consumer only.
 */
#ifndef PERFTOP_AGENT_RING_H
#define PERFTOP_AGENT_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct ring {
	uint64_t *words;
	uint64_t mask;         /* capacity in words - 1 (capacity is a power of 2) */
	_Atomic uint64_t head; /* producer: next word to write */
	_Atomic uint64_t tail; /* consumer: next word to read */
	uint64_t pending;      /* producer-private: words reserved (padding included) */
	uint32_t reserved;     /* producer-private: words of the reserved record */
};

/* Record kinds (header bits 0..7). 0 is padding and never returned. */
enum {
	RING_PAD = 0,
};

/* The header word of a record: kind, total length in words (header included,
 * < 2^24) and a 32-bit argument. */
static inline uint64_t ring_header(unsigned kind, uint32_t nwords, uint32_t arg)
{
	return (uint64_t)(kind & 0xffu) | ((uint64_t)(nwords & 0xffffffu) << 8) |
	       ((uint64_t)arg << 32);
}
static inline unsigned ring_kind(uint64_t h)
{
	return (unsigned)(h & 0xffu);
}
static inline uint32_t ring_nwords(uint64_t h)
{
	return (uint32_t)((h >> 8) & 0xffffffu);
}
static inline uint32_t ring_arg(uint64_t h)
{
	return (uint32_t)(h >> 32);
}

/* Uses mem[0..bytes) as an empty ring; bytes must be a power of two of at
 * least 64. Returns 0, or -EINVAL. */
int ring_init(struct ring *r, void *mem, size_t bytes);

/* Producer: reserves nwords contiguous words (header included) for one
 * record. Returns where to write them, or NULL when the ring is too full (the
 * caller counts a drop). Nothing is visible to the consumer until
 * ring_commit(). Async-signal-safe. */
uint64_t *ring_reserve(struct ring *r, uint32_t nwords);
/* Producer: publishes the record reserved last. */
void ring_commit(struct ring *r);
/* Producer: publishes the first nwords (<= the reservation, header
 * included, the header saying nwords) of the record reserved last. */
void ring_commit_n(struct ring *r, uint32_t nwords);

/* Consumer: the producer's position now. Records below it are complete. */
static inline uint64_t ring_head(struct ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_acquire);
}

/* Consumer: the next record below limit (a ring_head() value), padding
 * skipped; NULL when there is none. The record stays valid until
 * ring_release(). */
const uint64_t *ring_peek(struct ring *r, uint64_t limit);
/* Consumer: frees the record returned by the last ring_peek(). */
void ring_release(struct ring *r, const uint64_t *rec);
/* Consumer: drops every record below limit; returns how many there were
 * (padding not counted). */
uint64_t ring_discard(struct ring *r, uint64_t limit);

/* Empties the ring. Only when neither side runs (after fork in the child). */
void ring_reset(struct ring *r);

#endif
