/*
 * test_wire — the protocol: every message round trips through the encoder
 * and the decoder, streams split anywhere decode the same, and hostile input
 * (garbage, truncation, huge counts, long strings, deep stacks, other
 * versions) is refused with "offset N: reason" and without allocating.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

/* ---- a decoded message as text, through the field X-macros -------------- */

struct log {
	char text[1 << 16];
	size_t len;
	int calls;
	int fail_at; /* callback returns -EIO on this call (1-based), 0: never */
};

__attribute__((format(printf, 2, 3))) static void logf_(struct log *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(l->text + l->len, sizeof(l->text) - l->len, fmt, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < sizeof(l->text) - l->len, "log overflow");
	l->len += (size_t)n;
}

static void fmt_U32(struct log *l, const char *name, const uint32_t *v)
{
	logf_(l, " %s=%u", name, *v);
}
static void fmt_U64(struct log *l, const char *name, const uint64_t *v)
{
	logf_(l, " %s=%llu", name, (unsigned long long)*v);
}
#define fmt_BASE fmt_U64
#define fmt_DT   fmt_U64
__attribute__((unused)) static void fmt_I64(struct log *l, const char *name, const int64_t *v)
{
	logf_(l, " %s=%lld", name, (long long)*v);
}
static void fmt_F64(struct log *l, const char *name, const double *v)
{
	logf_(l, " %s=%g", name, *v);
}
static void fmt_NUM(struct log *l, const char *name, const struct wire_num *v)
{
	if (v->is_float)
		logf_(l, " %s=%gf", name, v->f);
	else
		logf_(l, " %s=%lld", name, (long long)v->i);
}
static void fmt_STR(struct log *l, const char *name, const struct wire_str *v)
{
	cr_assert_eq(strlen(v->s), v->len, "string not NUL-terminated at its length");
	logf_(l, " %s='%s'", name, v->s);
}
static void fmt_BIN(struct log *l, const char *name, const struct wire_str *v)
{
	logf_(l, " %s=", name);
	for (uint32_t i = 0; i < v->len; i++)
		logf_(l, "%02x", (unsigned char)v->s[i]);
}
static void fmt_STRS(struct log *l, const char *name, const struct wire_strs *v)
{
	logf_(l, " %s=[", name);
	for (uint32_t i = 0; i < v->n; i++)
		logf_(l, "%s'%s'", i ? "," : "", v->v[i].s);
	logf_(l, "]");
}
static void fmt_STACK(struct log *l, const char *name, const struct wire_stack *v)
{
	logf_(l, " %s=[", name);
	for (uint32_t i = 0; i < v->depth; i++) {
		const struct wire_frame *f = &v->frames[i];
		if (i)
			logf_(l, ",");
		if (f->name)
			logf_(l, "n%u:%u:%u", f->name, f->file, f->line);
		else
			logf_(l, "%llx", (unsigned long long)f->pc);
	}
	logf_(l, "]");
}

#define FMT_FIELD(S, member, kind, doc) fmt_##kind(l, #member, &m->u.S.member);

