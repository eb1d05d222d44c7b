/* pbuf — a small protocol buffers writer; see pbuf.h. */
#include "report/pbuf.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void pbuf_init(struct pbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void pbuf_release(struct pbuf *b)
{
	free(b->data);
	pbuf_init(b);
}

void pbuf_clear(struct pbuf *b)
{
	b->len = 0;
}

static void reserve(struct pbuf *b, size_t more)
{
	if (b->len + more <= b->alloc)
		return;
	while (b->len + more > b->alloc)
		b->alloc = b->alloc ? b->alloc * 2 : 256;
	b->data = xrealloc(b->data, b->alloc);
}

static void put(struct pbuf *b, const void *p, size_t n)
{
	if (!n)
		return;
	reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void pbuf_varint(struct pbuf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	put(b, tmp, n);
}

static void key(struct pbuf *b, unsigned field, unsigned wire)
{
	pbuf_varint(b, (uint64_t)field << 3 | wire);
}

void pbuf_uint(struct pbuf *b, unsigned field, uint64_t v)
{
	key(b, field, 0);
	pbuf_varint(b, v);
}

void pbuf_int(struct pbuf *b, unsigned field, int64_t v)
{
	pbuf_uint(b, field, (uint64_t)v);
}

void pbuf_bytes(struct pbuf *b, unsigned field, const void *data, size_t len)
{
	key(b, field, 2);
	pbuf_varint(b, len);
	put(b, data, len);
}

void pbuf_msg(struct pbuf *b, unsigned field, const struct pbuf *sub)
{
	pbuf_bytes(b, field, sub->data, sub->len);
}

void pbuf_packed(struct pbuf *b, unsigned field, const uint64_t *v, size_t n)
{
	struct pbuf tmp;

	if (!n)
		return;
	pbuf_init(&tmp);
	for (size_t i = 0; i < n; i++)
		pbuf_varint(&tmp, v[i]);
	pbuf_msg(b, field, &tmp);
	pbuf_release(&tmp);
}
