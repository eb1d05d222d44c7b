/*
 * eintr — the program's sleeping and waiting calls beside a busy thread:
 * 1 ms nanosleep()s, then poll(), select() and epoll_wait() with 1 ms
 * timeouts on a pipe nobody writes. The program has no signal handler, so
 * none of them may ever fail with EINTR.
 *
 *   eintr [SLEEPS] [WAITS]   (defaults 1000 and 300 of each waiting call)
 */
#include "hostile.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/select.h>

static atomic_int stop;

static void *busy(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop))
		hs_burn_ms(5);
	return NULL;
}

static int select_1ms(int fd)
{
	fd_set rd;
	struct timeval tv = {0, 1000};

	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	return select(fd + 1, &rd, NULL, NULL, &tv);
}

/* Runs CALL N times; counts its EINTRs and other failures. */
#define LOOP(name, n, call)                                                                        \
	do {                                                                                       \
		int eintr = 0, other = 0;                                                          \
		for (int i = 0; i < (n); i++) {                                                    \
			if ((call) < 0) {                                                          \
				if (errno == EINTR)                                                \
					eintr++;                                                   \
				else                                                               \
					other++;                                                   \
			}                                                                          \
		}                                                                                  \
		printf("%s x%d: EINTR %d, other errors %d\n", name, (n), eintr, other);            \
		if (eintr || other)                                                                \
			hs_fail("%s: %d EINTR, %d other errors", name, eintr, other);              \
	} while (0)

int main(int argc, char **argv)
{
	int sleeps = argc > 1 ? atoi(argv[1]) : 1000, waits = argc > 2 ? atoi(argv[2]) : 300;
	struct timespec ms1 = {0, 1000000};
	struct epoll_event ev = {.events = EPOLLIN}, out;
	struct pollfd pfd;
	pthread_t t;
	int p[2], ep;

	if (pipe(p) < 0 || (ep = epoll_create1(0)) < 0)
		return 3;
	ev.data.fd = p[0];
	if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0)
		return 3;
	pfd.fd = p[0];
	pfd.events = POLLIN;
	pthread_create(&t, NULL, busy, NULL);
	hs_burn_ms(50); /* sampled */
	LOOP("nanosleep 1 ms", sleeps, nanosleep(&ms1, NULL));
	LOOP("poll 1 ms", waits, poll(&pfd, 1, 1));
	LOOP("select 1 ms", waits, select_1ms(p[0]));
	LOOP("epoll_wait 1 ms", waits, epoll_wait(ep, &out, 1, 1));
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("eintr done\n");
	return hs_failures ? 1 : 0;
}