static int on_msg(void *ctx, const struct wire_msg *m)
{
	struct log *l = ctx;

	l->calls++;
	if (l->fail_at && l->calls == l->fail_at)
		return -EIO;
	logf_(l, "%s", wire_type_name(m->type));
	if (wire_type_is_batch(m->type))
		logf_(l, " %u/%u", m->index, m->count);
	switch (m->type) {
#define FMT_CASE(NAME, name, id, head, item)                                                       \
	case WIRE_##NAME:                                                                          \
		head(FMT_FIELD, name) if (m->count)                                                \
		{                                                                                  \
			item(FMT_FIELD, name)                                                      \
		}                                                                                  \
		break;
		WIRE_MESSAGES(FMT_CASE)
#undef FMT_CASE
	}
	logf_(l, "\n");
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static uint8_t mem[1 << 20];

static struct wire_str S(const char *s) {
	return (struct wire_str){s, (uint32_t)strlen(s)};
}

static const char *argv_strs[] = {"prog", "-x", "input file"};

static struct wire_hello hello(uint32_t major, uint32_t minor)
{
	static struct wire_str argv[3];
	for (int i = 0; i < 3; i++)
		argv[i] = S(argv_strs[i]);
	return (struct wire_hello){
	    .major = major,
	    .minor = minor,
	    .pid = 4242,
	    .exe = S("/usr/bin/prog"),
	    .argv = {argv, 3},
	    .requested_hz = 1000,
	    .achieved_hz = 997.5,
	    .clock_id = 1,
	    .agent_version = S("0.3.0"),
	    .ppid = 4240,
	};
}

/* Decodes bytes in one piece; returns the feed result. */
static int decode(const void *data, size_t n, unsigned flags, struct log *l, struct wire_decoder *d)
{
	wire_decoder_init(d, 0, flags, on_msg, l);
	return wire_decoder_feed(d, data, n);
}

/* Wraps a msgpack-c buffer as a frame at out; returns the frame size. */
static size_t frame_of(uint8_t *out, const msgpack_sbuffer *sb)
{
	uint32_t n = (uint32_t)sb->size;

	out[0] = 0xce;
	out[1] = (uint8_t)(n >> 24);
	out[2] = (uint8_t)(n >> 16);
	out[3] = (uint8_t)(n >> 8);
	out[4] = (uint8_t)n;
	memcpy(out + 5, sb->data, sb->size);
	return 5 + sb->size;
}

static void put_ok(struct wire_buf *b, enum wire_type type, const void *m)
{
	int rc = wire_put(b, type, m);
	cr_assert_eq(rc, 0, "wire_put(%s) = %d", wire_type_name(type), rc);
}

/* A stream holding every message type once (batches with items). */
static size_t every_message(struct wire_buf *b)
{
	struct wire_hello h = hello(WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	struct wire_batch w;
	wire_buf_init(b, mem, sizeof(mem));

	put_ok(b, WIRE_HELLO, &h);
	put_ok(b, WIRE_THREAD, &(struct wire_thread){.tid = 7, .name = S("worker-1")});
	put_ok(b, WIRE_NAME,
	       &(struct wire_name){.id = 1, .kind = WIRE_NAME_ZONE, .text = S("parse")});
	put_ok(b, WIRE_NAME,
	       &(struct wire_name){.id = 2, .kind = WIRE_NAME_FUNCTION, .text = S("py_fn"),
	                             .line = 12});
	put_ok(b, WIRE_NAME,
	       &(struct wire_name){.id = 3, .kind = WIRE_NAME_FILE, .text = S("a.py")});

	uint64_t pcs[] = {0x401000, 0x7f0000001234, 0x10};
	cr_assert_eq(wire_samples_begin(b, &w, 7, 1000000000ull), 0);
	cr_assert_eq(wire_samples_add_pcs(b, &w, 1000000100ull, pcs, 3), 0);
	cr_assert_eq(wire_samples_add_pcs(b, &w, 1000000050ull, pcs, 1), 0); /* backwards */
	struct wire_frame frames[] = {
	    {.name = 2, .file = 3, .line = 14}, {.name = 2}, {.name = 2, .file = 3}, {.pc = 0x99}};
	struct wire_samples s = {.ts = 1000002000ull, .stack = {frames, 4}};
	cr_assert_eq(wire_batch_add(b, &w, &s), 0);
	wire_batch_end(b, &w);

	cr_assert_eq(
	    wire_batch_begin(b, &w, WIRE_ZONES, &(struct wire_zones){.tid = 7, .base_ts = 500}), 0);
	struct wire_zones z[] = {
	    {.event = WIRE_ZONE_BEGIN, .zone = 1, .ts = 510},
	    {.event = WIRE_ZONE_END, .zone = 1, .ts = 900},
	    {.event = WIRE_ZONE_COMPLETE, .zone = 1, .ts = 1000, .dur = 250},
	};
	for (int i = 0; i < 3; i++)
		cr_assert_eq(wire_batch_add(b, &w, &z[i]), 0);
	wire_batch_end(b, &w);

	cr_assert_eq(wire_batch_begin(b, &w, WIRE_ZONE_STATS,
	                              &(struct wire_zone_stats){.tid = 7, .ts = 2000}),
	             0);
	struct wire_zone_stats zs = {.zone = 1, .count = 2, .sum = 640, .min = 250, .max = 390};
	cr_assert_eq(wire_batch_add(b, &w, &zs), 0);
	wire_batch_end(b, &w);

	cr_assert_eq(
	    wire_batch_begin(b, &w, WIRE_COUNTERS, &(struct wire_counters){.base_ts = 3000}), 0);
	struct wire_counters c[] = {
	    {.counter = 4, .op = WIRE_COUNTER_ADD, .value = {.i = 1}, .ts = 3001},
	    {.counter = 5, .op = WIRE_COUNTER_SET, .value = {.f = 2.5, .is_float = 1}, .ts = 3002},
	    {.counter = 4, .op = WIRE_COUNTER_TOTAL, .value = {.i = -9000000000ll}, .ts = 3002},
	};
	for (int i = 0; i < 3; i++)
		cr_assert_eq(wire_batch_add(b, &w, &c[i]), 0);
	wire_batch_end(b, &w);

	put_ok(b, WIRE_MARK,
	       &(struct wire_mark){.tid = 7, .ts = 4000, .text = S("level 2 loaded")});
	put_ok(b, WIRE_STATS,
	       &(struct wire_stats){.ts = 5000,
	                            .samples = 100,
	                            .samples_dropped = 3,
	                            .events_dropped = 4,
	                            .bytes_sent = 123456,
	                            .achieved_hz = 999.25,
	                            .handler_ns = 7000,
	                            .writer_ns = 8000,
	                            .process_ns = 900000});

	cr_assert_eq(
	    wire_batch_begin(b, &w, WIRE_MAPS, &(struct wire_maps){.flags = WIRE_MAPS_RESET}), 0);
	struct wire_maps mp = {.start = 0x400000,
	                       .end = 0x401000,
	                       .offset = 0x1000,
	                       .path = S("/usr/bin/prog"),
	                       .build_id = {"\x01\xab\xff", 3}};
	cr_assert_eq(wire_batch_add(b, &w, &mp), 0);
	wire_batch_end(b, &w);
	put_ok(b, WIRE_NOTICE,
	       &(struct wire_notice){.ts = 6000,
	                             .tid = 7,
	                             .code = S("blocked"),
	                             .count = 1,
	                             .text = S("not sampled: the thread blocks SIGPROF")});

	put_ok(b, WIRE_PAUSE, &(struct wire_pause){.what = WIRE_PAUSE_SAMPLES});
	put_ok(b, WIRE_RESUME,
	       &(struct wire_resume){.what = WIRE_PAUSE_SAMPLES | WIRE_PAUSE_EVENTS});
	put_ok(b, WIRE_SET_RATE, &(struct wire_set_rate){.hz = 250});
	return b->len;
}

static const char every_expected[] =
    "hello major=1 minor=4 pid=4242 exe='/usr/bin/prog' argv=['prog','-x','input file'] "
    "requested_hz=1000 achieved_hz=997.5 clock_id=1 agent_version='0.3.0' ppid=4240\n"
    "thread tid=7 name='worker-1'\n"
    "name id=1 kind=0 text='parse' line=0\n"
    "name id=2 kind=2 text='py_fn' line=12\n"
    "name id=3 kind=3 text='a.py' line=0\n"
    "samples 0/3 tid=7 base_ts=1000000000 ts=1000000100 stack=[401000,7f0000001234,10]\n"
    "samples 1/3 tid=7 base_ts=1000000000 ts=1000000050 stack=[401000]\n"
    "samples 2/3 tid=7 base_ts=1000000000 ts=1000002000 stack=[n2:3:14,n2:0:0,n2:3:0,99]\n"
    "zones 0/3 tid=7 base_ts=500 event=0 zone=1 ts=510 dur=0\n"
    "zones 1/3 tid=7 base_ts=500 event=1 zone=1 ts=900 dur=0\n"
    "zones 2/3 tid=7 base_ts=500 event=2 zone=1 ts=1000 dur=250\n"
    "zone_stats 0/1 tid=7 ts=2000 zone=1 count=2 sum=640 min=250 max=390\n"
    "counters 0/3 base_ts=3000 counter=4 op=0 value=1 ts=3001\n"
    "counters 1/3 base_ts=3000 counter=5 op=1 value=2.5f ts=3002\n"
    "counters 2/3 base_ts=3000 counter=4 op=2 value=-9000000000 ts=3002\n"
    "mark tid=7 ts=4000 text='level 2 loaded'\n"
    "stats ts=5000 samples=100 samples_dropped=3 events_dropped=4 bytes_sent=123456 "
    "achieved_hz=999.25 handler_ns=7000 writer_ns=8000 process_ns=900000\n"
    "maps 0/1 flags=1 start=4194304 end=4198400 offset=4096 path='/usr/bin/prog' build_id=01abff\n"
    "notice ts=6000 tid=7 code='blocked' count=1 text='not sampled: the thread blocks SIGPROF'\n"
    "pause what=1\n"
    "resume what=3\n"
    "set_rate hz=250\n";

/* ---- round trips -------------------------------------------------------- */

Test(wire, every_message_round_trips)
{
	static struct log l;
	static struct wire_decoder d;
	struct wire_buf b;
	size_t n = every_message(&b);

	cr_assert_eq(decode(mem, n, WIRE_DECODER_NEED_HELLO, &l, &d), 0, "%s",
	             wire_decoder_error(&d));
	cr_assert_str_eq(l.text, every_expected);
	cr_assert_eq(wire_decoder_pending(&d), 0);
	cr_assert_eq(d.peer_major, 1);
	cr_assert_eq(d.frames, 16);
	wire_decoder_release(&d);
}

Test(wire, encoder_output_is_valid_msgpack)
{
	struct wire_buf b;
	size_t n = every_message(&b), off = 0;
	msgpack_unpacked u;
	int objects = 0;

	msgpack_unpacked_init(&u);
	while (off < n) {
		msgpack_unpack_return rc = msgpack_unpack_next(&u, (const char *)mem, n, &off);
		cr_assert_eq(rc, MSGPACK_UNPACK_SUCCESS, "msgpack-c rejects byte %zu", off);
		if (objects % 2 == 0)
			cr_assert_eq(u.data.type, MSGPACK_OBJECT_POSITIVE_INTEGER);
		else
			cr_assert_eq(u.data.type, MSGPACK_OBJECT_ARRAY);
		objects++;
	}
	msgpack_unpacked_destroy(&u);
	cr_assert_eq(objects, 2 * 16);
}

Test(wire, split_at_every_byte_decodes_the_same)
{
	static struct log l;
	static struct wire_decoder d;
	struct wire_buf b;
	size_t n = every_message(&b);

	for (size_t k = 0; k <= n; k++) {
		l.len = 0;
		l.text[0] = '\0';
		wire_decoder_init(&d, 0, WIRE_DECODER_NEED_HELLO, on_msg, &l);
		cr_assert_eq(wire_decoder_feed(&d, mem, k), 0, "split %zu: %s", k,
		             wire_decoder_error(&d));
		cr_assert_eq(wire_decoder_feed(&d, mem + k, n - k), 0, "split %zu: %s", k,
		             wire_decoder_error(&d));
		cr_assert_str_eq(l.text, every_expected, "split at %zu", k);
		wire_decoder_release(&d);
	}
	/* and one byte at a time */
	l.len = 0;
	l.text[0] = '\0';
	wire_decoder_init(&d, 0, WIRE_DECODER_NEED_HELLO, on_msg, &l);
	for (size_t k = 0; k < n; k++)
		cr_assert_eq(wire_decoder_feed(&d, mem + k, 1), 0, "byte %zu: %s", k,
		             wire_decoder_error(&d));
	cr_assert_str_eq(l.text, every_expected);
	wire_decoder_release(&d);
}

Test(wire, empty_batch_is_removed)
{
	struct wire_buf b;
	struct wire_batch w;

	wire_buf_init(&b, mem, sizeof(mem));
	put_ok(&b, WIRE_SET_RATE, &(struct wire_set_rate){.hz = 1});
	size_t before = b.len;
	cr_assert_eq(wire_samples_begin(&b, &w, 1, 0), 0);
	cr_assert_gt(b.len, before);
	wire_batch_end(&b, &w);
	cr_assert_eq(b.len, before);
}

Test(wire, empty_batch_frame_is_delivered_once)
{
	static struct log l;
	static struct wire_decoder d;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	static uint8_t buf[256];

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 3);
	msgpack_pack_uint32(&pk, WIRE_MAPS);
	msgpack_pack_uint32(&pk, WIRE_MAPS_RESET);
	msgpack_pack_array(&pk, 0);
	size_t n = frame_of(buf, &sb);
	msgpack_sbuffer_destroy(&sb);
	cr_assert_eq(decode(buf, n, 0, &l, &d), 0, "%s", wire_decoder_error(&d));
	cr_assert_str_eq(l.text, "maps 0/0 flags=1\n");
	wire_decoder_release(&d);
}

Test(wire, long_fields_are_cut_by_the_encoder)
{
	static struct log l;
	static struct wire_decoder d;
	static char text[WIRE_MAX_STRING + 100];
	static uint64_t pcs[WIRE_MAX_STACK_DEPTH + 10];
	struct wire_buf b;
	struct wire_batch w;

	memset(text, 'a', sizeof(text) - 1);
	/* a two-byte UTF-8 sequence straddling the limit is dropped whole */
	text[WIRE_MAX_STRING - 1] = (char)0xc3;
	text[WIRE_MAX_STRING] = (char)0xa9;
	wire_buf_init(&b, mem, sizeof(mem));
	put_ok(&b, WIRE_MARK, &(struct wire_mark){.tid = 1, .ts = 2, .text = S(text)});
	cr_assert_eq(wire_samples_begin(&b, &w, 1, 0), 0);
	cr_assert_eq(wire_samples_add_pcs(&b, &w, 1, pcs, WIRE_MAX_STACK_DEPTH + 10), 0);
	wire_batch_end(&b, &w);
	cr_assert_eq(decode(mem, b.len, 0, &l, &d), 0, "%s", wire_decoder_error(&d));
	char *mark = strstr(l.text, "text='");
	cr_assert_not_null(mark);
	cr_assert_eq(strchr(mark + 6, '\'') - (mark + 6), WIRE_MAX_STRING - 1);
	cr_assert_eq(l.calls, 2);
	wire_decoder_release(&d);
}

/* ---- the encoder's bounded buffer --------------------------------------- */

Test(wire, encoder_reports_does_not_fit)
{
	uint8_t tiny[24];
	struct wire_buf b;
	struct wire_hello h = hello(1, 0);
	struct wire_batch w;
	uint64_t pcs[4] = {1, 2, 3, 4};

	wire_buf_init(&b, tiny, sizeof(tiny));
	cr_assert_eq(wire_put_hello(&b, &h), -ENOBUFS);
	cr_assert_eq(b.len, 0, "a failed put leaves nothing behind");
	cr_assert_eq(wire_put_set_rate(&b, &(struct wire_set_rate){.hz = 1000}), 0);
	cr_assert_eq(wire_put_set_rate(&b, &(struct wire_set_rate){.hz = 1000}), 0);
	size_t after_rate = b.len;
	cr_assert_eq(wire_put_set_rate(&b, &(struct wire_set_rate){.hz = 1000}), -ENOBUFS);
	cr_assert_eq(b.len, after_rate);

	wire_buf_init(&b, tiny, sizeof(tiny));
	cr_assert_eq(wire_samples_begin(&b, &w, 1, 0), 0);
	cr_assert_eq(wire_samples_add_pcs(&b, &w, 1, pcs, 1), 0);
	size_t one = b.len;
	cr_assert_eq(wire_samples_add_pcs(&b, &w, 2, pcs, 4), -ENOBUFS);
	cr_assert_eq(b.len, one, "the failed item is rolled back");
	wire_batch_end(&b, &w);

	static struct log l;
	static struct wire_decoder d;
	cr_assert_eq(decode(tiny, b.len, 0, &l, &d), 0, "%s", wire_decoder_error(&d));
	cr_assert_str_eq(l.text, "samples 0/1 tid=1 base_ts=0 ts=1 stack=[1]\n");
	wire_decoder_release(&d);
}

Test(wire, flush_and_retry_loses_nothing)
{
	static uint8_t small[200];
	static uint8_t sink[1 << 16];
	static struct log l;
	static struct wire_decoder d;
	size_t sunk = 0;
	struct wire_buf b;
	struct wire_batch w;
	uint64_t pcs[8] = {10, 20, 30, 40, 50, 60, 70, 80};

	wire_buf_init(&b, small, sizeof(small));
	cr_assert_eq(wire_samples_begin(&b, &w, 3, 100), 0);
	for (uint64_t i = 0; i < 500; i++) {
		int rc = wire_samples_add_pcs(&b, &w, 100 + i * 1000, pcs, (uint32_t)(i % 8) + 1);
		if (rc == -ENOBUFS) {
			wire_batch_end(&b, &w);
			memcpy(sink + sunk, b.data, b.len);
			sunk += b.len;
			wire_buf_consume(&b, b.len);
			cr_assert_eq(wire_samples_begin(&b, &w, 3, 100 + i * 1000), 0);
			rc = wire_samples_add_pcs(&b, &w, 100 + i * 1000, pcs,
			                          (uint32_t)(i % 8) + 1);
		}
		cr_assert_eq(rc, 0);
	}
	wire_batch_end(&b, &w);
	memcpy(sink + sunk, b.data, b.len);
	sunk += b.len;

	cr_assert_eq(decode(sink, sunk, 0, &l, &d), 0, "%s", wire_decoder_error(&d));
	cr_assert_eq(l.calls, 500);
	cr_assert_gt(d.frames, 10, "the small buffer forced many frames");
	cr_assert_not_null(strstr(l.text, "ts=499100 stack=[a,14,1e,28]\n"));
	wire_decoder_release(&d);
}

Test(wire, consume_keeps_the_rest)
{
	struct wire_buf b;
	static struct log l;
	static struct wire_decoder d;

	wire_buf_init(&b, mem, sizeof(mem));
	put_ok(&b, WIRE_SET_RATE, &(struct wire_set_rate){.hz = 1});
	size_t first = b.len;
	put_ok(&b, WIRE_SET_RATE, &(struct wire_set_rate){.hz = 2});
	wire_buf_consume(&b, first);
	cr_assert_eq(decode(mem, b.len, 0, &l, &d), 0);
	cr_assert_str_eq(l.text, "set_rate hz=2\n");
	wire_decoder_release(&d);
}

/* ---- hostile input ------------------------------------------------------ */

/* Bytes the decoder had allocated when it refused the last input. */
static size_t refused_cap;

/* Feeds bytes and expects a failure whose message contains want. */
static void expect_refused(const void *data, size_t n, unsigned flags, int rc_want,
                           const char *want)
{
	static struct log l;
	static struct wire_decoder d;

	memset(&l, 0, sizeof(l));
	int rc = decode(data, n, flags, &l, &d);
	cr_assert_eq(rc, rc_want, "rc %d, error '%s'", rc, wire_decoder_error(&d));
	cr_assert_not_null(strstr(wire_decoder_error(&d), want), "error '%s' lacks '%s'",
	                   wire_decoder_error(&d), want);
	cr_assert_eq(strncmp(wire_decoder_error(&d), "offset ", 7), 0);
	refused_cap = d.cap;
	/* sticky: the connection is done */
	cr_assert_eq(wire_decoder_feed(&d, "\xce", 1), rc_want);
	wire_decoder_release(&d);
}

Test(wire, garbage_is_refused_at_offset_0)
{
	expect_refused("GET / HTTP/1.1\r\n", 16, 0, -EPROTO,
	               "offset 0: expected a frame length (0xce), got 0x47");
}

Test(wire, garbage_after_a_good_frame_names_its_offset)
{
	struct wire_buf b;
	wire_buf_init(&b, mem, sizeof(mem));
	put_ok(&b, WIRE_SET_RATE, &(struct wire_set_rate){.hz = 1});
	char want[64];
	snprintf(want, sizeof(want), "offset %zu: expected a frame length", b.len);
	memcpy(mem + b.len, "\x01\x02", 2);
	expect_refused(mem, b.len + 2, 0, -EPROTO, want);
}

Test(wire, truncated_frame_waits_then_fails_inside)
{
	static struct log l;
	static struct wire_decoder d;
	struct wire_buf b;

	wire_buf_init(&b, mem, sizeof(mem));
	put_ok(&b, WIRE_MARK, &(struct wire_mark){.tid = 1, .ts = 2, .text = S("hello there")});
	/* a frame cut short is held, not delivered */
	cr_assert_eq(decode(mem, b.len - 1, 0, &l, &d), 0);
	cr_assert_eq(l.calls, 0);
	cr_assert_eq(wire_decoder_pending(&d), b.len - 1);
	wire_decoder_release(&d);

	/* a frame whose message ends before its string does */
	static const uint8_t cut[] = {0xce, 0, 0, 0, 6, 0x94, WIRE_MARK, 1, 2, 0xa5, 'a'};
	expect_refused(cut, sizeof(cut), 0, -EPROTO, "offset 9: truncated str (5 bytes, 1 left)");
}

Test(wire, four_billion_element_arrays_are_refused)
{
	/* the message array itself */
	static const uint8_t outer[] = {0xce, 0, 0, 0, 6, 0xdd, 0xff, 0xff, 0xff, 0xff, 0x04};
	expect_refused(outer, sizeof(outer), 0, -EPROTO,
	               "offset 5: array of 4294967295 elements but only 1 bytes left");
	cr_assert_leq(refused_cap, 512, "refused without allocating (%zu bytes)", refused_cap);
	/* the items of a batch: the named limit */
	static const uint8_t items[] = {0xce, 0, 0,    0,    9,    0x94, WIRE_SAMPLES,
	                                1,    0, 0xdd, 0xff, 0xff, 0xff, 0xff};
	expect_refused(items, sizeof(items), 0, -EPROTO,
	               "offset 9: array of 4294967295 elements exceeds the limit of 65536");
	cr_assert_leq(refused_cap, 512, "refused without allocating (%zu bytes)", refused_cap);
	/* and a frame claiming 4 GiB */
	static const uint8_t len[] = {0xce, 0xff, 0xff, 0xff, 0xff, 0x94};
	expect_refused(len, sizeof(len), 0, -EPROTO,
	               "offset 0: frame of 4294967295 bytes exceeds the limit of 1048576");
	cr_assert_leq(refused_cap, 512, "refused without allocating (%zu bytes)", refused_cap);
}

Test(wire, string_over_the_limit_is_refused)
{
	static uint8_t buf[WIRE_MAX_STRING + 64];
	msgpack_sbuffer sb;
	msgpack_packer pk;
	static char text[WIRE_MAX_STRING + 1];

	memset(text, 'x', sizeof(text));
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 3);
	msgpack_pack_uint32(&pk, WIRE_THREAD);
	msgpack_pack_uint32(&pk, 5);
	msgpack_pack_str(&pk, sizeof(text));
	msgpack_pack_str_body(&pk, text, sizeof(text));
	size_t n = frame_of(buf, &sb);
	msgpack_sbuffer_destroy(&sb);
	expect_refused(buf, n, 0, -EPROTO, "offset 8: str of 4097 bytes exceeds the limit of 4096");
}

