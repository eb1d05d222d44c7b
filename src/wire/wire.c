/*
 * wire — encoder and bounded decoder of the agent protocol; see wire.h.
 *
 * Both are driven by one table per message type, generated from the field
 * X-macros of wire.h: the kind and struct offset of each field in wire order.
 * The encoder packs with msgpack-c's packer through a write callback into the
 * caller's fixed buffer. The decoder reads with util/mpread (msgpack-c's
 * unpacker allocates whatever a header claims) and NUL-terminates strings in
 * place: a string's bytes are moved back over its own header.
 */
#include "wire/wire.h"

#include <errno.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mpread.h"

/* ---- tables ------------------------------------------------------------- */

struct field {
	const char *name; /* NULL ends a list */
	uint8_t kind;     /* enum wire_kind */
	uint16_t off;     /* offset in struct wire_<type> */
};

struct msgdef {
	uint32_t id;
	const char *name;
	const struct field *head, *item;
	uint8_t nhead, nitem;
};

#define FIELD_ROW(S, member, kind, doc)   {#member, WIRE_K_##kind, offsetof(struct wire_##S, member)},
#define FIELD_COUNT(S, member, kind, doc) +1
#define TABLES(NAME, name, id, head, item)                                                         \
	static const struct field name##_head[] = {head(FIELD_ROW, name){NULL, 0, 0}};             \
	static const struct field name##_item[] = {item(FIELD_ROW, name){NULL, 0, 0}};
WIRE_MESSAGES(TABLES)
#undef TABLES

enum def_index {
#define DEF_INDEX(NAME, name, id, head, item) DEF_##NAME,
	WIRE_MESSAGES(DEF_INDEX)
#undef DEF_INDEX
};

