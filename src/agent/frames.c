/*
 * frames — one flush of the writer: every thread's rings drained up to the
 * heads read at its start and encoded with the wire encoder into the
 * writer's fixed buffer (NAMEs, THREADs, MAPS, SAMPLES, ZONES, MARKs,
 * COUNTERS, ZONE_STATS, STATS, NOTICEs; the order is in writer.c). A full
 * buffer is handed to the socket (transport.c) and refilled; what still
 * does not fit is dropped and counted. Writer thread only (writer.h).
 */
#include "agent/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_WEIGHT_REPEAT 128u  /* copies of one sample at most; the rest rides on later ones */
#define SETTLE_MAX_REPEAT 4096u /* ... of a thread's last owed periods, at its end */

static uint64_t heads[AGENT_MAX_THREADS][2];
static uint8_t heads_valid[AGENT_MAX_THREADS];

/* ---- encoding ----------------------------------------------------------- */

static int put(enum wire_type type, const void *m)
{
	int rc = wire_put(&writer__w.buf, type, m);

	if (rc == -ENOBUFS) {
		writer__send_some();
		rc = wire_put(&writer__w.buf, type, m);
	}
	return rc;
}

/* An open batch, re-opened after a flush when the buffer fills. */
struct batch {
	enum wire_type type;
	struct wire_batch b;
	int open;
	union {
		struct wire_samples samples;
		struct wire_zones zones;
		struct wire_zone_stats zone_stats;
		struct wire_counters counters;
		struct wire_maps maps;
	} head;
};

static void batch_end(struct batch *c)
{
	if (c->open)
		wire_batch_end(&writer__w.buf, &c->b);
	c->open = 0;
}

static int batch_open(struct batch *c)
{
	int rc = wire_batch_begin(&writer__w.buf, &c->b, c->type, &c->head);

	if (rc == -ENOBUFS) {
		writer__send_some();
		rc = wire_batch_begin(&writer__w.buf, &c->b, c->type, &c->head);
	}
	c->open = rc == 0;
	return rc;
}

/* Adds one item; set_base(c, item) sets the head's base timestamp from the
 * item when a new frame must be opened. */
static int batch_add(struct batch *c, const void *item,
                     void (*set_base)(struct batch *, const void *))
{
	int rc;

	if (!c->open) {
		if (set_base)
			set_base(c, item);
		if ((rc = batch_open(c)) < 0)
			return rc;
	}
	rc = wire_batch_add(&writer__w.buf, &c->b, item);
	if (rc == -ENOBUFS || rc == -E2BIG) {
		batch_end(c);
		writer__send_some();
		if (set_base)
			set_base(c, item);
		if (c->type == WIRE_MAPS)
			c->head.maps.flags = 0;
		if ((rc = batch_open(c)) < 0)
			return rc;
		rc = wire_batch_add(&writer__w.buf, &c->b, item);
	}
	return rc;
}

static int emit_names(void)
{
	uint32_t n = agent__name_count();

	while (writer__w.names_sent < n) {
		const struct agent_name *an = agent__name(writer__w.names_sent + 1);
		struct wire_name m;

		m.id = writer__w.names_sent + 1;
		m.kind = an->kind;
		m.text.s = an->text;
		m.text.len = an->len;
		if (put(WIRE_NAME, &m) < 0)
			return -1;
		writer__w.names_sent++;
	}
	return 0;
}

static void thread_comm(pid_t tid, char *out, size_t len)
{
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", (int)tid);
	out[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, out, len - 1);
	close(fd);
	if (n <= 0)
		n = 0;
	while (n > 0 && out[n - 1] == '\n')
		n--;
	out[n] = '\0';
}

