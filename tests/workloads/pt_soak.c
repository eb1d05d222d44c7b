/*
 * pt_soak — the soak benchmark's target (bench/soak.bench.sh): THREADS
 * threads (default 8) doing fixed units of work for SECS seconds, each unit
 * in zone "soak.item" inside a zone "soak.batch" of 10 units, with counter
 * "soak.items" (+1 a unit) and gauge "soak.batch_us" (the last batch's
 * length). The work is the same with or without perftop, so units per
 * second compare a profiled run with an unprofiled one.
 *   pt_soak SECS [THREADS [OUT]]
 * Every second it prints "t SECONDS items TOTAL" (flushed) to OUT (default
 * stdout), and at the end "done SECONDS items TOTAL rate PER_SECOND".
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "perftop.h"

enum {
	SOAK_MAX_THREADS = 64,
	SOAK_UNIT_ITERS = 100000, /* about 0.1 ms of hashing on a current CPU */
	SOAK_BATCH = 10,          /* units per "soak.batch" zone */
};

static volatile int stop;
static uint64_t done_units[SOAK_MAX_THREADS];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One unit of work: a hash chain the compiler cannot fold away. */
__attribute__((noinline)) static uint64_t work_unit(uint64_t seed)
{
	uint64_t h = 1469598103934665603ull ^ seed;

	for (long i = 0; i < SOAK_UNIT_ITERS; i++)
		h = (h ^ (uint64_t)i) * 1099511628211ull;
	return h;
}

__attribute__((noinline)) static uint64_t run_batch(uint64_t seed)
{
	PT_ZONE("soak.batch");
	uint64_t h = seed;

	for (int i = 0; i < SOAK_BATCH; i++) {
		PT_ZONE("soak.item");
		h = work_unit(h);
		PT_COUNTER_ADD("soak.items", 1);
	}
	return h;
}

static void *worker(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	char name[32];
	uint64_t h = id;

	snprintf(name, sizeof(name), "soak-%u", (unsigned)id);
	pt_thread_name(name);
	while (!stop) {
		double t0 = now_s();

		h = run_batch(h);
		PT_GAUGE_SET("soak.batch_us", (now_s() - t0) * 1e6);
		__atomic_add_fetch(&done_units[id], SOAK_BATCH, __ATOMIC_RELAXED);
	}
	return (void *)(uintptr_t)(h & 1);
}

static uint64_t total_units(int threads)
{
	uint64_t n = 0;

	for (int i = 0; i < threads; i++)
		n += __atomic_load_n(&done_units[i], __ATOMIC_RELAXED);
	return n;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 0;
	int threads = argc > 2 ? atoi(argv[2]) : 8;
	const char *path = argc > 3 ? argv[3] : NULL;
	FILE *out = stdout;
	pthread_t t[SOAK_MAX_THREADS];
	double start, now;

	if (secs <= 0 || threads < 1 || threads > SOAK_MAX_THREADS) {
		fprintf(stderr, "usage: pt_soak SECS [THREADS [OUT]]  (SECS > 0, THREADS 1..%d)\n",
			SOAK_MAX_THREADS);
		return 2;
	}
	if (path && !(out = fopen(path, "w"))) {
		perror(path);
		return 2;
	}
	start = now_s();
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	do {
		sleep(1);
		now = now_s();
		fprintf(out, "t %.1f items %llu\n", now - start,
			(unsigned long long)total_units(threads));
		fflush(out);
	} while (now - start < secs);
	stop = 1;
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	now = now_s();
	fprintf(out, "done %.1f items %llu rate %.1f\n", now - start,
		(unsigned long long)total_units(threads),
		(double)total_units(threads) / (now - start));
	return fclose(out) == 0 ? 0 : 1;
}
