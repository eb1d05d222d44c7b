/*
 * view_tree — the Tree (top-down hot paths) and Callers (bottom-up) tabs,
 * one module for both: an expandable call tree drawn through the browser,
 * as perf top's callchain browser shows it.
 *
 * The rows (every row of the open subtrees, in display order) are cached and
 * rebuilt only when what they depend on changed: at once for what the user
 * changes (expansion, focus, threshold, the tree or scope in view, a
 * reset), and for what the data changes (new call paths, counts that may
 * reorder children or cross the threshold) at once while the list is small
 * (TREE_LIVE_ROWS), else at most every TREE_RESORT_SECONDS: between two
 * rebuilds of a big list the order lags, while the numbers drawn are read
 * live. A frame without a rebuild costs the rows on screen only, whatever
 * is expanded; a rebuild costs the rows of the list. Search walks the tree
 * lazily from the selection in display order and stops at the first match.
 * Expansion is a flag per
 * node id of the tree in view; ids are stable until profile_reset(), which
 * the module notices (the tree shrinks) and forgets with. When the scope
 * moves to another thread's tree, what was expanded is carried over by call
 * path. When `i` shows or hides the interpreter's frames (the profile's
 * layout changes, every node id with it), what was open is carried over the
 * same way, a path also matching the same path without the interpreter's
 * machinery (py_hash), so opening the Python frames opens the machinery
 * between them. The browser keeps the selection on the same node id while counts
 * change; when the selected node gets hidden (an ancestor collapsed, the
 * threshold raised) the selection climbs to its nearest shown ancestor.
 *
 * Focus (`f`) shows only the subtree under a node, with the path to it in
 * a breadcrumb line above the table; percentages stay of the whole scope.
 * Esc leaves one focus level. `%` hides nodes under a share of the samples.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/fmt.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

enum {
	TREE_INDENT = 2,    /* columns per level of depth */
	TREE_FUNC_MIN = 20, /* the function column keeps this much before others show */
	TREE_AUTO_LEVELS = 32, /* most levels the first show expands */
	TREE_PASS_PCT = 90, /* a child holding this share of its parent is a pass-through */
	TREE_LIVE_ROWS = 20000, /* lists up to this long follow every data change */
	TREE_EXPAND_MAX = 100000, /* E opens levels while the rows stay within this */
};

/* How long a list longer than TREE_LIVE_ROWS keeps its order while only the
 * data changed (the numbers it shows stay live). */
#define TREE_RESORT_SECONDS 5.0

/* The thresholds `%` cycles through, in % of the scope's samples. */
static const double thresholds[] = { 0, 0.5, 1, 5 };
#define NTHRESHOLDS (sizeof(thresholds) / sizeof(thresholds[0]))

/* One shown row: a node at a depth below the shown root. */
struct tree_row {
	uint32_t node;
	uint32_t depth;
	bool kids; /* has children above the threshold */
	bool open; /* they are shown */
};

/* What the rows depend on. The user's part rebuilds at once; the data's
 * part (new paths, counts) rebuilds at once only for a short list. */
struct tree_key {
	const struct calltree *tree;
	enum calltree_scope scope;
	uint64_t open_gen;
	size_t nfocus;
	uint32_t focus;  /* the innermost focus, or CALLTREE_NONE */
	size_t threshold;
	/* the data's part */
	size_t count;    /* nodes */
	uint64_t counts; /* CALLTREE_ALL: the root's total (totals only grow);
			  * CALLTREE_WINDOW: the tree's window generation */
	uint64_t min;    /* min_total() */
};

/* One level of the search's walk: a list of siblings on the kids stack
 * (from `at`, n of them) and the one the walk is at. */
struct walk_level {
	size_t at, n, i;
};

struct tree_state {
	enum proc_tab tab;
	/* What the node ids refer to (compared, never read through once stale). */
	const struct profile *prof;
	const struct calltree *tree;
	size_t tree_count;         /* nodes at the last look: fewer means a reset */
	uint64_t layout;           /* the profile's layout: another means new node ids */
	enum calltree_scope scope; /* the counts read, from the scope's view */
	uint64_t of;               /* samples in scope: 100 % */
	uint8_t *open;             /* by node id: expanded */
	uint64_t *open_path;       /* by node id: the open node's path_hash */
	uint64_t *open_pypath;     /* and its py_hash (the path without machinery) */
	size_t open_alloc;
	struct hashmap orphans;    /* path_hash of open paths the current tree lacks */
	uint32_t *focus;           /* focused nodes, innermost last */
	uint64_t *focus_path;      /* their path_hash */
	size_t nfocus, focus_alloc;
	uint64_t sel_path;         /* path_hash of the selected node at the last refresh */
	size_t threshold;          /* index into thresholds */
	bool primed;               /* the first show's expansion is done */
	struct tree_row *rows;
	size_t nrows, rows_alloc;
	uint32_t *row_index;       /* by node id: its row when rows[i].node agrees */
	size_t row_index_alloc;
	uint64_t open_gen;         /* bumped by every change to the expansion */
	struct tree_key built;     /* what the rows were built from */
	bool built_ok;             /* false: rebuild at the next refresh */
	double built_at;           /* when (ui__now()) */
	uint32_t *kids;            /* children of the nodes being walked, a stack */
	size_t nkids, kids_alloc;
	struct walk_level *walk;   /* search: the lists of the walk's path */
	size_t walk_alloc;
};

/* ---- state -------------------------------------------------------------------------- */

static void *create(enum proc_tab tab)
{
	struct tree_state *s = xcalloc(1, sizeof(*s));

	s->tab = tab;
	hashmap_init(&s->orphans);
	s->kids_alloc = 256;
	s->kids = xreallocarray(NULL, s->kids_alloc, sizeof(*s->kids));
	return s;
}

static void destroy(void *state)
{
	struct tree_state *s = state;

	if (!s)
		return;
	hashmap_release(&s->orphans);
	free(s->open);
	free(s->open_path);
	free(s->open_pypath);
	free(s->focus);
	free(s->focus_path);
	free(s->rows);
	free(s->row_index);
	free(s->kids);
	free(s->walk);
	free(s);
}

/* Forgets expansions, focus and the rows (the threshold is a preference). */
static void forget(struct tree_state *s)
{
	if (s->open_alloc)
		memset(s->open, 0, s->open_alloc);
	hashmap_release(&s->orphans);
	hashmap_init(&s->orphans);
	s->nfocus = 0;
	s->nrows = 0;
	s->primed = false;
	s->open_gen++;
	s->built_ok = false;
}

static void reset(void *state)
{
	struct tree_state *s = state;

	forget(s);
	s->prof = NULL;
	s->tree = NULL;
	s->tree_count = 0;
}

