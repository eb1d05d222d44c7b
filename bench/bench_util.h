/*
 * bench_util — the small pieces every benchmark program needs: a
 * monotonic clock in seconds, a repeatable pseudo-random sequence and a
 * sort for medians. Header only (static inline), so each bench/X.c still
 * builds alone from its own rule.
 */
#ifndef PERFTOP_BENCH_UTIL_H
#define PERFTOP_BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* CLOCK_MONOTONIC in seconds. */
static inline double bench_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The next number of a fixed xorshift sequence: the same data every run. */
static inline uint64_t bench_rand(void)
{
	static uint64_t state = 88172645463325252ULL;

	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v[0..n) ascending (for medians and maxima). */
static inline void bench_sort(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
}

/* The median of v[0..n), n odd; sorts v. */
static inline double bench_median(double *v, size_t n)
{
	bench_sort(v, n);
	return v[n / 2];
}

#endif
