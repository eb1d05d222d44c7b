/*
 * tab_counters — the Counters tab: every counter of the program
 * (pt_counter_add, gauges) with its kind, its total (a gauge: its value)
 * over the scope's window, its rates and a sparkline of its recent rates,
 * sorted by any column (`<` `>` F6, I inverts). Enter or Right opens the
 * selected counter's detail screen (view_detail.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* The sort keys, one per column, in the order `<` `>` and F6 walk them. */
enum counter_sort {
	CSORT_NAME, CSORT_KIND, CSORT_TOTAL, CSORT_RATE, CSORT_RATE_MIN, CSORT_HISTORY,
	CSORT_KEYS
};
static const char *const counter_sort_names[CSORT_KEYS] = {
	"name", "kind", "total", "rate/s", "rate/min", "history"
};

/* The tab's state. */
struct countertab {
	int sort;                 /* enum counter_sort */
	bool desc;
	bool detail;              /* the selected row's detail is open */
	struct detail_subject subject;
	uint32_t *counters;       /* counter ids, sorted */
	size_t ncounters, counters_alloc;
	double *vals;             /* by counter id: its total over the scope's window */
	size_t vals_alloc;
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

static double counter_key(const struct countertab *s, const struct profile_counter *c,
			  uint32_t id, int key)
{
	switch (key) {
	case CSORT_KIND:
		return c->gauge;
	case CSORT_TOTAL:
		return s->vals[id];
	case CSORT_RATE:
		return c->gauge ? -1 : c->rate_per_s;
	case CSORT_RATE_MIN:
		return c->gauge ? -1 : c->rate_per_min;
	default:
		return counter_recent(c);
	}
}

struct counter_sort_ctx {
	const struct profile *p;
	const struct countertab *s;
};

static int compare_counters(const void *pa, const void *pb, void *arg)
{
	const struct counter_sort_ctx *c = arg;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	const struct profile_counter *a = &c->p->counters[ia], *b = &c->p->counters[ib];
	int r;

	if (c->s->sort == CSORT_NAME) {
		r = strcmp(a->name, b->name);
	} else {
		double ka = counter_key(c->s, a, ia, c->s->sort);
		double kb = counter_key(c->s, b, ib, c->s->sort);

		r = ka < kb ? -1 : ka > kb;
	}
	if (c->s->desc)
		r = -r;
	if (!r)
		r = strcmp(a->name, b->name);
	return r ? r : ia < ib ? -1 : ia > ib;
}

static long long id_of_u32(const void *rows, size_t i)
{
	return ((const uint32_t *)rows)[i];
}

/* The counters, each with its total over the scope's window (the samples'
 * and zones' seconds; counters belong to the process, so every thread scope
 * shows them whole). */
static void rebuild(struct ui *ui, void *state, struct profile *p)
{
	struct countertab *s = state;
	size_t n = profile_counter_count(p);
	struct counter_sort_ctx c = { p, s };
	double seconds = tabs__window_seconds[tabs__scope(ui)->window], now = profile_now(p);

	if (s->counters_alloc < n) {
		s->counters_alloc = n + 64;
		s->counters = xreallocarray(s->counters, s->counters_alloc, sizeof(*s->counters));
	}
	if (s->vals_alloc < n) {
		s->vals_alloc = n + 64;
		s->vals = xreallocarray(s->vals, s->vals_alloc, sizeof(*s->vals));
	}
	for (size_t i = 0; i < n; i++) {
		s->counters[i] = (uint32_t)i;
		s->vals[i] = profile_counter_in_window(p, (uint32_t)i, seconds, now);
	}
	qsort_r(s->counters, n, sizeof(*s->counters), compare_counters, &c);
	s->ncounters = n;
	browser_sync(tabs__browser(ui, PTAB_COUNTERS), n, id_of_u32, s->counters);
}

static void draw_counter_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	cells__match(l, TE_ROW, ((const struct profile_counter *)row)->name, width,
		     tabs__search(c->ui));
}

static void draw_counter_kind(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	line_cell(l, TE_ROW_DIM, ((const struct profile_counter *)row)->gauge ? "gauge" : "count",
		  width, ALIGN_LEFT);
}

