/*
 * tab_zones — the Zones tab: every zone of the program (PT_ZONE) with its
 * count, rate, total, mean, min, percentiles and max over the tabs' scope
 * (a thread or all, the live window), sorted by any column (`<` `>` F6, I
 * inverts). Enter or Right opens the selected zone's detail screen
 * (view_detail.c: its histogram and percentiles over time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* The sort keys, one per column, in the order `<` `>` and F6 walk them. */
enum zone_sort {
	ZSORT_NAME, ZSORT_COUNT, ZSORT_RATE, ZSORT_TOTAL, ZSORT_MEAN, ZSORT_MIN, ZSORT_P50,
	ZSORT_P90, ZSORT_P95, ZSORT_P99, ZSORT_P999, ZSORT_MAX, ZSORT_KEYS
};
static const char *const zone_sort_names[ZSORT_KEYS] = {
	"name", "count", "rate", "total", "mean", "min", "p50", "p90", "p95", "p99", "p99.9", "max"
};

struct zone_row {
	uint32_t id;
	const char *name;
	struct zone_figures f;
};

/* The tab's state. */
struct zonetab {
	int sort;                 /* enum zone_sort */
	bool desc;
	bool detail;              /* the selected row's detail is open */
	struct detail_subject subject;
	struct zone_row *zones;
	size_t nzones, zones_alloc;
	struct profile_zone_summary *sums;
	size_t sums_alloc;
};

/* What a column's draw callback gets as ctx. */
struct draw_ctx {
	const struct ui *ui;
	const struct zonetab *s;
};

/* A zone figure by sort key (the name sorts apart). */
static double zone_key(const struct zone_figures *f, int key)
{
	switch (key) {
	case ZSORT_COUNT:
		return (double)f->count;
	case ZSORT_RATE:
		return f->rate_per_s;
	case ZSORT_TOTAL:
		return f->total_ns;
	case ZSORT_MEAN:
		return f->count ? f->mean_ns : -1;
	case ZSORT_MIN:
		return f->count ? f->min_ns : -1;
	case ZSORT_P50:
		return f->have_pcts ? f->p50_ns : -1;
	case ZSORT_P90:
		return f->have_pcts ? f->p90_ns : -1;
	case ZSORT_P95:
		return f->have_pcts ? f->p95_ns : -1;
	case ZSORT_P99:
		return f->have_pcts ? f->p99_ns : -1;
	case ZSORT_P999:
		return f->have_pcts ? f->p999_ns : -1;
	default:
		return f->count ? f->max_ns : -1;
	}
}

static int compare_zones(const void *pa, const void *pb, void *arg)
{
	const struct zonetab *s = arg;
	const struct zone_row *a = pa, *b = pb;
	int r;

	if (s->sort == ZSORT_NAME) {
		r = strcmp(a->name, b->name);
	} else {
		double ka = zone_key(&a->f, s->sort), kb = zone_key(&b->f, s->sort);

		r = ka < kb ? -1 : ka > kb;
	}
	if (s->desc)
		r = -r;
	if (!r)
		r = strcmp(a->name, b->name);
	return r ? r : a->id < b->id ? -1 : a->id > b->id;
}

static long long id_of_zone(const void *rows, size_t i)
{
	return ((const struct zone_row *)rows)[i].id;
}

/* The zones over the scope: the thread (or all) over the live window (or
 * everything). The agent's exact count, mean, min and max cover every
 * thread since the start, so only that scope shows them. */
static void rebuild(struct ui *ui, void *state, struct profile *p)
{
	struct zonetab *s = state;
	const struct tabs_scope *sc = tabs__scope(ui);
	size_t n = profile_zone_count(p);
	double seconds = tabs__window_seconds[sc->window];
	bool exact = !sc->tid && seconds <= 0;

	if (s->zones_alloc < n) {
		s->zones_alloc = n + 64;
		s->zones = xreallocarray(s->zones, s->zones_alloc, sizeof(*s->zones));
	}
	if (s->sums_alloc < n) {
		s->sums_alloc = n + 64;
		s->sums = xreallocarray(s->sums, s->sums_alloc, sizeof(*s->sums));
	}
	if (n)
		profile_zone_summaries(p, sc->tid, seconds, profile_now(p), s->sums);
	for (size_t i = 0; i < n; i++) {
		s->zones[i].id = (uint32_t)i;
		s->zones[i].name = p->zones[i].name;
		if (exact)
			figures_zone_scoped(&p->zones[i], &s->sums[i], &s->zones[i].f);
		else
			figures_zone_summary(&s->sums[i], &s->zones[i].f);
	}
	qsort_r(s->zones, n, sizeof(*s->zones), compare_zones, s);
	s->nzones = n;
	browser_sync(tabs__browser(ui, PTAB_ZONES), n, id_of_zone, s->zones);
}

static void draw_zone_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	cells__match(l, TE_ROW, ((const struct zone_row *)row)->name, width,
		     tabs__search(c->ui));
}

static void draw_zone_count(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	cells__count(l, ((const struct zone_row *)row)->f.count, width);
}

static void draw_zone_rate(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	cells__rate(l, ((const struct zone_row *)row)->f.rate_per_s, width);
}

/* A duration of the zone's figures: "-" when it has no events (or, for a
 * percentile, no histogram). */
static void zone_duration(struct line *l, const void *row, int width, double ns, bool pct)
{
	const struct zone_figures *f = &((const struct zone_row *)row)->f;

	cells__duration(l, ns, pct ? f->have_pcts : f->count > 0, width);
}

