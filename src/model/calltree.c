/* calltree — call paths with counts, lazily sorted children; see calltree.h. */
#include "model/calltree.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static uint64_t mix(uint32_t parent, uint32_t func)
{
	uint64_t x = (uint64_t)parent << 32 | func;

	/* splitmix64 finaliser */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint32_t new_node(struct calltree *t, uint32_t parent, uint32_t func)
{
	struct calltree_node *n;

	if (t->count == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 64;
		t->nodes = xreallocarray(t->nodes, t->alloc, sizeof(*t->nodes));
		t->unsorted = xrealloc(t->unsorted, t->alloc);
	}
	n = &t->nodes[t->count];
	n->func = func;
	n->parent = parent;
	n->child = n->next = CALLTREE_NONE;
	n->self = n->total = 0;
	t->unsorted[t->count] = 0;
	return (uint32_t)t->count++;
}

void calltree_init(struct calltree *t)
{
	memset(t, 0, sizeof(*t));
	new_node(t, CALLTREE_NONE, CALLTREE_NONE);
}

void calltree_release(struct calltree *t)
{
	free(t->nodes);
	free(t->unsorted);
	free(t->slots);
	free(t->scratch);
	memset(t, 0, sizeof(*t));
}

void calltree_clear(struct calltree *t)
{
	calltree_release(t);
	calltree_init(t);
}

size_t calltree_count(const struct calltree *t)
{
	return t->count;
}

/* ---- the (parent, func) index ----------------------------------------------- */

static void index_insert(uint32_t *slots, size_t cap, const struct calltree_node *n, uint32_t id)
{
	size_t mask = cap - 1;

	for (size_t i = mix(n->parent, n->func) & mask;; i = (i + 1) & mask)
		if (!slots[i]) {
			slots[i] = id + 1;
			return;
		}
}

static void index_grow(struct calltree *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	uint32_t *slots = xcalloc(cap, sizeof(*slots));

	for (size_t id = 1; id < t->count; id++)
		index_insert(slots, cap, &t->nodes[id], (uint32_t)id);
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
}

uint32_t calltree_child(const struct calltree *t, uint32_t parent, uint32_t func)
{
	size_t mask = t->cap - 1;

	if (!t->cap)
		return CALLTREE_NONE;
	for (size_t i = mix(parent, func) & mask; t->slots[i]; i = (i + 1) & mask) {
		const struct calltree_node *n = &t->nodes[t->slots[i] - 1];

		if (n->parent == parent && n->func == func)
			return t->slots[i] - 1;
	}
	return CALLTREE_NONE;
}

uint32_t calltree_child_add(struct calltree *t, uint32_t parent, uint32_t func)
{
	uint32_t id = calltree_child(t, parent, func);
	struct calltree_node *p;

	if (id != CALLTREE_NONE)
		return id;
	if ((t->count + 1) * 2 > t->cap)
		index_grow(t);
	id = new_node(t, parent, func);
	index_insert(t->slots, t->cap, &t->nodes[id], id);
	/* New children go first; the next sort puts them in place. */
	p = &t->nodes[parent];
	t->nodes[id].next = p->child;
	p->child = id;
	t->unsorted[parent] = 1;
	return id;
}

uint32_t calltree_path(struct calltree *t, const uint32_t *funcs, size_t n, bool reversed)
{
	uint32_t node = CALLTREE_ROOT;

	for (size_t i = 0; i < n; i++)
		node = calltree_child_add(t, node, funcs[reversed ? n - 1 - i : i]);
	return node;
}

void calltree_add(struct calltree *t, uint32_t node, uint64_t count)
{
	t->nodes[node].self += count;
	for (uint32_t id = node; id != CALLTREE_NONE; id = t->nodes[id].parent) {
		t->nodes[id].total += count;
		/* id's total moved, so its parent's order may have. */
		if (t->nodes[id].parent != CALLTREE_NONE)
			t->unsorted[t->nodes[id].parent] = 1;
	}
}

size_t calltree_depth(const struct calltree *t, uint32_t node)
{
	size_t d = 0;

	while (t->nodes[node].parent != CALLTREE_NONE) {
		node = t->nodes[node].parent;
		d++;
	}
	return d;
}

/* ---- sorted walks --------------------------------------------------------------- */

static _Thread_local const struct calltree_node *sort_nodes;
static _Thread_local const uint64_t *sort_totals; /* NULL: the nodes' own totals */

static int compare_children(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	uint64_t ta = sort_totals ? sort_totals[a] : sort_nodes[a].total;
	uint64_t tb = sort_totals ? sort_totals[b] : sort_nodes[b].total;

	if (ta != tb)
		return ta > tb ? -1 : 1;
	if (sort_nodes[a].func != sort_nodes[b].func)
		return sort_nodes[a].func < sort_nodes[b].func ? -1 : 1;
	return 0;
}

/* Copies node's children into t->scratch; returns how many. */
static size_t gather(struct calltree *t, uint32_t node)
{
	size_t n = 0;

	for (uint32_t c = t->nodes[node].child; c != CALLTREE_NONE; c = t->nodes[c].next) {
		if (n == t->scratch_alloc) {
			t->scratch_alloc = t->scratch_alloc ? t->scratch_alloc * 2 : 64;
			t->scratch = xreallocarray(t->scratch, t->scratch_alloc, sizeof(*t->scratch));
		}
		t->scratch[n++] = c;
	}
	return n;
}

static void sort_children(struct calltree *t, uint32_t node)
{
	size_t n;

	if (!t->unsorted[node])
		return;
	t->unsorted[node] = 0;
	n = gather(t, node);
	if (n < 2)
		return;
	sort_nodes = t->nodes;
	sort_totals = NULL;
	qsort(t->scratch, n, sizeof(*t->scratch), compare_children);
	t->nodes[node].child = t->scratch[0];
	for (size_t i = 0; i + 1 < n; i++)
		t->nodes[t->scratch[i]].next = t->scratch[i + 1];
	t->nodes[t->scratch[n - 1]].next = CALLTREE_NONE;
}

uint32_t calltree_first_child(struct calltree *t, uint32_t node)
{
	sort_children(t, node);
	return t->nodes[node].child;
}

uint32_t calltree_next_sibling(const struct calltree *t, uint32_t node)
{
	return t->nodes[node].next;
}

uint64_t calltree_total(const struct calltree *t, const struct calltree_counts *c, uint32_t node)
{
	if (c)
		return node < c->alloc ? c->total[node] : 0;
	return t->nodes[node].total;
}

uint64_t calltree_self(const struct calltree *t, const struct calltree_counts *c, uint32_t node)
{
	if (c)
		return node < c->alloc ? c->self[node] : 0;
	return t->nodes[node].self;
}

size_t calltree_children(struct calltree *t, const struct calltree_counts *c, uint32_t node,
			 uint32_t *out, size_t cap)
{
	size_t n = 0, kept = 0;

	if (!c) {
		for (uint32_t ch = calltree_first_child(t, node); ch != CALLTREE_NONE;
		     ch = t->nodes[ch].next) {
			if (!t->nodes[ch].total)
				continue;
			if (n < cap)
				out[n] = ch;
			n++;
		}
		return n;
	}
	if (calltree_total(t, c, node) == 0)
		return 0;
	n = gather(t, node);
	for (size_t i = 0; i < n; i++)
		if (calltree_total(t, c, t->scratch[i]))
			t->scratch[kept++] = t->scratch[i];
	sort_nodes = t->nodes;
	sort_totals = c->total;
	qsort(t->scratch, kept, sizeof(*t->scratch), compare_children);
	memcpy(out, t->scratch, (kept < cap ? kept : cap) * sizeof(*out));
	return kept;
}

/* ---- counts of a subset ------------------------------------------------------- */

void calltree_counts_init(struct calltree_counts *c)
{
	memset(c, 0, sizeof(*c));
}

void calltree_counts_release(struct calltree_counts *c)
{
	free(c->self);
	free(c->total);
	free(c->touched);
	calltree_counts_init(c);
}

void calltree_counts_clear(struct calltree_counts *c)
{
	for (size_t i = 0; i < c->ntouched; i++)
		c->self[c->touched[i]] = c->total[c->touched[i]] = 0;
	c->ntouched = 0;
}

/* Room for n nodes. Fresh zeroed arrays, with only the touched entries
 * copied: pages no window reaches are never written, so never resident. */
static void counts_reserve(struct calltree_counts *c, size_t n)
{
	size_t alloc = c->alloc ? c->alloc : 1024;
	uint64_t *self, *total;

	if (n <= c->alloc)
		return;
	while (alloc < n)
		alloc *= 2;
	self = xcalloc(alloc, sizeof(*self));
	total = xcalloc(alloc, sizeof(*total));
	for (size_t i = 0; i < c->ntouched; i++) {
		self[c->touched[i]] = c->self[c->touched[i]];
		total[c->touched[i]] = c->total[c->touched[i]];
	}
	free(c->self);
	free(c->total);
	c->self = self;
	c->total = total;
	c->alloc = alloc;
}

void calltree_counts_add(struct calltree_counts *c, const struct calltree *t, uint32_t node,
			 uint64_t count)
{
	if (!count)
		return;
	counts_reserve(c, t->count);
	c->self[node] += count;
	for (uint32_t id = node; id != CALLTREE_NONE; id = t->nodes[id].parent) {
		if (!c->total[id]) {
			if (c->ntouched == c->touched_alloc) {
				c->touched_alloc = c->touched_alloc ? c->touched_alloc * 2 : 256;
				c->touched = xreallocarray(c->touched, c->touched_alloc,
							   sizeof(*c->touched));
			}
			c->touched[c->ntouched++] = id;
		}
		c->total[id] += count;
	}
}
