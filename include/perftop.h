/*
 * perftop.h — instrument a program for perftop: timed zones, counters,
 * gauges, marks and thread names. Link with -lperftop (pkg-config perftop),
 * or keep the program as it is and run it under `perftop run`.
 *
 *   void parse(const char *s)
 *   {
 *           PT_ZONE("parse");            // timed until the end of the block
 *           ...
 *           pt_counter_add("bytes", n);
 *   }
 *
 * Without perftop listening, every call returns after one relaxed atomic
 * load and the program runs unchanged. With perftop connected, a zone costs
 * two reads of the CPU's time-stamp counter and one record in a per-thread
 * ring; zone statistics (count, sum, min, max per zone and thread) and
 * counter totals are kept exactly even when the raw events must be dropped.
 *
 * Names are copied on first use and identified by small integer ids after
 * that: PT_ZONE and the *_id() functions look a name up once per call site;
 * the functions that take a name look it up (a hash, no lock) on every call.
 * Names are at most 255 bytes; longer ones are cut. There are at most 1024
 * zones and 1024 counters and gauges; past that the calls do nothing.
 *
 * All functions are thread-safe. None may be called from a signal handler.
 */
#ifndef PERFTOP_H
#define PERFTOP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PT_API          __attribute__((visibility("default")))
#define PT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PT_API
#define PT_PRINTF(a, b)
#endif

/* A zone in progress: what pt_zone_begin returns and pt_zone_end takes. */
typedef struct pt_zone_ctx {
	uint64_t t0;   /* start, in the agent's clock ticks; 0: not recorded */
	uint32_t zone; /* zone id */
} pt_zone_ctx;

/* The id of zone name (> 0), interning it on first use; 0 when the table is
 * full or name is NULL. The same name always gives the same id. */
PT_API uint32_t pt_zone_id(const char *name);
/* The id of counter or gauge name (> 0), as pt_zone_id. */
PT_API uint32_t pt_counter_id(const char *name);

/* Starts a zone. Returns the context to give to pt_zone_end(); when perftop
 * is not connected nothing is recorded and the context says so. */
PT_API pt_zone_ctx pt_zone_begin(const char *name);
PT_API pt_zone_ctx pt_zone_begin_id(uint32_t zone);
/* Ends the zone z started, on the same thread. */
PT_API void pt_zone_end(pt_zone_ctx z);

/* For bindings that read the clock themselves (Python's time.monotonic_ns):
 * records, on the calling thread and exactly as pt_zone_end would, one run
 * of zone that lasted t1_ns - t0_ns (CLOCK_MONOTONIC ns) and ended now.
 * Nothing is recorded while perftop is not connected, or when t0_ns is 0. */
PT_API void pt_zone_record_ns(uint32_t zone, uint64_t t0_ns, uint64_t t1_ns);
/* As pt_zone_record_ns, for a run of zone that lasted ns (at most 4.29 s)
 * and ended now: 32-bit arguments are what Python's ctypes passes fastest. */
PT_API void pt_zone_add_ns(uint32_t zone, uint32_t ns);
/* The flag pt_connected() reads (nonzero while perftop is connected), for
 * bindings to which a load costs less than a call. Read only. */
PT_API const volatile int *pt_connected_flag(void);

/* Adds delta to a counter; perftop shows its total and rates. */
PT_API void pt_counter_add(const char *name, int64_t delta);
PT_API void pt_counter_add_id(uint32_t counter, int64_t delta);
/* pt_counter_add_id with a 32-bit delta, for bindings as pt_zone_add_ns. */
PT_API void pt_counter_add32(uint32_t counter, int32_t delta);
/* Sets a gauge to value; perftop shows its latest value over time. */
PT_API void pt_gauge_set(const char *name, double value);
PT_API void pt_gauge_set_id(uint32_t counter, double value);

/* Logs a timestamped message (printf format, cut at 1023 bytes). */
PT_API void pt_mark(const char *fmt, ...) PT_PRINTF(1, 2);
/* Names the calling thread in perftop (up to 63 bytes). */
PT_API void pt_thread_name(const char *name);

/* 1 while perftop is connected, else 0. */
PT_API int pt_connected(void);

/* ---- per-call-site interning -------------------------------------------- */

/* Looks name up once and caches the id in *cache (a static of the call
 * site). Races between threads are harmless: both find the same id. */
