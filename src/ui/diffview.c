/*
 * view_diff — `perftop diff BASE NEW`: what got slower or faster, on screen.
 *
 * Two tables over one struct diff (model/diff.h), Tab switches: Functions
 * (each function's own CPU time in ms per second of its run, BASE and NEW,
 * and its change in %, which stays 0 for a function whose own time did not
 * change; beside it the change in self and total share, in points of each
 * profile's samples) and Zones
 * (p50 and p95 change in % of BASE). Rows come in the diff's order, the
 * largest regression first. A growth is drawn in the warning colour (the
 * bad one from 1 point, or 10 % for a zone), an improvement in the good one.
 * The header names both files with their sample counts and warns when the
 * two are different programs.
 *
 * The screen has no live data, so it runs its own small loop over
 * screen.c (keys and resizes only) instead of ui.c's: views still build
 * lines (diffview__frame) and handle keys (diffview__key) apart, so the
 * unit tests drive it without a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fmt.h"
#include "ui/prompt.h"
#include "ui/ui_internal.h"
#include "util/str.h"
#include "util/xalloc.h"

enum {
	DIFF_POINTS_BAD = 1,      /* a function's growth from this many points is bad */
	DIFF_PCT_BAD = 10,        /* a zone's growth from this % is bad */
};

enum { DIFFTAB_FUNCTIONS, DIFFTAB_ZONES, DIFFTAB_COUNT };
static const char *const tab_names[DIFFTAB_COUNT] = { "Functions", "Zones" };

/* The screen's state. */
struct diffview {
	const struct diff *d;
	const char *base_path, *new_path;
	int tab;                  /* DIFFTAB_* */
	struct browser br[DIFFTAB_COUNT];
	char search[UI_FILTER_MAX];
	bool searching;
	size_t search_origin;
	bool help, utf8;
	int width, height;
	char msg[UI_FILTER_MAX + 32];
};

struct diffview *diffview__new(const struct diff *d, const char *base_path, const char *new_path,
			       bool utf8)
{
	struct diffview *v = xcalloc(1, sizeof(*v));

	v->d = d;
	v->base_path = base_path;
	v->new_path = new_path;
	v->utf8 = utf8;
	for (int i = 0; i < DIFFTAB_COUNT; i++)
		browser_init(&v->br[i]);
	return v;
}

void diffview__free(struct diffview *v)
{
	if (!v)
		return;
	for (int i = 0; i < DIFFTAB_COUNT; i++)
		browser_release(&v->br[i]);
	free(v);
}

size_t diffview__selected(const struct diffview *v)
{
	return v->br[v->tab].sel;
}

bool diffview__help_open(const struct diffview *v)
{
	return v->help;
}

static long long id_of_index(const void *rows, size_t i)
{
	(void)rows;
	return (long long)i;
}

/* ---- cells ------------------------------------------------------------------------ */

static enum theme_element change_elem(double change, double bad)
{
	if (change >= bad)
		return TE_BAD;
	if (change > 0.05)
		return TE_WARN;
	if (change < -0.05)
		return TE_GOOD;
	return TE_ROW_DIM;
}

/* A change with its sign: "+16.2", "-3.0", "0.0"; "new"/"gone" when absent. */
static void cell_change(struct line *l, double change, bool have, const char *absent,
			double bad, int width)
{
	char buf[32];

	if (!have) {
		line_cell(l, TE_ROW_DIM, absent, width, ALIGN_RIGHT);
		return;
	}
	if (change > -0.05 && change < 0.05)
		snprintf(buf, sizeof(buf), "0.0");
	else
		snprintf(buf, sizeof(buf), "%+.1f", change);
	line_cell(l, change_elem(change, bad), buf, width, ALIGN_RIGHT);
}

static void cell_pct(struct line *l, double pct, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%.1f", pct);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_d_self(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_func *f = row;

	(void)ctx;
	cell_change(l, f->d_self, true, "", DIFF_POINTS_BAD, width);
}

