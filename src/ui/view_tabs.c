/*
 * view_tabs — the tables under a profiled process's charts: Functions
 * (self %, total %, samples, function, module, file:line), Zones (count,
 * rate, mean and percentiles), Counters (total or value, rates) and Log (the
 * program's marks with perftop's own messages, newest last).
 *
 * Each tab defines its columns once and has its own browser, so switching
 * tabs keeps every tab's position. Rows are rebuilt from the profile at
 * every frame and point into it: they are valid only under the model's lock.
 * Search (`/`, then n/N) walks the current tab's names and selects the
 * matching row; it filters nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ui/fmt.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

static const char *const tab_names[PTAB_COUNT] = { "Functions", "Tree",     "Callers", "Flame",
						    "Zones",     "Counters", "Log" };

const double tabs__window_seconds[TABS_NWINDOWS] = { 5, 30, 0 };

const struct tab_module *tabs__module(enum proc_tab tab)
{
	switch (tab) {
	case PTAB_TREE:
	case PTAB_CALLERS:
		return &treeview__module;
	case PTAB_FLAME:
		return &flameview__module;
	default:
		return NULL;
	}
}
static const char *const sort_names[FSORT_COUNT] = { "self", "total", "name" };

void tabs__init(struct proctabs *t)
{
	memset(t, 0, sizeof(*t));
	t->sort = FSORT_SELF;
	t->desc = true;
	t->show_file = true;
	t->log_tail = true;
	t->scope.window = TABS_DEFAULT_WINDOW;
	profile_view_init(&t->scope.win);
	profile_view_init(&t->scope.all);
	for (int i = 0; i < PTAB_COUNT; i++) {
		const struct tab_module *m = tabs__module((enum proc_tab)i);

		browser_init(&t->br[i]);
		if (m)
			t->module_state[i] = m->create((enum proc_tab)i);
	}
}

void tabs__release(struct proctabs *t)
{
	for (int i = 0; i < PTAB_COUNT; i++) {
		const struct tab_module *m = tabs__module((enum proc_tab)i);

		browser_release(&t->br[i]);
		if (m)
			m->destroy(t->module_state[i]);
		t->module_state[i] = NULL;
	}
	profile_view_release(&t->scope.win);
	profile_view_release(&t->scope.all);
	free(t->funcs);
	free(t->counters);
	free(t->zones);
	free(t->sums);
	free(t->log);
}

void tabs__reset(struct proctabs *t)
{
	for (int i = 0; i < PTAB_COUNT; i++) {
		const struct tab_module *m = tabs__module((enum proc_tab)i);

		browser_release(&t->br[i]);
		browser_init(&t->br[i]);
		if (m)
			m->reset(t->module_state[i]);
	}
	t->scope.tid = 0;
	t->search[0] = '\0';
	t->searching = false;
	t->log_tail = true;
}

/* ---- figures shared with --batch ------------------------------------------------- */

void tabs__zone_figures(const struct profile_zone *z, const struct profile_zone_summary *s,
			struct zone_figures *f)
{
	memset(f, 0, sizeof(*f));
	f->count = s->count;
	f->mean_ns = s->mean_ns;
	f->min_ns = (double)s->min_ns;
	f->max_ns = (double)s->max_ns;
	f->p50_ns = s->p50_ns;
	f->p95_ns = s->p95_ns;
	f->p99_ns = s->p99_ns;
	f->have_pcts = s->count > 0;
	if (z->exact_count) {
		f->count = z->exact_count;
		f->mean_ns = z->exact_sum_ns / (double)z->exact_count;
		f->min_ns = (double)z->exact_min_ns;
		f->max_ns = (double)z->exact_max_ns;
	}
	f->rate_per_s = (double)f->count / (s->seconds > 1 ? s->seconds : 1);
}