/* A call path's hash from its parent's: the same path hashes the same in
 * every tree (merged, a thread's, a paused copy's). */
#define ROOT_HASH 0xcbf29ce484222325ULL

static uint64_t path_step(uint64_t parent, uint32_t func)
{
	uint64_t h = (parent ^ ((uint64_t)func + 1)) * 0x100000001b3ULL;

	return h ^ (h >> 29);
}

static uint64_t path_hash(const struct calltree *t, uint32_t node)
{
	uint32_t path[PROFILE_MAX_DEPTH + 2];
	size_t n = 0;
	uint64_t h = ROOT_HASH;

	for (uint32_t k = node; k != CALLTREE_ROOT && n < sizeof(path) / sizeof(path[0]);
	     k = t->nodes[k].parent)
		path[n++] = t->nodes[k].func;
	while (n)
		h = path_step(h, path[--n]);
	return h;
}

/* The path's hash without the interpreter's machinery (profile_func
 * .machinery): the same in a tree that shows it and one that does not, so
 * what was open carries over when `i` shows or hides it. 0 without a
 * profile. */
static uint64_t py_hash(const struct profile *p, const struct calltree *t, uint32_t node)
{
	uint32_t path[PROFILE_MAX_DEPTH + 2];
	size_t n = 0;
	uint64_t h = ROOT_HASH;

	if (!p)
		return 0;
	for (uint32_t k = node; k != CALLTREE_ROOT && n < sizeof(path) / sizeof(path[0]);
	     k = t->nodes[k].parent)
		path[n++] = t->nodes[k].func;
	while (n--)
		if (!p->funcs[path[n]].machinery)
			h = path_step(h, path[n]);
	return h;
}

/* Every node's path_hash, by node id (parents have smaller ids). */
static uint64_t *path_hashes(const struct calltree *t)
{
	size_t n = calltree_count(t);
	uint64_t *h = xreallocarray(NULL, n, sizeof(*h));

	h[CALLTREE_ROOT] = ROOT_HASH;
	for (size_t i = 1; i < n; i++)
		h[i] = path_step(h[t->nodes[i].parent], t->nodes[i].func);
	return h;
}

static bool is_open(const struct tree_state *s, uint32_t node)
{
	return node < s->open_alloc && s->open[node];
}

/* Opens or closes node of the current tree; hash is its path_hash (0:
 * computed here). */
static void set_open_hashed(struct tree_state *s, uint32_t node, bool open, uint64_t hash)
{
	if (node >= s->open_alloc) {
		size_t n = (size_t)node + 1 + 256;

		if (n < s->open_alloc * 2) /* geometric: E opens nodes in id order */
			n = s->open_alloc * 2;

		if (!open)
			return;
		s->open = xreallocarray(s->open, n, 1);
		s->open_path = xreallocarray(s->open_path, n, sizeof(*s->open_path));
		s->open_pypath = xreallocarray(s->open_pypath, n, sizeof(*s->open_pypath));
		memset(s->open + s->open_alloc, 0, n - s->open_alloc);
		s->open_alloc = n;
	}
	if (s->open[node] != open)
		s->open_gen++;
	s->open[node] = open;
	if (open) {
		s->open_path[node] = hash ? hash : path_hash(s->tree, node);
		s->open_pypath[node] = py_hash(s->prof, s->tree, node);
	}
}

static void set_open(struct tree_state *s, uint32_t node, bool open)
{
	set_open_hashed(s, node, open, 0);
}

static void push_focus(struct tree_state *s, uint32_t node)
{
	if (s->nfocus == s->focus_alloc) {
		s->focus_alloc = s->focus_alloc ? s->focus_alloc * 2 : 8;
		s->focus = xreallocarray(s->focus, s->focus_alloc, sizeof(*s->focus));
		s->focus_path =
			xreallocarray(s->focus_path, s->focus_alloc, sizeof(*s->focus_path));
	}
	s->focus_path[s->nfocus] = path_hash(s->tree, node);
	s->focus[s->nfocus++] = node;
}

/* The node the rows hang from: the innermost focus, or the tree's root. */
static uint32_t shown_root(const struct tree_state *s)
{
	return s->nfocus ? s->focus[s->nfocus - 1] : CALLTREE_ROOT;
}

/* The functions on the path from the root to node (root excluded) into
 * path, root first; returns how many (at most cap, the leaf-most kept). */
static size_t node_path(const struct calltree *t, uint32_t node, uint32_t *path, size_t cap)
{
	size_t n = 0;

	for (uint32_t k = node; k != CALLTREE_ROOT && k != CALLTREE_NONE && n < cap;
	     k = t->nodes[k].parent)
		path[n++] = t->nodes[k].func;
	for (size_t i = 0; i < n / 2; i++) {
		uint32_t x = path[i];

		path[i] = path[n - 1 - i];
		path[n - 1 - i] = x;
	}
	return n;
}

/* The view moved to another tree (another thread, all threads, a paused
 * copy, or back): what was open and focused is carried over to the same
 * call paths in t, through the path hashes (the old tree may be gone).
 * Open paths t lacks are kept aside for the next move (back to all threads
 * finds them again). Cost: t's nodes, once. */
static void carry_over(struct tree_state *s, const struct calltree *t, struct browser *b,
		       const struct profile *relayout)
{
	struct hashmap want = s->orphans, pywant;
	uint64_t *h = path_hashes(t), *py = NULL;
	size_t n = calltree_count(t), kept = 0;

	hashmap_init(&pywant);
	for (size_t i = 0; i < s->open_alloc; i++)
		if (s->open[i]) {
			hashmap_put(&want, s->open_path[i], (void *)1);
			if (relayout && s->open_pypath[i])
				hashmap_put(&pywant, s->open_pypath[i], (void *)1);
		}
	/* The interpreter's frames shown or hidden: a path is also the same
	 * path without them (py_hash, by node id). */
	if (relayout && pywant.len) {
		py = xreallocarray(NULL, n, sizeof(*py));
		py[CALLTREE_ROOT] = ROOT_HASH;
		for (size_t i = 1; i < n; i++)
			py[i] = relayout->funcs[t->nodes[i].func].machinery
					? py[t->nodes[i].parent]
					: path_step(py[t->nodes[i].parent], t->nodes[i].func);
	}
	if (s->open_alloc)
		memset(s->open, 0, s->open_alloc);
	s->open_gen++;
	s->built_ok = false;
	for (size_t f = 0; f < s->nfocus; f++)
		s->focus[f] = CALLTREE_NONE;
	s->tree = t;
	for (size_t i = 1; i < n; i++) {
		if (want.len && hashmap_remove(&want, h[i]))
			set_open_hashed(s, (uint32_t)i, true, h[i]);
		else if (py && hashmap_get(&pywant, py[i]))
			set_open_hashed(s, (uint32_t)i, true, h[i]);
		for (size_t f = 0; f < s->nfocus; f++)
			if (s->focus_path[f] == h[i])
				s->focus[f] = (uint32_t)i;
		if (b->sel_id >= 0 && h[i] == s->sel_path)
			b->sel_id = (long long)i;
	}
	s->orphans = want; /* what found no node */
	while (kept < s->nfocus && s->focus[kept] != CALLTREE_NONE)
		kept++;
	s->nfocus = kept;
	hashmap_release(&pywant);
	free(py);
	free(h);
}

