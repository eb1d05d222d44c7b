/*
 * view_flame — the Flame tab: the scope's top-down call tree as an icicle
 * graph, root at the top and callees below, one text row per depth.
 *
 * Every frame is a block as wide as its share of the zoomed frame's samples
 * (the scope's `total`, tabs__scope(ui)->win). Children sit left to right
 * in alphabetical order of their names (ties by function id), as
 * flamegraph.pl does: in a live view the blocks then keep their places while
 * the counts move, where an order by total would swap neighbours back and
 * forth. Positions are computed in samples and rounded once per edge, so the
 * blocks of a row tile without gaps or overlaps, and a 60/40 split of 100
 * columns is exactly 60 and 40 columns.
 *
 * A frame narrower than one column is not drawn: a run of such neighbours is
 * merged into one dim "…" filler when the run rounds to a column or more,
 * and dropped otherwise; their callees are dropped with them. So a row holds
 * at most `width` blocks, and laying out the rows on screen costs the
 * visible rows times the width (plus the children of the blocks drawn),
 * whatever the size of the tree. Each node's children in name order are
 * cached (a map by node id, built the first time the node's children are
 * placed) and dropped when the node gains a child, found by looking at the
 * nodes added since the last frame; so a frame does not sort, and a node
 * with 50,000 children costs a walk over them, not a sort by name.
 *
 * A name is cut to fit its block with "…" and always leaves the block's last
 * column blank, so neighbours stay apart even without colour; a block of
 * one or two columns shows no text. Each function's colour is one of the
 * theme's flame.a..d, picked by a hash of its name and moved on when it
 * would equal the left neighbour's or the parent's.
 *
 * The selected frame is drawn in row.selected and described on the last
 * line (name, module, file:line, total and self with % of the scope's
 * samples); frames matching the search are drawn in flame.match. Enter
 * zooms into the selected frame (it takes the full width, and the first line
 * shows the path to it), Esc goes back one zoom; arrows walk the frames.
 * The state is node ids of the tree, checked against it every frame, so a
 * reset or a change of thread scope falls back to the root.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/str.h"
#include "util/xalloc.h"

enum {
	FLAME_NCOLOURS = 4,                     /* flame.a .. flame.d */
	FLAME_ZOOM_MAX = PROFILE_MAX_DEPTH + 1, /* zooms stacked by Enter */
	FLAME_ROWS_MAX = PROFILE_MAX_DEPTH + 2, /* the root, then every depth */
};

#define FILLER CALLTREE_NONE /* a frame's node: a filler for narrow frames */

/* One block of the layout. */
struct flame_frame {
	uint32_t node;           /* FILLER for a run of narrow frames */
	uint64_t off;            /* samples left of it, from the zoomed frame's edge */
	int x, w;                /* first column and columns */
	enum theme_element elem; /* its colour */
};

/* A child while its parent's children are sorted by name. */
struct flame_kid {
	const char *name;
	uint32_t func, node;
};

/* One node's children (every one, counted or not) in name order. */
struct flame_order {
	uint32_t func; /* the node's function when cached: a guard against a reset */
	size_t n;
	uint32_t ids[];
};

struct flame_state {
	enum proc_tab tab;
	uint32_t sel;                  /* the selected node */
	uint32_t sel_func;             /* its function, to notice a tree that changed */
	uint32_t zoom[FLAME_ZOOM_MAX]; /* nodes zoomed into, the current one last */
	uint32_t zoom_func[FLAME_ZOOM_MAX];
	size_t nzoom;                /* 0: the root fills the width */
	int top;                     /* first depth row shown, from the zoomed frame */
	int page;                    /* graph rows at the last draw */
	int path_line, graph_line;   /* their screen lines at the last draw (-1: none) */
	const struct calltree *tree; /* the tree the ids belong to */
	pid_t tid;
	uint64_t layout;             /* and the profile's layout (profile.h) */

