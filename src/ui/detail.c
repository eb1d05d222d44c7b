/*
 * view_detail — the detail screen of the Zones or Counters tab's selected
 * row (Enter opens it), or of the Functions tab's selected Python function
 * (l: its lines), drawn in the tab area under the tab bar (Esc, q or Left go
 * back to the table, which keeps its selection; Up and Down walk the rows
 * without leaving).
 *
 * A Python function's lines: each line that executed in it, with its self
 * and total samples and their share of the function's total, hottest first
 * (pylines.h: all threads, since start or reset, whatever the tabs' scope),
 * as many as fit. A native function has no lines, and says so.
 *
 * A zone: its figures in the tabs' scope (thread, live window), its latency
 * histogram as horizontal bars (the histogram's buckets merged into as many
 * rows as fit, each labelled with its range, count and share, the rows
 * holding p50, p95 and p99 marked), and its p95 and p50 of each second over
 * time (profile_zone_pct_series). A counter: its figures and its value and
 * rate per second over time. Everything is read under the model's lock and
 * drawn into lines, like every view.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

enum {
	YLABEL_W = 8,      /* the y axis labels */
	SIDE_GAP = 2,      /* columns between two charts side by side */
	SIDE_MIN = 36,     /* narrowest chart drawn beside another */
	MIN_SLOTS = 60,    /* a chart shows at least a minute */
	CHARTS_MIN = 4,    /* a chart block: title, two rows, x axis */
	CHARTS_MAX = 14,
	HIST_MAX_ROWS = 64,
	MARKS_W = 11,      /* "p50 p95 p99" */
	BAR_MIN = 4,       /* narrower bars drop the marks column */
};

/* The screen's scratch space, reused from frame to frame. */
struct detail {
	struct chart chart;
	struct hist hist;         /* the zone's histogram in the scope */
	float *buf;               /* a series copied out of the model */
	size_t buf_alloc;
	struct lines left, right; /* two charts side by side */
};

struct detail *detail__create(void)
{
	struct detail *d = xcalloc(1, sizeof(*d));

	chart_init(&d->chart);
	hist_init(&d->hist);
	lines_init(&d->left);
	lines_init(&d->right);
	return d;
}

void detail__destroy(struct detail *d)
{
	if (!d)
		return;
	chart_release(&d->chart);
	hist_release(&d->hist);
	free(d->buf);
	lines_release(&d->left);
	lines_release(&d->right);
	free(d);
}

/* ---- pieces ------------------------------------------------------------------------- */

/* Room for n floats in d->buf. */
static float *detail_buf(struct detail *d, size_t n)
{
	if (d->buf_alloc < n) {
		d->buf_alloc = n;
		d->buf = xreallocarray(d->buf, n, sizeof(*d->buf));
	}
	return d->buf;
}

/* Lays out "label value" items on at most max_lines lines, the first item
 * (the name) as a title; an item that fits on no line is left out. Returns
 * the lines added. */
static int figures(struct lines *out, int width, int max_lines, const char *const *labels,
		   const char *const *values, size_t n)
{
	struct line *l = NULL;
	int used = 0;

	for (size_t i = 0; i < n; i++) {
		int w = lines_text_width(labels[i]) + 1 + lines_text_width(values[i]);

		if (l && line_room(l) >= w + 2) {
			line_put(l, TE_HEADER, "  ");
		} else if (used < max_lines && (w + 1 < width || !l)) {
			if (l)
				line_fill(l, TE_HEADER);
			l = lines_begin(out, width);
			line_put(l, TE_HEADER, " ");
			used++;
		} else {
			continue;
		}
		if (i == 0) {
			line_put(l, TE_TITLE, values[i]);
			continue;
		}
		line_put(l, TE_HEADER_LABEL, labels[i]);
		line_put(l, TE_HEADER, " ");
		line_put(l, TE_HEADER, values[i]);
	}
	if (l)
		line_fill(l, TE_HEADER);
	return used;
}

