/*
 * export — a profile in the formats other tools read.
 *
 *   folded      "main;parse;read 12" per distinct stack, root first, for
 *               flamegraph.pl and inferno; the counts add up to the samples.
 *               With folded_comm, per (process, stack), the process's comm
 *               as the root frame: "make;main;... 12".
 *   pprof       gzip'd profile.proto (samples/count and cpu/nanoseconds,
 *               each sample labelled thread, tid, pid and comm,
 *               mappings per module, locations, functions, lines, period and
 *               duration) for `go tool pprof`, Pyroscope and Parca.
 *   speedscope  the speedscope file format: one sampled profile per process
 *               and thread ("comm (pid N): thread (tid M)"), weights in samples.
 *   chrome      Chrome trace event JSON (Perfetto, chrome://tracing): thread
 *               names as "M" metadata, counters as "C" events, marks as "i"
 *               instant events, and zones as "X" complete events. The profile
 *               keeps no per-event zone times, only per-second figures of the
 *               last WINDOW_SLOTS seconds, so each zone event in the trace is
 *               the zone's total time on one thread in one second (args say
 *               how many events it stands for); "otherData" says so.
 *
 * Samples whose stack could not be unwound count as one frame "[no stack]",
 * so every format's totals equal the profile's sample count. Names are
 * written so no name can break a format (see docs/exports.md).
 *
 * Everything reads through const pointers; the caller holds the model's lock
 * when the profile is live.
 */
#ifndef PERFTOP_REPORT_EXPORT_H
#define PERFTOP_REPORT_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "model/model.h"
#include "model/profile.h"

#define EXPORT_FORMATS(X)                         \
	X(FOLDED, "folded", export_folded)        \
	X(PPROF, "pprof", export_pprof)           \
	X(SPEEDSCOPE, "speedscope", export_speedscope) \
	X(CHROME, "chrome", export_chrome)

enum export_format {
#define X(id, name, fn) EXPORT_##id,
	EXPORT_FORMATS(X)
#undef X
	EXPORT_COUNT
};

/* The frame name that stands for samples without a stack. */
#define EXPORT_NO_STACK "[no stack]"

struct export_source {
	const struct profile *p;      /* required */
	const struct process *proc;   /* may be NULL */
	const char *program;          /* shown as the profile's name; may be NULL */
	double start_unix;            /* wall-clock start in seconds, 0 when unknown */
	/* The model whose process tree p merges (model/proctree.h), or NULL
	 * when p is proc's own: each thread's process is looked up there. */
	const struct model *tree;
	bool folded_comm;             /* folded: each stack starts with its process's command */
};

/* The process whose thread tid is: its member in src->tree, else src->proc
 * (NULL when neither knows). pprof labels each sample with its pid and
 * comm, speedscope names each thread's profile after it, folded stacks
 * start with its comm when folded_comm. */
const struct process *export_thread_process(const struct export_source *src, pid_t tid);

/* Parses a format name. Returns 0 or -EINVAL. */
int export_format_parse(const char *s, enum export_format *out);
const char *export_format_name(enum export_format f);

/* Writes src in format fmt to f. Returns 0, or a negative errno with the
 * reason in why (a failed write, a compression error). */
int export_write(FILE *f, enum export_format fmt, const struct export_source *src, char *why,
		 size_t why_len);

/* The individual writers, with export_write's contract. */
int export_folded(FILE *f, const struct export_source *src, char *why, size_t why_len);
int export_pprof(FILE *f, const struct export_source *src, char *why, size_t why_len);
int export_speedscope(FILE *f, const struct export_source *src, char *why, size_t why_len);
int export_chrome(FILE *f, const struct export_source *src, char *why, size_t why_len);

/* The sampling period in nanoseconds pprof and others are given: from the
 * requested rate, else the achieved one, else 100 Hz. */
double export_period_ns(const struct profile *p);

#endif
