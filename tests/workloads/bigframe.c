/*
 * bigframe — a stack frame bigger than the outside sampler's stack copy,
 * for its truncation test: main calls big_frame, which keeps 64 KiB of
 * locals and calls leaf_spin until SECONDS (default 3) of CPU were used.
 * `bigframe [SECONDS]`. A sampler copying less than 64 KiB of stack cannot
 * reach main's frame from leaf_spin: its stacks must say they were cut.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile unsigned long sink;

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void leaf_spin(volatile unsigned char *buf)
{
	unsigned long x = sink;

	for (int i = 0; i < 200000; i++)
		x = x * 6364136223846793005UL + buf[i & 4095];
	sink = x;
}

__attribute__((noinline)) static void big_frame(double seconds)
{
	volatile unsigned char buf[64 * 1024];

	memset((void *)buf, 1, sizeof(buf));
	while (cpu_seconds() < seconds)
		leaf_spin(buf);
	sink += buf[100];
}

int main(int argc, char **argv)
{
	big_frame(argc > 1 ? atof(argv[1]) : 3);
	puts("bigframe: done");
	return 0;
}
