/* pbuf — a small protocol buffers writer; see pbuf.h. */
#include "report/pbuf.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static void key(struct bytebuf *b, unsigned field, unsigned wire)
{
	bytebuf_varint(b, (uint64_t)field << 3 | wire);
}

void pbuf_uint(struct bytebuf *b, unsigned field, uint64_t v)
{
	key(b, field, 0);
	bytebuf_varint(b, v);
}

void pbuf_int(struct bytebuf *b, unsigned field, int64_t v)
{
	pbuf_uint(b, field, (uint64_t)v);
}

void pbuf_bytes(struct bytebuf *b, unsigned field, const void *data, size_t len)
{
	key(b, field, 2);
	bytebuf_varint(b, len);
	bytebuf_put(b, data, len);
}

void pbuf_msg(struct bytebuf *b, unsigned field, const struct bytebuf *sub)
{
	pbuf_bytes(b, field, sub->data, sub->len);
}

void pbuf_packed(struct bytebuf *b, unsigned field, const uint64_t *v, size_t n)
{
	struct bytebuf tmp;

	if (!n)
		return;
	bytebuf_init(&tmp);
	for (size_t i = 0; i < n; i++)
		bytebuf_varint(&tmp, v[i]);
	pbuf_msg(b, field, &tmp);
	bytebuf_release(&tmp);
}
