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
 * Cost. Finding or creating a path costs one hash probe per level; adding
 * samples to a known leaf walks its ancestors (depth steps) and never looks
 * at other nodes, so the cost of an update does not grow with the samples
 * recorded so far. Children form a linked list that is re-sorted (total
 * descending, then function id) only when a count below the node changed
 * since the last sort, and only when a view asks for that node's children.
 *
 * Counts for a subset of the samples (the live window, one thread) live
 * apart from the tree in a struct calltree_counts indexed by the same nodes,
 * so a window reuses the tree's shape and costs only the nodes it touches.
 *
 * Node ids are dense, count from 0 and never change until calltree_clear().
 */
#ifndef PERFTOP_MODEL_CALLTREE_H
#define PERFTOP_MODEL_CALLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CALLTREE_NONE UINT32_MAX /* no node: no parent, no child, not found */
#define CALLTREE_ROOT 0u         /* the root node's id */

struct calltree_node {
	uint32_t func;   /* function id; CALLTREE_NONE for the root */
	uint32_t parent; /* CALLTREE_NONE for the root */
	uint32_t child;  /* first child in the last sorted order, or CALLTREE_NONE */
	uint32_t next;   /* next sibling, or CALLTREE_NONE */
	uint64_t self;   /* samples whose path ends here */
	uint64_t total;  /* samples whose path passes through or ends here */
};

struct calltree {
	struct calltree_node *nodes;
	size_t count, alloc;
	uint8_t *unsorted; /* by node: children changed since their last sort */
	uint32_t *slots;   /* (parent, func) -> node + 1, 0 = empty; open addressing */
	size_t cap;        /* slots, a power of two */
	uint32_t *scratch; /* children of one node while sorting */
	size_t scratch_alloc;
};

/* Counts of a subset of samples over the nodes of one tree. Nodes the subset
 * never reached read 0; only the nodes touched are cleared between uses. */
struct calltree_counts {
	uint64_t *self, *total; /* by node, alloc entries */
	size_t alloc;
	uint32_t *touched;      /* nodes whose total is not 0 */
	size_t ntouched, touched_alloc;
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

/* Adds count samples ending at node: node's self, and the total of node and
 * of every ancestor up to the root. Cost: the node's depth. */
void calltree_add(struct calltree *t, uint32_t node, uint64_t count);

/* Depth of node: 0 for the root, 1 for its children. */
size_t calltree_depth(const struct calltree *t, uint32_t node);

/* Sorted walk over the tree's own counts: the child with the biggest total
 * (ties: smaller function id first), sorting node's children first if a count
 * below it changed; CALLTREE_NONE for a leaf. */
uint32_t calltree_first_child(struct calltree *t, uint32_t node);
/* The next sibling in that order, or CALLTREE_NONE. */
uint32_t calltree_next_sibling(const struct calltree *t, uint32_t node);

/* Total and self of node, from c when given (a window, a thread), else from
 * the tree itself. */
uint64_t calltree_total(const struct calltree *t, const struct calltree_counts *c, uint32_t node);
uint64_t calltree_self(const struct calltree *t, const struct calltree_counts *c, uint32_t node);

/* Writes node's children with a non-zero total (from c when given) into out,
 * biggest total first, ties by function id, at most cap of them. Returns how
 * many there are, which may exceed cap (call again with more room). Cost:
 * the number of children, plus a sort when counts changed (or c is given). */
size_t calltree_children(struct calltree *t, const struct calltree_counts *c, uint32_t node,
			 uint32_t *out, size_t cap);

void calltree_counts_init(struct calltree_counts *c);
void calltree_counts_release(struct calltree_counts *c);
/* Zeroes the counts; costs the nodes touched since the last clear. */
void calltree_counts_clear(struct calltree_counts *c);
/* Adds count samples ending at node of t into c (self of node, total of node
 * and its ancestors). Cost: the node's depth. */
void calltree_counts_add(struct calltree_counts *c, const struct calltree *t, uint32_t node,
			 uint64_t count);

#endif