static const struct msgdef defs[] = {
#define DEF_ROW(NAME, name, id, head, item)                                                        \
	{id, #name, name##_head, name##_item, 0 head(FIELD_COUNT, name), 0 item(FIELD_COUNT, name)},
    WIRE_MESSAGES(DEF_ROW)
#undef DEF_ROW
};

/* Fields a flat message must carry: those it had in 1.0. Fields a later
 * minor appended may be missing (an older sender); they decode as 0. */
static uint32_t min_fields(const struct msgdef *def)
{
	switch (def->id) {
	case WIRE_STATS:
		return WIRE_STATS_NFIELDS_1_1;
	case WIRE_NAME:
		return WIRE_NAME_NFIELDS_1_2;
	default:
		return def->nhead;
	}
}

static const struct msgdef *def_of(uint32_t id)
{
	switch (id) {
#define DEF_CASE(NAME, name, id, head, item)                                                       \
	case id:                                                                                   \
		return &defs[DEF_##NAME];
		WIRE_MESSAGES(DEF_CASE)
#undef DEF_CASE
	default:
		return NULL;
	}
}

const char *wire_type_name(uint32_t type)
{
	const struct msgdef *def = def_of(type);

	return def ? def->name : NULL;
}

int wire_type_is_batch(uint32_t type)
{
	const struct msgdef *def = def_of(type);

	return def && def->nitem > 0;
}

/* ---- description -------------------------------------------------------- */

struct out {
	char *buf;
	size_t size, len; /* len counts what would have been written */
};

__attribute__((format(printf, 2, 3))) static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void out_quoted(struct out *o, const char *s, uint32_t len)
{
	out_printf(o, "'");
	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
			out_printf(o, "%c", c);
		else
			out_printf(o, "\\x%02x", c);
	}
	out_printf(o, "'");
}

static void out_fields(struct out *o, const struct field *list, const void *base)
{
	for (const struct field *f = list; f->name; f++) {
		const void *p = (const char *)base + f->off;
		out_printf(o, " %s=", f->name);
		switch ((enum wire_kind)f->kind) {
		case WIRE_K_U32:
			out_printf(o, "%u", *(const uint32_t *)p);
			break;
		case WIRE_K_U64:
		case WIRE_K_BASE:
		case WIRE_K_DT:
			out_printf(o, "%llu", (unsigned long long)*(const uint64_t *)p);
			break;
		case WIRE_K_I64:
			out_printf(o, "%lld", (long long)*(const int64_t *)p);
			break;
		case WIRE_K_F64:
			out_printf(o, "%g", *(const double *)p);
			break;
		case WIRE_K_NUM: {
			const struct wire_num *num = p;
			if (num->is_float)
				out_printf(o, "%gf", num->f);
			else
				out_printf(o, "%lld", (long long)num->i);
			break;
		}
		case WIRE_K_STR: {
			const struct wire_str *str = p;
			out_quoted(o, str->s, str->s ? str->len : 0);
			break;
		}
		case WIRE_K_BIN: {
			const struct wire_str *bin = p;
			for (uint32_t i = 0; bin->s && i < bin->len; i++)
				out_printf(o, "%02x", (unsigned char)bin->s[i]);
			break;
		}
		case WIRE_K_STRS: {
			const struct wire_strs *v = p;
			out_printf(o, "[");
			for (uint32_t i = 0; v->v && i < v->n; i++) {
				if (i)
					out_printf(o, ",");
				out_quoted(o, v->v[i].s, v->v[i].len);
			}
			out_printf(o, "]");
			break;
		}
		case WIRE_K_STACK: {
			const struct wire_stack *st = p;
			out_printf(o, "[");
			for (uint32_t i = 0; st->frames && i < st->depth; i++) {
				const struct wire_frame *fr = &st->frames[i];
				if (i)
					out_printf(o, ",");
				if (fr->name)
					out_printf(o, "n%u:%u:%u", fr->name, fr->file, fr->line);
				else
					out_printf(o, "%llx", (unsigned long long)fr->pc);
			}
			out_printf(o, "]");
			break;
		}
		}
	}
}

int wire_msg_format(const struct wire_msg *msg, char *buf, size_t size)
{
	const struct msgdef *def = def_of(msg->type);
	struct out o = {buf, size, 0};

	if (size)
		buf[0] = '\0';
	if (!def) {
		out_printf(&o, "type %u", (unsigned)msg->type);
		return (int)o.len;
	}
	out_printf(&o, "%s", def->name);
	if (def->nitem)
		out_printf(&o, " %u/%u", msg->index, msg->count);
	out_fields(&o, def->head, &msg->u);
	if (def->nitem && msg->count)
		out_fields(&o, def->item, &msg->u);
	return (int)o.len;
}

/* ---- encoder ------------------------------------------------------------ */

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
static void pack_fields(msgpack_packer *pk, const struct field *list, const void *base,
                        uint64_t *ts)
{
	for (const struct field *f = list; f->name; f++) {
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
static void open_frame(struct wire_buf *b, msgpack_packer *pk, const struct msgdef *def)
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
	const struct msgdef *def = def_of(type);
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
	const struct msgdef *def = def_of(w->type);
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
	const struct msgdef *def = def_of(type);
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

/* ---- decoder ------------------------------------------------------------ */

#define INITIAL_CAP 512

void wire_decoder_init(struct wire_decoder *d, size_t max_frame, unsigned flags, wire_msg_fn fn,
                       void *ctx)
{
	memset(d, 0, offsetof(struct wire_decoder, argv));
	d->fn = fn;
	d->ctx = ctx;
	if (max_frame == 0 || max_frame > WIRE_MAX_FRAME_BYTES)
		max_frame = WIRE_MAX_FRAME_BYTES;
	d->max_frame = max_frame;
	d->need_hello = (flags & WIRE_DECODER_NEED_HELLO) != 0;
}

void wire_decoder_release(struct wire_decoder *d)
{
	free(d->buf);
	d->buf = NULL;
	d->cap = d->have = d->body_len = 0;
}

const char *wire_decoder_error(const struct wire_decoder *d)
{
	return d->error;
}

size_t wire_decoder_pending(const struct wire_decoder *d)
{
	return d->have;
}

__attribute__((format(printf, 4, 5))) static int fail(struct wire_decoder *d, int rc, uint64_t off,
                                                      const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(d->error, sizeof(d->error), "offset %llu: ", (unsigned long long)off);
	if (n < 0 || (size_t)n >= sizeof(d->error))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(d->error + n, sizeof(d->error) - (size_t)n, fmt, ap);
	va_end(ap);
	d->failed = rc;
	return rc;
}

/* The state of decoding one frame. */
struct frame_ctx {
	struct wire_decoder *d;
	struct mpread r;
	uint8_t *body;     /* writable copy of the bytes r reads */
	uint64_t body_off; /* stream offset of body[0] */
	uint64_t ts;       /* DT base */
	struct wire_msg msg;
};

/* Turns a reader error into the decoder's. */
static int read_failed(struct frame_ctx *fc)
{
	return fail(fc->d, -EPROTO, fc->body_off + fc->r.err_off, "%s", fc->r.err);
}

static int read_str(struct frame_ctx *fc, struct wire_str *out)
{
	size_t hdr = mpread_offset(&fc->r);
	const uint8_t *s;
	uint32_t len;

	if (mpread_str(&fc->r, &s, &len, WIRE_MAX_STRING) < 0)
		return -1;
	/* Move the bytes back over the header (at least one byte) to make room
	 * for the NUL; nothing reads this part of the frame again. */
	memmove(fc->body + hdr, s, len);
	fc->body[hdr + len] = '\0';
	out->s = (const char *)fc->body + hdr;
	out->len = len;
	return 0;
}

static int read_stack(struct frame_ctx *fc, struct wire_stack *out)
{
	struct mpread *r = &fc->r;
	struct wire_frame *frames = fc->d->stack;
	uint32_t depth;

	if (mpread_array(r, &depth, WIRE_MAX_STACK_DEPTH) < 0)
		return -1;
	for (uint32_t i = 0; i < depth; i++) {
		struct wire_frame *f = &frames[i];
		uint64_t v[3] = {0, 0, 0};
		uint32_t n;

		if (mpread_peek(r) != MPREAD_ARRAY) {
			if (mpread_uint(r, &f->pc, UINT64_MAX) < 0)
				return -1;
			f->name = f->file = f->line = 0;
			continue;
		}
		if (mpread_array(r, &n, WIRE_MAX_FIELDS) < 0)
			return -1;
		if (n == 0)
			return mpread_fail(r, "empty named frame");
		for (uint32_t k = 0; k < n; k++) {
			if (k < 3) {
				if (mpread_uint(r, &v[k], UINT32_MAX) < 0)
					return -1;
			} else if (mpread_skip(r) < 0) {
				return -1;
			}
		}
		if (v[0] == 0)
			return mpread_fail(r, "named frame with name id 0");
		f->pc = 0;
		f->name = (uint32_t)v[0];
		f->file = (uint32_t)v[1];
		f->line = (uint32_t)v[2];
	}
	out->frames = frames;
	out->depth = depth;
	return 0;
}

/* Reads the first max fields of list into the message struct. */
static int read_fields(struct frame_ctx *fc, const struct field *list, uint32_t max)
{
	struct mpread *r = &fc->r;

	for (const struct field *f = list; f->name && max > 0; f++, max--) {
		void *p = (char *)&fc->msg.u + f->off;
		uint64_t u;
		int64_t i;
		int rc = 0;

		switch ((enum wire_kind)f->kind) {
		case WIRE_K_U32:
			if ((rc = mpread_uint(r, &u, UINT32_MAX)) == 0)
				*(uint32_t *)p = (uint32_t)u;
			break;
		case WIRE_K_U64:
			rc = mpread_uint(r, p, UINT64_MAX);
			break;
		case WIRE_K_BASE:
			if ((rc = mpread_uint(r, &u, UINT64_MAX)) == 0)
				*(uint64_t *)p = fc->ts = u;
			break;
		case WIRE_K_I64:
			rc = mpread_int(r, p);
			break;
		case WIRE_K_F64:
			rc = mpread_float(r, p);
			break;
		case WIRE_K_NUM: {
			struct wire_num *num = p;
			num->is_float = mpread_peek(r) == MPREAD_FLOAT;
			num->i = 0;
			num->f = 0;
			rc = num->is_float ? mpread_float(r, &num->f) : mpread_int(r, &num->i);
			break;
		}
		case WIRE_K_STR:
			rc = read_str(fc, p);
			break;
		case WIRE_K_BIN: {
			struct wire_str *bin = p;
			const uint8_t *s;
			if ((rc = mpread_bin(r, &s, &bin->len, WIRE_MAX_BIN)) == 0)
				bin->s = (const char *)s;
			break;
		}
		case WIRE_K_STRS: {
			struct wire_strs *v = p;
			uint32_t n;
			if ((rc = mpread_array(r, &n, WIRE_MAX_ARGV)) < 0)
				break;
			for (uint32_t k = 0; k < n && rc == 0; k++)
				rc = read_str(fc, &fc->d->argv[k]);
			v->v = fc->d->argv;
			v->n = n;
			break;
		}
		case WIRE_K_DT:
			if ((rc = mpread_int(r, &i)) == 0) {
				fc->ts += (uint64_t)i;
				*(uint64_t *)p = fc->ts;
			}
			break;
		case WIRE_K_STACK:
			rc = read_stack(fc, p);
			break;
		}
		if (rc < 0)
			return read_failed(fc);
	}
	return 0;
}

/* Skips n trailing values a newer minor version appended. */
static int skip_values(struct frame_ctx *fc, uint32_t n)
{
	while (n-- > 0)
		if (mpread_skip(&fc->r) < 0)
			return read_failed(fc);
	return 0;
}

static int deliver(struct frame_ctx *fc)
{
	int rc = fc->d->fn ? fc->d->fn(fc->d->ctx, &fc->msg) : 0;

	if (rc < 0)
		return fail(fc->d, rc, fc->msg.offset, "message handler failed: %s", strerror(-rc));
	return 0;
}

static int check_message(struct frame_ctx *fc)
{
	const struct wire_msg *m = &fc->msg;

	if (m->type == WIRE_NAME && m->u.name.id == 0)
		return fail(fc->d, -EPROTO, fc->body_off, "name with id 0");
	return 0;
}

static int decode_items(struct frame_ctx *fc, const struct msgdef *def)
{
	struct mpread *r = &fc->r;
	uint32_t count;
	int rc;

	if (mpread_array(r, &count, WIRE_MAX_ARRAY) < 0)
		return read_failed(fc);
	fc->msg.count = count;
	if (count == 0)
		return deliver(fc);
	for (uint32_t i = 0; i < count; i++) {
		uint64_t at = fc->body_off + mpread_offset(r);
		uint32_t n;

		if (mpread_array(r, &n, WIRE_MAX_FIELDS) < 0)
			return read_failed(fc);
		if (n < def->nitem)
			return fail(fc->d, -EPROTO, at, "%s item has %u fields, needs %u",
			            def->name, n, def->nitem);
		if ((rc = read_fields(fc, def->item, def->nitem)) < 0 ||
		    (rc = skip_values(fc, n - def->nitem)) < 0)
			return rc;
		fc->msg.index = i;
		if ((rc = deliver(fc)) < 0)
			return rc;
	}
	return 0;
}

/* Reads HELLO's major and minor ahead (they keep their place in every
 * version) and refuses another major before anything else is checked. */
static int check_version(struct frame_ctx *fc)
{
	struct mpread peek = fc->r;
	uint64_t major, minor;

	if (mpread_uint(&peek, &major, UINT32_MAX) < 0 ||
	    mpread_uint(&peek, &minor, UINT32_MAX) < 0) {
		fc->r = peek;
		return read_failed(fc);
	}
	if (major != WIRE_PROTO_MAJOR)
		return fail(fc->d, -EPROTONOSUPPORT, fc->body_off,
		            "protocol %llu.%llu not supported (perftop speaks %d.x)",
		            (unsigned long long)major, (unsigned long long)minor, WIRE_PROTO_MAJOR);
	return 0;
}

/* Decodes the body of the frame held in d->buf. */
static int decode_frame(struct wire_decoder *d)
{
	struct frame_ctx fc;
	const struct msgdef *def;
	uint32_t n, want;
	uint64_t type;
	int rc;

	fc.d = d;
	fc.body = d->buf + WIRE_FRAME_HEADER_BYTES;
	fc.body_off = d->offset + WIRE_FRAME_HEADER_BYTES;
	fc.ts = 0;
	mpread_init(&fc.r, fc.body, d->body_len);
	memset(&fc.msg, 0, sizeof(fc.msg));
	fc.msg.offset = d->offset;

	if (mpread_peek(&fc.r) != MPREAD_ARRAY)
		return fail(d, -EPROTO, fc.body_off, "frame is not an array (0x%02x)", fc.body[0]);
	if (mpread_array(&fc.r, &n, UINT32_MAX) < 0 ||
	    (n > 0 && mpread_uint(&fc.r, &type, UINT32_MAX) < 0))
		return read_failed(&fc);
	if (n == 0)
		return fail(d, -EPROTO, fc.body_off, "empty message array");
	if (d->need_hello && d->peer_major == 0 && type != WIRE_HELLO)
		return fail(d, -EPROTO, fc.body_off, "expected hello first, got message type %llu",
		            (unsigned long long)type);
	d->frames++;
	def = def_of((uint32_t)type);
	if (!def) {
		d->skipped++; /* a newer minor's message: skipped by length */
		return 0;
	}
	if (def->id == WIRE_HELLO && (rc = check_version(&fc)) < 0)
		return rc;
	want = def->nhead + (def->nitem ? 1u : 0u);
	if (!def->nitem && n - 1 < want && n - 1 >= min_fields(def))
		want = n - 1; /* an older minor's message, without the fields appended since */
	if (n - 1 < want)
		return fail(d, -EPROTO, fc.body_off, "%s has %u fields, needs %u", def->name, n - 1,
		            def->nitem ? want : min_fields(def));
	fc.msg.type = (enum wire_type)type;
	fc.msg.count = 1;
	fc.msg.nfields = def->nitem ? def->nhead : want;
	if ((rc = read_fields(&fc, def->head, def->nitem ? def->nhead : want)) < 0)
		return rc;
	if (fc.msg.type == WIRE_HELLO) {
		d->peer_major = fc.msg.u.hello.major;
		d->peer_minor = fc.msg.u.hello.minor;
	}
	if (def->nitem)
		rc = decode_items(&fc, def);
	else if ((rc = check_message(&fc)) == 0)
		rc = deliver(&fc);
	if (rc < 0)
		return rc;
	if ((rc = skip_values(&fc, n - 1 - want)) < 0)
		return rc;
	if (mpread_left(&fc.r) > 0)
		return fail(d, -EPROTO, fc.body_off + mpread_offset(&fc.r),
		            "%zu bytes after the message", mpread_left(&fc.r));
	return 0;
}

/* Makes room for size bytes in the frame buffer. */
static int reserve(struct wire_decoder *d, size_t size)
{
	size_t cap = d->cap ? d->cap : INITIAL_CAP;
	uint8_t *p;

	if (size <= d->cap)
		return 0;
	while (cap < size)
		cap *= 2;
	if (cap > d->max_frame + WIRE_FRAME_HEADER_BYTES)
		cap = d->max_frame + WIRE_FRAME_HEADER_BYTES;
	if (cap < size)
		cap = size;
	p = realloc(d->buf, cap);
	if (!p)
		return fail(d, -ENOMEM, d->offset, "out of memory for a frame of %zu bytes", size);
	d->buf = p;
	d->cap = cap;
	return 0;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int wire_decoder_feed(struct wire_decoder *d, const void *data, size_t n)
{
	const uint8_t *in = data;
	int rc;

	if (d->failed)
		return d->failed;
	while (n > 0) {
		size_t want, take;

		if (d->body_len == 0) {
			/* The length prefix: checked byte by byte so garbage
			 * fails at once rather than after 5 bytes. */
			if (d->have == 0 && in[0] != 0xce)
				return fail(d, -EPROTO, d->offset,
				            "expected a frame length (0xce), got 0x%02x", in[0]);
			if ((rc = reserve(d, INITIAL_CAP)) < 0)
				return rc;
			take = WIRE_FRAME_HEADER_BYTES - d->have;
			if (take > n)
				take = n;
			memcpy(d->buf + d->have, in, take);
			d->have += take;
			in += take;
			n -= take;
			if (d->have < WIRE_FRAME_HEADER_BYTES)
				break;
			d->body_len = get_be32(d->buf + 1);
			if (d->body_len == 0)
				return fail(d, -EPROTO, d->offset, "empty frame");
			if (d->body_len > d->max_frame)
				return fail(d, -EPROTO, d->offset,
				            "frame of %zu bytes exceeds the limit of %zu",
				            d->body_len, d->max_frame);
			if ((rc = reserve(d, WIRE_FRAME_HEADER_BYTES + d->body_len)) < 0)
				return rc;
			continue;
		}
		want = WIRE_FRAME_HEADER_BYTES + d->body_len - d->have;
		take = want < n ? want : n;
		memcpy(d->buf + d->have, in, take);
		d->have += take;
		in += take;
		n -= take;
		if (take < want)
			break;
		if ((rc = decode_frame(d)) < 0)
			return rc;
		d->offset += d->have;
		d->have = 0;
		d->body_len = 0;
	}
	return 0;
}

_Static_assert(WIRE_STATS_NFIELDS_1_2 == 0 WIRE_STATS_FIELDS(FIELD_COUNT, stats),
               "WIRE_STATS_NFIELDS_1_2 counts every STATS field");
_Static_assert(WIRE_STATS_NFIELDS_1_1 ==
                   WIRE_STATS_NFIELDS_1_2 - (0 WIRE_STATS_FIELDS_1_2(FIELD_COUNT, stats)),
               "WIRE_STATS_NFIELDS_1_1 counts the fields before 1.2");
