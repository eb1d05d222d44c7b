/*
 * header — the machine at a glance above the process list: a meter per CPU
 * (in columns when there are many, left out when they cannot fit), total
 * CPU, memory and swap meters, the task count and the load average.
 *
 * A meter is `label[|||||      text]`: the bar's characters take their
 * colour from how far along the bar they are (low, mid, high), so a full
 * bar reads green to red as in btop, and the figure sits at its right end
 * as in htop.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/fmt.h"
#include "ui/ui_internal.h"

enum {
	LABEL_W = 3,      /* "CPU", "Mem", "  7" */
	METER_MIN = 14,   /* narrowest per-CPU meter */
	METER_WIDE = 40,  /* at most this wide while more columns fit */
};

static enum theme_element level_elem(double frac)
{
	return frac < 0.5 ? TE_METER_LOW : frac < 0.8 ? TE_METER_MID : TE_METER_HIGH;
}

/* Draws a meter of exactly `width` columns. */
static void meter(struct line *l, const char *label, int label_w, double pct, const char *text,
		  int width)
{
	int inner = width - label_w - 2;
	int filled, tlen = (int)strlen(text);

	if (inner < 1) {
		line_pad_to(l, TE_HEADER, l->cols + width);
		return;
	}
	line_cell(l, TE_HEADER_LABEL, label, label_w, ALIGN_RIGHT);
	line_put(l, TE_HEADER, "[");
	if (pct < 0)
		pct = 0;
	filled = (int)lround(pct / 100 * inner);
	if (filled > inner)
		filled = inner;
	if (tlen + 1 > inner)
		tlen = 0;
	for (int i = 0; i < inner; i++) {
		if (i >= inner - tlen)
			line_putn(l, TE_HEADER, text + (i - (inner - tlen)), 1);
		else if (i < filled)
			line_put(l, level_elem((i + 0.5) / inner), "|");
		else
			line_put(l, TE_METER_EMPTY, " ");
	}
	line_put(l, TE_HEADER, "]");
}

/* Per-CPU meters in `cols` columns (column-major), `rows` lines. */
static void cpu_grid(struct lines *out, const struct model *m, int width, int cols, int rows)
{
	int cw = (width - (cols - 1)) / cols;

	for (int r = 0; r < rows; r++) {
		struct line *l = lines_begin(out, width);

		for (int c = 0; c < cols; c++) {
			int cpu = c * rows + r;
			char label[16], text[16];

			if (cpu >= m->sys.ncpu)
				break;
			if (c)
				line_put(l, TE_HEADER, " ");
			snprintf(label, sizeof(label), "%d", cpu);
			snprintf(text, sizeof(text), "%.1f%%", m->sys.cpu_busy[cpu]);
			meter(l, label, LABEL_W, m->sys.cpu_busy[cpu], text, cw);
		}
		line_fill(l, TE_HEADER);
	}
}

/* How many columns the per-CPU meters take, or 0 when they do not fit in
 * rows_max lines. */
static int grid_columns(int ncpu, int width, int rows_max)
{
	int cols, rows;

	if (ncpu <= 0 || rows_max <= 0)
		return 0;
	cols = (ncpu + rows_max - 1) / rows_max;
	if (cols < width / METER_WIDE)
		cols = width / METER_WIDE;
	if (cols > ncpu)
		cols = ncpu;
	if (cols < 1)
		cols = 1;
	if ((width - (cols - 1)) / cols < METER_MIN)
		return 0;
	rows = (ncpu + cols - 1) / cols;
	return (ncpu + rows - 1) / rows;
}

/* "used/total (avail avail)" for memory, "used/total" for swap (avail
 * NULL), shortened until it fits in room columns. */
static void mem_text(char *out, size_t outsz, unsigned long long used, unsigned long long total,
		     const unsigned long long *avail, int room)
{
	char u[16], t[16], a[16];

	fmt_kib_short(u, sizeof(u), (double)used);
	fmt_kib_short(t, sizeof(t), (double)total);
	if (avail) {
		fmt_kib_short(a, sizeof(a), (double)*avail);
		snprintf(out, outsz, "%s/%s (%s avail)", u, t, a);
		if ((int)strlen(out) + 1 <= room)
			return;
	}
	snprintf(out, outsz, "%s/%s", u, t);
	if ((int)strlen(out) + 1 > room)
		snprintf(out, outsz, "%s", u);
}

