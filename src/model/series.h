/*
 * series — a fixed-capacity ring of samples over time.
 *
 * One series holds one metric of one process (CPU %, RSS, ...) at the
 * collector's tick. The capacity is fixed when the series is created (at least
 * ten minutes at the tick in use), so memory never grows with running time.
 * Storage grows geometrically up to that capacity, so a process seen for a few
 * seconds costs a few samples, not ten minutes' worth.
 */
#ifndef PERFTOP_MODEL_SERIES_H
#define PERFTOP_MODEL_SERIES_H

#include <stddef.h>

struct series {
	float *values;   /* ring storage, `alloc` entries */
	size_t alloc;    /* entries allocated so far (<= cap) */
	size_t cap;      /* the most entries ever kept */
	size_t len;      /* entries held (<= cap) */
	size_t head;     /* index of the oldest entry when len == cap */
};

struct series_stats {
	double min, avg, max;
	size_t count;    /* samples the figures were computed over; 0 = none */
};

/* Prepares an empty series keeping at most cap (>= 1) samples. */
void series_init(struct series *s, size_t cap);
void series_release(struct series *s);

/* Appends a sample, dropping the oldest when full. */
void series_push(struct series *s, float value);

/* Sample i, where 0 is the oldest held and len-1 the newest. i < len. */
float series_at(const struct series *s, size_t i);

/* The newest sample, or `fallback` when empty. */
float series_last(const struct series *s, float fallback);

/* Min, average and max over the newest n samples (all if n > len). */
struct series_stats series_stats_last(const struct series *s, size_t n);

/* Copies the newest min(n, len) samples into out, oldest first; returns the count. */
size_t series_copy_last(const struct series *s, size_t n, float *out);

#endif
