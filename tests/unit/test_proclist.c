/* Unit tests for model/proclist: sorting by every key in both directions
 * (ties broken by pid), and filtering by name, command line, user and pid. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/proclist.h"

/* A process with just the fields the list looks at. */
static struct process mk(pid_t pid, const char *comm, const char *cmdline, const char *user,
			 double cpu, unsigned long long rss_kb)
{
	struct process p;

	memset(&p, 0, sizeof(p));
	p.pid = pid;
	snprintf(p.comm, sizeof(p.comm), "%s", comm);
	snprintf(p.user, sizeof(p.user), "%s", user);
	p.cmdline = (char *)cmdline;
	p.cpu = cpu;
	p.rss_kb = rss_kb;
	return p;
}

static struct process procs[6];
static struct process *ptrs[6];

static void setup(void)
{
	procs[0] = mk(40, "bash", "-bash", "alice", 0.0, 5000);
	procs[1] = mk(7, "Xorg", "/usr/lib/xorg/Xorg :0", "root", 12.5, 90000);
	procs[2] = mk(300, "burn", "./burn --load 50", "bob", 50.0, 2000);
	procs[3] = mk(12, "sshd", "sshd: alice [priv]", "root", 0.0, 7000);
	procs[4] = mk(1234, "burn", "./burn --load 50", "bob", 50.0, 2000);
	procs[5] = mk(1, "systemd", "/sbin/init", "root", 0.5, 12000);
	for (int i = 0; i < 6; i++)
		ptrs[i] = &procs[i];
}

static void expect_order(const pid_t *want)
{
	for (int i = 0; i < 6; i++)
		cr_expect_eq(ptrs[i]->pid, want[i], "position %d: pid %d, expected %d", i,
			     (int)ptrs[i]->pid, (int)want[i]);
}

TestSuite(proclist, .init = setup);

Test(proclist, cpu_descending_ties_by_pid)
{
	const pid_t want[] = { 300, 1234, 7, 1, 12, 40 };

	proc_sort(ptrs, 6, PROC_SORT_CPU, true);
	expect_order(want);
}

Test(proclist, cpu_ascending_ties_by_pid)
{
	const pid_t want[] = { 12, 40, 1, 7, 300, 1234 };

	proc_sort(ptrs, 6, PROC_SORT_CPU, false);
	expect_order(want);
}

Test(proclist, rss_both_directions)
{
	const pid_t desc[] = { 7, 1, 12, 40, 300, 1234 };
	const pid_t asc[] = { 300, 1234, 40, 12, 1, 7 };

	proc_sort(ptrs, 6, PROC_SORT_RSS, true);
	expect_order(desc);
	proc_sort(ptrs, 6, PROC_SORT_RSS, false);
	expect_order(asc);
}

Test(proclist, pid_both_directions)
{
	const pid_t asc[] = { 1, 7, 12, 40, 300, 1234 };
	const pid_t desc[] = { 1234, 300, 40, 12, 7, 1 };

	proc_sort(ptrs, 6, PROC_SORT_PID, false);
	expect_order(asc);
	proc_sort(ptrs, 6, PROC_SORT_PID, true);
	expect_order(desc);
}

Test(proclist, name_case_insensitive_both_directions)
{
	/* bash < burn(300) = burn(1234) < sshd < systemd < Xorg, ignoring case */
	const pid_t asc[] = { 40, 300, 1234, 12, 1, 7 };
	const pid_t desc[] = { 7, 1, 12, 300, 1234, 40 };

	proc_sort(ptrs, 6, PROC_SORT_NAME, false);
	expect_order(asc);
	proc_sort(ptrs, 6, PROC_SORT_NAME, true);
	expect_order(desc);
}

Test(proclist, sort_is_stable_across_input_orders)
{
	struct process *rev[6];
	const pid_t want[] = { 300, 1234, 7, 1, 12, 40 };

	for (int i = 0; i < 6; i++)
		rev[i] = ptrs[5 - i];
	proc_sort(rev, 6, PROC_SORT_CPU, true);
	for (int i = 0; i < 6; i++)
		cr_expect_eq(rev[i]->pid, want[i]);
}

