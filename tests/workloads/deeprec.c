/*
 * deeprec — deep recursion for the agent's overhead benchmark: stacks of
 * DEPTH frames (default 200) with the work at the bottom, repeated ROUNDS
 * times (default 20000): a fixed amount of work, so wall times compare.
 * `deeprec [ROUNDS [DEPTH]]`.
 */
#include <stdio.h>
#include <stdlib.h>

static volatile unsigned long sink;

__attribute__((noinline)) static unsigned long descend(int depth)
{
	unsigned long x = (unsigned long)depth;

	if (depth == 0) {
		for (int i = 0; i < 20000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
		return x;
	}
	x += descend(depth - 1);
	sink = x; /* keeps the call from becoming a tail call */
	return x;
}

int main(int argc, char **argv)
{
	unsigned long rounds = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
	int depth = argc > 2 ? atoi(argv[2]) : 200;

	for (unsigned long r = 0; r < rounds; r++)
		sink += descend(depth);
	printf("deeprec: %lu rounds at depth %d\n", rounds, depth);
	return 0;
}