static void emit_thread(struct agent_thread *t)
{
	uint32_t gen = atomic_load_explicit(&t->name_gen, memory_order_acquire);
	char name[AGENT_THREAD_NAME];
	struct wire_thread m;

	if (t->w_announced && gen == t->w_name_gen)
		return;
	if (gen) {
		memcpy(name, t->name, sizeof(name));
		name[sizeof(name) - 1] = '\0';
	} else {
		thread_comm(atomic_load(&t->tid), name, sizeof(name));
	}
	m.tid = (uint32_t)atomic_load(&t->tid);
	m.name.s = name;
	m.name.len = (uint32_t)strlen(name);
	if (put(WIRE_THREAD, &m) == 0) {
		t->w_announced = 1;
		t->w_name_gen = gen;
	}
}

static int map_item(void *ctx, const struct agent_map *map)
{
	struct batch *c = ctx;
	struct wire_maps m;

	memset(&m, 0, sizeof(m));
	m.start = map->start;
	m.end = map->end;
	m.offset = map->offset;
	m.path.s = map->path;
	m.path.len = (uint32_t)strnlen(map->path, WIRE_MAX_STRING);
	m.build_id.s = (const char *)map->build_id;
	m.build_id.len = map->build_id_len;
	return batch_add(c, &m, NULL) < 0;
}

/* MAPS: the current table's mappings, preceded in the set (so that a
 * current one at the same start wins in perftop's lookup) by those of the
 * modules that departed since the last flush's ring heads were read: the
 * samples drained after this were taken while those were loaded. */
static void emit_maps(void)
{
	uint32_t gen = agent__phdr_generation(), gone_to = agent__phdr_gone_end();
	struct batch c = {.type = WIRE_MAPS};
	uint32_t next;

	if (gen != writer__w.maps_gen || gone_to != writer__w.gone_to ||
	    writer__w.gone_mark != writer__w.gone_from) {
		writer__w.maps_gen = gen;
		writer__w.maps_next = 0;
		writer__w.gone_from = writer__w.gone_mark;
		writer__w.gone_to = gone_to;
	}
	if (writer__w.maps_next == UINT32_MAX)
		return;
	c.head.maps.flags = writer__w.maps_next == 0 ? WIRE_MAPS_RESET : 0;
	if (writer__w.maps_next == 0)
		agent__phdr_gone(writer__w.gone_from, writer__w.gone_to, map_item, &c);
	next = agent__phdr_maps(writer__w.maps_next, map_item, &c);
	batch_end(&c);
	if (agent__phdr_generation() == gen)
		writer__w.maps_next = next; /* else rebuilt meanwhile: start again next time */
}

/* A SAMPLES batch being filled for one thread. */
struct sample_batch {
	struct wire_batch b;
	int open;
	uint32_t tid;
	uint64_t ts;
};

static void sample_batch_end(struct sample_batch *sb)
{
	if (sb->open)
		wire_batch_end(&writer__w.buf, &sb->b);
	sb->open = 0;
}

/* A NAME a Python frame needs, sent before the batch that uses it (the
 * open batch is closed first). */
static int py_put_name(void *ctx, uint32_t id, uint32_t kind, const char *text, uint32_t len,
                       uint32_t line)
{
	struct wire_name m;

	sample_batch_end(ctx);
	m.id = id;
	m.kind = kind;
	m.text.s = text;
	m.text.len = len;
	m.line = line;
	return put(WIRE_NAME, &m);
}

/* The frames of a sample record: a SAMPLE's pcs, or a PYSAMPLE's pcs and
 * Python frames (named). Returns how many, 0 when the record is malformed
 * or a name could not be sent. */
static uint32_t sample_frames(const uint64_t *rec, struct sample_batch *sb, struct wire_frame *out)
{
	uint32_t arg = ring_arg(rec[0]), depth = arg & 0xffffu, words = ring_nwords(rec[0]);
	uint32_t at = 2, n = 0;

	if (ring_kind(rec[0]) == AGENT_REC_SAMPLE) {
		if (depth + 2 > words || depth > WIRE_MAX_STACK_DEPTH)
			return 0;
		for (uint32_t i = 0; i < depth; i++)
			out[i] = (struct wire_frame){.pc = rec[2 + i]};
		return depth;
	}
	if (ring_kind(rec[0]) != AGENT_REC_PYSAMPLE)
		return 0;
	while (n < depth && at < words && n < WIRE_MAX_STACK_DEPTH) {
		struct wire_frame *f = &out[n++];

		memset(f, 0, sizeof(*f));
		if (!(rec[at] & AGENT_PY_TAG)) {
			f->pc = rec[at++];
			continue;
		}
		if (at + 4 > words ||
		    agent__py_frame(rec + at, &f->name, &f->file, &f->line, py_put_name, sb) < 0)
			return 0;
		at += 4;
	}
	return n;
}

