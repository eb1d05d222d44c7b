/*
 * view_list — the process list: one row per process, sorted and filtered,
 * with the F6 sort chooser and the `/` filter prompt. Column A marks a
 * process whose agent is connected. T folds each profiled tree under its
 * root: a process with an agent ancestor is left out, and the root's
 * command says how many it stands for.
 *
 * Columns are defined once in `columns`; sorting itself is the model's
 * (proclist), a column only names the key it shows. Rows are rebuilt from
 * the model at every frame (they point into it and are valid only under its
 * lock); the browser keeps the selection on the same pid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/fmt.h"
#include "ui/prompt.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* The list's state. */
struct listview {
	enum proc_sort sort;
	bool desc;
	char filter[UI_FILTER_MAX];
	bool editing;             /* the filter prompt is open */
	bool chooser;             /* the F6 sort chooser is open */
	int chooser_sel;          /* index into the sortable columns */
	struct process **rows;    /* valid only while the model is locked */
	size_t nrows, rows_alloc;
	size_t total;             /* processes before filtering */
	struct browser br;
	bool fold;                /* T: profiled trees folded under their roots */
	struct fold_root { pid_t pid; size_t hidden; } *roots; /* the folded roots shown */
	size_t nroots, roots_alloc;
};

enum { FOLD_MAX_DEPTH = 64 }; /* ancestors looked at for an agent one */

enum { CHOOSER_W = 14 };

/* The sortable columns, left to right: what `<` and `>` walk through. */
static const enum proc_sort sort_order[] = { PROC_SORT_PID, PROC_SORT_CPU, PROC_SORT_RSS,
					     PROC_SORT_NAME };
enum { NSORT = sizeof(sort_order) / sizeof(sort_order[0]) };

static int sort_index(enum proc_sort key)
{
	for (int i = 0; i < NSORT; i++)
		if (sort_order[i] == key)
			return i;
	return 0;
}

/* ---- columns --------------------------------------------------------------- */

