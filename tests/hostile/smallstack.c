/*
 * smallstack — threads that work with only a little of their stack left
 * (as deep recursion or big frames leave it), one after the other: about
 * 8 KB, then about 4 KB. None may be killed: the work is a leaf loop that
 * needs a few hundred bytes, so 4 KB is plenty without the agent.
 *
 *   smallstack [MS] [LEFT...]   (defaults 150 ms of CPU, 8192 and 4096 bytes)
 */
#include "hostile.h"

#include <alloca.h>
#include <pthread.h>

static size_t left_wanted;
static double work_ms;
static volatile size_t left_seen;

static __attribute__((noinline)) void work(void)
{
	char here;

	left_seen = (size_t)&here;
	hs_burn_ms(work_ms);
}

static void *thread(void *arg)
{
	pthread_attr_t a;
	void *lo;
	size_t size, left;
	char here;
	volatile char *gap;

	(void)arg;
	if (pthread_getattr_np(pthread_self(), &a) || pthread_attr_getstack(&a, &lo, &size))
		return NULL;
	pthread_attr_destroy(&a);
	left = (size_t)(&here - (char *)lo);
	if (left <= left_wanted + 512)
		return NULL;
	gap = alloca(left - left_wanted - 512);
	gap[0] = 0;
	work();
	left_seen -= (size_t)lo;
	return (void *)1;
}

/* One thread that works with about LEFT bytes of stack left; 0 when done. */
static int run(size_t left)
{
	pthread_attr_t a;
	pthread_t t;
	void *ok = NULL;

	left_wanted = left;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 256 * 1024);
	pthread_create(&t, &a, thread, NULL);
	pthread_join(t, &ok);
	pthread_attr_destroy(&a);
	printf("thread %s with about %zu KB of stack left\n",
	       ok ? "finished its work" : "could not start", left / 1024);
	fflush(stdout);
	if (!ok)
		hs_fail("could not set the stack up");
	else if (left_seen > left + 1024 || left_seen + 1024 < left)
		hs_fail("worked with %zu bytes left, not about %zu", (size_t)left_seen, left);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	work_ms = argc > 1 ? atof(argv[1]) : 150;
	hs_burn_ms(50); /* sampled */
	if (argc > 2)
		for (int i = 2; i < argc; i++)
			run((size_t)atol(argv[i]));
	else {
		run(8192);
		run(4096);
	}
	printf("smallstack done\n");
	return hs_failures ? 1 : 0;
}
