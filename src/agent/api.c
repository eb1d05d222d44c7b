/*
 * api — include/perftop.h: interned names, zones, counters, gauges, marks,
 * thread names.
 *
 * Names live in one append-only table (ids 1..count, shared by zones and
 * counters as in the wire's NAME message) with a lock-free open-addressing
 * index: lookups never lock, insertions take agent__names_lock. The writer
 * sends names 1..agent__name_count() before anything that refers to them.
 *
 * A zone is recorded only while perftop is connected: begin reads the clock;
 * end reads it again, updates the thread's exact statistics for that zone
 * (inside a per-thread seqlock the writer reads through) and queues the
 * event in the thread's ring, or counts a drop when the ring is full.
 * Counters keep one exact atomic total each; gauges their latest value.
 */
#include "agent/agent.h"
#include "perftop.h"

#include <stdio.h>
#include <string.h>

#include "wire/wire.h"

#define HASH_SLOTS (2 * AGENT_MAX_NAMES)
#define NAME_POOL  (AGENT_MAX_NAMES * 64u)

pthread_mutex_t agent__names_lock = PTHREAD_MUTEX_INITIALIZER;

static struct agent_name names[AGENT_MAX_NAMES + 1];
static _Atomic uint32_t name_count;
static _Atomic uint32_t hash_slots[HASH_SLOTS]; /* name id, 0 = empty */
static char pool[NAME_POOL];
static size_t pool_used;

static uint32_t zone_names[AGENT_MAX_ZONES];
static _Atomic uint32_t zone_count;
static struct agent_counter counters[AGENT_MAX_COUNTERS];
static _Atomic uint32_t counter_count;

uint32_t agent__name_count(void)
{
	return atomic_load_explicit(&name_count, memory_order_acquire);
}

const struct agent_name *agent__name(uint32_t id)
{
	return &names[id];
}

uint32_t agent__zone_name(uint32_t zone_index)
{
	return zone_names[zone_index];
}

uint32_t agent__zone_count(void)
{
	return atomic_load_explicit(&zone_count, memory_order_acquire);
}

uint32_t agent__counter_count(void)
{
	return atomic_load_explicit(&counter_count, memory_order_acquire);
}

struct agent_counter *agent__counter(uint32_t index)
{
	return &counters[index];
}

void agent__api_after_fork(void)
{
	uint32_t n = agent__counter_count();

	for (uint32_t i = 0; i < n; i++) {
		atomic_store(&counters[i].total, 0);
		atomic_store(&counters[i].gauge_seq, 0);
	}
}

/* ---- interning ---------------------------------------------------------- */

static uint32_t name_hash(uint32_t kind, const char *s, size_t len)
{
	uint32_t h = 2166136261u ^ kind;

	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h ? h : 1;
}

static uint32_t lookup(uint32_t kind, uint32_t h, const char *s, size_t len)
{
	for (uint32_t i = 0; i < HASH_SLOTS; i++) {
		uint32_t id =
		    atomic_load_explicit(&hash_slots[(h + i) % HASH_SLOTS], memory_order_acquire);
		const struct agent_name *n;

		if (id == 0)
			return 0;
		n = &names[id];
		if (n->hash == h && n->kind == kind && n->len == len && !memcmp(n->text, s, len))
			return id;
	}
	return 0;
}

/* The name id of (kind, s), interning it; 0 when a table is full. */
static uint32_t intern(uint32_t kind, const char *s)
{
	size_t len;
	uint32_t h, id, index;

	if (!s)
		return 0;
	len = strnlen(s, AGENT_NAME_MAX);
	h = name_hash(kind, s, len);
	id = lookup(kind, h, s, len);
	if (id)
		return id;

	pthread_mutex_lock(&agent__names_lock);
	id = lookup(kind, h, s, len);
	if (id)
		goto out;
	id = atomic_load_explicit(&name_count, memory_order_relaxed) + 1;
	if (id > AGENT_MAX_NAMES || pool_used + len + 1 > sizeof(pool)) {
		id = 0;
		goto out;
	}
	if (kind == WIRE_NAME_ZONE) {
		index = atomic_load_explicit(&zone_count, memory_order_relaxed);
		if (index >= AGENT_MAX_ZONES) {
			id = 0;
			goto out;
		}
		zone_names[index] = id;
		atomic_store_explicit(&zone_count, index + 1, memory_order_release);
	} else {
		index = atomic_load_explicit(&counter_count, memory_order_relaxed);
		if (index >= AGENT_MAX_COUNTERS) {
			id = 0;
			goto out;
		}
		counters[index].name = id;
		atomic_store_explicit(&counter_count, index + 1, memory_order_release);
	}
	memcpy(pool + pool_used, s, len);
	pool[pool_used + len] = '\0';
	names[id].kind = kind;
	names[id].index = index;
	names[id].hash = h;
	names[id].len = (uint32_t)len;
	names[id].text = pool + pool_used;
	pool_used += len + 1;
	atomic_store_explicit(&name_count, id, memory_order_release);
	for (uint32_t i = 0; i < HASH_SLOTS; i++) {
		uint32_t slot = (h + i) % HASH_SLOTS;

		if (atomic_load_explicit(&hash_slots[slot], memory_order_relaxed) == 0) {
			atomic_store_explicit(&hash_slots[slot], id, memory_order_release);
			break;
		}
	}
out:
	pthread_mutex_unlock(&agent__names_lock);
	return id;
}