Test(proclist, default_directions_and_labels)
{
	cr_expect(proc_sort_default_descending(PROC_SORT_CPU));
	cr_expect(proc_sort_default_descending(PROC_SORT_RSS));
	cr_expect_not(proc_sort_default_descending(PROC_SORT_PID));
	cr_expect_not(proc_sort_default_descending(PROC_SORT_NAME));
	cr_expect_str_eq(proc_sort_label(PROC_SORT_CPU), "CPU%");
	cr_expect_str_eq(proc_sort_label(PROC_SORT_PID), "PID");
}

Test(proclist, filter_by_name_cmdline_user)
{
	cr_expect(proc_matches(&procs[1], "xorg"));     /* comm, any case */
	cr_expect(proc_matches(&procs[1], "LIB/XORG")); /* cmdline, any case */
	cr_expect(proc_matches(&procs[2], "--load"));   /* cmdline only */
	cr_expect(proc_matches(&procs[0], "ALICE"));    /* user */
	cr_expect(proc_matches(&procs[3], "priv"));
	cr_expect_not(proc_matches(&procs[0], "xorg"));
	cr_expect_not(proc_matches(&procs[5], "bob"));
}

Test(proclist, filter_by_pid_is_exact)
{
	cr_expect(proc_matches(&procs[4], "1234"));
	cr_expect_not(proc_matches(&procs[4], "123"));
	cr_expect_not(proc_matches(&procs[2], "30")); /* pid 300: not a prefix match */
	cr_expect(proc_matches(&procs[5], "1"));
}

Test(proclist, empty_filter_matches_all)
{
	for (int i = 0; i < 6; i++) {
		cr_expect(proc_matches(&procs[i], ""));
		cr_expect(proc_matches(&procs[i], NULL));
	}
}

/* Before the first reading there is nothing to list, and no array yet. */
Test(proclist, build_from_an_empty_model)
{
	struct model m;
	struct process **out = NULL;
	size_t alloc = 0;

	model_init(&m, 1.0);
	cr_expect_eq(proclist_build(&m, "", PROC_SORT_CPU, true, &out, &alloc), 0);
	proc_sort(NULL, 0, PROC_SORT_PID, false);
	free(out);
	model_release(&m);
}

/* proclist_build over a real model: filtered, sorted, the array grown. */
Test(proclist, build_from_model)
{
	struct model m;
	struct proc_reading r[4];
	struct tick_reading t;
	struct process **out = NULL;
	size_t alloc = 0, n;
	const char *names[] = { "alpha", "Beta", "gamma", "alphabet" };

	model_init(&m, 1.0);
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 4; i++) {
		r[i].pid = 100 - i;
		r[i].threads = 1;
		r[i].start_ticks = 1;
		r[i].rss_kb = 1000u * (unsigned)(i + 1);
		snprintf(r[i].comm, sizeof(r[i].comm), "%s", names[i]);
		snprintf(r[i].user, sizeof(r[i].user), "u");
		r[i].cmdline = names[i];
	}
	memset(&t, 0, sizeof(t));
	t.sys.time = 1;
	t.procs = r;
	t.nprocs = 4;
	t.hz = 100;
	t.full_scan = true;
	model_apply(&m, &t);

	n = proclist_build(&m, "ALPHA", PROC_SORT_RSS, true, &out, &alloc);
	cr_assert_eq(n, 2);
	cr_expect_eq(out[0]->pid, 97); /* alphabet, 4000 KiB */
	cr_expect_eq(out[1]->pid, 100); /* alpha, 1000 KiB */
	cr_expect_geq(alloc, 4);

	n = proclist_build(&m, "", PROC_SORT_NAME, false, &out, &alloc);
	cr_assert_eq(n, 4);
	cr_expect_str_eq(out[0]->comm, "alpha");
	cr_expect_str_eq(out[1]->comm, "alphabet");
	cr_expect_str_eq(out[2]->comm, "Beta");
	cr_expect_str_eq(out[3]->comm, "gamma");

	n = proclist_build(&m, "nothing-like-this", PROC_SORT_PID, false, &out, &alloc);
	cr_expect_eq(n, 0);
	free(out);
	model_release(&m);
}