/* "thread main (4242)" or "all threads", and "last 5s" or "since start". */
static void scope_text(const struct ui *ui, const struct profile *p, char *thr, size_t thr_len,
		       char *win, size_t win_len)
{
	const struct tabs_scope *s = tabs__scope(ui);
	double secs = tabs__window_seconds[s->window];
	char w[16];

	snprintf(thr, thr_len, "all");
	if (s->tid) {
		snprintf(thr, thr_len, "%d", (int)s->tid);
		for (size_t i = 0; i < p->nthreads; i++)
			if (p->threads[i].tid == s->tid && p->threads[i].name[0])
				snprintf(thr, thr_len, "%s (%d)", p->threads[i].name, (int)s->tid);
	}
	if (secs > 0) {
		fmt_window(w, sizeof(w), secs);
		snprintf(win, win_len, "last %s", w);
	} else {
		snprintf(win, win_len, "since start");
	}
}

/* A duration with two significant digits: "850ns", "1.2ms", "12ms", "1.5s". */
static void short_duration(char *out, size_t len, double ns, bool utf8)
{
	static const char *const units[] = { "ns", "us", "ms", "s" };
	double v = ns < 0 ? 0 : ns;
	int u = 0;

	while (u < 3 && v >= 999.5) {
		v /= 1000;
		u++;
	}
	if (v < 9.95)
		snprintf(out, len, "%.1f%s", v, u == 1 && utf8 ? "µs" : units[u]);
	else
		snprintf(out, len, "%.0f%s", v, u == 1 && utf8 ? "µs" : units[u]);
}

static void number_label(char *out, size_t len, double v)
{
	if (v >= 10000 && v < 1e18)
		fmt_count(out, len, (unsigned long long)(v + 0.5), true);
	else
		snprintf(out, len, "%.4g", v);
}

/* A chart of v[0..n) (oldest first, one per second, "now" at the right)
 * over `slots` seconds: a title line, height rows with a y axis labelled
 * `top` and 0, and the x axis. height + 2 lines of `width` columns. */
static void chart_box(struct ui *ui, struct lines *out, int width, int height, const char *title,
		      const float *v, size_t n, size_t slots, double ymax, const char *top,
		      enum theme_element elem)
{
	struct detail *d = ui->proc.det;
	int plot = width - YLABEL_W - 1;
	bool utf8 = lines_utf8();
	char axis[512];
	struct line *l = lines_begin(out, width);

	line_put(l, TE_HEADER_LABEL, " ");
	line_put(l, TE_HEADER_LABEL, title);
	line_fill(l, TE_DEFAULT);
	if (plot < 1 || height < 1)
		return;
	if (plot >= (int)sizeof(axis))
		plot = (int)sizeof(axis) - 1;
	chart_render(&d->chart, plot, height, ui->chart_style, v, n, slots, 0, ymax);
	for (int y = 0; y < height; y++) {
		const char *label = y == 0 ? top : y == height - 1 ? "0" : "";

		l = lines_begin(out, width);
		line_cell(l, TE_CHART_AXIS, label, YLABEL_W - 1, ALIGN_RIGHT);
		line_put(l, TE_CHART_AXIS, *label ? (utf8 ? "┤" : "+") : (utf8 ? "│" : "|"));
		line_put(l, elem, chart_row(&d->chart, y));
		line_fill(l, TE_ROW);
	}
	l = lines_begin(out, width);
	chart_xaxis(axis, sizeof(axis), plot, (double)slots);
	line_repeat(l, TE_CHART_AXIS, " ", YLABEL_W - 1);
	line_put(l, TE_CHART_AXIS, utf8 ? "└" : "+");
	line_put(l, TE_CHART_AXIS, axis);
	line_fill(l, TE_ROW);
}

/* Two chart blocks of `lines` lines each: side by side when the width lets
 * both be SIDE_MIN wide, else only the first. draw(i, out, width) draws
 * block i. */