void tabs__agent_line(struct ui *ui, struct lines *out, const struct profile *prof, int width)
{
	struct line *l = lines_begin(out, width);
	char req[32], got[32], samples[32], dropped[32], full[160];
	bool group = !ui->batch;

	line_put(l, TE_HEADER, " ");
	if (!prof) {
		line_put(l, TE_ROW_DIM, "agent: not connected");
		line_fill(l, TE_HEADER);
		return;
	}
	snprintf(req, sizeof(req), "%.0f", prof->requested_hz);
	snprintf(got, sizeof(got), "%.0f", prof->achieved_hz);
	fmt_count(samples, sizeof(samples), prof->samples, group);
	fmt_count(dropped, sizeof(dropped), prof->agent_dropped, group);
	/* The longest form that fits: the label, then words, give way. */
	for (int form = 0; form < 4; form++) {
		const char *tail = form < 3 ? " dropped" : " drop";
		const char *gone = prof->connected ? "" : form < 3 ? ", disconnected" : " off";

		if (form <= 1)
			snprintf(full, sizeof(full),
				 "%s%s Hz requested, %s Hz achieved, %s samples, ",
				 form ? "" : "Agent ", req, got, samples);
		else if (form == 2)
			snprintf(full, sizeof(full), "%s/%s Hz, %s samples, ", got, req, samples);
		else
			snprintf(full, sizeof(full), "%s/%s Hz %s smp ", got, req, samples);
		if (form < 3 && lines_text_width(full) + lines_text_width(dropped) +
					lines_text_width(tail) + lines_text_width(gone) >
				line_room(l))
			continue;
		if (form == 0) {
			line_put(l, TE_HEADER_LABEL, "Agent ");
			line_put(l, TE_HEADER, full + 6);
		} else {
			line_put(l, TE_HEADER, full);
		}
		line_printf(l, prof->agent_dropped ? TE_WARN : TE_HEADER, "%s%s", dropped, tail);
		line_put(l, TE_ROW_DIM, gone);
		break;
	}
	line_fill(l, TE_HEADER);
}

/* ---- rows ------------------------------------------------------------------------- */

/* v with room for n entries of size bytes (*alloc of them). */
static void *reserve(void *v, size_t *alloc, size_t n, size_t size)
{
	if (*alloc >= n)
		return v;
	*alloc = n + 64;
	return xreallocarray(v, *alloc, size);
}

struct sort_ctx {
	const struct profile *p;
	const struct profile_view *v; /* the counts sorted by */
	enum func_sort key;
	bool desc;
};

static int compare_funcs(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	const struct profile_func *a = &c->p->funcs[ia], *b = &c->p->funcs[ib];
	int r = 0;

	if (c->key != FSORT_NAME) {
		uint64_t ka = c->key == FSORT_TOTAL ? c->v->total[ia] : c->v->self[ia];
		uint64_t kb = c->key == FSORT_TOTAL ? c->v->total[ib] : c->v->self[ib];

		r = ka < kb ? -1 : ka > kb;
	} else {
		r = strcmp(a->name, b->name);
	}
	if (c->desc)
		r = -r;
	if (!r)
		r = strcmp(a->name, b->name);
	if (!r)
		r = strcmp(a->module ? a->module : "", b->module ? b->module : "");
	if (!r)
		r = ia < ib ? -1 : ia > ib;
	return r;
}

static long long id_of_u32(const void *rows, size_t i)
{
	return ((const uint32_t *)rows)[i];
}

static long long id_of_zone(const void *rows, size_t i)
{
	return ((const struct tabs_zone_row *)rows)[i].id;
}

static long long id_of_index(const void *rows, size_t i)
{
	(void)rows;
	return (long long)i;
}

/* Functions with samples in the scope, over everything (so a function the
 * window no longer sees stays listed, at 0 %). */
static void rebuild_funcs(struct proctabs *t, const struct profile *p)
{
	const struct profile_view *all = &t->scope.all;
	size_t n = all->nfuncs, k = 0;
	struct sort_ctx c = { p, &t->scope.win, t->sort, t->desc };

	if (n > t->scope.win.nfuncs)
		n = t->scope.win.nfuncs;
	t->funcs = reserve(t->funcs, &t->funcs_alloc, n, sizeof(*t->funcs));
	for (size_t i = 0; i < n; i++)
		if (all->total[i] || all->self[i])
			t->funcs[k++] = (uint32_t)i;
	qsort_r(t->funcs, k, sizeof(*t->funcs), compare_funcs, &c);
	t->nfuncs = k;
	browser_sync(&t->br[PTAB_FUNCTIONS], k, id_of_u32, t->funcs);
}

static void rebuild_zones(struct proctabs *t, struct profile *p)
{
	size_t n = profile_zone_count(p);

	t->zones = reserve(t->zones, &t->zones_alloc, n, sizeof(*t->zones));
	t->sums = reserve(t->sums, &t->sums_alloc, n, sizeof(*t->sums));
	if (n)
		profile_zone_summaries(p, 0, 0, profile_now(p), t->sums);
	for (size_t i = 0; i < n; i++) {
		t->zones[i].id = (uint32_t)i;
		t->zones[i].name = p->zones[i].name;
		tabs__zone_figures(&p->zones[i], &t->sums[i], &t->zones[i].f);
	}
	t->nzones = n;
	browser_sync(&t->br[PTAB_ZONES], n, id_of_zone, t->zones);
}

