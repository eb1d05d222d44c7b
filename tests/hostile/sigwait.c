/*
 * sigwait — threads that block every signal, work, and poll sigtimedwait()
 * for any signal: nobody sends them one, so they must receive none. The
 * main thread works too.
 *
 *   sigwait [THREADS] [MS]   (defaults 3 and 150 ms of CPU each)
 */
#include "hostile.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

static atomic_int received, last_sig;
static double work_ms;

static void *waiter(void *arg)
{
	sigset_t all;
	struct timespec zero = {0, 0};
	uint64_t end;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	end = hs_cpu_ns(CLOCK_THREAD_CPUTIME_ID) + (uint64_t)(work_ms * 1e6);
	while (hs_cpu_ns(CLOCK_THREAD_CPUTIME_ID) < end) {
		int sig;

		hs_burn_ms(1);
		sig = sigtimedwait(&all, NULL, &zero);
		if (sig > 0) {
			atomic_fetch_add(&received, 1);
			atomic_store(&last_sig, sig);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	pthread_t t[16];

	work_ms = argc > 2 ? atof(argv[2]) : 150;
	if (n < 1 || n > 16)
		return 2;
	hs_burn_ms(50); /* sampled */
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, waiter, NULL);
	hs_burn_ms(work_ms);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("signals received by threads blocking every signal: %d\n", atomic_load(&received));
	if (atomic_load(&received))
		hs_fail("%d signals (last: %d) reached sigtimedwait", atomic_load(&received),
		        atomic_load(&last_sig));
	printf("sigwait done\n");
	return hs_failures ? 1 : 0;
}