static void charts_pair(struct ui *ui, struct lines *out, int lines_n, bool two,
			void (*draw)(struct ui *, struct lines *, int, int, int, const void *),
			const void *ctx)
{
	struct detail *d = ui->proc.det;
	int wl = (ui->width - SIDE_GAP) / 2, wr = ui->width - SIDE_GAP - wl;

	if (!two || wr < SIDE_MIN) {
		draw(ui, out, 0, ui->width, lines_n - 2, ctx);
		return;
	}
	lines_clear(&d->left);
	lines_clear(&d->right);
	draw(ui, &d->left, 0, wl, lines_n - 2, ctx);
	draw(ui, &d->right, 1, wr, lines_n - 2, ctx);
	for (size_t i = 0; i < d->left.n || i < d->right.n; i++) {
		struct line *l = lines_begin(out, ui->width);

		if (i < d->left.n)
			line_append(l, &d->left.v[i]);
		line_pad_to(l, TE_ROW, wl + SIDE_GAP);
		if (i < d->right.n)
			line_append(l, &d->right.v[i]);
		line_fill(l, TE_ROW);
	}
}

/* The chart block's share of `avail` lines: none when the rest would be too
 * small. */
static int charts_lines(int avail, int keep)
{
	int n = avail * 2 / 5;

	if (n > CHARTS_MAX)
		n = CHARTS_MAX;
	if (n < CHARTS_MIN || avail - n < keep)
		return 0;
	return n;
}

/* ---- a zone ------------------------------------------------------------------------- */

/* Bucket b's lower edge: the geometric mean of its and its neighbour's
 * midpoints (buckets grow by a constant factor). */
static double bucket_edge(int b)
{
	return sqrt(hist_bucket_value(b - 1) * hist_bucket_value(b));
}

struct hist_row {
	double lo, hi;      /* ns */
	uint64_t count;
	bool p50, p95, p99; /* the percentile falls in this row */
};

/* Merges h's buckets from its min to its max into k rows of equal width
 * (on the log scale); returns k (<= max_rows). */
static int hist_rows(const struct hist *h, int max_rows, struct hist_row *rows)
{
	int lo = hist_bucket_of(h->min_ns), hi = hist_bucket_of(h->max_ns);
	int span = hi - lo + 1, k = max_rows < span ? max_rows : span;
	double q50 = hist_quantile(h, 0.50), q95 = hist_quantile(h, 0.95);
	double q99 = hist_quantile(h, 0.99);

	for (int g = 0; g < k; g++) {
		int b0 = lo + g * span / k, b1 = lo + (g + 1) * span / k;
		struct hist_row *r = &rows[g];

		r->lo = g == 0 ? (double)h->min_ns : bucket_edge(b0);
		r->hi = g == k - 1 ? (double)h->max_ns : bucket_edge(b1);
		r->count = 0;
		for (int b = b0; b < b1; b++)
			r->count += h->buckets[b];
		/* A percentile is a bucket's midpoint: it lands in that bucket's row. */
		r->p50 = hist_bucket_of((uint64_t)q50) >= b0 && hist_bucket_of((uint64_t)q50) < b1;
		r->p95 = hist_bucket_of((uint64_t)q95) >= b0 && hist_bucket_of((uint64_t)q95) < b1;
		r->p99 = hist_bucket_of((uint64_t)q99) >= b0 && hist_bucket_of((uint64_t)q99) < b1;
	}
	return k;
}

/* A bar of value/top of `width` columns in eighths ('#' without UTF-8). */
static void bar(struct line *l, uint64_t value, uint64_t top, int width)
{
	static const char *const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	long units = top ? (long)((double)value / (double)top * width * 8 + 0.5) : 0;
	int start = l->cols;

	if (value && !units)
		units = 1;
	if (lines_utf8()) {
		line_repeat(l, TE_SPARKLINE, "█", (int)(units / 8));
		line_put(l, TE_SPARKLINE, eighths[units % 8]);
	} else {
		line_repeat(l, TE_SPARKLINE, "#", (int)((units + 4) / 8));
	}
	line_pad_to(l, TE_ROW, start + width);
}

