/*
 * tab_zones — the Zones tab: every zone of the program (PT_ZONE) with its
 * count, rate, total, mean, min, percentiles and max over the tabs' scope
 * (a thread or all, the live window), sorted by any column (`<` `>` F6, I
 * inverts). Enter or Right opens the selected zone's detail screen
 * (detail.c: its histogram and percentiles over time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fields.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* A row: the zone's id and its figures (the fields' row, model/fields.h). */
struct zone_row {
	uint32_t id;
	struct zone_figures f;
};

/* The tab's state. */
struct zonetab {
	int sort;                 /* a field id (ZF_) */
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

static int compare_zones(const void *pa, const void *pb, void *arg)
{
	const struct zonetab *s = arg;
	const struct zone_row *a = pa, *b = pb;
	int r = field_compare(&zone_fields[s->sort], &a->f, &b->f);

	if (s->desc)
		r = -r;
	if (!r)
		r = strcmp(a->f.name, b->f.name);
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
		if (exact)
			figures_zone_scoped(&p->zones[i], &s->sums[i], &s->zones[i].f);
		else
			figures_zone_summary(&s->sums[i], &s->zones[i].f);
		s->zones[i].f.name = p->zones[i].name;
	}
	if (n) /* no rows, no array: qsort_r may not be given NULL */
		qsort_r(s->zones, n, sizeof(*s->zones), compare_zones, s);
	s->nzones = n;
	browser_sync(tabs__browser(ui, PTAB_ZONES), n, id_of_zone, s->zones);
}

static void draw_zone_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	cells__match(l, TE_ROW, ((const struct zone_figures *)row)->name, width,
		     tabs__search(c->ui));
}

/* Narrow screens drop the least telling columns first: P99.9, MIN, TOTAL, P90,
 * RATE/s, then MEAN and P99, P50, MAX; ZONE, COUNT and P95 stay. */
static const struct tab_column zone_columns[] = {
	{ ZF_NAME, 0, "name", draw_zone_name, NULL, 0 },
	{ ZF_COUNT, 0, "count", NULL, NULL, 0 },
	{ ZF_RATE, 5, "rate", NULL, NULL, 0 },
	{ ZF_TOTAL, 7, "total", NULL, NULL, 0 },
	{ ZF_MEAN, 4, "mean", NULL, NULL, 0 },
	{ ZF_MIN, 8, "min", NULL, NULL, 0 },
	{ ZF_P50, 2, "p50", NULL, NULL, 0 },
	{ ZF_P90, 6, "p90", NULL, NULL, 0 },
	{ ZF_P95, 0, "p95", NULL, NULL, 0 },
	{ ZF_P99, 3, "p99", NULL, NULL, 0 },
	{ ZF_P999, 9, "p99.9", NULL, NULL, 0 },
	{ ZF_MAX, 1, "max", NULL, NULL, 0 },
};
enum { NCOLUMNS = sizeof(zone_columns) / sizeof(zone_columns[0]) };

static const void *zone_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->s->zones[i].f;
}

/* The budget's colour of a row (perftop run --budget, budget_view.c). */
static enum theme_element zone_budget_style(const void *row, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	return budget_view__style(c->ui, BS_ZONE, ((const struct zone_figures *)row)->name);
}

/* ---- the module ------------------------------------------------------------------- */

static void *create(enum proc_tab tab)
{
	struct zonetab *s = xcalloc(1, sizeof(*s));

	(void)tab;
	s->sort = ZF_TOTAL;
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
	tabs__fields_draw(ui, out, b, rows, zone_fields, ZF_NFIELDS, zone_columns, NCOLUMNS,
			  s->sort, s->desc, zone_at, zone_budget_style, &c,
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
	return ((const struct zonetab *)state)->zones[i].f.name;
}

static int sort(struct ui *ui, void *state, int k)
{
	struct zonetab *s = state;

	return tabs__column_sort_step(tabs__browser(ui, PTAB_ZONES), zone_columns, NCOLUMNS,
				      &s->sort, &s->desc, ZF_NAME, k);
}

static void sort_label(const void *state, char *buf, size_t len)
{
	const struct zonetab *s = state;

	tabs__column_sort_label(buf, len, zone_columns, NCOLUMNS, s->sort, s->desc, ZF_NAME);
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