static void rebuild_counters(struct proctabs *t, const struct profile *p)
{
	size_t n = profile_counter_count(p);

	t->counters = reserve(t->counters, &t->counters_alloc, n, sizeof(*t->counters));
	for (size_t i = 0; i < n; i++)
		t->counters[i] = (uint32_t)i;
	t->ncounters = n;
	browser_sync(&t->br[PTAB_COUNTERS], n, id_of_u32, t->counters);
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Marks carry the agent's CLOCK_MONOTONIC and perftop's messages the
 * collector's CLOCK_BOOTTIME: both become wall time, then merge in order. */
static void rebuild_log(struct ui *ui, struct proctabs *t, const struct profile *p)
{
	const struct msglog *log = &ui->m->log;
	double wall = clock_s(CLOCK_REALTIME);
	double off_mono = wall - clock_s(CLOCK_MONOTONIC);
	double off_boot = wall - clock_s(CLOCK_BOOTTIME);
	size_t nm = p->nmarks, nl = log->len, i = 0, j = 0, k = 0;
	struct browser *b = &t->br[PTAB_LOG];

	t->log = reserve(t->log, &t->log_alloc, nm + nl, sizeof(*t->log));
	while (i < nm || j < nl) {
		const struct profile_mark *mk = i < nm ? profile_mark_at(p, i) : NULL;
		const struct msglog_entry *e = j < nl ? msglog_at(log, j) : NULL;
		double tm = mk ? mk->time + off_mono : 0, te = e ? e->time + off_boot : 0;
		struct tabs_log_row *r = &t->log[k++];

		if (mk && (!e || tm <= te)) {
			*r = (struct tabs_log_row){ tm, TABS_LOG_MARK, mk->tid, mk->text };
			i++;
		} else {
			*r = (struct tabs_log_row){ te, (int)e->level, 0, e->text };
			j++;
		}
	}
	t->nlog = k;
	browser_sync(b, k, id_of_index, t->log);
	if (t->log_tail && k)
		b->sel = k - 1, b->sel_id = (long long)(k - 1);
}

/* Brings the scope's two views up to date with the profile. */
static void update_scope(struct proctabs *t, struct profile *p)
{
	struct tabs_scope *s = &t->scope;
	double now = profile_now(p);

	s->win.tid = s->all.tid = s->tid;
	s->win.seconds = tabs__window_seconds[s->window];
	s->all.seconds = 0;
	profile_view_update(p, &s->win, now);
	profile_view_update(p, &s->all, now);
}

void tabs__rebuild(struct ui *ui, struct profile *p)
{
	struct proctabs *t = &ui->proc.tabs;
	const struct tab_module *m = tabs__module(t->tab);

	update_scope(t, p);
	if (m) {
		m->rebuild(ui, t->module_state[t->tab], p);
		return;
	}
	switch (t->tab) {
	case PTAB_FUNCTIONS:
		rebuild_funcs(t, p);
		break;
	case PTAB_ZONES:
		rebuild_zones(t, p);
		break;
	case PTAB_COUNTERS:
		rebuild_counters(t, p);
		break;
	default:
		rebuild_log(ui, t, p);
		break;
	}
}

/* ---- cells ------------------------------------------------------------------------ */

/* What a column's draw callback gets as ctx. */
struct draw_ctx {
	const struct ui *ui;
	const struct profile *p;
};

void tabs__cell_match(struct line *l, enum theme_element e, const char *text, int width,
		       const char *needle)
{
	size_t flen = strlen(needle);
	int end = l->cols + width;

	if (flen) {
		for (const char *s = text; *s; s++) {
			if (strncasecmp(s, needle, flen))
				continue;
			line_putn(l, e, text, (size_t)(s - text));
			if (l->cols < end)
				line_putn(l, TE_MATCH, s, flen);
			text = s + flen;
			break;
		}
	}
	if (l->cols < end)
		line_cell(l, e, text, end - l->cols, ALIGN_LEFT);
	line_pad_to(l, TE_ROW, end);
}

void tabs__cell_percent(struct line *l, uint64_t n, uint64_t of, int width)
{
	double pct = of ? 100.0 * (double)n / (double)of : 0;
	enum theme_element e = pct >= 10 ? TE_BAD : pct >= 1 ? TE_WARN : TE_ROW;
	char buf[16];

	snprintf(buf, sizeof(buf), "%.1f", pct);
	line_cell(l, e, buf, width, ALIGN_RIGHT);
}

static void draw_self(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	size_t id = (size_t)((const struct profile_func *)row - c->p->funcs);

	tabs__cell_percent(l, c->ui->proc.tabs.scope.win.self[id], c->ui->proc.tabs.scope.win.samples,
			   width);
}

static void draw_total(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	size_t id = (size_t)((const struct profile_func *)row - c->p->funcs);

	tabs__cell_percent(l, c->ui->proc.tabs.scope.win.total[id],
			   c->ui->proc.tabs.scope.win.samples, width);
}

/* Self samples over everything (in the thread scope), next to the window's %. */
static void draw_samples(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;
	size_t id = (size_t)((const struct profile_func *)row - c->p->funcs);
	char buf[32];

	fmt_count(buf, sizeof(buf), c->ui->proc.tabs.scope.all.self[id], true);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_function(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	tabs__cell_match(l, TE_ROW, ((const struct profile_func *)row)->name, width,
		   c->ui->proc.tabs.search);
}

static void draw_module(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_func *f = row;

	(void)ctx;
	line_cell(l, TE_ROW_DIM, f->module ? f->module : "", width, ALIGN_LEFT);
}

static void draw_file(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_func *f = row;
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

/* Two tables: with FILE:LINE (L), which then stays when MODULE has to go,
 * and without. FUNCTION keeps FUNC_MIN columns before the others show. */
enum { FUNC_MIN = 24 };
static const struct browser_column func_columns[] = {
	{ "SELF%", 6, ALIGN_RIGHT, 0, FSORT_SELF, draw_self },
	{ "TOTAL%", 7, ALIGN_RIGHT, 0, FSORT_TOTAL, draw_total },
	{ "SAMPLES", 9, ALIGN_RIGHT, 2, -1, draw_samples },
	{ "FUNCTION", -FUNC_MIN, ALIGN_LEFT, 0, FSORT_NAME, draw_function },
	{ "MODULE", 16, ALIGN_LEFT, 3, -1, draw_module },
};
static const struct browser_column func_file_columns[] = {
	{ "SELF%", 6, ALIGN_RIGHT, 0, FSORT_SELF, draw_self },
	{ "TOTAL%", 7, ALIGN_RIGHT, 0, FSORT_TOTAL, draw_total },
	{ "SAMPLES", 9, ALIGN_RIGHT, 2, -1, draw_samples },
	{ "FUNCTION", -FUNC_MIN, ALIGN_LEFT, 0, FSORT_NAME, draw_function },
	{ "MODULE", 16, ALIGN_LEFT, 4, -1, draw_module },
	{ "FILE:LINE", 24, ALIGN_LEFT, 3, -1, draw_file },
};

static const void *func_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->p->funcs[c->ui->proc.tabs.funcs[i]];
}

/* A duration cell; "-" when there is nothing to show. */
static void cell_duration(struct line *l, double ns, bool have, int width)
{
	char buf[32];

	if (have)
		fmt_duration_ns(buf, sizeof(buf), ns, lines_utf8());
	else
		snprintf(buf, sizeof(buf), "-");
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_zone_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	tabs__cell_match(l, TE_ROW, ((const struct tabs_zone_row *)row)->name, width,
		   c->ui->proc.tabs.search);
}

static void draw_zone_count(struct line *l, const void *row, int width, const void *ctx)
{
	char buf[32];

	(void)ctx;
	fmt_count(buf, sizeof(buf), ((const struct tabs_zone_row *)row)->f.count, true);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

/* A rate per second as a plain number: "0.25", "12.5", "1,234". */
static void cell_rate(struct line *l, double r, int width)
{
	char buf[32];

	if (r < 0)
		r = 0;
	if (r < 10)
		snprintf(buf, sizeof(buf), "%.2f", r);
	else if (r < 1000)
		snprintf(buf, sizeof(buf), "%.1f", r);
	else
		fmt_count(buf, sizeof(buf), (unsigned long long)(r + 0.5), true);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_zone_rate(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	cell_rate(l, ((const struct tabs_zone_row *)row)->f.rate_per_s, width);
}

static void draw_zone_mean(struct line *l, const void *row, int width, const void *ctx)
{
	const struct zone_figures *f = &((const struct tabs_zone_row *)row)->f;

	(void)ctx;
	cell_duration(l, f->mean_ns, f->count > 0, width);
}

static void draw_zone_p50(struct line *l, const void *row, int width, const void *ctx)
{
	const struct zone_figures *f = &((const struct tabs_zone_row *)row)->f;

	(void)ctx;
	cell_duration(l, f->p50_ns, f->have_pcts, width);
}

static void draw_zone_p95(struct line *l, const void *row, int width, const void *ctx)
{
	const struct zone_figures *f = &((const struct tabs_zone_row *)row)->f;

	(void)ctx;
	cell_duration(l, f->p95_ns, f->have_pcts, width);
}

static void draw_zone_p99(struct line *l, const void *row, int width, const void *ctx)
{
	const struct zone_figures *f = &((const struct tabs_zone_row *)row)->f;

	(void)ctx;
	cell_duration(l, f->p99_ns, f->have_pcts, width);
}

static void draw_zone_max(struct line *l, const void *row, int width, const void *ctx)
{
	const struct zone_figures *f = &((const struct tabs_zone_row *)row)->f;

	(void)ctx;
	cell_duration(l, f->max_ns, f->count > 0, width);
}

static const struct browser_column zone_columns[] = {
	{ "ZONE", 0, ALIGN_LEFT, 0, -1, draw_zone_name },
	{ "COUNT", 10, ALIGN_RIGHT, 0, -1, draw_zone_count },
	{ "RATE/s", 8, ALIGN_RIGHT, 4, -1, draw_zone_rate },
	{ "MEAN", 8, ALIGN_RIGHT, 3, -1, draw_zone_mean },
	{ "P50", 8, ALIGN_RIGHT, 2, -1, draw_zone_p50 },
	{ "P95", 8, ALIGN_RIGHT, 2, -1, draw_zone_p95 },
	{ "P99", 8, ALIGN_RIGHT, 1, -1, draw_zone_p99 },
	{ "MAX", 8, ALIGN_RIGHT, 0, -1, draw_zone_max },
};

static const void *zone_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->ui->proc.tabs.zones[i];
}

static void draw_counter_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	tabs__cell_match(l, TE_ROW, ((const struct profile_counter *)row)->name, width,
		   c->ui->proc.tabs.search);
}

static void draw_counter_kind(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	line_cell(l, TE_ROW_DIM, ((const struct profile_counter *)row)->gauge ? "gauge" : "count",
		  width, ALIGN_LEFT);
}

static void draw_counter_total(struct line *l, const void *row, int width, const void *ctx)
{
	double v = ((const struct profile_counter *)row)->total;
	char buf[48];

	(void)ctx;
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
		cell_rate(l, c->rate_per_s, width);
}

static void draw_counter_rate_min(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_counter *c = row;

	(void)ctx;
	if (c->gauge)
		line_cell(l, TE_ROW_DIM, "-", width, ALIGN_RIGHT);
	else
		cell_rate(l, c->rate_per_min, width);
}

static const struct browser_column counter_columns[] = {
	{ "COUNTER", 0, ALIGN_LEFT, 0, -1, draw_counter_name },
	{ "KIND", 5, ALIGN_LEFT, 2, -1, draw_counter_kind },
	{ "TOTAL", 14, ALIGN_RIGHT, 0, -1, draw_counter_total },
	{ "RATE/s", 10, ALIGN_RIGHT, 0, -1, draw_counter_rate },
	{ "RATE/min", 10, ALIGN_RIGHT, 3, -1, draw_counter_rate_min },
};

static const void *counter_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->p->counters[c->ui->proc.tabs.counters[i]];
}

static void draw_log_time(struct line *l, const void *row, int width, const void *ctx)
{
	const struct tabs_log_row *r = row;
	time_t secs = (time_t)r->wall;
	struct tm tm;
	char buf[32];

	(void)ctx;
	if (localtime_r(&secs, &tm))
		snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min,
			 tm.tm_sec, (int)((r->wall - (double)secs) * 1000) % 1000);
	else
		snprintf(buf, sizeof(buf), "?");
	line_cell(l, TE_ROW_DIM, buf, width, ALIGN_LEFT);
}