static int sample_add(struct sample_batch *sb, const struct wire_frame *frames, uint32_t depth)
{
	struct wire_samples item = {.ts = sb->ts, .stack = {frames, depth}};
	int rc = -1;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (!sb->open) {
			rc = wire_samples_begin(&writer__w.buf, &sb->b, sb->tid, sb->ts);
			if (rc == -ENOBUFS) {
				writer__send_some();
				rc = wire_samples_begin(&writer__w.buf, &sb->b, sb->tid, sb->ts);
			}
			if (rc)
				return rc;
			sb->open = 1;
		}
		rc = wire_batch_add(&writer__w.buf, &sb->b, &item);
		if (rc != -ENOBUFS && rc != -E2BIG)
			return rc;
		sample_batch_end(sb);
		writer__send_some();
	}
	return rc;
}

/* Sends the samples of t's ring up to limit, each repeated by its weight.
 * t->w_settle: periods the thread's samples still owe at its end (see
 * agent__sampler_settle), put on the first sample drained; with no later
 * samples to ride on, they are repeated up to SETTLE_MAX_REPEAT. */
static void drain_samples(struct agent_thread *t, uint64_t limit, int ok)
{
	static struct wire_frame frames[WIRE_MAX_STACK_DEPTH];
	uint32_t settle = t->w_settle;
	const uint64_t *rec;
	struct sample_batch sb = {.tid = (uint32_t)atomic_load(&t->tid)};

	while ((rec = ring_peek(&t->samples, limit)) != NULL) {
		uint32_t weight = ring_arg(rec[0]) >> 16, depth = 0;
		int rc = 0;

		sb.ts = writer__to_ns(rec[1]);
		if (ok)
			depth = sample_frames(rec, &sb, frames);
		if (weight == 0)
			weight = 1;
		if (settle && depth) {
			weight += settle < SETTLE_MAX_REPEAT ? settle : SETTLE_MAX_REPEAT;
			settle = t->w_settle = 0;
			if (weight > SETTLE_MAX_REPEAT)
				weight = SETTLE_MAX_REPEAT;
		} else if (weight > MAX_WEIGHT_REPEAT) {
			/* The rest rides on the thread's next samples, never lost
			 * (a timer-sampled thread's debt can be hundreds). */
			atomic_fetch_add(&t->debt, weight - MAX_WEIGHT_REPEAT);
			t->w_requeued += weight - MAX_WEIGHT_REPEAT;
			weight = MAX_WEIGHT_REPEAT;
		}
		for (uint32_t k = 0; ok && depth && k < weight && rc == 0; k++)
			rc = sample_add(&sb, frames, depth);
		if (!ok || !depth || rc != 0)
			writer__w.samples_lost++;
		ring_release(&t->samples, rec);
	}
	sample_batch_end(&sb);
}

static void zones_base(struct batch *c, const void *item)
{
	c->head.zones.base_ts = ((const struct wire_zones *)item)->ts;
}

