/*
 * threads_open — 1,100 threads alive (under the usual limit of 1,024
 * descriptors, set by the suite), then the program opens a file: the open
 * must succeed, at the number it gets without the agent.
 *
 *   threads_open [THREADS]   (default 1100)
 */
#include "hostile.h"

#include <sys/resource.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1100, started, fd;
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	printf("descriptor limit %llu\n", (unsigned long long)rl.rlim_cur);
	hs_burn_ms(50);
	started = hs_park_start(t, n, 0.5);
	printf("threads started %d of %d\n", started, n);
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		hs_fail("open with %d threads alive: %s", started, strerror(errno));
	else
		hs_print_fd("opened", fd);
	hs_park_release(t, started);
	printf("threads_open done\n");
	return hs_failures ? 1 : 0;
}
