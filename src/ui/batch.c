/*
 * batch — `perftop --batch`: the screen's lines as plain text, no curses.
 *
 * Like `top -b`: every refresh prints the header figures and the whole
 * process list (or, with -p and under `perftop run`, the process's figures
 * and, once its agent has connected, the profile's tables), built by the
 * same view code as the screen, then a blank line. The first reading has no
 * rates yet (CPU % needs two), so refreshes start with the second one. Under
 * `perftop run` without -n a refresh follows every reading until the command
 * exits; then, once its agent has gone (or two ticks have passed), one last
 * refresh has everything it sent.
 *
 * The profile's tables, for people and for scripts. Each section starts
 * with a heading line at column 0, then a column header, then one row per
 * line, every line indented by two spaces; a blank line ends the refresh.
 * Columns are separated by two or more spaces; a name's own spaces are
 * squeezed to one (and an empty name is "-"), so splitting a row on runs of
 * two spaces gives exactly the header's fields. Numbers have no thousands
 * separators; percentages have two decimals; durations are a number and a
 * unit: ns, us, ms or s ("850ns", "12.3us", "2.01ms", "1.50s").
 *
 *   Functions: N samples, R Hz requested, A Hz achieved, D dropped[, interpreter
 *   frames hidden (--interp shows them) | shown]   (the last part for Python programs)
 *     SELF%  TOTAL%  SAMPLES  FUNCTION  MODULE  FILE:LINE
 *     (the top 30 functions by self samples; percentages of the N samples;
 *      FILE:LINE is "-" without debug information; a Python function's
 *      is its definition)
 *   Lines:                                      (Python programs only)
 *     SELF%  TOTAL%  SAMPLES  TOTAL  FUNCTION  FILE:LINE
 *     (the top 20 lines executing in Python functions, by self samples
 *      then total; SAMPLES is self)
 *   Threads:
 *     TID  NAME  SAMPLES  SHARE%        (by samples, busiest first)
 *   Zones:
 *     ZONE  COUNT  MEAN  P50  P95  P99  MAX
 *     (COUNT, MEAN and MAX exact from the agent's statistics; percentiles
 *      within 1 %; "-" for a percentile when no event arrived)
 *   Counters:
 *     COUNTER  TOTAL  RATE/S
 *     (TOTAL is a gauge's value, and its RATE/S is "-")
 *   Processes:                                  (a process tree of more than one)
 *     PID  PPID  DEPTH  COMMAND  STATUS  CPU  SAMPLES  AGENT
 *     (every member in tree order; the tables above are then the merged
 *      profile of the whole tree, the Functions line's rates and drops the
 *      launched process's; CPU is seconds; AGENT "profiled" or why not)
 *
 * Without an agent the tables are replaced by "agent: not connected" in the
 * figures, followed by why when the executable says (static, set-id, file
 * capabilities: "agent: not connected (static executable ...)"). Under `perftop run --budget FILE`, the line after the figures is
 * the budget's, as on the screen: "budget: all N pass", or "budget: N
 * breaches — RULE VALUE ≥ LIMIT; ..." then the warnings.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/fmt.h"
#include "model/fields.h"
#include "model/proctree.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

enum {
	BATCH_DEFAULT_WIDTH = 160,
	BATCH_MAX_WIDTH = 4096,
	BATCH_TABLE_WIDTH = 1 << 16, /* table rows are never cut */
	BATCH_TOP_FUNCS = 30,
	BATCH_TOP_LINES = 20,
	BATCH_EXIT_TICKS = 2,        /* after the command exits, wait this long for its agent */
};

static int batch_width(FILE *out)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;

	if (env && *env) {
		char *end;
		long w = strtol(env, &end, 10);

		if (!*end && w >= UI_MIN_WIDTH && w <= BATCH_MAX_WIDTH)
			return (int)w;
	}
	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= UI_MIN_WIDTH)
		return ws.ws_col;
	return BATCH_DEFAULT_WIDTH;
}

/* Appends text with every run of white space squeezed to one space and
 * none at either end; "-" when nothing is left. */
