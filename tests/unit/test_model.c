/* Unit tests for model/model: deriving rates from raw readings, retiring
 * processes, watching, and pid reuse — all from hand-built readings. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"

static struct model m;
static struct cpu_jiffies cpus[2];

static void setup(void)
{
	model_init(&m, 1.0);
}

static void teardown(void)
{
	model_release(&m);
}

static struct proc_reading proc(pid_t pid, unsigned long long ticks, unsigned long long rss_kb)
{
	struct proc_reading r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	r.threads = 1;
	r.fds = 3;
	r.start_ticks = 1000 + (unsigned long long)pid;
	r.ticks = ticks;
	r.rss_kb = rss_kb;
	r.state = 'R';
	snprintf(r.comm, sizeof(r.comm), "p%d", (int)pid);
	r.cmdline = "prog --flag";
	return r;
}

/* Applies a reading at time t holding procs[0..n). */
static void apply(double t, struct proc_reading *procs, size_t n, bool full)
{
	struct tick_reading r;

	memset(&r, 0, sizeof(r));
	r.sys.time = t;
	r.sys.ncpu = 2;
	r.sys.per_cpu = cpus;
	r.sys.total.busy = cpus[0].busy + cpus[1].busy;
	r.sys.total.idle = cpus[0].idle + cpus[1].idle;
	r.procs = procs;
	r.nprocs = n;
	r.hz = 100;
	r.full_scan = full;
	model_apply(&m, &r);
}

TestSuite(model, .init = setup, .fini = teardown);

Test(model, cpu_percent_and_series_from_deltas)
{
	struct proc_reading p = proc(10, 0, 1000);
	struct process *pr;

	apply(100.0, &p, 1, true);
	pr = model_find(&m, 10);
	cr_assert_not_null(pr);
	cr_assert_eq(pr->series[PM_CPU].len, 0, "no rate before a second reading");
	p.ticks = 50; /* 0.5 s of CPU in 1 s */
	apply(101.0, &p, 1, true);
	cr_assert_float_eq(pr->cpu, 50.0, 1e-6);
	p.ticks = 50 + 20; /* 0.2 s in 2 s = 10 % */
	apply(103.0, &p, 1, true);
	cr_assert_float_eq(pr->cpu, 10.0, 1e-6);
	cr_assert_eq(pr->series[PM_CPU].len, 2);
	cr_assert_str_eq(pr->cmdline, "prog --flag");
	cr_assert_eq(pr->series[PM_THREADS].len, 0, "detail series only while watched");
}

Test(model, io_and_switch_rates)
{
	struct proc_reading p = proc(11, 0, 1);

	p.io_ok = true;
	p.csw_ok = true;
	p.io_read_bytes = 1000;
	p.io_write_bytes = 0;
	p.vcsw = 10;
	p.ivcsw = 1;
	apply(1.0, &p, 1, true);
	p.io_read_bytes = 5000;
	p.io_write_bytes = 2048;
	p.vcsw = 30;
	p.ivcsw = 5;
	apply(3.0, &p, 1, true);
	struct process *pr = model_find(&m, 11);
	cr_assert_float_eq(pr->read_bps, 2000.0, 1e-6);
	cr_assert_float_eq(pr->write_bps, 1024.0, 1e-6);
	cr_assert_float_eq(pr->vcsw_ps, 10.0, 1e-6);
	cr_assert_float_eq(pr->ivcsw_ps, 2.0, 1e-6);
}

Test(model, unwatched_process_is_dropped_when_gone)
{
	struct proc_reading ps[2] = { proc(20, 0, 1), proc(21, 0, 1) };

	apply(1.0, ps, 2, true);
	cr_assert_eq(m.nprocs, 2);
	apply(2.0, ps, 1, true);
	cr_assert_eq(m.nprocs, 1);
	cr_assert_null(model_find(&m, 21));
	/* A partial scan says nothing about processes it did not read. */
	apply(3.0, NULL, 0, false);
	cr_assert_not_null(model_find(&m, 20));
}