static inline uint32_t pt__site_zone(uint32_t *cache, const char *name)
{
	uint32_t id = __atomic_load_n(cache, __ATOMIC_RELAXED);

	if (__builtin_expect(id == 0, 0)) {
		id = pt_zone_id(name);
		__atomic_store_n(cache, id, __ATOMIC_RELAXED);
	}
	return id;
}

static inline uint32_t pt__site_counter(uint32_t *cache, const char *name)
{
	uint32_t id = __atomic_load_n(cache, __ATOMIC_RELAXED);

	if (__builtin_expect(id == 0, 0)) {
		id = pt_counter_id(name);
		__atomic_store_n(cache, id, __ATOMIC_RELAXED);
	}
	return id;
}

static inline void pt__zone_cleanup(pt_zone_ctx *z)
{
	pt_zone_end(*z);
}

#define PT__CAT2(a, b) a##b
#define PT__CAT(a, b)  PT__CAT2(a, b)

/* PT_ZONE_BEGIN(var, "name") ... PT_ZONE_END(var): a zone across code that
 * is not one block; the name is looked up once per call site. */
#define PT_ZONE_BEGIN(var, name) PT__ZONE_BEGIN(var, name, __COUNTER__)
#define PT__ZONE_BEGIN(var, name, n)                                                               \
	static uint32_t PT__CAT(pt__zone_id_, n);                                                  \
	pt_zone_ctx var = pt_zone_begin_id(pt__site_zone(&PT__CAT(pt__zone_id_, n), (name)))
#define PT_ZONE_END(var) pt_zone_end(var)

/* PT_COUNTER_ADD("name", delta), PT_GAUGE_SET("name", value): the name is
 * looked up once per call site, so it must not change between calls. */
#define PT_COUNTER_ADD(name, delta) PT__COUNTER_ADD(name, delta, __COUNTER__)
#define PT__COUNTER_ADD(name, delta, n)                                                            \
	do {                                                                                       \
		static uint32_t PT__CAT(pt__counter_id_, n);                                       \
		pt_counter_add_id(pt__site_counter(&PT__CAT(pt__counter_id_, n), (name)),          \
		                  (delta));                                                        \
	} while (0)
#define PT_GAUGE_SET(name, value) PT__GAUGE_SET(name, value, __COUNTER__)
#define PT__GAUGE_SET(name, value, n)                                                              \
	do {                                                                                       \
		static uint32_t PT__CAT(pt__gauge_id_, n);                                         \
		pt_gauge_set_id(pt__site_counter(&PT__CAT(pt__gauge_id_, n), (name)), (value));    \
	} while (0)

#ifdef __cplusplus
} /* extern "C" */

namespace pt
{
/* A zone for the lifetime of the object (RAII). */
class Zone
{
      public:
	explicit Zone(uint32_t zone) : ctx_(pt_zone_begin_id(zone))
	{
	}
	explicit Zone(const char *name) : ctx_(pt_zone_begin(name))
	{
	}
	~Zone()
	{
		pt_zone_end(ctx_);
	}
	Zone(const Zone &) = delete;
	Zone &operator=(const Zone &) = delete;

      private:
	pt_zone_ctx ctx_;
};
} // namespace pt

/* PT_ZONE("name"): times the rest of the enclosing scope. */
#define PT_ZONE(name) PT__ZONE_CXX(name, __COUNTER__)
#define PT__ZONE_CXX(name, n)                                                                      \
	static uint32_t PT__CAT(pt__zone_id_, n);                                                  \
	pt::Zone PT__CAT(pt__zone_, n)(pt__site_zone(&PT__CAT(pt__zone_id_, n), (name)))
#else
/* PT_ZONE("name"): times the rest of the enclosing block (cleanup attribute,
 * GCC and Clang). */
#define PT_ZONE(name) PT__ZONE_C(name, __COUNTER__)
#define PT__ZONE_C(name, n)                                                                        \
	static uint32_t PT__CAT(pt__zone_id_, n);                                                  \
	pt_zone_ctx PT__CAT(pt__zone_, n) __attribute__((cleanup(pt__zone_cleanup), unused)) =     \
	    pt_zone_begin_id(pt__site_zone(&PT__CAT(pt__zone_id_, n), (name)))
#endif

#endif
