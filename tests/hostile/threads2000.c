/*
 * threads2000 — 2,000 threads alive at once, each working a little as it
 * starts and again, all together, before it ends, while the main thread
 * works: the profile's achieved rate must not exceed the requested one
 * (what the threads cost is CPU time like any other).
 *
 *   threads2000 [THREADS] [MS] [MAIN_MS]   (defaults 2000, 1 ms twice, 300 ms)
 */
#include "hostile.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000, started;
	double ms = argc > 2 ? atof(argv[2]) : 1, main_ms = argc > 3 ? atof(argv[3]) : 300;
	pthread_t *t = calloc((size_t)n, sizeof(*t));

	hs_park_after_ms = ms;
	hs_burn_ms(main_ms / 2);
	started = hs_park_start(t, n, ms);
	printf("threads started %d of %d\n", started, n);
	hs_burn_ms(main_ms / 2);
	hs_park_release(t, started);
	printf("threads2000 done\n");
	return started == n ? 0 : 1;
}