static void draw_counter_total(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;
	double v = c->s->vals[(const struct profile_counter *)row - c->p->counters];
	char buf[48];

	if (v >= 0 && v < 1e18 && v == (double)(unsigned long long)v)
		fmt_count(buf, sizeof(buf), (unsigned long long)v, true);
	else
		snprintf(buf, sizeof(buf), "%.2f", v);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_counter_rate(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_counter *c = row;

	(void)ctx;
	if (c->gauge)
		line_cell(l, TE_ROW_DIM, "-", width, ALIGN_RIGHT);
	else
		cells__rate(l, c->rate_per_s, width);
}

static void draw_counter_rate_min(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_counter *c = row;

	(void)ctx;
	if (c->gauge)
		line_cell(l, TE_ROW_DIM, "-", width, ALIGN_RIGHT);
	else
		cells__rate(l, c->rate_per_min, width);
}

/* The last UI_SPARK_SAMPLES rates per second (values for a gauge), scaled to
 * their own highest. */
static void draw_counter_history(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_counter *c = row;
	float v[UI_SPARK_SAMPLES];
	char buf[UI_SPARK_SAMPLES * 4 + 1];
	size_t n = series_copy_last(c->gauge ? &c->values : &c->rates, UI_SPARK_SAMPLES, v);
	double top = 0;

	(void)ctx;
	for (size_t i = 0; i < n; i++)
		if (v[i] > top)
			top = v[i];
	chart_sparkline(buf, sizeof(buf), v, n, width < UI_SPARK_SAMPLES ? width : UI_SPARK_SAMPLES,
			top > 0 ? top : 1, lines_utf8());
	line_cell(l, TE_SPARKLINE, buf, width, ALIGN_LEFT);
}

static const struct browser_column counter_columns[] = {
	{ "COUNTER", 0, ALIGN_LEFT, 0, CSORT_NAME, draw_counter_name },
	{ "KIND", 5, ALIGN_LEFT, 2, CSORT_KIND, draw_counter_kind },
	{ "TOTAL", 14, ALIGN_RIGHT, 0, CSORT_TOTAL, draw_counter_total },
	{ "RATE/s", 10, ALIGN_RIGHT, 0, CSORT_RATE, draw_counter_rate },
	{ "RATE/min", 10, ALIGN_RIGHT, 3, CSORT_RATE_MIN, draw_counter_rate_min },
	{ "HISTORY", UI_SPARK_SAMPLES, ALIGN_LEFT, 4, CSORT_HISTORY, draw_counter_history },
};

static const void *counter_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->p->counters[c->s->counters[i]];
}

/* The budget's colour of a row (perftop run --budget, budget_view.c). */
static enum theme_element counter_budget_style(const void *row, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	return budget_view__style(c->ui, BS_COUNTER, ((const struct profile_counter *)row)->name);
}

/* ---- the module ------------------------------------------------------------------- */

static void *create(enum proc_tab tab)
{
	struct countertab *s = xcalloc(1, sizeof(*s));

	(void)tab;
	s->sort = CSORT_NAME;
	s->desc = false;
	return s;
}

static void destroy(void *state)
{
	struct countertab *s = state;

	free(s->counters);
	free(s->vals);
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
		if (b->n && b->sel < s->ncounters)
			s->subject = (struct detail_subject){ DETAIL_COUNTER, s->counters[b->sel],
							      NULL };
		detail__draw(ui, out, p, &s->subject, rows);
		return;
	}
	tabs__table_draw(ui, out, b, rows, counter_columns,
			 sizeof(counter_columns) / sizeof(counter_columns[0]), s->sort, s->desc,
			 counter_at, counter_budget_style, &c,
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
	return p->counters[((const struct countertab *)state)->counters[i]].name;
}

static int sort(struct ui *ui, void *state, int k)
{
	struct countertab *s = state;

	return tabs__sort_step(tabs__browser(ui, PTAB_COUNTERS), &s->sort, &s->desc, CSORT_KEYS,
			       CSORT_NAME, k);
}

static void sort_label(const void *state, char *buf, size_t len)
{
	const struct countertab *s = state;

	tabs__sort_text(buf, len, counter_sort_names[s->sort], s->desc, s->sort != CSORT_NAME);
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