Test(model, watched_process_stays_marked_exited)
{
	struct proc_reading p = proc(30, 0, 4096);
	struct process *pr;

	apply(1.0, &p, 1, true);
	pr = model_watch(&m, 30, true);
	cr_assert_not_null(pr);
	p.rss_kb = 6144;
	p.ticks = 10;
	apply(2.0, &p, 1, false);
	cr_assert_eq(pr->rss_kb - pr->watch_rss_kb, 2048, "RSS growth counts from when watching began");
	cr_assert_eq(pr->series[PM_THREADS].len, 1);
	apply(3.0, NULL, 0, false);
	cr_assert(pr->exited);
	cr_assert_eq(pr->state, 'X');
	cr_assert_float_eq(pr->cpu, 0.0, 1e-9);
	cr_assert_eq(pr->series[PM_CPU].len, 1, "history is kept after exit");
	apply(4.0, NULL, 0, true);
	cr_assert_eq(model_find(&m, 30), pr, "a full scan keeps watched processes too");
}

Test(model, watch_before_first_reading)
{
	struct proc_reading p = proc(40, 0, 100);
	pid_t pids[4];

	cr_assert_null(model_watch(&m, 40, true));
	cr_assert_eq(model_watched_pids(&m, pids, 4), 1);
	cr_assert_eq(pids[0], 40);
	apply(1.0, &p, 1, false);
	cr_assert(model_find(&m, 40)->watched);
	cr_assert_eq(model_find(&m, 40)->watch_rss_kb, 100);
	model_watch(&m, 40, false);
	cr_assert_eq(model_watched_pids(&m, pids, 4), 0);
}

Test(model, pid_reuse_starts_a_new_process)
{
	struct proc_reading p = proc(50, 500, 100);
	struct process *first;

	apply(1.0, &p, 1, true);
	first = model_find(&m, 50);
	p.start_ticks += 77;
	p.ticks = 3; /* a new process: its ticks restart */
	apply(2.0, &p, 1, true);
	cr_assert_neq(model_find(&m, 50), first);
	cr_assert_eq(m.nprocs, 1);
	cr_assert_float_eq(model_find(&m, 50)->cpu, 0.0, 1e-9, "no bogus delta across processes");
}

Test(model, system_cpu_and_memory)
{
	cpus[0] = (struct cpu_jiffies){ 100, 100 };
	cpus[1] = (struct cpu_jiffies){ 100, 100 };
	apply(1.0, NULL, 0, true);
	cpus[0] = (struct cpu_jiffies){ 200, 100 }; /* fully busy */
	cpus[1] = (struct cpu_jiffies){ 125, 175 }; /* 25 % */
	apply(2.0, NULL, 0, true);
	cr_assert_eq(m.sys.ncpu, 2);
	cr_assert_float_eq(m.sys.cpu_busy[0], 100.0, 1e-9);
	cr_assert_float_eq(m.sys.cpu_busy[1], 25.0, 1e-9);
	cr_assert_float_eq(m.sys.cpu_total, 62.5, 1e-9);
}

Test(model, series_capacity_covers_ten_minutes)
{
	struct model fast;

	model_init(&fast, 0.1);
	cr_assert_geq(fast.series_cap, 6000);
	cr_assert_eq(model_samples_for(&fast, 60), 600);
	model_release(&fast);
	cr_assert_geq(m.series_cap, 600);
}

Test(model, agent_process_is_adopted_by_the_first_reading)
{
	struct process *p = model_agent_process(&m, 60, "/usr/bin/demo");
	struct proc_reading r = proc(60, 10, 500);

	cr_assert_not_null(p->profile);
	cr_assert_str_eq(p->comm, "demo");
	apply(1.0, &r, 1, true);
	cr_assert_eq(model_find(&m, 60), p, "not mistaken for pid reuse");
	cr_assert_eq(p->start_ticks, r.start_ticks);
	cr_assert_str_eq(p->cmdline, "prog --flag");
	apply(2.0, NULL, 0, true);
	cr_assert(p->exited, "a profiled process is kept, marked exited");
	cr_assert_eq(model_agent_process(&m, 60, "x"), p);
}