/* The histogram: a title line and up to rows - 1 bar rows. */
static void zone_histogram(struct ui *ui, struct lines *out, const struct hist *h, int rows)
{
	struct hist_row r[HIST_MAX_ROWS];
	char labels[HIST_MAX_ROWS][48], lo[16], hi[16], cnt[32];
	bool utf8 = lines_utf8();
	int k, lw = 0, cw = 5, barw, mw = MARKS_W;
	uint64_t top = 0;
	struct line *l;

	if (rows < 1)
		return;
	l = lines_begin(out, ui->width);
	line_put(l, TE_HEADER_LABEL, " Latency histogram");
	if (!h->count) {
		line_put(l, TE_ROW_DIM, ": no events in this scope");
		line_fill(l, TE_DEFAULT);
		return;
	}
	fmt_count(cnt, sizeof(cnt), h->count, true);
	line_printf(l, TE_ROW_DIM, " (%s events)", cnt);
	line_fill(l, TE_DEFAULT);
	k = hist_rows(h, rows - 1 < HIST_MAX_ROWS ? rows - 1 : HIST_MAX_ROWS, r);
	for (int g = 0; g < k; g++) {
		short_duration(lo, sizeof(lo), r[g].lo, utf8);
		short_duration(hi, sizeof(hi), r[g].hi, utf8);
		snprintf(labels[g], sizeof(labels[g]), "%s%s%s", lo, utf8 ? "–" : "-", hi);
		if (lines_text_width(labels[g]) > lw)
			lw = lines_text_width(labels[g]);
		fmt_count(cnt, sizeof(cnt), r[g].count, true);
		if ((int)strlen(cnt) > cw)
			cw = (int)strlen(cnt);
		if (r[g].count > top)
			top = r[g].count;
	}
	/* " label |bar count pct marks" */
	barw = ui->width - 1 - lw - 2 - 1 - cw - 1 - 6 - 1 - mw;
	if (barw < BAR_MIN) {
		barw += mw + 1;
		mw = 0;
	}
	for (int g = 0; g < k; g++) {
		l = lines_begin(out, ui->width);
		line_put(l, TE_ROW, " ");
		line_cell(l, TE_ROW, labels[g], lw, ALIGN_RIGHT);
		line_put(l, TE_CHART_AXIS, utf8 ? " │" : " |");
		if (barw > 0)
			bar(l, r[g].count, top, barw);
		fmt_count(cnt, sizeof(cnt), r[g].count, true);
		line_put(l, TE_ROW, " ");
		line_cell(l, TE_ROW, cnt, cw, ALIGN_RIGHT);
		line_printf(l, TE_ROW_DIM, " %5.1f%%",
			    100.0 * (double)r[g].count / (double)h->count);
		if (mw) {
			line_put(l, TE_ROW, " ");
			if (r[g].p50)
				line_put(l, TE_HEADER_LABEL, "p50 ");
			if (r[g].p95)
				line_put(l, TE_WARN, "p95 ");
			if (r[g].p99)
				line_put(l, TE_BAD, "p99");
		}
		line_fill(l, TE_ROW);
	}
}

struct zone_charts {
	struct profile *p;
	uint32_t zone;
	pid_t tid;
};

/* Chart block i of a zone: 0 its p95 per second, 1 its p50. */
static void zone_chart(struct ui *ui, struct lines *out, int i, int width, int height,
		       const void *ctx)
{
	const struct zone_charts *c = ctx;
	enum profile_zone_pct pct = i ? PZ_P50 : PZ_P95;
	float *v = detail_buf(ui->proc.det, PROFILE_ZONE_SERIES);
	size_t n = profile_zone_pct_series(c->p, c->zone, c->tid, pct, profile_now(c->p), v,
					   PROFILE_ZONE_SERIES);
	double mx = 0, ymax;
	char top[32], title[64];

	for (size_t k = 0; k < n; k++)
		if (v[k] > mx)
			mx = v[k];
	ymax = chart_nice_ceil(mx);
	fmt_duration_ns(top, sizeof(top), ymax, lines_utf8());
	snprintf(title, sizeof(title), "%s per second", i ? "p50" : "p95");
	chart_box(ui, out, width, height, title, v, n, n > MIN_SLOTS ? n : MIN_SLOTS, ymax, top,
		  i ? TE_CHART_MEM : TE_CHART_CPU);
}

