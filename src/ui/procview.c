/*
 * view_proc — one process in detail: CPU % and RSS charts over a time
 * window, min/avg/max over that window, RSS growth since the view opened,
 * threads, fds, I/O and context-switch rates, the agent's sampling figures.
 * Once an agent has connected, the charts shrink (side by side when the
 * screen is wide enough, one summary line when it is small) and the tabs of
 * tabs.c take the rest. Under `perftop run` the view names the file the
 * command's output goes to and, once it has exited, how it ended.
 *
 * Opening the view watches the process (the model keeps its full series and
 * keeps it after it exits) and stops the full scan of every process while
 * no list is shown; going back undoes both. With -p the view stands alone.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/proctree.h"
#include "util/fmt.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"
#include "util/waitstatus.h"

enum {
	YLABEL_W = 9,
	FIGURE_GAP = 3,
	SIDE_GAP = 2,        /* columns between two charts side by side */
	SIDE_MIN_WIDTH = 64, /* narrower: one chart above the other */
	TABLE_MIN = 4,       /* a tab's column header and three rows */
	CHART_MIN_H = 2,
	CHART_MAX_H = 10,
};

static const double windows[] = { 30, 60, 300, 600 };
enum { NWINDOWS = sizeof(windows) / sizeof(windows[0]), DEFAULT_WINDOW = 1 };

void procview__init(struct procview *pv)
{
	memset(pv, 0, sizeof(*pv));
	pv->window = DEFAULT_WINDOW;
	chart_init(&pv->chart);
	lines_init(&pv->left);
	lines_init(&pv->right);
	pv->tabs = tabs__new();
	pv->chooser = threads__new();
	pv->det = detail__create();
}

void procview__release(struct procview *pv)
{
	chart_release(&pv->chart);
	free(pv->buf);
	lines_release(&pv->left);
	lines_release(&pv->right);
	tabs__free(pv->tabs);
	pv->tabs = NULL;
	threads__free(pv->chooser);
	pv->chooser = NULL;
	detail__destroy(pv->det);
	pv->det = NULL;
	profile_free(pv->merged);
	pv->merged = NULL;
}

bool procview__is_tree(const struct ui *ui)
{
	const struct model *m = ui->m;
	size_t sampled = 0;

	if (m->tree_root <= 0 || ui->proc.pid != m->tree_root)
		return false;
	/* A tree whose samples all come from one process (a pyenv shim or a
	 * shell that runs one program) is shown as that process: its own
	 * profile keeps what a merge does not carry (Python names that arrive
	 * after their samples, the agent's notices). */
	for (size_t i = 0; i < m->nprocs && sampled < 2; i++)
		if (m->procs[i]->in_tree && proctree_samples(m->procs[i]) > 0)
			sampled++;
	return sampled > 1;
}

void procview__forget_merged(struct ui *ui)
{
	profile_free(ui->proc.merged);
	ui->proc.merged = NULL;
	ui->proc.merged_of = NULL;
}

struct profile *procview__profile(struct ui *ui)
{
	struct process *p = model_find(ui->m, ui->proc.pid);
	struct proctree_scope s = { 0, 0 };
	bool tree = p && procview__is_tree(ui), had;
	struct profile *prof;

	if (tree != ui->proc.was_tree) { /* a child joined, or another view: start afresh */
		ui->proc.was_tree = tree;
		ui->proc.scope_pid = 0;
		tabs__reset(ui->proc.tabs);
		threads__close(ui);
	}
	if (!tree)
		return p ? p->profile : NULL;
	if (ui->proc.merged_of != ui->m)
		procview__forget_merged(ui);
	ui->proc.merged_of = ui->m;
	s.pid = ui->proc.scope_pid;
	if (s.pid && !model_find(ui->m, s.pid))
		s.pid = ui->proc.scope_pid = 0;
	had = ui->proc.merged != NULL;
	prof = proctree_scope_profile(ui->m, &s, &ui->proc.merged);
	if (!had && ui->proc.merged) /* a merge has no live window: show everything */
		for (int w = 0; w < TABS_NWINDOWS; w++)
			if (tabs__window_seconds[w] <= 0)
				tabs__set_window(ui, w);
	return prof;
}

void procview__narrow(struct ui *ui, pid_t pid)
{
	ui->proc.scope_pid = pid;
	tabs__set_tid(ui, 0);
}

void procview__open(struct ui *ui, pid_t pid)
{
	if (pid != ui->proc.pid) {
		tabs__reset(ui->proc.tabs);
		threads__close(ui);
		ui->proc.scope_pid = 0;
	}
	ui->proc.pid = pid;
	/* The collector's model decides what is read; a paused copy keeps the
	 * process as the live one would. */
	model_watch(ui->live, pid, true);
	ui->live->list_visible = false;
	if (ui->m != ui->live)
		model_watch(ui->m, pid, true);
	ui->screen = UI_SCREEN_PROC;
}

void procview__close(struct ui *ui)
{
	if (ui->standalone)
		return;
	model_watch(ui->live, ui->proc.pid, false);
	ui->live->list_visible = true;
	if (ui->m != ui->live)
		model_watch(ui->m, ui->proc.pid, false);
	ui->screen = UI_SCREEN_LIST;
}

static const char *state_name(char s)
{
	switch (s) {
	case 'R':
		return "running";
	case 'S':
		return "sleeping";
	case 'D':
		return "disk sleep";
	case 'Z':
		return "zombie";
	case 'T':
		return "stopped";
	case 't':
		return "tracing stop";
	case 'I':
		return "idle";
	case 'X':
		return "exited";
	default:
		return "unknown";
	}
}

/* ---- figures ------------------------------------------------------------------- */