static void draw_d_total(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_func *f = row;

	(void)ctx;
	cell_change(l, f->d_total, true, "", DIFF_POINTS_BAD, width);
}

static void draw_base_self(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	cell_pct(l, ((const struct diff_func *)row)->base_self, width);
}

static void draw_new_self(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	cell_pct(l, ((const struct diff_func *)row)->new_self, width);
}

/* The change of a function's own CPU time: "+200.0", "new", "gone", "-". */
static void draw_cpu_change(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_func *f = row;
	const struct diffview *v = ctx;
	const char *absent = !v->d->have_cpu ? "-" : f->base_id == UINT32_MAX || !f->base_ms ?
		(f->new_ms > 0 ? "new" : "-") : "gone";

	cell_change(l, f->cpu_change, f->have_cpu_change, absent, DIFF_PCT_BAD, width);
}

static void cell_ms(struct line *l, double ms, bool have, int width)
{
	char buf[32];

	if (have)
		snprintf(buf, sizeof(buf), "%.1f", ms);
	else
		snprintf(buf, sizeof(buf), "-");
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_base_ms(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_func *f = row;
	const struct diffview *v = ctx;

	cell_ms(l, f->base_ms, v->d->have_cpu && f->base_id != UINT32_MAX, width);
}

static void draw_new_ms(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_func *f = row;
	const struct diffview *v = ctx;

	cell_ms(l, f->new_ms, v->d->have_cpu && f->new_id != UINT32_MAX, width);
}

static void draw_new_total(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	cell_pct(l, ((const struct diff_func *)row)->new_total, width);
}

static void draw_func_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diffview *v = ctx;

	cells__match(l, TE_ROW, ((const struct diff_func *)row)->name, width, v->search);
}

static void draw_func_note(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_func *f = row;

	(void)ctx;
	line_cell(l, f->base_id == UINT32_MAX ? TE_WARN : TE_GOOD,
		  f->base_id == UINT32_MAX ? "new" : f->new_id == UINT32_MAX ? "gone" : "", width,
		  ALIGN_LEFT);
}

static void draw_func_module(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_func *f = row;

	(void)ctx;
	line_cell(l, TE_ROW_DIM, f->module ? f->module : "", width, ALIGN_LEFT);
}

/* CPU: self ms of CPU a second of each run, BASE and NEW, and the change in
 * %; then the shares' changes in points and the shares themselves. */
static const struct browser_column func_columns[] = {
	{ "CPU Δ%", 8, ALIGN_RIGHT, 0, -1, draw_cpu_change },
	{ "BASE ms/s", 10, ALIGN_RIGHT, 3, -1, draw_base_ms },
	{ "NEW ms/s", 9, ALIGN_RIGHT, 2, -1, draw_new_ms },
	{ "ΔSELF", 7, ALIGN_RIGHT, 0, -1, draw_d_self },
	{ "ΔTOTAL", 7, ALIGN_RIGHT, 1, -1, draw_d_total },
	{ "BASE SELF%", 11, ALIGN_RIGHT, 7, -1, draw_base_self },
	{ "NEW SELF%", 10, ALIGN_RIGHT, 6, -1, draw_new_self },
	{ "NEW TOTAL%", 11, ALIGN_RIGHT, 8, -1, draw_new_total },
	{ "", 4, ALIGN_LEFT, 4, -1, draw_func_note },
	{ "FUNCTION", -20, ALIGN_LEFT, 0, -1, draw_func_name },
	{ "MODULE", 16, ALIGN_LEFT, 5, -1, draw_func_module },
};
/* The Δ titles (columns 0, 3, 4) for a terminal that is not UTF-8. */
static const char *const func_ascii_titles[] = { "CPU d%", "dSELF", "dTOTAL" };

