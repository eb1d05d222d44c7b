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
 * Derived structures, all kept up to date as samples arrive, so a refresh
 * never costs more as the run gets longer:
 *   - the flat table (self and total per function, a recursive function
 *     counted once per sample), merged in struct profile_func;
 *   - the top-down and callers trees (calltree.h), merged over threads, plus
 *     per-thread copies built the first time a view asks for that thread and
 *     maintained from then on (struct profile_tview), so memory is spent only
 *     on threads someone looks at;
 *   - the live window (window.h): per second, how many samples each (stack,
 *     thread) pair got and every zone event's duration. The profile tracks
 *     one window (a length, one thread or all: the one the view last asked
 *     for) and keeps its flat table and tree counts (calltree wtotal) up to
 *     date as samples arrive and as whole seconds leave it, so reading it
 *     costs nothing more than reading the totals. Asking for another
 *     window rebuilds it once from the ring: cost the (stack, thread)
 *     entries of its seconds times their depth;
 *   - zone histograms merged and per thread, overall and over the window;
 *     counter rates per second and per minute with their series;
 *   - the lines of interpreted (Python) functions, per (function, line)
 *     (pylines.h).
 *
 * Every derived table and tree counts stacks as the views show them
 * (profile_stack()): a stack with interpreted frames leaves out the
 * interpreter's machinery (pyframes.h) unless show_interp. The stacks and
 * (thread, stack) pairs are kept as recorded, so profile_show_interp()
 * rebuilds everything from them.
 *
 * Ownership: the profile owns every string it returns; they stay valid until
 * profile_free(). Ids (function, stack, zone, counter) are dense, count from 0
 * and never change, not even across profile_reset(). Tree node ids are
 * stable until profile_reset().
 */
#ifndef PERFTOP_MODEL_PROFILE_H
#define PERFTOP_MODEL_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/calltree.h"
#include "model/hist.h"
#include "model/pylines.h"
#include "model/series.h"
#include "model/window.h"
#include "util/hashmap.h"
#include "util/intern.h"

enum {
	PROFILE_MAX_DEPTH = 512,     /* deeper stacks keep their leaf-most frames */
	PROFILE_MAX_MARKS = 4096,    /* marks kept, oldest dropped first */
	PROFILE_THREAD_NAME_LEN = 32,
	PROFILE_COUNTER_SNAPS = 64, /* counter (time, total) kept: a minute and more */
	PROFILE_ZONE_SERIES = 3600, /* seconds of per-second zone percentiles kept */
	PROFILE_ZONE_SERIES_LAG = 2, /* a second is folded once this many newer ones began */
};

/* The percentiles a zone keeps per second (struct profile_zone.pct). */
enum profile_zone_pct { PZ_P50, PZ_P95, PZ_P99, PZ_PCT_COUNT };

struct profile_func {
	const char *name;           /* "parse_header", or "liblzma.so.5+0x1a2b0" */
	const char *module;         /* basename: "myprog", "libc.so.6" */
	const char *file;           /* source file, or NULL */
	int line;                   /* 0 when unknown; an interpreted function's definition */
	bool interp;                /* an interpreter's function (a named frame: Python) */
	bool machinery;             /* native, and the interpreter's machinery (pyframes.h) */
	uint64_t self;              /* samples with this function as the leaf */
	uint64_t total;             /* samples with it anywhere (once per sample) */
	uint64_t stamp;             /* internal: last sample that counted total */
};

/* One thread's own flat table and trees; see profile_view_update(). */
struct profile_tview {
	struct calltree top, callers;
	uint64_t *self, *total;     /* by function id, funcs_alloc entries */
	uint64_t *stamp;            /* internal: recursion guard for total */
	uint64_t stamp_next;
	size_t funcs_alloc;
};

struct profile_thread {
	pid_t tid;
	char name[PROFILE_THREAD_NAME_LEN];
	uint64_t samples;
	struct profile_tview *view; /* NULL until a view asks for this thread */
};

/* Internal: the live window kept up to date (see profile_view_update). Its
 * counts hold the ring's samples of seconds >= lo, of one thread or all. */
struct profile_live {
	bool active;
	long thread;                /* index into profile.threads, or -1: all */
	int64_t seconds;            /* the window's length */
	int64_t lo;                 /* the oldest second counted */
	uint64_t samples;
	uint64_t *self, *total, *stamp; /* by function id */
	uint64_t stamp_next;
	size_t funcs_alloc;
	uint64_t *agg;              /* by stack or pair id: entries summed, 0 between uses */
	uint32_t *keys;             /* the ids agg holds */
	size_t agg_alloc;
};

