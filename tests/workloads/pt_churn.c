/*
 * pt_churn — many short-lived threads with zones, for the agent's tests:
 * ROUNDS (default 250) rounds of 8 threads, each running zone "churn" 1000
 * times and adding 1 to counter "n" per zone. The agent recycles the slots
 * of threads that ended; every thread's exact statistics must still arrive:
 * churn count = n total = ROUNDS * 8000. Prints "pt_churn done".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "perftop.h"

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		PT_ZONE("churn");
		PT_COUNTER_ADD("n", 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 250;

	for (int r = 0; r < rounds; r++) {
		pthread_t t[8];

		for (int i = 0; i < 8; i++)
			pthread_create(&t[i], NULL, worker, NULL);
		for (int i = 0; i < 8; i++)
			pthread_join(t[i], NULL);
	}
	printf("pt_churn done\n");
	return 0;
}
