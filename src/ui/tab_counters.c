/*
 * tab_counters — the Counters tab: every counter of the program
 * (pt_counter_add, gauges) with its kind, its total (a gauge: its value)
 * over the scope's window, its rates and a sparkline of its recent rates,
 * sorted by any column (`<` `>` F6, I inverts). Enter or Right opens the
 * selected counter's detail screen (detail.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fields.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* A row: the counter's figures over the scope (the fields' row,
 * model/fields.h; first, so a row's pointer is its figures'), its id and
 * the mean its HISTORY sparkline shows. */
struct counter_row {
	struct counter_figures f;
	uint32_t id;
	double recent;
};

/* The HISTORY column: the tab's own, past the counter fields. */
enum { COL_HISTORY = CF_NFIELDS };

/* The tab's state. */
struct countertab {
	int sort;                 /* a field id (CF_) or COL_HISTORY */
	bool desc;
	bool detail;              /* the selected row's detail is open */
	struct detail_subject subject;
	struct counter_row *rows; /* sorted */
	size_t nrows, rows_alloc;
};

/* What a column's draw callback gets as ctx. */
struct draw_ctx {
	const struct ui *ui;
	const struct profile *p;
	const struct countertab *s;
};

/* The mean of a counter's last UI_SPARK_SAMPLES rates (values for a gauge):
 * what its HISTORY sparkline shows. */
static double counter_recent(const struct profile_counter *c)
{
	float v[UI_SPARK_SAMPLES];
	size_t n = series_copy_last(c->gauge ? &c->values : &c->rates, UI_SPARK_SAMPLES, v);
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return n ? sum / (double)n : 0;
}

static int compare_counters(const void *pa, const void *pb, void *arg)
{
	const struct countertab *s = arg;
	const struct counter_row *a = pa, *b = pb;
	int r;

	if (s->sort == COL_HISTORY)
		r = a->recent < b->recent ? -1 : a->recent > b->recent;
	else
		r = field_compare(&counter_fields[s->sort], &a->f, &b->f);
	if (s->desc)
		r = -r;
	if (!r)
		r = strcmp(a->f.name, b->f.name);
	return r ? r : a->id < b->id ? -1 : a->id > b->id;
}

static long long id_of_row(const void *rows, size_t i)
{
	return ((const struct counter_row *)rows)[i].id;
}
/* The counters, each with its total over the scope's window (the samples'
 * and zones' seconds; counters belong to the process, so every thread scope
 * shows them whole). */
static void rebuild(struct ui *ui, void *state, struct profile *p)
{
	struct countertab *s = state;
	size_t n = profile_counter_count(p);
	double seconds = tabs__window_seconds[tabs__scope(ui)->window], now = profile_now(p);

	if (s->rows_alloc < n) {
		s->rows_alloc = n + 64;
		s->rows = xreallocarray(s->rows, s->rows_alloc, sizeof(*s->rows));
	}
	for (size_t i = 0; i < n; i++) {
		struct counter_row *r = &s->rows[i];

		figures_counter(p, (uint32_t)i, &r->f);
		r->f.total = profile_counter_in_window(p, (uint32_t)i, seconds, now);
		r->id = (uint32_t)i;
		r->recent = counter_recent(&p->counters[i]);
	}
	if (n) /* no rows, no array: qsort_r may not be given NULL */
		qsort_r(s->rows, n, sizeof(*s->rows), compare_counters, s);
	s->nrows = n;
	browser_sync(tabs__browser(ui, PTAB_COUNTERS), n, id_of_row, s->rows);
}

static void draw_counter_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	cells__match(l, TE_ROW, ((const struct counter_figures *)row)->name, width,
		     tabs__search(c->ui));
}

/* The screen's short word for the kind ("count", where reports say
 * "counter"). */
static void draw_counter_kind(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	line_cell(l, TE_ROW_DIM, ((const struct counter_figures *)row)->gauge ? "gauge" : "count",
		  width, ALIGN_LEFT);
}

/* The last UI_SPARK_SAMPLES rates per second (values for a gauge), scaled to
 * their own highest. */
