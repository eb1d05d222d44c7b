/*
 * view_threads — the thread chooser `t` opens in place of a profiled
 * process's tabs: "All threads", then every thread the agent reported with
 * its name, tid, samples and share, most samples first. Enter (or a double
 * click) sets the tabs' scope (tabs__set_tid) to the row and
 * closes it; Esc, q or t close it unchanged. The tab bar then names the
 * thread, and every tab (the modules too) shows that thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* The chooser's state. */
struct threadchooser {
	bool open;
	struct browser br;
	pid_t *tids;              /* rows: 0 (all threads), then threads by samples */
	size_t n, alloc;
};

struct threadchooser *threads__new(void)
{
	struct threadchooser *c = xcalloc(1, sizeof(*c));

	browser_init(&c->br);
	return c;
}

void threads__free(struct threadchooser *c)
{
	if (!c)
		return;
	browser_release(&c->br);
	free(c->tids);
	free(c);
}

bool threads__is_open(const struct ui *ui)
{
	return ui->proc.chooser->open;
}

void threads__close(struct ui *ui)
{
	ui->proc.chooser->open = false;
}

static const struct profile_thread *thread_of(const struct profile *p, pid_t tid)
{
	for (size_t i = 0; i < p->nthreads; i++)
		if (p->threads[i].tid == tid)
			return &p->threads[i];
	return NULL;
}

static int by_samples(const void *pa, const void *pb, void *arg)
{
	const struct profile *p = arg;
	const struct profile_thread *a = thread_of(p, *(const pid_t *)pa);
	const struct profile_thread *b = thread_of(p, *(const pid_t *)pb);

	if (a->samples != b->samples)
		return a->samples < b->samples ? 1 : -1;
	return a->tid < b->tid ? -1 : a->tid > b->tid;
}

static long long id_of_tid(const void *rows, size_t i)
{
	return ((const pid_t *)rows)[i];
}

/* The rows from p: 0 first, then the threads by samples. */
static void rebuild(struct threadchooser *c, const struct profile *p)
{
	size_t n = p->nthreads + 1;

	if (c->alloc < n) {
		c->alloc = n + 16;
		c->tids = xreallocarray(c->tids, c->alloc, sizeof(*c->tids));
	}
	c->tids[0] = 0;
	for (size_t i = 0; i < p->nthreads; i++)
		c->tids[i + 1] = p->threads[i].tid;
	qsort_r(c->tids + 1, p->nthreads, sizeof(*c->tids), by_samples, (void *)p);
	c->n = n;
	browser_sync(&c->br, n, id_of_tid, c->tids);
}

void threads__open(struct ui *ui, struct profile *p)
{
	struct threadchooser *c = ui->proc.chooser;

	browser_release(&c->br);
	browser_init(&c->br);
	rebuild(c, p);
	for (size_t i = 0; i < c->n; i++)
		if (c->tids[i] == tabs__scope(ui)->tid)
			browser_select(&c->br, i);
	c->open = true;
}

/* ---- drawing ------------------------------------------------------------------- */

struct draw_ctx {
	const struct profile *p;
	const pid_t *tids;
};

static const void *row_at(const void *ctx, size_t i)
{
	return &((const struct draw_ctx *)ctx)->tids[i];
}

static void draw_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;
	pid_t tid = *(const pid_t *)row;
	const struct profile_thread *t = tid ? thread_of(c->p, tid) : NULL;

	if (!tid)
		line_cell(l, TE_ROW, "All threads", width, ALIGN_LEFT);
	else
		line_cell(l, t && t->name[0] ? TE_ROW : TE_ROW_DIM,
			  t && t->name[0] ? t->name : "(no name)", width, ALIGN_LEFT);
}

static void draw_tid(struct line *l, const void *row, int width, const void *ctx)
{
	pid_t tid = *(const pid_t *)row;
	char buf[16];

	(void)ctx;
	if (tid)
		snprintf(buf, sizeof(buf), "%d", (int)tid);
	else
		snprintf(buf, sizeof(buf), "-");
	line_cell(l, TE_ROW_DIM, buf, width, ALIGN_RIGHT);
}

static uint64_t samples_of(const struct profile *p, pid_t tid)
{
	const struct profile_thread *t = tid ? thread_of(p, tid) : NULL;

	return tid ? (t ? t->samples : 0) : p->samples;
}

static void draw_samples(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;
	char buf[32];

	fmt_count(buf, sizeof(buf), samples_of(c->p, *(const pid_t *)row), true);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_share(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	cells__percent(l, samples_of(c->p, *(const pid_t *)row), c->p->samples, width);
}

static const struct browser_column columns[] = {
	{ "THREAD", 0, ALIGN_LEFT, 0, -1, draw_name },
	{ "TID", 8, ALIGN_RIGHT, 1, -1, draw_tid },
	{ "SAMPLES", 10, ALIGN_RIGHT, 0, -1, draw_samples },
	{ "SHARE%", 7, ALIGN_RIGHT, 2, -1, draw_share },
};

void threads__draw(struct ui *ui, struct lines *out, struct profile *p, int rows)
{
	struct threadchooser *c = ui->proc.chooser;
	struct draw_ctx ctx = { p, NULL };
	size_t start = out->n;
	struct line *l;

	if (rows < 1)
		return;
	rebuild(c, p);
	ctx.tids = c->tids;
	l = lines_begin(out, ui->width);
	line_put(l, TE_TAB_ACTIVE, " Thread ");
	line_put(l, TE_ROW_DIM, "  the tabs show the thread chosen (Enter), or all of them");
	line_fill(l, TE_DEFAULT);
	if (rows >= 2)
		browser_draw(&c->br, out, ui->width, rows - 2, columns,
			     sizeof(columns) / sizeof(columns[0]), -1, false, row_at, NULL, &ctx);
	while ((int)(out->n - start) < rows)
		lines_begin(out, ui->width);
}

void threads__status(struct ui *ui, struct lines *out)
{
	struct line *l = lines_begin(out, ui->width);

	line_put(l, TE_FILTER, " Thread: Up/Down choose   Enter pick   Esc cancel");
	line_fill(l, TE_FILTER);
}

/* ---- keys ---------------------------------------------------------------------- */

static int pick(struct ui *ui, struct profile *p)
{
	struct threadchooser *c = ui->proc.chooser;

	if (c->n && c->br.sel < c->n)
		tabs__set_tid(ui, c->tids[c->br.sel]);
	c->open = false;
	tabs__rebuild(ui, p);
	return UI_REDRAW | UI_RESORT;
}

int threads__key(struct ui *ui, struct profile *p, int key)
{
	struct threadchooser *c = ui->proc.chooser;
	bool activate = false;
	int r;

	switch (key) {
	case UI_KEY_ENTER:
	case UI_KEY_RIGHT:
		return pick(ui, p);
	case UI_KEY_ESC:
	case UI_KEY_LEFT:
	case 'q':
	case 't':
		c->open = false;
		return UI_REDRAW;
	case UI_KEY_MOUSE:
		r = ui__mouse_browser(ui, &c->br, &activate);
		return activate ? pick(ui, p) : r;
	case UI_KEY_F(10):
		return UI_QUIT;
	default:
		return browser_key(&c->br, key) | UI_REDRAW;
	}
}
