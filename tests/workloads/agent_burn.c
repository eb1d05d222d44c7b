/*
 * agent_burn — a CPU-bound workload for the agent's tests: THREADS threads
 * (default 1) each burn SECONDS (default 2) of their own CPU time in a loop
 * of floating-point work; with STOPFILE, each then burns on until that file
 * exists (at most 10 minutes), so a test decides when they end. Prints
 * "burn done threads=N" on stdout and the process's CPU time as "cpu_ms=N"
 * on stderr (so stdout is the same on every run).
 *
 *   agent_burn [SECONDS [THREADS [STOPFILE]]]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double seconds = 2.0;
static const char *stopfile;

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static double burn_step(double x)
{
	for (int i = 0; i < 20000; i++)
		x = x * 1.0000001 + 0.5 / (x + 1.0);
	return x;
}

static void *burn(void *arg)
{
	double start = thread_cpu(), x = 1.0;

	(void)arg;
	while (thread_cpu() - start < seconds)
		x = burn_step(x);
	if (stopfile) {
		time_t give_up = time(NULL) + 600;

		while (access(stopfile, F_OK) != 0 && time(NULL) < give_up)
			for (int i = 0; i < 20; i++)
				x = burn_step(x);
	}
	return x > 0 ? NULL : arg;
}

int main(int argc, char **argv)
{
	int threads = argc > 2 ? atoi(argv[2]) : 1;
	pthread_t t[64];
	struct timespec ts;

	if (argc > 1)
		seconds = atof(argv[1]);
	if (argc > 3)
		stopfile = argv[3];
	if (threads < 1 || threads > 64)
		threads = 1;
	for (int i = 1; i < threads; i++)
		pthread_create(&t[i], NULL, burn, NULL);
	burn(NULL);
	for (int i = 1; i < threads; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	printf("burn done threads=%d\n", threads);
	fprintf(stderr, "cpu_ms=%lld\n", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	return 0;
}
