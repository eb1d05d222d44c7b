/*
 * mtwork — a fixed amount of work split over THREADS threads (default 2),
 * for the agent's overhead benchmark: each thread runs ITERS (default 400)
 * rounds of a floating-point loop. `mtwork [THREADS [ITERS]]`.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static long iters = 400;

__attribute__((noinline)) static double step(double x)
{
	for (int i = 0; i < 100000; i++)
		x = x * 1.0000001 + 0.5 / (x + 1.0);
	return x;
}

static void *worker(void *arg)
{
	double x = (double)(long)arg;

	for (long i = 0; i < iters; i++)
		x = step(x);
	return (void *)(long)(x > 0);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2;
	pthread_t t[64];

	if (argc > 2)
		iters = atol(argv[2]);
	if (n < 1 || n > 64)
		n = 2;
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, worker, (void *)(long)(i + 1));
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("mtwork: %d threads x %ld rounds\n", n, iters);
	return 0;
}
