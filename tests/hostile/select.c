/*
 * select — a program with a raised descriptor limit (4,096, set by the
 * suite), 1,100 threads and more than 1,024 descriptors of its own: it made
 * its pipe first, so at a low number, and waits on it with select(), which
 * only handles numbers below FD_SETSIZE (built with _FORTIFY_SOURCE, a
 * larger one aborts the program, as in any distribution's build).
 *
 *   select [THREADS] [EXTRA_FDS]   (defaults 1100 and 1100)
 */
#include "hostile.h"

#include <sys/select.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1100, extra = argc > 2 ? atoi(argv[2]) : 1100;
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	int p[2], started, dups = 0, ready;
	struct timeval tv = {5, 0};
	fd_set rd;
	char c = 'x';

	hs_burn_ms(50);
	started = hs_park_start(t, n, 0.5);
	printf("threads started %d of %d\n", started, n);
	if (pipe(p) < 0)
		return 3;
	hs_print_fd("pipe", p[0]);
	hs_print_fd("pipe", p[1]);
	for (int i = 0; i < extra; i++)
		if (dup(2) >= 0)
			dups++;
	printf("extra descriptors %d\n", dups);
	if (write(p[1], &c, 1) != 1)
		return 3;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	ready = select(p[0] + 1, &rd, NULL, NULL, &tv);
	printf("select: %d ready, pipe %s\n", ready,
	       FD_ISSET(p[0], &rd) ? "readable" : "not readable");
	if (ready != 1)
		hs_fail("select returned %d: %s", ready, strerror(errno));
	hs_park_release(t, started);
	printf("select done\n");
	return hs_failures ? 1 : 0;
}