static void drain_events(struct agent_thread *t, uint64_t limit, int ok)
{
	const uint64_t *rec;
	struct batch c = {.type = WIRE_ZONES};
	uint32_t tid = (uint32_t)atomic_load(&t->tid);

	c.head.zones.tid = tid;
	while ((rec = ring_peek(&t->events, limit)) != NULL) {
		int rc = -1;

		if (ok && ring_kind(rec[0]) == AGENT_REC_ZONE) {
			struct wire_zones z;
			uint32_t idx = ring_arg(rec[0]);

			memset(&z, 0, sizeof(z));
			z.event = WIRE_ZONE_COMPLETE;
			z.zone = idx < agent__zone_count() ? agent__zone_name(idx) : 0;
			z.ts = writer__to_ns(rec[1]);
			z.dur = rec[2] > rec[1] ? writer__dur_ns(rec[2] - rec[1]) : 0;
			rc = z.zone ? batch_add(&c, &z, zones_base) : -1;
		} else if (ok && ring_kind(rec[0]) == AGENT_REC_MARK) {
			struct wire_mark m;
			uint32_t len = ring_arg(rec[0]);

			if ((len + 7) / 8 + 2 <= ring_nwords(rec[0]) && len <= AGENT_MARK_MAX) {
				batch_end(&c);
				m.tid = tid;
				m.ts = writer__to_ns(rec[1]);
				m.text.s = (const char *)(rec + 2);
				m.text.len = len;
				rc = put(WIRE_MARK, &m);
			}
		}
		if (rc != 0)
			writer__w.events_lost++;
		ring_release(&t->events, rec);
	}
	batch_end(&c);
}

/* Reads one zone's statistics consistently (the owner may be updating). */
static struct agent_zstat read_zstat(struct agent_thread *t, uint32_t idx)
{
	const struct agent_zstat *s = &t->zstats[idx];
	struct agent_zstat v = {0, 0, 0, 0};

	for (int tries = 0; tries < 1000; tries++) {
		uint32_t s1 = atomic_load_explicit(&t->zseq, memory_order_acquire), s2;

		v.count = __atomic_load_n(&s->count, __ATOMIC_RELAXED);
		v.sum = __atomic_load_n(&s->sum, __ATOMIC_RELAXED);
		v.min = __atomic_load_n(&s->min, __ATOMIC_RELAXED);
		v.max = __atomic_load_n(&s->max, __ATOMIC_RELAXED);
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit(&t->zseq, memory_order_relaxed);
		if (s1 == s2 && !(s1 & 1))
			break;
	}
	return v;
}

/* Sends t's zone statistics when they changed since the last time they
 * went out. 0 when they are out (or there was nothing new), -1 when they
 * could not all go (they go again next flush). */
static int emit_zone_stats(struct agent_thread *t)
{
	uint32_t seq = atomic_load_explicit(&t->zseq, memory_order_acquire);
	uint32_t used = atomic_load_explicit(&t->zused, memory_order_acquire);
	struct batch c = {.type = WIRE_ZONE_STATS};
	int failed = 0;

	if (used == 0 || seq == t->w_zseq)
		return 0;
	c.head.zone_stats.tid = (uint32_t)atomic_load(&t->tid);
	c.head.zone_stats.ts = agent__now_ns();
	for (uint32_t i = 0; i < used && i < agent__zone_count(); i++) {
		struct agent_zstat v = read_zstat(t, i);
		struct wire_zone_stats z;

		if (v.count == 0)
			continue;
		memset(&z, 0, sizeof(z));
		z.zone = agent__zone_name(i);
		z.count = v.count;
		z.sum = writer__dur_ns(v.sum);
		z.min = writer__dur_ns(v.min);
		z.max = writer__dur_ns(v.max);
		if (batch_add(&c, &z, NULL) < 0)
			failed = 1;
	}
	batch_end(&c);
	if (failed)
		return -1;
	t->w_zseq = seq;
	return 0;
}

static void counters_base(struct batch *c, const void *item)
{
	c->head.counters.base_ts = ((const struct wire_counters *)item)->ts;
}