/* Lays out "label value" items on up to max_lines lines of width, starting a
 * new line when an item does not fit; items that fit nowhere are left out.
 * Returns the lines used. */
static int flow(struct lines *out, int width, int max_lines, const char *const *labels,
		const char *const *values, const enum theme_element *velem, size_t n)
{
	struct line *l = NULL;
	int used = 0;

	for (size_t i = 0; i < n; i++) {
		int w = lines_text_width(labels[i]) + (*labels[i] ? 1 : 0) +
			lines_text_width(values[i]);

		if (l && line_room(l) >= FIGURE_GAP + w) {
			line_repeat(l, TE_HEADER, " ", FIGURE_GAP);
		} else if (used < max_lines && w < width) {
			if (l)
				line_fill(l, TE_HEADER);
			l = lines_begin(out, width);
			line_put(l, TE_HEADER, " ");
			used++;
		} else {
			continue;
		}
		if (*labels[i]) {
			line_put(l, TE_HEADER_LABEL, labels[i]);
			line_put(l, TE_HEADER, " ");
		}
		line_put(l, velem ? velem[i] : TE_HEADER, values[i]);
	}
	if (l)
		line_fill(l, TE_HEADER);
	return used;
}

/* The wait status of the process when it has ended and perftop started it
 * (perftop run), else -1. */
static int exit_status(const struct ui *ui, const struct process *p)
{
	if (p->exit_status >= 0)
		return p->exit_status;
	if (ui->m->child_exited && ui->standalone && p->pid == ui->opt->pid)
		return ui->m->child_status;
	return -1;
}

/* "PAUSED +12,345 samples waiting" while the display is paused;
 * "PAUSING…" while the copy is being loaded (the live data is shown). */
static void paused_mark(struct ui *ui, struct line *l, pid_t pid)
{
	char n[32];

	if (ui__pausing(ui)) {
		line_put(l, TE_WARN, ui->utf8 ? " PAUSING… " : " PAUSING... ");
		return;
	}
	if (!ui->frozen)
		return;
	fmt_count(n, sizeof(n), ui__waiting(ui, pid), !ui->batch);
	line_put(l, TE_WARN, " PAUSED ");
	line_printf(l, TE_WARN, " +%s samples waiting ", n);
}

/* "snapshot FILE  to 2023-11-14 22:13:30": what perftop open shows in
 * place of the process's state (the file's name without its directory). */
