/*
 * altstack — a program with the standard 8 KB alternate signal stack whose
 * own handler (SIGUSR1, SA_ONSTACK) works for a while each time, so other
 * signals arrive while it runs on that stack. Canaries fill 8 KB below and
 * 4 KB above the stack: they must be intact afterwards.
 *
 *   altstack [TIMES] [MS]   (defaults 15 handler runs of 20 ms CPU)
 */
#include "hostile.h"

#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>

#define STACK  8192
#define BELOW  8192
#define ABOVE  4096
#define CANARY 0xa5

static double handler_ms;
static atomic_int handled, on_alt;

static void on_usr1(int sig)
{
	stack_t ss;

	(void)sig;
	if (sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK))
		atomic_fetch_add(&on_alt, 1);
	hs_burn_ms(handler_ms);
	atomic_fetch_add(&handled, 1);
}

static size_t damaged(const unsigned char *p, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += p[i] != CANARY;
	return bad;
}

int main(int argc, char **argv)
{
	int times = argc > 1 ? atoi(argv[1]) : 15;
	unsigned char *region;
	struct sigaction sa;
	stack_t ss;
	size_t below, above;

	handler_ms = argc > 2 ? atof(argv[2]) : 20;
	region = mmap(NULL, BELOW + STACK + ABOVE, PROT_READ | PROT_WRITE,
	              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		return 3;
	memset(region, CANARY, BELOW);
	memset(region + BELOW + STACK, CANARY, ABOVE);
	ss.ss_sp = region + BELOW;
	ss.ss_size = STACK;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) < 0)
		return 3;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	hs_burn_ms(50); /* sampled */
	for (int i = 0; i < times; i++) {
		raise(SIGUSR1);
		hs_burn_ms(2);
	}
	below = damaged(region, BELOW);
	above = damaged(region + BELOW + STACK, ABOVE);
	printf("handler ran %d times, %d on the alternate stack\n", atomic_load(&handled),
	       atomic_load(&on_alt));
	printf("canary below the stack: %s\n", below ? "damaged" : "intact");
	printf("canary above the stack: %s\n", above ? "damaged" : "intact");
	if (below || above)
		hs_fail("%zu bytes overwritten below the alternate stack, %zu above", below, above);
	printf("altstack done\n");
	return hs_failures ? 1 : 0;
}