/* Keeps the focus levels whose node still has its path (a reset may have
 * given the id to another one). */
static void drop_stale_focus(struct tree_state *s, const struct calltree *t)
{
	for (size_t i = 0; i < s->nfocus; i++)
		if (s->focus[i] >= calltree_count(t) ||
		    path_hash(t, s->focus[i]) != s->focus_path[i]) {
			s->nfocus = i;
			return;
		}
}

/* The tree the scope shows for this tab, with the state made to match it
 * (another tree: carried over; the same tree shrunk: it was reset, so
 * forgotten). NULL when the scope has no trees yet. */
static struct calltree *current_tree(struct ui *ui, struct tree_state *s, const struct profile *p)
{
	const struct profile_view *v = &tabs__scope(ui)->win;
	struct calltree *t = s->tab == PTAB_CALLERS ? v->callers : v->top;

	if (!t)
		return NULL;
	if (p != s->prof || t != s->tree || p->layout != s->layout) {
		bool relayout = p == s->prof && p->layout != s->layout, any = false;

		s->prof = p; /* py_hash reads its functions: never an old copy's */
		carry_over(s, t, tabs__browser(ui, s->tab), relayout ? p : NULL);
		/* Interpreter frames shown or hidden (i): when no open path is
		 * left, open the hottest one again as the first show does. */
		for (size_t i = 0; relayout && i < s->open_alloc && !any; i++)
			any = s->open[i];
		if (relayout && !any)
			s->primed = false;
	}
	else if (calltree_count(t) < s->tree_count)
		forget(s);
	drop_stale_focus(s, t);
	s->prof = p;
	s->tree = t;
	s->layout = p->layout;
	s->tree_count = calltree_count(t);
	s->scope = v->scope;
	s->of = v->samples;
	return t;
}

/* ---- rows --------------------------------------------------------------------------- */

/* Smallest total shown under the threshold. */
static uint64_t min_total(const struct tree_state *s)
{
	double pct = thresholds[s->threshold];
	uint64_t min = (uint64_t)(pct / 100.0 * (double)s->of);

	if ((double)min < pct / 100.0 * (double)s->of)
		min++;
	return min ? min : 1;
}

/* Pushes node's children above the threshold, biggest first, on the kids
 * stack; returns how many. */
static size_t push_children(struct tree_state *s, struct calltree *t, uint32_t node)
{
	size_t room = s->kids_alloc - s->nkids;
	size_t n = calltree_children(t, node, s->scope, s->kids + s->nkids, room);
	uint64_t min = min_total(s);

	if (n > room) {
		s->kids_alloc = s->nkids + n + 64;
		s->kids = xreallocarray(s->kids, s->kids_alloc, sizeof(*s->kids));
		n = calltree_children(t, node, s->scope, s->kids + s->nkids, n);
	}
	while (n && calltree_total(t, s->kids[s->nkids + n - 1], s->scope) < min)
		n--;
	s->nkids += n;
	return n;
}

/* Whether node has a child above the threshold. Unlike push_children it
 * does not sort the children: a closed row only needs to know it has some,
 * and sorting every closed row's children each frame (5,000 of them under
 * the Callers root) was most of a refresh. */
static bool has_children(const struct tree_state *s, const struct calltree *t, uint32_t node)
{
	uint64_t min = min_total(s);

	for (uint32_t c = t->nodes[node].child; c != CALLTREE_NONE; c = t->nodes[c].next)
		if (calltree_total(t, c, s->scope) >= min)
			return true;
	return false;
}

/* The hottest child of node above the threshold, or CALLTREE_NONE. */
static uint32_t hottest_child(struct tree_state *s, struct calltree *t, uint32_t node)
{
	size_t at = s->nkids;
	uint32_t c = push_children(s, t, node) ? s->kids[at] : CALLTREE_NONE;

	s->nkids = at;
	return c;
}

static void add_row(struct tree_state *s, uint32_t node, uint32_t depth, bool kids, bool open)
{
	if (s->nrows == s->rows_alloc) {
		s->rows_alloc = s->rows_alloc ? s->rows_alloc * 2 : 256;
		s->rows = xreallocarray(s->rows, s->rows_alloc, sizeof(*s->rows));
	}
	if (node >= s->row_index_alloc) {
		size_t n = calltree_count(s->tree) > node ? calltree_count(s->tree) : (size_t)node + 1;

		s->row_index = xreallocarray(s->row_index, n, sizeof(*s->row_index));
		s->row_index_alloc = n;
	}
	s->row_index[node] = (uint32_t)s->nrows;
	s->rows[s->nrows++] = (struct tree_row){ node, depth, kids, open };
}

/* Whether node, whose path hashes to hash, is open: the hash guards against
 * an id that a reset gave to another path. */
static bool is_open_at(const struct tree_state *s, uint32_t node, uint64_t hash)
{
	return is_open(s, node) && s->open_path[node] == hash;
}

/* Adds node's row and, when it is open, its shown subtree; hash is node's
 * path_hash (carried down the walk, one step per row). */
static void add_subtree(struct tree_state *s, struct calltree *t, uint32_t node, uint64_t hash,
			uint32_t depth)
{
	size_t at = s->nkids, n = 0;
	bool open = is_open_at(s, node, hash);

	if (open) {
		n = push_children(s, t, node);
		open = n > 0;
		add_row(s, node, depth, open, open);
	} else {
		add_row(s, node, depth, has_children(s, t, node), false);
	}
	for (size_t i = 0; open && i < n; i++) {
		uint32_t c = s->kids[at + i];

		add_subtree(s, t, c, path_step(hash, t->nodes[c].func), depth + 1);
	}
	s->nkids = at;
}

static void build_rows(struct tree_state *s, struct calltree *t)
{
	size_t n;

	s->nrows = 0;
	s->nkids = 0;
	if (s->nfocus) {
		add_subtree(s, t, shown_root(s), s->focus_path[s->nfocus - 1], 0);
		return;
	}
	n = push_children(s, t, CALLTREE_ROOT);
	for (size_t i = 0; i < n; i++)
		add_subtree(s, t, s->kids[i], path_step(ROOT_HASH, t->nodes[s->kids[i]].func), 0);
	s->nkids = 0;
}

