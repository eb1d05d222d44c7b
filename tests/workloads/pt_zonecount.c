/*
 * pt_zonecount — zone events whose exact number is known, for the tests that
 * check every zone figure against it: zone "step" runs N times (0: until
 * SIGTERM or SIGINT), each a few microseconds of busy work, and counter
 * "steps" grows by 1 beside each, so the counter's total is the number of
 * zones in every case. It waits up to 3 s for perftop to connect first (the
 * API counts nothing before), exits right after the last zone (no wait for
 * the agent), and prints the number of steps on stderr. `pt_zonecount [N [SECS]]`.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "perftop.h"

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

__attribute__((noinline)) static unsigned step_work(unsigned x)
{
	for (int i = 0; i < 2000; i++)
		x = x * 1103515245u + 12345u;
	return x;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	unsigned secs = argc > 2 ? (unsigned)atoi(argv[2]) : 0;
	struct sigaction sa;
	unsigned x = 1;
	long done = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	for (int i = 0; i < 300 && !pt_connected(); i++)
		usleep(10000);
	if (secs)
		alarm(secs);
	while (!stop && (n == 0 || done < n)) {
		{
			PT_ZONE("step");
			x = step_work(x);
		}
		pt_counter_add("steps", 1);
		done++;
	}
	fprintf(stderr, "pt_zonecount: %ld steps (%u)\n", done, x & 1);
	return 0;
}
