/*
 * sig_eintr — sleeps and waits beside a busy thread, counting how often they
 * return EINTR (tests/agent/signals.test.sh). Without the agent the count is
 * 0; the agent's signal must never land on a thread that sleeps.
 *
 * `sig_eintr [N]`: a thread burns CPU while the main thread does N (3000)
 * 1-ms nanosleeps, then N/3 each of 1-ms poll, select and epoll_wait and
 * N/3 usleep(1000); prints "eintr nanosleep=A poll=B select=C epoll=D
 * usleep=E" and "sig_eintr done".
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;

static void *burn(void *arg)
{
	volatile unsigned long x = 0;

	(void)arg;
	while (!atomic_load(&stop))
		x = x * 33 + 7;
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3000;
	int e_sleep = 0, e_poll = 0, e_select = 0, e_epoll = 0, e_usleep = 0;
	pthread_t th;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev;

	if (pthread_create(&th, NULL, burn, NULL) != 0)
		return 1;
	for (int i = 0; i < n; i++) {
		struct timespec d = {0, 1000000};

		if (nanosleep(&d, NULL) < 0 && errno == EINTR)
			e_sleep++;
	}
	for (int i = 0; i < n / 3; i++) {
		struct timeval tv = {0, 1000};

		if (poll(NULL, 0, 1) < 0 && errno == EINTR)
			e_poll++;
		if (select(0, NULL, NULL, NULL, &tv) < 0 && errno == EINTR)
			e_select++;
		if (epoll_wait(ep, &ev, 1, 1) < 0 && errno == EINTR)
			e_epoll++;
		if (usleep(1000) < 0 && errno == EINTR)
			e_usleep++;
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("eintr nanosleep=%d poll=%d select=%d epoll=%d usleep=%d\n", e_sleep, e_poll,
	       e_select, e_epoll, e_usleep);
	printf("sig_eintr done\n");
	return 0;
}
