/* series — fixed-capacity rings with lazy storage; see series.h. */
#include "model/series.h"

#include <stdlib.h>
#include <string.h>

#include "util/check.h"
#include "util/xalloc.h"

enum { SERIES_FIRST_ALLOC = 16 };

void series_init(struct series *s, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->cap = cap ? cap : 1;
}

void series_release(struct series *s)
{
	free(s->values);
	s->values = NULL;
	s->alloc = s->len = s->head = 0;
}

/* Storage only grows while the ring has not wrapped, so head stays 0 then. */
static void series_grow(struct series *s)
{
	size_t want = s->alloc ? s->alloc * 2 : SERIES_FIRST_ALLOC;

	PT_ASSERT(s->head == 0 && s->len < s->cap);
	if (want > s->cap)
		want = s->cap;
	s->values = xreallocarray(s->values, want, sizeof(*s->values));
	s->alloc = want;
}

void series_push(struct series *s, float value)
{
	if (s->len < s->cap) {
		if (s->len == s->alloc)
			series_grow(s);
		s->values[s->len++] = value;
		return;
	}
	s->values[s->head] = value;
	s->head = (s->head + 1) % s->cap;
}

float series_at(const struct series *s, size_t i)
{
	PT_ASSERT(i < s->len);
	return s->values[(s->head + i) % s->cap];
}

float series_last(const struct series *s, float fallback)
{
	return s->len ? series_at(s, s->len - 1) : fallback;
}

struct series_stats series_stats_last(const struct series *s, size_t n)
{
	struct series_stats st = { 0, 0, 0, 0 };
	double sum = 0;

	if (n > s->len)
		n = s->len;
	for (size_t i = s->len - n; i < s->len; i++) {
		double v = series_at(s, i);

		if (st.count == 0 || v < st.min)
			st.min = v;
		if (st.count == 0 || v > st.max)
			st.max = v;
		sum += v;
		st.count++;
	}
	st.avg = st.count ? sum / (double)st.count : 0;
	return st;
}

size_t series_copy_last(const struct series *s, size_t n, float *out)
{
	if (n > s->len)
		n = s->len;
	for (size_t i = 0; i < n; i++)
		out[i] = series_at(s, s->len - n + i);
	return n;
}
