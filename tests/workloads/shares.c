/*
 * shares — one thread whose CPU time splits 50/30/20 % between three
 * functions, for the end-to-end profile test. Each function runs the same
 * inner loop for a number of rounds in that ratio; `shares [SECONDS]`
 * (default 3) keeps going until that much CPU time was used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NOINLINE __attribute__((noinline))

static volatile unsigned long sink;

NOINLINE static void spin(int rounds)
{
	unsigned long x = sink;

	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < 10000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
	sink = x;
}

NOINLINE static void work_fifty(void)
{
	spin(50);
}

NOINLINE static void work_thirty(void)
{
	spin(30);
}

NOINLINE static void work_twenty(void)
{
	spin(20);
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double limit = argc > 1 ? atof(argv[1]) : 3.0;

	while (cpu_seconds() < limit) {
		work_fifty();
		work_thirty();
		work_twenty();
	}
	printf("shares: done\n");
	return 0;
}
