/* pylines — samples per (interpreted function, line); see pylines.h. */
#include "model/pylines.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void pylines_init(struct pylines *pl)
{
	memset(pl, 0, sizeof(*pl));
	hashmap_init(&pl->index);
}

void pylines_release(struct pylines *pl)
{
	free(pl->e);
	hashmap_release(&pl->index);
	memset(pl, 0, sizeof(*pl));
}

void pylines_clear(struct pylines *pl)
{
	pylines_release(pl);
	pylines_init(pl);
}

static struct pylines_entry *entry(struct pylines *pl, uint32_t func, uint32_t line)
{
	uint64_t key = (uint64_t)func << 32 | line;
	uintptr_t i1 = (uintptr_t)hashmap_get(&pl->index, key);
	struct pylines_entry *e;

	if (i1)
		return &pl->e[i1 - 1];
	XGROW(pl->e, pl->alloc, pl->n + 1, 64);
	e = &pl->e[pl->n++];
	memset(e, 0, sizeof(*e));
	e->func = func;
	e->line = line;
	hashmap_put(&pl->index, key, (void *)(uintptr_t)pl->n);
	return e;
}

void pylines_add(struct pylines *pl, const uint32_t *funcs, const uint32_t *lines, size_t depth,
		 long self_at, uint64_t count)
{
	uint64_t stamp = ++pl->stamp_next;

	for (size_t i = 0; i < depth; i++) {
		struct pylines_entry *e;

		if (!lines[i])
			continue;
		e = entry(pl, funcs[i], lines[i]);
		if (e->stamp != stamp) {
			e->stamp = stamp;
			e->total += count;
		}
		if ((long)i == self_at)
			e->self += count;
	}
}

void pylines_restore(struct pylines *pl, uint32_t func, uint32_t line, uint64_t self,
		     uint64_t total)
{
	struct pylines_entry *e;

	if (!line)
		return;
	e = entry(pl, func, line);
	e->self += self;
	e->total += total;
}

static int compare(const void *pa, const void *pb, void *ctx)
{
	const struct pylines *pl = ctx;
	const struct pylines_entry *a = &pl->e[*(const uint32_t *)pa];
	const struct pylines_entry *b = &pl->e[*(const uint32_t *)pb];

	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	if (a->self != b->self)
		return a->self > b->self ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

size_t pylines_of(const struct pylines *pl, uint32_t func, uint32_t *out)
{
	size_t k = 0;

	for (size_t i = 0; i < pl->n; i++)
		if (pl->e[i].func == func)
			out[k++] = (uint32_t)i;
	qsort_r(out, k, sizeof(*out), compare, (void *)pl);
	return k;
}
