/*
 * ownprof — a program with its own SIGPROF handler and no timer armed: it
 * must never receive a SIGPROF, whatever the agent does with that signal.
 * Two threads work while the handler is installed.
 *
 *   ownprof
 */
#include "hostile.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

static atomic_int received;
static atomic_int last_code;

static void on_prof(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	atomic_fetch_add(&received, 1);
	atomic_store(&last_code, si->si_code);
}

static void *worker(void *arg)
{
	(void)arg;
	hs_burn_ms(250);
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	pthread_t t;

	hs_burn_ms(100); /* sampled */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_prof;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPROF, &sa, NULL);
	pthread_create(&t, NULL, worker, NULL);
	hs_burn_ms(250);
	pthread_join(t, NULL);
	printf("SIGPROF received: %d\n", atomic_load(&received));
	if (atomic_load(&received))
		hs_fail("%d SIGPROF with no timer armed (last si_code %d)", atomic_load(&received),
		        atomic_load(&last_code));
	printf("ownprof done\n");
	return hs_failures ? 1 : 0;
}