static void emit_counters(void)
{
	uint32_t n = agent__counter_count();
	struct batch c = {.type = WIRE_COUNTERS};
	uint64_t now = agent__now_ns();

	for (uint32_t i = 0; i < n; i++) {
		struct agent_counter *ac = agent__counter(i);
		uint32_t used = atomic_load_explicit(&ac->used, memory_order_relaxed);
		struct wire_counters m;

		memset(&m, 0, sizeof(m));
		m.counter = ac->name;
		if (used == 1) {
			int64_t total = atomic_load_explicit(&ac->total, memory_order_relaxed);

			if (!writer__w.counter_fresh[i] && total == writer__w.counter_sent[i])
				continue;
			m.op = WIRE_COUNTER_TOTAL;
			m.value.i = total;
			m.ts = now;
			if (batch_add(&c, &m, counters_base) == 0) {
				writer__w.counter_sent[i] = total;
				writer__w.counter_fresh[i] = 0;
			}
		} else if (used == 2) {
			uint32_t seq = atomic_load_explicit(&ac->gauge_seq, memory_order_acquire);
			uint64_t bits;

			if (!writer__w.counter_fresh[i] && seq == writer__w.gauge_seq_sent[i])
				continue;
			bits = atomic_load_explicit(&ac->gauge_bits, memory_order_relaxed);
			m.op = WIRE_COUNTER_SET;
			m.value.is_float = 1;
			memcpy(&m.value.f, &bits, sizeof(bits));
			m.ts = writer__to_ns(
			    atomic_load_explicit(&ac->gauge_ticks, memory_order_relaxed));
			if (batch_add(&c, &m, counters_base) == 0) {
				writer__w.gauge_seq_sent[i] = seq;
				writer__w.counter_fresh[i] = 0;
			}
		}
	}
	batch_end(&c);
}

/* Totals over live and freed slots. */
static void totals(uint64_t *taken, uint64_t *dropped, uint64_t *ev_dropped)
{
	uint32_t n = atomic_load(&agent__g.nslots);

	*taken = writer__w.retired_taken;
	*dropped = writer__w.retired_dropped + writer__w.samples_lost;
	*ev_dropped = writer__w.retired_ev_dropped + writer__w.events_lost;
	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (!t || atomic_load(&t->state) == AGENT_THREAD_FREE)
			continue;
		*taken += atomic_load_explicit(&t->taken, memory_order_relaxed);
		*dropped += atomic_load_explicit(&t->dropped, memory_order_relaxed);
		*ev_dropped += atomic_load_explicit(&t->ev_dropped, memory_order_relaxed);
	}
}

void writer__measure_rate(uint64_t now)
{
	uint64_t taken, dropped, ev, cpu;

	totals(&taken, &dropped, &ev);
	cpu = writer__cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - writer__cpu_ns(CLOCK_THREAD_CPUTIME_ID);
	if (writer__w.last_second_ns && now < writer__w.last_second_ns + 200000000u)
		return; /* too short an interval to say anything (the last flush) */
	if (writer__w.last_second_ns && cpu > writer__w.last_cpu_ns + 50000000u)
		writer__w.achieved_hz = (double)(taken - writer__w.last_taken) * 1e9 /
		                        (double)(cpu - writer__w.last_cpu_ns);
	else if (writer__w.last_second_ns)
		writer__w.achieved_hz = 0; /* idle: no CPU time, no samples */
	/* No source fires faster than asked: more is accounting (samples of
	 * threads that died counted against CPU time read a moment apart). */
	if (agent__g.period_ns && writer__w.achieved_hz > 1e9 / (double)agent__g.period_ns)
		writer__w.achieved_hz = 1e9 / (double)agent__g.period_ns;
	writer__w.last_taken = taken;
	writer__w.last_cpu_ns = cpu;
	writer__w.last_second_ns = now;
}

static void emit_stats(uint64_t now)
{
	struct wire_stats s;
	uint64_t taken, dropped, ev;

	totals(&taken, &dropped, &ev);
	memset(&s, 0, sizeof(s));
	s.ts = now;
	s.samples = taken;
	s.samples_dropped = dropped;
	s.events_dropped = ev;
	s.bytes_sent = writer__w.bytes_sent;
	s.achieved_hz = writer__w.achieved_hz;
	writer__cost_read(&s.handler_ns, &s.writer_ns, &s.process_ns);
	s.handler_ns = s.handler_ns > writer__w.cost0_handler
	                   ? writer__dur_ns(s.handler_ns - writer__w.cost0_handler)
	                   : 0;
	s.writer_ns =
	    s.writer_ns > writer__w.cost0_writer ? s.writer_ns - writer__w.cost0_writer : 0;
	s.process_ns =
	    s.process_ns > writer__w.cost0_process ? s.process_ns - writer__w.cost0_process : 0;
	put(WIRE_STATS, &s);
}

