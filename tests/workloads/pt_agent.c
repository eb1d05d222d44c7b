/*
 * pt_agent — the instrumentation API with known answers, for the agent's
 * tests (tests/agent/agent.test.sh). `pt_agent [N]` (default 100000):
 *   two threads named "worker" each run zone "work" N times, with zone
 *   "inner" nested in every 10th, add 1 to counter "ops" (per call site)
 *   and 7 to counter "bytes" (by name) per zone;
 *   the main thread, named "main-thread", runs zone "explicit" 10 times with
 *   pt_zone_begin/pt_zone_end, sets gauge "level" to 12.5 and makes one mark.
 * So: work count=2N, inner count=2N/10, explicit count=10, ops total=2N,
 * bytes total=14N. Zones this short overflow the event rings; the counts
 * must be exact anyway. Prints "pt_agent done" either way.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "perftop.h"

static long n = 100000;
static volatile double sink;

static void *worker(void *arg)
{
	double x = 1.0;

	(void)arg;
	pt_thread_name("worker");
	for (long i = 0; i < n; i++) {
		PT_ZONE("work");
		x = x * 1.000001 + 1.0;
		if (i % 10 == 0) {
			PT_ZONE("inner");
			x = x / 1.5;
		}
		PT_COUNTER_ADD("ops", 1);
		pt_counter_add("bytes", 7);
	}
	sink = x;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[2];

	if (argc > 1)
		n = atol(argv[1]);
	pt_thread_name("main-thread");
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < 10; i++) {
		pt_zone_ctx z = pt_zone_begin("explicit");

		sink = sink + i;
		pt_zone_end(z);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	PT_GAUGE_SET("level", 12.5);
	pt_mark("pt_agent mark %d", 42);
	printf("pt_agent done\n");
	return 0;
}
