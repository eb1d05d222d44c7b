/* Unit tests for the agent's lock-free SPSC record ring (src/agent/ring.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>

/* The agent is not part of perftop's objects: compile the ring in. */
#include "agent/ring.c"

#define KIND 7

static uint64_t mem[64]; /* 512 bytes: 64 words */

static int push(struct ring *r, uint32_t payload_words, uint64_t tag)
{
	uint64_t *rec = ring_reserve(r, 1 + payload_words);

	if (!rec)
		return -1;
	rec[0] = ring_header(KIND, 1 + payload_words, (uint32_t)tag);
	for (uint32_t i = 0; i < payload_words; i++)
		rec[1 + i] = tag;
	ring_commit(r);
	return 0;
}

Test(ring, init_checks_size)
{
	struct ring r;

	cr_expect_eq(ring_init(&r, mem, 0), -EINVAL);
	cr_expect_eq(ring_init(&r, mem, 48 * 8), -EINVAL); /* not a power of two */
	cr_expect_eq(ring_init(&r, NULL, 512), -EINVAL);
	cr_expect_eq(ring_init(&r, mem, 512), 0);
}

Test(ring, records_come_out_in_order)
{
	struct ring r;
	const uint64_t *rec;

	ring_init(&r, mem, sizeof(mem));
	for (uint64_t i = 1; i <= 5; i++)
		cr_assert_eq(push(&r, 2, i), 0);
	for (uint64_t i = 1; i <= 5; i++) {
		rec = ring_peek(&r, ring_head(&r));
		cr_assert_not_null(rec);
		cr_expect_eq(ring_kind(rec[0]), KIND);
		cr_expect_eq(ring_nwords(rec[0]), 3u);
		cr_expect_eq(ring_arg(rec[0]), (uint32_t)i);
		cr_expect_eq(rec[1], i);
		cr_expect_eq(rec[2], i);
		ring_release(&r, rec);
	}
	cr_expect_null(ring_peek(&r, ring_head(&r)));
}

Test(ring, full_ring_refuses_and_recovers)
{
	struct ring r;
	int n = 0;
	const uint64_t *rec;

	ring_init(&r, mem, sizeof(mem));
	while (push(&r, 7, (uint64_t)n) == 0) /* 8 words each: 8 fit in 64 */
		n++;
	cr_expect_eq(n, 8);
	rec = ring_peek(&r, ring_head(&r));
	ring_release(&r, rec);
	cr_expect_eq(push(&r, 7, 99), 0, "room again after one release");
	cr_expect_eq(push(&r, 7, 100), -1);
}

Test(ring, wraps_with_padding_never_splitting_a_record)
{
	struct ring r;
	const uint64_t *rec;
	uint64_t next_out = 0;

	ring_init(&r, mem, sizeof(mem));
	/* 10-word records: 6 fit before the end (60 words); the 7th must
	 * wrap to the start behind a 4-word pad. */
	for (uint64_t i = 0; i < 200; i++) {
		while (push(&r, 9, i) < 0) {
			rec = ring_peek(&r, ring_head(&r));
			cr_assert_not_null(rec);
			cr_assert_eq(rec[1], next_out);
			cr_assert_eq(rec[9], next_out, "record split across the end");
			cr_assert(rec + 10 <= mem + 64);
			ring_release(&r, rec);
			next_out++;
		}
	}
	while ((rec = ring_peek(&r, ring_head(&r))) != NULL) {
		cr_assert_eq(rec[1], next_out);
		ring_release(&r, rec);
		next_out++;
	}
	cr_expect_eq(next_out, 200u);
}

Test(ring, commit_n_publishes_only_what_was_written)
{
	struct ring r;
	uint64_t *w;
	const uint64_t *rec;

	ring_init(&r, mem, sizeof(mem));
	w = ring_reserve(&r, 20);
	cr_assert_not_null(w);
	w[0] = ring_header(KIND, 3, 1);
	w[1] = w[2] = 11;
	ring_commit_n(&r, 3);
	cr_expect_eq(ring_head(&r), 3u);
	cr_expect_eq(push(&r, 1, 2), 0);
	rec = ring_peek(&r, ring_head(&r));
	cr_expect_eq(rec[1], 11u);
	ring_release(&r, rec);
	rec = ring_peek(&r, ring_head(&r));
	cr_expect_eq(ring_arg(rec[0]), 2u);
}

Test(ring, peek_stops_at_the_limit_and_discard_counts)
{
	struct ring r;
	uint64_t limit;

	ring_init(&r, mem, sizeof(mem));
	push(&r, 1, 1);
	push(&r, 1, 2);
	limit = ring_head(&r);
	push(&r, 1, 3);
	cr_expect_eq(ring_discard(&r, limit), 2u);
	cr_expect_null(ring_peek(&r, limit));
	cr_expect_eq(ring_discard(&r, ring_head(&r)), 1u);
	ring_reset(&r);
	cr_expect_eq(ring_head(&r), 0u);
}

/* One producer thread, one consumer thread, every record checked. */
static struct ring shared;
static uint64_t shared_mem[256];
#define TOTAL 200000u

static void *producer(void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < TOTAL; i++) {
		uint32_t words = 1 + (uint32_t)(i % 13);

		while (push(&shared, words, i) < 0)
			sched_yield();
	}
	return NULL;
}

Test(ring, one_producer_one_consumer)
{
	pthread_t p;
	uint64_t expect = 0;

	ring_init(&shared, shared_mem, sizeof(shared_mem));
	pthread_create(&p, NULL, producer, NULL);
	while (expect < TOTAL) {
		const uint64_t *rec = ring_peek(&shared, ring_head(&shared));

		if (!rec) {
			sched_yield();
			continue;
		}
		cr_assert_eq(ring_nwords(rec[0]), 2 + expect % 13);
		for (uint32_t k = 1; k < ring_nwords(rec[0]); k++)
			cr_assert_eq(rec[k], expect, "record %llu word %u",
			             (unsigned long long)expect, k);
		ring_release(&shared, rec);
		expect++;
	}
	pthread_join(p, NULL);
	cr_expect_null(ring_peek(&shared, ring_head(&shared)));
}