Test(wire, stack_deeper_than_the_limit_is_refused)
{
	static uint8_t buf[8192];
	msgpack_sbuffer sb;
	msgpack_packer pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint32(&pk, WIRE_SAMPLES);
	msgpack_pack_uint32(&pk, 1);
	msgpack_pack_uint64(&pk, 0);
	msgpack_pack_array(&pk, 1);
	msgpack_pack_array(&pk, 2);
	msgpack_pack_int64(&pk, 5);
	msgpack_pack_array(&pk, WIRE_MAX_STACK_DEPTH + 1);
	for (unsigned i = 0; i < WIRE_MAX_STACK_DEPTH + 1; i++)
		msgpack_pack_uint64(&pk, i);
	size_t n = frame_of(buf, &sb);
	msgpack_sbuffer_destroy(&sb);
	static struct log l;
	static struct wire_decoder d;
	memset(&l, 0, sizeof(l));
	cr_assert_eq(decode(buf, n, 0, &l, &d), -EPROTO);
	cr_assert_str_eq(wire_decoder_error(&d),
	                 "offset 12: array of 513 elements exceeds the limit of 512");
	cr_assert_eq(l.calls, 0);
	wire_decoder_release(&d);
}

Test(wire, named_frame_with_name_zero_is_refused)
{
	/* [SAMPLES, tid 1, base 0, [[dt 0, [[0]]]]] */
	static const uint8_t buf[] = {0xce, 0,    0, 0,    10,   0x94, WIRE_SAMPLES, 1, 0,
	                              0x91, 0x92, 0, 0x91, 0x91, 0};
	expect_refused(buf, sizeof(buf), 0, -EPROTO, "named frame with name id 0");
}