Test(model, no_rate_spike_when_details_start)
{
	struct proc_reading p = proc(12, 0, 1);

	apply(1.0, &p, 1, true); /* not a detail process: counters unread */
	p.io_ok = p.csw_ok = true;
	p.io_read_bytes = 1 << 30;
	p.vcsw = 100000;
	apply(2.0, &p, 1, true);
	cr_assert_float_eq(model_find(&m, 12)->read_bps, 0.0, 1e-9);
	cr_assert_float_eq(model_find(&m, 12)->vcsw_ps, 0.0, 1e-9);
	p.vcsw += 50;
	apply(3.0, &p, 1, true);
	cr_assert_float_eq(model_find(&m, 12)->vcsw_ps, 50.0, 1e-9);
}

/* A watched process that becomes a zombie has exited: its last figures
 * alive stay (the zombie's /proc shows no memory and one thread). */
Test(model, watched_zombie_keeps_its_last_figures)
{
	struct proc_reading p = proc(31, 0, 4096);
	struct process *pr;

	p.threads = 3;
	apply(1.0, &p, 1, true);
	pr = model_watch(&m, 31, true);
	p.ticks = 98;
	apply(2.0, &p, 1, false);
	cr_assert_float_eq(pr->cpu, 98.0, 1e-9);
	p.state = 'Z';
	p.rss_kb = 0;
	p.threads = 1;
	p.ticks = 99;
	apply(3.0, &p, 1, false);
	cr_assert(pr->exited);
	cr_assert_eq(pr->rss_kb, 4096);
	cr_assert_eq(pr->threads, 3);
	cr_assert_eq(pr->series[PM_CPU].len, 1, "no reading of the zombie in the series");
	cr_assert_float_eq(series_last(&pr->series[PM_CPU], 0), 98.0, 1e-6);
}

/* The agent's hello names the program after exec; a reading taken between
 * fork and exec named it after perftop. */
Test(model, hello_names_the_program_after_exec)
{
	struct proc_reading p = proc(32, 0, 4096);
	struct process *pr;

	snprintf(p.comm, sizeof(p.comm), "perftop");
	p.cmdline = "perftop run -- ./server --port 80";
	snprintf(p.user, sizeof(p.user), "%s", "");
	apply(1.0, &p, 1, true);
	pr = model_agent_process(&m, 32, "/usr/local/bin/a-long-server-name");
	model_process_identity(pr, "/usr/local/bin/a-long-server-name", "./server --port 80", 1000,
			       "alice");
	cr_assert_str_eq(pr->comm, "a-long-server-n", "the kernel's 15 bytes");
	cr_assert_str_eq(pr->cmdline, "./server --port 80");
	cr_assert_str_eq(pr->user, "alice");
	cr_assert_eq(pr->uid, 1000);
}

/* What record and the header say when there are no samples. */
Test(model, agent_status_says_why_there_are_no_samples)
{
	struct proc_reading p = proc(33, 0, 4096);
	struct process *pr;
	char buf[MODEL_WHY_LEN + 64];

	model_agent_status(NULL, buf, sizeof(buf));
	cr_assert_str_eq(buf, "no agent connected");
	p.csw_ok = true;
	p.agent_why = "static executable (no PT_INTERP): LD_PRELOAD cannot load the agent";
	apply(1.0, &p, 1, true);
	pr = model_find(&m, 33);
	model_agent_status(pr, buf, sizeof(buf));
	cr_assert_str_eq(buf, "agent cannot load: static executable (no PT_INTERP): LD_PRELOAD "
			      "cannot load the agent");
	pr = model_agent_process(&m, 33, "/bin/x");
	model_agent_status(pr, buf, sizeof(buf));
	cr_assert_str_eq(buf, "agent connected, 0 samples: the program used no CPU time");
	profile_add_samples(pr->profile, 33, NULL, 0, 1, 1.0);
	model_agent_status(pr, buf, sizeof(buf));
	cr_assert_str_eq(buf, "");
}
