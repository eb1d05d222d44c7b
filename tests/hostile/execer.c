/*
 * execer — a busy program (two working threads) that execs a program where
 * the agent cannot follow: a static one (status-static), or one started with
 * an empty environment. That program prints its signal state (status.c),
 * which must be what it is without the agent: no signal blocked, pending,
 * ignored or caught because of the agent.
 *
 *   execer static|cleanenv DIR   (DIR: where status and status-static are)
 */
#include "hostile.h"

#include <pthread.h>

static void *worker(void *arg)
{
	(void)arg;
	for (;;)
		hs_burn_ms(5);
	return NULL;
}

int main(int argc, char **argv)
{
	char path[4096];
	pthread_t t;

	if (argc != 3)
		return 2;
	pthread_create(&t, NULL, worker, NULL);
	hs_burn_ms(150); /* sampled, in both threads */
	fflush(stdout);
	if (!strcmp(argv[1], "static")) {
		snprintf(path, sizeof(path), "%s/status-static", argv[2]);
		execl(path, path, (char *)NULL);
	} else {
		char *none[] = {NULL};

		snprintf(path, sizeof(path), "%s/status", argv[2]);
		execve(path, (char *[]){path, NULL}, none);
	}
	hs_fail("exec %s: %s", path, strerror(errno));
	return 1;
}