static int put_notice(void *ctx, const struct agent_notice_view *n)
{
	struct wire_notice m;

	(void)ctx;
	m.ts = agent__now_ns();
	m.tid = (uint32_t)n->tid;
	m.code.s = n->code;
	m.code.len = (uint32_t)strlen(n->code);
	m.count = n->count;
	m.text.s = n->text;
	m.text.len = (uint32_t)strlen(n->text);
	return put(WIRE_NOTICE, &m);
}

/* One flush: everything the rings hold, counters, and (each second or at the
 * end) the exact statistics. */
void writer__flush(int second)
{
	uint32_t n = atomic_load(&agent__g.nslots);
	int connected = writer__w.fd >= 0 && !writer__w.broken;
	int ok;
	uint64_t now;
	uint32_t gone_mark = agent__phdr_gone_end();

	/* Departed log position, then ring positions, then names: every name an
	 * event refers to was interned before the event was queued, and every
	 * sample drained below was taken before the departures from gone_mark. */
	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		/* A slot claimed after this point waits for the next flush. */
		heads_valid[i] = t && atomic_load(&t->state) != AGENT_THREAD_FREE;
		if (heads_valid[i]) {
			heads[i][0] = ring_head(&t->samples);
			heads[i][1] = ring_head(&t->events);
		}
	}
	writer__calibrate();
	agent__phdr_refresh(0);
	ok = connected && emit_names() == 0;
	if (connected)
		emit_maps();

	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);
		int state;

		if (!t || !heads_valid[i])
			continue;
		state = atomic_load(&t->state);
		if (state == AGENT_THREAD_FREE)
			continue;
		if (connected)
			emit_thread(t);
		/* A timer-sampled thread that ended has its owed time put on
		 * what it left queued (at the last flush, every thread: see
		 * settle_all). */
		if (state == AGENT_THREAD_DEAD)
			t->w_settle += agent__sampler_settle(t, atomic_load(&t->tid));
		drain_samples(t, heads[i][0], ok);
		drain_events(t, heads[i][1], ok);
		int stats_out = 1;

		if (connected && (second || state == AGENT_THREAD_DEAD))
			stats_out = emit_zone_stats(t) == 0;
		/* A dead thread's slot is freed once its rings are empty (what it
		 * queued after the snapshot goes out next time) and its last zone
		 * statistics went out (a full send buffer keeps them for the next
		 * flush, instead of losing the thread's totals). */
		if (state == AGENT_THREAD_DEAD && stats_out &&
		    !ring_peek(&t->samples, ring_head(&t->samples)) &&
		    !ring_peek(&t->events, ring_head(&t->events))) {
			writer__w.retired_taken += atomic_load(&t->taken);
			writer__w.retired_dropped += atomic_load(&t->dropped);
			writer__w.retired_ev_dropped += atomic_load(&t->ev_dropped);
			writer__w.retired_handler += atomic_load(&t->handler_ticks);
			agent__thread_free(t);
		}
	}
	if (connected) {
		emit_counters();
		writer__w.notice_gen = agent__notices_send(writer__w.notice_gen, put_notice, NULL);
		if (second) {
			now = agent__now_ns();
			emit_stats(now);
		}
	}
	writer__send_some();
	writer__w.gone_mark = gone_mark;
	if (writer__w.fd >= 0 && (writer__w.broken || !writer__fd_ours()))
		writer__disconnect();
	else if (writer__w.fd < 0 && writer__w.broken)
		writer__disconnect(); /* lost the number to the program: reconnect later */
}