static void snapshot_mark(struct ui *ui, struct line *l)
{
	const char *path = ui->opt->snapshot_path ? ui->opt->snapshot_path : "";
	const char *base = strrchr(path, '/');
	time_t end = (time_t)ui->opt->snapshot_end;
	struct tm tm;
	char when[32];

	line_printf(l, TE_WARN, " snapshot %s ", base ? base + 1 : path);
	if (ui->opt->snapshot_end > 0 && localtime_r(&end, &tm) &&
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
		line_printf(l, TE_HEADER, " to %s ", when);
}

static void title_line(struct ui *ui, struct lines *out, const struct process *p, pid_t pid)
{
	struct line *l = lines_begin(out, ui->width);

	line_printf(l, TE_TITLE, " PID %d ", (int)pid);
	paused_mark(ui, l, pid);
	if (!p) {
		line_put(l, TE_ROW_DIM, " waiting for the first reading");
		line_fill(l, TE_HEADER);
		return;
	}
	if (exit_status(ui, p) >= 0) {
		char how[64];

		/* how it ended matters more than its name on a narrow screen */
		waitstatus_describe(how, sizeof(how), exit_status(ui, p));
		if (line_room(l) >= lines_text_width(p->comm) + lines_text_width(how) + 4)
			line_printf(l, TE_HEADER_LABEL, " %s ", p->comm);
		line_printf(l, TE_WARN, " %s ", how);
	} else {
		line_printf(l, TE_HEADER_LABEL, " %s ", p->comm);
	}
	if (ui->opt->snapshot) {
		snapshot_mark(ui, l);
		if (p->exited && exit_status(ui, p) < 0)
			line_put(l, TE_WARN, " exited ");
	} else if (p->exited) {
		char when[32];

		fmt_window(when, sizeof(when), ui->m->now - p->exited_at);
		if (exit_status(ui, p) < 0)
			line_put(l, TE_WARN, " exited ");
		line_printf(l, TE_HEADER, " %s ago ", when);
	} else if (exit_status(ui, p) < 0) {
		line_printf(l, p->state == 'R' ? TE_GOOD : p->state == 'D' ? TE_BAD : TE_HEADER,
			    " %c %s ", p->state, state_name(p->state));
	}
	line_printf(l, TE_HEADER, " user %s ", p->user[0] ? p->user : "?");
	if (p->watched && !ui->opt->snapshot) {
		char since[32];

		fmt_window(since, sizeof(since), ui->m->now - p->watch_since);
		line_printf(l, TE_ROW_DIM, " watched %s", since);
	}
	line_fill(l, TE_HEADER);
}

/* Appends text in at most `room` columns, keeping its end: a path cut on
 * the left starts with '~'. */
static void put_tail(struct line *l, enum theme_element e, const char *text, int room)
{
	if (room < 1)
		return;
	if (lines_text_width(text) > room) {
		line_put(l, e, "~");
		while (*text && lines_text_width(text) > room - 1) {
			text++;
			while (((unsigned char)*text & 0xc0) == 0x80)
				text++;
		}
	}
	line_put(l, e, text);
}

/* The command line; under perftop run, the output file at the right end
 * (kept whole as far as it can be: the command line gives way first). */
static void command_line(struct ui *ui, struct lines *out, const struct process *p)
{
	struct line *l = lines_begin(out, ui->width);
	const char *path = ui->opt->output_path;
	const char *cmd = p->cmdline ? p->cmdline : p->comm;

	line_put(l, TE_ROW_DIM, " ");
	if (path) {
		int pw = lines_text_width(path) + 8; /* "output " and a space */
		int cw = ui->width - 1 - pw - FIGURE_GAP;

		if (cw > lines_text_width(cmd))
			cw = lines_text_width(cmd);
		if (cw >= 20 || (cw > 0 && cw == lines_text_width(cmd))) {
			line_cell(l, TE_ROW_DIM, cmd, cw, ALIGN_LEFT);
			line_repeat(l, TE_ROW_DIM, " ", FIGURE_GAP);
		}
		line_put(l, TE_HEADER_LABEL, "output ");
		put_tail(l, TE_HEADER, path, line_room(l));
	} else {
		line_put(l, TE_ROW_DIM, cmd);
	}
	line_fill(l, TE_ROW_DIM);
}

/* A tree's figures, first on the figures line: the members' CPU and RSS
 * summed (live members), how many of them run. */
static void tree_figures(const struct ui *ui, char *buf, size_t len)
{
	double cpu = 0;
	unsigned long long rss = 0;
	size_t alive = 0;
	char r[32];

	proctree_totals(ui->m, &cpu, &rss, &alive);
	fmt_kib(r, sizeof(r), (double)rss);
	snprintf(buf, len, "CPU %.1f%% RSS %s, %zu of %zu running", cpu, r, alive,
		 proctree_count(ui->m));
}

static int figures_line(struct ui *ui, struct lines *out, const struct process *p, int max_lines)
{
	char tree[96], thr[16], fds[16], rd[32], wr[32], sw[64];
	const char *all_labels[] = { "Tree", "Threads", "FDs", "Read", "Write", "Switches" };
	const char *all_values[] = { tree, thr, fds, rd, wr, sw };
	bool is_tree = procview__is_tree(ui);
	const char *const *labels = is_tree ? all_labels : all_labels + 1;
	const char *const *values = is_tree ? all_values : all_values + 1;
	size_t n = is_tree ? 6 : 5;
	char v[24], iv[24];

	if (is_tree)
		tree_figures(ui, tree, sizeof(tree));

	/* An exited process: its last figures alive, said as such; no rates. */
	snprintf(thr, sizeof(thr), "%s%d", p->exited ? "last " : "", p->threads);
	if (p->fds >= 0)
		snprintf(fds, sizeof(fds), "%s%d", p->exited ? "last " : "", p->fds);
	else
		snprintf(fds, sizeof(fds), "-");
	if (p->exited) {
		snprintf(rd, sizeof(rd), "-");
		snprintf(wr, sizeof(wr), "-");
		snprintf(sw, sizeof(sw), "-");
		return flow(out, ui->width, max_lines, labels, values, NULL, n);
	}
	if (p->io_ok) {
		fmt_bytes_rate(rd, sizeof(rd), p->read_bps);
		fmt_bytes_rate(wr, sizeof(wr), p->write_bps);
	} else {
		snprintf(rd, sizeof(rd), "-");
		snprintf(wr, sizeof(wr), "-");
	}
	fmt_rate(v, sizeof(v), p->vcsw_ps);
	fmt_rate(iv, sizeof(iv), p->ivcsw_ps);
	snprintf(sw, sizeof(sw), "%s vol, %s invol", v, iv);
	return flow(out, ui->width, max_lines, labels, values, NULL, n);
}

static size_t window_slots(const struct ui *ui)
{
	return model_samples_for(ui->m, windows[ui->proc.window]);
}

/* What "now" shows: the latest reading, or in a snapshot or for a process
 * that has exited (which have no now) the last reading of it alive, with
 * the label that says which. */
static const char *now_label(const struct ui *ui, const struct process *p)
{
	return ui->opt->snapshot || p->exited ? "last" : "now";
}

static double now_value(const struct ui *ui, const struct process *p, enum proc_metric pm,
			double live)
{
	if ((!ui->opt->snapshot && !p->exited) || !p->series[pm].len)
		return live;
	return series_last(&p->series[pm], 0);
}

/* RSS growth: since the view began watching, or in a snapshot over its
 * whole RSS series. seconds receives the span. */
static double rss_growth(const struct ui *ui, const struct process *p, double *seconds)
{
	const struct series *s = &p->series[PM_RSS];

	if (ui->opt->snapshot && s->len) {
		*seconds = (double)(s->len - 1) * ui->m->tick_s;
		return (double)series_last(s, 0) - (double)series_at(s, 0);
	}
	*seconds = ui->m->now - p->watch_since;
	return (double)p->rss_kb - (double)p->watch_rss_kb;
}

static void cpu_stats_line(struct ui *ui, struct lines *out, const struct process *p, int width)
{
	struct series_stats st = series_stats_last(&p->series[PM_CPU], window_slots(ui));
	char now[24], mn[24], avg[24], mx[24], win[24];
	const char *labels[] = { "CPU", "min", "avg", "max", "over" };
	const char *values[] = { now, mn, avg, mx, win };

	snprintf(now, sizeof(now), "%s %.1f%%", now_label(ui, p),
		 now_value(ui, p, PM_CPU, p->exited ? 0.0 : p->cpu));
	snprintf(mn, sizeof(mn), "%.1f%%", st.min);
	snprintf(avg, sizeof(avg), "%.1f%%", st.avg);
	snprintf(mx, sizeof(mx), "%.1f%%", st.max);
	fmt_window(win, sizeof(win), windows[ui->proc.window]);
	flow(out, width, 1, labels, values, NULL, st.count ? 5 : 1);
}

static void rss_stats_line(struct ui *ui, struct lines *out, const struct process *p, int width)
{
	struct series_stats st = series_stats_last(&p->series[PM_RSS], window_slots(ui));
	char now[32], mn[24], avg[24], mx[24], growth[64], amount[24], since[24];
	const char *labels[] = { "RSS", "growth", "min", "avg", "max" };
	const char *values[] = { now, growth, mn, avg, mx };
	enum theme_element velem[] = { TE_HEADER, TE_HEADER, TE_HEADER, TE_HEADER, TE_HEADER };
	double span, delta = rss_growth(ui, p, &span);
	size_t n = 5, skip = 0;

	snprintf(now, sizeof(now), "%s ", now_label(ui, p));
	fmt_kib(now + strlen(now), sizeof(now) - strlen(now),
		now_value(ui, p, PM_RSS, (double)p->rss_kb));
	fmt_kib(mn, sizeof(mn), st.min);
	fmt_kib(avg, sizeof(avg), st.avg);
	fmt_kib(mx, sizeof(mx), st.max);
	fmt_kib_signed(amount, sizeof(amount), delta);
	fmt_window(since, sizeof(since), span);
	snprintf(growth, sizeof(growth), "%s in %s", amount, since);
	velem[1] = delta > 0.5 ? TE_WARN : TE_HEADER;
	if (!p->watched && !ui->opt->snapshot) {
		/* no growth to speak of: drop that item */
		labels[1] = labels[0], values[1] = values[0], velem[1] = velem[0];
		skip = 1;
	}
	if (!st.count)
		n = 2;
	flow(out, width, 1, labels + skip, values + skip, velem + skip, n - skip);
}

/* ---- charts --------------------------------------------------------------------- */

static size_t copy_window(struct ui *ui, const struct series *s, size_t slots)
{
	if (ui->proc.buf_alloc < slots) {
		ui->proc.buf_alloc = slots;
		ui->proc.buf = xreallocarray(ui->proc.buf, slots, sizeof(*ui->proc.buf));
	}
	return series_copy_last(s, slots, ui->proc.buf);
}

/* Draws a chart of `height` rows plus its x axis, `width` columns wide.
 * top is the top label, mid the middle one (drawn on odd heights of 5 or
 * more). */
static void chart_block(struct ui *ui, struct lines *out, int width, int height, size_t n,
			size_t slots, size_t pad, double ymax, const char *top, const char *mid,
			enum theme_element elem)
{
	int plot = width - YLABEL_W - 1;
	bool utf8 = lines_utf8();
	char axis[512];

	if (plot < 1 || height < 1)
		return;
	chart_render(&ui->proc.chart, plot, height, ui->chart_style, ui->proc.buf, n, slots, pad,
		     ymax);
	for (int y = 0; y < height; y++) {
		struct line *l = lines_begin(out, width);
		const char *label = "";

		if (y == 0)
			label = top;
		else if (y == height - 1)
			label = "0";
		else if (height >= 5 && height % 2 && y == (height - 1) / 2)
			label = mid;
		line_cell(l, TE_CHART_AXIS, label, YLABEL_W - 1, ALIGN_RIGHT);
		line_put(l, TE_CHART_AXIS, " ");
		line_put(l, TE_CHART_AXIS, *label ? (utf8 ? "┤" : "+") : (utf8 ? "│" : "|"));
		line_put(l, elem, chart_row(&ui->proc.chart, y));
		line_fill(l, TE_ROW);
	}
	struct line *l = lines_begin(out, width);

	chart_xaxis(axis, sizeof(axis), plot < (int)sizeof(axis) ? plot : (int)sizeof(axis) - 1,
		    windows[ui->proc.window]);
	line_repeat(l, TE_CHART_AXIS, " ", YLABEL_W);
	line_put(l, TE_CHART_AXIS, utf8 ? "└" : "+");
	line_put(l, TE_CHART_AXIS, axis);
	line_fill(l, TE_ROW);
}

static double window_max(const float *v, size_t n)
{
	double mx = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i] > mx)
			mx = v[i];
	return mx;
}