static void zone_detail(struct ui *ui, struct lines *out, struct profile *p, uint32_t zone,
			const struct zone_figures *f, int rows)
{
	const struct tabs_scope *sc = tabs__scope(ui);
	struct profile_zone_summary s;
	char thr[PROFILE_THREAD_NAME_LEN + 16], win[32], cnt[32], rate[32], mean[16], p50[16],
		p95[16], p99[16], mx[16];
	const char *labels[] = { "", "thread", "window", "count", "rate", "mean",
				 "p50", "p95", "p99", "max" };
	const char *values[] = { p->zones[zone].name, thr, win, cnt, rate, mean, p50, p95, p99, mx };
	bool utf8 = lines_utf8();
	size_t start = out->n;
	int avail, ch;
	struct zone_charts c = { p, zone, sc->tid };

	scope_text(ui, p, thr, sizeof(thr), win, sizeof(win));
	fmt_count(cnt, sizeof(cnt), f->count, true);
	snprintf(rate, sizeof(rate), "%.1f/s", f->rate_per_s);
	fmt_duration_ns(mean, sizeof(mean), f->mean_ns, utf8);
	fmt_duration_ns(p50, sizeof(p50), f->p50_ns, utf8);
	fmt_duration_ns(p95, sizeof(p95), f->p95_ns, utf8);
	fmt_duration_ns(p99, sizeof(p99), f->p99_ns, utf8);
	fmt_duration_ns(mx, sizeof(mx), f->max_ns, utf8);
	if (!f->have_pcts)
		snprintf(p50, sizeof(p50), "-"), snprintf(p95, sizeof(p95), "-"),
			snprintf(p99, sizeof(p99), "-");
	figures(out, ui->width, rows >= 8 ? 2 : 1, labels, values,
		sizeof(labels) / sizeof(*labels));
	profile_zone_summary(p, zone, sc->tid, tabs__window_seconds[sc->window],
			     profile_now(p), &s, &ui->proc.det->hist);
	avail = rows - (int)(out->n - start);
	ch = charts_lines(avail, 4);
	zone_histogram(ui, out, &ui->proc.det->hist, avail - ch);
	while ((int)(out->n - start) < rows - ch)
		lines_begin(out, ui->width);
	if (ch)
		charts_pair(ui, out, ch, true, zone_chart, &c);
}

/* ---- a counter ---------------------------------------------------------------------- */

/* Chart block i of a counter: 0 its rate per second (a gauge: its value),
 * 1 its value. */
static void counter_chart(struct ui *ui, struct lines *out, int i, int width, int height,
			  const void *ctx)
{
	const struct profile_counter *c = ctx;
	bool value = i == 1 || c->gauge;
	const struct series *sr = value ? &c->values : &c->rates;
	float *v = detail_buf(ui->proc.det, sr->len ? sr->len : 1);
	size_t n = series_copy_last(sr, sr->len, v);
	double mx = 0, ymax;
	char top[32];

	for (size_t k = 0; k < n; k++)
		if (v[k] > mx)
			mx = v[k];
	ymax = chart_nice_ceil(mx);
	number_label(top, sizeof(top), ymax);
	chart_box(ui, out, width, height,
		  value ? "value, each second of updates" : "rate/s, each second of updates", v, n,
		  n > MIN_SLOTS ? n : MIN_SLOTS, ymax, top, value ? TE_CHART_MEM : TE_CHART_CPU);
}

