/*
 * figures — what every output says about a zone, a counter, a function and
 * a process, computed in one place.
 *
 * The TUI's tabs, --batch, `perftop report`, budgets and diffs all read
 * their figures here, so they always measure the same thing. The one rule
 * that makes zone figures subtle lives here only: the agent's exact
 * statistics (count, sum, min, max, kept by the agent for every event, even
 * those it could not send) override the histogram's for count, total, mean,
 * min and max; the percentiles always come from the histogram of the events
 * received (within 1 %), and mean nothing when none arrived (have_pcts).
 *
 * Everything is read through const pointers; the caller holds the model's
 * lock when the profile is live. Names in the structs are borrowed from the
 * profile, which must outlive them.
 */
#ifndef PERFTOP_MODEL_FIGURES_H
#define PERFTOP_MODEL_FIGURES_H

#include <stdbool.h>
#include <stdint.h>

#include "model/model.h"
#include "model/profile.h"

/* A zone's figures. Durations in nanoseconds. */
struct zone_figures {
	const char *name;
	uint64_t count;
	double rate_per_s;          /* count over the time covered (at least 1 s) */
	double total_ns, mean_ns, min_ns, max_ns;
	double p50_ns, p90_ns, p95_ns, p99_ns, p999_ns;
	bool have_pcts;             /* events arrived: the percentiles mean something */
};

/* A counter's figures. */
struct counter_figures {
	const char *name;
	bool gauge;
	double total;               /* sum of adds, or the gauge's last value */
	/* Not for gauges (0): the total over the profile's duration (at least
	 * 1 s), and the rate over the last second of updates. */
	double rate_avg;
	double rate_last;
	double rate_min;            /* per minute, over the last minute of updates */
};

/* A function's samples over the whole profile. */
struct function_figures {
	uint32_t id;                /* function id in the profile */
	const char *name, *module, *file;
	int line;                   /* 0: unknown */
	uint64_t self, total;
	double self_pct, total_pct; /* of all the profile's samples */
};

/* A process's CPU and memory figures over its series. */
struct process_figures {
	bool have_cpu;              /* a CPU series: cpu_avg and cpu_max are valid */
	double cpu_avg, cpu_max;    /* percent of one CPU */
	bool have_rss;              /* an RSS series: the rss_ figures are valid */
	double rss_start, rss_end, rss_growth, rss_max; /* bytes */
};

/* The profile's duration in seconds, from its first to its newest event
 * (0 for NULL or an empty profile). */
double figures_duration(const struct profile *p);

/* Zone z's figures over the whole profile (z < profile_zone_count(p)):
 * the histogram of every event received, the agent's exact statistics over
 * it; the rate over figures_duration(). What reports, budgets and diffs use. */
void figures_zone(const struct profile *p, uint32_t z, struct zone_figures *out);

/* A zone's figures from a summary of its histogram alone (a thread, a live
 * window: scopes the agent's exact statistics do not cover). name is NULL. */
void figures_zone_summary(const struct profile_zone_summary *s, struct zone_figures *out);

/* Zone z's figures over everything, from its summary s over all threads and
 * the whole run (profile_zone_summary with tid 0 and no window) and the
 * agent's exact statistics; the rate over s->seconds. What the Zones tab
 * and --batch show. */
void figures_zone_scoped(const struct profile_zone *z, const struct profile_zone_summary *s,
			 struct zone_figures *out);

/* Counter c's figures (c < profile_counter_count(p)). */
void figures_counter(const struct profile *p, uint32_t c, struct counter_figures *out);

/* Function id's figures (id < profile_func_count(p)). */
void figures_function(const struct profile *p, uint32_t id, struct function_figures *out);

/* Function id's figures in a view v of p (a thread, a live window: what the
 * Functions tab shows): its self and total samples there, in percent of
 * the view's samples (id < v->nfuncs). */
void figures_function_view(const struct profile *p, const struct profile_view *v, uint32_t id,
			   struct function_figures *out);

/* proc's CPU and RSS figures; all absent for NULL or empty series. */
void figures_process(const struct process *proc, struct process_figures *out);

#endif