static void draw_log_source(struct line *l, const void *row, int width, const void *ctx)
{
	const struct tabs_log_row *r = row;
	const struct draw_ctx *c = ctx;
	char buf[PROFILE_THREAD_NAME_LEN + 16];

	if (r->kind != TABS_LOG_MARK) {
		line_cell(l, TE_ROW, "perftop", width, ALIGN_LEFT);
		return;
	}
	snprintf(buf, sizeof(buf), "tid %d", (int)r->tid);
	for (size_t i = 0; i < c->p->nthreads; i++)
		if (c->p->threads[i].tid == r->tid && c->p->threads[i].name[0])
			snprintf(buf, sizeof(buf), "%s", c->p->threads[i].name);
	line_cell(l, TE_ROW, buf, width, ALIGN_LEFT);
}

static void draw_log_text(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	tabs__cell_match(l, TE_ROW, ((const struct tabs_log_row *)row)->text, width,
		   c->ui->proc.tabs.search);
}

static const struct browser_column log_columns[] = {
	{ "TIME", 12, ALIGN_LEFT, 2, -1, draw_log_time },
	{ "SOURCE", 12, ALIGN_LEFT, 1, -1, draw_log_source },
	{ "MESSAGE", 0, ALIGN_LEFT, 0, -1, draw_log_text },
};

