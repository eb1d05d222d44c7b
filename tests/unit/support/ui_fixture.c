/*
 * support/ui_fixture — the UI unit tests' shared model, ui and frame, and
 * the helpers that fill the model and read frames back (see ui_fixture.h).
 */
#include "ui_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

struct ui_fixture fx;

void fx_init(void)
{
	memset(&fx, 0, sizeof(fx));
	model_init(&fx.m, 1.0);
	lines_init(&fx.frame);
}

void fx_release(void)
{
	if (fx.started)
		ui__release(&fx.ui);
	fx.started = false;
	lines_release(&fx.frame);
	model_release(&fx.m);
}

struct proc_reading fx_proc_reading(pid_t pid, const char *comm, unsigned long long ticks)
{
	struct proc_reading r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	r.threads = 2;
	r.fds = 4;
	r.start_ticks = 5;
	r.ticks = ticks;
	r.rss_kb = 4096;
	r.state = 'R';
	snprintf(r.comm, sizeof(r.comm), "%s", comm);
	snprintf(r.user, sizeof(r.user), "tester");
	r.cmdline = comm;
	return r;
}

/* The reading of the machine at second t with the processes p[0..n). */
static struct tick_reading machine_at(int t, struct proc_reading *p, size_t n)
{
	struct tick_reading r;

	memset(&r, 0, sizeof(r));
	r.sys.time = t;
	r.sys.ncpu = 1;
	r.sys.per_cpu = &fx.cpu;
	r.sys.total = fx.cpu;
	r.sys.mem_total_kb = 8 * 1024 * 1024;
	r.sys.mem_used_kb = 1024 * 1024;
	r.sys.mem_available_kb = 7 * 1024 * 1024;
	r.procs = p;
	r.nprocs = n;
	r.hz = 100;
	r.full_scan = true;
	return r;
}

void fx_readings(const struct fx_proc *procs, size_t n)
{
	struct proc_reading p[16];

	cr_assert_leq(n, sizeof(p) / sizeof(p[0]), "fx_readings: %zu processes, at most 16", n);
	for (int t = 1; t <= 2; t++) {
		struct tick_reading r;

		for (size_t i = 0; i < n; i++)
			p[i] =
			    fx_proc_reading(procs[i].pid, procs[i].comm,
			                    (unsigned long long)procs[i].ticks_per_s * (unsigned)t);
		fx.cpu.busy += 50, fx.cpu.idle += 50;
		r = machine_at(t, p, n);
		model_apply(&fx.m, &r);
	}
}

struct profile *fx_agent(pid_t pid, const char *exe)
{
	struct process *p = model_agent_process(&fx.m, pid, exe);

	cr_assert(p && p->profile, "no agent process %d", (int)pid);
	p->profile->connected = true;
	return p->profile;
}

void fx_start(int width, int height, bool utf8)
{
	if (fx.started)
		ui__release(&fx.ui);
	ui__init(&fx.ui, &fx.m, &fx.opt, utf8);
	fx.started = true;
	fx.ui.width = width;
	fx.ui.height = height;
}

void fx_start_proc(int width, int height, bool utf8, pid_t pid)
{
	fx_start(width, height, utf8);
	fx.ui.screen = UI_SCREEN_PROC;
	fx.ui.proc.pid = pid;
}

void fx_draw(void)
{
	ui__frame(&fx.ui, &fx.frame);
}

int fx_find(const char *text)
{
	for (size_t i = 0; i < fx.frame.n; i++)
		if (strstr(fx.frame.v[i].text, text))
			return (int)i;
	return -1;
}

int fx_row_after(const char *header, int k)
{
	int h = fx_find(header);

	return h < 0 ? -1 : h + 1 + k;
}

int fx_elem_at(int i, const char *text)
{
	const struct line *l;
	const char *at;
	size_t off;

	cr_assert(i >= 0 && (size_t)i < fx.frame.n, "line %d of %zu", i, fx.frame.n);
	l = &fx.frame.v[i];
	at = strstr(l->text, text);
	if (!at)
		return -1;
	off = (size_t)(at - l->text);
	for (size_t s = 0; s < l->nspans; s++)
		if (l->spans[s].start <= off && off < l->spans[s].end)
			return (int)l->spans[s].elem;
	return -1;
}

void fx_expect_fits(void)
{
	cr_expect_eq(fx.frame.n, (size_t)fx.ui.height, "%zu lines for a height of %d",
	             fx.frame.n, fx.ui.height);
	for (size_t i = 0; i < fx.frame.n; i++)
		cr_expect_leq(fx.frame.v[i].cols, fx.ui.width, "line %zu: %d columns of %d: '%s'",
		              i, fx.frame.v[i].cols, fx.ui.width, fx.frame.v[i].text);
}
