/* Unit tests for model/proctree: which processes belong to the launched
 * tree (from hand-built readings and agents' parents), the listing order
 * and depths, statuses, and the merged profile (every sample once, threads
 * kept apart, functions matched by module and name, zones merged). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "model/model.h"
#include "model/proctree.h"

static struct model m;
static struct cpu_jiffies cpus[1];

static void setup(void)
{
	model_init(&m, 1.0);
}

static void teardown(void)
{
	model_release(&m);
}

TestSuite(proctree, .init = setup, .fini = teardown);

static struct proc_reading proc(pid_t pid, pid_t ppid, unsigned long long ticks)
{
	struct proc_reading r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	r.ppid = ppid;
	r.threads = 1;
	r.fds = -1;
	r.start_ticks = 5000 + (unsigned long long)pid;
	r.ticks = ticks;
	r.state = 'R';
	snprintf(r.comm, sizeof(r.comm), "p%d", (int)pid);
	r.cmdline = "cmd";
	return r;
}

/* A partial reading at t of procs[0..n) that asked for exactly those pids
 * (sorted) plus the extra asked ones. */
static void apply(double t, struct proc_reading *procs, size_t n, const pid_t *asked, size_t nasked)
{
	struct tick_reading r;

	memset(&r, 0, sizeof(r));
	r.sys.time = t;
	r.sys.ncpu = 1;
	r.sys.per_cpu = cpus;
	r.procs = procs;
	r.nprocs = n;
	r.hz = 100;
	r.asked = asked;
	r.nasked = nasked;
	model_apply(&m, &r);
	proctree_update(&m); /* as the collector does after each reading */
}

Test(proctree, members_are_the_root_and_its_descendants)
{
	struct proc_reading r[] = { proc(30, 20, 0), proc(20, 10, 0), proc(10, 1, 0),
	                            proc(40, 1, 0), proc(50, 40, 0) };
	pid_t asked[] = { 10, 20, 30, 40, 50 };

	m.tree_root = 10;
	apply(1, r, 5, asked, 5);
	/* the grandchild is listed before its parent: still a member */
	cr_assert(model_find(&m, 10)->in_tree);
	cr_assert(model_find(&m, 20)->in_tree);
	cr_assert(model_find(&m, 30)->in_tree);
	cr_assert_not(model_find(&m, 40)->in_tree);
	cr_assert_not(model_find(&m, 50)->in_tree);
	cr_assert_eq(proctree_count(&m), 3);
	{
		struct proc_reading r2[] = { proc(30, 20, 100), proc(20, 10, 50), proc(10, 1, 0),
		                             proc(40, 1, 500), proc(50, 40, 0) };
		double cpu;
		unsigned long long rss;
		size_t alive;

		r2[0].rss_kb = 1000;
		r2[1].rss_kb = 24;
		apply(2, r2, 5, asked, 5); /* one second later: 30 used 1 s, 20 0.5 s */
		proctree_totals(&m, &cpu, &rss, &alive);
		cr_assert_float_eq(cpu, 150, 1e-6, "%g", cpu);
		cr_assert_eq(rss, 1024);
		cr_assert_eq(alive, 3);
	}
}

Test(proctree, orphans_adopted_by_the_reaper_join_and_membership_stays)
{
	struct proc_reading r1[] = { proc(10, 99, 0), proc(11, 10, 0), proc(12, 11, 0) };
	pid_t a1[] = { 10, 11, 12 };
	/* 11 exited; its child 12 was re-parented to perftop (99) */
	struct proc_reading r2[] = { proc(10, 99, 0), proc(12, 99, 0), proc(13, 99, 0) };
	pid_t a2[] = { 10, 11, 12, 13 };

	m.tree_root = 10;
	m.tree_reaper = 99;
	apply(1, r1, 3, a1, 3);
	apply(2, r2, 3, a2, 4);
	cr_assert(model_find(&m, 12)->in_tree);
	cr_assert_eq(model_find(&m, 12)->ppid, 11, "the parent it was born to is kept");
	cr_assert(model_find(&m, 13)->in_tree, "an orphan whose parent was never seen");
	cr_assert(model_find(&m, 11)->exited, "a member is kept after it exits");
	cr_assert(model_find(&m, 11)->in_tree);
}

Test(proctree, an_agents_parent_makes_a_short_life_a_member)
{
	struct proc_reading r[] = { proc(10, 1, 0) };
	pid_t a[] = { 10 };
	struct process *p;

	m.tree_root = 10;
	apply(1, r, 1, a, 1);
	p = model_agent_process(&m, 77, "/bin/child");
	cr_assert_not(p->in_tree);
	proctree_note_parent(&m, p, 10);
	cr_assert(p->in_tree);
	cr_assert_eq(p->ppid, 10);
	proctree_note_parent(&m, p, 1);
	cr_assert_eq(p->ppid, 10, "the first known parent stays");
}