Test(wire, hello_must_come_first_when_asked)
{
	struct wire_buf b;
	wire_buf_init(&b, mem, sizeof(mem));
	put_ok(&b, WIRE_THREAD, &(struct wire_thread){.tid = 1, .name = S("t")});
	expect_refused(mem, b.len, WIRE_DECODER_NEED_HELLO, -EPROTO,
	               "offset 5: expected hello first, got message type 2");
}

Test(wire, trailing_bytes_in_a_frame_are_refused)
{
	static const uint8_t buf[] = {0xce, 0, 0, 0, 4, 0x92, WIRE_SET_RATE, 7, 0xc0};
	expect_refused(buf, sizeof(buf), 0, -EPROTO, "offset 8: 1 bytes after the message");
}

Test(wire, missing_fields_are_refused)
{
	static const uint8_t buf[] = {0xce, 0, 0, 0, 3, 0x92, WIRE_THREAD, 7};
	expect_refused(buf, sizeof(buf), 0, -EPROTO, "offset 5: thread has 1 fields, needs 2");
}

Test(wire, callback_error_stops_decoding)
{
	static struct log l;
	static struct wire_decoder d;
	struct wire_buf b;
	size_t n = every_message(&b);

	memset(&l, 0, sizeof(l));
	l.fail_at = 3;
	cr_assert_eq(decode(mem, n, 0, &l, &d), -EIO);
	cr_assert_eq(l.calls, 3);
	cr_assert_not_null(strstr(wire_decoder_error(&d), "message handler failed"));
	wire_decoder_release(&d);
}

