/*
 * sig_wait — threads that block every signal and wait for them
 * (tests/agent/signals.test.sh), as xz -T2's workers and many servers' signal
 * threads do. Nothing of the agent's may ever reach their sigtimedwait or
 * signalfd, and the agent must say they are not sampled.
 *
 * `sig_wait [ROUNDS]`: two threads named "waiter" are created with every
 * signal blocked (the mask is inherited at pthread_create); each does
 * ROUNDS (3000) rounds of: burn a little CPU, sigtimedwait on every signal
 * for up to 1 ms. A third thread, "fdwaiter", blocks SIGPROF with
 * pthread_sigmask and reads a signalfd for it the same way. The main thread
 * burns CPU meanwhile. Prints "waited received=N" (0 without the agent) and
 * "sig_wait done".
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

static int rounds = 3000;
static atomic_int received, running;

static void spin(int n)
{
	volatile unsigned long x = 1;

	for (int i = 0; i < n; i++)
		x = x * 33 + 7;
}

static void *waiter(void *arg)
{
	sigset_t all;
	struct timespec ms = {0, 1000000};
	siginfo_t si;

	(void)arg;
	sigfillset(&all);
	for (int i = 0; i < rounds; i++) {
		spin(50000);
		if (sigtimedwait(&all, &si, &ms) > 0)
			atomic_fetch_add(&received, 1);
	}
	atomic_fetch_sub(&running, 1);
	return NULL;
}

static void *fdwaiter(void *arg)
{
	sigset_t prof;
	struct signalfd_siginfo si;
	int fd;

	(void)arg;
	sigemptyset(&prof);
	sigaddset(&prof, SIGPROF);
	pthread_sigmask(SIG_BLOCK, &prof, NULL);
	fd = signalfd(-1, &prof, SFD_CLOEXEC);
	for (int i = 0; i < rounds && fd >= 0; i++) {
		struct pollfd p = {fd, POLLIN, 0};

		spin(50000);
		if (poll(&p, 1, 1) > 0 && read(fd, &si, sizeof(si)) == sizeof(si))
			atomic_fetch_add(&received, 1);
	}
	atomic_fetch_sub(&running, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	sigset_t all, old;
	pthread_t th[3];

	if (argc > 1)
		rounds = atoi(argv[1]);
	atomic_store(&running, 3);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 0; i < 2; i++) {
		pthread_create(&th[i], NULL, waiter, NULL);
		pthread_setname_np(th[i], "waiter");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_create(&th[2], NULL, fdwaiter, NULL);
	pthread_setname_np(th[2], "fdwaiter");
	while (atomic_load(&running) > 0)
		spin(100000);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	printf("waited received=%d\n", atomic_load(&received));
	printf("sig_wait done\n");
	return 0;
}
