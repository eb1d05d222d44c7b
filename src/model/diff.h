/*
 * diff — what changed between two profiles (BASE and NEW).
 *
 * Functions are matched by (module, name). Each one is measured two ways:
 *   - its CPU time: self samples / the sampling rate, per second of its
 *     run (milliseconds of CPU a second), so runs of different lengths
 *     compare and a function whose own time did not change shows 0 % even
 *     when another one grew; the change is relative, in % of BASE's;
 *   - its self and total as shares of its own profile's samples; the change
 *     is in percentage points (NEW - BASE). A share moves when anything
 *     else does, so it is shown beside the CPU time, never alone.
 * Zones are matched by name; their p50 and p95 change in percent of BASE's.
 * Functions are sorted by the largest regression first: the change in CPU
 * time (ms/s), then in self and total share, then by name; zones by the
 * change in p95.
 *
 * Two profiles of different programs (executable names differ) still
 * compare; d->different_programs says so and the writers print a warning.
 *
 * The TUI's diff view will need the same figures per row: diff_func_find()
 * gives a NEW function's change by its id.
 *
 * report/diff.h writes a diff as a report; the TUI's diff view draws it.
 *
 * Ownership: a struct diff owns its arrays; names are borrowed from the two
 * profiles, which must outlive it.
 */
#ifndef PERFTOP_MODEL_DIFF_H
#define PERFTOP_MODEL_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/profile.h"

struct diff_func {
	const char *name, *module;
	uint32_t base_id, new_id;   /* UINT32_MAX when absent from that profile */
	double base_self, new_self; /* percent of that profile's samples */
	double base_total, new_total;
	double d_self, d_total;     /* points: new - base */
	/* Self CPU time in ms per second of the run (0 when absent); the
	 * change in ms/s and in % of base (have_cpu_change: base > 0). */
	double base_ms, new_ms, d_ms, cpu_change;
	bool have_cpu_change;
};

struct diff_zone {
	const char *name;
	uint64_t base_count, new_count;
	double base_p50, new_p50, base_p95, new_p95; /* ns; 0 when no events */
	bool have_p50, have_p95;    /* both sides have events: the changes are valid */
	double p50_change, p95_change; /* percent of base */
};

struct diff {
	const char *base_program, *new_program;
	bool different_programs;
	uint64_t base_samples, new_samples;
	double base_seconds, new_seconds; /* each run's duration (at least 1 s) */
	double base_hz, new_hz;     /* sampling rates (requested; else achieved) */
	bool have_cpu;              /* both rates known: the ms/s figures are valid */
	/* What the writers call the two sides (the files), or NULL. */
	const char *base_label, *new_label;
	struct diff_func *funcs;    /* largest regression first */
	size_t nfuncs;
	struct diff_zone *zones;    /* largest p95 regression first */
	size_t nzones;
	uint32_t *by_new_id;        /* NEW function id -> index in funcs */
	size_t nnew;
};

/* Compares NEW with BASE. The program names (may be NULL: taken from the
 * profiles' executables) decide different_programs. */
void diff_compute(struct diff *d, const struct profile *base, const char *base_program,
		  const struct profile *new_, const char *new_program);
void diff_release(struct diff *d);

/* The row of NEW's function id, or NULL. */
const struct diff_func *diff_func_find(const struct diff *d, uint32_t new_id);

#endif