static const void *log_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->ui->proc.tabs.log[i];
}

static enum theme_element log_style(const void *row)
{
	const struct tabs_log_row *r = row;

	switch (r->kind) {
	case MSG_WARN:
		return TE_WARN;
	case MSG_ERROR:
		return TE_BAD;
	case MSG_INFO:
		return TE_ROW_DIM;
	default:
		return TE_ROW;
	}
}

/* ---- drawing ------------------------------------------------------------------------ */

static size_t tab_count(const struct ui *ui, const struct profile *p, enum proc_tab tab)
{
	switch (tab) {
	case PTAB_FUNCTIONS:
		return profile_func_count(p);
	case PTAB_ZONES:
		return profile_zone_count(p);
	case PTAB_COUNTERS:
		return profile_counter_count(p);
	case PTAB_LOG:
		return p->nmarks + ui->m->log.len;
	default:
		return 0; /* the module tabs show no count */
	}
}

/* The tab bar's text for tab i: " Zones 2 ", or " Zones " without counts. */
static void tab_label(char *buf, size_t len, const struct ui *ui, const struct profile *p, int i,
		      bool counts)
{
	size_t n = counts ? tab_count(ui, p, (enum proc_tab)i) : 0;

	if (i == PTAB_FUNCTIONS || !n)
		snprintf(buf, len, " %s ", tab_names[i]);
	else
		snprintf(buf, len, " %s %zu ", tab_names[i], n);
}