static long long id_of_row(const void *rows, size_t i)
{
	return ((const struct tree_row *)rows)[i].node;
}

/* Row index of node, or -1 when it is not shown. Cost: one lookup. */
static long row_of(const struct tree_state *s, uint32_t node)
{
	uint32_t i;

	if (node >= s->row_index_alloc)
		return -1;
	i = s->row_index[node];
	return i < s->nrows && s->rows[i].node == node ? (long)i : -1;
}

/* On the first show, opens the hottest path through its pass-throughs and
 * its first real split, so the screen says something at once. */
static void prime(struct tree_state *s, struct calltree *t)
{
	uint32_t node = hottest_child(s, t, CALLTREE_ROOT);

	if (node == CALLTREE_NONE)
		return;
	for (int level = 0; level < TREE_AUTO_LEVELS; level++) {
		uint32_t c = hottest_child(s, t, node);

		if (c == CALLTREE_NONE)
			break;
		set_open(s, node, true);
		if (calltree_total(t, c, s->scope) * 100 <
		    (uint64_t)TREE_PASS_PCT * calltree_total(t, node, s->scope))
			break;
		node = c;
	}
	s->primed = true;
}

/* Remembers the selected node's path, so the selection survives a move to
 * another tree (thread scope, pause) even when the old tree is gone. */
static void note_selection(struct tree_state *s, const struct browser *b)
{
	if (s->tree && b->n && b->sel < s->nrows)
		s->sel_path = path_hash(s->tree, s->rows[b->sel].node);
}

static struct tree_key key_now(const struct tree_state *s, const struct calltree *t)
{
	struct tree_key k = {
		.tree = t,
		.scope = s->scope,
		.open_gen = s->open_gen,
		.nfocus = s->nfocus,
		.focus = s->nfocus ? shown_root(s) : CALLTREE_NONE,
		.threshold = s->threshold,
		.count = calltree_count(t),
		.counts = s->scope == CALLTREE_WINDOW ? t->wgen
						      : calltree_total(t, CALLTREE_ROOT, s->scope),
		.min = min_total(s),
	};

	return k;
}

/* Whether the rows must be rebuilt now (see the top of the file). */
static bool rows_stale(const struct tree_state *s, const struct browser *b,
		       const struct tree_key *k)
{
	const struct tree_key *o = &s->built;

	if (!s->built_ok || b->n != s->nrows || o->tree != k->tree || o->scope != k->scope ||
	    o->open_gen != k->open_gen || o->nfocus != k->nfocus || o->focus != k->focus ||
	    o->threshold != k->threshold)
		return true;
	if (o->count == k->count && o->counts == k->counts && o->min == k->min)
		return false;
	return s->nrows <= TREE_LIVE_ROWS || ui__now() - s->built_at >= TREE_RESORT_SECONDS;
}

/* Rebuilds the rows when they are stale and keeps the browser on the same
 * node, or, when that node is hidden now, on its nearest shown ancestor. */
static void refresh(struct tree_state *s, struct browser *b, struct calltree *t)
{
	long long want = b->sel_id;
	bool follow = b->follow;
	struct tree_key now;

	if (!s->primed)
		prime(s, t);
	now = key_now(s, t);
	if (!rows_stale(s, b, &now)) {
		note_selection(s, b);
		return;
	}
	s->built = now;
	s->built_ok = true;
	s->built_at = ui__now();
	build_rows(s, t);
	browser_sync(b, s->nrows, id_of_row, s->rows);
	if (follow && want >= 0 && (size_t)want < calltree_count(t) &&
	    row_of(s, (uint32_t)want) < 0) {
		for (uint32_t k = t->nodes[want].parent; k != CALLTREE_NONE;
		     k = t->nodes[k].parent) {
			long r = row_of(s, k);

			if (r >= 0) {
				browser_select(b, (size_t)r);
				break;
			}
		}
	}
	note_selection(s, b);
}

/* Selects node's row after a rebuild; false when it is not shown. */
static bool select_node(struct tree_state *s, struct browser *b, uint32_t node)
{
	long r = row_of(s, node);

	if (r < 0)
		return false;
	browser_select(b, (size_t)r);
	return true;
}

/* Opens every ancestor of node below the shown root, so node is shown. */
static void reveal(struct tree_state *s, const struct calltree *t, uint32_t node)
{
	uint32_t root = shown_root(s);

	for (uint32_t k = t->nodes[node].parent; k != CALLTREE_NONE && k != CALLTREE_ROOT;
	     k = t->nodes[k].parent) {
		set_open(s, k, true);
		if (k == root)
			break;
	}
}

static void rebuild(struct ui *ui, void *state, struct profile *p)
{
	struct tree_state *s = state;
	struct calltree *t = current_tree(ui, s, p);

	if (!t) {
		s->nrows = 0;
		s->built_ok = false;
		browser_sync(tabs__browser(ui, s->tab), 0, id_of_row, s->rows);
		return;
	}
	refresh(s, tabs__browser(ui, s->tab), t);
}

/* ---- cells -------------------------------------------------------------------------- */

struct draw_ctx {
	const struct ui *ui;
	const struct tree_state *s;
	const struct profile *p;
	const struct calltree *t;
};

static const struct profile_func *row_func(const struct draw_ctx *c, const struct tree_row *r)
{
	return &c->p->funcs[c->t->nodes[r->node].func];
}

/* A row in the colour of the budget's `function` rule for its function
 * (perftop run --budget), else the plain row colour. */
static enum theme_element row_style(const void *row, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	return budget_view__func_status(c->ui, row_func(c, row)->name);
}

static void draw_total(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;
	const struct tree_row *r = row;

	cells__percent(l, calltree_total(c->t, r->node, c->s->scope), c->s->of, width);
}

static void draw_self(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;
	const struct tree_row *r = row;

	cells__percent(l, calltree_self(c->t, r->node, c->s->scope), c->s->of, width);
}

static void draw_samples(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;
	const struct tree_row *r = row;
	char buf[32];

	fmt_count(buf, sizeof(buf), calltree_total(c->t, r->node, c->s->scope), !c->ui->batch);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

/* The name indented by depth (at most half the column) behind its expander. */
static void draw_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;
	const struct tree_row *r = row;
	int end = l->cols + width, indent = (int)r->depth * TREE_INDENT;
	const char *mark = " ";

	if (indent > width / 2)
		indent = width / 2;
	if (r->kids && lines_utf8())
		mark = r->open ? "▾" : "▸";
	else if (r->kids)
		mark = r->open ? "-" : "+";
	line_repeat(l, TE_ROW, " ", indent);
	line_put(l, TE_ROW_DIM, mark);
	line_put(l, TE_ROW, " ");
	if (l->cols < end)
		cells__match(l, TE_ROW, row_func(c, r)->name, end - l->cols,
				 tabs__search(c->ui));
	line_pad_to(l, TE_ROW, end);
}

