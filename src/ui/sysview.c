/*
 * sysview — the machine-wide Functions view, as `perf top` shows by
 * default: which functions of which processes use the CPUs.
 *
 * Opened from the process list (W), it asks the collector to sample every
 * CPU (m->syswide.want, collect/syswide.h) and shows the table it fills:
 * one row per (command, function, module) with its share of the samples,
 * most samples first, like perf top's Overhead / Command / Shared Object /
 * Symbol. Enter opens the row's process view (which samples that process
 * from outside); Esc or q goes back to the list. Leaving the view clears
 * want, and the collector closes the events at its next tick. When the
 * kernel refuses, the view says why and what to do instead of an empty
 * table. It reads the live model (the loop holds its lock).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/cells.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

struct sysview {
	struct browser br;
	const struct syswide_row **order; /* the rows, most samples first */
	size_t n, alloc;
	uint64_t total;
};

static struct sysview *view_of(struct ui *ui)
{
	if (!ui->sys) {
		ui->sys = xcalloc(1, sizeof(*ui->sys));
		browser_init(&ui->sys->br);
	}
	return ui->sys;
}

void sysview__free(struct sysview *v)
{
	if (!v)
		return;
	browser_release(&v->br);
	free(v->order);
	free(v);
}

void sysview__open(struct ui *ui)
{
	struct sysview *v = view_of(ui);

	syswide_clear(&ui->live->syswide); /* a fresh table, even if the events stayed open */
	ui->live->syswide.want = true;
	ui->live->syswide.opens++;
	ui->live->syswide.why[0] = '\0';
	v->n = 0;
	browser_release(&v->br); /* the selection starts at the top */
	ui->screen = UI_SCREEN_SYS;
}

void sysview__close(struct ui *ui)
{
	ui->live->syswide.want = false;
	if (ui->sys)
		ui->sys->n = 0;
	ui->screen = UI_SCREEN_LIST;
}

static int by_samples(const void *a, const void *b)
{
	const struct syswide_row *x = *(const struct syswide_row *const *)a;
	const struct syswide_row *y = *(const struct syswide_row *const *)b;

	if (x->samples != y->samples)
		return x->samples > y->samples ? -1 : 1;
	return strcmp(x->func, y->func);
}

static long long id_at(const void *rows, size_t i)
{
	return (long long)(((const struct syswide_row *const *)rows)[i]->hash >> 1);
}

static const void *row_at(const void *ctx, size_t i)
{
	return ((const struct sysview *)ctx)->order[i];
}

static void rebuild(struct ui *ui, struct sysview *v)
{
	const struct syswide *s = &ui->live->syswide;

	if (s->nrows > v->alloc) {
		v->alloc = s->nrows;
		v->order = xrealloc(v->order, v->alloc * sizeof(*v->order));
	}
	for (size_t i = 0; i < s->nrows; i++)
		v->order[i] = &s->rows[i];
	v->n = s->nrows;
	v->total = s->total;
	if (v->n)
		qsort(v->order, v->n, sizeof(*v->order), by_samples);
	browser_sync(&v->br, v->n, id_at, v->order);
}

static void draw_self(struct line *l, const void *row, int width, const void *ctx)
{
	cells__percent(l, ((const struct syswide_row *)row)->samples,
		       ((const struct sysview *)ctx)->total, width);
}

static void draw_samples(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	cells__count(l, ((const struct syswide_row *)row)->samples, width);
}

static void draw_comm(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	line_cell(l, TE_ROW, ((const struct syswide_row *)row)->comm, width, ALIGN_LEFT);
}

static void draw_pid(struct line *l, const void *row, int width, const void *ctx)
{
	char t[16];

	(void)ctx;
	snprintf(t, sizeof(t), "%d", (int)((const struct syswide_row *)row)->pid);
	line_cell(l, TE_ROW, t, width, ALIGN_RIGHT);
}

static void draw_module(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	line_cell(l, TE_ROW, ((const struct syswide_row *)row)->module, width, ALIGN_LEFT);
}

static void draw_func(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	line_cell(l, TE_ROW, ((const struct syswide_row *)row)->func, width, ALIGN_LEFT);
}

static const struct browser_column columns[] = {
	{ "SELF%", 6, ALIGN_RIGHT, 0, 0, draw_self, NULL, NULL },
	{ "SAMPLES", 8, ALIGN_RIGHT, 1, -1, draw_samples, NULL, NULL },
	{ "COMMAND", 15, ALIGN_LEFT, 0, -1, draw_comm, NULL, NULL },
	{ "PID", 7, ALIGN_RIGHT, 2, -1, draw_pid, NULL, NULL },
	{ "MODULE", 18, ALIGN_LEFT, 1, -1, draw_module, NULL, NULL },
	{ "FUNCTION", 0, ALIGN_LEFT, 0, -1, draw_func, NULL, NULL },
};