static void tab_bar(struct ui *ui, struct lines *out, const struct profile *p)
{
	const struct proctabs *t = &ui->proc.tabs;
	struct line *l = lines_begin(out, ui->width);
	char right[UI_FILTER_MAX + 64], label[64];
	bool counts = true;
	int need = 0;

	/* Every tab with its count; without counts when that is too wide;
	 * else only the current one between its neighbours' arrows. */
	for (int pass = 0; pass < 2; pass++, counts = false) {
		need = 0;
		for (int i = 0; i < PTAB_COUNT; i++) {
			tab_label(label, sizeof(label), ui, p, i, counts);
			need += lines_text_width(label) + 1;
		}
		if (need <= ui->width)
			break;
	}
	if (need > ui->width) {
		tab_label(label, sizeof(label), ui, p, (int)t->tab, true);
		line_put(l, TE_ROW_DIM, "< ");
		line_put(l, TE_TAB_ACTIVE, label);
		line_put(l, TE_ROW_DIM, " >");
	} else {
		for (int i = 0; i < PTAB_COUNT; i++) {
			tab_label(label, sizeof(label), ui, p, i, counts);
			line_put(l, i == (int)t->tab ? TE_TAB_ACTIVE : TE_TAB_INACTIVE, label);
			line_put(l, TE_DEFAULT, " ");
		}
	}
	right[0] = '\0';
	if (t->tab == PTAB_FUNCTIONS)
		snprintf(right, sizeof(right), "by %s%s ", sort_names[t->sort],
			 t->desc == (t->sort != FSORT_NAME) ? "" : " (inverted)");
	if (t->search[0] && !t->searching)
		snprintf(right + strlen(right), sizeof(right) - strlen(right), " /%s ", t->search);
	if (right[0] && line_room(l) > lines_text_width(right)) {
		line_pad_to(l, TE_DEFAULT, ui->width - lines_text_width(right));
		line_put(l, TE_ROW_DIM, right);
	}
	line_fill(l, TE_DEFAULT);
}

static const char *empty_text(enum proc_tab tab)
{
	switch (tab) {
	case PTAB_FUNCTIONS:
		return " no samples yet";
	case PTAB_ZONES:
		return " no zones yet: PT_ZONE(\"name\") in the program times one";
	case PTAB_COUNTERS:
		return " no counters yet: pt_counter_add(\"name\", 1) counts";
	default:
		return " no marks or messages yet";
	}
}

