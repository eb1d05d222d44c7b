/*
 * chain — one image of an exec chain: works STEP_MS of CPU time, then execs
 * the next copy of itself (DIR/chain_NN, made by the suite), so each image
 * is a module of its own name in the profile. The last prints the length.
 *
 *   chain DIR COUNT INDEX [STEP_MS]   (STEP_MS default 20)
 */
#include "hostile.h"

/* The work, under a name that says it is this program's. */
static __attribute__((noinline)) void chain_work(double ms)
{
	hs_burn_ms(ms);
}

int main(int argc, char **argv)
{
	int count, index;
	double ms;
	char next[4096], arg[16];

	if (argc < 4)
		return 2;
	count = atoi(argv[2]);
	index = atoi(argv[3]);
	ms = argc > 4 ? atof(argv[4]) : 20;
	chain_work(ms);
	if (index + 1 >= count) {
		printf("chain of %d images done\n", count);
		return 0;
	}
	snprintf(next, sizeof(next), "%s/chain_%02d", argv[1], index + 1);
	snprintf(arg, sizeof(arg), "%d", index + 1);
	execl(next, next, argv[1], argv[2], arg, argc > 4 ? argv[4] : "20", (char *)NULL);
	fprintf(stderr, "chain: exec %s: %s\n", next, strerror(errno));
	return 1;
}