static void draw_module(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_func *f = row_func(ctx, row);

	line_cell(l, TE_ROW_DIM, f->module ? f->module : "", width, ALIGN_LEFT);
}

static void draw_file(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_func *f = row_func(ctx, row);
	const char *base;
	char buf[256];

	buf[0] = '\0';
	if (f->file) {
		base = strrchr(f->file, '/');
		base = base ? base + 1 : f->file;
		if (f->line > 0)
			snprintf(buf, sizeof(buf), "%s:%d", base, f->line);
		else
			snprintf(buf, sizeof(buf), "%s", base);
	}
	line_cell(l, TE_ROW_DIM, buf, width, ALIGN_LEFT);
}

/* Tree: TOTAL% (the node's path and below), SELF% (the path exactly).
 * Callers: SELF% of the function at the top, through the callers below it.
 * With FILE:LINE (L), which stays when MODULE has to go, and without. */
static const struct browser_column tree_columns[] = {
	{ "TOTAL%", 7, ALIGN_RIGHT, 0, -1, draw_total },
	{ "SELF%", 6, ALIGN_RIGHT, 1, -1, draw_self },
	{ "SAMPLES", 9, ALIGN_RIGHT, 2, -1, draw_samples },
	{ "FUNCTION", -TREE_FUNC_MIN, ALIGN_LEFT, 0, -1, draw_name },
	{ "MODULE", 16, ALIGN_LEFT, 3, -1, draw_module },
};
static const struct browser_column tree_file_columns[] = {
	{ "TOTAL%", 7, ALIGN_RIGHT, 0, -1, draw_total },
	{ "SELF%", 6, ALIGN_RIGHT, 1, -1, draw_self },
	{ "SAMPLES", 9, ALIGN_RIGHT, 2, -1, draw_samples },
	{ "FUNCTION", -TREE_FUNC_MIN, ALIGN_LEFT, 0, -1, draw_name },
	{ "MODULE", 16, ALIGN_LEFT, 4, -1, draw_module },
	{ "FILE:LINE", 24, ALIGN_LEFT, 3, -1, draw_file },
};
static const struct browser_column callers_columns[] = {
	{ "SELF%", 7, ALIGN_RIGHT, 0, -1, draw_total },
	{ "SAMPLES", 9, ALIGN_RIGHT, 2, -1, draw_samples },
	{ "FUNCTION, THEN WHO CALLED IT", -TREE_FUNC_MIN, ALIGN_LEFT, 0, -1, draw_name },
	{ "MODULE", 16, ALIGN_LEFT, 3, -1, draw_module },
};
static const struct browser_column callers_file_columns[] = {
	{ "SELF%", 7, ALIGN_RIGHT, 0, -1, draw_total },
	{ "SAMPLES", 9, ALIGN_RIGHT, 2, -1, draw_samples },
	{ "FUNCTION, THEN WHO CALLED IT", -TREE_FUNC_MIN, ALIGN_LEFT, 0, -1, draw_name },
	{ "MODULE", 16, ALIGN_LEFT, 4, -1, draw_module },
	{ "FILE:LINE", 24, ALIGN_LEFT, 3, -1, draw_file },
};

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

static const void *row_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->s->rows[i];
}

/* ---- drawing ------------------------------------------------------------------------ */

/* Appends the path from the root to node: "main › run › parse" (Callers:
 * "memcpy ‹ parse ‹ run", called from), cut on the left ("… › run ›
 * parse") to leave `keep` columns of the line free. */
static void put_breadcrumb(struct line *l, const struct draw_ctx *c, uint32_t node, int keep)
{
	bool up = c->s->tab == PTAB_CALLERS;
	const char *sep = lines_utf8() ? (up ? " ‹ " : " › ") : (up ? " < " : " > ");
	const char *more = lines_utf8() ? "…" : "...";
	uint32_t path[PROFILE_MAX_DEPTH + 1];
	size_t n = node_path(c->t, node, path, sizeof(path) / sizeof(path[0])), from = 0;
	int room = line_room(l) - keep, need = 0;

	for (size_t i = 0; i < n; i++)
		need += lines_text_width(c->p->funcs[path[i]].name) +
			(i ? lines_text_width(sep) : 0);
	while (from + 1 < n && need > room) {
		need -= lines_text_width(c->p->funcs[path[from]].name) + lines_text_width(sep);
		if (!from)
			need += lines_text_width(more) + lines_text_width(sep);
		from++;
	}
	if (from)
		line_printf(l, TE_ROW_DIM, "%s%s", more, sep);
	for (size_t i = from; i < n; i++) {
		if (i > from)
			line_put(l, TE_ROW_DIM, sep);
		line_put(l, i + 1 == n ? TE_HEADER_LABEL : TE_HEADER, c->p->funcs[path[i]].name);
	}
}

/* The line above the table: what the numbers are, or the focus's path; the
 * threshold and how to leave the focus at the right (shorter when narrow). */
static void info_line(struct ui *ui, struct lines *out, const struct draw_ctx *c)
{
	const struct tree_state *s = c->s;
	struct line *l = lines_begin(out, ui->width);
	bool narrow = ui->width < 72;
	char right[64] = "", samples[32], text[160];

	if (s->threshold)
		snprintf(right, sizeof(right), narrow ? "<%g%% " : "hiding < %g%%  ",
			 thresholds[s->threshold]);
	if (s->nfocus)
		snprintf(right + strlen(right), sizeof(right) - strlen(right), "Esc back ");
	line_put(l, TE_HEADER, " ");
	if (s->nfocus) {
		line_put(l, TE_HEADER_LABEL, "Focus ");
		put_breadcrumb(l, c, shown_root(s), lines_text_width(right) + 1);
	} else {
		fmt_count(samples, sizeof(samples), s->of, !ui->batch);
		if (s->tab == PTAB_CALLERS)
			snprintf(text, sizeof(text),
				 "Bottom-up: %% of %s samples spent in each function, "
				 "split by the callers below it",
				 samples);
		else
			snprintf(text, sizeof(text),
				 "Top-down: %% of %s samples under (TOTAL) and in (SELF) each "
				 "call path",
				 samples);
		if (lines_text_width(text) + lines_text_width(right) + 1 > line_room(l))
			snprintf(text, sizeof(text), "%s: %% of %s samples",
				 s->tab == PTAB_CALLERS ? "Bottom-up" : "Top-down", samples);
		line_put(l, TE_HEADER, text);
	}
	if (right[0] && line_room(l) >= lines_text_width(right)) {
		line_pad_to(l, TE_HEADER, ui->width - lines_text_width(right));
		line_put(l, TE_ROW_DIM, right);
	}
	line_fill(l, TE_HEADER);
}