static void cell_duration(struct line *l, double ns, bool have, int width, bool utf8)
{
	char buf[32];

	if (have)
		fmt_duration_ns(buf, sizeof(buf), ns, utf8);
	else
		snprintf(buf, sizeof(buf), "-");
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_zone_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diffview *v = ctx;

	cells__match(l, TE_ROW, ((const struct diff_zone *)row)->name, width, v->search);
}

static void draw_zone_counts(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_zone *z = row;
	char a[24], b[24], buf[56];

	(void)ctx;
	fmt_count(a, sizeof(a), z->base_count, true);
	fmt_count(b, sizeof(b), z->new_count, true);
	snprintf(buf, sizeof(buf), "%s/%s", a, b);
	line_cell(l, TE_ROW_DIM, buf, width, ALIGN_RIGHT);
}

static void draw_base_p50(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_zone *z = row;

	cell_duration(l, z->base_p50, z->base_count > 0, width,
		      ((const struct diffview *)ctx)->utf8);
}

static void draw_new_p50(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_zone *z = row;

	cell_duration(l, z->new_p50, z->new_count > 0, width, ((const struct diffview *)ctx)->utf8);
}

static void draw_p50_change(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_zone *z = row;

	(void)ctx;
	cell_change(l, z->p50_change, z->have_p50, "-", DIFF_PCT_BAD, width);
}

static void draw_base_p95(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_zone *z = row;

	cell_duration(l, z->base_p95, z->base_count > 0, width,
		      ((const struct diffview *)ctx)->utf8);
}

static void draw_new_p95(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_zone *z = row;

	cell_duration(l, z->new_p95, z->new_count > 0, width, ((const struct diffview *)ctx)->utf8);
}

static void draw_p95_change(struct line *l, const void *row, int width, const void *ctx)
{
	const struct diff_zone *z = row;

	(void)ctx;
	cell_change(l, z->p95_change, z->have_p95, "-", DIFF_PCT_BAD, width);
}

static const struct browser_column zone_columns[] = {
	{ "ZONE", 0, ALIGN_LEFT, 0, -1, draw_zone_name },
	{ "COUNT B/N", 13, ALIGN_RIGHT, 3, -1, draw_zone_counts },
	{ "BASE P50", 9, ALIGN_RIGHT, 2, -1, draw_base_p50 },
	{ "NEW P50", 9, ALIGN_RIGHT, 2, -1, draw_new_p50 },
	{ "P50 Δ%", 8, ALIGN_RIGHT, 1, -1, draw_p50_change },
	{ "BASE P95", 9, ALIGN_RIGHT, 1, -1, draw_base_p95 },
	{ "NEW P95", 9, ALIGN_RIGHT, 0, -1, draw_new_p95 },
	{ "P95 Δ%", 8, ALIGN_RIGHT, 0, -1, draw_p95_change },
};
static const char *const zone_ascii_titles[] = { "P50 d%", "P95 d%" };

static const void *func_at(const void *ctx, size_t i)
{
	return &((const struct diffview *)ctx)->d->funcs[i];
}

static const void *zone_at(const void *ctx, size_t i)
{
	return &((const struct diffview *)ctx)->d->zones[i];
}

/* ---- the frame -------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "?";
}

/* " BASE base.ptsnap  1,270 samples   NEW slow.ptsnap  1,670 samples" */
static void title_lines(struct diffview *v, struct lines *out)
{
	const struct diff *d = v->d;
	struct line *l = lines_begin(out, v->width);
	char bs[32], ns[32];

	fmt_count(bs, sizeof(bs), d->base_samples, true);
	fmt_count(ns, sizeof(ns), d->new_samples, true);
	line_put(l, TE_TITLE, " perftop diff ");
	line_put(l, TE_HEADER, " ");
	line_put(l, TE_HEADER_LABEL, "BASE ");
	line_printf(l, TE_HEADER, "%s  %s samples", base_name(v->base_path), bs);
	line_put(l, TE_HEADER, v->utf8 ? "  →  " : "  ->  ");
	line_put(l, TE_HEADER_LABEL, "NEW ");
	line_printf(l, TE_HEADER, "%s  %s samples", base_name(v->new_path), ns);
	line_fill(l, TE_HEADER);

	l = lines_begin(out, v->width);
	line_put(l, TE_HEADER, " ");
	if (d->different_programs) {
		line_printf(l, TE_WARN, "warning: different programs: '%s' and '%s'",
			    d->base_program ? d->base_program : "?",
			    d->new_program ? d->new_program : "?");
	} else {
		line_printf(l, TE_HEADER_LABEL, "%s", d->new_program ? d->new_program : "");
		line_printf(l, TE_ROW_DIM, "  ms/s: own CPU a second of run; %s: points of "
					   "samples; zones: %% of BASE",
			    v->utf8 ? "Δ" : "d");
	}
	line_fill(l, TE_HEADER);
}