/* Internal: one stack (or no stack) on one thread, the unit the window counts. */
struct profile_pair {
	uint32_t thread;            /* index into profile.threads */
	uint32_t stack;             /* stack id, or UINT32_MAX for samples without one */
	uint32_t top, callers;      /* leaf nodes in the thread's trees; 0 = not made yet */
	uint64_t count;
	struct window_hint hint;
};

struct profile_zone {
	const char *name;
	struct hist hist;           /* durations of the events received */
	/* Exact figures: the agent's per-thread statistics (ZONE_STATS), plus
	 * the events received that ended after a thread's latest statistics
	 * (or on a thread that sent none), summed over threads; count == 0
	 * until the first statistics frame or timed event. */
	uint64_t exact_count;
	double exact_sum_ns;
	uint64_t exact_min_ns, exact_max_ns;
	/* p50, p95 and p99 (ns) of the events that ended in each whole second,
	 * all threads merged, 0 for a second without any; the newest entry is
	 * second profile.zone_series_next - 1. Filled from the window ring when
	 * a second is PROFILE_ZONE_SERIES_LAG seconds old (so events of a late
	 * thread batch still count); see profile_zone_pct_series(). */
	struct series pct[PZ_PCT_COUNT];
};

/* A zone's figures over some events (all, a window, one thread). Durations in
 * nanoseconds; percentiles within 1 % (hist.h), min and max exact. */
struct profile_zone_summary {
	uint64_t count;
	double seconds;             /* time the figures cover */
	double rate_per_s;          /* count / seconds, over at least one second */
	double total_ns, mean_ns;
	uint64_t min_ns, max_ns;
	double p50_ns, p90_ns, p95_ns, p99_ns, p999_ns;
};

struct profile_counter {
	const char *name;
	bool gauge;                 /* set with pt_gauge_set, not added */
	double total;               /* sum of adds, or the gauge's value */
	double first_time, last_time;
	double rate_per_s;          /* over the last second of updates */
	struct series values;       /* total (or gauge value) at each update second */
	double bucket_start, bucket_base;
	double rate_per_min;        /* per minute, over the last minute of updates */
	struct series rates;        /* rate_per_s at each update second */
	/* internal: (time, total) at each update second, a ring, for rates over
	 * any span up to a minute; the total removed by profile_reset(); the
	 * agent's last exact total */
	double snap_time[PROFILE_COUNTER_SNAPS], snap_total[PROFILE_COUNTER_SNAPS];
	unsigned nsnaps, snap_head;
	double reset_base, agent_total;
	/* internal: what was added in each of the last WINDOW_SLOTS seconds
	 * (slot s % WINDOW_SLOTS holds second win_second), for the live window */
	int64_t win_second[WINDOW_SLOTS];
	double win_added[WINDOW_SLOTS];
	bool win_any;
};

struct profile_mark {
	double time;                /* seconds, agent clock */
	pid_t tid;
	char *text;
};

/* What the agent said it cannot do (a NOTICE): on thread tid (0: the whole
 * process), a machine-readable code, a number the code gives a meaning to,
 * and the sentence. The newest per (tid, code) is kept. */
#define PROFILE_MAX_NOTICES 256
#define PROFILE_NOTICE_CODE 24
struct profile_notice {
	pid_t tid;
	char code[PROFILE_NOTICE_CODE];
	uint64_t count;
	char *text;
	double time;                /* when it was last updated, model seconds */
};

/* The agent's own cost (STATS since protocol 1.2), in ns of CPU time: in its
 * signal handler on every thread, on its writer thread, and the whole
 * process's CPU time over the same span (the agent's included). */
struct profile_cost {
	uint64_t handler_ns, writer_ns, process_ns;
};

