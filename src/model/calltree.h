/*
 * calltree — a tree of call paths with sample counts, kept up to date one
 * stack at a time, walked by views with children sorted by total.
 *
 * A node stands for one path of function ids from the root: node 0 is the
 * root (no function), and a child of node n for function f is the path of n
 * followed by f. The profile keeps two kinds of tree from the same stacks:
 *
 *   top-down  paths are stacks root first (main -> parse -> read): a node's
 *             total is the samples whose stack starts with its path, its self
 *             the samples whose stack is exactly its path;
 *   callers   paths are stacks leaf first (read -> parse -> main), as perf's
 *             caller graph without --children: the root's children are the
 *             functions that were leaves, each with its self count as total,
 *             and below a function are its callers, each with how many of the
 *             function's self samples came through that call path.
 *
 * Totals are per path, so a recursive function (main -> fib -> fib) has one
 * node per depth and no node is counted twice for one sample; the flat table
 * (profile.h) is where a function's total is counted once per sample.
 *
 * Two counts per node: `total` for every sample since start, `wtotal` for the
 * samples of the live window the profile tracks (see profile.h); the scope
 * argument of the readers picks one. A node's self is not stored: it is its
 * total minus its children's, computed when asked.
 *
 * Cost. Finding or creating a path costs one hash probe per level; adding
 * samples to a known leaf walks its ancestors (depth steps, both counts in one
 * walk) and never looks at other nodes, so an update does not cost more as
 * samples accumulate. Children form a linked list, re-sorted (total
 * descending, then function id) only when a view asks for that node's
 * children and a count below it changed since the last sort for that scope.
 *
 * Node ids are dense, count from 0, and a parent's id is smaller than its
 * children's. They never change until calltree_clear().
 */
#ifndef PERFTOP_MODEL_CALLTREE_H
#define PERFTOP_MODEL_CALLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/hashmap.h"

#define CALLTREE_NONE UINT32_MAX /* no node: no parent, no child, not found */
#define CALLTREE_ROOT 0u         /* the root node's id */

/* Which count a reader wants. */
enum calltree_scope {
	CALLTREE_ALL,    /* everything since start (or reset) */
	CALLTREE_WINDOW, /* the live window */
};

struct calltree_node {
	uint32_t func;   /* function id; CALLTREE_NONE for the root */
	uint32_t parent; /* CALLTREE_NONE for the root */
	uint32_t child;  /* first child in the last sorted order, or CALLTREE_NONE */
	uint32_t next;   /* next sibling, or CALLTREE_NONE */
	uint64_t total;  /* samples whose path passes through or ends here */
	uint64_t wtotal; /* the same within the live window */
};

struct calltree {
	struct calltree_node *nodes;
	size_t count, alloc;
	uint32_t *slots;       /* (parent, func) -> node + 1, 0 = empty; open addressing */
	size_t cap;            /* slots, a power of two */
	struct hashmap sorted; /* node -> struct calltree_sorted *: when last sorted */
	uint64_t wgen;         /* bumped by every change to a window count */
	uint32_t *scratch;     /* children of one node while sorting */
	size_t scratch_alloc;
};

/* Prepares a tree holding only the root. */
void calltree_init(struct calltree *t);
void calltree_release(struct calltree *t);
/* Forgets every node but the root and zeroes its counts (ids restart). */
void calltree_clear(struct calltree *t);

/* Number of nodes, the root included. */
size_t calltree_count(const struct calltree *t);

/* The child of parent for func, or CALLTREE_NONE. */
uint32_t calltree_child(const struct calltree *t, uint32_t parent, uint32_t func);
/* The child of parent for func, created (with zero counts) when absent. */
uint32_t calltree_child_add(struct calltree *t, uint32_t parent, uint32_t func);
/* The node of the path funcs[0..n) under the root, created as needed; read
 * from the last element to the first when reversed. n == 0 gives the root. */
uint32_t calltree_path(struct calltree *t, const uint32_t *funcs, size_t n, bool reversed);

/* Adds count samples ending at node to the total of node and of every
 * ancestor, and wcount of them to the window counts. Cost: node's depth. */
void calltree_add(struct calltree *t, uint32_t node, uint64_t count, uint64_t wcount);
/* Takes count samples ending at node out of the window counts (they left
 * the window). Cost: node's depth. */
void calltree_window_sub(struct calltree *t, uint32_t node, uint64_t count);
/* Zeroes every window count. Cost: every node. */
void calltree_window_clear(struct calltree *t);

/* Depth of node: 0 for the root, 1 for its children. */
size_t calltree_depth(const struct calltree *t, uint32_t node);

/* node's total in scope. */
uint64_t calltree_total(const struct calltree *t, uint32_t node, enum calltree_scope scope);
/* node's self in scope: samples whose path ends exactly at node (its total
 * minus its children's). Cost: node's children. */
uint64_t calltree_self(const struct calltree *t, uint32_t node, enum calltree_scope scope);

/* Writes node's children with a non-zero total in scope into out, biggest
 * total first, ties by smaller function id, at most cap of them. Returns how
 * many there are, which may exceed cap (ask again with more room). Cost: the
 * children, plus a sort when a count below node changed since the last one. */
size_t calltree_children(struct calltree *t, uint32_t node, enum calltree_scope scope,
			 uint32_t *out, size_t cap);

#endif
