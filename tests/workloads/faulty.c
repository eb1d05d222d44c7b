/*
 * faulty — a target that misbehaves, for the fault suites (tests/faults/).
 * Run it with the agent preloaded. Every mode burns CPU in functions of
 * known names first, so a profile has something to keep:
 *
 *   faulty segv SECS      burn SECS in faulty_burn_before, then dereference
 *                         NULL (killed by SIGSEGV)
 *   faulty burn SECS      burn SECS in faulty_burn_before, print
 *                         "faulty burn done" (a long SECS: a target to kill)
 *   faulty fork N SECS    burn SECS/2 in faulty_burn_before, fork N children
 *                         that live ~300 ms (long enough for their agents to
 *                         connect) and exit at the same moment, reap them,
 *                         burn SECS/2 in faulty_burn_after, print
 *                         "faulty forked N, reaped M"
 *   faulty idle SECS      burn 50 ms in faulty_burn_before, sleep SECS, print
 *                         "faulty idle done" (one of many connected agents)
 *   faulty hold SECS FILE burn 50 ms in faulty_burn_before, sleep until FILE
 *                         exists (at most SECS), print "faulty hold done" (a
 *                         connected agent that lives as long as a test needs)
 *   faulty exec SECS      burn SECS/2 in faulty_burn_before, then exec
 *                         itself as "faulty after-exec SECS/2", which burns in
 *                         faulty_burn_after and prints "faulty exec done"
 *
 * Output on stdout is the same on every run of a mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static double step(double x)
{
	for (int i = 0; i < 20000; i++)
		x = x * 1.0000001 + 0.5 / (x + 1.0);
	return x;
}

__attribute__((noinline)) static double faulty_burn_before(double secs)
{
	double start = cpu_now(), x = 1.0;

	while (cpu_now() - start < secs)
		x = step(x);
	return x;
}

__attribute__((noinline)) static double faulty_burn_after(double secs)
{
	double start = cpu_now(), x = 2.0;

	while (cpu_now() - start < secs)
		x = step(x);
	return x;
}

static volatile double sink;
static volatile int *volatile nowhere; /* NULL, and the compiler can't know */

static int do_fork(int n, double secs)
{
	double deadline;
	int reaped = 0;

	sink = faulty_burn_before(secs / 2);
	fflush(stdout);
	deadline = mono_now() + 0.3;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			/* Live until the common deadline, then exit (running the
			 * agent's destructor) together with the others. */
			while (mono_now() < deadline) {
				struct timespec nap = {0, 5 * 1000 * 1000};

				nanosleep(&nap, NULL);
			}
			exit(0);
		}
		if (pid < 0) {
			perror("fork");
			break;
		}
	}
	while (wait(NULL) > 0)
		reaped++;
	sink = faulty_burn_after(secs / 2);
	printf("faulty forked %d, reaped %d\n", n, reaped);
	return 0;
}

static int do_exec(const char *self, double secs)
{
	char arg[32];

	sink = faulty_burn_before(secs / 2);
	snprintf(arg, sizeof(arg), "%g", secs / 2);
	fflush(stdout);
	execl(self, "faulty", "after-exec", arg, (char *)NULL);
	perror("exec");
	return 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	double secs = argc > 2 ? atof(argv[2]) : 1.0;

	if (!strcmp(mode, "segv")) {
		sink = faulty_burn_before(secs);
		*nowhere = 1;
		return 0;
	}
	if (!strcmp(mode, "burn")) {
		sink = faulty_burn_before(secs);
		printf("faulty burn done\n");
		return 0;
	}
	if (!strcmp(mode, "idle")) {
		struct timespec nap = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};

		sink = faulty_burn_before(0.05);
		nanosleep(&nap, NULL);
		printf("faulty idle done\n");
		return 0;
	}
	if (!strcmp(mode, "hold") && argc > 3) {
		struct timespec nap = {0, 100 * 1000 * 1000};
		double end = mono_now() + secs;

		sink = faulty_burn_before(0.05);
		while (access(argv[3], F_OK) != 0 && mono_now() < end)
			nanosleep(&nap, NULL);
		printf("faulty hold done\n");
		return 0;
	}
	if (!strcmp(mode, "fork") && argc > 3)
		return do_fork(atoi(argv[2]), atof(argv[3]));
	if (!strcmp(mode, "exec")) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n < 0)
			return 1;
		self[n] = '\0';
		return do_exec(self, secs);
	}
	if (!strcmp(mode, "after-exec")) {
		sink = faulty_burn_after(secs);
		printf("faulty exec done\n");
		return 0;
	}
	fprintf(stderr, "usage: faulty segv|burn|idle|exec SECS | fork N SECS | hold SECS FILE\n");
	return 2;
}