static void counter_detail(struct ui *ui, struct lines *out, const struct profile_counter *c,
			   int rows)
{
	struct series_stats st = series_stats_last(&c->rates, c->rates.len);
	char total[48], rate[32], rmin[32], lo[32], avg[32], hi[32];
	const char *labels[] = { "", "kind", c->gauge ? "value" : "total", "rate/s", "rate/min",
				 "rate min", "avg", "max" };
	const char *values[] = { c->name, c->gauge ? "gauge" : "count", total, rate, rmin,
				 lo, avg, hi };
	size_t n = sizeof(labels) / sizeof(*labels), start = out->n;
	int avail, ch;

	number_label(total, sizeof(total), c->total);
	number_label(rate, sizeof(rate), c->rate_per_s);
	number_label(rmin, sizeof(rmin), c->rate_per_min);
	number_label(lo, sizeof(lo), st.min);
	number_label(avg, sizeof(avg), st.avg);
	number_label(hi, sizeof(hi), st.max);
	if (c->gauge)
		n = 3; /* a gauge has no rate */
	else if (!st.count)
		n = 5;
	figures(out, ui->width, rows >= 8 ? 2 : 1, labels, values, n);
	avail = rows - (int)(out->n - start);
	if (!c->values.len && avail > 0) {
		struct line *l = lines_begin(out, ui->width);

		line_put(l, TE_ROW_DIM, " no whole second of updates yet");
		line_fill(l, TE_DEFAULT);
		return;
	}
	ch = avail > CHARTS_MAX * 2 ? CHARTS_MAX * 2 : avail;
	if (ch < CHARTS_MIN)
		return;
	/* Rate above value when there is room for both, else side by side or
	 * the rate alone. */
	if (!c->gauge && ch >= 2 * CHARTS_MIN + 1 && ui->width < 2 * SIDE_MIN + SIDE_GAP) {
		counter_chart(ui, out, 0, ui->width, ch / 2 - 2, c);
		lines_begin(out, ui->width);
		counter_chart(ui, out, 1, ui->width, ch - ch / 2 - 3, c);
		return;
	}
	charts_pair(ui, out, ch, !c->gauge, counter_chart, c);
}

/* ---- a Python function's lines ------------------------------------------------------ */

enum { LINES_COUNT_W = 9, LINES_PCT_W = 7 };