static size_t tab_rows(const struct diffview *v, int tab)
{
	return tab == DIFFTAB_FUNCTIONS ? v->d->nfuncs : v->d->nzones;
}

static void tab_bar(struct diffview *v, struct lines *out)
{
	struct line *l = lines_begin(out, v->width);
	const char *right = "largest regression first ";

	for (int i = 0; i < DIFFTAB_COUNT; i++) {
		line_printf(l, i == v->tab ? TE_TAB_ACTIVE : TE_TAB_INACTIVE, " %s %zu ",
			    tab_names[i], tab_rows(v, i));
		line_put(l, TE_DEFAULT, " ");
	}
	if (v->search[0] && !v->searching) {
		line_put(l, TE_ROW_DIM, " /");
		line_put(l, TE_ROW_DIM, v->search);
	}
	if (line_room(l) > lines_text_width(right)) {
		line_pad_to(l, TE_DEFAULT, v->width - lines_text_width(right));
		line_put(l, TE_ROW_DIM, right);
	}
	line_fill(l, TE_DEFAULT);
}

/* Column titles for the terminal: the Δ ones in ASCII when it is not UTF-8. */
static void columns_for(const struct diffview *v, struct browser_column *cols, size_t *ncols)
{
	if (v->tab == DIFFTAB_FUNCTIONS) {
		*ncols = sizeof(func_columns) / sizeof(func_columns[0]);
		memcpy(cols, func_columns, sizeof(func_columns));
		if (!v->utf8) {
			cols[0].name = func_ascii_titles[0];
			cols[3].name = func_ascii_titles[1];
			cols[4].name = func_ascii_titles[2];
		}
	} else {
		*ncols = sizeof(zone_columns) / sizeof(zone_columns[0]);
		memcpy(cols, zone_columns, sizeof(zone_columns));
		if (!v->utf8)
			cols[4].name = zone_ascii_titles[0], cols[7].name = zone_ascii_titles[1];
	}
}

static const struct diffview_binding {
	const char *keys, *help;
} diff_keys[] = {
	{ "Up Down", "Move in the table" },
	{ "PgUp PgDn", "Move a page up / down" },
	{ "Home End", "First / last row" },
	{ "Tab S-Tab", "Functions / Zones" },
	{ "/", "Search the names; Enter keeps, Esc cancels" },
	{ "n N", "Next / previous match" },
	{ "Esc", "Clear the search" },
	{ "F1 ?", "This help" },
	{ "q F10", "Quit" },
};

static void help_lines(struct diffview *v, struct lines *out, int rows)
{
	struct line *l = lines_begin(out, v->width);

	line_put(l, TE_TITLE, " perftop diff: keys");
	line_fill(l, TE_DEFAULT);
	lines_begin(out, v->width);
	for (size_t i = 0; i < sizeof(diff_keys) / sizeof(diff_keys[0]) && (int)out->n < rows;
	     i++) {
		l = lines_begin(out, v->width);
		line_put(l, TE_HELP_KEY, "  ");
		line_cell(l, TE_HELP_KEY, diff_keys[i].keys, 12, ALIGN_LEFT);
		line_put(l, TE_HELP_TEXT, diff_keys[i].help);
	}
	if ((int)out->n + 2 <= rows) {
		lines_begin(out, v->width);
		l = lines_begin(out, v->width);
		line_put(l, TE_ROW_DIM, "  CPU: each function's own CPU time (samples / rate) in ms "
					"a second of its run, BASE and NEW, and the change in % "
					"(0 when its own time did not change). The deltas of SELF and TOTAL: "
					"changes in points of each profile's samples (NEW% - "
					"BASE%), which move when anything else does. Any key "
					"closes this help.");
	}
}

