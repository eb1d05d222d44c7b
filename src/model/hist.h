/*
 * hist — a latency histogram with bounded relative error.
 *
 * Durations in nanoseconds fall into logarithmic buckets whose width is 2 %
 * of their value, so any percentile read back (the bucket's midpoint) is
 * within 1 % of a true sample value. Range 1 ns .. ~1000 s; values outside are
 * clamped into the end buckets (min and max stay exact). Count, sum, min and
 * max are kept exactly next to the buckets.
 */
#ifndef PERFTOP_MODEL_HIST_H
#define PERFTOP_MODEL_HIST_H

#include <stdint.h>

enum { HIST_BUCKETS = 1400 };

struct hist {
	uint64_t count;
	double sum_ns;
	uint64_t min_ns, max_ns;
	uint32_t *buckets;   /* HIST_BUCKETS entries, allocated on first record */
};

void hist_init(struct hist *h);
void hist_release(struct hist *h);
void hist_reset(struct hist *h);

/* Adds n samples of value_ns. */
void hist_record(struct hist *h, uint64_t value_ns, uint64_t n);
/* Adds every sample of src into dst. */
void hist_merge(struct hist *dst, const struct hist *src);

/* The value at quantile q in [0, 1] (0.5 = p50), within 1 %; 0 when empty.
 * q = 0 gives the exact min and q = 1 the exact max. */
double hist_quantile(const struct hist *h, double q);
double hist_mean(const struct hist *h);

/* Bucket helpers, exposed for charts and tests. */
int hist_bucket_of(uint64_t value_ns);
double hist_bucket_value(int bucket); /* representative value (midpoint) */

#endif