/* ---- versions and unknown messages -------------------------------------- */

Test(wire, unknown_type_is_skipped_and_the_next_frame_decoded)
{
	static uint8_t buf[512];
	static struct log l;
	static struct wire_decoder d;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	struct wire_buf b;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint32(&pk, 50); /* a type from a future minor */
	msgpack_pack_map(&pk, 1);
	msgpack_pack_str(&pk, 1);
	msgpack_pack_str_body(&pk, "k", 1);
	msgpack_pack_double(&pk, 1.5);
	msgpack_pack_bin(&pk, 2);
	msgpack_pack_bin_body(&pk, "\0\1", 2);
	msgpack_pack_nil(&pk);
	size_t n = frame_of(buf, &sb);
	msgpack_sbuffer_destroy(&sb);
	wire_buf_init(&b, buf + n, sizeof(buf) - n);
	put_ok(&b, WIRE_THREAD, &(struct wire_thread){.tid = 9, .name = S("next")});

	cr_assert_eq(decode(buf, n + b.len, 0, &l, &d), 0, "%s", wire_decoder_error(&d));
	cr_assert_str_eq(l.text, "thread tid=9 name='next'\n");
	cr_assert_eq(d.skipped, 1);
	wire_decoder_release(&d);
}

Test(wire, newer_minor_with_appended_fields_is_accepted)
{
	static uint8_t buf[1024];
	static struct log l;
	static struct wire_decoder d;
	msgpack_sbuffer sb;
	msgpack_packer pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 12); /* 10 fields + 1 new */
	msgpack_pack_uint32(&pk, WIRE_HELLO);
	msgpack_pack_uint32(&pk, WIRE_PROTO_MAJOR);
	msgpack_pack_uint32(&pk, WIRE_PROTO_MINOR + 7);
	msgpack_pack_uint32(&pk, 10);
	msgpack_pack_str(&pk, 1);
	msgpack_pack_str_body(&pk, "e", 1);
	msgpack_pack_array(&pk, 0);
	msgpack_pack_uint32(&pk, 100);
	msgpack_pack_float(&pk, 99.5f); /* float32 also accepted */
	msgpack_pack_uint32(&pk, 1);
	msgpack_pack_str(&pk, 1);
	msgpack_pack_str_body(&pk, "v", 1);
	msgpack_pack_uint32(&pk, 9); /* ppid, since 1.4 */
	msgpack_pack_array(&pk, 2); /* the new field */
	msgpack_pack_true(&pk);
	msgpack_pack_nil(&pk);
	size_t n = frame_of(buf, &sb);
	msgpack_sbuffer_clear(&sb);
	/* a ZONES item with a new trailing field too */
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint32(&pk, WIRE_ZONES);
	msgpack_pack_uint32(&pk, 2);
	msgpack_pack_uint64(&pk, 10);
	msgpack_pack_array(&pk, 1);
	msgpack_pack_array(&pk, 5);
	msgpack_pack_uint32(&pk, WIRE_ZONE_COMPLETE);
	msgpack_pack_uint32(&pk, 3);
	msgpack_pack_int64(&pk, 5);
	msgpack_pack_uint64(&pk, 6);
	msgpack_pack_str(&pk, 3);
	msgpack_pack_str_body(&pk, "new", 3);
	n += frame_of(buf + n, &sb);
	msgpack_sbuffer_destroy(&sb);

	cr_assert_eq(decode(buf, n, WIRE_DECODER_NEED_HELLO, &l, &d), 0, "%s",
	             wire_decoder_error(&d));
	cr_assert_str_eq(l.text, "hello major=1 minor=11 pid=10 exe='e' argv=[] requested_hz=100 "
	                         "achieved_hz=99.5 clock_id=1 agent_version='v' ppid=9\n"
	                         "zones 0/1 tid=2 base_ts=10 event=2 zone=3 ts=15 dur=6\n");
	cr_assert_eq(d.peer_minor, WIRE_PROTO_MINOR + 7);
	wire_decoder_release(&d);
}

