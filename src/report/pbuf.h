/*
 * pbuf — just enough of a protocol buffers writer for pprof's profile.proto:
 * varints, length-delimited fields, packed repeated integers and nested
 * messages, into a growing byte buffer. No schema, no reflection: the caller
 * names each field by number.
 *
 * The buffer is util/bytebuf's: bytebuf_init/bytebuf_release own it.
 */
#ifndef PERFTOP_REPORT_PBUF_H
#define PERFTOP_REPORT_PBUF_H

#include <stddef.h>
#include <stdint.h>

#include "util/bytebuf.h"

/* Field `field` as a varint (wire type 0): uint64, or int64 in two's complement. */
void pbuf_uint(struct bytebuf *b, unsigned field, uint64_t v);
void pbuf_int(struct bytebuf *b, unsigned field, int64_t v);
/* Field `field` as length-delimited bytes (wire type 2): strings, messages. */
void pbuf_bytes(struct bytebuf *b, unsigned field, const void *data, size_t len);
/* A nested message: sub's bytes as field `field`. */
void pbuf_msg(struct bytebuf *b, unsigned field, const struct bytebuf *sub);
/* A packed repeated varint field (n may be 0: nothing is written). */
void pbuf_packed(struct bytebuf *b, unsigned field, const uint64_t *v, size_t n);

#endif
