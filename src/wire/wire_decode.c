/*
 * wire_decode — the bounded decoder of the agent protocol; see wire.h.
 *
 * Reads frames with util/mpread (msgpack-c's unpacker allocates whatever a
 * header claims), driven by the per-type field tables (wire_internal.h), and
 * NUL-terminates strings in place: a string's bytes are moved back over its
 * own header. perftop decodes the agent's stream with it; the agent decodes
 * the control frames perftop sends back.
 */
#include "wire/wire.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mpread.h"
#include "wire/wire_internal.h"

/* Fields a flat message must carry: those it had in 1.0. Fields a later
 * minor appended may be missing (an older sender); they decode as 0. */
static uint32_t min_fields(const struct wire__msgdef *def)
{
	switch (def->id) {
	case WIRE_STATS:
		return WIRE_STATS_NFIELDS_1_1;
	case WIRE_NAME:
		return WIRE_NAME_NFIELDS_1_2;
	case WIRE_HELLO:
		return WIRE_HELLO_NFIELDS_1_3;
	default:
		return def->nhead;
	}
}

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
static int read_fields(struct frame_ctx *fc, const struct wire__field *list, uint32_t max)
{
	struct mpread *r = &fc->r;

	for (const struct wire__field *f = list; f->name && max > 0; f++, max--) {
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

static int decode_items(struct frame_ctx *fc, const struct wire__msgdef *def)
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
	const struct wire__msgdef *def;
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
	def = wire__def_of((uint32_t)type);
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