/* Interning may run before the constructor (another library's), so it
 * starts the agent if needed. */
static void ensure_started(void)
{
	if (__builtin_expect(!atomic_load_explicit(&agent__g.started, memory_order_relaxed), 0))
		agent__start();
}

uint32_t pt_zone_id(const char *name)
{
	uint32_t id;

	ensure_started();
	id = intern(WIRE_NAME_ZONE, name);
	return id ? names[id].index + 1 : 0;
}

uint32_t pt_counter_id(const char *name)
{
	uint32_t id;

	ensure_started();
	id = intern(WIRE_NAME_COUNTER, name);
	return id ? names[id].index + 1 : 0;
}

int pt_connected(void)
{
	return atomic_load_explicit(&agent__g.active, memory_order_relaxed);
}

/* ---- zones -------------------------------------------------------------- */

pt_zone_ctx pt_zone_begin_id(uint32_t zone)
{
	pt_zone_ctx z = {0, zone};

	if (!atomic_load_explicit(&agent__g.active, memory_order_relaxed) || zone == 0)
		return z;
	z.t0 = agent__ticks();
	return z;
}

pt_zone_ctx pt_zone_begin(const char *name)
{
	pt_zone_ctx z = {0, 0};

	if (!atomic_load_explicit(&agent__g.active, memory_order_relaxed))
		return z;
	return pt_zone_begin_id(pt_zone_id(name));
}

/* Records one run of zone index idx from t0 to t1 (ticks) on the calling
 * thread: its exact statistics, and its event when the ring has room. */