	/* The layout: rows [0, nrows) of frames, row r from frames[row_at[r]]
	 * to frames[row_at[r + 1]]. */
	struct flame_frame *frames;
	size_t nframes, frames_alloc;
	size_t row_at[FLAME_ROWS_MAX + 1];
	int nrows;
	int width;      /* columns the layout was made for */
	uint64_t scale; /* the zoomed frame's total */
	struct flame_kid *kids; /* children being sorted, scratch */
	size_t kids_alloc;
	struct hashmap orders;         /* node -> struct flame_order * */
	const struct calltree *orders_tree; /* the tree they belong to */
	size_t orders_count;           /* its nodes when they were last checked */
	uint64_t orders_layout;        /* the profile's layout they were made for */
	struct lines scratch; /* for cutting a name to a block */
};

/* What the functions below read: the scope's tree and counts. */
struct flame_ctx {
	struct ui *ui;
	struct profile *p;
	struct calltree *tree;
	enum calltree_scope scope;
	uint64_t samples; /* the scope's samples: what % is of */
};

/* ---- state ---------------------------------------------------------------------------- */

static void *create(enum proc_tab tab)
{
	struct flame_state *s = xcalloc(1, sizeof(*s));

	s->tab = tab;
	s->sel = CALLTREE_ROOT;
	s->sel_func = CALLTREE_NONE;
	s->path_line = s->graph_line = -1;
	lines_init(&s->scratch);
	hashmap_init(&s->orders);
	return s;
}

/* Drops every cached name order. */
static void orders_flush(struct flame_state *s)
{
	size_t pos = 0;
	void *v;

	while (hashmap_next(&s->orders, &pos, NULL, &v))
		free(v);
	hashmap_release(&s->orders);
	hashmap_init(&s->orders);
	s->orders_tree = NULL;
	s->orders_count = 0;
}

static void destroy(void *state)
{
	struct flame_state *s = state;

	if (!s)
		return;
	orders_flush(s);
	hashmap_release(&s->orders);
	free(s->frames);
	free(s->kids);
	lines_release(&s->scratch);
	free(s);
}

/* Back to the root, not zoomed. */
static void forget(struct flame_state *s)
{
	s->sel = CALLTREE_ROOT;
	s->sel_func = CALLTREE_NONE;
	s->nzoom = 0;
	s->top = 0;
}

static void reset(void *state)
{
	forget(state);
}

static bool ctx_get(struct ui *ui, struct profile *p, struct flame_ctx *c)
{
	const struct profile_view *v = &tabs__scope(ui)->win;

	c->ui = ui;
	c->p = p;
	c->tree = v->top;
	c->scope = v->scope;
	c->samples = v->samples;
	return c->tree != NULL;
}

static uint64_t total_of(const struct flame_ctx *c, uint32_t node)
{
	return calltree_total(c->tree, node, c->scope);
}

static uint32_t zoom_node(const struct flame_state *s)
{
	return s->nzoom ? s->zoom[s->nzoom - 1] : CALLTREE_ROOT;
}

/* Whether node still is the path it was when chosen (same function, counted). */
static bool still_there(const struct flame_ctx *c, uint32_t node, uint32_t func)
{
	return node < calltree_count(c->tree) && c->tree->nodes[node].func == func &&
	       total_of(c, node) > 0;
}

static bool under(const struct flame_ctx *c, uint32_t node, uint32_t ancestor)
{
	for (; node != CALLTREE_NONE; node = c->tree->nodes[node].parent)
		if (node == ancestor)
			return true;
	return false;
}

/* Depth of node below the zoomed frame (0 for the zoomed frame itself). */
static int rel_depth(const struct flame_ctx *c, const struct flame_state *s, uint32_t node)
{
	return (int)calltree_depth(c->tree, node) - (int)calltree_depth(c->tree, zoom_node(s));
}

/* Whether node is at least one column wide at the current zoom. */
static bool wide(const struct flame_ctx *c, const struct flame_state *s, uint32_t node)
{
	uint64_t scale = total_of(c, zoom_node(s));

	return scale && (double)total_of(c, node) * c->ui->width >= (double)scale;
}

