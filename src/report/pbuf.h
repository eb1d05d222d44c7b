/*
 * pbuf — just enough of a protocol buffers writer for pprof's profile.proto:
 * varints, length-delimited fields, packed repeated integers and nested
 * messages, into a growing byte buffer. No schema, no reflection: the caller
 * names each field by number.
 *
 * Ownership: a pbuf owns its bytes; pbuf_release() frees them.
 */
#ifndef PERFTOP_REPORT_PBUF_H
#define PERFTOP_REPORT_PBUF_H

#include <stddef.h>
#include <stdint.h>

struct pbuf {
	unsigned char *data;
	size_t len, alloc;
};

void pbuf_init(struct pbuf *b);
void pbuf_release(struct pbuf *b);
/* Empties b, keeping its storage. */
void pbuf_clear(struct pbuf *b);

/* A raw base-128 varint. */
void pbuf_varint(struct pbuf *b, uint64_t v);
/* Field `field` as a varint (wire type 0): uint64, or int64 in two's complement. */
void pbuf_uint(struct pbuf *b, unsigned field, uint64_t v);
void pbuf_int(struct pbuf *b, unsigned field, int64_t v);
/* Field `field` as length-delimited bytes (wire type 2): strings, messages. */
void pbuf_bytes(struct pbuf *b, unsigned field, const void *data, size_t len);
/* A nested message: sub's bytes as field `field`. */
void pbuf_msg(struct pbuf *b, unsigned field, const struct pbuf *sub);
/* A packed repeated varint field (n may be 0: nothing is written). */
void pbuf_packed(struct pbuf *b, unsigned field, const uint64_t *v, size_t n);

#endif
