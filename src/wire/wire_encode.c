/*
 * wire_encode — the encoder of the agent protocol; see wire.h.
 *
 * Packs with msgpack-c's packer through a write callback into the caller's
 * fixed buffer, driven by the per-type field tables (wire_internal.h). The
 * agent encodes from its writer thread; nothing here allocates.
 */
#include "wire/wire.h"

#include <errno.h>
#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/wire_internal.h"

void wire_buf_init(struct wire_buf *b, void *mem, size_t cap)
{
	b->data = mem;
	b->cap = cap;
	b->len = 0;
	b->full = 0;
}

void wire_buf_consume(struct wire_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

/* msgpack-c write callback: appends or marks the buffer full (sticky until
 * the caller rolls back). */
static int buf_write(void *data, const char *p, size_t n)
{
	struct wire_buf *b = data;

	if (b->full || n > b->cap - b->len) {
		b->full = 1;
		return -1;
	}
	if (n) /* an empty string or bin may come with no pointer */
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A 5-byte uint32 or array32 header whose value is filled in later. */
static void put_placeholder(struct wire_buf *b, uint8_t tag)
{
	const char hdr[5] = {(char)tag, 0, 0, 0, 0};

	buf_write(b, hdr, sizeof(hdr));
}

/* Shortens a string to at most max bytes without splitting a UTF-8 sequence. */
static uint32_t clip_len(const char *s, uint32_t len, uint32_t max)
{
	if (len <= max)
		return len;
	len = max;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

static void pack_str(msgpack_packer *pk, struct wire_str str)
{
	uint32_t len = str.s ? clip_len(str.s, str.len, WIRE_MAX_STRING) : 0;

	msgpack_pack_str(pk, len);
	msgpack_pack_str_body(pk, str.s, len);
}

static void pack_stack(msgpack_packer *pk, const struct wire_stack *st)
{
	uint32_t depth = st->depth < WIRE_MAX_STACK_DEPTH ? st->depth : WIRE_MAX_STACK_DEPTH;

	msgpack_pack_array(pk, depth);
	for (uint32_t i = 0; i < depth; i++) {
		const struct wire_frame *f = &st->frames[i];
		if (f->name == 0) {
			msgpack_pack_uint64(pk, f->pc);
			continue;
		}
		msgpack_pack_array(pk, f->line ? 3 : f->file ? 2 : 1);
		msgpack_pack_uint32(pk, f->name);
		if (f->file || f->line)
			msgpack_pack_uint32(pk, f->file);
		if (f->line)
			msgpack_pack_uint32(pk, f->line);
	}
}

/* Packs the fields of list from the struct at base. *ts is the timestamp
 * DT fields are relative to; BASE sets it, DT advances it. */
static void pack_fields(msgpack_packer *pk, const struct wire__field *list, const void *base,
                        uint64_t *ts)
{
	for (const struct wire__field *f = list; f->name; f++) {
		const void *p = (const char *)base + f->off;
		switch ((enum wire_kind)f->kind) {
		case WIRE_K_U32:
			msgpack_pack_uint32(pk, *(const uint32_t *)p);
			break;
		case WIRE_K_U64:
			msgpack_pack_uint64(pk, *(const uint64_t *)p);
			break;
		case WIRE_K_BASE:
			*ts = *(const uint64_t *)p;
			msgpack_pack_uint64(pk, *ts);
			break;
		case WIRE_K_I64:
			msgpack_pack_int64(pk, *(const int64_t *)p);
			break;
		case WIRE_K_F64:
			msgpack_pack_double(pk, *(const double *)p);
			break;
		case WIRE_K_NUM: {
			const struct wire_num *num = p;
			if (num->is_float)
				msgpack_pack_double(pk, num->f);
			else
				msgpack_pack_int64(pk, num->i);
			break;
		}
		case WIRE_K_STR:
			pack_str(pk, *(const struct wire_str *)p);
			break;
		case WIRE_K_BIN: {
			const struct wire_str *bin = p;
			uint32_t len = bin->s ? bin->len : 0;
			if (len > WIRE_MAX_BIN)
				len = WIRE_MAX_BIN;
			msgpack_pack_bin(pk, len);
			msgpack_pack_bin_body(pk, bin->s, len);
			break;
		}
		case WIRE_K_STRS: {
			const struct wire_strs *v = p;
			uint32_t n = v->v ? v->n : 0;
			if (n > WIRE_MAX_ARGV)
				n = WIRE_MAX_ARGV;
			msgpack_pack_array(pk, n);
			for (uint32_t i = 0; i < n; i++)
				pack_str(pk, v->v[i]);
			break;
		}
		case WIRE_K_DT: {
			uint64_t now = *(const uint64_t *)p;
			msgpack_pack_int64(pk, (int64_t)(now - *ts));
			*ts = now;
			break;
		}
		case WIRE_K_STACK:
			pack_stack(pk, p);
			break;
		}
	}
}

/* Starts a frame: length placeholder, message array header, type id. */
static void open_frame(struct wire_buf *b, msgpack_packer *pk, const struct wire__msgdef *def)
{
	put_placeholder(b, 0xce);
	msgpack_pack_array(pk, 1u + def->nhead + (def->nitem ? 1u : 0u));
	msgpack_pack_uint32(pk, def->id);
}

/* Fills in the frame length; fails when the body is over the limit. */
static int close_frame(struct wire_buf *b, size_t start)
{
	size_t body = b->len - start - WIRE_FRAME_HEADER_BYTES;

	if (body > WIRE_MAX_FRAME_BYTES)
		return -1;
	put_be32(b->data + start + 1, (uint32_t)body);
	return 0;
}

int wire_batch_begin(struct wire_buf *b, struct wire_batch *w, enum wire_type type,
                     const void *head)
{
	const struct wire__msgdef *def = wire__def_of(type);
	msgpack_packer pk;

	if (!def || def->nitem == 0)
		return -EINVAL;
	msgpack_packer_init(&pk, b, buf_write);
	w->type = type;
	w->start = b->len;
	w->count = 0;
	w->last_ts = 0;
	b->full = 0;
	open_frame(b, &pk, def);
	pack_fields(&pk, def->head, head, &w->last_ts);
	w->count_pos = b->len;
	put_placeholder(b, 0xdd);
	if (b->full) {
		b->len = w->start;
		b->full = 0;
		return -ENOBUFS;
	}
	return 0;
}

/* Keeps what was written since mark when it fits in the buffer and in one
 * frame; otherwise rolls back and returns -ENOBUFS. */
static int keep_item(struct wire_buf *b, struct wire_batch *w, size_t mark)
{
	if (b->full || b->len - w->start - WIRE_FRAME_HEADER_BYTES > WIRE_MAX_FRAME_BYTES) {
		b->len = mark;
		b->full = 0;
		return -ENOBUFS;
	}
	w->count++;
	return 0;
}

int wire_batch_add(struct wire_buf *b, struct wire_batch *w, const void *item)
{
	const struct wire__msgdef *def = wire__def_of(w->type);
	size_t mark = b->len;
	uint64_t ts = w->last_ts;
	msgpack_packer pk;
	int rc;

	if (!def || def->nitem == 0)
		return -EINVAL;
	if (w->count >= WIRE_MAX_ARRAY)
		return -E2BIG;
	msgpack_packer_init(&pk, b, buf_write);
	b->full = 0;
	msgpack_pack_array(&pk, def->nitem);
	pack_fields(&pk, def->item, item, &ts);
	rc = keep_item(b, w, mark);
	if (rc == 0)
		w->last_ts = ts;
	return rc;
}

void wire_batch_end(struct wire_buf *b, struct wire_batch *w)
{
	if (w->count == 0) {
		wire_batch_cancel(b, w);
		return;
	}
	put_be32(b->data + w->count_pos + 1, w->count);
	put_be32(b->data + w->start + 1, (uint32_t)(b->len - w->start - WIRE_FRAME_HEADER_BYTES));
}

void wire_batch_cancel(struct wire_buf *b, struct wire_batch *w)
{
	b->len = w->start;
	b->full = 0;
	w->count = 0;
}

int wire_samples_begin(struct wire_buf *b, struct wire_batch *w, uint32_t tid, uint64_t base_ts)
{
	struct wire_samples head = {.tid = tid, .base_ts = base_ts};

	return wire_batch_begin(b, w, WIRE_SAMPLES, &head);
}

int wire_samples_add_pcs(struct wire_buf *b, struct wire_batch *w, uint64_t ts, const uint64_t *pcs,
                         uint32_t depth)
{
	size_t mark = b->len;
	msgpack_packer pk;
	int rc;

	if (w->type != WIRE_SAMPLES)
		return -EINVAL;
	if (w->count >= WIRE_MAX_ARRAY)
		return -E2BIG;
	if (depth > WIRE_MAX_STACK_DEPTH)
		depth = WIRE_MAX_STACK_DEPTH;
	msgpack_packer_init(&pk, b, buf_write);
	b->full = 0;
	msgpack_pack_array(&pk, 2);
	msgpack_pack_int64(&pk, (int64_t)(ts - w->last_ts));
	msgpack_pack_array(&pk, depth);
	for (uint32_t i = 0; i < depth && !b->full; i++)
		msgpack_pack_uint64(&pk, pcs[i]);
	rc = keep_item(b, w, mark);
	if (rc == 0)
		w->last_ts = ts;
	return rc;
}

int wire_put(struct wire_buf *b, enum wire_type type, const void *m)
{
	const struct wire__msgdef *def = wire__def_of(type);
	struct wire_batch w;
	size_t start = b->len;
	uint64_t ts = 0;
	msgpack_packer pk;
	int rc;

	if (!def)
		return -EINVAL;
	if (def->nitem) {
		if ((rc = wire_batch_begin(b, &w, type, m)) < 0)
			return rc;
		if ((rc = wire_batch_add(b, &w, m)) < 0) {
			wire_batch_cancel(b, &w);
			return rc;
		}
		wire_batch_end(b, &w);
		return 0;
	}
	msgpack_packer_init(&pk, b, buf_write);
	b->full = 0;
	open_frame(b, &pk, def);
	pack_fields(&pk, def->head, m, &ts);
	if (b->full || close_frame(b, start) < 0) {
		b->len = start;
		b->full = 0;
		return -ENOBUFS;
	}
	return 0;
}

#define PUT_FN(NAME, name, id, head, item)                                                         \
	int wire_put_##name(struct wire_buf *b, const struct wire_##name *m)                       \
	{                                                                                          \
		return wire_put(b, WIRE_##NAME, m);                                                \
	}
WIRE_MESSAGES(PUT_FN)
#undef PUT_FN