static void zone_commit(uint32_t idx, uint64_t t0, uint64_t t1)
{
	struct agent_thread *t;
	struct agent_zstat *s;
	uint64_t d, *rec;
	uint32_t seq;

	t = agent__thread_get();
	if (!t || t->busy || idx >= AGENT_MAX_ZONES)
		return;
	t->busy = 1;
	atomic_signal_fence(memory_order_seq_cst);
	d = t1 > t0 ? t1 - t0 : 0;

	/* Exact statistics, in the thread's seqlock. */
	s = &t->zstats[idx];
	seq = atomic_load_explicit(&t->zseq, memory_order_relaxed);
	atomic_store_explicit(&t->zseq, seq + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	if (s->count == 0 || d < s->min)
		__atomic_store_n(&s->min, d, __ATOMIC_RELAXED);
	if (d > s->max)
		__atomic_store_n(&s->max, d, __ATOMIC_RELAXED);
	__atomic_store_n(&s->sum, s->sum + d, __ATOMIC_RELAXED);
	__atomic_store_n(&s->count, s->count + 1, __ATOMIC_RELAXED);
	atomic_store_explicit(&t->zseq, seq + 2, memory_order_release);
	if (idx >= atomic_load_explicit(&t->zused, memory_order_relaxed))
		atomic_store_explicit(&t->zused, idx + 1, memory_order_release);

	/* The event, if there is room. */
	rec = ring_reserve(&t->events, 3);
	if (rec) {
		rec[0] = ring_header(AGENT_REC_ZONE, 3, idx);
		rec[1] = t0;
		rec[2] = t1;
		ring_commit(&t->events);
	} else {
		atomic_store_explicit(
		    &t->ev_dropped, atomic_load_explicit(&t->ev_dropped, memory_order_relaxed) + 1,
		    memory_order_relaxed);
	}
	atomic_signal_fence(memory_order_seq_cst);
	t->busy = 0;
}

void pt_zone_end(pt_zone_ctx z)
{
	uint64_t t1;

	if (z.t0 == 0)
		return;
	t1 = agent__ticks();
	zone_commit(z.zone - 1, z.t0, t1);
}

/* A duration in CLOCK_MONOTONIC ns, in ticks. Before the writer's first
 * calibration the rate comes from the clock origins. */
static uint64_t ns_to_ticks(uint64_t ns)
{
	double npt;

	if (!agent__g.use_tsc)
		return ns;
	npt = atomic_load_explicit(&agent__g.ns_per_tick, memory_order_relaxed);
	if (!(npt > 0.0)) {
		uint64_t dt = agent__ticks() - agent__g.ticks0;
		uint64_t dn = agent__now_ns() - agent__g.ns0;

		if (dt == 0 || dn == 0)
			return ns;
		npt = (double)dn / (double)dt;
	}
	return (uint64_t)((double)ns / npt);
}

void pt_zone_record_ns(uint32_t zone, uint64_t t0_ns, uint64_t t1_ns)
{
	uint64_t t1, d;

	if (!atomic_load_explicit(&agent__g.active, memory_order_relaxed) || zone == 0 ||
	    t0_ns == 0)
		return;
	t1 = agent__ticks();
	d = ns_to_ticks(t1_ns > t0_ns ? t1_ns - t0_ns : 0);
	zone_commit(zone - 1, t1 > d ? t1 - d : 0, t1);
}

void pt_zone_add_ns(uint32_t zone, uint32_t ns)
{
	uint64_t t1, d;

	if (!atomic_load_explicit(&agent__g.active, memory_order_relaxed) || zone == 0)
		return;
	t1 = agent__ticks();
	d = ns_to_ticks(ns);
	zone_commit(zone - 1, t1 > d ? t1 - d : 0, t1);
}

const volatile int *pt_connected_flag(void)
{
	/* _Atomic int has int's size and representation on every target the
	 * agent builds for; readers only load it. */
	return (const volatile int *)&agent__g.active;
}

/* ---- counters and gauges ------------------------------------------------ */

void pt_counter_add_id(uint32_t counter, int64_t delta)
{
	struct agent_counter *c;

	if (!atomic_load_explicit(&agent__g.active, memory_order_relaxed) || counter == 0 ||
	    counter > AGENT_MAX_COUNTERS)
		return;
	c = &counters[counter - 1];
	if (atomic_load_explicit(&c->used, memory_order_relaxed) != 1)
		atomic_store_explicit(&c->used, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->total, delta, memory_order_relaxed);
}

void pt_counter_add32(uint32_t counter, int32_t delta)
{
	pt_counter_add_id(counter, delta);
}

void pt_counter_add(const char *name, int64_t delta)
{
	if (!atomic_load_explicit(&agent__g.active, memory_order_relaxed))
		return;
	pt_counter_add_id(pt_counter_id(name), delta);
}

void pt_gauge_set_id(uint32_t counter, double value)
{
	struct agent_counter *c;
	uint64_t bits;

	if (!atomic_load_explicit(&agent__g.active, memory_order_relaxed) || counter == 0 ||
	    counter > AGENT_MAX_COUNTERS)
		return;
	c = &counters[counter - 1];
	memcpy(&bits, &value, sizeof(bits));
	if (atomic_load_explicit(&c->used, memory_order_relaxed) != 2)
		atomic_store_explicit(&c->used, 2, memory_order_relaxed);
	atomic_store_explicit(&c->gauge_bits, bits, memory_order_relaxed);
	atomic_store_explicit(&c->gauge_ticks, agent__ticks(), memory_order_relaxed);
	atomic_fetch_add_explicit(&c->gauge_seq, 1, memory_order_release);
}

void pt_gauge_set(const char *name, double value)
{
	if (!atomic_load_explicit(&agent__g.active, memory_order_relaxed))
		return;
	pt_gauge_set_id(pt_counter_id(name), value);
}

/* ---- marks and thread names --------------------------------------------- */

void pt_mark(const char *fmt, ...)
{
	char text[AGENT_MARK_MAX];
	struct agent_thread *t;
	va_list ap;
	uint64_t *rec;
	uint32_t len, words;
	int n;

	if (!atomic_load_explicit(&agent__g.active, memory_order_relaxed) || !fmt)
		return;
	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len = (uint32_t)n < sizeof(text) ? (uint32_t)n : (uint32_t)sizeof(text) - 1;
	t = agent__thread_get();
	if (!t || t->busy)
		return;
	t->busy = 1;
	atomic_signal_fence(memory_order_seq_cst);
	words = 2 + (len + 7) / 8;
	rec = ring_reserve(&t->events, words);
	if (rec) {
		rec[0] = ring_header(AGENT_REC_MARK, words, len);
		rec[1] = agent__ticks();
		memcpy(rec + 2, text, len);
		ring_commit(&t->events);
	} else {
		atomic_store_explicit(
		    &t->ev_dropped, atomic_load_explicit(&t->ev_dropped, memory_order_relaxed) + 1,
		    memory_order_relaxed);
	}
	atomic_signal_fence(memory_order_seq_cst);
	t->busy = 0;
}

void pt_thread_name(const char *name)
{
	struct agent_thread *t;

	ensure_started();
	t = agent__thread_get();
	if (!t || !name)
		return;
	agent__thread_set_name(t, name, 0);
}

void agent__thread_set_name(struct agent_thread *t, const char *name, int from_python)
{
	size_t len = strnlen(name, sizeof(t->name) - 1);
	uint32_t gen = atomic_load_explicit(&t->name_gen, memory_order_acquire);

	if (from_python && gen != 0)
		return; /* the program named it itself */
	/* A racing writer may read a half-written name once; the bumped
	 * generation makes it send the whole name again. */
	memcpy(t->name, name, len);
	t->name[len] = '\0';
	atomic_fetch_add_explicit(&t->name_gen, 1, memory_order_release);
}
