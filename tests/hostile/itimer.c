/*
 * itimer — a program that profiles itself with ITIMER_PROF (10 ms) and a
 * SIGPROF handler. Every signal it receives must be its timer's (si_code
 * SI_KERNEL), never a POSIX timer's (SI_TIMER), a perf event's (POLL_IN) or
 * one sent by a thread (SI_TKILL/SI_QUEUE); and its timer's count stays in
 * proportion to the process's CPU time (one per 10 ms): not above 1.5 times
 * that (the kernel charges ITIMER_PROF from tick-sampled CPU time, which
 * runs up to ~10 % ahead of the exact clock), and some arrive (the agent
 * must not swallow them all). No lower bound beyond that: on a loaded
 * machine expiries that come while a SIGPROF is pending merge into it.
 *
 *   itimer [MS]   (CPU milliseconds to work under the timer, default 400)
 */
#include "hostile.h"

#include <signal.h>
#include <stdatomic.h>
#include <sys/time.h>

#define INTERVAL_MS 10

static atomic_int own, foreign, foreign_code;

static void on_prof(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_code == SI_KERNEL) {
		atomic_fetch_add(&own, 1);
	} else {
		atomic_fetch_add(&foreign, 1);
		atomic_store(&foreign_code, si->si_code);
	}
}

int main(int argc, char **argv)
{
	double ms = argc > 1 ? atof(argv[1]) : 400;
	struct itimerval it = {{0, INTERVAL_MS * 1000}, {0, INTERVAL_MS * 1000}}, off = {0};
	struct sigaction sa;
	uint64_t c0, c1;
	long expected;
	int in_proportion;

	hs_burn_ms(100); /* sampled */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_prof;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPROF, &sa, NULL);
	c0 = hs_cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
	setitimer(ITIMER_PROF, &it, NULL);
	hs_burn_ms(ms);
	setitimer(ITIMER_PROF, &off, NULL);
	c1 = hs_cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
	expected = (long)((c1 - c0) / (INTERVAL_MS * 1000000u));
	/* Not more than its CPU time asks for (an agent's signals would add
	 * some). No lower bound: on a loaded machine expiries that come while a
	 * SIGPROF is still pending merge into it, so fewer arrive. */
	in_proportion = atomic_load(&own) > 0 && 2 * atomic_load(&own) <= 3 * expected + 4;
	printf("signals not from its timer: %d\n", atomic_load(&foreign));
	printf("timer signals not above its CPU time: %s\n", in_proportion ? "yes" : "no");
	if (atomic_load(&foreign))
		hs_fail("%d foreign SIGPROF (last si_code %d)", atomic_load(&foreign),
		        atomic_load(&foreign_code));
	if (!in_proportion)
		hs_fail("%d timer signals for %.1f ms of process CPU time (%ld expected)",
		        atomic_load(&own), (double)(c1 - c0) / 1e6, expected);
	printf("itimer done\n");
	return hs_failures ? 1 : 0;
}