/* One draw callback per duration column, from one list. */
#define ZONE_DURATIONS(X)                                                   \
	X(total, total_ns, false) X(mean, mean_ns, false) X(min, min_ns, false) \
	X(p50, p50_ns, true) X(p90, p90_ns, true) X(p95, p95_ns, true)          \
	X(p99, p99_ns, true) X(p999, p999_ns, true) X(max, max_ns, false)
#define X(name, field, pct)                                                                \
	static void draw_zone_##name(struct line *l, const void *row, int width,          \
				     const void *ctx)                                      \
	{                                                                                  \
		(void)ctx;                                                                 \
		zone_duration(l, row, width, ((const struct zone_row *)row)->f.field, pct); \
	}
ZONE_DURATIONS(X)
#undef X

/* Narrow screens drop the least telling columns first: P99.9, MIN, TOTAL, P90,
 * RATE/s, then MEAN and P99, P50, MAX; ZONE, COUNT and P95 stay. */
static const struct browser_column zone_columns[] = {
	{ "ZONE", 0, ALIGN_LEFT, 0, ZSORT_NAME, draw_zone_name },
	{ "COUNT", 10, ALIGN_RIGHT, 0, ZSORT_COUNT, draw_zone_count },
	{ "RATE/s", 8, ALIGN_RIGHT, 5, ZSORT_RATE, draw_zone_rate },
	{ "TOTAL", 8, ALIGN_RIGHT, 7, ZSORT_TOTAL, draw_zone_total },
	{ "MEAN", 8, ALIGN_RIGHT, 4, ZSORT_MEAN, draw_zone_mean },
	{ "MIN", 8, ALIGN_RIGHT, 8, ZSORT_MIN, draw_zone_min },
	{ "P50", 8, ALIGN_RIGHT, 2, ZSORT_P50, draw_zone_p50 },
	{ "P90", 8, ALIGN_RIGHT, 6, ZSORT_P90, draw_zone_p90 },
	{ "P95", 8, ALIGN_RIGHT, 0, ZSORT_P95, draw_zone_p95 },
	{ "P99", 8, ALIGN_RIGHT, 3, ZSORT_P99, draw_zone_p99 },
	{ "P99.9", 8, ALIGN_RIGHT, 9, ZSORT_P999, draw_zone_p999 },
	{ "MAX", 8, ALIGN_RIGHT, 1, ZSORT_MAX, draw_zone_max },
};

static const void *zone_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->s->zones[i];
}

/* The budget's colour of a row (perftop run --budget, budget_view.c). */
static enum theme_element zone_budget_style(const void *row, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	return budget_view__style(c->ui, BS_ZONE, ((const struct zone_row *)row)->name);
}

/* ---- the module ------------------------------------------------------------------- */

static void *create(enum proc_tab tab)
{
	struct zonetab *s = xcalloc(1, sizeof(*s));

	(void)tab;
	s->sort = ZSORT_TOTAL;
	s->desc = true;
	return s;
}

static void destroy(void *state)
{
	struct zonetab *s = state;

	free(s->zones);
	free(s->sums);
	free(s);
}

static void reset(void *state)
{
	((struct zonetab *)state)->detail = false;
}

static void draw(struct ui *ui, void *state, struct lines *out, struct profile *p, int rows)
{
	struct zonetab *s = state;
	struct browser *b = tabs__browser(ui, PTAB_ZONES);
	struct draw_ctx c = { ui, s };

	if (s->detail) {
		s->subject = (struct detail_subject){ DETAIL_NONE, 0, NULL };
		if (b->n && b->sel < s->nzones)
			s->subject = (struct detail_subject){ DETAIL_ZONE, s->zones[b->sel].id,
							      &s->zones[b->sel].f };
		detail__draw(ui, out, p, &s->subject, rows);
		return;
	}
	tabs__table_draw(ui, out, b, rows, zone_columns,
			 sizeof(zone_columns) / sizeof(zone_columns[0]), s->sort, s->desc, zone_at,
			 zone_budget_style, &c,
			 " no zones yet: PT_ZONE(\"name\") in the program times one");
}

static int key(struct ui *ui, void *state, struct profile *p, int k)
{
	struct zonetab *s = state;

	(void)p;
	return s->detail ? detail__key(tabs__browser(ui, PTAB_ZONES), &s->detail, k) : UI_NONE;
}

static bool keys_first(const void *state)
{
	return ((const struct zonetab *)state)->detail;
}

static const char *row_text(const void *state, const struct profile *p, size_t i)
{
	(void)p;
	return ((const struct zonetab *)state)->zones[i].name;
}

static int sort(struct ui *ui, void *state, int k)
{
	struct zonetab *s = state;

	return tabs__sort_step(tabs__browser(ui, PTAB_ZONES), &s->sort, &s->desc, ZSORT_KEYS,
			       ZSORT_NAME, k);
}

static void sort_label(const void *state, char *buf, size_t len)
{
	const struct zonetab *s = state;

	tabs__sort_text(buf, len, zone_sort_names[s->sort], s->desc, s->sort != ZSORT_NAME);
}

static int enter(struct ui *ui, void *state, struct profile *p)
{
	struct zonetab *s = state;
	struct browser *b = tabs__browser(ui, PTAB_ZONES);

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
	return profile_zone_count(p);
}

const struct tab_module tab_zones__module = {
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