Test(wire, other_major_is_refused_naming_both_versions)
{
	struct wire_buf b;
	struct wire_hello h = hello(2, 0);

	wire_buf_init(&b, mem, sizeof(mem));
	put_ok(&b, WIRE_HELLO, &h);
	expect_refused(mem, b.len, WIRE_DECODER_NEED_HELLO, -EPROTONOSUPPORT,
	               "offset 5: protocol 2.0 not supported (perftop speaks 1.x)");
	/* even when the rest of the hello has another shape */
	static const uint8_t odd[] = {0xce, 0, 0, 0, 4, 0x93, WIRE_HELLO, 0, 3};
	expect_refused(odd, sizeof(odd), WIRE_DECODER_NEED_HELLO, -EPROTONOSUPPORT,
	               "protocol 0.3 not supported (perftop speaks 1.x)");
}

Test(wire, small_max_frame_for_the_agent_side)
{
	static struct log l;
	static struct wire_decoder d;
	struct wire_buf b;
	struct wire_hello h = hello(1, 0);

	wire_buf_init(&b, mem, sizeof(mem));
	put_ok(&b, WIRE_HELLO, &h);
	wire_decoder_init(&d, 32, 0, on_msg, &l);
	cr_assert_eq(wire_decoder_feed(&d, mem, b.len), -EPROTO);
	cr_assert_not_null(strstr(wire_decoder_error(&d), "exceeds the limit of 32"));
	wire_decoder_release(&d);
}