static void draw(struct ui *ui, void *state, struct lines *out, struct profile *p, int rows)
{
	struct tree_state *s = state;
	struct browser *b = tabs__browser(ui, s->tab);
	struct draw_ctx c = { ui, s, p, s->tree };
	bool file = tabs__show_file(ui), callers = s->tab == PTAB_CALLERS;
	const struct browser_column *cols;
	size_t ncols, start = out->n;

	if (rows < 1)
		return;
	if (!s->tree || s->prof != p) {
		struct line *l = lines_begin(out, ui->width);

		line_put(l, TE_ROW_DIM, " no samples yet");
		line_fill(l, TE_DEFAULT);
		return;
	}
	if (callers)
		cols = file ? callers_file_columns : callers_columns;
	else
		cols = file ? tree_file_columns : tree_columns;
	if (callers)
		ncols = file ? NCOLS(callers_file_columns) : NCOLS(callers_columns);
	else
		ncols = file ? NCOLS(tree_file_columns) : NCOLS(tree_columns);
	/* The info line gives way on a short screen, unless it says what hides rows. */
	if (rows >= 6 || (rows >= 3 && (s->nfocus || s->threshold)))
		info_line(ui, out, &c);
	rows -= (int)(out->n - start);
	browser_draw(b, out, ui->width, rows - 1, cols, ncols, -1, false, row_at, row_style,
		     &c);
	if (!b->n && rows >= 2) {
		struct line *l = &out->v[out->n - (size_t)(rows - 1)];

		line_put(l, TE_ROW_DIM,
			 s->of && s->threshold ? " nothing above the threshold: % lowers it"
					       : " no samples yet");
	}
	for (size_t i = start; i < out->n; i++)
		line_fill(&out->v[i], TE_DEFAULT);
}

/* ---- keys --------------------------------------------------------------------------- */

/* What a key handler works on, found from the ui (the current tab). */
struct key_ctx {
	struct tree_state *s;
	struct browser *b;
	struct calltree *t;
	const struct tree_row *row; /* the selected row, or NULL */
};

/* Fills c for the current tab with its rows up to date; false when the tab
 * is not a tree or has no tree yet. */
static bool key_ctx(struct ui *ui, struct key_ctx *c)
{
	enum proc_tab tab = tabs__current(ui);
	struct profile *prof = procview__profile(ui);

	if (tabs__module(tab) != &treeview__module || !prof)
		return false;
	c->s = tabs__state(ui, tab);
	c->b = tabs__browser(ui, tab);
	c->t = current_tree(ui, c->s, prof);
	if (!c->t)
		return false;
	refresh(c->s, c->b, c->t);
	c->row = c->b->n ? &c->s->rows[c->b->sel] : NULL;
	return true;
}

/* Rebuilds the rows after a change and selects node (if still shown). */
static int changed(struct key_ctx *c, uint32_t node)
{
	refresh(c->s, c->b, c->t);
	if (node != CALLTREE_NONE)
		select_node(c->s, c->b, node);
	return UI_REDRAW;
}

/* Right: expand, or step into the first child when open. Enter: toggle. */
static int key_open(struct ui *ui, int key)
{
	struct key_ctx c;

	if (!key_ctx(ui, &c))
		return UI_NONE;
	if (!c.row || !c.row->kids)
		return UI_REDRAW;
	if (key == UI_KEY_ENTER || !c.row->open) {
		set_open(c.s, c.row->node, !c.row->open);
		return changed(&c, c.row->node);
	}
	browser_select(c.b, c.b->sel + 1);
	return UI_REDRAW;
}

static void unfocus(struct tree_state *s, const struct calltree *t)
{
	uint32_t node = shown_root(s);

	s->nfocus--;
	reveal(s, t, node);
}

/* Left: collapse, else go to the parent, else leave a focus. */
static int key_close(struct ui *ui, int key)
{
	struct key_ctx c;
	uint32_t node, parent;
	long r;

	(void)key;
	if (!key_ctx(ui, &c))
		return UI_NONE;
	if (!c.row)
		return UI_REDRAW;
	node = c.row->node;
	if (c.row->open) {
		set_open(c.s, node, false);
		return changed(&c, node);
	}
	parent = c.t->nodes[node].parent;
	r = parent == CALLTREE_NONE ? -1 : row_of(c.s, parent);
	if (r >= 0) {
		browser_select(c.b, (size_t)r);
		return UI_REDRAW;
	}
	if (c.s->nfocus) {
		unfocus(c.s, c.t);
		return changed(&c, node);
	}
	return UI_REDRAW;
}

/* The selected row's subtree among the rows: [sel, *end), and the deepest
 * level shown in it below the selected row (0: none). */
static uint32_t shown_levels(const struct key_ctx *c, size_t *end)
{
	size_t i = c->b->sel, j = i + 1;
	uint32_t d0 = c->s->rows[i].depth, deepest = 0;

	for (; j < c->s->nrows && c->s->rows[j].depth > d0; j++)
		if (c->s->rows[j].depth - d0 > deepest)
			deepest = c->s->rows[j].depth - d0;
	*end = j;
	return deepest;
}

/* +: show one more level below the cursor; -: one less. */
static int key_level(struct ui *ui, int key)
{
	struct key_ctx c;
	size_t end;
	uint32_t deepest, d0;

	if (!key_ctx(ui, &c))
		return UI_NONE;
	if (!c.row)
		return UI_REDRAW;
	deepest = shown_levels(&c, &end);
	d0 = c.row->depth;
	for (size_t i = c.b->sel; i < end; i++) {
		const struct tree_row *r = &c.s->rows[i];

		if (key == '+' && r->depth - d0 == deepest && r->kids)
			set_open(c.s, r->node, true);
		else if (key == '-' && deepest && r->depth - d0 == deepest - 1)
			set_open(c.s, r->node, false);
		else if (key == '-' && !deepest)
			set_open(c.s, r->node, false);
	}
	return changed(&c, c.row->node);
}

/* e: opens the hottest path from the cursor down to its leaf, and goes there. */
static int key_hot_path(struct ui *ui, int key)
{
	struct key_ctx c;
	uint32_t node;

	(void)key;
	if (!key_ctx(ui, &c))
		return UI_NONE;
	if (!c.row)
		return UI_REDRAW;
	node = c.row->node;
	for (uint32_t k = hottest_child(c.s, c.t, node); k != CALLTREE_NONE;
	     k = hottest_child(c.s, c.t, node)) {
		set_open(c.s, node, true);
		node = k;
	}
	return changed(&c, node);
}