static void draw_counter_history(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *dc = ctx;
	const struct profile_counter *c = &dc->p->counters[((const struct counter_row *)row)->id];
	float v[UI_SPARK_SAMPLES];
	char buf[UI_SPARK_SAMPLES * 4 + 1];
	size_t n = series_copy_last(c->gauge ? &c->values : &c->rates, UI_SPARK_SAMPLES, v);
	double top = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i] > top)
			top = v[i];
	chart_sparkline(buf, sizeof(buf), v, n, width < UI_SPARK_SAMPLES ? width : UI_SPARK_SAMPLES,
			top > 0 ? top : 1, lines_utf8());
	line_cell(l, TE_SPARKLINE, buf, width, ALIGN_LEFT);
}

static const struct tab_column counter_columns[] = {
	{ CF_NAME, 0, "name", draw_counter_name, NULL, 0 },
	{ CF_KIND, 2, "kind", draw_counter_kind, "KIND", 5 },
	{ CF_TOTAL, 0, "total", NULL, NULL, 0 },
	{ CF_RATE_LAST, 0, "rate/s", NULL, NULL, 0 },
	{ CF_RATE_MIN, 3, "rate/min", NULL, NULL, 0 },
	{ COL_HISTORY, 4, "history", draw_counter_history, "HISTORY", UI_SPARK_SAMPLES },
};
enum { NCOLUMNS = sizeof(counter_columns) / sizeof(counter_columns[0]) };

static const void *counter_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->s->rows[i].f;
}

/* The budget's colour of a row (perftop run --budget, budget_view.c). */
static enum theme_element counter_budget_style(const void *row, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	return budget_view__style(c->ui, BS_COUNTER, ((const struct counter_figures *)row)->name);
}

/* ---- the module ------------------------------------------------------------------- */

static void *create(enum proc_tab tab)
{
	struct countertab *s = xcalloc(1, sizeof(*s));

	(void)tab;
	s->sort = CF_NAME;
	s->desc = false;
	return s;
}

static void destroy(void *state)
{
	struct countertab *s = state;

	free(s->rows);
	free(s);
}

static void reset(void *state)
{
	((struct countertab *)state)->detail = false;
}

static void draw(struct ui *ui, void *state, struct lines *out, struct profile *p, int rows)
{
	struct countertab *s = state;
	struct browser *b = tabs__browser(ui, PTAB_COUNTERS);
	struct draw_ctx c = { ui, p, s };

	if (s->detail) {
		s->subject = (struct detail_subject){ DETAIL_NONE, 0, NULL };
		if (b->n && b->sel < s->nrows)
			s->subject = (struct detail_subject){ DETAIL_COUNTER, s->rows[b->sel].id,
							      NULL };
		detail__draw(ui, out, p, &s->subject, rows);
		return;
	}
	tabs__fields_draw(ui, out, b, rows, counter_fields, CF_NFIELDS, counter_columns, NCOLUMNS,
			  s->sort, s->desc, counter_at, counter_budget_style, &c,
			 " no counters yet: pt_counter_add(\"name\", 1) counts");
}

static int key(struct ui *ui, void *state, struct profile *p, int k)
{
	struct countertab *s = state;

	(void)p;
	return s->detail ? detail__key(tabs__browser(ui, PTAB_COUNTERS), &s->detail, k) : UI_NONE;
}

static bool keys_first(const void *state)
{
	return ((const struct countertab *)state)->detail;
}

static const char *row_text(const void *state, const struct profile *p, size_t i)
{
	(void)p;
	return ((const struct countertab *)state)->rows[i].f.name;
}

static int sort(struct ui *ui, void *state, int k)
{
	struct countertab *s = state;

	return tabs__column_sort_step(tabs__browser(ui, PTAB_COUNTERS), counter_columns, NCOLUMNS,
				      &s->sort, &s->desc, CF_NAME, k);
}

static void sort_label(const void *state, char *buf, size_t len)
{
	const struct countertab *s = state;

	tabs__column_sort_label(buf, len, counter_columns, NCOLUMNS, s->sort, s->desc, CF_NAME);
}

static int enter(struct ui *ui, void *state, struct profile *p)
{
	struct countertab *s = state;
	struct browser *b = tabs__browser(ui, PTAB_COUNTERS);

	(void)p;
	if (!b->n)
		return UI_NONE;
	browser_select(b, b->sel);
	s->detail = true;
	return UI_REDRAW;
}

static size_t count(const struct ui *ui, const struct profile *p)
{
	(void)ui;
	return profile_counter_count(p);
}

const struct tab_module tab_counters__module = {
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
	.count = count,
};
