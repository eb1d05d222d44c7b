/* hist — logarithmic latency histogram; see hist.h. */
#include "model/hist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Bucket i covers [GROWTH^i, GROWTH^(i+1)): 2 % wide, so its geometric
 * midpoint is within 1 % of anything in it. 1.02^1400 ~ 1.1e12 ns. */
#define GROWTH 1.02

static double log_growth;

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

void hist_release(struct hist *h)
{
	free(h->buckets);
	hist_init(h);
}

void hist_reset(struct hist *h)
{
	uint32_t *b = h->buckets;

	if (b)
		memset(b, 0, sizeof(*b) * HIST_BUCKETS);
	hist_init(h);
	h->buckets = b;
}

int hist_bucket_of(uint64_t value_ns)
{
	double b;

	if (value_ns <= 1)
		return 0;
	if (!log_growth)
		log_growth = log(GROWTH);
	b = floor(log((double)value_ns) / log_growth);
	if (b >= HIST_BUCKETS)
		return HIST_BUCKETS - 1;
	return (int)b;
}

double hist_bucket_value(int bucket)
{
	return pow(GROWTH, bucket + 0.5);
}

void hist_record(struct hist *h, uint64_t value_ns, uint64_t n)
{
	if (!n)
		return;
	if (!h->buckets)
		h->buckets = xcalloc(HIST_BUCKETS, sizeof(*h->buckets));
	if (!h->count || value_ns < h->min_ns)
		h->min_ns = value_ns;
	if (!h->count || value_ns > h->max_ns)
		h->max_ns = value_ns;
	h->count += n;
	h->sum_ns += (double)value_ns * (double)n;
	h->buckets[hist_bucket_of(value_ns)] += (uint32_t)n;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	if (!src->count)
		return;
	if (!dst->buckets)
		dst->buckets = xcalloc(HIST_BUCKETS, sizeof(*dst->buckets));
	if (!dst->count || src->min_ns < dst->min_ns)
		dst->min_ns = src->min_ns;
	if (!dst->count || src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	if (src->buckets)
		for (int i = 0; i < HIST_BUCKETS; i++)
			dst->buckets[i] += src->buckets[i];
}

double hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;
	double v;

	if (!h->count || !h->buckets)
		return 0;
	if (q <= 0)
		return (double)h->min_ns;
	if (q >= 1)
		return (double)h->max_ns;
	/* The sample of rank ceil(q * count), 1-based, as the nearest-rank method. */
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (int i = 0; i < HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			v = hist_bucket_value(i);
			/* Never report outside the exact range. */
			if (v < (double)h->min_ns)
				v = (double)h->min_ns;
			if (v > (double)h->max_ns)
				v = (double)h->max_ns;
			return v;
		}
	}
	return (double)h->max_ns;
}

double hist_mean(const struct hist *h)
{
	return h->count ? h->sum_ns / (double)h->count : 0;
}
