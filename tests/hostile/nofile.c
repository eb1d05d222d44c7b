/*
 * nofile — under a tiny descriptor limit (16, set by the suite) with 8
 * threads alive, the program opens files until it cannot: it must get as
 * many as without the agent, at the same numbers.
 *
 *   nofile [THREADS]   (default 8)
 */
#include "hostile.h"

#include <sys/resource.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8, started, fds[4096], count = 0;
	pthread_t t[64];
	struct rlimit rl;

	if (n < 0 || n > 64)
		return 2;
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("descriptor limit %llu\n", (unsigned long long)rl.rlim_cur);
	hs_burn_ms(50);
	started = hs_park_start(t, n, 2);
	printf("threads started %d of %d\n", started, n);
	while (count < 4096) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd < 0) {
			printf("open %d: %s\n", count + 1, strerror(errno));
			break;
		}
		fds[count++] = fd;
	}
	printf("opened %d files\n", count);
	for (int i = 0; i < count; i++)
		printf("opened fd %d\n", fds[i]);
	for (int i = 0; i < count; i++)
		close(fds[i]);
	hs_park_release(t, started);
	printf("nofile done\n");
	return 0;
}
