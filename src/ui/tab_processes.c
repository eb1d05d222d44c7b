/*
 * tab_processes — the Processes tab of a process tree (perftop run, -p,
 * open of a tree's snapshot): every member, indented under its parent, with
 * its state or exit status, CPU time, samples and whether its agent profiled
 * it (or why not). Enter narrows every tab to the selected process (and `a`,
 * the view's key, goes back to the whole tree); the tab bar's scope says
 * which. The tab is offered only while the view shows a tree of more than
 * one process: a lone process has nothing to choose between. Its order is
 * the tree's: the sort keys say so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/proctree.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/fmt.h"
#include "util/xalloc.h"

enum { ROW_TEXT = 96 };

/* One member as listed: copied at each rebuild (the model's strings are
 * valid only under its lock; the rows are drawn under the same lock, but
 * the words are made once here). */
struct proc_row {
	pid_t pid;
	int depth;
	bool exited, profiled, narrowed;
	double cpu_s;
	uint64_t samples;
	char command[ROW_TEXT];   /* indented: depth times two spaces, then comm */
	char status[64];
	char agent[ROW_TEXT];
};

/* The tab's state. */
struct proctab {
	struct proc_row *rows;
	size_t n, alloc;
	struct proctree_entry *ents;
	size_t ents_alloc;
};

static long long id_of_row(const void *rows, size_t i)
{
	return (long long)((const struct proc_row *)rows)[i].pid;
}

static bool shown(const struct ui *ui)
{
	return procview__is_tree(ui);
}

void tab_processes__scope_text(char *buf, size_t len, const struct ui *ui)
{
	const struct process *p;

	if (len)
		buf[0] = '\0';
	if (!procview__is_tree(ui))
		return;
	p = ui->proc.scope_pid ? model_find(ui->m, ui->proc.scope_pid) : NULL;
	if (!p)
		snprintf(buf, len, "whole tree");
	else
		snprintf(buf, len, "pid %d %s", (int)p->pid, p->comm);
}

static void rebuild(struct ui *ui, void *state, struct profile *prof)
{
	struct proctab *t = state;
	size_t n = proctree_list(ui->m, t->ents, t->ents_alloc);

	(void)prof;
	if (n > t->ents_alloc) {
		t->ents_alloc = n + 16;
		t->ents = xreallocarray(t->ents, t->ents_alloc, sizeof(*t->ents));
		n = proctree_list(ui->m, t->ents, t->ents_alloc);
	}
	if (n > t->alloc) {
		t->alloc = n + 16;
		t->rows = xreallocarray(t->rows, t->alloc, sizeof(*t->rows));
	}
	for (size_t i = 0; i < n; i++) {
		const struct process *p = t->ents[i].p;
		struct proc_row *r = &t->rows[i];
		int d = t->ents[i].depth > 20 ? 20 : t->ents[i].depth;

		r->pid = p->pid;
		r->depth = t->ents[i].depth;
		r->exited = p->exited;
		r->samples = proctree_samples(p);
		r->profiled = p->profile && r->samples;
		r->narrowed = ui->proc.scope_pid == p->pid;
		r->cpu_s = proctree_cpu_seconds(p);
		snprintf(r->command, sizeof(r->command), "%*s%s", 2 * d, "", p->comm);
		proctree_status(p, r->status, sizeof(r->status));
		proctree_agent_status(p, r->agent, sizeof(r->agent));
	}
	t->n = n;
	browser_sync(tabs__browser(ui, PTAB_PROCESSES), n, id_of_row, t->rows);
}

/* ---- the columns ------------------------------------------------------------------- */

/* What the columns' callbacks get as ctx. */
struct draw_ctx {
	const struct ui *ui;
	const struct proctab *t;
};


