/*
 * bytebuf — one growing byte buffer, for the encoders that build a whole
 * file in memory (snapshots, pprof's protocol buffers). The agent keeps its
 * fixed, malloc-free wire_buf (wire.h): it may not allocate in its signal
 * handler or grow without bound inside someone else's program.
 *
 * Ownership: a bytebuf owns its bytes; bytebuf_release() frees them. A
 * zeroed struct is an empty buffer. Allocation failure is fatal (xalloc).
 */
#ifndef PERFTOP_UTIL_BYTEBUF_H
#define PERFTOP_UTIL_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>

struct bytebuf {
	unsigned char *data;
	size_t len, alloc;
};

/* An empty buffer (the same as a zeroed struct). */
void bytebuf_init(struct bytebuf *b);
/* Frees the bytes; b is empty again. */
void bytebuf_release(struct bytebuf *b);
/* Empties b, keeping its storage. */
void bytebuf_clear(struct bytebuf *b);
/* Makes room for n more bytes (growing by doubling). */
void bytebuf_reserve(struct bytebuf *b, size_t n);
/* Appends n bytes from p (nothing when n is 0; p may then be NULL). */
void bytebuf_put(struct bytebuf *b, const void *p, size_t n);
/* Appends one byte. */
void bytebuf_put_u8(struct bytebuf *b, unsigned v);
/* Appends v as a base-128 varint, low group first (protocol buffers' and
 * the snapshot format's unsigned integers). */
void bytebuf_varint(struct bytebuf *b, uint64_t v);

#endif