/* E: expands every node; C: collapses every one (a focused node stays open). */
/* The depth E opens down to: every level when the tree's counted nodes
 * fit in TREE_EXPAND_MAX rows, else the deepest level whose nodes and all
 * above it do (at least 1). depth[] gets each node's depth. */
static size_t expand_depth(const struct tree_state *s, const struct calltree *t, uint16_t *depth,
			   size_t *whole)
{
	size_t n = calltree_count(t), per[PROFILE_MAX_DEPTH + 2] = { 0 }, rows = 0, d;

	depth[0] = 0;
	for (size_t i = 1; i < n; i++) {
		uint32_t up = t->nodes[i].parent;

		depth[i] = depth[up] < PROFILE_MAX_DEPTH ? (uint16_t)(depth[up] + 1) : depth[up];
		if (calltree_total(t, (uint32_t)i, s->scope))
			per[depth[i]]++;
	}
	*whole = 0;
	for (d = 1; d <= PROFILE_MAX_DEPTH + 1; d++)
		*whole += per[d];
	for (d = 1; d <= PROFILE_MAX_DEPTH + 1 && rows + per[d] <= TREE_EXPAND_MAX; d++)
		rows += per[d];
	return d > 1 ? d - 1 : 1;
}

static int key_all(struct ui *ui, int key)
{
	struct key_ctx c;
	uint32_t node;

	if (!key_ctx(ui, &c))
		return UI_NONE;
	node = c.row ? c.row->node : CALLTREE_NONE;
	if (key == 'E') {
		size_t n = calltree_count(c.t), whole, max;
		uint64_t *h = path_hashes(c.t);
		uint16_t *depth = xreallocarray(NULL, n, sizeof(*depth));
		char msg[160];

		max = expand_depth(c.s, c.t, depth, &whole);
		for (size_t i = 1; i < n; i++)
			if (depth[i] < max) /* a node at depth max shows, closed */
				set_open_hashed(c.s, (uint32_t)i, true, h[i]);
		if (whole > TREE_EXPAND_MAX) {
			snprintf(msg, sizeof(msg),
				 "opened %zu levels: all %zu paths would be too many rows (e follows "
				 "the hottest)",
				 max, whole);
			ui__message(ui, TE_STATUS_WARN, msg);
		}
		free(depth);
		free(h);
	} else {
		if (c.s->open_alloc)
			memset(c.s->open, 0, c.s->open_alloc);
		c.s->open_gen++;
		for (size_t i = 0; i < c.s->nfocus; i++)
			set_open(c.s, c.s->focus[i], true);
	}
	return changed(&c, node);
}

/* f: shows only the subtree under the cursor. */
static int key_focus(struct ui *ui, int key)
{
	struct key_ctx c;

	(void)key;
	if (!key_ctx(ui, &c))
		return UI_NONE;
	if (!c.row || c.row->node == shown_root(c.s))
		return UI_REDRAW;
	push_focus(c.s, c.row->node);
	set_open(c.s, c.row->node, true);
	return changed(&c, c.row->node);
}

/* The hottest node for func in t under the root (biggest total, ties by
 * the smaller id), or CALLTREE_NONE. Cost: every node, once per key. */
static uint32_t hottest_node_of(const struct calltree *t, uint32_t func, enum calltree_scope scope)
{
	uint32_t best = CALLTREE_NONE;
	uint64_t best_total = 0;

	for (size_t n = 1; n < calltree_count(t); n++) {
		uint64_t total = t->nodes[n].func == func ? calltree_total(t, (uint32_t)n, scope) : 0;

		if (total > best_total)
			best = (uint32_t)n, best_total = total;
	}
	return best;
}

int treeview__show_callers(struct ui *ui, struct profile *p, uint32_t func)
{
	struct key_ctx c;
	uint32_t node;
	char msg[160];

	tabs__select(ui, p, PTAB_CALLERS);
	if (!key_ctx(ui, &c))
		return UI_REDRAW;
	node = calltree_child(c.t, CALLTREE_ROOT, func);
	if (node != CALLTREE_NONE && calltree_total(c.t, node, c.s->scope)) {
		c.s->nfocus = 0;
		push_focus(c.s, node);
		set_open(c.s, node, true);
		return changed(&c, node);
	}
	/* Never a leaf in scope: show where it sits in the top-down tree. */
	tabs__select(ui, p, PTAB_TREE);
	if (!key_ctx(ui, &c))
		return UI_REDRAW;
	node = hottest_node_of(c.t, func, c.s->scope);
	snprintf(msg, sizeof(msg), "%s has no self samples here: its hottest path in the Tree",
		 p->funcs[func].name);
	ui__message(ui, TE_STATUS_WARN, msg);
	if (node == CALLTREE_NONE)
		return UI_REDRAW;
	c.s->nfocus = 0;
	reveal(c.s, c.t, node);
	return changed(&c, node);
}

/* Esc: leaves one focus level; not ours when nothing is focused. */
static int key_unfocus(struct ui *ui, int key)
{
	struct key_ctx c;
	uint32_t node;

	(void)key;
	if (!key_ctx(ui, &c) || !c.s->nfocus)
		return UI_NONE;
	node = shown_root(c.s);
	unfocus(c.s, c.t);
	return changed(&c, node);
}

/* %: the next threshold (the line above the table shows it). */
static int key_threshold(struct ui *ui, int key)
{
	struct key_ctx c;

	(void)key;
	if (!key_ctx(ui, &c))
		return UI_NONE;
	c.s->threshold = (c.s->threshold + 1) % NTHRESHOLDS;
	return changed(&c, c.row ? c.row->node : CALLTREE_NONE);
}

static const struct ui_binding bindings[] = {
	{ { UI_KEY_RIGHT, UI_KEY_ENTER }, "Right Enter",
	  "Expand (Right on an open node goes to its first child); Enter toggles",
	  key_open },
	{ { UI_KEY_LEFT }, "Left", "Collapse, or go to the parent", key_close },
	{ { '+', '-' }, "+ -", "Expand / collapse one more level below the cursor", key_level },
	{ { 'e' }, "e", "Expand the hottest path from the cursor and go to its end",
	  key_hot_path },
	{ { 'E', 'C' }, "E C", "Expand / collapse everything", key_all },
	{ { 'f' }, "f", "Focus: show only the subtree under the cursor", key_focus },
	{ { UI_KEY_ESC }, "Esc", "Leave the focus (one level), else back", key_unfocus },
	{ { '%' }, "%", "Hide call paths under 0.5 %, 1 %, 5 % of the samples, or none",
	  key_threshold },
};