static double share(unsigned long long part, unsigned long long whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* "Tasks 312, 1020 thr, 3 running  Load 0.52 0.40 0.33", shortened (threads,
 * then running, then the load) until it fits in width columns. */
static void tasks_text(struct line *l, const struct model *m, int width)
{
	int running = 0, threads = 0, end = l->cols + width;
	char tasks[3][64], load[48];

	for (size_t i = 0; i < m->nprocs; i++) {
		running += m->procs[i]->state == 'R';
		threads += m->procs[i]->threads;
	}
	snprintf(tasks[0], sizeof(tasks[0]), " %zu, %d thr, %d running", m->nprocs, threads,
		 running);
	snprintf(tasks[1], sizeof(tasks[1]), " %zu, %d running", m->nprocs, running);
	snprintf(tasks[2], sizeof(tasks[2]), " %zu", m->nprocs);
	snprintf(load, sizeof(load), " %.2f %.2f %.2f", m->sys.load[0], m->sys.load[1],
		 m->sys.load[2]);
	for (int i = 0; i < 4; i++) {
		const char *t = tasks[i < 3 ? i : 2];
		bool with_load = i < 3;
		int w = 6 + (int)strlen(t) + (with_load ? 6 + (int)strlen(load) : 0);

		if (w > end - l->cols && i < 3)
			continue;
		line_put(l, TE_HEADER_LABEL, " Tasks");
		line_put(l, TE_HEADER, t);
		if (with_load) {
			line_put(l, TE_HEADER_LABEL, "  Load");
			line_put(l, TE_HEADER, load);
		}
		break;
	}
	line_pad_to(l, TE_HEADER, end);
}

/* A line when perftop itself is short of descriptors, so the list is not
 * read as the truth: agents turned away, or /proc unreadable. */
static int fd_trouble(struct lines *out, const struct model *m, int width)
{
	char text[256], limit[32] = "";
	struct line *l;

	if (!m->agents_no_fds && !m->proc_no_fds)
		return 0;
	if (m->fd_limit > 0)
		snprintf(limit, sizeof(limit), " (limit %ld)", m->fd_limit);
	if (m->proc_no_fds)
		snprintf(text, sizeof(text),
			 " perftop is out of file descriptors%s: /proc cannot be read, the list "
			 "is stale; raise ulimit -n",
			 limit);
	else
		snprintf(text, sizeof(text),
			 " perftop is out of file descriptors%s: %llu agent connection%s turned "
			 "away; raise ulimit -n",
			 limit, m->agents_no_fds, m->agents_no_fds == 1 ? "" : "s");
	l = lines_begin(out, width);
	line_put(l, TE_STATUS_ERROR, text);
	line_pad_to(l, TE_HEADER, width);
	return 1;
}

int header__draw(struct lines *out, const struct model *m, int width, int cpu_rows_max)
{
	const struct sys_state *s = &m->sys;
	int cols = grid_columns(s->ncpu, width, cpu_rows_max);
	int rows = cols ? (s->ncpu + cols - 1) / cols : 0;
	int left = (width - 1) / 2, right = width - 1 - left;
	char text[96], pct[16];
	struct line *l;

	if (cols)
		cpu_grid(out, m, width, cols, rows);

	l = lines_begin(out, width);
	snprintf(pct, sizeof(pct), "%.1f%%", s->cpu_total);
	meter(l, "CPU", LABEL_W, s->cpu_total, pct, left);
	line_put(l, TE_HEADER, " ");
	mem_text(text, sizeof(text), s->mem_used_kb, s->mem_total_kb, &s->mem_available_kb,
		 right - LABEL_W - 2);
	meter(l, "Mem", LABEL_W, share(s->mem_used_kb, s->mem_total_kb), text, right);

	l = lines_begin(out, width);
	mem_text(text, sizeof(text), s->swap_used_kb, s->swap_total_kb, NULL, left - LABEL_W - 2);
	meter(l, "Swp", LABEL_W, share(s->swap_used_kb, s->swap_total_kb), text, left);
	line_put(l, TE_HEADER, " ");
	tasks_text(l, m, right);
	return rows + 2 + fd_trouble(out, m, width);
}
