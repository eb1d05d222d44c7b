/*
 * twothreads — two threads whose CPU times are in a 2:1 ratio, for the
 * end-to-end profile test. "heavy" burns continuously; "light" burns only
 * while its CPU time is below half of heavy's. `twothreads [SECONDS]`
 * (default 3) stops when heavy has used that much CPU time.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NOINLINE __attribute__((noinline))

static _Atomic double heavy_cpu;
static atomic_int done;
static volatile unsigned long sink;

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

NOINLINE static void burn_a_little(void)
{
	unsigned long x = sink;

	for (int i = 0; i < 200000; i++)
		x = x * 6364136223846793005UL + 1;
	sink = x;
}

NOINLINE static void *light_main(void *arg)
{
	struct timespec nap = { 0, 200000 };

	(void)arg;
	while (!atomic_load(&done)) {
		if (thread_cpu() * 2 < atomic_load(&heavy_cpu))
			burn_a_little();
		else
			nanosleep(&nap, NULL);
	}
	return NULL;
}

NOINLINE static void heavy_loop(double limit)
{
	while (thread_cpu() < limit) {
		burn_a_little();
		atomic_store(&heavy_cpu, thread_cpu());
	}
}

int main(int argc, char **argv)
{
	double limit = argc > 1 ? atof(argv[1]) : 3.0;
	pthread_t light;

	pthread_create(&light, NULL, light_main, NULL);
	heavy_loop(limit);
	atomic_store(&done, 1);
	pthread_join(light, NULL);
	printf("twothreads: done\n");
	return 0;
}