void tabs__draw(struct ui *ui, struct lines *out, struct profile *p, int rows)
{
	struct proctabs *t = &ui->proc.tabs;
	struct draw_ctx c = { ui, p };
	struct browser *b = &t->br[t->tab];
	size_t start = out->n, ncols;
	const struct browser_column *cols;
	const void *(*row_at)(const void *ctx, size_t i);
	enum theme_element (*style_of)(const void *row) = NULL;
	int sort = -1;

	if (rows < 1)
		return;
	tab_bar(ui, out, p);
	if (tabs__module(t->tab)) {
		tabs__module(t->tab)->draw(ui, t->module_state[t->tab], out, p, rows - 1);
		while ((int)(out->n - start) < rows)
			lines_begin(out, ui->width);
		return;
	}
	switch (t->tab) {
	case PTAB_FUNCTIONS:
		cols = t->show_file ? func_file_columns : func_columns;
		ncols = t->show_file ? sizeof(func_file_columns) / sizeof(*cols)
				     : sizeof(func_columns) / sizeof(*cols);
		row_at = func_at;
		sort = (int)t->sort;
		break;
	case PTAB_ZONES:
		cols = zone_columns;
		ncols = sizeof(zone_columns) / sizeof(zone_columns[0]);
		row_at = zone_at;
		break;
	case PTAB_COUNTERS:
		cols = counter_columns;
		ncols = sizeof(counter_columns) / sizeof(counter_columns[0]);
		row_at = counter_at;
		break;
	default:
		cols = log_columns;
		ncols = sizeof(log_columns) / sizeof(log_columns[0]);
		row_at = log_at;
		style_of = log_style;
		break;
	}
	if (rows >= 2) {
		browser_draw(b, out, ui->width, rows - 2, cols, ncols, sort, t->desc, row_at,
			     style_of, &c);
		if (!b->n && rows >= 3) {
			struct line *l = &out->v[out->n - (size_t)(rows - 2)];

			line_put(l, TE_ROW_DIM, empty_text(t->tab));
		}
	}
	while ((int)(out->n - start) < rows)
		lines_begin(out, ui->width);
}

/* ---- search ------------------------------------------------------------------------ */

/* The text search looks at in row i of the current tab. */
static const char *row_text(const struct ui *ui, const struct profile *p, size_t i)
{
	const struct proctabs *t = &ui->proc.tabs;

	switch (t->tab) {
	case PTAB_FUNCTIONS:
		return p->funcs[t->funcs[i]].name;
	case PTAB_ZONES:
		return t->zones[i].name;
	case PTAB_COUNTERS:
		return p->counters[t->counters[i]].name;
	default:
		return t->log[i].text;
	}
}

static bool contains(const char *text, const char *needle)
{
	size_t n = strlen(needle);

	for (; text && *text; text++)
		if (!strncasecmp(text, needle, n))
			return true;
	return false;
}

/* Selects the first row matching the search from row `from` (included when
 * `inclusive`) in direction dir (+1 / -1), wrapping. Returns whether one did. */
static bool search_jump(struct ui *ui, const struct profile *p, size_t from, int dir,
			bool inclusive)
{
	struct proctabs *t = &ui->proc.tabs;
	struct browser *b = &t->br[t->tab];
	const struct tab_module *m = tabs__module(t->tab);
	size_t n = b->n;

	if (m && t->search[0]) /* the module searches from its own selection */
		return m->search(ui, t->module_state[t->tab], (struct profile *)p, t->search, dir,
				 inclusive);
	if (!n || !t->search[0])
		return false;
	if (from >= n)
		from = 0;
	for (size_t k = inclusive ? 0 : 1; k <= n; k++) {
		size_t i = dir > 0 ? (from + k) % n : (from + n - k % n) % n;

		if (contains(row_text(ui, p, i), t->search)) {
			browser_select(b, i);
			if (t->tab == PTAB_LOG)
				t->log_tail = i + 1 == n;
			return true;
		}
	}
	return false;
}

static void no_match(struct ui *ui)
{
	char msg[UI_FILTER_MAX + 32];

	snprintf(msg, sizeof(msg), "no match for '%s'", ui->proc.tabs.search);
	ui__message(ui, TE_STATUS_WARN, msg);
}

