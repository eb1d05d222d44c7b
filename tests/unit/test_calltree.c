/* Unit tests for model/calltree and the profile's trees: top-down self and
 * total along paths, merged and per-thread roots, the callers tree, recursion,
 * lazily re-sorted children and the window counts beside the totals. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "model/calltree.h"
#include "model/profile.h"

/* The node of path f[0..n) in t, or CALLTREE_NONE; creates nothing. */
static uint32_t find(const struct calltree *t, const uint32_t *f, size_t n)
{
	uint32_t node = CALLTREE_ROOT;

	for (size_t i = 0; i < n && node != CALLTREE_NONE; i++)
		node = calltree_child(t, node, f[i]);
	return node;
}

#define FIND(t, ...)                                                                               \
	find((t), (const uint32_t[]){ __VA_ARGS__ },                                              \
	     sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/* ---- the tree on its own -------------------------------------------------------- */

Test(calltree, paths_self_and_total)
{
	struct calltree t;
	uint32_t ab[] = { 1, 2 }, abc[] = { 1, 2, 3 }, ad[] = { 1, 4 };
	uint32_t n_ab, n_abc, n_ad;

	calltree_init(&t);
	n_ab = calltree_path(&t, ab, 2, false);
	n_abc = calltree_path(&t, abc, 3, false);
	n_ad = calltree_path(&t, ad, 2, false);
	cr_assert_eq(calltree_count(&t), 5); /* root, 1, 1-2, 1-2-3, 1-4 */
	cr_assert_eq(calltree_path(&t, ab, 2, false), n_ab, "a path is found, not added twice");
	calltree_add(&t, n_ab, 5, 0);
	calltree_add(&t, n_abc, 3, 0);
	calltree_add(&t, n_ad, 2, 0);
	cr_assert_eq(t.nodes[CALLTREE_ROOT].total, 10);
	cr_assert_eq(t.nodes[FIND(&t, 1)].total, 10);
	cr_assert_eq(calltree_self(&t, FIND(&t, 1), CALLTREE_ALL), 0);
	cr_assert_eq(t.nodes[n_ab].total, 8);
	cr_assert_eq(calltree_self(&t, n_ab, CALLTREE_ALL), 5);
	cr_assert_eq(t.nodes[n_abc].total, 3);
	cr_assert_eq(calltree_self(&t, n_abc, CALLTREE_ALL), 3);
	cr_assert_eq(calltree_depth(&t, n_abc), 3);
	cr_assert_eq(t.nodes[n_abc].parent, n_ab);
	cr_assert_eq(FIND(&t, 2), CALLTREE_NONE, "2 is never a root child");
	/* Reversed: the same ids read leaf first. */
	cr_assert_eq(calltree_path(&t, (uint32_t[]){ 2, 1 }, 2, true), n_ab);
	calltree_release(&t);
}

Test(calltree, children_sorted_lazily_after_changes)
{
	struct calltree t;
	uint32_t a, b, c, out[8];

	calltree_init(&t);
	a = calltree_path(&t, (uint32_t[]){ 7 }, 1, false);
	b = calltree_path(&t, (uint32_t[]){ 3 }, 1, false);
	c = calltree_path(&t, (uint32_t[]){ 9 }, 1, false);
	calltree_add(&t, a, 1, 0);
	calltree_add(&t, b, 5, 0);
	calltree_add(&t, c, 5, 0);
	/* 3 and 9 tie at 5: the smaller function id first; then 7. */
	cr_assert_eq(calltree_children(&t, CALLTREE_ROOT, CALLTREE_ALL, out, 8), 3);
	cr_assert_eq(out[0], b);
	cr_assert_eq(out[1], c);
	cr_assert_eq(out[2], a);
	/* 7 becomes the hottest: the next walk sees the new order. */
	calltree_add(&t, a, 10, 0);
	cr_assert_eq(calltree_children(&t, CALLTREE_ROOT, CALLTREE_ALL, out, 8), 3);
	cr_assert_eq(out[0], a);
	cr_assert_eq(out[1], b);
	cr_assert_eq(out[2], c);
	/* Fewer slots than children: the count says how many there are. */
	cr_assert_eq(calltree_children(&t, CALLTREE_ROOT, CALLTREE_ALL, out, 1), 3);
	cr_assert_eq(out[0], a);
	cr_assert_eq(calltree_children(&t, a, CALLTREE_ALL, out, 8), 0);
	/* A child made but not counted yet is not listed. */
	calltree_path(&t, (uint32_t[]){ 8 }, 1, false);
	cr_assert_eq(calltree_children(&t, CALLTREE_ROOT, CALLTREE_ALL, out, 8), 3);
	calltree_release(&t);
}

Test(calltree, window_counts_beside_totals)
{
	struct calltree t;
	uint32_t x, y, one, out[4];

	calltree_init(&t);
	x = calltree_path(&t, (uint32_t[]){ 1, 2 }, 2, false);
	y = calltree_path(&t, (uint32_t[]){ 1, 3 }, 2, false);
	one = FIND(&t, 1);
	calltree_add(&t, x, 100, 0);
	calltree_add(&t, y, 1, 0);
	/* In the window, 1-3 is the hotter one and 1-2 absent. */
	calltree_add(&t, y, 0, 4);
	cr_assert_eq(calltree_total(&t, CALLTREE_ROOT, CALLTREE_WINDOW), 4);
	cr_assert_eq(calltree_total(&t, one, CALLTREE_WINDOW), 4);
	cr_assert_eq(calltree_self(&t, y, CALLTREE_WINDOW), 4);
	cr_assert_eq(calltree_self(&t, one, CALLTREE_WINDOW), 0);
	cr_assert_eq(calltree_total(&t, x, CALLTREE_WINDOW), 0);
	cr_assert_eq(calltree_children(&t, one, CALLTREE_WINDOW, out, 4), 1, "zeros left out");
	cr_assert_eq(out[0], y);
	/* The all-time order is unaffected by the window's. */
	cr_assert_eq(calltree_children(&t, one, CALLTREE_ALL, out, 4), 2);
	cr_assert_eq(out[0], x);
	/* Both counts in one walk; then samples leave the window. */
	calltree_add(&t, x, 9, 9);
	cr_assert_eq(calltree_total(&t, x, CALLTREE_ALL), 109);
	cr_assert_eq(calltree_children(&t, one, CALLTREE_WINDOW, out, 4), 2);
	cr_assert_eq(out[0], x);
	calltree_window_sub(&t, x, 7);
	cr_assert_eq(calltree_total(&t, x, CALLTREE_WINDOW), 2);
	cr_assert_eq(calltree_total(&t, CALLTREE_ROOT, CALLTREE_WINDOW), 6);
	cr_assert_eq(calltree_children(&t, one, CALLTREE_WINDOW, out, 4), 2);
	cr_assert_eq(out[0], y, "re-sorted after the window shrank");
	cr_assert_eq(calltree_total(&t, x, CALLTREE_ALL), 109, "totals untouched");
	calltree_window_clear(&t);
	cr_assert_eq(calltree_total(&t, CALLTREE_ROOT, CALLTREE_WINDOW), 0);
	cr_assert_eq(calltree_children(&t, one, CALLTREE_WINDOW, out, 4), 0);
	calltree_release(&t);
}

Test(calltree, clear_keeps_only_the_root)
{
	struct calltree t;
	uint32_t n;

	calltree_init(&t);
	n = calltree_path(&t, (uint32_t[]){ 1, 2, 3 }, 3, false);
	calltree_add(&t, n, 4, 0);
	calltree_clear(&t);
	cr_assert_eq(calltree_count(&t), 1);
	cr_assert_eq(t.nodes[CALLTREE_ROOT].total, 0);
	cr_assert_eq(calltree_children(&t, CALLTREE_ROOT, CALLTREE_ALL, NULL, 0), 0);
	cr_assert_eq(FIND(&t, 1), CALLTREE_NONE);
	n = calltree_path(&t, (uint32_t[]){ 5 }, 1, false);
	cr_assert_eq(n, 1);
	calltree_release(&t);
}

Test(calltree, many_children_and_deep_paths)
{
	struct calltree t;
	uint32_t deep[300], first;

	calltree_init(&t);
	/* Enough nodes to grow the index several times. */
	for (uint32_t f = 0; f < 5000; f++)
		calltree_add(&t, calltree_path(&t, (uint32_t[]){ f }, 1, false), f + 1, 0);
	for (uint32_t i = 0; i < 300; i++)
		deep[i] = 9000 + i;
	calltree_add(&t, calltree_path(&t, deep, 300, false), 1, 0);
	cr_assert_eq(calltree_count(&t), 1 + 5000 + 300);
	cr_assert_eq(calltree_children(&t, CALLTREE_ROOT, CALLTREE_ALL, &first, 1), 5001);
	cr_assert_eq(t.nodes[first].func, 4999);
	cr_assert_eq(t.nodes[FIND(&t, 4999)].total, 5000);
	cr_assert_eq(t.nodes[FIND(&t, 0)].total, 1);
	cr_assert_eq(calltree_depth(&t, calltree_path(&t, deep, 300, false)), 300);
	calltree_release(&t);
}

/* ---- the profile's trees -------------------------------------------------------- */

static struct profile *p;
static struct profile_view v;
static uint32_t m, a, b;

/* thread 1: main-a x5, main-a-b x3; thread 2: main-b x2. */
static void setup(void)
{
	p = profile_new(42);
	profile_view_init(&v);
	m = profile_func(p, "prog", "main", NULL, 0);
	a = profile_func(p, "prog", "a", NULL, 0);
	b = profile_func(p, "prog", "b", NULL, 0);
	profile_add_samples(p, 1, (uint32_t[]){ m, a }, 2, 5, 0.1);
	profile_add_samples(p, 1, (uint32_t[]){ m, a, b }, 3, 3, 0.2);
	profile_add_samples(p, 2, (uint32_t[]){ m, b }, 2, 2, 0.3);
}
static void teardown(void)
{
	profile_view_release(&v);
	profile_free(p);
}
TestSuite(tree, .init = setup, .fini = teardown);

Test(tree, top_down_merged)
{
	const struct calltree *t = &p->top;
	uint32_t out[4];

	cr_assert_eq(t->nodes[CALLTREE_ROOT].total, 10);
	cr_assert_eq(t->nodes[FIND(t, m)].total, 10);
	cr_assert_eq(calltree_self(t, FIND(t, m), CALLTREE_ALL), 0);
	cr_assert_eq(t->nodes[FIND(t, m, a)].total, 8);
	cr_assert_eq(calltree_self(t, FIND(t, m, a), CALLTREE_ALL), 5);
	cr_assert_eq(t->nodes[FIND(t, m, a, b)].total, 3);
	cr_assert_eq(calltree_self(t, FIND(t, m, a, b), CALLTREE_ALL), 3);
	cr_assert_eq(t->nodes[FIND(t, m, b)].total, 2);
	cr_assert_eq(calltree_self(t, FIND(t, m, b), CALLTREE_ALL), 2);
	cr_assert_eq(calltree_children(&p->top, FIND(t, m), CALLTREE_ALL, out, 4), 2);
	cr_assert_eq(out[0], FIND(t, m, a));
	cr_assert_eq(out[1], FIND(t, m, b));
	/* b is a leaf under main-a and under main: two nodes, one per path. */
	cr_assert_neq(FIND(t, m, a, b), FIND(t, m, b));
}

Test(tree, per_thread_roots)
{
	uint32_t out[4];

	v.tid = 1;
	profile_view_update(p, &v, 1.0);
	cr_assert_eq(v.samples, 8);
	cr_assert_eq(v.scope, CALLTREE_ALL);
	cr_assert_eq(v.top->nodes[CALLTREE_ROOT].total, 8);
	cr_assert_eq(v.top->nodes[FIND(v.top, m, a)].total, 8);
	cr_assert_eq(FIND(v.top, m, b), CALLTREE_NONE, "main-b ran on thread 2 only");
	cr_assert_eq(v.self[b], 3);
	cr_assert_eq(v.total[m], 8);

	v.tid = 2;
	profile_view_update(p, &v, 1.0);
	cr_assert_eq(v.samples, 2);
	cr_assert_eq(calltree_children(v.top, CALLTREE_ROOT, v.scope, out, 4), 1);
	cr_assert_eq(v.top->nodes[FIND(v.top, m, b)].total, 2);
	cr_assert_eq(FIND(v.top, m, a), CALLTREE_NONE);
	cr_assert_eq(v.self[a], 0);

	/* The merged view is the sum of both. */
	v.tid = 0;
	profile_view_update(p, &v, 1.0);
	cr_assert_eq(v.top, &p->top);
	cr_assert_eq(v.samples, 10);
	cr_assert_eq(v.self[b], 5);
	cr_assert_eq(v.total[a], 8);

	/* A thread never seen: an empty view, not a crash. */
	v.tid = 999;
	profile_view_update(p, &v, 1.0);
	cr_assert_eq(v.samples, 0);
	cr_assert_eq(calltree_total(v.top, CALLTREE_ROOT, v.scope), 0);
}

Test(tree, thread_tables_follow_later_samples)
{
	v.tid = 2;
	profile_view_update(p, &v, 1.0); /* builds thread 2's tables */
	cr_assert_not_null(profile_thread(p, 2)->view);
	cr_assert_null(profile_thread(p, 1)->view, "only the threads asked for");
	profile_add_samples(p, 2, (uint32_t[]){ m, b }, 2, 4, 0.5);
	profile_add_samples(p, 2, (uint32_t[]){ m, a }, 2, 1, 0.6);
	profile_view_update(p, &v, 1.0);
	cr_assert_eq(v.samples, 7);
	cr_assert_eq(v.top->nodes[FIND(v.top, m, b)].total, 6);
	cr_assert_eq(v.top->nodes[FIND(v.top, m, a)].total, 1);
	cr_assert_eq(v.callers->nodes[FIND(v.callers, b, m)].total, 6);
	cr_assert_eq(v.self[b], 6);
	cr_assert_eq(v.total[m], 7);
	/* Merged still right. */
	cr_assert_eq(p->top.nodes[FIND(&p->top, m, b)].total, 6);
	cr_assert_eq(p->funcs[m].total, 15);
}

Test(tree, callers_split_self_by_path)
{
	const struct calltree *t = &p->callers;
	uint32_t out[4];

	/* Root level: every leaf function with its self count. */
	cr_assert_eq(t->nodes[CALLTREE_ROOT].total, 10);
	cr_assert_eq(t->nodes[FIND(t, a)].total, 5);
	cr_assert_eq(t->nodes[FIND(t, b)].total, 5);
	cr_assert_eq(FIND(t, m), CALLTREE_NONE, "main is never a leaf");
	/* b's 5 self samples: 3 through a (called from main), 2 from main. */
	cr_assert_eq(t->nodes[FIND(t, b, a)].total, 3);
	cr_assert_eq(t->nodes[FIND(t, b, a, m)].total, 3);
	cr_assert_eq(t->nodes[FIND(t, b, m)].total, 2);
	cr_assert_eq(t->nodes[FIND(t, a, m)].total, 5);
	cr_assert_eq(calltree_children(&p->callers, FIND(t, b), CALLTREE_ALL, out, 4), 2);
	cr_assert_eq(out[0], FIND(t, b, a));
	cr_assert_eq(out[1], FIND(t, b, m));
	/* a and b tie at 5 at the root: the smaller id (a) first. */
	cr_assert_eq(calltree_children(&p->callers, CALLTREE_ROOT, CALLTREE_ALL, out, 4), 2);
	cr_assert_eq(out[0], FIND(t, a));
	/* Per thread: thread 2 saw b only from main. */
	v.tid = 2;
	profile_view_update(p, &v, 1.0);
	cr_assert_eq(v.callers->nodes[FIND(v.callers, b)].total, 2);
	cr_assert_eq(FIND(v.callers, b, a), CALLTREE_NONE);
}

Test(tree, recursion_total_once_flat_per_path_in_tree)
{
	uint32_t fib = profile_func(p, "prog", "fib", NULL, 0);
	uint32_t mm = profile_func(p, "prog", "main2", NULL, 0);
	const struct calltree *t = &p->top, *c = &p->callers;

	profile_add_samples(p, 3, (uint32_t[]){ mm, fib, fib, fib }, 4, 7, 1.0);
	profile_add_samples(p, 3, (uint32_t[]){ mm, fib }, 2, 3, 1.1);
	/* Flat: fib on the stack in 10 samples, counted once each. */
	cr_assert_eq(p->funcs[fib].total, 10);
	cr_assert_eq(p->funcs[fib].self, 10);
	cr_assert_eq(p->funcs[mm].total, 10);
	/* Top-down: one node per depth, totals per path. */
	cr_assert_eq(t->nodes[FIND(t, mm)].total, 10);
	cr_assert_eq(t->nodes[FIND(t, mm, fib)].total, 10);
	cr_assert_eq(calltree_self(t, FIND(t, mm, fib), CALLTREE_ALL), 3);
	cr_assert_eq(t->nodes[FIND(t, mm, fib, fib)].total, 7);
	cr_assert_eq(calltree_self(t, FIND(t, mm, fib, fib), CALLTREE_ALL), 0);
	cr_assert_eq(t->nodes[FIND(t, mm, fib, fib, fib)].total, 7);
	cr_assert_eq(calltree_self(t, FIND(t, mm, fib, fib, fib), CALLTREE_ALL), 7);
	/* Callers: fib as a leaf 10 times; 7 called by fib, 3 by main2. */
	cr_assert_eq(c->nodes[FIND(c, fib)].total, 10);
	cr_assert_eq(c->nodes[FIND(c, fib, fib)].total, 7);
	cr_assert_eq(c->nodes[FIND(c, fib, fib, fib, mm)].total, 7);
	cr_assert_eq(c->nodes[FIND(c, fib, mm)].total, 3);
	/* The thread's own flat table counts recursion once too. */
	v.tid = 3;
	profile_view_update(p, &v, 2.0);
	cr_assert_eq(v.total[fib], 10);
	cr_assert_eq(v.self[fib], 10);
	/* Functions named after the thread's last sample still read 0. */
	for (int i = 0; i < 100; i++) {
		char name[16];

		snprintf(name, sizeof(name), "late%d", i);
		profile_func(p, "prog", name, NULL, 0);
	}
	profile_view_update(p, &v, 2.0);
	cr_assert_eq(v.nfuncs, 105);
	cr_assert_eq(v.total[104], 0);
	cr_assert_eq(v.total[fib], 10);
}

Test(tree, empty_stack_counts_for_thread_not_tree)
{
	profile_add_samples(p, 1, NULL, 0, 4, 0.4);
	cr_assert_eq(p->samples, 14);
	cr_assert_eq(p->top.nodes[CALLTREE_ROOT].total, 10);
	v.tid = 1;
	profile_view_update(p, &v, 1.0);
	cr_assert_eq(v.samples, 12);
	cr_assert_eq(v.top->nodes[CALLTREE_ROOT].total, 8);
}

Test(tree, depth_beyond_limit_keeps_leaf_frames)
{
	static uint32_t stack[PROFILE_MAX_DEPTH + 10];
	uint32_t x = profile_func(p, "prog", "x", NULL, 0);

	stack[0] = m;
	for (size_t i = 1; i < PROFILE_MAX_DEPTH + 10; i++)
		stack[i] = x;
	stack[PROFILE_MAX_DEPTH + 9] = b;
	profile_add_samples(p, 1, stack, PROFILE_MAX_DEPTH + 10, 1, 0.5);
	/* main was cut off the root end: the path starts with x. */
	cr_assert_neq(FIND(&p->top, x), CALLTREE_NONE);
	cr_assert_eq(p->callers.nodes[FIND(&p->callers, b, x)].total, 1);
}