Test(proctree, list_is_depth_first_with_depths)
{
	struct proc_reading r[] = { proc(10, 1, 0), proc(12, 10, 0), proc(11, 10, 0),
	                            proc(13, 11, 0), proc(14, 99, 0) };
	pid_t a[] = { 10, 11, 12, 13, 14 };
	struct proctree_entry e[8];
	size_t n;

	m.tree_root = 10;
	m.tree_reaper = 99;
	apply(1, r, 5, a, 5);
	n = proctree_list(&m, e, 8);
	cr_assert_eq(n, 5);
	/* born in the same reading: children by pid */
	cr_assert_eq(e[0].p->pid, 10);
	cr_assert_eq(e[0].depth, 0);
	cr_assert_eq(e[1].p->pid, 11);
	cr_assert_eq(e[1].depth, 1);
	cr_assert_eq(e[2].p->pid, 13);
	cr_assert_eq(e[2].depth, 2);
	cr_assert_eq(e[2].parent, 11);
	cr_assert_eq(e[3].p->pid, 12);
	cr_assert_eq(e[3].depth, 1);
	cr_assert_eq(e[4].p->pid, 14, "an adopted orphan comes after the root's subtree");
	cr_assert_eq(e[4].depth, 0);
	cr_assert_eq(proctree_list(&m, e, 2), 5, "the count whatever the room");
}

Test(proctree, statuses_and_cpu)
{
	struct proc_reading r[] = { proc(10, 1, 250), proc(11, 10, 0) };
	pid_t a[] = { 10, 11 };
	struct process *p;
	char buf[160];

	m.tree_root = 10;
	apply(1, r, 2, a, 2);
	p = model_find(&m, 10);
	cr_assert_float_eq(proctree_cpu_seconds(p), 2.5, 1e-9);
	proctree_status(p, buf, sizeof(buf));
	cr_assert_str_eq(buf, "running");
	proctree_reaped(&m, p, 3 << 8);
	proctree_status(p, buf, sizeof(buf));
	cr_assert_str_eq(buf, "exited with status 3");
	cr_assert(p->exited);
	proctree_reaped(&m, model_find(&m, 11), SIGSEGV);
	proctree_status(model_find(&m, 11), buf, sizeof(buf));
	cr_assert(strstr(buf, "SIGSEGV"), "%s", buf);
	/* exited, reaped by someone else, no agent: said so */
	apply(2, r, 0, a, 2);
	proctree_agent_status(model_find(&m, 11), buf, sizeof(buf));
	cr_assert_str_eq(buf, "exited before an agent connected");
}

/* Adds n samples of the stack main;name (module mod) on tid to p. */
static void add(struct profile *p, pid_t tid, const char *mod, const char *name, uint64_t n)
{
	uint32_t f[2] = { profile_func(p, mod, "main", NULL, 0), profile_func(p, mod, name, NULL, 0) };

	profile_add_samples(p, tid, f, 2, n, 100);
}

Test(proctree, merge_counts_every_sample_once_and_keeps_threads_apart)
{
	struct proc_reading r[] = { proc(10, 1, 0), proc(11, 10, 0), proc(12, 1, 0) };
	pid_t a[] = { 10, 11, 12 };
	struct process *p10, *p11, *p12;
	struct profile *t;
	uint32_t id;

	m.tree_root = 10;
	apply(1, r, 3, a, 3);
	p10 = model_agent_process(&m, 10, "/bin/prog");
	p11 = model_agent_process(&m, 11, "/bin/prog");
	p12 = model_agent_process(&m, 12, "/bin/other"); /* not a member */
	/* the functions get other ids in each profile */
	add(p11->profile, 11, "prog", "child_work", 50);
	add(p10->profile, 10, "prog", "parent_work", 20);
	add(p10->profile, 15, "prog", "child_work", 5); /* a second thread of 10 */
	profile_add_samples(p10->profile, 10, NULL, 0, 2, 100); /* no stack */
	add(p12->profile, 12, "other", "outside", 1000);
	profile_zone_event_at(p10->profile, profile_zone(p10->profile, "parse"), 10, 100, 1000);
	profile_zone_event_at(p11->profile, profile_zone(p11->profile, "parse"), 11, 100, 3000);

	t = proctree_merge(&m);
	cr_assert_eq(t->samples, 77);
	cr_assert_eq(t->nthreads, 3);
	id = profile_func(t, "prog", "child_work", NULL, 0);
	cr_assert_eq(t->funcs[id].self, 55);
	id = profile_func(t, "prog", "main", NULL, 0);
	cr_assert_eq(t->funcs[id].total, 75);
	cr_assert_eq(profile_func_count(t), 3, "main, child_work, parent_work: 'outside' is not a member's");
	cr_assert_eq(profile_thread(t, 15)->samples, 5);
	cr_assert_eq(proctree_thread_pid(&m, 15), p10);
	cr_assert_eq(proctree_thread_pid(&m, 11), p11);
	cr_assert_null(proctree_thread_pid(&m, 12), "not a member");
	cr_assert_eq(profile_zone_count(t), 1);
	cr_assert_eq(profile_zone_hist(t, 0, 0)->count, 2);
	cr_assert_eq(profile_zone_hist(t, 0, 11)->count, 1);
	{
		struct profile_view v;

		profile_view_init(&v);
		v.tid = 15;
		profile_view_update(t, &v, profile_now(t));
		cr_assert_eq(v.samples, 5, "narrowing the merged profile to one thread");
		profile_view_release(&v);
	}
	profile_free(t);

	{
		struct proctree_scope s = { 11, 0 };
		struct profile *merged = NULL;

		cr_assert_eq(proctree_scope_profile(&m, &s, &merged), p11->profile);
		cr_assert_null(merged);
		s.pid = 0;
		t = proctree_scope_profile(&m, &s, &merged);
		cr_assert_eq(t, merged);
		cr_assert_eq(t->samples, 77);
		profile_free(merged);
	}
}

