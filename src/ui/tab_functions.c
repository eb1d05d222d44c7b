/*
 * tab_functions — the Functions tab: every function with samples in the
 * scope (self %, total %, samples, function, module, file:line), sorted by
 * any of self, total or name (`<` `>` F6, I inverts). Enter, Right or f go
 * to the function's callers (treeview.c), l opens a Python function's
 * lines (detail.c), L shows or hides FILE:LINE.
 *
 * The tab keeps its order between frames and sorts again only when what it
 * sorts on changed (see funcs_order).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fields.h"
#include "ui/tabs.h"
#include "util/check.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

struct funcs_order;

/* The tab's state. */
struct functab {
	int sort;                   /* a field id (FF_) */
	bool desc;
	bool detail;                /* l: the selected function's lines are open */
	struct detail_subject subject;
	uint32_t *funcs;            /* function ids, sorted */
	size_t nfuncs, funcs_alloc;
	struct funcs_order *forder; /* what sorted them, kept between frames */
};

/* What a column's draw callback gets as ctx. */
struct draw_ctx {
	const struct ui *ui;
	const struct profile *p;
	const struct functab *s;
	struct function_figures *row; /* the row being drawn (func_at) */
};

/* ---- the Functions tab's order ---------------------------------------------------
 *
 * Rows are ordered by one key per function (a count in the live window, or
 * the rank of its name), bigger or smaller first, then by name, module and
 * id. Names never change, so their order is ranked once and merged with the
 * functions added since: a tie then costs one integer comparison. The keys
 * and the rows listed at the last sort are kept; a frame whose keys are the
 * same keeps the order, and one whose keys moved re-sorts from the last
 * order with a merge sort of its ascending runs (few when little moved). */

/* A row being sorted: its key, its name's rank and its function id. */
struct func_entry {
	double key;
	uint32_t rank, id;
};

struct funcs_order {
	/* The names' ranking, for the profile p (and its funcs array). */
	const struct profile *p;
	const struct profile_func *funcs;
	size_t nranked;             /* functions ranked: ids below it */
	uint32_t *by_name;          /* ids by (name, module, id) */
	uint32_t *rank;             /* by id: its index in by_name */
	uint32_t *group;            /* by id: the rank of its name alone (ties share it) */
	uint32_t *merge;            /* scratch for merging new names in */
	size_t names_alloc;
	/* The last sort: its direction, keys and rows listed, by id. */
	bool sorted;
	bool ranks_moved;           /* names were ranked since: the rows sort again */
	bool desc;
	size_t n;                   /* ids the keys cover */
	double *keys, *keys_new;
	unsigned char *listed, *listed_new;
	size_t keys_alloc;
	struct func_entry *ent, *tmp;
	size_t ent_alloc;
	unsigned long sorts, name_ranks;
};

/* Name, then module, then id: the order ties fall back to. */
static int compare_names(const struct profile *p, uint32_t ia, uint32_t ib)
{
	const struct profile_func *a = &p->funcs[ia], *b = &p->funcs[ib];
	int r = strcmp(a->name, b->name);

	if (!r)
		r = strcmp(a->module ? a->module : "", b->module ? b->module : "");
	return r ? r : ia < ib ? -1 : ia > ib;
}

static int compare_names_qsort(const void *pa, const void *pb, void *arg)
{
	return compare_names(arg, *(const uint32_t *)pa, *(const uint32_t *)pb);
}

/* Forgets the ranking and the last sort (another profile, or R). */
static void forder_forget(struct funcs_order *o)
{
	o->p = NULL;
	o->funcs = NULL;
	o->nranked = 0;
	o->sorted = false;
}

/* Forgets everything, the counts of tab_functions__sort_stats too. */
static void forder_restart(struct funcs_order *o)
{
	if (!o)
		return;
	forder_forget(o);
	o->sorts = o->name_ranks = 0;
}

static void forder_free(struct funcs_order *o)
{
	if (!o)
		return;
	free(o->by_name);
	free(o->rank);
	free(o->group);
	free(o->merge);
	free(o->keys);
	free(o->keys_new);
	free(o->listed);
	free(o->listed_new);
	free(o->ent);
	free(o->tmp);
	free(o);
}

/* Ranks the names of functions [0, n) of p: those added since the last
 * ranking are sorted and merged in; another profile starts over. */
