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

/* When a node's children were last sorted: for which scope, and its total
 * (CALLTREE_ALL: totals only grow, so an unchanged total means no child
 * moved) or the tree's window generation (window counts also shrink). */
struct calltree_sorted {
	enum calltree_scope scope;
	uint64_t key;
};

static uint32_t new_node(struct calltree *t, uint32_t parent, uint32_t func)
{
	struct calltree_node *n;

	XGROW(t->nodes, t->alloc, t->count + 1, 64);
	n = &t->nodes[t->count];
	n->func = func;
	n->parent = parent;
	n->child = n->next = CALLTREE_NONE;
	n->total = n->wtotal = 0;
	return (uint32_t)t->count++;
}

void calltree_init(struct calltree *t)
{
	memset(t, 0, sizeof(*t));
	hashmap_init(&t->sorted);
	new_node(t, CALLTREE_NONE, CALLTREE_NONE);
}

void calltree_release(struct calltree *t)
{
	size_t pos = 0;
	void *v;

	while (hashmap_next(&t->sorted, &pos, NULL, &v))
		free(v);
	hashmap_release(&t->sorted);
	free(t->nodes);
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
	if ((t->count + 1) * 4 > t->cap * 3) /* at most 3/4 full */
		index_grow(t);
	id = new_node(t, parent, func);
	index_insert(t->slots, t->cap, &t->nodes[id], id);
	/* New children go first; the next sort puts them in place. */
	p = &t->nodes[parent];
	t->nodes[id].next = p->child;
	p->child = id;
	return id;
}

uint32_t calltree_path(struct calltree *t, const uint32_t *funcs, size_t n, bool reversed)
{
	uint32_t node = CALLTREE_ROOT;

	for (size_t i = 0; i < n; i++)
		node = calltree_child_add(t, node, funcs[reversed ? n - 1 - i : i]);
	return node;
}

void calltree_add(struct calltree *t, uint32_t node, uint64_t count, uint64_t wcount)
{
	struct calltree_node *nodes = t->nodes;

	if (wcount) {
		t->wgen++;
		for (uint32_t id = node; id != CALLTREE_NONE; id = nodes[id].parent) {
			nodes[id].total += count;
			nodes[id].wtotal += wcount;
		}
		return;
	}
	for (uint32_t id = node; id != CALLTREE_NONE; id = nodes[id].parent)
		nodes[id].total += count;
}

void calltree_window_sub(struct calltree *t, uint32_t node, uint64_t count)
{
	t->wgen++;
	for (uint32_t id = node; id != CALLTREE_NONE; id = t->nodes[id].parent)
		t->nodes[id].wtotal -= count;
}

void calltree_window_clear(struct calltree *t)
{
	t->wgen++;
	for (size_t id = 0; id < t->count; id++)
		t->nodes[id].wtotal = 0;
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

uint64_t calltree_total(const struct calltree *t, uint32_t node, enum calltree_scope scope)
{
	return scope == CALLTREE_WINDOW ? t->nodes[node].wtotal : t->nodes[node].total;
}

uint64_t calltree_self(const struct calltree *t, uint32_t node, enum calltree_scope scope)
{
	uint64_t self = calltree_total(t, node, scope);

	for (uint32_t c = t->nodes[node].child; c != CALLTREE_NONE; c = t->nodes[c].next)
		self -= calltree_total(t, c, scope);
	return self;
}

/* ---- sorted children ------------------------------------------------------------ */

/* The nodes and scope qsort_r() sorts children by. */
struct sort_ctx {
	const struct calltree_node *nodes;
	enum calltree_scope scope;
};

static int compare_children(const void *pa, const void *pb, void *ctx)
{
	const struct sort_ctx *o = ctx;
	const struct calltree_node *a = &o->nodes[*(const uint32_t *)pa];
	const struct calltree_node *b = &o->nodes[*(const uint32_t *)pb];
	uint64_t ta = o->scope == CALLTREE_WINDOW ? a->wtotal : a->total;
	uint64_t tb = o->scope == CALLTREE_WINDOW ? b->wtotal : b->total;

	if (ta != tb)
		return ta > tb ? -1 : 1;
	if (a->func != b->func)
		return a->func < b->func ? -1 : 1;
	return 0;
}

/* Puts node's children in scope order, unless they are already. */
static void sort_children(struct calltree *t, uint32_t node, enum calltree_scope scope)
{
	struct calltree_sorted *mark = hashmap_get(&t->sorted, node);
	uint64_t key = scope == CALLTREE_WINDOW ? t->wgen : t->nodes[node].total;
	struct sort_ctx o = {t->nodes, scope};
	size_t n = 0;

	if (mark && mark->scope == scope && mark->key == key)
		return;
	if (!mark) {
		mark = xmalloc(sizeof(*mark));
		hashmap_put(&t->sorted, node, mark);
	}
	mark->scope = scope;
	mark->key = key;
	for (uint32_t c = t->nodes[node].child; c != CALLTREE_NONE; c = t->nodes[c].next) {
		XGROW(t->scratch, t->scratch_alloc, n + 1, 64);
		t->scratch[n++] = c;
	}
	if (n < 2)
		return;
	qsort_r(t->scratch, n, sizeof(*t->scratch), compare_children, &o);
	t->nodes[node].child = t->scratch[0];
	for (size_t i = 0; i + 1 < n; i++)
		t->nodes[t->scratch[i]].next = t->scratch[i + 1];
	t->nodes[t->scratch[n - 1]].next = CALLTREE_NONE;
}

size_t calltree_children(struct calltree *t, uint32_t node, enum calltree_scope scope,
			 uint32_t *out, size_t cap)
{
	size_t n = 0;

	if (!calltree_total(t, node, scope))
		return 0;
	sort_children(t, node, scope);
	for (uint32_t c = t->nodes[node].child; c != CALLTREE_NONE; c = t->nodes[c].next) {
		if (!calltree_total(t, c, scope))
			continue; /* a child made but not counted yet */
		if (n < cap)
			out[n] = c;
		n++;
	}
	return n;
}
