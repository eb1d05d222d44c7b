/* bytebuf — one growing byte buffer; see bytebuf.h. */
#include "util/bytebuf.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void bytebuf_init(struct bytebuf *b)
{
	memset(b, 0, sizeof(*b));
}

void bytebuf_release(struct bytebuf *b)
{
	free(b->data);
	bytebuf_init(b);
}

void bytebuf_clear(struct bytebuf *b)
{
	b->len = 0;
}

void bytebuf_reserve(struct bytebuf *b, size_t n)
{
	XGROW(b->data, b->alloc, b->len + n, 256);
}

void bytebuf_put(struct bytebuf *b, const void *p, size_t n)
{
	if (!n)
		return;
	bytebuf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void bytebuf_put_u8(struct bytebuf *b, unsigned v)
{
	bytebuf_reserve(b, 1);
	b->data[b->len++] = (unsigned char)v;
}

void bytebuf_varint(struct bytebuf *b, uint64_t v)
{
	bytebuf_reserve(b, 10);
	while (v >= 0x80) {
		b->data[b->len++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b->data[b->len++] = (unsigned char)v;
}