static void forder_rank_names(struct funcs_order *o, const struct profile *p, size_t n)
{
	size_t old, i, j, k;

	if (o->p != p || o->funcs != p->funcs || n < o->nranked) {
		forder_forget(o);
		o->p = p;
		o->funcs = p->funcs;
	}
	old = o->nranked;
	if (n == old)
		return;
	if (o->names_alloc < n) {
		o->names_alloc = n + n / 2 + 64;
		o->by_name = xreallocarray(o->by_name, o->names_alloc, sizeof(*o->by_name));
		o->rank = xreallocarray(o->rank, o->names_alloc, sizeof(*o->rank));
		o->group = xreallocarray(o->group, o->names_alloc, sizeof(*o->group));
		o->merge = xreallocarray(o->merge, o->names_alloc, sizeof(*o->merge));
	}
	for (i = old; i < n; i++)
		o->merge[i] = (uint32_t)i;
	qsort_r(o->merge + old, n - old, sizeof(*o->merge), compare_names_qsort, (void *)p);
	/* merge by_name[0, old) and merge[old, n) into merge[0, n) */
	memcpy(o->merge, o->by_name, old * sizeof(*o->merge));
	for (i = 0, j = old, k = 0; k < n; k++)
		o->by_name[k] = j >= n || (i < old && compare_names(p, o->merge[i], o->merge[j]) < 0)
					? o->merge[i++]
					: o->merge[j++];
	for (k = 0; k < n; k++) {
		uint32_t id = o->by_name[k];
		bool same = k && !strcmp(p->funcs[id].name, p->funcs[o->by_name[k - 1]].name);

		o->rank[id] = (uint32_t)k;
		o->group[id] = k ? o->group[o->by_name[k - 1]] + !same : 0;
	}
	o->nranked = n;
	o->name_ranks++;
	o->ranks_moved = true;
}

/* The key function id sorts on in the view v: the value of field sort
 * (none: below every value), or for the name, its rank. */
static double func_key(const struct funcs_order *o, const struct profile_view *v, int sort,
		       size_t id)
{
	const struct field *f = &function_fields[sort];
	struct function_figures r;
	const char *text;
	char buf[16];
	double k;

	if (f->kind == FIELD_TEXT) {
		PT_ASSERT(sort == FF_NAME); /* the one text the names' ranking orders */
		return o->group[id];
	}
	figures_function_view(o->p, v, (uint32_t)id, &r);
	return field_value(f, &r, &k, &text, buf, sizeof(buf)) ? k : -HUGE_VAL;
}

/* Fills keys_new and listed_new for [0, n); returns whether they differ
 * from the last sort's. */
static bool forder_changed(struct funcs_order *o, const struct profile_view *win,
			   const struct profile_view *all, int sort, size_t n)
{
	bool changed = !o->sorted || n != o->n;

	if (o->keys_alloc < n) {
		o->keys_alloc = n + n / 2 + 64;
		o->keys = xreallocarray(o->keys, o->keys_alloc, sizeof(*o->keys));
		o->keys_new = xreallocarray(o->keys_new, o->keys_alloc, sizeof(*o->keys_new));
		o->listed = xreallocarray(o->listed, o->keys_alloc, sizeof(*o->listed));
		o->listed_new = xreallocarray(o->listed_new, o->keys_alloc, sizeof(*o->listed_new));
		changed = true;
	}
	for (size_t i = 0; i < n; i++) {
		o->keys_new[i] = func_key(o, win, sort, i);
		o->listed_new[i] = all->total[i] || all->self[i];
	}
	if (!changed && n) /* n == 0: the arrays may not exist yet */
		changed = memcmp(o->keys, o->keys_new, n * sizeof(*o->keys)) ||
			  memcmp(o->listed, o->listed_new, n * sizeof(*o->listed));
	return changed;
}

static bool entry_before(const struct func_entry *a, const struct func_entry *b, bool desc)
{
	if (a->key != b->key)
		return desc ? a->key > b->key : a->key < b->key;
	return a->rank < b->rank;
}

/* Sorts e[0, n) (tmp as scratch) by merging its ascending runs pairwise
 * until one is left: O(n) when already in order, O(n log n) at worst. */
static void entries_sort(struct func_entry *e, struct func_entry *tmp, size_t n, bool desc)
{
	for (;;) {
		size_t runs = 0, lo = 0;

		while (lo < n) {
			size_t mid = lo + 1, hi, i, j, k;

			while (mid < n && !entry_before(&e[mid], &e[mid - 1], desc))
				mid++;
			runs++;
			if (mid >= n)
				break;
			hi = mid + 1;
			while (hi < n && !entry_before(&e[hi], &e[hi - 1], desc))
				hi++;
			runs++;
			for (i = lo, j = mid, k = 0; i < mid || j < hi; k++)
				tmp[k] = j >= hi || (i < mid && !entry_before(&e[j], &e[i], desc))
						 ? e[i++]
						 : e[j++];
			memcpy(e + lo, tmp, k * sizeof(*e));
			lo = hi;
		}
		if (runs <= 1 || (runs <= 2 && lo >= n))
			return;
	}
}

