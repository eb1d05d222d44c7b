/*
 * pylines — samples per (interpreted function, line executing in it): the
 * line view of a Python function. Kept as samples arrive, all threads and
 * the whole run (since start or reset), so reading it never replays samples.
 *
 * For each sample, every interpreted frame with a line counts once in the
 * total of its (function, line), however often the pair recurs in the stack;
 * the frame the caller names (the innermost interpreted frame, when nothing
 * but the interpreter's machinery runs inside it) counts in self.
 *
 * Ownership: the table owns its entries; pointers into it stay valid until
 * the next pylines_add(), pylines_restore(), pylines_clear() or release.
 */
#ifndef PERFTOP_MODEL_PYLINES_H
#define PERFTOP_MODEL_PYLINES_H

#include <stddef.h>
#include <stdint.h>

#include "util/hashmap.h"

struct pylines_entry {
	uint32_t func;              /* profile function id */
	uint32_t line;              /* the line executing, >= 1 */
	uint64_t self, total;
	uint64_t stamp;             /* internal: the last add that counted total */
};

struct pylines {
	struct pylines_entry *e;
	size_t n, alloc;
	struct hashmap index;       /* func << 32 | line -> index + 1 */
	uint64_t stamp_next;
};

void pylines_init(struct pylines *pl);
void pylines_release(struct pylines *pl);
/* Forgets every entry (a reset). */
void pylines_clear(struct pylines *pl);

/* Adds count samples of one stack: funcs and lines root first, depth
 * entries, line 0 for a frame without one (a native frame: skipped);
 * self_at is the index of the frame whose line counts in self, or -1. */
void pylines_add(struct pylines *pl, const uint32_t *funcs, const uint32_t *lines, size_t depth,
		 long self_at, uint64_t count);

/* Snapshot loading: adds self and total to (func, line). line >= 1. */
void pylines_restore(struct pylines *pl, uint32_t func, uint32_t line, uint64_t self,
		     uint64_t total);

/* The entries of func, hottest first (total, then self, then line), as
 * indexes into pl->e written to out (room for pl->n). Returns how many. */
size_t pylines_of(const struct pylines *pl, uint32_t func, uint32_t *out);

#endif