static int dispatch(struct ui *ui, struct tree_state *s, struct profile *p, int k)
{
	struct browser *b = tabs__browser(ui, s->tab);
	struct calltree *t;

	for (size_t i = 0; i < NCOLS(bindings); i++)
		for (size_t j = 0; j < 4 && bindings[i].keys[j]; j++)
			if (bindings[i].keys[j] == k)
				return bindings[i].fn(ui, k);
	t = current_tree(ui, s, p);
	if (t)
		refresh(s, b, t);
	if (k == UI_KEY_MOUSE) {
		/* A click selects, a double click toggles as Enter does. */
		bool activate = false;
		int r = ui__mouse_browser(ui, b, &activate);

		return activate ? key_open(ui, UI_KEY_ENTER) : r;
	}
	return browser_key(b, k);
}

static int key(struct ui *ui, void *state, struct profile *p, int k)
{
	struct tree_state *s = state;
	int r = dispatch(ui, s, p, k);

	note_selection(s, tabs__browser(ui, s->tab));
	return r;
}

/* ---- search ------------------------------------------------------------------------- */

/* The search walks the nodes under the shown root above the threshold in
 * the order the rows would show them with everything open (the shown root
 * first when focused), one step at a time: s->walk[0..depth] are the lists
 * of siblings on the path to the current node, each on the kids stack. */

static struct walk_level *walk_push(struct tree_state *s, size_t depth, size_t at, size_t n)
{
	if (depth >= s->walk_alloc) {
		s->walk_alloc = depth + 32;
		s->walk = xreallocarray(s->walk, s->walk_alloc, sizeof(*s->walk));
	}
	s->walk[depth] = (struct walk_level){ at, n, 0 };
	return &s->walk[depth];
}

static uint32_t walk_node(const struct tree_state *s, size_t depth)
{
	const struct walk_level *w = &s->walk[depth];

	return s->kids[w->at + w->i];
}

/* Pushes the current node's children as a new level; false when it has none. */
static bool walk_down(struct tree_state *s, struct calltree *t, size_t *depth)
{
	size_t at = s->nkids, n = push_children(s, t, walk_node(s, *depth));

	if (!n)
		return false;
	walk_push(s, ++*depth, at, n);
	return true;
}

/* Goes down to the last node of the current node's shown subtree. */
static void walk_to_last(struct tree_state *s, struct calltree *t, size_t *depth)
{
	while (walk_down(s, t, depth))
		s->walk[*depth].i = s->walk[*depth].n - 1;
}

/* One step in display order (dir > 0: forward), wrapping at either end. */
static void walk_step(struct tree_state *s, struct calltree *t, size_t *depth, int dir)
{
	struct walk_level *w;

	if (dir > 0) {
		if (walk_down(s, t, depth))
			return;
		for (;;) {
			w = &s->walk[*depth];
			if (w->i + 1 < w->n) {
				w->i++;
				return;
			}
			if (!*depth) {
				w->i = 0; /* past the last: the first */
				return;
			}
			s->nkids = w->at;
			--*depth;
		}
	}
	w = &s->walk[*depth];
	if (w->i > 0) {
		w->i--;
		walk_to_last(s, t, depth);
	} else if (*depth) {
		s->nkids = w->at;
		--*depth;
	} else {
		w->i = w->n - 1; /* before the first: the last */
		walk_to_last(s, t, depth);
	}
}

/* Starts the walk at node (at the first node when it is not in the walk's
 * order); false when there is nothing to walk. Sets *depth. Cost: the
 * siblings of node and of its ancestors. */
static bool walk_start(struct tree_state *s, struct calltree *t, uint32_t node, size_t *depth)
{
	uint32_t path[PROFILE_MAX_DEPTH + 2], root = shown_root(s);
	size_t n = 0;

	s->nkids = 0;
	*depth = 0;
	if (s->nfocus) {
		s->kids[s->nkids++] = root; /* kids_alloc is never 0 */
		walk_push(s, 0, 0, 1);
	} else if (!walk_push(s, 0, 0, push_children(s, t, CALLTREE_ROOT))->n) {
		return false;
	}
	/* node's path from the first level down, leaf first in path */
	for (uint32_t k = node; k != CALLTREE_NONE && n < sizeof(path) / sizeof(path[0]);
	     k = t->nodes[k].parent) {
		if (!s->nfocus && k == CALLTREE_ROOT)
			break;
		path[n++] = k;
		if (s->nfocus && k == root)
			break;
	}
	while (n--) {
		struct walk_level *w = &s->walk[*depth];

		for (w->i = 0; w->i < w->n && s->kids[w->at + w->i] != path[n]; w->i++)
			;
		if (w->i == w->n || (n && !walk_down(s, t, depth))) {
			s->nkids = s->walk[0].at + s->walk[0].n;
			*depth = 0;
			s->walk[0].i = 0;
			return true;
		}
	}
	return true;
}

static bool name_has(const char *text, const char *needle)
{
	size_t n = strlen(needle);

	for (; text && *text; text++)
		if (!strncasecmp(text, needle, n))
			return true;
	return false;
}

static bool search(struct ui *ui, void *state, struct profile *p, const char *needle, int dir,
		   bool inclusive)
{
	struct tree_state *s = state;
	struct browser *b = tabs__browser(ui, s->tab);
	struct calltree *t = current_tree(ui, s, p);
	uint32_t start, node;
	size_t depth;
	bool found = false;

	if (!t || !needle[0])
		return false;
	refresh(s, b, t);
	if (!walk_start(s, t, b->n ? s->rows[b->sel].node : CALLTREE_NONE, &depth))
		return false;
	start = node = walk_node(s, depth);
	if (!inclusive || !name_has(p->funcs[t->nodes[node].func].name, needle)) {
		do {
			walk_step(s, t, &depth, dir);
			node = walk_node(s, depth);
			found = name_has(p->funcs[t->nodes[node].func].name, needle);
		} while (!found && node != start);
	} else {
		found = true;
	}
	s->nkids = 0;
	if (found) {
		reveal(s, t, node);
		refresh(s, b, t);
		found = select_node(s, b, node);
	}
	note_selection(s, b);
	return found;
}

/* A tree takes keys before the view (Esc leaves its focus first). */
static bool keys_first(const void *state)
{
	(void)state;
	return true;
}

const struct tab_module treeview__module = {
	.create = create,
	.destroy = destroy,
	.reset = reset,
	.counts_reset = reset,
	.rebuild = rebuild,
	.draw = draw,
	.key = key,
	.keys_first = keys_first,
	.search = search,
	.bindings = bindings,
	.nbindings = NCOLS(bindings),
};
