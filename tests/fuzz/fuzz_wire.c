/*
 * fuzz_wire — libFuzzer entry point for the wire decoder.
 *
 * Each input is decoded twice: in one piece, and in chunks whose sizes come
 * from a generator seeded by the input. Both must agree on every message and
 * on the error. Every decoded message is also encoded again and decoded once
 * more, and must come back the same. Any disagreement aborts. Built with
 * clang -fsanitize=fuzzer by `make fuzz`; tests/fuzz/replay.c runs it over
 * the checked-in corpus inside `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	uint64_t hash; /* of every message description, in order */
	unsigned messages;
};

static char line[1 << 17];
static char again_line[1 << 17];
static uint8_t reencoded[WIRE_MAX_FRAME_BYTES + 64];

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static int on_again(void *ctx, const struct wire_msg *m)
{
	int *seen = ctx;

	wire_msg_format(m, again_line, sizeof(again_line));
	(*seen)++;
	return 0;
}

/* Encodes m again and checks the decoder gives it back unchanged. */
static void round_trip(const struct wire_msg *m)
{
	static struct wire_decoder d;
	struct wire_buf b;
	int seen = 0;

	if (wire_type_is_batch(m->type) && m->count == 0)
		return; /* an empty batch is not re-encodable by design */
	wire_buf_init(&b, reencoded, sizeof(reencoded));
	if (wire_put(&b, m->type, &m->u) != 0)
		abort();
	wire_decoder_init(&d, 0, 0, on_again, &seen);
	if (wire_decoder_feed(&d, b.data, b.len) != 0 || seen != 1) {
		fprintf(stderr, "re-encoded message refused: %s\n", wire_decoder_error(&d));
		abort();
	}
	wire_decoder_release(&d);
	/* index/count differ (one item now): compare from the first field on */
	const char *a = strchr(line, '=');
	const char *c = strchr(again_line, '=');
	if ((a == NULL) != (c == NULL) || (a && strcmp(a, c) != 0)) {
		fprintf(stderr, "round trip differs:\n  %s\n  %s\n", line, again_line);
		abort();
	}
}

static int on_msg(void *ctx, const struct wire_msg *m)
{
	struct run *r = ctx;
	int n = wire_msg_format(m, line, sizeof(line));

	if (n < 0)
		abort();
	r->hash = fnv(r->hash, line, strlen(line));
	r->messages++;
	round_trip(m);
	return 0;
}

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wire_decoder whole, chunked;
	struct run a = {0xcbf29ce484222325ull, 0}, b = a;
	uint64_t seed = fnv(0xcbf29ce484222325ull, data, size) | 1;
	unsigned flags = (seed & 2) ? WIRE_DECODER_NEED_HELLO : 0;
	size_t max_frame = (seed & 4) ? 0 : 64 + (seed >> 8) % 4096;
	int rc_a, rc_b = 0;

	wire_decoder_init(&whole, max_frame, flags, on_msg, &a);
	rc_a = wire_decoder_feed(&whole, data, size);

	wire_decoder_init(&chunked, max_frame, flags, on_msg, &b);
	for (size_t off = 0; off < size && rc_b == 0;) {
		uint64_t r = next(&seed);
		size_t n = (r & 3) == 0 ? 1 + (r >> 8) % 256 : 1 + (r >> 8) % 8;
		if (n > size - off)
			n = size - off;
		rc_b = wire_decoder_feed(&chunked, data + off, n);
		off += n;
	}
	if (rc_a != rc_b || a.hash != b.hash || a.messages != b.messages ||
	    strcmp(wire_decoder_error(&whole), wire_decoder_error(&chunked)) != 0) {
		fprintf(stderr, "whole vs chunked differ: rc %d/%d, %u/%u messages, '%s' / '%s'\n",
		        rc_a, rc_b, a.messages, b.messages, wire_decoder_error(&whole),
		        wire_decoder_error(&chunked));
		abort();
	}
	if (rc_a == 0 && wire_decoder_pending(&whole) != wire_decoder_pending(&chunked))
		abort();
	wire_decoder_release(&whole);
	wire_decoder_release(&chunked);
	return 0;
}