struct profile {
	pid_t pid;
	char *exe;                  /* may be NULL until the hello */
	unsigned proto_major, proto_minor;
	double requested_hz, achieved_hz;
	uint64_t agent_samples, agent_dropped, agent_bytes; /* the agent's own counts */
	uint64_t agent_events_dropped; /* zone events, counter updates, marks the agent lost */
	/* The agent's cost over every connection so far (cost_known: an agent
	 * said it; an older agent or snapshot did not) and the part of it
	 * from connections that ended (profile_cost_*). */
	bool cost_known;
	struct profile_cost cost, cost_done;
	/* Sampled from outside (collect/attach.h: perf_event_open, no agent
	 * in the process): the agent_* counts are the outside sampler's
	 * (agent_dropped: samples the kernel lost); outside_why says why that
	 * sampling could not start or stopped, "" when nothing failed. */
	bool outside;
	char outside_why[320];
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
	/* Stacks as the views show them: a stack with interpreted frames and
	 * machinery has them left out (stack_shown[id] = id in `shown` + 1)
	 * unless show_interp; 0 = shown as it is. See profile_stack(). */
	bool show_interp;
	bool has_interp;            /* an interpreted function was seen */
	struct intern shown;
	uint32_t *stack_shown;
	size_t shown_alloc;
	uint64_t layout;            /* bumped whenever the trees are rebuilt (node ids change) */
	struct pylines lines;       /* per (function, line) samples of interpreted frames */

	struct profile_thread *threads;
	size_t nthreads, threads_alloc;

	struct intern zone_names;
	struct profile_zone *zones;
	size_t zones_alloc;
	struct hashmap zone_thread_stats; /* (zone << 32 | tid) -> struct zone_stats * */

	struct intern counter_names;
	struct profile_counter *counters;
	size_t counters_alloc;

	struct profile_notice *notices; /* in the order they first came */
	size_t nnotices, notices_alloc;

	struct profile_mark *marks; /* ring of PROFILE_MAX_MARKS */
	size_t nmarks, marks_head;

	/* Derived structures (see the top of this file). */
	double latest;              /* newest time of any sample, zone event or counter update */
	double since;               /* oldest such time since profile_new() or profile_reset() */
	bool have_since;
	struct calltree top, callers; /* merged over threads */
	uint32_t *stack_top, *stack_callers; /* by stack id: leaf node in top, callers */
	size_t stack_leaf_alloc;
	struct profile_pair *pairs;
	size_t npairs, pairs_alloc;
	struct hashmap pair_index;  /* thread index << 32 | stack -> pair + 1 */
	size_t last_thread;         /* index of the thread last looked up */
	struct window window;
	struct hashmap zone_threads; /* zone << 32 | tid -> struct profile_zone_thread * */
	struct hist *zone_scratch;  /* by zone: a window's histograms */
	size_t zone_scratch_alloc;
	struct profile_live live;
	bool zone_series_on;        /* a zone event was seen: the per-second series run */
	int64_t zone_series_next;   /* the next second to fold into profile_zone.pct */
	struct calltree none;       /* an empty tree, for threads never seen */
};

/* What one refresh of a view reads: the flat table and the two trees for one
 * thread or all, over everything or the live window. The caller sets tid and
 * seconds, then calls profile_view_update() under the model's lock; results
 * stay valid until the next update, profile_reset() or profile_free(). Read
 * the trees in the view's scope: calltree_total(v->top, node, v->scope). */
struct profile_view {
	pid_t tid;                  /* 0: all threads merged */
	double seconds;             /* 0: everything since start (or reset); else the window,
				       rounded up to whole seconds, at most WINDOW_SLOTS */

	uint64_t samples;           /* samples in scope, with or without a stack */
	double first, last;         /* time covered, seconds */
	size_t nfuncs;
	uint64_t *self, *total;     /* by function id, nfuncs entries */
	struct calltree *top, *callers;
	enum calltree_scope scope;  /* the counts of the trees to read */
	size_t funcs_alloc;         /* internal */
};

struct profile *profile_new(pid_t pid);
void profile_free(struct profile *p);

/* Interns a function by (module, name); file and line are recorded the first
 * time. Returns its id. */
uint32_t profile_func(struct profile *p, const char *module, const char *name, const char *file,
		      int line);
size_t profile_func_count(const struct profile *p);
/* Interns an interpreter's function (a named frame) by (name, file, line):
 * name is the qualified name ("Parser.parse_line"), file the source path as
 * the interpreter has it, line the definition's first line (0: unknown), so
 * two functions of one name in one file stay apart. Its module is the file's
 * short name (pyframes_module()); interp is set. Returns its id. */
uint32_t profile_func_interp(struct profile *p, const char *name, const char *file, int line);

/* The function ids of stack id sid as the views show it (root first, *depth
 * set): without the interpreter's machinery when the stack holds an
 * interpreted function and show_interp is off; the stack as recorded
 * otherwise. Valid until profile_free(). */
const uint32_t *profile_stack(const struct profile *p, uint32_t sid, size_t *depth);
/* Records count samples' lines: funcs (profile function ids, as given to
 * profile_add_samples()) and lines (the line executing in each frame, 0
 * for none) root first, depth entries, into p->lines (pylines.h); self goes
 * to the innermost interpreted frame when only machinery runs inside it. */
