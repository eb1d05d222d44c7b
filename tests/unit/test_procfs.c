/* Unit tests for collect/procfs against the real /proc: this process, a forked
 * child that burns CPU, listed pids, and the reasons procfs_check_pid gives. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/procfs.h"

static struct procfs *pf;

static void setup(void)
{
	cr_assert_eq(procfs_open(&pf), 0);
}
static void teardown(void)
{
	procfs_close(pf);
}
TestSuite(procfs, .init = setup, .fini = teardown);

/* Reads (all processes when pids is NULL) and returns pid's reading or NULL. */
static const struct proc_reading *read_find(struct tick_reading *r, const pid_t *pids, size_t n,
					    pid_t pid)
{
	cr_assert_eq(procfs_read(pf, pids, n, r), 0);
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}

/* The comm the kernel shows for this process, read independently. */
static void own_comm(char *out, size_t len)
{
	FILE *f = fopen("/proc/self/comm", "r");

	cr_assert_not_null(f);
	cr_assert_not_null(fgets(out, (int)len, f));
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

static void burn_cpu(double seconds)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	do {
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
}

Test(procfs, finds_itself_with_pid_comm_and_user)
{
	struct tick_reading r;
	const struct proc_reading *me = read_find(&r, NULL, 0, getpid());
	char comm[64];

	cr_assert_not_null(me, "our pid %d is in a full scan", (int)getpid());
	cr_assert(r.full_scan);
	cr_assert_gt(r.nprocs, 1);
	own_comm(comm, sizeof(comm));
	cr_assert_str_eq(me->comm, comm);
	cr_assert_eq(me->uid, geteuid());
	cr_assert_neq(me->user[0], '\0');
	cr_assert_eq(me->state, 'R', "we are running while we read (state %c)", me->state);
	cr_assert_gt(me->start_ticks, 0);
	cr_assert_gt(me->rss_kb, 0);
	cr_assert_geq(me->vsize_kb, me->rss_kb);
	cr_assert_eq(r.hz, sysconf(_SC_CLK_TCK));
	/* A full scan without detail pids reads no details. */
	cr_assert_eq(me->fds, -1);
	cr_assert_not(me->io_ok);
	cr_assert_not(me->csw_ok);
}

Test(procfs, command_line_is_argv_joined_by_spaces)
{
	struct tick_reading r;
	pid_t self = getpid();
	const struct proc_reading *me = read_find(&r, &self, 1, self);
	char raw[PROCFS_CMDLINE_MAX + 1];
	FILE *f = fopen("/proc/self/cmdline", "r");
	size_t n = fread(raw, 1, PROCFS_CMDLINE_MAX, f);

	fclose(f);
	while (n > 0 && raw[n - 1] == '\0')
		n--;
	for (size_t i = 0; i < n; i++)
		if (raw[i] == '\0')
			raw[i] = ' ';
	raw[n] = '\0';
	cr_assert_not_null(me);
	cr_assert_str_eq(me->cmdline, raw);
}

static void *parked(void *arg)
{
	int *fds = arg;
	char c;

	return read(fds[0], &c, 1) < 0 ? NULL : arg;
}

Test(procfs, sees_a_second_thread)
{
	struct tick_reading r;
	pid_t self = getpid();
	int before, fds[2];
	pthread_t t;

	before = read_find(&r, &self, 1, self)->threads;
	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(pthread_create(&t, NULL, parked, fds), 0);
	cr_assert_eq(read_find(&r, &self, 1, self)->threads, before + 1);
	if (before == 1)
		cr_assert_eq(read_find(&r, NULL, 0, self)->threads, 2);
	cr_assert_eq(write(fds[1], "x", 1), 1);
	pthread_join(t, NULL);
	cr_assert_eq(read_find(&r, &self, 1, self)->threads, before);
}

Test(procfs, rss_grows_after_touching_64_mib)
{
	struct tick_reading r;
	pid_t self = getpid();
	size_t size = 64u << 20;
	unsigned long long before = read_find(&r, &self, 1, self)->rss_kb;
	char *mem = malloc(size);

	cr_assert_not_null(mem);
	for (size_t i = 0; i < size; i += 4096)
		mem[i] = (char)i;
	unsigned long long after = read_find(&r, &self, 1, self)->rss_kb;
	/* Linux counts RSS per CPU in batches: allow a few pages of slack. */
	cr_assert_geq(after, before + 60 * 1024, "rss %llu -> %llu KiB", before, after);
	cr_assert_eq(mem[4096 * 3], (char)(4096 * 3));
	free(mem);
}

Test(procfs, a_child_burning_cpu_has_advancing_ticks)
{
	struct tick_reading r;
	int go[2], done[2];
	char c;
	pid_t child;

	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(done), 0);
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		burn_cpu(1.0);
		if (write(done[1], "d", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	const struct proc_reading *p = read_find(&r, &child, 1, child);
	cr_assert_not_null(p);
	unsigned long long ticks0 = p->ticks, start0 = p->start_ticks;
	double t0 = r.sys.time;

	cr_assert_eq(write(go[1], "g", 1), 1);
	cr_assert_eq(read(done[0], &c, 1), 1);
	p = read_find(&r, NULL, 0, child);
	cr_assert_not_null(p, "the child is in a full scan");
	cr_assert_eq(p->start_ticks, start0, "the same process");
	/* It used at least 1 s of CPU between the readings; ticks round down. */
	cr_assert_geq(p->ticks - ticks0, (unsigned long long)(0.9 * (double)r.hz), "ticks %llu -> %llu",
		      ticks0, p->ticks);
	cr_assert_geq(r.sys.time - t0, 0.9, "CLOCK_BOOTTIME advanced with it");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

Test(procfs, a_listed_read_returns_only_the_listed_pids)
{
	struct tick_reading r;
	pid_t gone = fork();

	cr_assert_geq(gone, 0);
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);

	pid_t pids[2] = { getpid(), gone };
	cr_assert_eq(procfs_read(pf, pids, 2, &r), 0);
	cr_assert_not(r.full_scan);
	cr_assert_eq(r.nprocs, 1, "the reaped child is simply missing");
	cr_assert_eq(r.procs[0].pid, getpid());
	cr_assert_gt(r.sys.ncpu, 0, "system figures come with a partial read");

	/* A listed pid comes with its details. */
	const struct proc_reading *me = &r.procs[0];
	int before = me->fds, fds[2];

	cr_assert_geq(before, 3, "stdin, stdout, stderr at least");
	cr_assert(me->io_ok, "our own /proc/PID/io is readable");
	cr_assert(me->csw_ok);
	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(read_find(&r, pids, 1, getpid())->fds, before + 2);
	close(fds[0]);
	close(fds[1]);

	cr_assert_eq(procfs_read(pf, pids, 0, &r), 0);
	cr_assert_eq(r.nprocs, 0, "an empty list reads no process");
}

/* A file on a disk-backed filesystem (tmpfs writes are not storage I/O). */
static int open_disk_file(void)
{
	static const char *const dirs[] = { ".", "/var/tmp", "/tmp" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char path[64];
		struct statfs sf;
		int fd;

		if (statfs(dirs[i], &sf) != 0 || sf.f_type == TMPFS_MAGIC)
			continue;
		snprintf(path, sizeof(path), "%s/perftop-procfs-XXXXXX", dirs[i]);
		fd = mkstemp(path);
		if (fd < 0)
			continue;
		unlink(path);
		return fd;
	}
	return -1;
}

Test(procfs, io_counters_follow_writes)
{
	struct tick_reading r;
	pid_t self = getpid();
	static char block[1 << 16];
	int fd = open_disk_file();
	unsigned long long before;

	if (fd < 0)
		cr_skip_test("no writable disk-backed directory");
	before = read_find(&r, &self, 1, self)->io_write_bytes;
	for (int i = 0; i < 16; i++)
		cr_assert_eq(write(fd, block, sizeof(block)), (ssize_t)sizeof(block));
	cr_assert_eq(fsync(fd), 0);
	const struct proc_reading *me = read_find(&r, &self, 1, self);
	close(fd);
	cr_assert(me->io_ok);
	cr_assert_geq(me->io_write_bytes, before + 16 * sizeof(block), "write bytes %llu -> %llu",
		      before, me->io_write_bytes);
}

Test(procfs, detail_pids_get_details_in_a_full_scan)
{
	struct tick_reading r;
	pid_t self = getpid();
	const struct proc_reading *me;

	procfs_set_detail(pf, &self, 1);
	me = read_find(&r, NULL, 0, self);
	cr_assert(r.full_scan);
	cr_assert_not_null(me);
	cr_assert_geq(me->fds, 3);
	cr_assert(me->csw_ok);
	cr_assert(me->io_ok);
	for (size_t i = 0; i < r.nprocs; i++)
		if (r.procs[i].pid != self)
			cr_assert_eq(r.procs[i].fds, -1, "pid %d has no details", r.procs[i].pid);
	size_t n = 0;
	for (size_t i = 0; i < r.nprocs; i++)
		n += r.procs[i].pid == self;
	cr_assert_eq(n, 1, "read once");

	procfs_set_detail(pf, NULL, 0);
	cr_assert_eq(read_find(&r, NULL, 0, self)->fds, -1);
}

Test(procfs, command_line_follows_an_exec)
{
	struct tick_reading r;
	int go[2], execd[2];
	char c;
	pid_t child;

	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe2(execd, O_CLOEXEC), 0);
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		close(execd[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	close(execd[1]);
	const struct proc_reading *p = read_find(&r, NULL, 0, child);
	cr_assert_not_null(p);
	cr_assert_str_neq(p->cmdline, "sleep 30");
	cr_assert_eq(write(go[1], "g", 1), 1);
	cr_assert_eq(read(execd[0], &c, 1), 0, "EOF: the exec closed the pipe");
	p = read_find(&r, NULL, 0, child);
	cr_assert_not_null(p);
	cr_assert_str_eq(p->comm, "sleep");
	cr_assert_str_eq(p->cmdline, "sleep 30");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

Test(procfs, kernel_threads_have_an_empty_command_line)
{
	struct tick_reading r;
	size_t kthreads = 0;

	cr_assert_eq(procfs_read(pf, NULL, 0, &r), 0);
	for (size_t i = 0; i < r.nprocs; i++) {
		if (strcmp(r.procs[i].comm, "kthreadd"))
			continue;
		kthreads++;
		cr_assert_str_eq(r.procs[i].cmdline, "");
		cr_assert_eq(r.procs[i].rss_kb, 0);
	}
	if (!kthreads)
		cr_skip_test("no kthreadd visible (a pid namespace)");
}

Test(procfs, system_figures)
{
	struct tick_reading a, b;
	struct timespec before, now;
	pid_t none = 0;

	clock_gettime(CLOCK_BOOTTIME, &before);
	cr_assert_eq(procfs_read(pf, &none, 0, &a), 0);
	cr_assert_eq(a.sys.ncpu, sysconf(_SC_NPROCESSORS_ONLN));
	cr_assert_gt(a.sys.mem_total_kb, 0);
	cr_assert_leq(a.sys.mem_available_kb, a.sys.mem_total_kb);
	cr_assert_eq(a.sys.mem_used_kb, a.sys.mem_total_kb - a.sys.mem_available_kb);
	cr_assert_leq(a.sys.swap_used_kb, a.sys.swap_total_kb);
	cr_assert_geq(a.sys.load[0], 0);
	clock_gettime(CLOCK_BOOTTIME, &now);
	/* The reading's time is CLOCK_BOOTTIME taken during the read. */
	cr_assert_geq(a.sys.time, (double)before.tv_sec + before.tv_nsec / 1e9);
	cr_assert_leq(a.sys.time, (double)now.tv_sec + now.tv_nsec / 1e9);

	unsigned long long busy0 = a.sys.total.busy, cpu0 = 0, cpu1 = 0;
	for (int i = 0; i < a.sys.ncpu; i++)
		cpu0 += a.sys.per_cpu[i].busy + a.sys.per_cpu[i].idle;
	burn_cpu(0.2);
	cr_assert_eq(procfs_read(pf, &none, 0, &b), 0);
	cr_assert_gt(b.sys.total.busy, busy0, "burning 0.2 s shows as busy jiffies");
	for (int i = 0; i < b.sys.ncpu; i++)
		cpu1 += b.sys.per_cpu[i].busy + b.sys.per_cpu[i].idle;
	cr_assert_gt(cpu1, cpu0);
	cr_assert_gt(b.sys.time, a.sys.time);
}

Test(procfs, check_pid_gives_reasons)
{
	char why[128];
	pid_t gone = fork();

	cr_assert_geq(gone, 0);
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);

	cr_assert_eq(procfs_check_pid(getpid(), why, sizeof(why)), 0);
	why[0] = '\0';
	cr_assert_eq(procfs_check_pid(gone, why, sizeof(why)), -ESRCH);
	cr_assert_str_eq(why, "no such process");
	cr_assert_eq(procfs_check_pid(0, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "not a process id");
	cr_assert_eq(procfs_check_pid(-5, why, sizeof(why)), -EINVAL);
}

static void *report_tid(void *arg)
{
	int *fds = arg;
	pid_t tid = (pid_t)syscall(SYS_gettid);
	char c;

	if (write(fds[1], &tid, sizeof(tid)) != sizeof(tid) || read(fds[0], &c, 1) < 0)
		return NULL;
	return arg;
}

Test(procfs, check_pid_refuses_a_thread)
{
	char why[128], expect[128];
	int to_main[2], to_thread[2], fds[2];
	pthread_t t;
	pid_t tid;

	cr_assert_eq(pipe(to_main), 0);
	cr_assert_eq(pipe(to_thread), 0);
	fds[0] = to_thread[0];
	fds[1] = to_main[1];
	cr_assert_eq(pthread_create(&t, NULL, report_tid, fds), 0);
	cr_assert_eq(read(to_main[0], &tid, sizeof(tid)), (ssize_t)sizeof(tid));
	cr_assert_eq(procfs_check_pid(tid, why, sizeof(why)), -ESRCH);
	snprintf(expect, sizeof(expect), "%d is a thread of process %d, not a process", (int)tid,
		 (int)getpid());
	cr_assert_str_eq(why, expect);
	cr_assert_eq(write(to_thread[1], "x", 1), 1);
	pthread_join(t, NULL);
}