static void put_name(struct line *l, const char *text)
{
	bool any = false;

	while (text && *text) {
		size_t sp = strspn(text, " \t\n\r\v\f"), word;

		text += sp;
		word = strcspn(text, " \t\n\r\v\f");
		if (!word)
			break;
		if (any)
			line_put(l, TE_DEFAULT, " ");
		line_putn(l, TE_DEFAULT, text, word);
		any = true;
		text += word;
	}
	if (!any)
		line_put(l, TE_DEFAULT, "-");
}

static struct line *row(struct lines *out)
{
	return lines_begin(out, BATCH_TABLE_WIDTH);
}

static double percent(uint64_t n, uint64_t of)
{
	return of ? 100.0 * (double)n / (double)of : 0;
}

/* A column of a --batch table: a field of model/fields.h, the columns a
 * number is right-aligned in (at least), the header when it is not the
 * field's, and whether a missing value is a bare "-" rather than a padded
 * one. Names are squeezed (put_name), never padded. */
struct batch_col {
	int field;
	int width;
	const char *head;
	bool bare_none;
};

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

static const struct batch_col func_cols[] = {
	{ FF_SELF_PCT, 5, NULL, false }, { FF_TOTAL_PCT, 6, NULL, false },
	{ FF_SELF, 7, NULL, false },     { FF_NAME, 0, NULL, false },
	{ FF_MODULE, 0, NULL, false },   { FF_WHERE, 0, NULL, false },
};

static const struct batch_col zone_cols[] = {
	{ ZF_NAME, 0, NULL, false }, { ZF_COUNT, 5, NULL, false }, { ZF_MEAN, 4, NULL, false },
	{ ZF_P50, 4, NULL, false },  { ZF_P95, 4, NULL, false },   { ZF_P99, 4, NULL, false },
	{ ZF_MAX, 4, NULL, false },
};

static const struct batch_col counter_cols[] = {
	{ CF_NAME, 0, NULL, false },
	{ CF_TOTAL, 5, NULL, false },
	{ CF_RATE_LAST, 6, "RATE/S", true },
};

/* The column header line: "  HEAD  HEAD ...". */
static void batch_head(struct lines *out, const struct field *fields,
		       const struct batch_col *cols, size_t n)
{
	struct line *l = row(out);

	for (size_t i = 0; i < n; i++)
		line_printf(l, TE_DEFAULT, "  %s", cols[i].head ? cols[i].head
							 : fields[cols[i].field].head);
}

/* One row of figures r: "  CELL  CELL ...". */
static void batch_row(struct lines *out, const struct field *fields, const struct batch_col *cols,
		      size_t n, const void *r)
{
	struct line *l = row(out);

	for (size_t i = 0; i < n; i++) {
		const struct field *f = &fields[cols[i].field];
		char buf[1024];
		const char *text = field_format(f, r, FMT_PLAIN, buf, sizeof(buf));

		line_put(l, TE_DEFAULT, "  ");
		if (!field_right(f))
			put_name(l, text);
		else if (cols[i].bare_none && !strcmp(text, "-"))
			line_put(l, TE_DEFAULT, text);
		else
			line_printf(l, TE_DEFAULT, "%*s", cols[i].width, text);
	}
}

/* The functions of p; the rates and drops are those of rates (the launched
 * process's own for a tree: a merged profile has none). */
static void batch_functions(struct lines *out, const struct profile *p,
			    const struct profile *rates)
{
	size_t n = profile_func_count(p);
	uint32_t *ids = xreallocarray(NULL, n ? n : 1, sizeof(*ids));

	line_printf(row(out), TE_DEFAULT,
		    "Functions%s: %llu samples, %.0f Hz requested, %.0f Hz achieved, %llu dropped%s",
		    rates->outside && !rates->connected ? " (sampled from outside)" : "",
		    (unsigned long long)p->samples, rates->requested_hz, rates->achieved_hz,
		    (unsigned long long)rates->agent_dropped,
		    !p->has_interp     ? ""
		    : p->show_interp ? ", interpreter frames shown"
				     : ", interpreter frames hidden (--interp shows them)");
	batch_head(out, function_fields, func_cols, NCOLS(func_cols));
	profile_funcs_sorted(p, false, ids);
	for (size_t i = 0, shown = 0; i < n && shown < BATCH_TOP_FUNCS; i++) {
		struct function_figures f;

		figures_function(p, ids[i], &f);
		if (!f.total && !f.self)
			continue;
		batch_row(out, function_fields, func_cols, NCOLS(func_cols), &f);
		shown++;
	}
	free(ids);
}

