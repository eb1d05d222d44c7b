/*
 * proclist — the process list as the user sees it: filtered and sorted.
 *
 * Builds an array of pointers into the model (valid while the caller holds
 * the model's lock). Sort keys come from one X-macro list so that the UI's
 * key bindings, column headers and the sort code cannot drift apart.
 */
#ifndef PERFTOP_MODEL_PROCLIST_H
#define PERFTOP_MODEL_PROCLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

/* id, label, descending by default */
#define PROC_SORT_KEYS(X)        \
	X(CPU, "CPU%", true)     \
	X(RSS, "RSS", true)      \
	X(PID, "PID", false)     \
	X(NAME, "Command", false)

enum proc_sort {
#define X(id, label, desc) PROC_SORT_##id,
	PROC_SORT_KEYS(X)
#undef X
	PROC_SORT_COUNT
};

const char *proc_sort_label(enum proc_sort key);
/* The natural direction of a key: biggest first for CPU and RSS. */
bool proc_sort_default_descending(enum proc_sort key);

/* True when p matches filter: a case-insensitive substring of its command
 * line, name or user, or its pid written in full. NULL or "" matches all. */
bool proc_matches(const struct process *p, const char *filter);

/* Sorts by key (then by pid, so the order is stable between refreshes). */
void proc_sort(struct process **procs, size_t n, enum proc_sort key, bool descending);

/* Fills *out (grown as needed; *out_alloc tracks its size) with the model's
 * processes matching filter, sorted. Returns the count. Exited processes are
 * included (they are only kept while watched). Caller holds the model lock. */
size_t proclist_build(const struct model *m, const char *filter, enum proc_sort key,
		      bool descending, struct process ***out, size_t *out_alloc);

#endif