Test(wire, type_names)
{
	cr_assert_str_eq(wire_type_name(WIRE_ZONE_STATS), "zone_stats");
	cr_assert_null(wire_type_name(999));
	cr_assert(wire_type_is_batch(WIRE_SAMPLES));
	cr_assert(!wire_type_is_batch(WIRE_HELLO));
}

static int on_msg_formatted(void *ctx, const struct wire_msg *m)
{
	struct log *l = ctx;
	char line[512];
	int n = wire_msg_format(m, line, sizeof(line));

	cr_assert(n > 0 && (size_t)n < sizeof(line));
	logf_(l, "%s\n", line);
	return 0;
}

Test(wire, msg_format_describes_every_message)
{
	static struct log l;
	static struct wire_decoder d;
	struct wire_buf b;
	size_t n = every_message(&b);

	wire_decoder_init(&d, 0, 0, on_msg_formatted, &l);
	cr_assert_eq(wire_decoder_feed(&d, mem, n), 0, "%s", wire_decoder_error(&d));
	cr_assert_str_eq(l.text, every_expected);
	wire_decoder_release(&d);
}

Test(wire, msg_format_escapes_and_truncates)
{
	struct wire_msg m = {.type = WIRE_MARK, .count = 1};
	char small[12];

	m.u.mark.text = (struct wire_str){"a'\n", 3};
	char buf[128];
	wire_msg_format(&m, buf, sizeof(buf));
	cr_assert_str_eq(buf, "mark tid=0 ts=0 text='a\\x27\\x0a'");
	int need = wire_msg_format(&m, small, sizeof(small));
	cr_assert_eq(need, (int)strlen(buf));
	cr_assert_eq(strlen(small), sizeof(small) - 1);
}

/* ---- STATS across minors: the agent's cost (1.2) ------------------------ */

struct stats_seen {
	int n;
	uint32_t nfields;
	struct wire_stats st;
};

static int on_stats(void *ctx, const struct wire_msg *m)
{
	struct stats_seen *s = ctx;

	if (m->type == WIRE_STATS) {
		s->n++;
		s->nfields = m->nfields;
		s->st = m->u.stats;
	}
	return 0;
}

/* A STATS frame of nfields fields (1.1: 6, 1.2: 9, more: a newer minor). */
static size_t stats_frame(uint8_t *out, uint32_t nfields)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	size_t n;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 1 + nfields);
	msgpack_pack_uint32(&pk, WIRE_STATS);
	for (uint32_t i = 0; i < nfields; i++) {
		if (i == 5)
			msgpack_pack_double(&pk, 250.5); /* achieved_hz */
		else if (i < 9)
			msgpack_pack_uint64(&pk, 100 * (i + 1));
		else
			msgpack_pack_str_with_body(&pk, "later", 5);
	}
	n = frame_of(out, &sb);
	msgpack_sbuffer_destroy(&sb);
	return n;
}

Test(wire, stats_of_a_1_1_agent_decode_without_the_cost)
{
	static uint8_t buf[256];
	struct stats_seen s = {0};
	struct wire_decoder d;
	size_t n = stats_frame(buf, WIRE_STATS_NFIELDS_1_1);

	wire_decoder_init(&d, 0, 0, on_stats, &s);
	cr_assert_eq(wire_decoder_feed(&d, buf, n), 0, "%s", wire_decoder_error(&d));
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.nfields, 6, "a 1.1 agent's STATS carry 6 fields, got %u", s.nfields);
	cr_assert_eq(s.st.samples, 200);
	cr_assert_eq(s.st.bytes_sent, 500);
	cr_assert_eq(s.st.achieved_hz, 250.5);
	cr_assert_eq(s.st.handler_ns, 0);
	cr_assert_eq(s.st.writer_ns, 0);
	cr_assert_eq(s.st.process_ns, 0);
	wire_decoder_release(&d);
}