Test(proctree, live_profile_equals_the_merge_and_takes_late_members_once)
{
	struct proc_reading r[] = { proc(10, 1, 0) };
	pid_t a[] = { 10, 11 };
	struct process *p10, *p11;
	struct profile *merged;
	uint32_t f10[2], f11[2];

	m.tree_root = 10;
	apply(1, r, 1, a, 1);
	p10 = model_agent_process(&m, 10, "/bin/prog");
	add(p10->profile, 10, "prog", "early", 3); /* before the live profile */
	proctree_live_on(&m);
	cr_assert_eq(m.tree_profile->samples, 3);
	f10[0] = profile_func(p10->profile, "prog", "main", NULL, 0);
	f10[1] = profile_func(p10->profile, "prog", "parent_work", NULL, 0);
	profile_add_samples(p10->profile, 10, f10, 2, 4, 101);
	proctree_add_samples(&m, p10, 10, f10, 2, 4, 101);
	/* 11's agent reports before anything says who its parent is */
	p11 = model_agent_process(&m, 11, "/bin/prog");
	f11[0] = profile_func(p11->profile, "prog", "child_only", NULL, 0);
	f11[1] = profile_func(p11->profile, "prog", "main", NULL, 0);
	profile_add_samples(p11->profile, 11, f11, 2, 6, 101);
	proctree_add_samples(&m, p11, 11, f11, 2, 6, 101);
	cr_assert_eq(m.tree_profile->samples, 7, "not a member yet");
	proctree_note_parent(&m, p11, 10); /* joins: its 6 samples come in once */
	cr_assert_eq(m.tree_profile->samples, 13);
	profile_add_samples(p11->profile, 11, f11, 2, 2, 102);
	proctree_add_samples(&m, p11, 11, f11, 2, 2, 102);
	profile_zone_event_at(p11->profile, profile_zone(p11->profile, "z"), 11, 102, 500);
	proctree_add_zone_event(&m, p11, profile_zone(p11->profile, "z"), 11, 102, 500);
	cr_assert_eq(m.tree_profile->samples, 15);

	merged = proctree_merge(&m);
	cr_assert_eq(merged->samples, m.tree_profile->samples);
	for (size_t i = 0; i < profile_func_count(merged); i++) {
		const struct profile_func *f = &merged->funcs[i];
		uint32_t id = profile_func(m.tree_profile, f->module, f->name, NULL, 0);

		cr_assert_eq(m.tree_profile->funcs[id].self, f->self, "%s", f->name);
		cr_assert_eq(m.tree_profile->funcs[id].total, f->total, "%s", f->name);
	}
	cr_assert_eq(profile_zone_hist(m.tree_profile, profile_zone(m.tree_profile, "z"), 0)->count, 1);
	profile_free(merged);
	{
		struct proctree_scope s = { 0, 0 };
		struct profile *none = NULL;

		cr_assert_eq(proctree_scope_profile(&m, &s, &none), m.tree_profile);
		cr_assert_null(none);
	}
}

Test(proctree, exited_members_outlive_the_cap_of_other_exited_agents)
{
	enum { N = MODEL_KEEP_EXITED + 50 };
	static struct proc_reading r[N + 1];
	static pid_t a[N + 1];

	m.tree_root = 10;
	for (int i = 0; i <= N; i++) {
		r[i] = proc(10 + i, i ? 10 : 1, 0);
		a[i] = 10 + i;
	}
	apply(1, r, N + 1, a, N + 1);
	for (int i = 0; i < N; i++) /* agent processes outside the tree too */
		model_agent_process(&m, 100000 + i, "/bin/other");
	apply(2, r, 1, a, N + 1); /* every child exited */
	cr_assert_eq(proctree_count(&m), N + 1);
	for (int i = 1; i <= N; i++)
		cr_assert(model_find(&m, 10 + i)->exited);
}