/* Empty slots at the right: the time since the process exited. */
static size_t exit_pad(const struct ui *ui, const struct process *p)
{
	if (p->exited && ui->m->now > p->exited_at)
		return (size_t)((ui->m->now - p->exited_at) / ui->m->tick_s);
	return 0;
}

/* The CPU figures line and chart, `width` wide, `h` rows of chart. */
static void cpu_block(struct ui *ui, struct lines *out, const struct process *p, int width,
		      int h)
{
	size_t slots = window_slots(ui), n;
	char top[32], mid[32];
	double ymax;

	cpu_stats_line(ui, out, p, width);
	n = copy_window(ui, &p->series[PM_CPU], slots);
	ymax = chart_cpu_top(window_max(ui->proc.buf, n));
	snprintf(top, sizeof(top), "%.0f%%", ymax);
	snprintf(mid, sizeof(mid), "%.0f%%", ymax / 2);
	chart_block(ui, out, width, h, n, slots, exit_pad(ui, p), ymax, top, mid, TE_CHART_CPU);
}

static void rss_block(struct ui *ui, struct lines *out, const struct process *p, int width,
		      int h)
{
	size_t slots = window_slots(ui), n;
	char top[32], mid[32];
	const char *unit;
	double ymax, unit_kib;

	rss_stats_line(ui, out, p, width);
	n = copy_window(ui, &p->series[PM_RSS], slots);
	ymax = chart_kib_top(window_max(ui->proc.buf, n), &unit, &unit_kib);
	chart_kib_label(top, sizeof(top), ymax, unit, unit_kib);
	chart_kib_label(mid, sizeof(mid), ymax / 2, unit, unit_kib);
	chart_block(ui, out, width, h, n, slots, exit_pad(ui, p), ymax, top, mid, TE_CHART_MEM);
}

