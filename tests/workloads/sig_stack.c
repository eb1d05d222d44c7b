/*
 * sig_stack — small stacks under a profiling signal (tests/agent/signals.test.sh).
 *
 *   sig_stack altstack   an 8 KB alternate signal stack with canaries below
 *                        and above it; a SIGUSR1 handler on it burns CPU,
 *                        so the profiling signal lands on that stack; prints
 *                        "altstack canaries intact" or how many bytes changed
 *   sig_stack thread8k   a thread goes down its stack until about 6 KB are
 *                        left and burns CPU there; prints "thread8k done"
 *   sig_stack measure    a thread on a canary-filled 256 KB stack burns CPU
 *                        at a shallow depth; prints "stack used N" (bytes
 *                        ever written below the top): with the agent, its
 *                        handler's deepest use plus the thread's own
 *   sig_stack SECS MODE  the same, burning SECS of CPU (default 1)
 * Exit status 0 when the program's own checks hold.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CANARY 0xA5
#define ALT    8192
#define BELOW  (32 << 10)
#define ABOVE  4096
#define LEFT   6144 /* stack left to thread8k: 4 KB would do without the agent */

static double burn_secs = 1.0;

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void burn(double secs)
{
	double end = cpu_now() + secs;
	volatile unsigned long x = 1;

	while (cpu_now() < end)
		for (int i = 0; i < 10000; i++)
			x = x * 33 + 7;
}

/* ---- altstack ---- */
static unsigned char *area;

static void on_usr1(int sig)
{
	(void)sig;
	burn(burn_secs / 20);
}

static int altstack(void)
{
	stack_t ss;
	struct sigaction sa;
	size_t changed = 0;

	area = malloc(BELOW + ALT + ABOVE);
	if (!area)
		return 1;
	memset(area, CANARY, BELOW + ALT + ABOVE);
	ss.ss_sp = area + BELOW;
	ss.ss_size = ALT;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) < 0)
		return perror("sigaltstack"), 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < 20; i++)
		raise(SIGUSR1);
	for (size_t i = 0; i < BELOW; i++)
		changed += area[i] != CANARY;
	for (size_t i = BELOW + ALT; i < BELOW + ALT + ABOVE; i++)
		changed += area[i] != CANARY;
	if (changed) {
		printf("altstack canaries: %zu bytes changed outside the 8 KB stack\n", changed);
		return 1;
	}
	printf("altstack canaries intact\n");
	return 0;
}

/* ---- thread8k ---- */
static uintptr_t stack_lo;

static __attribute__((noinline)) void descend(void)
{
	volatile char pad[512];
	uintptr_t sp = (uintptr_t)&pad[0];

	pad[0] = 1;
	if (sp - stack_lo > LEFT + 512)
		descend();
	else
		burn(burn_secs);
	pad[1] = pad[0];
}

static void *thread8k(void *arg)
{
	pthread_attr_t a;
	void *addr;
	size_t size;

	(void)arg;
	pthread_getattr_np(pthread_self(), &a);
	pthread_attr_getstack(&a, &addr, &size);
	pthread_attr_destroy(&a);
	stack_lo = (uintptr_t)addr;
	descend();
	return NULL;
}

/* ---- measure ---- */
#define MEASURE_STACK (256u << 10)

static void *shallow(void *arg)
{
	(void)arg;
	burn(burn_secs);
	return NULL;
}

static int measure(void)
{
	unsigned char *mem = aligned_alloc(4096, MEASURE_STACK);
	pthread_attr_t a;
	pthread_t th;
	size_t low = 0;

	if (!mem)
		return 1;
	memset(mem, CANARY, MEASURE_STACK);
	pthread_attr_init(&a);
	pthread_attr_setstack(&a, mem, MEASURE_STACK);
	if (pthread_create(&th, &a, shallow, NULL) != 0)
		return 1;
	pthread_join(th, NULL);
	while (low < MEASURE_STACK && mem[low] == CANARY)
		low++;
	/* Thread descriptor and TLS sit at the top of the area; what matters is
	 * the deepest byte written. */
	printf("stack used %zu\n", MEASURE_STACK - low);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[argc - 1] : "measure";
	pthread_t th;
	pthread_attr_t a;

	if (argc > 2)
		burn_secs = atof(argv[1]);
	if (!strcmp(mode, "altstack"))
		return altstack();
	if (!strcmp(mode, "measure"))
		return measure();
	if (!strcmp(mode, "thread8k")) {
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 256u << 10);
		if (pthread_create(&th, &a, thread8k, NULL) != 0)
			return 1;
		pthread_join(th, NULL);
		printf("thread8k done\n");
		return 0;
	}
	fprintf(stderr, "usage: sig_stack [SECS] altstack|thread8k|measure\n");
	return 2;
}