static void status_line(struct diffview *v, struct lines *out)
{
	static const struct { const char *key, *label; } hints[] = {
		{ "F1", "Help" }, { "Tab", "Functions/Zones" }, { "/", "Search" }, { "q", "Quit" },
	};
	struct line *l = lines_begin(out, v->width);

	if (v->searching) {
		line_put(l, TE_FILTER, " Search: ");
		line_put(l, TE_FILTER, v->search);
		line_put(l, TE_FILTER, "_   Enter keep  Esc cancel  n/N next/previous");
		line_fill(l, TE_FILTER);
		return;
	}
	if (v->msg[0]) {
		line_put(l, TE_STATUS_WARN, v->msg);
		line_fill(l, TE_STATUS_WARN);
		return;
	}
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		line_put(l, TE_HELP_KEY, hints[i].key);
		line_put(l, TE_STATUS, hints[i].label);
		line_put(l, TE_STATUS, "  ");
	}
	line_fill(l, TE_STATUS);
}

void diffview__frame(struct diffview *v, struct lines *out, int width, int height)
{
	struct browser_column cols[16];
	struct browser *b = &v->br[v->tab];
	size_t ncols;
	int rows;

	lines_clear(out);
	v->width = width;
	v->height = height;
	if (width < UI_MIN_WIDTH || height < 6) {
		line_put(lines_begin(out, width), TE_STATUS_WARN, "terminal too small");
		return;
	}
	if (v->help) {
		help_lines(v, out, height - 1);
		while ((int)out->n < height - 1)
			lines_begin(out, width);
		line_put(lines_begin(out, width), TE_STATUS, " any key closes the help");
		return;
	}
	title_lines(v, out);
	tab_bar(v, out);
	rows = height - (int)out->n - 2; /* the column header, the status line */
	browser_sync(&v->br[DIFFTAB_FUNCTIONS], v->d->nfuncs, id_of_index, NULL);
	browser_sync(&v->br[DIFFTAB_ZONES], v->d->nzones, id_of_index, NULL);
	columns_for(v, cols, &ncols);
	browser_draw(b, out, width, rows, cols, ncols, -1, true,
		     v->tab == DIFFTAB_FUNCTIONS ? func_at : zone_at, NULL, v);
	if (!b->n && rows >= 1)
		line_put(&out->v[out->n - (size_t)rows], TE_ROW_DIM,
			 v->tab == DIFFTAB_FUNCTIONS ? " no functions in either profile"
						     : " no zones in either profile");
	status_line(v, out);
}

/* ---- keys ------------------------------------------------------------------------ */

static const char *row_name(const struct diffview *v, size_t i)
{
	return v->tab == DIFFTAB_FUNCTIONS ? v->d->funcs[i].name : v->d->zones[i].name;
}

/* Selects the next (dir 1) or previous (-1) row matching the search from
 * row `from` (included when inclusive), wrapping. */
static bool search_jump(struct diffview *v, size_t from, int dir, bool inclusive)
{
	struct browser *b = &v->br[v->tab];
	size_t n = tab_rows(v, v->tab);

	browser_sync(b, n, id_of_index, NULL);
	if (!n || !v->search[0])
		return false;
	if (from >= n)
		from = 0;
	for (size_t k = inclusive ? 0 : 1; k <= n; k++) {
		size_t i = dir > 0 ? (from + k) % n : (from + n - k % n) % n;

		if (*v->search && str_contains_nocase(row_name(v, i), v->search)) {
			browser_select(b, i);
			return true;
		}
	}
	return false;
}