static void draw_pid(struct line *l, const void *row, int width, const void *ctx)
{
	const struct proc_row *r = row;
	char buf[24];

	(void)ctx;
	snprintf(buf, sizeof(buf), "%s%d", r->narrowed ? "*" : "", (int)r->pid);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_command(struct line *l, const void *row, int width, const void *ctx)
{
	const struct proc_row *r = row;

	(void)ctx;
	line_cell(l, TE_ROW, r->command, width, ALIGN_LEFT);
}

static void draw_status(struct line *l, const void *row, int width, const void *ctx)
{
	const struct proc_row *r = row;

	(void)ctx;
	line_cell(l, strstr(r->status, "killed") ? TE_BAD : TE_ROW, r->status, width,
		  ALIGN_LEFT);
}

static void draw_cpu(struct line *l, const void *row, int width, const void *ctx)
{
	const struct proc_row *r = row;
	char buf[32];

	(void)ctx;
	snprintf(buf, sizeof(buf), "%.2fs", r->cpu_s);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_samples(struct line *l, const void *row, int width, const void *ctx)
{
	const struct proc_row *r = row;
	const struct draw_ctx *c = ctx;
	char buf[32];

	fmt_count(buf, sizeof(buf), (unsigned long long)r->samples, !c->ui->batch);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_agent(struct line *l, const void *row, int width, const void *ctx)
{
	const struct proc_row *r = row;

	(void)ctx;
	line_cell(l, r->profiled ? TE_ROW : TE_WARN, r->agent, width, ALIGN_LEFT);
}

static const struct browser_column proc_columns[] = {
	{ "PID", 8, ALIGN_RIGHT, 0, -1, draw_pid },
	{ "COMMAND", -16, ALIGN_LEFT, 0, -1, draw_command },
	{ "STATE", 24, ALIGN_LEFT, 2, -1, draw_status },
	{ "CPU", 9, ALIGN_RIGHT, 1, -1, draw_cpu },
	{ "SAMPLES", 9, ALIGN_RIGHT, 0, -1, draw_samples },
	{ "AGENT", 0, ALIGN_LEFT, 3, -1, draw_agent },
};

static const void *row_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->t->rows[i];
}

static enum theme_element row_style(const void *row, const void *ctx)
{
	(void)ctx;
	return ((const struct proc_row *)row)->exited ? TE_ROW_EXITED : TE_ROW;
}

static void draw(struct ui *ui, void *state, struct lines *out, struct profile *p, int rows)
{
	struct draw_ctx c = { ui, state };

	(void)p;
	tabs__table_draw(ui, out, tabs__browser(ui, PTAB_PROCESSES), rows, proc_columns,
			 sizeof(proc_columns) / sizeof(proc_columns[0]), -1, false, row_at,
			 row_style, &c, " no processes yet");
}

/* ---- the module ------------------------------------------------------------------- */

static void *create(enum proc_tab tab)
{
	(void)tab;
	return xcalloc(1, sizeof(struct proctab));
}

static void destroy(void *state)
{
	struct proctab *t = state;

	free(t->rows);
	free(t->ents);
	free(t);
}

static void reset(void *state)
{
	(void)state;
}

static const char *row_text(const void *state, const struct profile *p, size_t i)
{
	(void)p;
	return ((const struct proctab *)state)->rows[i].command;
}

static int sort(struct ui *ui, void *state, int key)
{
	(void)state;
	(void)key;
	ui__message(ui, TE_STATUS_WARN, "the Processes tab keeps the tree's order");
	return UI_REDRAW;
}

/* Enter: every tab shows the selected process alone. */
static int enter(struct ui *ui, void *state, struct profile *p)
{
	struct proctab *t = state;
	struct browser *b = tabs__browser(ui, PTAB_PROCESSES);
	const struct proc_row *r;
	const struct process *proc;
	char msg[MODEL_COMM_LEN + 96];

	(void)p;
	if (!b->n || b->sel >= t->n)
		return UI_NONE;
	r = &t->rows[b->sel];
	proc = model_find(ui->m, r->pid);
	if (!proc || !proc->profile) {
		snprintf(msg, sizeof(msg), "pid %d has no profile: %s", (int)r->pid, r->agent);
		ui__message(ui, TE_STATUS_WARN, msg);
		return UI_REDRAW;
	}
	procview__narrow(ui, r->pid);
	snprintf(msg, sizeof(msg), "every tab shows pid %d %s alone (a: the whole tree)",
		 (int)r->pid, proc->comm);
	ui__message(ui, TE_STATUS, msg);
	return UI_REDRAW | UI_RESORT;
}

static size_t count(const struct ui *ui, const struct profile *p)
{
	(void)p;
	return proctree_count(ui->m);
}

const struct tab_module tab_processes__module = {
	.create = create,
	.destroy = destroy,
	.reset = reset,
	.rebuild = rebuild,
	.draw = draw,
	.table = true,
	.row_text = row_text,
	.sort = sort,
	.enter = enter,
	.count = count,
	.shown = shown,
};
