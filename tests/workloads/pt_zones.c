/*
 * pt_zones — known zones and counters through include/perftop.h, for the
 * end-to-end test: zone "tick" runs exactly N times (default 200) and each
 * lasts LEN_US microseconds of busy waiting (default 2000); counter "items"
 * grows by 3 per zone and counter "bytes" by 1000. `pt_zones [N [LEN_US]]`.
 * It waits up to 30 s for perftop to connect first (a busy machine may be
 * slow to start it), so nothing is missed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "perftop.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

__attribute__((noinline)) static void busy_for(double us)
{
	double end = now_us() + us;

	while (now_us() < end)
		;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	double len = argc > 2 ? atof(argv[2]) : 2000;

	for (int i = 0; i < 3000 && !pt_connected(); i++)
		usleep(10000);
	for (int i = 0; i < n; i++) {
		PT_ZONE("tick");
		busy_for(len);
		pt_counter_add("items", 3);
		PT_COUNTER_ADD("bytes", 1000);
	}
	pt_mark("pt_zones finished %d zones", n);
	usleep(300000); /* let the agent flush its last batch */
	printf("pt_zones: %d zones done, connected=%d\n", n, pt_connected());
	return 0;
}