void profile_add_lines(struct profile *p, const uint32_t *funcs, const uint32_t *lines,
		       size_t depth, uint64_t count);
/* Shows (true) or hides (false, the default) the interpreter's machinery in
 * stacks that hold interpreted functions, rebuilding the flat table, the
 * trees (node ids change: p->layout is bumped) and the thread views from the
 * stacks and pairs kept, and restarting the live window from its ring. Cost:
 * the distinct stacks and pairs times their depth (measured in
 * docs/PERFORMANCE.md, "Model and views"); nothing when unchanged or when
 * no interpreted function was seen. */
void profile_show_interp(struct profile *p, bool show);

/* Records count samples of one stack on thread tid at time t (seconds).
 * funcs are function ids ordered root first, leaf last; depth may be 0
 * (an empty stack counts for the thread only). */
void profile_add_samples(struct profile *p, pid_t tid, const uint32_t *funcs, size_t depth,
			 uint64_t count, double t);

/* Snapshot loading: records count samples of stack id `stack` (UINT32_MAX:
 * none) on thread tid in the live window's second s only; the totals, flat
 * table and trees are not touched (profile_add_samples() gave them the whole
 * count, at a time older than any window). For a profile no view has read
 * yet; seconds go in increasing order. */
void profile_window_restore(struct profile *p, pid_t tid, uint32_t stack, uint64_t count,
			    int64_t s);

/* Records a notice from the agent (see struct profile_notice), replacing
 * the one with the same tid and code. Returns 1 when it is new, 0 when it
 * replaced one, -1 when PROFILE_MAX_NOTICES are kept already (dropped). */
int profile_notice(struct profile *p, pid_t tid, const char *code, uint64_t count,
		   const char *text, double time);
/* Counts the notices with code (all when NULL). */
size_t profile_notice_count(const struct profile *p, const char *code);
/* A one-line summary of the notices for a header, e.g. "2 threads not
 * sampled (blocked SIGPROF): xz, worker; 12 samples skipped (low stack)",
 * into buf (snprintf-style). Empty when there are none. */
int profile_notice_summary(const struct profile *p, char *buf, size_t size);

/* Names a thread (creating it if needed). */
void profile_thread_name(struct profile *p, pid_t tid, const char *name);
/* The thread record for tid, created if absent. */
struct profile_thread *profile_thread(struct profile *p, pid_t tid);

/* Zones by name; returns the zone id. */
uint32_t profile_zone(struct profile *p, const char *name);
/* One received zone event, with no thread or time: counts in the merged
 * overall figures only. */
void profile_zone_event(struct profile *p, uint32_t zone, uint64_t duration_ns);
/* One zone event that ended at time t (seconds) on thread tid: counts in the
 * merged and per-thread figures, overall and in the live window. */
void profile_zone_event_at(struct profile *p, uint32_t zone, pid_t tid, double t,
			   uint64_t duration_ns);
/* A zone's figures for thread tid (0: all threads) over the last `seconds`
 * (0: everything since start or reset) at time now. When hist is given it
 * receives the histogram the figures come from (hist_init'ed by the caller).
 * Cost: overall, the histogram's buckets; a window, its zone entries. */
void profile_zone_summary(struct profile *p, uint32_t zone, pid_t tid, double seconds, double now,
			  struct profile_zone_summary *out, struct hist *hist);
/* The same for every zone at once (out has profile_zone_count() entries),
 * reading a window's entries once. */
void profile_zone_summaries(struct profile *p, pid_t tid, double seconds, double now,
			    struct profile_zone_summary *out);
/* Writes into out the newest n (at most) per-second values of percentile
 * pct of zone, oldest first, the newest being the second of now (the seconds
 * not folded yet are read from the window ring, so the series reaches the
 * current partial second). tid 0 reads the kept series (all threads); another
 * thread is read from the ring only (at most WINDOW_SLOTS seconds). A second
 * without events is 0. Returns the values written. */
size_t profile_zone_pct_series(struct profile *p, uint32_t zone, pid_t tid,
			       enum profile_zone_pct pct, double now, float *out, size_t n);
/* The agent's cumulative exact statistics of one zone on one thread, read at
 * time t (seconds, the events' clock): they cover the events of that thread
 * that ended at or before t; the exact figures add the events received that
 * ended after t until the next statistics. */
void profile_zone_stats(struct profile *p, uint32_t zone, pid_t tid, uint64_t count,
			double sum_ns, uint64_t min_ns, uint64_t max_ns, double t);