/* The why, cut into lines of the screen's width. */
static void draw_why(struct ui *ui, struct lines *out, const char *why, int rows)
{
	size_t len = strlen(why), w = ui->width > 4 ? (size_t)ui->width - 2 : 1, at = 0;
	struct line *l = lines_begin(out, ui->width);

	line_fill(l, TE_DEFAULT);
	rows--;
	l = lines_begin(out, ui->width);
	line_put(l, TE_WARN, " Cannot sample every CPU:");
	line_fill(l, TE_DEFAULT);
	rows--;
	while (at < len && rows > 1) {
		size_t n = len - at < w ? len - at : w;

		if (at + n < len) { /* break at a space */
			size_t k = n;

			while (k > 0 && why[at + k] != ' ')
				k--;
			if (k > 0)
				n = k;
		}
		l = lines_begin(out, ui->width);
		line_put(l, TE_DEFAULT, " ");
		line_putn(l, TE_DEFAULT, why + at, n);
		line_fill(l, TE_DEFAULT);
		rows--;
		at += n;
		while (at < len && why[at] == ' ')
			at++;
	}
	while (rows-- > 0)
		line_fill(lines_begin(out, ui->width), TE_DEFAULT);
}

void sysview__draw(struct ui *ui, struct lines *out, int rows)
{
	struct sysview *v = view_of(ui);
	const struct syswide *s = &ui->live->syswide;
	struct line *l = lines_begin(out, ui->width);

	line_printf(l, TE_TITLE, " System-wide: every CPU, %s%s",
		    s->kernel ? "user and kernel" : "user space only",
		    s->active || s->why[0] ? "" : " (starting)");
	line_printf(l, TE_TITLE, "   %llu samples", (unsigned long long)s->total);
	if (s->lost)
		line_printf(l, TE_TITLE, ", %llu lost", (unsigned long long)s->lost);
	line_fill(l, TE_TITLE);
	rows--;
	if (s->why[0]) {
		draw_why(ui, out, s->why, rows);
		return;
	}
	rebuild(ui, v);
	browser_draw(&v->br, out, ui->width, rows - 1, columns, sizeof(columns) / sizeof(columns[0]),
		     0, true, row_at, NULL, v);
}

static int key_back(struct ui *ui, int key)
{
	(void)key;
	sysview__close(ui);
	return UI_REDRAW | UI_RESORT;
}

static int key_open(struct ui *ui, int key)
{
	struct sysview *v = view_of(ui);
	long long id = browser_selected_id(&v->br);

	(void)key;
	for (size_t i = 0; id >= 0 && i < v->n; i++)
		if ((long long)(v->order[i]->hash >> 1) == id) {
			pid_t pid = v->order[i]->pid;

			if (pid <= 0)
				return UI_NONE;
			sysview__close(ui);
			procview__open(ui, pid);
			return UI_REDRAW;
		}
	return UI_NONE;
}

static int key_help(struct ui *ui, int key)
{
	(void)key;
	ui->help = true;
	return UI_REDRAW;
}

const struct ui_binding sysview__bindings[] = {
	{ { UI_KEY_F1, '?' }, "F1 ?", "Help: this list of keys", key_help },
	{ { UI_KEY_ENTER }, "Enter", "Open the selected row's process view", key_open },
	{ { UI_KEY_UP, UI_KEY_DOWN }, "Up Down", "Move the selection", NULL },
	{ { UI_KEY_PGUP, UI_KEY_PGDN }, "PgUp PgDn", "Move a page up / down", NULL },
	{ { UI_KEY_HOME, UI_KEY_END }, "Home End", "First / last row", NULL },
	{ { UI_KEY_ESC, 'q' }, "Esc q", "Back to the process list (the events are closed)",
	  key_back },
};
const size_t sysview__nbindings = sizeof(sysview__bindings) / sizeof(sysview__bindings[0]);

int sysview__key(struct ui *ui, int key)
{
	struct sysview *v = view_of(ui);

	if (key == UI_KEY_MOUSE) {
		bool activate = false;
		int r = ui__mouse_browser(ui, &v->br, &activate);

		return activate ? key_open(ui, key) : r;
	}
	for (size_t i = 0; i < sysview__nbindings; i++) {
		const struct ui_binding *b = &sysview__bindings[i];

		for (size_t k = 0; k < 4 && b->keys[k]; k++)
			if (b->keys[k] == key)
				return b->fn ? b->fn(ui, key) : browser_key(&v->br, key);
	}
	return browser_key(&v->br, key);
}

void sysview__status(struct ui *ui, struct lines *out)
{
	static const struct ui_hint hints[] = {
		{ "F1", "Help" }, { "Enter", "Process" }, { "Esc", "Back" },
	};
	char right[64];

	snprintf(right, sizeof(right), "%zu rows ", ui->sys ? ui->sys->n : 0);
	ui__hints(ui, out, hints, sizeof(hints) / sizeof(hints[0]), right);
}
