/*
 * report — what `perftop report` says about one profiled process, computed
 * once into a struct report and written as text, markdown or JSON.
 *
 * report_compute() reads a process (its CPU and RSS series) and its profile
 * (functions, stacks, zones, counters) and keeps every figure the report
 * shows: the summary, the hottest functions by self and by total, the hot
 * path tree to a depth, the zones with percentiles and the counters with
 * rates. report_write() turns those same figures into one of three formats
 * through report/table.h, so the formats never disagree. The figures come
 * from model/figures.h, which budgets judge too, so a budget and the report
 * always measure the same thing; the tables' columns come from
 * model/fields.h, which --batch writes too.
 *
 * Nothing here changes the profile or the model: everything is read through
 * const pointers, and the caller holds the model's lock if it is live.
 *
 * Ownership: a struct report owns its arrays; names in them are borrowed from
 * the profile and the process, which must outlive the report.
 */
#ifndef PERFTOP_REPORT_REPORT_H
#define PERFTOP_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "model/figures.h"
#include "model/model.h"
#include "model/profile.h"

struct budget;
struct table;
struct budget_result;

#define REPORT_FORMATS(X)           \
	X(TEXT, "text")             \
	X(MARKDOWN, "markdown")     \
	X(JSON, "json")

enum report_format {
#define X(id, name) REPORT_##id,
	REPORT_FORMATS(X)
#undef X
};

/* The JSON schema version written as "schema" (docs/report-schema.md). */
#define REPORT_SCHEMA "perftop-report/1"

/* The summary's figures: id, label, JSON member, table kind. Each is present
 * or not (r->have[]): a profile with no process series has no CPU figures. */
#define REPORT_SUMMARY(X)                                                     \
	X(DURATION, "duration", "duration_s", SECONDS)                        \
	X(SAMPLES, "samples", "samples", COUNT)                               \
	X(NO_STACK, "samples without a stack", "samples_no_stack", COUNT)     \
	X(REQUESTED_HZ, "requested rate", "requested_hz", HZ)                 \
	X(ACHIEVED_HZ, "achieved rate", "achieved_hz", HZ)                    \
	X(DROPPED, "dropped by the agent", "dropped", COUNT)                  \
	X(AGENT_COST, "agent CPU, of the target's", "agent_cost_pct", PCT)    \
	X(AGENT_HANDLER, "agent handler CPU", "agent_handler_s", SECONDS)     \
	X(AGENT_WRITER, "agent writer CPU", "agent_writer_s", SECONDS)        \
	X(THREADS, "threads", "threads", COUNT)                               \
	X(CPU_AVG, "CPU average", "cpu_avg_pct", PCT)                         \
	X(CPU_MAX, "CPU max", "cpu_max_pct", PCT)                             \
	X(RSS_START, "RSS start", "rss_start_bytes", BYTES)                   \
	X(RSS_END, "RSS end", "rss_end_bytes", BYTES)                         \
	X(RSS_GROWTH, "RSS growth", "rss_growth_bytes", BYTES)                \
	X(RSS_MAX, "RSS max", "rss_max_bytes", BYTES)                         \
	X(MARKS, "marks", "marks", COUNT)

enum report_figure {
#define X(id, label, key, kind) RS_##id,
	REPORT_SUMMARY(X)
#undef X
	RS_COUNT
};

struct report_opts {
	size_t top;          /* functions per table; 0: REPORT_DEFAULT_TOP */
	size_t depth;        /* hot path tree depth; 0: REPORT_DEFAULT_DEPTH */
	double tree_min_pct; /* tree nodes under this share of samples are left out;
				0: REPORT_DEFAULT_TREE_PCT */
};

enum {
	REPORT_DEFAULT_TOP = 10,
	REPORT_DEFAULT_DEPTH = 8,
	REPORT_DEFAULT_TREE_PCT = 5,
	REPORT_MAX_TREE_ROWS = 200,
};

struct report_node {
	unsigned depth;             /* 1 for a root function */
	uint32_t func;
	const char *name, *module;
	uint64_t self, total;
	double self_pct, total_pct;
};

struct report {
	const char *program;        /* executable or command name */
	const char *cmdline;        /* may be NULL */
	pid_t pid;
	int wait_status;            /* how the process ended (a wait status), -1: unknown */
	/* Where the samples came from: "agent" (an agent in the process),
	 * "outside" (perf events from outside, no agent: the agent's own
	 * figures do not apply), or NULL (no profile). */
	const char *source;
	double fig[RS_COUNT];
	bool have[RS_COUNT];
	struct function_figures *by_self, *by_total;
	size_t nby_self, nby_total;
	struct report_node *tree;
	size_t ntree;
	size_t tree_depth;
	double tree_min_pct;
	struct zone_figures *zones; /* by total time, largest first */
	size_t nzones;
	struct counter_figures *counters; /* by name */
	size_t ncounters;
	/* Budget results to print with the report (see budget.h), or NULL. */
	const struct budget *budget;
	const struct budget_result *results;
	/* A table written after the others in every format (the process
	 * tree, report_procs.h), or NULL; borrowed. */
	const struct table *extra;
};

/* The process a report on m is about: pid's when pid > 0 (NULL if absent),
 * else the one whose profile has the most samples, else the only process.
 * Caller holds m's lock when m is live. */
const struct process *report_pick(const struct model *m, pid_t pid);

/* Computes the report on proc (may be NULL) and its profile p (may be NULL:
 * proc->profile is used when p is NULL). tick_s is the model's interval (the
 * duration of a process without a profile comes from its series). opts may be
 * NULL. Release with report_release(). */
void report_compute(struct report *r, const struct process *proc, const struct profile *p,
		    double tick_s, const struct report_opts *opts);
void report_release(struct report *r);

/* Writes r in format fmt to f. Returns 0, or -EIO when a write failed. */
int report_write(FILE *f, const struct report *r, enum report_format fmt);

/* Parses "text", "markdown" (or "md") or "json". Returns 0 or -EINVAL. */
int report_format_parse(const char *s, enum report_format *out);

#endif