/* Appends the UTF-8 encoding of code point cp to s (size n) if it fits. */
static void utf8_append(char *s, size_t n, int cp)
{
	char enc[4];
	size_t k, len = strlen(s);

	if (cp < 0x80) {
		enc[0] = (char)cp, k = 1;
	} else if (cp < 0x800) {
		enc[0] = (char)(0xc0 | (cp >> 6)), enc[1] = (char)(0x80 | (cp & 0x3f)), k = 2;
	} else if (cp < 0x10000) {
		enc[0] = (char)(0xe0 | (cp >> 12));
		enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[2] = (char)(0x80 | (cp & 0x3f)), k = 3;
	} else {
		enc[0] = (char)(0xf0 | (cp >> 18));
		enc[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		enc[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[3] = (char)(0x80 | (cp & 0x3f)), k = 4;
	}
	if (len + k + 1 > n)
		return;
	memcpy(s + len, enc, k);
	s[len + k] = '\0';
}

static void utf8_backspace(char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		unsigned char c = (unsigned char)s[--len];

		if ((c & 0xc0) != 0x80)
			break;
	}
	s[len] = '\0';
}

static int key_searching(struct ui *ui, struct profile *p, int key)
{
	struct proctabs *t = &ui->proc.tabs;
	struct browser *b = &t->br[t->tab];

	switch (key) {
	case UI_KEY_ENTER:
		t->searching = false;
		if (t->search[0] && !search_jump(ui, p, b->sel, 1, true))
			no_match(ui);
		return UI_REDRAW;
	case UI_KEY_ESC:
		t->searching = false;
		t->search[0] = '\0';
		if (!tabs__module(t->tab))
			browser_select(b, t->search_origin);
		return UI_REDRAW;
	case UI_KEY_BACKSPACE:
		utf8_backspace(t->search);
		break;
	case UI_KEY_CTRL('u'):
		t->search[0] = '\0';
		break;
	default:
		if (key >= 0x20 && key < UI_KEY_SPECIAL && key != 0x7f) {
			utf8_append(t->search, sizeof(t->search), key);
			break;
		}
		t->searching = false; /* a move ends the prompt and moves */
		return tabs__key(ui, p, key);
	}
	/* Incremental: the first match from where the prompt opened. */
	if ((!t->search[0] || !search_jump(ui, p, t->search_origin, 1, true)) &&
	    !tabs__module(t->tab))
		browser_select(b, t->search_origin);
	return UI_REDRAW;
}

bool tabs__editing(const struct ui *ui)
{
	return ui->proc.tabs.searching;
}

bool tabs__status(struct ui *ui, struct lines *out)
{
	struct line *l;

	if (!ui->proc.tabs.searching)
		return false;
	l = lines_begin(out, ui->width);
	line_put(l, TE_FILTER, " Search: ");
	line_put(l, TE_FILTER, ui->proc.tabs.search);
	line_put(l, TE_FILTER, "_");
	line_put(l, TE_FILTER, "   Enter keep  Esc cancel  n/N next/previous");
	line_fill(l, TE_FILTER);
	return true;
}

/* ---- keys ---------------------------------------------------------------------------- */

static void switch_tab(struct ui *ui, struct profile *p, int step)
{
	struct proctabs *t = &ui->proc.tabs;

	t->tab = (enum proc_tab)(((int)t->tab + step + PTAB_COUNT) % PTAB_COUNT);
	tabs__rebuild(ui, p);
}

int tabs__key(struct ui *ui, struct profile *p, int key)
{
	struct proctabs *t = &ui->proc.tabs;
	struct browser *b = &t->br[t->tab];
	int r;

	if (t->searching)
		return key_searching(ui, p, key);
	switch (key) {
	case UI_KEY_TAB:
		switch_tab(ui, p, 1);
		return UI_REDRAW;
	case UI_KEY_BTAB:
		switch_tab(ui, p, -1);
		return UI_REDRAW;
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		if (key - '1' < PTAB_COUNT) {
			t->tab = (enum proc_tab)(key - '1');
			tabs__rebuild(ui, p);
			return UI_REDRAW;
		}
		break;
	case '/':
		tabs__rebuild(ui, p);
		t->searching = true;
		t->search[0] = '\0';
		t->search_origin = b->sel;
		return UI_REDRAW;
	case 'n':
	case 'N':
		if (!t->search[0]) {
			ui__message(ui, TE_STATUS_WARN, "no search yet: / searches");
			return UI_REDRAW;
		}
		tabs__rebuild(ui, p);
		if (!search_jump(ui, p, b->sel, key == 'n' ? 1 : -1, false))
			no_match(ui);
		return UI_REDRAW;
	default:
		break;
	}
	if (tabs__module(t->tab)) {
		r = tabs__module(t->tab)->key(ui, t->module_state[t->tab], p, key);
		if (r != UI_NONE || key != 'L')
			return r;
	}
	switch (key) {
	case '<':
	case '>':
	case UI_KEY_F(6):
		if (t->tab != PTAB_FUNCTIONS) {
			ui__message(ui, TE_STATUS_WARN, "only the Functions tab sorts (Tab to it)");
			return UI_REDRAW;
		}
		t->sort = (enum func_sort)((t->sort + (key == '<' ? FSORT_COUNT - 1 : 1)) %
					   FSORT_COUNT);
		t->desc = t->sort != FSORT_NAME;
		return UI_REDRAW | UI_RESORT;
	case 'I':
		if (t->tab != PTAB_FUNCTIONS)
			return UI_NONE;
		t->desc = !t->desc;
		return UI_REDRAW | UI_RESORT;
	case 'L':
		t->show_file = !t->show_file;
		return UI_REDRAW;
	default:
		break;
	}
	r = browser_key(b, key);
	if (r != UI_NONE && t->tab == PTAB_LOG)
		t->log_tail = b->n && b->sel + 1 == b->n;
	return r;
}