/* Rebuilds out (the rows, *nout of them) from the last order: rows still
 * listed keep their place, new ones go last, then the whole is sorted. */
static void forder_sort(struct funcs_order *o, uint32_t *out, size_t *nout, size_t n, bool desc)
{
	size_t k = 0;
	void *swap;

	if (o->ent_alloc < n) {
		o->ent_alloc = n + n / 2 + 64;
		o->ent = xreallocarray(o->ent, o->ent_alloc, sizeof(*o->ent));
		o->tmp = xreallocarray(o->tmp, o->ent_alloc, sizeof(*o->tmp));
	}
	if (o->sorted) {
		for (size_t i = 0; i < *nout; i++)
			if (out[i] < n && o->listed_new[out[i]])
				o->ent[k++] = (struct func_entry){ 0, 0, out[i] };
		for (size_t i = 0; i < n; i++)
			if (o->listed_new[i] && (i >= o->n || !o->listed[i]))
				o->ent[k++] = (struct func_entry){ 0, 0, (uint32_t)i };
	} else {
		for (size_t i = 0; i < n; i++)
			if (o->listed_new[i])
				o->ent[k++] = (struct func_entry){ 0, 0, (uint32_t)i };
	}
	for (size_t i = 0; i < k; i++) {
		o->ent[i].key = o->keys_new[o->ent[i].id];
		o->ent[i].rank = o->rank[o->ent[i].id];
	}
	entries_sort(o->ent, o->tmp, k, desc);
	for (size_t i = 0; i < k; i++)
		out[i] = o->ent[i].id;
	*nout = k;
	swap = o->keys, o->keys = o->keys_new, o->keys_new = swap;
	swap = o->listed, o->listed = o->listed_new, o->listed_new = swap;
	o->n = n;
	o->desc = desc;
	o->sorted = true;
	o->ranks_moved = false;
	o->sorts++;
}


void tab_functions__sort_stats(const struct ui *ui, unsigned long *sorts,
			       unsigned long *name_ranks)
{
	const struct functab *s = tabs__state(ui, PTAB_FUNCTIONS);

	*sorts = s->forder ? s->forder->sorts : 0;
	*name_ranks = s->forder ? s->forder->name_ranks : 0;
}

uint32_t tab_functions__row(const struct ui *ui, size_t i)
{
	const struct functab *s = tabs__state(ui, PTAB_FUNCTIONS);

	return s->funcs[i];
}

static long long id_of_u32(const void *rows, size_t i)
{
	return ((const uint32_t *)rows)[i];
}

/* ---- the module ------------------------------------------------------------------- */

static void *create(enum proc_tab tab)
{
	struct functab *s = xcalloc(1, sizeof(*s));

	(void)tab;
	s->sort = FF_SELF_PCT;
	s->desc = true;
	return s;
}

static void destroy(void *state)
{
	struct functab *s = state;

	free(s->funcs);
	forder_free(s->forder);
	free(s);
}

static void reset(void *state)
{
	struct functab *s = state;

	s->nfuncs = 0;
	forder_restart(s->forder); /* another process: its names are not these */
	s->detail = false;
}

/* Functions with samples in the scope, over everything (so a function the
 * window no longer sees stays listed, at 0 %), in the sort's order; sorted
 * again only when what it sorts on changed (see funcs_order). */
static void rebuild(struct ui *ui, void *state, struct profile *p)
{
	struct functab *s = state;
	const struct profile_view *all, *win = &tabs__scope(ui)->win;
	struct funcs_order *o = s->forder;
	size_t n;

	tabs__scope_all_update(ui, p);
	all = tabs__scope_all(ui);
	n = all->nfuncs < win->nfuncs ? all->nfuncs : win->nfuncs;
	if (!o)
		o = s->forder = xcalloc(1, sizeof(*o));
	if (s->funcs_alloc < n) {
		s->funcs_alloc = n + 64;
		s->funcs = xreallocarray(s->funcs, s->funcs_alloc, sizeof(*s->funcs));
	}
	forder_rank_names(o, p, n);
	if (forder_changed(o, win, all, s->sort, n) || o->desc != s->desc ||
	    o->ranks_moved)
		forder_sort(o, s->funcs, &s->nfuncs, n, s->desc);
	browser_sync(tabs__browser(ui, PTAB_FUNCTIONS), s->nfuncs, id_of_u32, s->funcs);
}

static void draw_function(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	cells__match(l, TE_ROW, ((const struct function_figures *)row)->name, width,
		     tabs__search(c->ui));
}