static void no_match(struct diffview *v)
{
	snprintf(v->msg, sizeof(v->msg), " no match for '%s'", v->search);
}

static int key_searching(struct diffview *v, int key)
{
	struct browser *b = &v->br[v->tab];

	switch (prompt__key(v->search, sizeof(v->search), key)) {
	case PROMPT_ACCEPT:
		v->searching = false;
		if (v->search[0] && !search_jump(v, b->sel, 1, true))
			no_match(v);
		return UI_REDRAW;
	case PROMPT_CANCEL:
		v->searching = false;
		v->search[0] = '\0';
		browser_select(b, v->search_origin);
		return UI_REDRAW;
	case PROMPT_CHANGED:
		break;
	default:
		if (key < UI_KEY_SPECIAL)
			return UI_REDRAW;
		v->searching = false; /* a move ends the prompt and moves */
		return diffview__key(v, key);
	}
	if (!v->search[0] || !search_jump(v, v->search_origin, 1, true))
		browser_select(b, v->search_origin);
	return UI_REDRAW;
}

int diffview__key(struct diffview *v, int key)
{
	struct browser *b = &v->br[v->tab];

	if (key == UI_KEY_RESIZE)
		return UI_REDRAW;
	if (v->searching)
		return key_searching(v, key);
	v->msg[0] = '\0';
	if (v->help) {
		v->help = false;
		return UI_REDRAW;
	}
	switch (key) {
	case 'q':
	case UI_KEY_F(10):
		return UI_QUIT;
	case '?':
	case UI_KEY_F1:
		v->help = true;
		return UI_REDRAW;
	case UI_KEY_TAB:
	case UI_KEY_BTAB:
		v->tab = (v->tab + 1) % DIFFTAB_COUNT;
		return UI_REDRAW;
	case '/':
		browser_sync(b, tab_rows(v, v->tab), id_of_index, NULL);
		v->searching = true;
		v->search[0] = '\0';
		v->search_origin = b->sel;
		return UI_REDRAW;
	case 'n':
	case 'N':
		if (!v->search[0])
			snprintf(v->msg, sizeof(v->msg), " no search yet: / searches");
		else if (!search_jump(v, b->sel, key == 'n' ? 1 : -1, false))
			no_match(v);
		return UI_REDRAW;
	case UI_KEY_ESC:
		v->search[0] = '\0';
		return UI_REDRAW;
	default:
		browser_sync(b, tab_rows(v, v->tab), id_of_index, NULL);
		return browser_key(b, key) | UI_REDRAW;
	}
}

/* ---- the loop --------------------------------------------------------------------- */

static void diff_draw(void *ctx, struct lines *frame, int width, int height)
{
	diffview__frame(ctx, frame, width, height);
}

/* A resize redraws; the mouse is not the diff screen's. */
static int diff_handle(void *ctx, const int *keys, const struct ui_mouse *mice, int n)
{
	int flags = 0;

	(void)mice;
	for (int i = 0; i < n && !(flags & UI_QUIT); i++)
		flags |= keys[i] == UI_KEY_RESIZE ? UI_REDRAW : diffview__key(ctx, keys[i]);
	return flags;
}

static int diff_loop(struct diffview *v)
{
	struct loop_ops ops = { .ctx = v, .draw = diff_draw, .keys = diff_handle };

	return loop_run(&ops);
}

int ui_diff_run(const struct diff *d, const char *base_path, const char *new_path,
		const struct ui_options *opt)
{
	struct diffview *v;
	int rc;

	if (ui__screen_start(opt, " (perftop diff --report prints the diff)") < 0)
		return 1;
	lines_set_utf8(ui__locale_utf8());
	v = diffview__new(d, base_path, new_path, ui__locale_utf8());
	rc = diff_loop(v);
	ui__screen_stop();
	diffview__free(v);
	return rc;
}
