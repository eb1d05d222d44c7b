/*
 * syswide — the machine-wide Functions table, as `perf top` shows by default.
 *
 * While the view asks for it (want), the collector samples every CPU's
 * instruction pointer (collect/syswide.h) and adds each sample here as one
 * row per (command, function, module), counting samples; the row keeps the
 * last pid seen so the view can open that process. When it cannot sample,
 * why says so with the remedy. A flat table, not per-process profiles: it
 * is emptied when the view closes. Caller holds the model lock.
 */
#ifndef PERFTOP_MODEL_SYSWIDE_H
#define PERFTOP_MODEL_SYSWIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/hashmap.h"

enum {
	SYSWIDE_COMM_LEN = 16,
	SYSWIDE_NAME_LEN = 128,
	SYSWIDE_MODULE_LEN = 64,
	SYSWIDE_MAX_ROWS = 8192,  /* beyond: samples count in the total only */
	SYSWIDE_WHY_LEN = 512,
};

struct syswide_row {
	char comm[SYSWIDE_COMM_LEN];
	char func[SYSWIDE_NAME_LEN];
	char module[SYSWIDE_MODULE_LEN];
	pid_t pid;                /* the last process seen in this row */
	uint64_t samples;
	uint64_t hash;
};

struct syswide {
	bool want;                /* the view is open: the collector samples */
	unsigned opens;           /* times the view was opened: a refusal is retried at each */
	bool active;              /* the events are open */
	bool kernel;              /* kernel samples are allowed ("[kernel]" rows) */
	char why[SYSWIDE_WHY_LEN];/* why it cannot sample, "" when it can */
	struct syswide_row *rows;
	size_t nrows, rows_alloc;
	struct hashmap by_hash;   /* row hash -> index + 1 (first row with it) */
	uint64_t total;           /* every sample added */
	uint64_t lost;            /* samples the kernel dropped (a ring was full) */
};

void syswide_init(struct syswide *s);
/* Frees the rows and empties the table (want and why are kept). */
void syswide_clear(struct syswide *s);
void syswide_release(struct syswide *s);
/* Counts one sample of pid running comm in func of module. */
void syswide_add(struct syswide *s, pid_t pid, const char *comm, const char *func,
		 const char *module);

#endif