Test(wire, stats_of_a_1_2_agent_carry_the_cost)
{
	static uint8_t buf[256];
	struct stats_seen s = {0};
	struct wire_decoder d;
	struct wire_buf b;

	wire_buf_init(&b, buf, sizeof(buf));
	put_ok(&b, WIRE_STATS,
	       &(struct wire_stats){.ts = 1, .samples = 2, .handler_ns = 123456789012ull,
	                            .writer_ns = 42, .process_ns = 9876543210987ull});
	wire_decoder_init(&d, 0, 0, on_stats, &s);
	cr_assert_eq(wire_decoder_feed(&d, buf, b.len), 0, "%s", wire_decoder_error(&d));
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.nfields, WIRE_STATS_NFIELDS_1_2);
	cr_assert_eq(s.st.handler_ns, 123456789012ull);
	cr_assert_eq(s.st.writer_ns, 42);
	cr_assert_eq(s.st.process_ns, 9876543210987ull);
	wire_decoder_release(&d);
}

/* What a 1.1 perftop does with a 1.2 agent's STATS is what this decoder does
 * with a newer minor's: the fields after those it knows are skipped. */
Test(wire, stats_with_fields_of_a_newer_minor_skip_them)
{
	static uint8_t buf[256];
	struct stats_seen s = {0};
	struct wire_decoder d;
	size_t n = stats_frame(buf, WIRE_STATS_NFIELDS_1_2 + 2);

	n += stats_frame(buf + n, WIRE_STATS_NFIELDS_1_2 + 1);
	wire_decoder_init(&d, 0, 0, on_stats, &s);
	cr_assert_eq(wire_decoder_feed(&d, buf, n), 0, "%s", wire_decoder_error(&d));
	cr_assert_eq(s.n, 2);
	cr_assert_eq(s.nfields, WIRE_STATS_NFIELDS_1_2, "known fields only");
	cr_assert_eq(s.st.handler_ns, 700);
	cr_assert_eq(s.st.writer_ns, 800);
	cr_assert_eq(s.st.process_ns, 900);
	wire_decoder_release(&d);
}

Test(wire, stats_with_fewer_fields_than_1_1_are_refused)
{
	static uint8_t buf[256];
	struct stats_seen s = {0};
	struct wire_decoder d;
	size_t n = stats_frame(buf, WIRE_STATS_NFIELDS_1_1 - 1);

	wire_decoder_init(&d, 0, 0, on_stats, &s);
	cr_assert_eq(wire_decoder_feed(&d, buf, n), -EPROTO);
	cr_assert_str_eq(wire_decoder_error(&d), "offset 5: stats has 5 fields, needs 6");
	cr_assert_eq(s.n, 0);
	wire_decoder_release(&d);
}

/* A message that gained no optional field still needs all of them. */
Test(wire, other_flat_messages_still_need_every_field)
{
	static uint8_t buf[256];
	struct stats_seen s = {0};
	struct wire_decoder d;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	size_t n;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 3); /* MARK needs tid, ts, text */
	msgpack_pack_uint32(&pk, WIRE_MARK);
	msgpack_pack_uint32(&pk, 7);
	msgpack_pack_uint64(&pk, 8);
	n = frame_of(buf, &sb);
	msgpack_sbuffer_destroy(&sb);
	wire_decoder_init(&d, 0, 0, on_stats, &s);
	cr_assert_eq(wire_decoder_feed(&d, buf, n), -EPROTO);
	cr_assert_str_eq(wire_decoder_error(&d), "offset 5: mark has 2 fields, needs 3");
	wire_decoder_release(&d);
}

/* ---- NAME across minors: a function's first line (1.3) ------------------ */

struct name_seen {
	int n;
	uint32_t nfields;
	struct wire_name name;
	char text[16];
};

static int on_name_msg(void *ctx, const struct wire_msg *m)
{
	struct name_seen *s = ctx;

	if (m->type == WIRE_NAME) {
		s->n++;
		s->nfields = m->nfields;
		s->name = m->u.name;
		snprintf(s->text, sizeof(s->text), "%s", m->u.name.text.s);
	}
	return 0;
}

Test(wire, name_of_a_1_2_agent_decodes_without_the_line)
{
	static uint8_t buf[64];
	struct name_seen s = {0};
	struct wire_decoder d;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	size_t n;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint32(&pk, WIRE_NAME);
	msgpack_pack_uint32(&pk, 5);
	msgpack_pack_uint32(&pk, WIRE_NAME_FUNCTION);
	msgpack_pack_str_with_body(&pk, "Parser.parse", 12);
	n = frame_of(buf, &sb);
	msgpack_sbuffer_destroy(&sb);
	wire_decoder_init(&d, 0, 0, on_name_msg, &s);
	cr_assert_eq(wire_decoder_feed(&d, buf, n), 0, "%s", wire_decoder_error(&d));
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.nfields, WIRE_NAME_NFIELDS_1_2);
	cr_assert_eq(s.name.id, 5);
	cr_assert_str_eq(s.text, "Parser.parse");
	cr_assert_eq(s.name.line, 0);
	wire_decoder_release(&d);
}

Test(wire, name_of_a_1_3_agent_carries_the_line)
{
	static uint8_t buf[64];
	struct name_seen s = {0};
	struct wire_decoder d;
	struct wire_buf b;

	wire_buf_init(&b, buf, sizeof(buf));
	put_ok(&b, WIRE_NAME,
	       &(struct wire_name){.id = 6, .kind = WIRE_NAME_FUNCTION, .text = S("leaf"), .line = 40});
	wire_decoder_init(&d, 0, 0, on_name_msg, &s);
	cr_assert_eq(wire_decoder_feed(&d, buf, b.len), 0, "%s", wire_decoder_error(&d));
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.name.line, 40);
	wire_decoder_release(&d);
}