/* The two charts one above the other, full width, a gap between. */
static void charts_stacked(struct ui *ui, struct lines *out, const struct process *p, int h_cpu,
			   int h_rss, int gap)
{
	cpu_block(ui, out, p, ui->width, h_cpu);
	while (gap-- > 0)
		lines_begin(out, ui->width);
	rss_block(ui, out, p, ui->width, h_rss);
}

/* The two charts side by side, each h rows: 2 + h lines. */
static void charts_side(struct ui *ui, struct lines *out, const struct process *p, int h)
{
	struct lines *left = &ui->proc.left, *right = &ui->proc.right;
	int wl = (ui->width - SIDE_GAP) / 2, wr = ui->width - SIDE_GAP - wl;

	lines_clear(left);
	lines_clear(right);
	cpu_block(ui, left, p, wl, h);
	rss_block(ui, right, p, wr, h);
	for (size_t i = 0; i < left->n || i < right->n; i++) {
		struct line *l = lines_begin(out, ui->width);

		if (i < left->n)
			line_append(l, &left->v[i]);
		line_pad_to(l, TE_ROW, wl + SIDE_GAP);
		if (i < right->n)
			line_append(l, &right->v[i]);
		line_fill(l, TE_ROW);
	}
}

/* One line instead of the charts: CPU and RSS now, then what fits. */
static void summary_line(struct ui *ui, struct lines *out, const struct process *p)
{
	struct series_stats st = series_stats_last(&p->series[PM_CPU], window_slots(ui));
	char cpu[24], rss[32], avg[24], mx[24], growth[32];
	const char *labels[] = { "CPU", "RSS", "avg", "max", "growth" };
	const char *values[] = { cpu, rss, avg, mx, growth };
	enum theme_element velem[] = { TE_HEADER, TE_HEADER, TE_HEADER, TE_HEADER, TE_HEADER };
	double span, delta = rss_growth(ui, p, &span);
	size_t n = 5;

	snprintf(cpu, sizeof(cpu), "%s %.1f%%", now_label(ui, p),
		 now_value(ui, p, PM_CPU, p->exited ? 0.0 : p->cpu));
	snprintf(rss, sizeof(rss), "%s ", now_label(ui, p));
	fmt_kib(rss + strlen(rss), sizeof(rss) - strlen(rss),
		now_value(ui, p, PM_RSS, (double)p->rss_kb));
	snprintf(avg, sizeof(avg), "%.1f%%", st.avg);
	snprintf(mx, sizeof(mx), "%.1f%%", st.max);
	fmt_kib_signed(growth, sizeof(growth), delta);
	velem[4] = delta > 0.5 ? TE_WARN : TE_HEADER;
	if (!st.count)
		n = 2;
	else if (!p->watched && !ui->opt->snapshot)
		n = 4;
	flow(out, ui->width, 1, labels, values, velem, n);
}

/* Under perftop run's screen, the command's last output lines, for a
 * process without a profile and so without a Log tab (its agent never
 * connected: a static program): a heading, then the newest rows - 1. */
static void output_pane(struct ui *ui, struct lines *out, int rows)
{
	const struct msglog *o = &ui->m->output;
	size_t n = o->len < (size_t)(rows - 1) ? o->len : (size_t)(rows - 1);
	struct line *l = lines_begin(out, ui->width);

	line_put(l, TE_HEADER_LABEL, " Output");
	if (o->len)
		line_printf(l, TE_HEADER, "  last %zu of %llu lines", n, o->total);
	else
		line_put(l, TE_HEADER, "  none yet");
	line_fill(l, TE_HEADER);
	for (size_t i = o->len - n; i < o->len; i++) {
		const struct msglog_entry *e = msglog_at(o, i);

		l = lines_begin(out, ui->width);
		line_put(l, TE_ROW, " ");
		line_cell(l, TE_ROW, e ? e->text : "", ui->width - 1, ALIGN_LEFT);
	}
}

/* The classic layout, without a profile: figures and two full charts; under
 * perftop run's screen, the command's output below them. */
static void draw_plain(struct ui *ui, struct lines *out, const struct process *p, int rows)
{
	/* title, agent, figures, two stats lines, two x axes */
	int fixed = 7, avail, fig_lines = 1, pane = 0;
	bool cmd;

	if (ui->m->output.total || (ui->opt->output_path && !ui->batch)) {
		pane = rows / 3;
		if (pane > (int)ui->m->output.len + 1)
			pane = (int)ui->m->output.len + 1;
		if (pane < 2)
			pane = 2;
		if (rows - pane < fixed + 2)
			pane = 0;
		rows -= pane;
	}
	cmd = ui->opt->output_path || rows - fixed - 1 >= 2 * 5;

	if (cmd)
		fixed++;
	avail = rows - fixed;
	if (avail - 1 >= 2 * 4)
		fig_lines = 2;
	if (cmd)
		command_line(ui, out, p);
	agent_line__draw(out, p, ui->width, &ui->proc.drops, ui__now(),
			 !ui->opt->snapshot && !ui->frozen, !ui->batch);
	fig_lines = figures_line(ui, out, p, fig_lines);
	avail = rows - fixed - (fig_lines - 1);
	if (avail >= 2) {
		/* Odd heights have a middle row for the half-scale label;
		 * a spare line goes between the two charts. */
		int h_cpu = avail / 2, h_rss = avail - h_cpu;

		if (h_cpu > 2 && h_cpu % 2 == 0)
			h_cpu--;
		if (h_rss > 2 && h_rss % 2 == 0)
			h_rss--;
		charts_stacked(ui, out, p, h_cpu, h_rss, avail - h_cpu - h_rss);
	} else {
		summary_line(ui, out, p);
	}
	if (pane)
		output_pane(ui, out, pane);
}

