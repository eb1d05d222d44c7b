/*
 * profile — what an agent reported about one process: stack samples already
 * resolved to functions, zones, counters, marks and the agent's own figures.
 *
 * The collector decodes agent frames, resolves program counters to functions
 * through the symbolizer, and calls these functions under the model's lock.
 * Views read the derived tables (functions with self/total, threads, zones
 * with percentiles, counters with rates); nothing here re-reads every sample
 * to answer a query.
 *
 * Ownership: the profile owns every string it returns; they stay valid until
 * profile_free(). Ids (function, stack, zone, counter) are dense, count from 0
 * and never change.
 */
#ifndef PERFTOP_MODEL_PROFILE_H
#define PERFTOP_MODEL_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/hist.h"
#include "model/series.h"
#include "util/hashmap.h"
#include "util/intern.h"

enum {
	PROFILE_MAX_DEPTH = 512,     /* deeper stacks keep their leaf-most frames */
	PROFILE_MAX_MARKS = 4096,    /* marks kept, oldest dropped first */
	PROFILE_THREAD_NAME_LEN = 32,
};

struct profile_func {
	const char *name;           /* "parse_header", or "liblzma.so.5+0x1a2b0" */
	const char *module;         /* basename: "myprog", "libc.so.6" */
	const char *file;           /* source file, or NULL */
	int line;                   /* 0 when unknown */
	uint64_t self;              /* samples with this function as the leaf */
	uint64_t total;             /* samples with it anywhere (once per sample) */
	uint64_t stamp;             /* internal: last sample that counted total */
};

struct profile_thread {
	pid_t tid;
	char name[PROFILE_THREAD_NAME_LEN];
	uint64_t samples;
};

struct profile_zone {
	const char *name;
	struct hist hist;           /* durations of the events received */
	/* Exact figures from the agent's per-thread statistics (ZONE_STATS),
	 * summed over threads; count == 0 until the first statistics frame. */
	uint64_t exact_count;
	double exact_sum_ns;
	uint64_t exact_min_ns, exact_max_ns;
};

struct profile_counter {
	const char *name;
	bool gauge;                 /* set with pt_gauge_set, not added */
	double total;               /* sum of adds, or the gauge's value */
	double first_time, last_time;
	double rate_per_s;          /* over the last second of updates */
	struct series values;       /* total (or gauge value) at each update second */
	double bucket_start, bucket_base;
};

struct profile_mark {
	double time;                /* seconds, agent clock */
	pid_t tid;
	char *text;
};

struct profile {
	pid_t pid;
	char *exe;                  /* may be NULL until the hello */
	unsigned proto_major, proto_minor;
	double requested_hz, achieved_hz;
	uint64_t agent_samples, agent_dropped, agent_bytes; /* the agent's own counts */
	uint64_t samples;           /* samples received and attributed */
	uint64_t decode_errors;
	bool connected;
	double first_time, last_time; /* of samples received, seconds */

	struct intern func_keys;    /* "module\0name" -> function id */
	struct profile_func *funcs; /* by function id */
	size_t funcs_alloc;
	struct intern stacks;       /* function ids, root first -> stack id */
	uint64_t *stack_counts;     /* by stack id */
	size_t stacks_alloc;

	struct profile_thread *threads;
	size_t nthreads, threads_alloc;

	struct intern zone_names;
	struct profile_zone *zones;
	size_t zones_alloc;
	struct hashmap zone_thread_stats; /* (zone << 32 | tid) -> struct zone_stats * */

	struct intern counter_names;
	struct profile_counter *counters;
	size_t counters_alloc;

	struct profile_mark *marks; /* ring of PROFILE_MAX_MARKS */
	size_t nmarks, marks_head;
};

struct profile *profile_new(pid_t pid);
void profile_free(struct profile *p);

/* Interns a function by (module, name); file and line are recorded the first
 * time. Returns its id. */
uint32_t profile_func(struct profile *p, const char *module, const char *name, const char *file,
		      int line);
size_t profile_func_count(const struct profile *p);

/* Records count samples of one stack on thread tid at time t (seconds).
 * funcs are function ids ordered root first, leaf last; depth may be 0
 * (an empty stack counts for the thread only). */
void profile_add_samples(struct profile *p, pid_t tid, const uint32_t *funcs, size_t depth,
			 uint64_t count, double t);

/* Names a thread (creating it if needed). */
void profile_thread_name(struct profile *p, pid_t tid, const char *name);
/* The thread record for tid, created if absent. */
struct profile_thread *profile_thread(struct profile *p, pid_t tid);

/* Zones by name; returns the zone id. */
uint32_t profile_zone(struct profile *p, const char *name);
/* One received zone event. */
void profile_zone_event(struct profile *p, uint32_t zone, uint64_t duration_ns);
/* The agent's cumulative exact statistics of one zone on one thread. */
void profile_zone_stats(struct profile *p, uint32_t zone, pid_t tid, uint64_t count,
			double sum_ns, uint64_t min_ns, uint64_t max_ns);
size_t profile_zone_count(const struct profile *p);

/* Counters by name; returns the counter id. */
uint32_t profile_counter(struct profile *p, const char *name);
/* Adds delta (gauge false) or sets the value (gauge true) at time t (seconds). */
void profile_counter_update(struct profile *p, uint32_t counter, bool gauge, double value,
			    double t);
/* The agent's exact running total of an added counter (survives dropped
 * updates): raises the total to it when the updates received fell short. */
void profile_counter_total(struct profile *p, uint32_t counter, double total, double t);
size_t profile_counter_count(const struct profile *p);

/* Appends a mark; the oldest is dropped past PROFILE_MAX_MARKS. */
void profile_mark(struct profile *p, double t, pid_t tid, const char *text);
/* Mark i, 0 = oldest kept. */
const struct profile_mark *profile_mark_at(const struct profile *p, size_t i);

/* Sorted function ids: by self (by_total false) or total, biggest first,
 * ties by name. out must hold profile_func_count() entries; returns that. */
size_t profile_funcs_sorted(const struct profile *p, bool by_total, uint32_t *out);

#endif
