/*
 * sig_prof — a program with its own SIGPROF handler and ITIMER_PROF
 * profiler (tests/agent/signals.test.sh). Its handler counts what it gets
 * by origin: the agent's signals must never reach it.
 *
 * `sig_prof [SECS]`: installs a SA_SIGINFO handler for SIGPROF (printing what
 * sigaction said was there before: "old default" without the agent), sends
 * itself SIGPROF 10 times with kill(), then arms ITIMER_PROF at 4 ms and
 * burns SECS (1) of CPU on two threads. Prints "kill 10", "itimer yes" when
 * the timer's signals came, and "other 0" (signals of any other origin).
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static atomic_int from_kill, from_timer, other;

static void on_prof(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_code == SI_USER)
		atomic_fetch_add(&from_kill, 1);
	else if (si->si_code == SI_KERNEL)
		atomic_fetch_add(&from_timer, 1);
	else
		atomic_fetch_add(&other, 1);
}

static double secs = 1.0;

static void *burn(void *arg)
{
	struct timespec ts;
	double end;
	volatile unsigned long x = 1;

	(void)arg;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	end = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + secs;
	for (;;) {
		for (int i = 0; i < 10000; i++)
			x = x * 33 + 7;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		if ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 >= end)
			return NULL;
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa, old;
	struct itimerval it = {{0, 4000}, {0, 4000}}, off = {{0, 0}, {0, 0}};
	pthread_t th;

	if (argc > 1)
		secs = atof(argv[1]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_prof;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPROF, &sa, &old) < 0)
		return 1;
	printf("old %s\n", old.sa_handler == SIG_DFL ? "default" : "other");
	if (sigaction(SIGPROF, NULL, &old) < 0 || old.sa_sigaction != on_prof)
		printf("sigaction does not return the handler just set\n");
	for (int i = 0; i < 10; i++)
		kill(getpid(), SIGPROF);
	printf("kill %d\n", atomic_load(&from_kill));
	setitimer(ITIMER_PROF, &it, NULL);
	pthread_create(&th, NULL, burn, NULL);
	burn(NULL);
	pthread_join(th, NULL);
	setitimer(ITIMER_PROF, &off, NULL);
	printf("itimer %s\n", atomic_load(&from_timer) > 0 ? "yes" : "no");
	printf("other %d\n", atomic_load(&other));
	return 0;
}