static _Thread_local const struct pylines *sort_lines;

static int compare_lines(const void *a, const void *b)
{
	const struct pylines_entry *x = &sort_lines->e[*(const uint32_t *)a];
	const struct pylines_entry *y = &sort_lines->e[*(const uint32_t *)b];

	if (x->self != y->self)
		return x->self > y->self ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* The hottest lines of Python functions; nothing for a native program. */
static void batch_lines(struct lines *out, const struct profile *p)
{
	const struct pylines *pl = &p->lines;
	uint32_t *idx;

	if (!pl->n)
		return;
	idx = xreallocarray(NULL, pl->n, sizeof(*idx));
	for (size_t i = 0; i < pl->n; i++)
		idx[i] = (uint32_t)i;
	sort_lines = pl;
	qsort(idx, pl->n, sizeof(*idx), compare_lines);
	line_put(row(out), TE_DEFAULT, "Lines:");
	line_put(row(out), TE_DEFAULT, "  SELF%  TOTAL%  SAMPLES  TOTAL  FUNCTION  FILE:LINE");
	for (size_t i = 0; i < pl->n && i < BATCH_TOP_LINES; i++) {
		const struct pylines_entry *e = &pl->e[idx[i]];
		const struct profile_func *f = &p->funcs[e->func];
		struct line *l = row(out);
		char num[16];

		line_printf(l, TE_DEFAULT, "  %5.2f  %6.2f  %7llu  %5llu  ",
			    percent(e->self, p->samples), percent(e->total, p->samples),
			    (unsigned long long)e->self, (unsigned long long)e->total);
		put_name(l, f->name);
		line_put(l, TE_DEFAULT, "  ");
		put_name(l, f->file);
		snprintf(num, sizeof(num), ":%u", e->line);
		line_put(l, TE_DEFAULT, num);
	}
	free(idx);
}

static int compare_threads(const void *a, const void *b)
{
	const struct profile_thread *x = *(const struct profile_thread *const *)a;
	const struct profile_thread *y = *(const struct profile_thread *const *)b;

	if (x->samples != y->samples)
		return x->samples > y->samples ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static void batch_threads(struct lines *out, const struct profile *p)
{
	const struct profile_thread **t =
		xreallocarray(NULL, p->nthreads ? p->nthreads : 1, sizeof(*t));

	line_put(row(out), TE_DEFAULT, "Threads:");
	line_put(row(out), TE_DEFAULT, "  TID  NAME  SAMPLES  SHARE%");
	for (size_t i = 0; i < p->nthreads; i++)
		t[i] = &p->threads[i];
	qsort(t, p->nthreads, sizeof(*t), compare_threads);
	for (size_t i = 0; i < p->nthreads; i++) {
		struct line *l = row(out);

		line_printf(l, TE_DEFAULT, "  %3d  ", (int)t[i]->tid);
		put_name(l, t[i]->name);
		line_printf(l, TE_DEFAULT, "  %7llu  %6.2f", (unsigned long long)t[i]->samples,
			    percent(t[i]->samples, p->samples));
	}
	free(t);
}

/* A tree's members in tree order (the Processes tab's rows); PPID is the
 * member listed as the parent, 0 for a top one. */
static void batch_processes(struct lines *out, const struct model *m)
{
	size_t n = proctree_list(m, NULL, 0);
	struct proctree_entry *e = xreallocarray(NULL, n ? n : 1, sizeof(*e));
	char status[64], agent[MODEL_WHY_LEN + 64];

	n = proctree_list(m, e, n);
	line_put(row(out), TE_DEFAULT, "Processes:");
	line_put(row(out), TE_DEFAULT, "  PID  PPID  DEPTH  COMMAND  STATUS  CPU  SAMPLES  AGENT");
	for (size_t i = 0; i < n; i++) {
		const struct process *p = e[i].p;
		struct line *l = row(out);

		proctree_status(p, status, sizeof(status));
		proctree_agent_status(p, agent, sizeof(agent));
		line_printf(l, TE_DEFAULT, "  %d  %d  %d  ", (int)p->pid, (int)e[i].parent,
			    e[i].depth);
		put_name(l, p->comm);
		line_put(l, TE_DEFAULT, "  ");
		put_name(l, status);
		line_printf(l, TE_DEFAULT, "  %.2fs  %llu  ", proctree_cpu_seconds(p),
			    (unsigned long long)proctree_samples(p));
		put_name(l, agent);
	}
	free(e);
}

static void batch_zones(struct lines *out, struct profile *p)
{
	size_t n = profile_zone_count(p);
	struct profile_zone_summary s;
	struct zone_figures f;

	line_put(row(out), TE_DEFAULT, "Zones:");
	batch_head(out, zone_fields, zone_cols, NCOLS(zone_cols));
	for (size_t z = 0; z < n; z++) {
		profile_zone_summary(p, (uint32_t)z, 0, 0, profile_now(p), &s, NULL);
		figures_zone_scoped(&p->zones[z], &s, &f);
		batch_row(out, zone_fields, zone_cols, NCOLS(zone_cols), &f);
	}
}

static void batch_counters(struct lines *out, const struct profile *p)
{
	size_t n = profile_counter_count(p);
	struct counter_figures f;

	line_put(row(out), TE_DEFAULT, "Counters:");
	batch_head(out, counter_fields, counter_cols, NCOLS(counter_cols));
	for (size_t i = 0; i < n; i++) {
		figures_counter(p, (uint32_t)i, &f);
		batch_row(out, counter_fields, counter_cols, NCOLS(counter_cols), &f);
	}
}

/* perftop run --batch --budget: the screen's budget line ("budget: all 4
 * pass", or the breaches and warnings), never cut. Nothing without a budget. */
static void batch_budget(struct ui *ui, struct lines *out, const struct process *p)
{
	int width = ui->width;

	budget_view__judge(ui, p);
	ui->width = BATCH_TABLE_WIDTH;
	budget_view__line(ui, out);
	ui->width = width;
}

/* The agent's notices, one per line, when it said it cannot sample
 * something. */
static void batch_notices(struct lines *out, struct profile *p)
{
	if (!p->nnotices)
		return;
	line_printf(row(out), TE_DEFAULT, "Agent notices: %zu", p->nnotices);
	for (size_t i = 0; i < p->nnotices; i++) {
		const struct profile_notice *n = &p->notices[i];
		struct line *l = row(out);

		line_printf(l, TE_WARN, "  %s", n->code);
		if (n->tid) {
			const struct profile_thread *t = profile_thread(p, n->tid);

			line_printf(l, TE_WARN, " thread %ld%s%s%s", (long)n->tid, t->name[0] ? " (" : "",
				    t->name, t->name[0] ? ")" : "");
		}
		line_printf(l, TE_WARN, " count %llu: %s", (unsigned long long)n->count, n->text);
	}
}

static void batch_frame(struct ui *ui, struct lines *out)
{
	lines_clear(out);
	if (ui->standalone) {
		const struct process *p = model_find(ui->m, ui->proc.pid);
		struct profile *prof = procview__profile(ui); /* a tree's: the merged one */

		procview__figures(ui, out);
		batch_budget(ui, out, p);
		if (p && prof) {
			batch_notices(out, prof);
			batch_functions(out, prof, p->profile ? p->profile : prof);
			batch_lines(out, prof);
			batch_threads(out, prof);
			batch_zones(out, prof);
			batch_counters(out, prof);
		}
		if (p && procview__is_tree(ui))
			batch_processes(out, ui->m);
		return;
	}
	listview__rebuild(ui);
	header__draw(out, ui->m, ui->width, 8);
	/* Every process: as many rows as there are, plus the column header. */
	listview__draw(ui, out, (int)listview__nrows(ui) + 1);
}

/* SIGINT, SIGTERM and SIGHUP end the refreshes (poll returns EINTR: no SA_RESTART),
 * so perftop leaves through its normal path: under perftop run the command
 * is ended too, and the socket removed. */
static volatile sig_atomic_t batch_stop;

static void on_stop_signal(int sig)
{
	batch_stop = sig;
}

int ui__batch_signal(void)
{
	int sig = batch_stop;

	batch_stop = 0;
	return sig;
}

/* Under perftop run: true once the command has exited and its agent has
 * gone or had its time to send what was left. */
static bool run_settled(const struct ui *ui, double exit_seen)
{
	const struct process *p = model_find(ui->m, ui->proc.pid);

	if (p && p->in_tree && proctree_connected(ui->m)) /* a member's last frames */
		return ui__now() >= exit_seen + BATCH_EXIT_TICKS * ui->m->tick_s;
	if (!p || !p->profile || !p->profile->connected)
		return true;
	return ui__now() >= exit_seen + BATCH_EXIT_TICKS * ui->m->tick_s;
}

int ui_batch(struct model *m, const struct ui_source *src, const struct ui_options *opt,
	     FILE *out)
{
	long want = opt->iterations > 0 ? opt->iterations : 1, printed = 0;
	bool until_exit = opt->until_child_exits && opt->iterations <= 0;
	unsigned long long readings = 0;
	double exit_seen = -1;
	bool out_gone = false;
	struct sigaction sa, old_int, old_term, old_hup;
	struct lines frame;
	struct ui ui;
	int rc = 0;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	batch_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	ui__init(&ui, m, opt, ui__locale_utf8());
	ui.batch = true;
	ui.width = batch_width(out);
	lines_init(&frame);
	model_lock(m);
	if (ui.standalone) {
		model_watch(m, opt->pid, true);
		m->list_visible = false;
	}
	model_unlock(m);

	while (!batch_stop && (until_exit || printed < want)) {
		struct pollfd pfd = { src->wake_fd, POLLIN, 0 };
		int timeout = -1, ready;
		bool last = false;

		if (exit_seen >= 0) {
			double left = exit_seen + BATCH_EXIT_TICKS * m->tick_s - ui__now();

			timeout = left > 0 ? (int)(left * 1000) + 1 : 0;
		}
		ready = poll(&pfd, 1, timeout);
		if (ready < 0) {
			if (errno == EINTR)
				continue; /* batch_stop ends the loop */
			rc = 1;
			break;
		}
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
			rc = 1;
			break;
		}
		if (ready > 0)
			readings += src->ack(src->ctx);
		model_lock(m);
		if (until_exit && m->child_exited) {
			if (exit_seen < 0)
				exit_seen = ui__now();
			last = run_settled(&ui, exit_seen);
			if (!last) {
				model_unlock(m); /* the agent's last frames may be on the way */
				continue;
			}
		} else if (readings < 2 || !ready) {
			model_unlock(m);
			continue;
		}
		if (out_gone) {
			/* Nothing reads perftop's output any more (`| head`):
			 * as under `time`, the command runs on to its end and
			 * its exit status is perftop's. */
			model_unlock(m);
			if (last)
				break;
			continue;
		}
		batch_frame(&ui, &frame);
		model_unlock(m);
		if (printed)
			fputc('\n', out);
		lines_write(&frame, out);
		if (fflush(out) == EOF || ferror(out)) {
			if (until_exit && errno == EPIPE) {
				out_gone = true;
				continue;
			}
			rc = 1;
			break;
		}
		printed++;
		if (last)
			break;
	}
	lines_release(&frame);
	ui__release(&ui);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return rc;
}
