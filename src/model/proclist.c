/* proclist — filtering and sorting the process list; see proclist.h. */
#include "model/proclist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "util/xalloc.h"

static const struct {
	const char *label;
	bool descending;
} sort_keys[] = {
#define X(id, label, desc) { label, desc },
	PROC_SORT_KEYS(X)
#undef X
};

const char *proc_sort_label(enum proc_sort key)
{
	return key < PROC_SORT_COUNT ? sort_keys[key].label : "?";
}

bool proc_sort_default_descending(enum proc_sort key)
{
	return key < PROC_SORT_COUNT && sort_keys[key].descending;
}

bool proc_matches(const struct process *p, const char *filter)
{
	char pid[24];

	if (!filter || !*filter)
		return true;
	snprintf(pid, sizeof(pid), "%d", (int)p->pid);
	return !strcmp(pid, filter) || str_contains_nocase(p->comm, filter) ||
	       (p->cmdline && str_contains_nocase(p->cmdline, filter)) ||
	       str_contains_nocase(p->user, filter);
}

static int cmp_num(double a, double b)
{
	return (a > b) - (a < b);
}

static int compare(const struct process *a, const struct process *b, enum proc_sort key)
{
	switch (key) {
	case PROC_SORT_CPU:
		return cmp_num(a->cpu, b->cpu);
	case PROC_SORT_RSS:
		return cmp_num((double)a->rss_kb, (double)b->rss_kb);
	case PROC_SORT_NAME:
		return strcasecmp(a->comm, b->comm);
	case PROC_SORT_PID:
	case PROC_SORT_COUNT:
		break;
	}
	return 0;
}

/* The order qsort_r() sorts by. */
struct sort_ctx {
	enum proc_sort key;
	bool desc;
};

static int compare_for_qsort(const void *pa, const void *pb, void *ctx)
{
	const struct process *a = *(struct process *const *)pa;
	const struct process *b = *(struct process *const *)pb;
	const struct sort_ctx *o = ctx;
	int c = compare(a, b, o->key);

	if (o->desc)
		c = -c;
	if (!c)
		c = cmp_num(a->pid, b->pid) * (o->key == PROC_SORT_PID && o->desc ? -1 : 1);
	return c;
}

void proc_sort(struct process **procs, size_t n, enum proc_sort key, bool descending)
{
	struct sort_ctx o = {key, descending};

	if (n < 2)
		return; /* also keeps a NULL array away from qsort */
	qsort_r(procs, n, sizeof(*procs), compare_for_qsort, &o);
}

size_t proclist_build(const struct model *m, const char *filter, enum proc_sort key,
		      bool descending, struct process ***out, size_t *out_alloc)
{
	size_t n = 0;

	if (*out_alloc < m->nprocs) {
		*out_alloc = m->nprocs + 64;
		*out = xreallocarray(*out, *out_alloc, sizeof(**out));
	}
	for (size_t i = 0; i < m->nprocs; i++)
		if (proc_matches(m->procs[i], filter))
			(*out)[n++] = m->procs[i];
	proc_sort(*out, n, key, descending);
	return n;
}