static void select_node(const struct flame_ctx *c, struct flame_state *s, uint32_t node)
{
	s->sel = node;
	s->sel_func = c->tree->nodes[node].func;
}

/* Makes the ids valid for the tree in scope: a zoom or selection whose
 * path is gone (reset, another thread, out of the window) is dropped, and
 * the selection is kept under the zoom and at least one column wide. */
static void validate(const struct flame_ctx *c, struct flame_state *s)
{
	const struct tabs_scope *sc = tabs__scope(c->ui);
	uint32_t z;

	if (c->tree != s->tree || sc->tid != s->tid || c->p->layout != s->layout) {
		forget(s);
		s->tree = c->tree;
		s->tid = sc->tid;
		s->layout = c->p->layout;
	}
	for (size_t i = 0; i < s->nzoom; i++)
		if (!still_there(c, s->zoom[i], s->zoom_func[i]))
			s->nzoom = i;
	z = zoom_node(s);
	if (!still_there(c, s->sel, s->sel_func) || !under(c, s->sel, z))
		select_node(c, s, z);
	while (s->sel != z && !wide(c, s, s->sel))
		select_node(c, s, c->tree->nodes[s->sel].parent);
}

static void rebuild(struct ui *ui, void *state, struct profile *p)
{
	struct flame_ctx c;

	if (ctx_get(ui, p, &c))
		validate(&c, state);
}

/* ---- layout --------------------------------------------------------------------------- */

static const char *node_name(const struct flame_ctx *c, uint32_t node)
{
	uint32_t f = c->tree->nodes[node].func;

	return f == CALLTREE_NONE || f >= profile_func_count(c->p) ? "all" : c->p->funcs[f].name;
}