/* FILE:LINE with the file's base name. */
static void draw_file(struct line *l, const void *row, int width, const void *ctx)
{
	const struct function_figures *f = row;
	char buf[256];

	(void)ctx;
	buf[0] = '\0';
	if (f->file) {
		const char *base = strrchr(f->file, '/');

		base = base ? base + 1 : f->file;
		if (f->line > 0)
			snprintf(buf, sizeof(buf), "%s:%d", base, f->line);
		else
			snprintf(buf, sizeof(buf), "%s", base);
	}
	line_cell(l, TE_ROW_DIM, buf, width, ALIGN_LEFT);
}

/* The columns; FILE:LINE, last, only with L: it then stays when MODULE has
 * to go (MODULE drops before SAMPLES either way). The percentages and
 * samples are of the scope (thread and window), as the Tree tab counts
 * them. */
static const struct tab_column func_columns[] = {
	{ FF_SELF_PCT, 0, "self", NULL, NULL, 0 },
	{ FF_TOTAL_PCT, 0, "total", NULL, NULL, 0 },
	{ FF_SELF, 2, NULL, NULL, NULL, 0 },
	{ FF_NAME, 0, "name", draw_function, NULL, 0 },
	{ FF_MODULE, 4, NULL, NULL, NULL, 0 },
	{ FF_WHERE, 3, NULL, draw_file, NULL, 0 },
};
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* Row i's figures in the scope, in the draw's one row (valid until the
 * next call: the browser draws a row's cells before it asks the next). */
static const void *func_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	figures_function_view(c->p, &tabs__scope(c->ui)->win, c->s->funcs[i], c->row);
	return c->row;
}

/* The budget's colour of a row (perftop run --budget, budget_view.c). */
static enum theme_element func_budget_style(const void *row, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	return budget_view__style(c->ui, BS_FUNCTION, ((const struct function_figures *)row)->name);
}

static void draw(struct ui *ui, void *state, struct lines *out, struct profile *p, int rows)
{
	struct functab *s = state;
	struct browser *b = tabs__browser(ui, PTAB_FUNCTIONS);
	struct function_figures row;
	struct draw_ctx c = { ui, p, s, &row };
	bool file = tabs__show_file(ui);

	if (s->detail) {
		s->subject = (struct detail_subject){ DETAIL_NONE, 0, NULL };
		if (b->n && b->sel < s->nfuncs)
			s->subject = (struct detail_subject){ DETAIL_LINES, s->funcs[b->sel], NULL };
		detail__draw(ui, out, p, &s->subject, rows);
		return;
	}
	tabs__fields_draw(ui, out, b, rows, function_fields, FF_NFIELDS,
			  func_columns, NCOLS(func_columns) - !file, s->sort, s->desc,
			  func_at, func_budget_style, &c, " no samples yet");
}

static int key(struct ui *ui, void *state, struct profile *p, int k)
{
	struct functab *s = state;
	struct browser *b = tabs__browser(ui, PTAB_FUNCTIONS);

	if (s->detail)
		return detail__key(b, &s->detail, k);
	switch (k) {
	case 'f':
		if (!b->n)
			return UI_NONE;
		return treeview__show_callers(ui, p, s->funcs[b->sel]);
	case 'l':
		if (!b->n)
			return UI_NONE;
		if (!p->funcs[s->funcs[b->sel]].interp) {
			ui__message(ui, TE_STATUS_WARN,
				    "no lines: a native function (lines are known for Python functions)");
			return UI_REDRAW;
		}
		browser_select(b, b->sel);
		s->detail = true;
		return UI_REDRAW;
	default:
		return UI_NONE;
	}
}

static bool keys_first(const void *state)
{
	return ((const struct functab *)state)->detail;
}

static const char *row_text(const void *state, const struct profile *p, size_t i)
{
	return p->funcs[((const struct functab *)state)->funcs[i]].name;
}

static int sort(struct ui *ui, void *state, int k)
{
	struct functab *s = state;

	return tabs__column_sort_step(tabs__browser(ui, PTAB_FUNCTIONS), func_columns,
				      NCOLS(func_columns), &s->sort, &s->desc, FF_NAME, k);
}

static void sort_label(const void *state, char *buf, size_t len)
{
	const struct functab *s = state;

	tabs__column_sort_label(buf, len, func_columns, NCOLS(func_columns), s->sort, s->desc,
				FF_NAME);
}

static int enter(struct ui *ui, void *state, struct profile *p)
{
	struct functab *s = state;
	struct browser *b = tabs__browser(ui, PTAB_FUNCTIONS);

	if (!b->n)
		return UI_NONE;
	return treeview__show_callers(ui, p, s->funcs[b->sel]);
}

const struct tab_module tab_functions__module = {
	.create = create,
	.destroy = destroy,
	.reset = reset,
	.rebuild = rebuild,
	.draw = draw,
	.key = key,
	.keys_first = keys_first,
	.table = true,
	.row_text = row_text,
	.sort = sort,
	.sort_label = sort_label,
	.enter = enter,
};
