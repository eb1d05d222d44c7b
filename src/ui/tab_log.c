/*
 * tab_log — the Log tab: the program's marks (pt_mark), under perftop
 * run's screen its last output lines, and perftop's own messages, merged in
 * time order, newest last. It keeps its newest line selected until the
 * user moves up, and again once the user is back on the last line. Its
 * order is time: the sort keys say so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* One Log line: a mark of the program, a line of its output (perftop run's
 * screen) or a message of perftop's own. */
enum { LOG_MARK = -1, LOG_OUTPUT = -2 }; /* kind; else an enum msglog_level */
struct log_row {
	double wall;              /* seconds since the epoch */
	int kind;
	pid_t tid;                /* marks: the thread */
	const char *text;         /* in the model: valid while it is locked */
};

/* The tab's state. */
struct logtab {
	bool tail;                /* the newest line stays selected */
	struct log_row *log;
	size_t nlog, log_alloc;
};

/* What a column's draw callback gets as ctx. */
struct draw_ctx {
	const struct ui *ui;
	const struct profile *p;
	const struct logtab *s;
};

static long long id_of_index(const void *rows, size_t i)
{
	(void)rows;
	return (long long)i;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Marks carry the agent's CLOCK_MONOTONIC and perftop's messages the
 * collector's CLOCK_BOOTTIME: both become wall time, then merge in order. */
static void rebuild(struct ui *ui, void *state, struct profile *p)
{
	const struct msglog *log = &ui->m->log;
	double wall = clock_s(CLOCK_REALTIME);
	double off_mono = wall - clock_s(CLOCK_MONOTONIC);
	double off_boot = wall - clock_s(CLOCK_BOOTTIME);

	/* A snapshot has its own clock: its end is the newest time the
	 * profile saw (marks) and the model's last reading (messages). */
	if (ui->opt->snapshot && ui->opt->snapshot_end > 0) {
		off_mono = ui->opt->snapshot_end - profile_now(p);
		off_boot = ui->m->now > 0 ? ui->opt->snapshot_end - ui->m->now : off_mono;
	}
	const struct msglog *out = &ui->m->output;
	size_t nm = p->nmarks, nl = log->len, no = out->len, i = 0, j = 0, o = 0, k = 0;
	struct browser *b = tabs__browser(ui, PTAB_LOG);
	struct logtab *t = state;

	if (t->log_alloc < nm + nl + no) {
		t->log_alloc = nm + nl + no + 64;
		t->log = xreallocarray(t->log, t->log_alloc, sizeof(*t->log));
	}
	while (i < nm || j < nl || o < no) {
		const struct profile_mark *mk = i < nm ? profile_mark_at(p, i) : NULL;
		const struct msglog_entry *e = j < nl ? msglog_at(log, j) : NULL;
		const struct msglog_entry *oe = o < no ? msglog_at(out, o) : NULL;
		double tm = mk ? mk->time + off_mono : 0, te = e ? e->time + off_boot : 0;
		double to = oe ? oe->time + off_boot : 0;
		struct log_row *r = &t->log[k++];

		if (mk && (!e || tm <= te) && (!oe || tm <= to)) {
			*r = (struct log_row){ tm, LOG_MARK, mk->tid, mk->text };
			i++;
		} else if (e && (!oe || te <= to)) {
			*r = (struct log_row){ te, (int)e->level, 0, e->text };
			j++;
		} else {
			*r = (struct log_row){ to, LOG_OUTPUT, 0, oe->text };
			o++;
		}
	}
	t->nlog = k;
	browser_sync(b, k, id_of_index, t->log);
	if (t->tail && k)
		b->sel = k - 1, b->sel_id = (long long)(k - 1);
}

static void draw_log_time(struct line *l, const void *row, int width, const void *ctx)
{
	const struct log_row *r = row;
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
	const struct log_row *r = row;
	const struct draw_ctx *c = ctx;
	char buf[PROFILE_THREAD_NAME_LEN + 16];

	if (r->kind == LOG_OUTPUT) {
		line_cell(l, TE_ROW, "output", width, ALIGN_LEFT);
		return;
	}
	if (r->kind != LOG_MARK) {
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

	cells__match(l, TE_ROW, ((const struct log_row *)row)->text, width,
		     tabs__search(c->ui));
}

static const struct browser_column log_columns[] = {
	{ "TIME", 12, ALIGN_LEFT, 2, -1, draw_log_time },
	{ "SOURCE", 12, ALIGN_LEFT, 1, -1, draw_log_source },
	{ "MESSAGE", 0, ALIGN_LEFT, 0, -1, draw_log_text },
};

static const void *log_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->s->log[i];
}

static enum theme_element log_style(const void *row, const void *ctx)
{
	const struct log_row *r = row;

	(void)ctx;
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

/* ---- the module ------------------------------------------------------------------- */

static void *create(enum proc_tab tab)
{
	struct logtab *s = xcalloc(1, sizeof(*s));

	(void)tab;
	s->tail = true;
	return s;
}

static void destroy(void *state)
{
	struct logtab *s = state;

	free(s->log);
	free(s);
}

static void reset(void *state)
{
	((struct logtab *)state)->tail = true;
}

static void draw(struct ui *ui, void *state, struct lines *out, struct profile *p, int rows)
{
	struct draw_ctx c = { ui, p, state };

	tabs__table_draw(ui, out, tabs__browser(ui, PTAB_LOG), rows, log_columns,
			 sizeof(log_columns) / sizeof(log_columns[0]), -1, false, log_at,
			 log_style, &c, " no marks or messages yet");
}

static const char *row_text(const void *state, const struct profile *p, size_t i)
{
	(void)p;
	return ((const struct logtab *)state)->log[i].text;
}

static void moved(void *state, const struct browser *b)
{
	((struct logtab *)state)->tail = b->n && b->sel + 1 == b->n;
}

static int sort(struct ui *ui, void *state, int key)
{
	(void)state;
	(void)key;
	ui__message(ui, TE_STATUS_WARN, "the Log keeps its order (Tab to a table)");
	return UI_REDRAW;
}

static size_t count(const struct ui *ui, const struct profile *p)
{
	return p->nmarks + ui->m->log.len + ui->m->output.len;
}

const struct tab_module tab_log__module = {
	.create = create,
	.destroy = destroy,
	.reset = reset,
	.rebuild = rebuild,
	.draw = draw,
	.table = true,
	.row_text = row_text,
	.moved = moved,
	.sort = sort,
	.count = count,
};
