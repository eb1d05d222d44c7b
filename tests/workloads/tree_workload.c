/*
 * tree_workload — process trees with known answers, for the tree suite.
 * Every process burns CPU time (its own clock, not wall time) in a function
 * whose name says which process it is, so the shares are known whatever the
 * machine's load:
 *   tree [S]           this process 20 % of S CPU-seconds (default 3) in
 *                      work_parent, a forked child 50 % in work_forked, an
 *                      exec'd child (execd) 30 % in work_execd
 *   execd S            the exec'd child's part: S in work_execd
 *   burn S [STATUS]    S in work_burn, then exit with STATUS (default 0)
 *   chain N S          S in work_chain, then exec chain N-1 S (N steps in all)
 *   short N MS         N children one after another, each MS ms in work_short
 *   daemon S FILE      a double-forked daemon (setsid) burns S in work_daemon,
 *                      writes FILE and exits 3; this process waits (up to
 *                      60 s) until the daemon has been reaped by whoever
 *                      adopted it, then exits 0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static volatile unsigned long sink;

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

NOINLINE static void spin_until(double limit)
{
	unsigned long x = sink;

	while (cpu_seconds() < limit)
		for (int i = 0; i < 20000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
	sink = x;
}

/* Each burns s more CPU-seconds of this thread. */
NOINLINE static void work_parent(double s) { spin_until(cpu_seconds() + s); }
NOINLINE static void work_forked(double s) { spin_until(cpu_seconds() + s); }
NOINLINE static void work_execd(double s) { spin_until(cpu_seconds() + s); }
NOINLINE static void work_burn(double s) { spin_until(cpu_seconds() + s); }
NOINLINE static void work_chain(double s) { spin_until(cpu_seconds() + s); }
NOINLINE static void work_short(double s) { spin_until(cpu_seconds() + s); }
NOINLINE static void work_daemon(double s) { spin_until(cpu_seconds() + s); }

static void wait_all(void)
{
	while (wait(NULL) > 0 || errno == EINTR)
		;
}

static int tree(const char *self, double s)
{
	char arg[64];
	pid_t pid = fork();

	if (pid == 0) {
		work_forked(0.5 * s);
		_exit(0);
	}
	pid = fork();
	if (pid == 0) {
		snprintf(arg, sizeof(arg), "%g", 0.3 * s);
		execl(self, self, "execd", arg, (char *)NULL);
		_exit(127);
	}
	work_parent(0.2 * s);
	wait_all();
	return 0;
}

static int chain(const char *self, int n, const char *s)
{
	char next[16];

	work_chain(atof(s));
	if (n <= 1)
		return 0;
	snprintf(next, sizeof(next), "%d", n - 1);
	execl(self, self, "chain", next, s, (char *)NULL);
	return 127;
}

static int shorts(int n, double ms)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			work_short(ms / 1000);
			exit(0); /* as a program's child ends: atexit handlers run */
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	return 0;
}

static int daemonized(double s, const char *file)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	int fds[2];
	pid_t pid, daemon_pid = 0;
	char path[64];

	if (pipe(fds) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		if (fork() == 0) {
			FILE *f;

			setsid();
			daemon_pid = getpid();
			if (write(fds[1], &daemon_pid, sizeof(daemon_pid)) < 0)
				_exit(1);
			close(fds[1]);
			work_daemon(s);
			f = fopen(file, "w");
			if (f) {
				fprintf(f, "%d\n", (int)getpid());
				fclose(f);
			}
			exit(3);
		}
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &daemon_pid, sizeof(daemon_pid)) != (ssize_t)sizeof(daemon_pid))
		return 1;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	/* Until whoever adopted it has reaped it: its /proc entry is gone. */
	snprintf(path, sizeof(path), "/proc/%d", (int)daemon_pid);
	for (int i = 0; i < 3000 && access(path, F_OK) == 0; i++)
		nanosleep(&nap, NULL);
	return access(path, F_OK) == 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "tree";

	if (!strcmp(mode, "tree"))
		return tree(argv[0], argc > 2 ? atof(argv[2]) : 3.0);
	if (!strcmp(mode, "execd") && argc > 2) {
		work_execd(atof(argv[2]));
		return 0;
	}
	if (!strcmp(mode, "burn") && argc > 2) {
		work_burn(atof(argv[2]));
		return argc > 3 ? atoi(argv[3]) : 0;
	}
	if (!strcmp(mode, "chain") && argc > 3)
		return chain(argv[0], atoi(argv[2]), argv[3]);
	if (!strcmp(mode, "short") && argc > 3)
		return shorts(atoi(argv[2]), atof(argv[3]));
	if (!strcmp(mode, "daemon") && argc > 3)
		return daemonized(atof(argv[2]), argv[3]);
	fprintf(stderr, "usage: tree_workload tree [S] | execd S | burn S [STATUS] | chain N S |"
			" short N MS | daemon S FILE\n");
	return 2;
}