static void lines_detail(struct ui *ui, struct lines *out, struct profile *p, uint32_t func,
			 int rows)
{
	const struct profile_func *f = &p->funcs[func];
	struct line *l = lines_begin(out, ui->width);
	uint32_t *idx;
	uint64_t total = 0;
	size_t n, shown;
	char a[32], b[32];
	int room;

	line_put(l, TE_TITLE, " ");
	line_put(l, TE_TITLE, f->name);
	line_put(l, TE_HEADER, "  ");
	line_put(l, TE_HEADER, f->module);
	if (f->interp && f->file) {
		line_put(l, TE_ROW_DIM, "  defined at ");
		line_printf(l, TE_ROW_DIM, "%s:%d", f->file, f->line);
	}
	line_fill(l, TE_DEFAULT);
	if (rows < 2)
		return;
	l = lines_begin(out, ui->width);
	if (!f->interp) {
		line_put(l, TE_ROW_DIM, " no lines: a native function (lines are known for Python "
					"functions); Esc goes back");
		line_fill(l, TE_DEFAULT);
		return;
	}
	idx = xreallocarray(NULL, p->lines.n ? p->lines.n : 1, sizeof(*idx));
	n = pylines_of(&p->lines, func, idx);
	for (size_t i = 0; i < n; i++)
		total = p->lines.e[idx[i]].total > total ? p->lines.e[idx[i]].total : total;
	/* the function's own total: every sample it was in, once */
	total = f->total > total ? f->total : total;
	fmt_count(a, sizeof(a), (unsigned long long)total, true);
	line_printf(l, TE_HEADER, " %zu line%s, %% of the function's %s samples (all threads, "
				  "since start); Esc goes back",
		    n, n == 1 ? "" : "s", a);
	line_fill(l, TE_DEFAULT);
	if (rows < 4) {
		free(idx);
		return;
	}
	l = lines_begin(out, ui->width);
	line_cell(l, TE_COLUMN_HEADER, "SELF", LINES_COUNT_W, ALIGN_RIGHT);
	line_cell(l, TE_COLUMN_HEADER, "SELF%", LINES_PCT_W, ALIGN_RIGHT);
	line_cell(l, TE_COLUMN_SORTED, "TOTAL", LINES_COUNT_W, ALIGN_RIGHT);
	line_cell(l, TE_COLUMN_HEADER, "TOTAL%", LINES_PCT_W, ALIGN_RIGHT);
	line_put(l, TE_COLUMN_HEADER, "  FILE:LINE");
	line_fill(l, TE_COLUMN_HEADER);
	room = rows - 3;
	shown = n;
	if ((int)n > room)
		shown = room > 1 ? (size_t)room - 1 : 0; /* the last line says how many more */
	for (size_t i = 0; i < shown; i++) {
		const struct pylines_entry *e = &p->lines.e[idx[i]];

		l = lines_begin(out, ui->width);
		fmt_count(a, sizeof(a), (unsigned long long)e->self, true);
		line_cell(l, TE_ROW, a, LINES_COUNT_W, ALIGN_RIGHT);
		snprintf(b, sizeof(b), "%.1f%%", total ? 100.0 * (double)e->self / (double)total : 0);
		line_cell(l, TE_ROW, b, LINES_PCT_W, ALIGN_RIGHT);
		fmt_count(a, sizeof(a), (unsigned long long)e->total, true);
		line_cell(l, TE_ROW, a, LINES_COUNT_W, ALIGN_RIGHT);
		snprintf(b, sizeof(b), "%.1f%%", total ? 100.0 * (double)e->total / (double)total : 0);
		line_cell(l, TE_ROW, b, LINES_PCT_W, ALIGN_RIGHT);
		line_printf(l, TE_ROW, "  %s:%u", f->file ? f->file : "?", e->line);
		line_fill(l, TE_DEFAULT);
	}
	if (shown < n) {
		l = lines_begin(out, ui->width);
		line_printf(l, TE_ROW_DIM, " ... %zu more line%s", n - shown, n - shown == 1 ? "" : "s");
		line_fill(l, TE_DEFAULT);
	}
	if (!n) {
		l = lines_begin(out, ui->width);
		line_put(l, TE_ROW_DIM, " no line samples yet");
		line_fill(l, TE_DEFAULT);
	}
	free(idx);
}

/* ---- entry points -------------------------------------------------------------------- */

void detail__draw(struct ui *ui, struct lines *out, struct profile *p,
		  const struct detail_subject *s, int rows)
{
	size_t start = out->n;

	if (rows < 1)
		return;
	switch (s->kind) {
	case DETAIL_ZONE:
		zone_detail(ui, out, p, s->id, s->f, rows);
		break;
	case DETAIL_COUNTER:
		counter_detail(ui, out, &p->counters[s->id], rows);
		break;
	case DETAIL_LINES:
		lines_detail(ui, out, p, s->id, rows);
		break;
	default: {
		struct line *l = lines_begin(out, ui->width);

		line_put(l, TE_ROW_DIM, " nothing to show: Esc goes back to the table");
		line_fill(l, TE_DEFAULT);
		break;
	}
	}
	while ((int)(out->n - start) < rows)
		lines_begin(out, ui->width);
	while ((int)(out->n - start) > rows)
		out->n--;
}

int detail__key(struct browser *b, bool *open, int key)
{
	switch (key) {
	case UI_KEY_ESC:
	case UI_KEY_LEFT:
	case UI_KEY_BACKSPACE:
	case 'q':
		*open = false;
		return UI_REDRAW;
	case UI_KEY_ENTER:
	case UI_KEY_RIGHT:
	case 'l':
		return UI_REDRAW; /* already open */
	case UI_KEY_UP:
	case UI_KEY_DOWN:
	case UI_KEY_PGUP:
	case UI_KEY_PGDN:
	case UI_KEY_HOME:
	case UI_KEY_END:
		return browser_key(b, key);
	default:
		return UI_NONE;
	}
}