static void draw_pid(struct line *l, const void *row, int width, const void *ctx)
{
	const struct process *p = row;
	char buf[16];

	(void)ctx;
	snprintf(buf, sizeof(buf), "%d", (int)p->pid);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_user(struct line *l, const void *row, int width, const void *ctx)
{
	const struct process *p = row;

	(void)ctx;
	line_cell(l, TE_ROW, p->user[0] ? p->user : "?", width, ALIGN_LEFT);
}

static void draw_cpu(struct line *l, const void *row, int width, const void *ctx)
{
	const struct process *p = row;
	char buf[16];

	(void)ctx;
	if (p->exited)
		snprintf(buf, sizeof(buf), "-");
	else if (p->cpu < 999.95)
		snprintf(buf, sizeof(buf), "%.1f", p->cpu);
	else
		snprintf(buf, sizeof(buf), "%.0f", p->cpu);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_rss(struct line *l, const void *row, int width, const void *ctx)
{
	const struct process *p = row;
	char buf[16];

	(void)ctx;
	fmt_kib_short(buf, sizeof(buf), (double)p->rss_kb);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_threads(struct line *l, const void *row, int width, const void *ctx)
{
	const struct process *p = row;
	char buf[16];

	(void)ctx;
	snprintf(buf, sizeof(buf), "%d", p->threads);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_state(struct line *l, const void *row, int width, const void *ctx)
{
	const struct process *p = row;
	char buf[2] = { p->state ? p->state : '?', '\0' };
	enum theme_element e = TE_ROW;

	(void)ctx;
	if (p->state == 'R')
		e = TE_GOOD;
	else if (p->state == 'D')
		e = TE_BAD;
	else if (p->state == 'Z' || p->state == 'X')
		e = TE_WARN;
	line_cell(l, e, buf, width, ALIGN_LEFT);
}

/* A mark for a process whose agent is connected (●, or * in ASCII), a dim
 * one for an agent that was connected and has gone. */
static void draw_agent(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile *prof = ((const struct process *)row)->profile;
	bool utf8 = lines_utf8();

	(void)ctx;
	if (!prof)
		line_cell(l, TE_ROW, "", width, ALIGN_LEFT);
	else if (prof->connected)
		line_cell(l, TE_GOOD, utf8 ? "●" : "*", width, ALIGN_LEFT);
	else
		line_cell(l, TE_ROW_DIM, utf8 ? "○" : "-", width, ALIGN_LEFT);
}

static void draw_spark(struct line *l, const void *row, int width, const void *ctx)
{
	const struct process *p = row;
	float v[UI_SPARK_SAMPLES];
	char buf[UI_SPARK_SAMPLES * 4 + 1];
	size_t n = series_copy_last(&p->series[PM_CPU], UI_SPARK_SAMPLES, v);

	(void)ctx;
	chart_sparkline(buf, sizeof(buf), v, n, width < UI_SPARK_SAMPLES ? width : UI_SPARK_SAMPLES,
			100, lines_utf8());
	line_cell(l, TE_SPARKLINE, buf, width, ALIGN_LEFT);
}

/* The command line, with the filter's first match highlighted. */
static void draw_command(struct line *l, const void *row, int width, const void *ctx)
{
	const struct process *p = row;
	const struct listview *lv = ctx;
	const char *cmd = p->cmdline ? p->cmdline : p->comm;
	enum theme_element e = cmd[0] == '[' ? TE_ROW_DIM : TE_ROW;
	size_t flen = strlen(lv->filter);
	int end = l->cols + width;
	char more[32];

	for (size_t i = 0; i < lv->nroots; i++) /* T: a folded tree's root */
		if (lv->roots[i].pid == p->pid && width > 12) {
			snprintf(more, sizeof(more), "[+%zu] ", lv->roots[i].hidden);
			line_put(l, TE_ROW_DIM, more);
		}

	if (flen) {
		for (const char *s = cmd; *s; s++) {
			if (strncasecmp(s, lv->filter, flen))
				continue;
			line_putn(l, e, cmd, (size_t)(s - cmd));
			if (l->cols < end)
				line_putn(l, TE_MATCH, s, flen);
			cmd = s + flen;
			break;
		}
	}
	if (l->cols < end)
		line_cell(l, e, cmd, end - l->cols, ALIGN_LEFT);
	line_pad_to(l, TE_ROW, end);
}

static const struct browser_column columns[] = {
	{ "PID", 7, ALIGN_RIGHT, 0, PROC_SORT_PID, draw_pid },
	{ "USER", 9, ALIGN_LEFT, 3, -1, draw_user },
	{ "CPU%", 6, ALIGN_RIGHT, 0, PROC_SORT_CPU, draw_cpu },
	{ "RSS", 7, ALIGN_RIGHT, 0, PROC_SORT_RSS, draw_rss },
	{ "THR", 4, ALIGN_RIGHT, 2, -1, draw_threads },
	{ "S", 1, ALIGN_LEFT, 1, -1, draw_state },
	{ "HISTORY", UI_SPARK_SAMPLES, ALIGN_LEFT, 4, -1, draw_spark },
	{ "A", 1, ALIGN_LEFT, 1, -1, draw_agent },
	{ "COMMAND", 0, ALIGN_LEFT, 0, PROC_SORT_NAME, draw_command },
};

static const void *row_at(const void *ctx, size_t i)
{
	const struct listview *lv = ctx;

	return lv->rows[i];
}

static long long id_at(const void *rows, size_t i)
{
	struct process *const *r = rows;

	return r[i]->pid;
}

static enum theme_element style_of(const void *row, const void *ctx)
{
	const struct process *p = row;

	(void)ctx;
	return p->exited ? TE_ROW_EXITED : TE_ROW;
}


/* ---- state ----------------------------------------------------------------- */

struct listview *listview__new(void)
{
	struct listview *lv = xcalloc(1, sizeof(*lv));

	lv->sort = PROC_SORT_CPU;
	lv->desc = proc_sort_default_descending(lv->sort);
	browser_init(&lv->br);
	return lv;
}

void listview__free(struct listview *lv)
{
	if (!lv)
		return;
	free(lv->rows);
	free(lv->roots);
	browser_release(&lv->br);
	free(lv);
}

size_t listview__nrows(const struct ui *ui)
{
	return ui->list->nrows;
}

const struct browser *listview__browser(const struct ui *ui)
{
	return &ui->list->br;
}

void listview__sort(const struct ui *ui, enum proc_sort *sort, bool *desc)
{
	*sort = ui->list->sort;
	*desc = ui->list->desc;
}

int listview__mouse(struct ui *ui)
{
	bool activate;
	int r;

	if (ui->list->editing || ui->list->chooser)
		return UI_NONE;
	r = ui__mouse_browser(ui, &ui->list->br, &activate);
	if (activate)
		r |= listview__key(ui, UI_KEY_ENTER);
	return r;
}

/* The topmost ancestor of p with an agent (a profile), or NULL. */
static const struct process *agent_ancestor(const struct model *m, const struct process *p)
{
	const struct process *top = NULL;
	pid_t up = p->ppid_now ? p->ppid_now : p->ppid;

	for (int d = 0; d < FOLD_MAX_DEPTH && up > 1; d++) {
		const struct process *q = model_find(m, up);

		if (!q)
			break;
		if (q->profile)
			top = q;
		up = q->ppid_now ? q->ppid_now : q->ppid;
	}
	return top;
}

/* T: leaves out the rows with an agent ancestor, counting them on their
 * topmost agent ancestor (the tree's root). */
static void fold_rows(struct ui *ui)
{
	struct listview *lv = ui->list;
	size_t k = 0;

	lv->nroots = 0;
	for (size_t i = 0; i < lv->nrows; i++) {
		const struct process *root = agent_ancestor(ui->m, lv->rows[i]);
		size_t r;

		if (!root) {
			lv->rows[k++] = lv->rows[i];
			continue;
		}
		for (r = 0; r < lv->nroots && lv->roots[r].pid != root->pid; r++)
			;
		if (r == lv->nroots) {
			if (lv->nroots == lv->roots_alloc) {
				lv->roots_alloc = lv->roots_alloc ? 2 * lv->roots_alloc : 8;
				lv->roots = xreallocarray(lv->roots, lv->roots_alloc,
							  sizeof(*lv->roots));
			}
			lv->roots[lv->nroots++] = (struct fold_root){ root->pid, 0 };
		}
		lv->roots[r].hidden++;
	}
	lv->nrows = k;
}

void listview__rebuild(struct ui *ui)
{
	struct listview *lv = ui->list;

	lv->nrows = proclist_build(ui->m, lv->filter, lv->sort, lv->desc, &lv->rows,
				   &lv->rows_alloc);
	lv->total = ui->m->nprocs;
	lv->nroots = 0;
	if (lv->fold)
		fold_rows(ui);
	browser_sync(&lv->br, lv->nrows, id_at, lv->rows);
}

/* ---- drawing ----------------------------------------------------------------- */

static void draw_chooser_cell(struct line *l, const struct listview *lv, int y)
{
	char buf[32];
	int item = y - 1;

	if (y == 0) {
		line_cell(l, TE_COLUMN_HEADER, "Sort by", CHOOSER_W - 1, ALIGN_LEFT);
	} else if (item < NSORT) {
		enum proc_sort key = sort_order[item];

		snprintf(buf, sizeof(buf), "%c %s", key == lv->sort ? '*' : ' ',
			 proc_sort_label(key));
		line_cell(l, item == lv->chooser_sel ? TE_ROW_SELECTED : TE_ROW, buf,
			  CHOOSER_W - 1, ALIGN_LEFT);
	} else {
		line_pad_to(l, TE_ROW, CHOOSER_W - 1);
	}
	line_put(l, TE_CHART_AXIS, lines_utf8() ? "│" : "|");
}

void listview__draw(struct ui *ui, struct lines *out, int rows)
{
	struct listview *lv = ui->list;
	int width = ui->width - (lv->chooser ? CHOOSER_W : 0);
	struct lines body;
	bool empty = lv->nrows == 0;

	if (rows < 1)
		return;
	lines_init(&body);
	browser_draw(&lv->br, &body, width, empty ? 0 : rows - 1, columns,
		     sizeof(columns) / sizeof(columns[0]), (int)lv->sort, lv->desc, row_at,
		     style_of, lv);
	lv->br.first_line += (int)out->n; /* body's line 0 is out's line out->n (mouse) */
	if (empty) {
		struct line *l = lines_begin(&body, width);

		if (lv->filter[0])
			line_printf(l, TE_ROW_DIM, " no process matches '%s'", lv->filter);
		else
			line_put(l, TE_ROW_DIM, " waiting for the first reading");
	}
	for (int y = 0; y < rows; y++) {
		struct line *l = lines_begin(out, ui->width);

		if (lv->chooser)
			draw_chooser_cell(l, lv, y);
		if ((size_t)y < body.n)
			line_append(l, &body.v[y]);
	}
	lines_release(&body);
}

static const struct ui_hint hints[] = {
	{ "F1", "Help" }, { "Enter", "Open" }, { "/", "Filter" }, { "F6", "Sort" },
	{ "<>", "Column" }, { "q", "Quit" },
};

void listview__status(struct ui *ui, struct lines *out)
{
	struct listview *lv = ui->list;
	char right[192];

	if (lv->editing) {
		struct line *l = lines_begin(out, ui->width);

		line_put(l, TE_FILTER, " Filter: ");
		line_put(l, TE_FILTER, lv->filter);
		line_put(l, TE_FILTER, "_");
		line_put(l, TE_FILTER, "   Enter keep  Esc clear");
		line_fill(l, TE_FILTER);
		return;
	}
	if (lv->filter[0])
		snprintf(right, sizeof(right), "filter '%s'  %zu/%zu ", lv->filter, lv->nrows,
			 lv->total);
	else
		snprintf(right, sizeof(right), "%zu processes ", lv->total);
	ui__hints(ui, out, hints, sizeof(hints) / sizeof(hints[0]), right);
}

/* ---- keys -------------------------------------------------------------------- */

static int key_open(struct ui *ui, int key)
{
	long long pid = browser_selected_id(&ui->list->br);

	(void)key;
	if (pid < 0)
		return UI_NONE;
	procview__open(ui, (pid_t)pid);
	return UI_REDRAW;
}

static int key_system(struct ui *ui, int key)
{
	(void)key;
	sysview__open(ui);
	return UI_REDRAW;
}

static int key_filter(struct ui *ui, int key)
{
	(void)key;
	ui->list->editing = true;
	return UI_REDRAW;
}

static int key_chooser(struct ui *ui, int key)
{
	(void)key;
	ui->list->chooser = true;
	ui->list->chooser_sel = sort_index(ui->list->sort);
	return UI_REDRAW;
}

static void set_sort(struct listview *lv, enum proc_sort key)
{
	if (key != lv->sort)
		lv->desc = proc_sort_default_descending(key);
	lv->sort = key;
}

static int key_sort_step(struct ui *ui, int key)
{
	int i = sort_index(ui->list->sort) + (key == '<' ? NSORT - 1 : 1);

	set_sort(ui->list, sort_order[i % NSORT]);
	return UI_REDRAW | UI_RESORT;
}

static int key_invert(struct ui *ui, int key)
{
	(void)key;
	ui->list->desc = !ui->list->desc;
	return UI_REDRAW | UI_RESORT;
}

static int key_help(struct ui *ui, int key)
{
	(void)key;
	ui->help = true;
	return UI_REDRAW;
}

static int key_clear_filter(struct ui *ui, int key)
{
	(void)key;
	if (!ui->list->filter[0])
		return UI_NONE;
	ui->list->filter[0] = '\0';
	return UI_REDRAW | UI_RESORT;
}

static int key_fold(struct ui *ui, int key)
{
	(void)key;
	ui->list->fold = !ui->list->fold;
	ui__message(ui, TE_STATUS,
		    ui->list->fold ? "profiled trees folded under their roots ([+N]: how many)"
				   : "every process listed");
	return UI_REDRAW | UI_RESORT;
}

static int key_quit(struct ui *ui, int key)
{
	(void)ui;
	(void)key;
	return UI_QUIT;
}

const struct ui_binding listview__bindings[] = {
	{ { UI_KEY_F1, '?' }, "F1 ?", "Help: this list of keys", key_help },
	{ { UI_KEY_ENTER }, "Enter",
	  "Open the selected process's view (a mark in column A: its agent is connected)",
	  key_open },
	{ { 'W' }, "W",
	  "System-wide: which functions of which processes use the CPUs (every CPU sampled, "
	  "as perf top does; needs root or perf_event_paranoid <= 0)",
	  key_system },
	{ { '/' }, "/", "Filter by command, name, user or pid (Enter keeps, Esc clears)",
	  key_filter },
	{ { UI_KEY_F(6) }, "F6", "Choose the sort column", key_chooser },
	{ { '<', '>' }, "< >", "Sort by the column to the left / right", key_sort_step },
	{ { 'I' }, "I", "Invert the sort order", key_invert },
	{ { UI_KEY_UP, UI_KEY_DOWN }, "Up Down", "Move the selection", NULL },
	{ { UI_KEY_PGUP, UI_KEY_PGDN }, "PgUp PgDn", "Move a page up / down", NULL },
	{ { UI_KEY_HOME, UI_KEY_END }, "Home End", "First / last process", NULL },
	{ { UI_KEY_ESC }, "Esc", "Clear the filter", key_clear_filter },
	{ { 'T' }, "T",
	  "Fold each profiled process tree under its root (the processes below an agent "
	  "process are left out; [+N] on the root says how many); again to list every process",
	  key_fold },
	{ { 'S' }, "S", "Save a snapshot: asks for the file (default: the current directory)",
	  save__key },
	{ { 'q', UI_KEY_F(10) }, "q F10 Ctrl-C", "Quit", key_quit },
};
const size_t listview__nbindings = sizeof(listview__bindings) / sizeof(listview__bindings[0]);

static int key_editing(struct ui *ui, int key)
{
	struct listview *lv = ui->list;

	switch (prompt__key(lv->filter, sizeof(lv->filter), key)) {
	case PROMPT_ACCEPT:
		lv->editing = false;
		return UI_REDRAW;
	case PROMPT_CANCEL:
		lv->editing = false;
		lv->filter[0] = '\0';
		return UI_REDRAW | UI_RESORT;
	case PROMPT_CHANGED:
		return UI_REDRAW | UI_RESORT;
	default:
		return browser_key(&lv->br, key);
	}
}

static int key_chooser_open(struct ui *ui, int key)
{
	struct listview *lv = ui->list;

	switch (key) {
	case UI_KEY_UP:
		lv->chooser_sel = (lv->chooser_sel + NSORT - 1) % NSORT;
		return UI_REDRAW;
	case UI_KEY_DOWN:
		lv->chooser_sel = (lv->chooser_sel + 1) % NSORT;
		return UI_REDRAW;
	case UI_KEY_ENTER:
		set_sort(lv, sort_order[lv->chooser_sel]);
		lv->chooser = false;
		return UI_REDRAW | UI_RESORT;
	case 'I':
		return key_invert(ui, key);
	case UI_KEY_ESC:
	case UI_KEY_F(6):
	case 'q':
		lv->chooser = false;
		return UI_REDRAW;
	default:
		return UI_NONE;
	}
}

int listview__key(struct ui *ui, int key)
{
	if (ui->list->editing)
		return key_editing(ui, key);
	if (ui->list->chooser)
		return key_chooser_open(ui, key);
	for (size_t i = 0; i < listview__nbindings; i++) {
		const struct ui_binding *b = &listview__bindings[i];

		for (size_t k = 0; k < 4 && b->keys[k]; k++)
			if (b->keys[k] == key)
				return b->fn ? b->fn(ui, key) : browser_key(&ui->list->br, key);
	}
	return browser_key(&ui->list->br, key);
}