/* With a profile: figures, small charts, then the tabs take the rest. At
 * the smallest size: title, agent, one summary line, tab bar, a few rows. */
static void draw_profiled(struct ui *ui, struct lines *out, struct process *p,
			  struct profile *prof, int rows, size_t start)
{
	bool side = ui->width >= SIDE_MIN_WIDTH;
	int avail = rows - 3 - TABLE_MIN; /* title, agent, tab bar; the table */
	int cmd = 0, fig = 0, chart_h = 0, budget;

	if (ui->opt->output_path && avail >= 1)
		cmd = 1, avail--;
	if (avail >= 1) /* the summary line (or the charts) */
		avail--;
	if (avail >= 1)
		fig = 1, avail--;
	if (!cmd && avail >= 1 && rows >= 20)
		cmd = 1, avail--;
	/* The charts replace the summary line when they get a third of the
	 * screen and at least CHART_MIN_H rows each. */
	budget = avail + 1;
	if (budget > rows / 3)
		budget = rows / 3;
	chart_h = side ? budget - 2 : budget / 2 - 2;
	if (chart_h > CHART_MAX_H)
		chart_h = CHART_MAX_H;
	if (chart_h < CHART_MIN_H)
		chart_h = 0;

	if (cmd)
		command_line(ui, out, p);
	agent_line__draw(out, p, ui->width, &ui->proc.drops, ui__now(),
			 !ui->opt->snapshot && !ui->frozen, !ui->batch);
	if (fig)
		figures_line(ui, out, p, 1);
	if (chart_h && side)
		charts_side(ui, out, p, chart_h);
	else if (chart_h)
		charts_stacked(ui, out, p, chart_h, chart_h, 0);
	else if (rows - 3 - cmd - fig >= TABLE_MIN + 1)
		summary_line(ui, out, p);
	tabs__rebuild(ui, prof);
	if (threads__is_open(ui))
		threads__draw(ui, out, prof, rows - (int)(out->n - start));
	else
		tabs__draw(ui, out, prof, rows - (int)(out->n - start));
}

void procview__draw(struct ui *ui, struct lines *out, int rows)
{
	struct process *p = model_find(ui->m, ui->proc.pid);
	struct profile *prof = procview__profile(ui);
	size_t start = out->n;

	title_line(ui, out, p, ui->proc.pid);
	budget_view__judge(ui, p); /* perftop run --budget: one line under the title */
	budget_view__line(ui, out);
	if (p && prof)
		draw_profiled(ui, out, p, prof, rows, start);
	else if (p)
		draw_plain(ui, out, p, rows - (int)(out->n - start - 1));
	while ((int)(out->n - start) < rows)
		lines_begin(out, ui->width);
	while ((int)(out->n - start) > rows)
		out->n--;
}

void procview__figures(struct ui *ui, struct lines *out)
{
	const struct process *p = model_find(ui->m, ui->proc.pid);

	title_line(ui, out, p, ui->proc.pid);
	if (!p)
		return;
	command_line(ui, out, p);
	figures_line(ui, out, p, 1);
	cpu_stats_line(ui, out, p, ui->width);
	rss_stats_line(ui, out, p, ui->width);
	agent_line__draw(out, p, ui->width, &ui->proc.drops, ui__now(),
			 !ui->opt->snapshot && !ui->frozen, !ui->batch);
}

/* ---- keys ------------------------------------------------------------------------ */

static int key_back(struct ui *ui, int key)
{
	if (key == UI_KEY_ESC && tabs__search_clear(ui))
		return UI_REDRAW; /* Esc clears a search first */
	if (ui->standalone)
		return key == 'q' ? UI_QUIT : UI_NONE;
	procview__close(ui);
	return UI_REDRAW | UI_RESORT;
}

/* The charts' time window: ] + longer, [ - shorter, else the next one. */
static int key_window(struct ui *ui, int key)
{
	int w = ui->proc.window;

	if (key == ']' || key == '+' || key == '=')
		w = w + 1 < NWINDOWS ? w + 1 : w;
	else if (key == '[' || key == '-')
		w = w > 0 ? w - 1 : w;
	else
		w = (w + 1) % NWINDOWS;
	ui->proc.window = w;
	return UI_REDRAW;
}

static struct profile *shown_profile(struct ui *ui)
{
	return procview__profile(ui);
}

/* w: the tabs' live window, 5s, 30s, everything; without a profile there
 * is none, and w cycles the charts' window as it always did. */
static int key_live_window(struct ui *ui, int key)
{
	if (!shown_profile(ui))
		return key_window(ui, key);
	tabs__set_window(ui, (tabs__scope(ui)->window + 1) % TABS_NWINDOWS);
	return UI_REDRAW | UI_RESORT;
}

static int key_threads(struct ui *ui, int key)
{
	struct profile *prof = shown_profile(ui);

	(void)key;
	if (!prof) {
		ui__message(ui, TE_STATUS_WARN, "no agent has connected: no threads to choose");
		return UI_REDRAW;
	}
	threads__open(ui, prof);
	return UI_REDRAW;
}

static int key_pause(struct ui *ui, int key)
{
	(void)key;
	if (ui->frozen || ui__pausing(ui))
		ui__resume(ui); /* a copy still loading is cancelled */
	else
		ui__pause(ui);
	return UI_REDRAW | UI_RESORT;
}

/* R: the shown process's counts start again from zero: the live profile's
 * (the loop holds its lock) and, while paused, the copy's too. A snapshot
 * is what was recorded: it is not reset. */