size_t profile_zone_count(const struct profile *p);
/* The overall histogram of zone on thread tid (0: all threads merged), or
 * NULL when that thread had none. For saving a snapshot. */
const struct hist *profile_zone_hist(const struct profile *p, uint32_t zone, pid_t tid);
/* Snapshot loading: adds the events h summarises to the overall histogram
 * of zone on thread tid (0: the merged one; a thread's events are restored
 * into both, each with its own call). Exact figures and times are not
 * touched. */
void profile_zone_restore(struct profile *p, uint32_t zone, pid_t tid, const struct hist *h);
/* Snapshot loading: adds the events h summarises to the live window's
 * second s for zone on thread tid, as profile_zone_event_at() would have. */
void profile_zone_window_restore(struct profile *p, uint32_t zone, pid_t tid, int64_t s,
				 const struct hist *h);

/* Counters by name; returns the counter id. */
uint32_t profile_counter(struct profile *p, const char *name);
/* Adds delta (gauge false) or sets the value (gauge true) at time t (seconds). */
void profile_counter_update(struct profile *p, uint32_t counter, bool gauge, double value,
			    double t);
/* The agent's exact running total of an added counter (survives dropped
 * updates): raises the total to it when the updates received fell short. */
void profile_counter_total(struct profile *p, uint32_t counter, double total, double t);
size_t profile_counter_count(const struct profile *p);
/* A counter's rate per second over about the last `seconds` (up to a minute)
 * at time now: (total now - total then) / (now - then), "then" being the
 * newest update second at least `seconds` old (or the oldest kept). 0 when
 * nothing changed; times 60 gives the rate per minute. */
double profile_counter_rate(const struct profile *p, uint32_t counter, double seconds, double now);
/* A counter over the scope's window: what was added in the seconds a window
 * of `seconds` at now covers (window_range(), the seconds the zones' and the
 * samples' windows cover), or the total when seconds <= 0; a gauge's value
 * either way. A profile loaded from a snapshot keeps no per-second additions:
 * its window is estimated from the per-update-second totals (the rate's). */
double profile_counter_in_window(const struct profile *p, uint32_t counter, double seconds,
				 double now);

/* Appends a mark; the oldest is dropped past PROFILE_MAX_MARKS. */
void profile_mark(struct profile *p, double t, pid_t tid, const char *text);
/* Mark i, 0 = oldest kept. */
const struct profile_mark *profile_mark_at(const struct profile *p, size_t i);

/* Sorted function ids: by self (by_total false) or total, biggest first,
 * ties by name. out must hold profile_func_count() entries; returns that. */
size_t profile_funcs_sorted(const struct profile *p, bool by_total, uint32_t *out);

/* The newest time the profile has seen (samples, zones, counters): the
 * "now" to pass for a live window on the agent's clock. */
double profile_now(const struct profile *p);

void profile_view_init(struct profile_view *v);
void profile_view_release(struct profile_view *v);
/* Fills v for its tid and seconds at time now (normally profile_now()).
 * The window covers the seconds floor(now) - seconds + 1 up to the newest
 * one seen, the current partial second included.
 * Cost of a refresh: copying the flat table (the functions), plus for a
 * window the seconds that left it since the last refresh (their entries
 * times depth). Once, when asked: one thread's tables, built from its pairs
 * (its distinct stacks times depth), and a window of another length or
 * thread than the last one, or older than it, rebuilt from the ring (its
 * entries times depth). The trees returned are the kept ones. */
void profile_view_update(struct profile *p, struct profile_view *v, double now);

/* The agent's cost: profile_cost_connect at each new connection (its
 * figures start from 0 again), then profile_cost_update with each STATS's
 * figures, which count from that connection's start. p->cost is the sum
 * over connections. */
void profile_cost_connect(struct profile *p);
void profile_cost_update(struct profile *p, const struct profile_cost *since_connect);
/* The agent's CPU time (handler and writer) as a percentage of the
 * process's CPU time over the same span, at most 100, or -1 when not known
 * (no figure from the agent, or no CPU time yet). Not reset by
 * profile_reset. */
double profile_cost_pct(const struct profile *p);

/* The UI's reset (R): clears sample counts, the flat table, trees, the
 * window, zone and counter figures (an added counter restarts from 0, a
 * gauge keeps its value), and thread sample counts. Function, stack, zone,
 * counter and thread ids stay valid, as do names and marks. */
void profile_reset(struct profile *p);

#endif