/* FNV-1a of the name: the same function gets the same colour everywhere. */
static unsigned name_hash(const char *name)
{
	unsigned h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

static enum theme_element colour_of(const char *name, enum theme_element avoid1,
                                    enum theme_element avoid2)
{
	unsigned k = name_hash(name) % FLAME_NCOLOURS;

	for (int i = 0; i < FLAME_NCOLOURS; i++, k = (k + 1) % FLAME_NCOLOURS) {
		enum theme_element e = (enum theme_element)(TE_FLAME_A + (int)k);

		if (e != avoid1 && e != avoid2)
			return e;
	}
	return TE_FLAME_A;
}

static int kid_compare(const void *a, const void *b)
{
	const struct flame_kid *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	return r ? r : x->func < y->func ? -1 : x->func > y->func;
}

/* The column of a position `off` samples from the zoomed frame's edge. */
static int column(const struct flame_state *s, uint64_t off)
{
	return (int)floor((double)off * s->width / (double)s->scale + 0.5);
}

static void push_frame(struct flame_state *s, uint32_t node, uint64_t off, int x, int w,
                       enum theme_element elem)
{
	if (s->nframes == s->frames_alloc) {
		s->frames_alloc = s->frames_alloc ? 2 * s->frames_alloc : 256;
		s->frames = xreallocarray(s->frames, s->frames_alloc, sizeof(*s->frames));
	}
	s->frames[s->nframes++] = (struct flame_frame){ node, off, x, w, elem };
}

/* Makes the cached orders valid for the tree in view: all dropped for
 * another tree or one that shrank (a reset), else those of the parents of
 * the nodes added since the last check. Cost: the nodes added. */
static void orders_check(const struct flame_ctx *c, struct flame_state *s)
{
	size_t n = calltree_count(c->tree);

	if (c->tree != s->orders_tree || n < s->orders_count || c->p->layout != s->orders_layout) {
		orders_flush(s);
		s->orders_tree = c->tree;
		s->orders_count = n;
		s->orders_layout = c->p->layout;
		return;
	}
	for (size_t id = s->orders_count; id < n && s->orders.len; id++)
		free(hashmap_remove(&s->orders, c->tree->nodes[id].parent));
	s->orders_count = n;
}

/* node's children, every one, in name order (ties by function id): cached,
 * else sorted and cached. */
static const struct flame_order *name_order(const struct flame_ctx *c, struct flame_state *s,
					     uint32_t node)
{
	const struct calltree_node *nodes = c->tree->nodes;
	struct flame_order *o = hashmap_get(&s->orders, node);
	size_t n = 0;

	if (o && o->func == nodes[node].func && (!o->n || nodes[o->ids[0]].parent == node))
		return o;
	free(hashmap_remove(&s->orders, node));
	for (uint32_t k = nodes[node].child; k != CALLTREE_NONE; k = nodes[k].next) {
		if (n == s->kids_alloc) {
			s->kids_alloc = s->kids_alloc ? 2 * s->kids_alloc : 64;
			s->kids = xreallocarray(s->kids, s->kids_alloc, sizeof(*s->kids));
		}
		s->kids[n++] = (struct flame_kid){ node_name(c, k), nodes[k].func, k };
	}
	qsort(s->kids, n, sizeof(*s->kids), kid_compare);
	o = xmalloc(sizeof(*o) + n * sizeof(o->ids[0]));
	o->func = nodes[node].func;
	o->n = n;
	for (size_t i = 0; i < n; i++)
		o->ids[i] = s->kids[i].node;
	hashmap_put(&s->orders, node, o);
	return o;
}

/* The element of the frame left of column x in the row being built, if it
 * touches x. */
static enum theme_element left_elem(const struct flame_state *s, size_t row_start, int x)
{
	const struct flame_frame *f;

	if (s->nframes == row_start)
		return TE_COUNT;
	f = &s->frames[s->nframes - 1];
	return f->node != FILLER && f->x + f->w == x ? f->elem : TE_COUNT;
}

/* Places the children of the frame at index parent into the row being built. */
static void place_children(const struct flame_ctx *c, struct flame_state *s, size_t parent,
                           size_t row_start)
{
	uint32_t node = s->frames[parent].node;
	enum theme_element up = s->frames[parent].elem;
	uint64_t off = s->frames[parent].off, run_off = 0;
	int run_x = -1, run_end = 0;
	const struct flame_order *o = name_order(c, s, node);

	for (size_t i = 0; i < o->n; i++) {
		uint32_t kid = o->ids[i];
		uint64_t total = total_of(c, kid);
		int x0, x1;

		if (!total)
			continue; /* not counted (yet, or in this window) */
		x0 = column(s, off);
		x1 = column(s, off + total);
		if ((double)total * s->width >= (double)s->scale) {
			if (run_x >= 0 && run_end > run_x)
				push_frame(s, FILLER, run_off, run_x, run_end - run_x, TE_ROW_DIM);
			run_x = -1;
			push_frame(s, kid, off, x0, x1 - x0,
			           colour_of(node_name(c, kid), up, left_elem(s, row_start, x0)));
		} else {
			if (run_x < 0)
				run_x = x0, run_off = off;
			run_end = x1;
		}
		off += total;
	}
	if (run_x >= 0 && run_end > run_x)
		push_frame(s, FILLER, run_off, run_x, run_end - run_x, TE_ROW_DIM);
}

/* Lays out the rows 0..last (from the zoomed frame) at the ui's width, or
 * fewer when the tree is not that deep. Cost: the frames placed (at most
 * the width per row) and their children. */
static void layout(const struct flame_ctx *c, struct flame_state *s, int last)
{
	uint32_t z = zoom_node(s);

	orders_check(c, s);
	s->nframes = 0;
	s->nrows = 0;
	s->width = c->ui->width;
	s->scale = total_of(c, z);
	if (last >= FLAME_ROWS_MAX)
		last = FLAME_ROWS_MAX - 1;
	s->row_at[0] = 0;
	if (!s->scale || s->width < 1)
		return;
	push_frame(s, z, 0, 0, s->width, colour_of(node_name(c, z), TE_COUNT, TE_COUNT));
	s->row_at[1] = s->nframes;
	s->nrows = 1;
	while (s->nrows <= last) {
		size_t from = s->row_at[s->nrows - 1], to = s->row_at[s->nrows];

		for (size_t i = from; i < to; i++)
			if (s->frames[i].node != FILLER)
				place_children(c, s, i, to);
		if (s->nframes == to)
			break;
		s->row_at[++s->nrows] = s->nframes;
	}
}

/* The index of node's frame in row r, or -1. */
static long find_in_row(const struct flame_state *s, int r, uint32_t node)
{
	if (r < 0 || r >= s->nrows)
		return -1;
	for (size_t i = s->row_at[r]; i < s->row_at[r + 1]; i++)
		if (s->frames[i].node == node)
			return (long)i;
	return -1;
}

/* ---- drawing -------------------------------------------------------------------------- */

/* Whether name contains needle (case-insensitive); an empty needle matches
 * nothing (no search, no highlight). */
static bool name_matches(const char *name, const char *needle)
{
	return *needle && str_contains_nocase(name, needle);
}

static bool frame_matches(const struct flame_ctx *c, uint32_t node)
{
	return node != FILLER && c->tree->nodes[node].func != CALLTREE_NONE &&
	       name_matches(node_name(c, node), tabs__search(c->ui));
}

/* The name in a block of w columns: all of it with a blank after, or cut
 * with "…" before that blank; nothing under three columns. */
static void put_block(struct flame_state *s, struct line *l, enum theme_element e, const char *name,
                      int w)
{
	int end = l->cols + w;

	if (w >= 3 && lines_text_width(name) <= w - 1) {
		line_put(l, e, name);
	} else if (w >= 3) {
		struct line *cut;

		lines_clear(&s->scratch);
		cut = lines_begin(&s->scratch, w - 2);
		line_put(cut, e, name);
		line_append(l, cut);
		line_put(l, e, lines_utf8() ? "…" : "~");
	}
	line_pad_to(l, e, end);
}

static void draw_row(const struct flame_ctx *c, struct flame_state *s, struct lines *out, int r)
{
	struct line *l = lines_begin(out, c->ui->width);

	for (size_t i = r < s->nrows ? s->row_at[r] : 0; r < s->nrows && i < s->row_at[r + 1];
	     i++) {
		const struct flame_frame *f = &s->frames[i];
		enum theme_element e = f->elem;

		line_pad_to(l, TE_DEFAULT, f->x);
		if (f->node == FILLER) {
			line_put(l, TE_ROW_DIM, lines_utf8() ? "…" : ".");
			line_pad_to(l, TE_DEFAULT, f->x + f->w);
			continue;
		}
		if (f->node == s->sel)
			e = TE_ROW_SELECTED;
		else if (frame_matches(c, f->node))
			e = TE_FLAME_MATCH;
		put_block(s, l, e, node_name(c, f->node), f->w);
	}
	line_fill(l, TE_DEFAULT);
}

static void percent(char *buf, size_t len, uint64_t n, uint64_t of)
{
	snprintf(buf, len, "%.1f%%", of ? 100.0 * (double)n / (double)of : 0.0);
}

/* The selected frame: name, module, file:line, total and self (the module
 * and file give way on a narrow screen). */
static void detail_line(const struct flame_ctx *c, const struct flame_state *s, struct lines *out)
{
	struct line *l = lines_begin(out, c->ui->width);
	uint32_t f = c->tree->nodes[s->sel].func;
	uint64_t total = total_of(c, s->sel), self = calltree_self(c->tree, s->sel, c->scope);
	uint64_t of = c->samples ? c->samples : total_of(c, CALLTREE_ROOT);
	char where[512], figures[160], tn[32], sn[32], tp[16], sp[16];
	const char *name = node_name(c, s->sel);

	where[0] = '\0';
	if (f != CALLTREE_NONE && f < profile_func_count(c->p)) {
		const struct profile_func *pf = &c->p->funcs[f];

		if (pf->file && pf->line)
			snprintf(where, sizeof(where), "  %s  %s:%d", pf->module, pf->file,
			         pf->line);
		else if (pf->file)
			snprintf(where, sizeof(where), "  %s  %s", pf->module, pf->file);
		else
			snprintf(where, sizeof(where), "  %s", pf->module);
	}
	fmt_count(tn, sizeof(tn), total, !c->ui->batch);
	fmt_count(sn, sizeof(sn), self, !c->ui->batch);
	percent(tp, sizeof(tp), total, of);
	percent(sp, sizeof(sp), self, of);
	snprintf(figures, sizeof(figures), "  total %s %s  self %s %s", tn, tp, sn, sp);
	line_put(l, TE_ROW, " ");
	line_put(l, TE_TITLE, name);
	if (1 + lines_text_width(name) + lines_text_width(where) + lines_text_width(figures) <=
	    c->ui->width)
		line_put(l, TE_ROW_DIM, where);
	line_put(l, TE_ROW, figures);
	line_fill(l, TE_DEFAULT);
}

/* The first line: the path to the zoomed frame (cut on the left to fit),
 * or the scope's samples when not zoomed. */
static void path_line(const struct flame_ctx *c, const struct flame_state *s, struct lines *out)
{
	struct line *l = lines_begin(out, c->ui->width);
	const char *sep = lines_utf8() ? " › " : " > ";
	const char *hint = "  Esc back";
	uint32_t path[FLAME_ZOOM_MAX + 1];
	int n = 0, first = 0, need;
	char buf[64];

	if (!s->nzoom) {
		fmt_count(buf, sizeof(buf), total_of(c, CALLTREE_ROOT), !c->ui->batch);
		line_put(l, TE_ROW_DIM, " ");
		line_put(l, TE_ROW_DIM, buf);
		line_put(l, TE_ROW_DIM,
		         " samples, callees below callers, by name;"
		         " Enter zooms");
		line_fill(l, TE_DEFAULT);
		return;
	}
	for (uint32_t x = zoom_node(s); x != CALLTREE_NONE && n < FLAME_ZOOM_MAX + 1;
	     x = c->tree->nodes[x].parent)
		path[n++] = x;
	/* path[n-1] is the root; show from path[first], dropping the oldest. */
	for (first = n - 1; first > 0; first--) {
		need = 1;
		for (int i = first; i >= 0; i--)
			need += lines_text_width(node_name(c, path[i])) +
			        (i ? lines_text_width(sep) : 0);
		if (first != n - 1)
			need += 1 + lines_text_width(sep);
		if (need <= c->ui->width)
			break;
	}
	line_put(l, TE_ROW, " ");
	if (first != n - 1) {
		line_put(l, TE_ROW_DIM, lines_utf8() ? "…" : "...");
		line_put(l, TE_ROW_DIM, sep);
	}
	for (int i = first; i >= 0; i--) {
		line_put(l, i ? TE_ROW : TE_TITLE, node_name(c, path[i]));
		if (i)
			line_put(l, TE_ROW_DIM, sep);
	}
	if (line_room(l) > lines_text_width(hint))
		line_put(l, TE_ROW_DIM, hint);
	line_fill(l, TE_DEFAULT);
}

/* Scrolls so the selected row is among the `page` rows shown. */
static void scroll_to_selection(const struct flame_ctx *c, struct flame_state *s, int page)
{
	int d = rel_depth(c, s, s->sel);

	if (page < 1)
		page = 1;
	if (d < s->top)
		s->top = d;
	if (d >= s->top + page)
		s->top = d - page + 1;
	if (s->top < 0)
		s->top = 0;
}

static void draw(struct ui *ui, void *state, struct lines *out, struct profile *p, int rows)
{
	struct flame_state *s = state;
	struct flame_ctx c;
	bool path = rows >= 3, detail = rows >= 2;
	int page = rows - path - detail;

	if (rows < 1)
		return;
	if (!ctx_get(ui, p, &c) || !total_of(&c, CALLTREE_ROOT)) {
		for (int i = 0; i < rows; i++) {
			struct line *l = lines_begin(out, ui->width);

			line_put(l, TE_ROW_DIM, i ? "" : " no samples yet");
			line_fill(l, TE_DEFAULT);
		}
		return;
	}
	validate(&c, s);
	s->page = page;
	scroll_to_selection(&c, s, page);
	layout(&c, s, s->top + page - 1);
	if (s->top > 0 && s->top + page > s->nrows) /* deeper than needed: show more above */
		s->top = s->nrows - page > 0 ? s->nrows - page : 0;
	s->path_line = path ? (int)out->n : -1;
	if (path)
		path_line(&c, s, out);
	s->graph_line = (int)out->n;
	for (int r = 0; r < page; r++)
		draw_row(&c, s, out, s->top + r);
	if (detail)
		detail_line(&c, s, out);
}

/* ---- keys ----------------------------------------------------------------------------- */

/* The selection's neighbour on its row (dir -1 left, +1 right), fillers
 * skipped; the selection when there is none. */
static uint32_t neighbour(const struct flame_ctx *c, struct flame_state *s, int dir)
{
	int r = rel_depth(c, s, s->sel);
	long i;

	layout(c, s, r);
	i = find_in_row(s, r, s->sel);
	if (i < 0)
		return s->sel;
	for (i += dir; i >= (long)s->row_at[r] && i < (long)s->row_at[r + 1]; i += dir)
		if (s->frames[i].node != FILLER)
			return s->frames[i].node;
	return s->sel;
}

/* The hottest child of the selection when it is wide enough to be drawn. */
static uint32_t hottest_child(const struct flame_ctx *c, const struct flame_state *s)
{
	uint32_t kid;

	if (rel_depth(c, s, s->sel) + 1 >= FLAME_ROWS_MAX ||
	    !calltree_children(c->tree, s->sel, c->scope, &kid, 1) || !wide(c, s, kid))
		return s->sel;
	return kid;
}

static uint32_t parent_in_zoom(const struct flame_ctx *c, const struct flame_state *s)
{
	return s->sel == zoom_node(s) ? s->sel : c->tree->nodes[s->sel].parent;
}

static void zoom_in(const struct flame_ctx *c, struct flame_state *s)
{
	if (s->sel == zoom_node(s) || s->nzoom == FLAME_ZOOM_MAX)
		return;
	s->zoom[s->nzoom] = s->sel;
	s->zoom_func[s->nzoom++] = c->tree->nodes[s->sel].func;
	s->top = 0;
}

/* A click selects the frame under it (a double click zooms into it); a
 * click on the path line zooms out. The wheel is left to the tabs (it
 * sends Up and Down). */
static int mouse(const struct flame_ctx *c, struct flame_state *s)
{
	const struct ui_mouse *ms = &c->ui->mouse;
	int r = ms->y - s->graph_line + s->top;
	long i;

	if (ms->button != UI_MOUSE_LEFT)
		return UI_NONE;
	if (ms->y == s->path_line && s->nzoom) {
		s->nzoom--;
		s->top = 0;
		return UI_REDRAW;
	}
	if (s->graph_line < 0 || ms->y < s->graph_line || ms->y >= s->graph_line + s->page)
		return UI_NONE;
	layout(c, s, r);
	for (i = r < s->nrows ? (long)s->row_at[r] : 0; r < s->nrows && i < (long)s->row_at[r + 1];
	     i++) {
		const struct flame_frame *f = &s->frames[i];

		if (f->node == FILLER || ms->x < f->x || ms->x >= f->x + f->w)
			continue;
		select_node(c, s, f->node);
		if (ms->double_click)
			zoom_in(c, s);
		return UI_REDRAW;
	}
	return UI_REDRAW; /* a click on nothing does nothing, but is ours */
}

static int key(struct ui *ui, void *state, struct profile *p, int k)
{
	struct flame_state *s = state;
	struct flame_ctx c;
	int page;

	if (!ctx_get(ui, p, &c) || !total_of(&c, CALLTREE_ROOT))
		return UI_NONE;
	validate(&c, s);
	page = s->page > 1 ? s->page : 1;
	switch (k) {
	case UI_KEY_LEFT:
	case UI_KEY_RIGHT:
		select_node(&c, s, neighbour(&c, s, k == UI_KEY_LEFT ? -1 : 1));
		return UI_REDRAW;
	case UI_KEY_UP:
		select_node(&c, s, parent_in_zoom(&c, s));
		return UI_REDRAW;
	case UI_KEY_DOWN:
		select_node(&c, s, hottest_child(&c, s));
		return UI_REDRAW;
	case UI_KEY_PGUP:
		for (int i = 0; i < page; i++)
			select_node(&c, s, parent_in_zoom(&c, s));
		return UI_REDRAW;
	case UI_KEY_PGDN:
	case UI_KEY_END:
		for (int i = 0; k == UI_KEY_END || i < page; i++) {
			uint32_t kid = hottest_child(&c, s);

			if (kid == s->sel)
				break;
			select_node(&c, s, kid);
		}
		return UI_REDRAW;
	case UI_KEY_HOME:
		select_node(&c, s, zoom_node(s));
		return UI_REDRAW;
	case UI_KEY_ENTER:
		zoom_in(&c, s);
		return UI_REDRAW;
	case UI_KEY_MOUSE:
		return mouse(&c, s);
	case UI_KEY_ESC:
		if (!s->nzoom)
			return UI_NONE;
		s->nzoom--;
		s->top = 0;
		validate(&c, s);
		return UI_REDRAW;
	default:
		return UI_NONE;
	}
}

/* ---- search --------------------------------------------------------------------------- */

/* Selects the next frame drawn at the current zoom (rows top to bottom, left
 * to right) whose name contains needle. */
static bool search(struct ui *ui, void *state, struct profile *p, const char *needle, int dir,
                   bool inclusive)
{
	struct flame_state *s = state;
	struct flame_ctx c;
	long cur = -1, n;

	if (!ctx_get(ui, p, &c) || !needle[0] || !total_of(&c, CALLTREE_ROOT))
		return false;
	validate(&c, s);
	layout(&c, s, FLAME_ROWS_MAX - 1);
	n = (long)s->nframes;
	for (long i = 0; i < n && cur < 0; i++)
		if (s->frames[i].node == s->sel)
			cur = i;
	if (cur < 0)
		cur = 0;
	for (long k = inclusive ? 0 : 1; k <= n; k++) {
		long i = ((cur + (dir > 0 ? k : -k)) % n + n) % n;
		uint32_t node = s->frames[i].node;

		if (node != FILLER && c.tree->nodes[node].func != CALLTREE_NONE &&
		    name_matches(node_name(&c, node), needle)) {
			select_node(&c, s, node);
			return true;
		}
	}
	return false;
}

static const struct ui_binding bindings[] = {
	{ { UI_KEY_LEFT, UI_KEY_RIGHT }, "Left Right", "Flame: the frame left / right on its row",
	  NULL },
	{ { UI_KEY_UP, UI_KEY_DOWN }, "Up Down", "Flame: the caller / the hottest callee", NULL },
	{ { UI_KEY_PGUP, UI_KEY_PGDN }, "PgUp PgDn", "Flame: a page of callers / hottest callees",
	  NULL },
	{ { UI_KEY_HOME, UI_KEY_END }, "Home End",
	  "Flame: the zoomed frame / the end of its hottest path", NULL },
	{ { UI_KEY_ENTER }, "Enter", "Flame: zoom into the frame (it takes the full width)", NULL },
	{ { UI_KEY_ESC }, "Esc", "Flame: zoom back out one level (then the view's Esc)", NULL },
	{ { '/', 'n', 'N' }, "/ n N", "Flame: select the next frame whose name matches", NULL },
	{ { UI_KEY_MOUSE }, "Click", "Flame: select a frame (double click zooms; on the path, out)",
	  NULL },
};

/* The graph takes keys before the view (as every tab with a focus). */
static bool keys_first(const void *state)
{
	(void)state;
	return true;
}

const struct tab_module flameview__module = {
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
	.nbindings = sizeof(bindings) / sizeof(bindings[0]),
};