static int key_reset(struct ui *ui, int key)
{
	struct profile *prof = shown_profile(ui);
	struct process *live = model_find(ui->live, ui->proc.pid);

	(void)key;
	if (ui->opt->snapshot) {
		ui__message(ui, TE_STATUS_WARN, "a snapshot is read-only: R resets live data only");
		return UI_REDRAW;
	}
	if (!prof) {
		ui__message(ui, TE_STATUS_WARN, "no agent has connected: nothing to reset");
		return UI_REDRAW;
	}
	if (live && live->profile)
		profile_reset(live->profile);
	if (live && live->in_tree && ui->live->tree_profile) { /* the tree's counts too */
		profile_reset(ui->live->tree_profile);
		for (size_t i = 0; i < ui->live->nprocs; i++)
			if (ui->live->procs[i]->in_tree && ui->live->procs[i]->profile)
				profile_reset(ui->live->procs[i]->profile);
	}
	if (ui->frozen)
		profile_reset(prof);
	if (ui__pausing(ui)) { /* the copy on its way predates R: copy again */
		ui__resume(ui);
		ui__pause(ui);
	}
	tabs__counts_reset(ui);
	ui__message(ui, TE_STATUS, "counts reset: samples, zones and counters start again from 0");
	return UI_REDRAW | UI_RESORT;
}

/* i: the interpreter's machinery (Python's eval loop and call helpers) in
 * stacks with Python frames, shown or left out: every model the view holds
 * rebuilds its tables and trees from what it kept (the loop holds the live
 * model's lock). */
static int key_interp(struct ui *ui, int key)
{
	bool show = !ui->m->show_interp;
	struct profile *prof = shown_profile(ui);

	(void)key;
	model_show_interp(ui->live, show);
	if (ui->frozen)
		model_show_interp(ui->frozen, show);
	if (ui->m != ui->live && ui->m != ui->frozen)
		model_show_interp(ui->m, show);
	if (prof && !prof->has_interp)
		ui__message(ui, TE_STATUS,
			    show ? "interpreter frames shown (this process has no Python frames yet)"
				 : "interpreter frames hidden (this process has no Python frames yet)");
	else
		ui__message(ui, TE_STATUS,
			    show ? "interpreter frames shown: the eval loop and call helpers "
				   "between Python frames"
				 : "interpreter frames hidden: Python frames and the native work "
				   "they call");
	return UI_REDRAW | UI_RESORT;
}

static int key_chart(struct ui *ui, int key)
{
	(void)key;
	if (!ui->utf8) {
		ui__message(ui, TE_STATUS_WARN, "charts are ASCII: the terminal is not UTF-8");
		return UI_REDRAW;
	}
	ui->chart_style = (enum chart_style)((ui->chart_style + 1) % CHART_STYLE_COUNT);
	return UI_REDRAW;
}

static int key_help(struct ui *ui, int key)
{
	(void)key;
	ui->help = true;
	return UI_REDRAW;
}

/* Keys of the tabs: only once the process has a profile. */
static int key_tabs(struct ui *ui, int key)
{
	struct profile *prof = procview__profile(ui);

	if (!prof)
		return UI_NONE;
	return tabs__key(ui, prof, key);
}

/* a: a tree's tabs show the whole tree again (after Enter on the
 * Processes tab narrowed them to one process). */
static int key_all_processes(struct ui *ui, int key)
{
	(void)key;
	if (!procview__is_tree(ui)) {
		ui__message(ui, TE_STATUS_WARN, "not a process tree: a shows every process of one");
		return UI_REDRAW;
	}
	if (!ui->proc.scope_pid) {
		ui__message(ui, TE_STATUS, "the tabs show the whole tree already");
		return UI_REDRAW;
	}
	procview__narrow(ui, 0);
	ui__message(ui, TE_STATUS, "the tabs show the whole tree");
	return UI_REDRAW | UI_RESORT;
}

static int key_quit(struct ui *ui, int key)
{
	(void)ui;
	(void)key;
	return UI_QUIT;
}

