/*
 * anonfd — eventfd, epoll, timerfd, signalfd and inotify descriptors (all on
 * the anonymous inode, like perf events) made while threads come and go:
 * each round starts threads that work and exit, then makes one of each, and
 * lets time pass. At the end every descriptor must still be open, still the
 * same kind, and working.
 *
 *   anonfd [ROUNDS]   (default 10)
 */
#include "hostile.h"

#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#define KINDS      5
#define MAX_ROUNDS 50

static const char *const names[KINDS] = {"eventfd", "eventpoll", "timerfd", "signalfd", "inotify"};

static void *worker(void *arg)
{
	(void)arg;
	hs_burn_ms(4);
	return NULL;
}

static int make(int kind)
{
	sigset_t set;

	switch (kind) {
	case 0:
		return eventfd(0, 0);
	case 1:
		return epoll_create1(0);
	case 2:
		return timerfd_create(CLOCK_MONOTONIC, 0);
	case 3:
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		return signalfd(-1, &set, SFD_NONBLOCK);
	default:
		return inotify_init1(IN_NONBLOCK);
	}
}

/* Whether FD is still a working descriptor of KIND. */
static int works(int kind, int fd, int evfd)
{
	char link[64], target[128];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	if (!strstr(target, names[kind]))
		return 0;
	switch (kind) {
	case 0: {
		uint64_t v = 7;

		return write(fd, &v, 8) == 8 && read(fd, &v, 8) == 8 && v == 7;
	}
	case 1: {
		struct epoll_event ev = {.events = EPOLLIN, .data.fd = evfd}, out;

		return epoll_ctl(fd, EPOLL_CTL_ADD, evfd, &ev) == 0 &&
		       epoll_wait(fd, &out, 1, 0) == 0;
	}
	case 2: {
		struct itimerspec its = {.it_value = {1000, 0}};

		return timerfd_settime(fd, 0, &its, NULL) == 0 && timerfd_gettime(fd, &its) == 0 &&
		       its.it_value.tv_sec > 0;
	}
	case 3: {
		struct signalfd_siginfo si;

		return read(fd, &si, sizeof(si)) < 0 && errno == EAGAIN;
	}
	default:
		return inotify_add_watch(fd, ".", IN_CREATE) >= 0;
	}
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 10;
	int fds[MAX_ROUNDS][KINDS], ok = 0;

	if (rounds < 1 || rounds > MAX_ROUNDS)
		return 2;
	hs_burn_ms(50);
	for (int r = 0; r < rounds; r++) {
		pthread_t t[4];
		struct timespec nap = {0, 30 * 1000000};

		for (int i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, worker, NULL);
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		for (int k = 0; k < KINDS; k++)
			fds[r][k] = make(k);
		nanosleep(&nap, NULL); /* the agent's writer runs meanwhile */
	}
	hs_burn_ms(30);
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < KINDS; k++) {
			int good = fds[r][k] >= 0 && works(k, fds[r][k], fds[r][0]);

			printf("round %d %s fd %d: %s\n", r, names[k], fds[r][k],
			       good ? "ok" : "BROKEN");
			if (good)
				ok++;
			else
				hs_fail("round %d: %s fd %d was closed or replaced", r, names[k],
				        fds[r][k]);
		}
	printf("%d of %d descriptors intact\n", ok, rounds * KINDS);
	return hs_failures ? 1 : 0;
}
