/* timeit — runs a command and writes its own wall-clock and CPU time to a
 * file, so a benchmark times the profiled program and not the profiler
 * around it (perftop run's exit wait, perf's post-processing).
 *
 * Usage: timeit OUT COMMAND [ARG...]
 * Writes one line to OUT: "WALL_S CPU_S USER_S SYS_S PID STATUS END_S", where
 * WALL_S runs from just before the fork to the reaping of the command, CPU
 * is the command's user+system time from wait4(2) (its own threads, a
 * preloaded agent's included), PID the command's pid and STATUS its exit
 * status (128+N after signal N) and END_S the CLOCK_MONOTONIC time of the
 * reaping, in seconds. Exits with that status.
 *
 * It is linked statically so that LD_PRELOAD (an agent, libprofiler.so)
 * passes through it to the command without loading into it. After the
 * command is reaped it waits BENCH_LINGER_MS (default 300) before exiting,
 * so a profiler that stops when this process exits has the command's last
 * frames in. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void linger(void)
{
	const char *s = getenv("BENCH_LINGER_MS");
	long ms = s && *s ? strtol(s, NULL, 10) : 300;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	if (ms > 0)
		nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double t0, wall, end;
	int status, code;
	FILE *out;
	pid_t pid;

	if (argc < 3) {
		fputs("usage: timeit OUT COMMAND [ARG...]\n", stderr);
		return 2;
	}
	out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "timeit: cannot write '%s': %s\n", argv[1], strerror(errno));
		return 2;
	}
	t0 = mono_s();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "timeit: cannot fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "timeit: cannot run '%s': %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "timeit: wait4: %s\n", strerror(errno));
			return 2;
		}
	end = mono_s();
	wall = end - t0;
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(out, "%.6f %.6f %.6f %.6f %d %d %.6f\n", wall, tv_s(ru.ru_utime) + tv_s(ru.ru_stime),
	        tv_s(ru.ru_utime), tv_s(ru.ru_stime), (int)pid, code, end);
	if (fclose(out) != 0) {
		fprintf(stderr, "timeit: cannot write '%s': %s\n", argv[1], strerror(errno));
		return 2;
	}
	linger();
	return code;
}