const struct ui_binding procview__bindings[] = {
	{ { UI_KEY_F1, '?' }, "F1 ?", "Help: this list of keys", key_help },
	{ { UI_KEY_ESC, UI_KEY_LEFT, 'q' }, "Esc Left q",
	  "Back to the process list (q quits when started with -p or by perftop run); Esc "
	  "first clears a search",
	  key_back },
	{ { UI_KEY_TAB, UI_KEY_BTAB }, "Tab S-Tab",
	  "Next / previous tab (once an agent has connected)",
	  key_tabs },
	{ { '1', '2', '3', '4' }, "1..8",
	  "Go to a tab: Functions, Tree, Callers, Flame, Zones, Counters, Log, Processes (a "
	  "process tree's)",
	  key_tabs },
	{ { '5', '6', '7', '8' }, NULL, NULL, key_tabs },
	{ { UI_KEY_UP, UI_KEY_DOWN }, "Up Down", "Move in the tab's table", key_tabs },
	{ { UI_KEY_PGUP, UI_KEY_PGDN }, "PgUp PgDn", "Move a page up / down", key_tabs },
	{ { UI_KEY_HOME, UI_KEY_END }, "Home End", "First / last row (End in the Log follows it)",
	  key_tabs },
	{ { UI_KEY_ENTER, UI_KEY_RIGHT }, "Enter Right",
	  "Zones, Counters: open the selected row's detail (a zone's histogram and p95 per "
	  "second, a counter's charts); Esc, q or Left go back, Up Down walk the rows. "
	  "Functions: as f. Processes: every tab shows the selected process alone (a: the "
	  "whole tree again)",
	  key_tabs },
	{ { 'f' }, "f",
	  "Functions: who calls the selected function (the Callers tab, focused on it; Esc "
	  "leaves the focus)",
	  key_tabs },
	{ { UI_KEY_F(6), '<', '>' }, "F6 < >",
	  "Sort by the next / previous column (Functions, Zones, Counters: any column)",
	  key_tabs },
	{ { 'I' }, "I", "Invert the sort order (Functions, Zones, Counters)", key_tabs },
	{ { 'L' }, "L", "Functions: show or hide the FILE:LINE column", key_tabs },
	{ { 'l' }, "l",
	  "Functions: the selected Python function's lines, self and total samples, hottest "
	  "first; Esc goes back",
	  key_tabs },
	{ { '/' }, "/", "Search the tab's names; Enter keeps, Esc cancels", key_tabs },
	{ { 'n', 'N' }, "n N", "Next / previous match of the search", key_tabs },
	{ { 'w' }, "w",
	  "Live window of the tabs: last 5s, last 30s, everything (without an agent: the "
	  "charts' window)",
	  key_live_window },
	{ { 't' }, "t", "Choose a thread for the tabs (or all); Enter picks, Esc cancels",
	  key_threads },
	{ { 'a' }, "a",
	  "A process tree: every tab shows the whole tree again (Enter on the Processes tab "
	  "narrows them to one process)",
	  key_all_processes },
	{ { 'p', ' ' }, "p Space",
	  "Pause the display (data keeps arriving and waits); again to resume, or to cancel "
	  "while PAUSING",
	  key_pause },
	{ { 'R' }, "R", "Reset the counts: samples, zones and counters start again from 0",
	  key_reset },
	{ { 'i' }, "i",
	  "Python: show / hide the interpreter's own frames (eval loop, call helpers) in "
	  "stacks with Python frames, in every tab (hidden by default; --interp)",
	  key_interp },
	{ { ']', '[' }, "] [", "Charts: a longer / shorter time window (30s 1m 5m 10m)",
	  key_window },
	{ { '+', '=', '-' }, "+ -",
	  "The same as ] [ on the tabs that do not use them (Tree and Callers do)", key_window },
	{ { UI_KEY_MOUSE }, "Mouse",
	  "Click selects a row or a tab, double click is Enter, the wheel scrolls "
	  "(--no-mouse leaves the mouse to the terminal)",
	  key_tabs },
	{ { 'c' }, "c", "Chart style: braille, blocks, ASCII", key_chart },
	{ { 'S' }, "S", "Save a snapshot: asks for the file (default: the current directory)",
	  save__key },
	{ { UI_KEY_F(10) }, "F10 Ctrl-C", "Quit", key_quit },
};
const size_t procview__nbindings = sizeof(procview__bindings) / sizeof(procview__bindings[0]);

/* Keys that mean the same on every tab: the view handles them before a
 * tab module sees them (the mouse too: a click on the tab bar is the view's;
 * tabs__mouse hands the rest to the module). */
static bool view_wide(int key)
{
	return key == 'w' || key == 't' || key == 'a' || key == 'p' || key == ' ' || key == 'R' || key == 'i' ||
	       key == '[' || key == ']' || key == UI_KEY_MOUSE;
}

int procview__key(struct ui *ui, int key)
{
	struct profile *prof = shown_profile(ui);
	int r;

	if (threads__is_open(ui) && prof)
		return threads__key(ui, prof, key);
	if (tabs__editing(ui))
		return key_tabs(ui, key);
	/* A tab's own keys come first (Esc leaves a tree's focus before the view). */
	if (tabs__keys_first(ui) && !view_wide(key)) {
		r = key_tabs(ui, key);
		if (r != UI_NONE)
			return r;
	}
	for (size_t i = 0; i < procview__nbindings; i++) {
		const struct ui_binding *b = &procview__bindings[i];

		for (size_t k = 0; k < 4 && b->keys[k]; k++)
			if (b->keys[k] == key)
				return b->fn(ui, key);
	}
	return UI_NONE;
}

void procview__status(struct ui *ui, struct lines *out)
{
	static const struct ui_hint list_hints[] = {
		{ "F1", "Help" }, { "Esc", "Back" }, { "[]", "Window" }, { "c", "Chart" },
		{ "F10", "Quit" },
	};
	static const struct ui_hint alone_hints[] = {
		{ "F1", "Help" }, { "[]", "Window" }, { "c", "Chart" }, { "q", "Quit" },
	};
	static const struct ui_hint tab_list_hints[] = {
		{ "F1", "Help" }, { "Tab", "Next" }, { "/", "Search" }, { "F6", "Sort" },
		{ "w", "Window" }, { "t", "Thread" }, { "p", "Pause" }, { "Esc", "Back" },
		{ "F10", "Quit" },
	};
	static const struct ui_hint tab_alone_hints[] = {
		{ "F1", "Help" }, { "Tab", "Next" }, { "/", "Search" }, { "F6", "Sort" },
		{ "w", "Window" }, { "t", "Thread" }, { "p", "Pause" }, { "q", "Quit" },
	};
	bool tabs = procview__profile(ui) != NULL;
	const struct ui_hint *h;
	size_t n;
	char right[64], win[16];

	if (tabs && threads__is_open(ui)) {
		threads__status(ui, out);
		return;
	}
	if (tabs && tabs__status(ui, out))
		return;
	fmt_window(win, sizeof(win), windows[ui->proc.window]);
	snprintf(right, sizeof(right), "charts %s  %s ", win, chart_style_name(ui->chart_style));
	if (tabs && ui->standalone)
		h = tab_alone_hints, n = sizeof(tab_alone_hints) / sizeof(*h);
	else if (tabs)
		h = tab_list_hints, n = sizeof(tab_list_hints) / sizeof(*h);
	else if (ui->standalone)
		h = alone_hints, n = sizeof(alone_hints) / sizeof(*h);
	else
		h = list_hints, n = sizeof(list_hints) / sizeof(*h);
	ui__hints(ui, out, h, n, right);
}
