/* profile_zones — a profile's zones: histograms, the agent's exact figures,
 * per-second percentiles; see profile.h. */
#include "model/profile.h"
#include "model/profile_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* The agent's cumulative figures for one zone on one thread, as of time ts;
 * base_* are the figures at the last profile_reset(), which later reports are
 * taken from. extra_* are the events received that those figures do not
 * cover yet: the ones that ended after ts (or all, before the first figures).
 * The agent sends its figures once a second and at a thread's or the
 * process's end, so without extra_* the all-time figures would lag the
 * events (and the window) by up to a second, and lose the last second of a
 * process stopped before its final figures. */
struct zone_stats {
	bool have; /* the agent's figures arrived */
	double ts;
	uint64_t count;
	double sum_ns;
	uint64_t min_ns, max_ns;
	uint64_t base_count;
	double base_sum_ns;
	bool reset; /* min and max cover time before the reset */
	uint64_t extra_count;
	double extra_sum_ns;
	uint64_t extra_min_ns, extra_max_ns;
};

/* One zone on one thread: its histogram, its window hint and the agent's
 * figures of it (owned by profile.zone_thread_stats). */
struct profile_zone_thread {
	struct hist hist;
	uint32_t thread; /* index into profile.threads */
	struct window_hint hint;
	struct zone_stats *stats;
};

/* ---- per-second zone percentiles ---------------------------------------------- */

static const double zone_pct_q[PZ_PCT_COUNT] = {0.50, 0.95, 0.99};

static void zone_scratch_reset(struct profile *p);

/* The histograms (in p->zone_scratch, by zone) of the events of second s on
 * thread index ti (WINDOW_ANY: all) of zone (WINDOW_ANY: every zone); false
 * when the ring holds no zone event for s. */
static bool zone_second_hists(struct profile *p, int64_t s, uint32_t zone, uint32_t ti)
{
	const struct window_slot *slot = window_slot(&p->window, s);

	if (!slot || !slot->ncells)
		return false;
	zone_scratch_reset(p);
	window_zone_collect(&p->window, s, s, zone, ti, p->zone_scratch, p->zone_names.count);
	return true;
}

static float scratch_pct(const struct profile *p, uint32_t zone, enum profile_zone_pct q)
{
	const struct hist *h = &p->zone_scratch[zone];

	return h->count ? (float)hist_quantile(h, zone_pct_q[q]) : 0.0f;
}

/* Appends second s's percentiles to every zone's series. */
static void zone_series_push(struct profile *p, int64_t s)
{
	bool any = zone_second_hists(p, s, WINDOW_ANY, WINDOW_ANY);

	for (size_t z = 0; z < p->zone_names.count; z++)
		for (int q = 0; q < PZ_PCT_COUNT; q++) {
			enum profile_zone_pct pct = (enum profile_zone_pct)q;

			series_push(&p->zones[z].pct[q],
			            any ? scratch_pct(p, (uint32_t)z, pct) : 0);
		}
}

/* An event of second s arrives: every second PROFILE_ZONE_SERIES_LAG older
 * not folded yet goes into the series (before s claims a slot of the ring,
 * so all of them are still there). At most PROFILE_ZONE_SERIES per call. */
void profile__zone_series_fold(struct profile *p, int64_t s)
{
	int64_t end = s - PROFILE_ZONE_SERIES_LAG;

	if (!p->zone_series_on || end < p->zone_series_next)
		return;
	if (end - p->zone_series_next >= PROFILE_ZONE_SERIES)
		p->zone_series_next = end - PROFILE_ZONE_SERIES + 1;
	for (int64_t x = p->zone_series_next; x <= end; x++)
		zone_series_push(p, x);
	p->zone_series_next = end + 1;
}

/* The series start at the second of the first zone event. */
static void zone_series_start(struct profile *p, int64_t s)
{
	if (p->zone_series_on)
		return;
	p->zone_series_on = true;
	p->zone_series_next = s;
}

size_t profile_zone_pct_series(struct profile *p, uint32_t zone, pid_t tid,
                               enum profile_zone_pct pct, double now, float *out, size_t n)
{
	int64_t last = window_second(now), first = p->zone_series_next;
	uint32_t ti = WINDOW_ANY;
	size_t k = 0;

	if (zone >= p->zone_names.count || (unsigned)pct >= PZ_PCT_COUNT || !n ||
	    !p->zone_series_on)
		return 0;
	if (tid) {
		/* One thread: the seconds the ring holds, from the first it has. */
		long i = profile__thread_index(p, tid);

		if (i < 0)
			return 0;
		ti = (uint32_t)i;
		first = last - WINDOW_SLOTS + 1;
		while (first <= last && !window_slot(&p->window, first))
			first++;
	} else if (last < first || (size_t)(last - first + 1) < n) {
		/* The kept series, then the seconds not folded yet. */
		size_t tail = last >= first ? (size_t)(last - first + 1) : 0;

		k = series_copy_last(&p->zones[zone].pct[pct], n - tail, out);
	}
	if (last - first + 1 > (int64_t)(n - k))
		first = last - (int64_t)(n - k) + 1;
	for (int64_t s = first; s <= last; s++)
		out[k++] = zone_second_hists(p, s, zone, ti) ? scratch_pct(p, zone, pct) : 0;
	return k;
}

/* ---- zones -------------------------------------------------------------------- */

uint32_t profile_zone(struct profile *p, const char *name)
{
	bool added;
	uint32_t id = intern_put(&p->zone_names, name, strlen(name), &added);

	if (added) {
		p->zones = xgrow(p->zones, &p->zones_alloc, id + 1, 16, sizeof(*p->zones));
		p->zones[id].name = intern_bytes(&p->zone_names, id, NULL);
		hist_init(&p->zones[id].hist);
		for (int q = 0; q < PZ_PCT_COUNT; q++)
			series_init(&p->zones[id].pct[q], PROFILE_ZONE_SERIES);
	}
	return id;
}

size_t profile_zone_count(const struct profile *p)
{
	return p->zone_names.count;
}

void profile_zone_event(struct profile *p, uint32_t zone, uint64_t duration_ns)
{
	if (zone < p->zone_names.count)
		hist_record(&p->zones[zone].hist, duration_ns, 1);
}

/* The agent's figures of zone on thread tid, created (empty) if absent. */
static struct zone_stats *zone_stats_get(struct profile *p, uint32_t zone, pid_t tid)
{
	uint64_t key = (uint64_t)zone << 32 | (uint32_t)tid;
	struct zone_stats *s = hashmap_get(&p->zone_thread_stats, key);

	if (!s) {
		s = xcalloc(1, sizeof(*s));
		hashmap_put(&p->zone_thread_stats, key, s);
	}
	return s;
}

/* Folds one event of duration d into the exact figures (count, sum, min, max). */
static void exact_fold(uint64_t *count, double *sum, uint64_t *lo, uint64_t *hi, uint64_t n,
                       double nsum, uint64_t nlo, uint64_t nhi)
{
	if (!n)
		return;
	if (!*count || nlo < *lo)
		*lo = nlo;
	if (!*count || nhi > *hi)
		*hi = nhi;
	*count += n;
	*sum += nsum;
}

/* An event of zone that ended at t on the thread whose figures are s: when
 * those do not cover it yet, it counts in the exact figures too. */
static void zone_extra(struct profile *p, uint32_t zone, struct zone_stats *s, double t, uint64_t d)
{
	struct profile_zone *z = &p->zones[zone];

	if (s->have && t <= s->ts)
		return;
	exact_fold(&s->extra_count, &s->extra_sum_ns, &s->extra_min_ns, &s->extra_max_ns, 1,
	           (double)d, d, d);
	exact_fold(&z->exact_count, &z->exact_sum_ns, &z->exact_min_ns, &z->exact_max_ns, 1,
	           (double)d, d, d);
}

/* The record of zone on thread tid, created if absent. */
static struct profile_zone_thread *zone_thread(struct profile *p, uint32_t zone, pid_t tid)
{
	uint64_t key = (uint64_t)zone << 32 | (uint32_t)tid;
	struct profile_zone_thread *zt = hashmap_get(&p->zone_threads, key);

	if (!zt) {
		zt = xcalloc(1, sizeof(*zt));
		hist_init(&zt->hist);
		zt->thread = (uint32_t)(profile_thread(p, tid) - p->threads);
		zt->stats = zone_stats_get(p, zone, tid);
		hashmap_put(&p->zone_threads, key, zt);
	}
	return zt;
}

void profile_zone_event_at(struct profile *p, uint32_t zone, pid_t tid, double t,
                           uint64_t duration_ns)
{
	struct profile_zone_thread *zt;

	if (zone >= p->zone_names.count)
		return;
	hist_record(&p->zones[zone].hist, duration_ns, 1);
	zt = zone_thread(p, zone, tid);
	hist_record(&zt->hist, duration_ns, 1);
	zone_extra(p, zone, zt->stats, t, duration_ns);
	profile__note_time(p, t);
	profile__zone_series_fold(p, window_second(t));
	zone_series_start(p, window_second(t));
	profile__live_advance(p, window_second(t));
	window_zone_event(&p->window, window_second(t), zone, zt->thread, duration_ns, &zt->hint);
}

const struct hist *profile_zone_hist(const struct profile *p, uint32_t zone, pid_t tid)
{
	const struct profile_zone_thread *zt;

	if (zone >= p->zone_names.count)
		return NULL;
	if (!tid)
		return &p->zones[zone].hist;
	zt = hashmap_get(&p->zone_threads, (uint64_t)zone << 32 | (uint32_t)tid);
	return zt ? &zt->hist : NULL;
}

void profile_zone_restore(struct profile *p, uint32_t zone, pid_t tid, const struct hist *h)
{
	if (zone >= p->zone_names.count || !h->count)
		return;
	hist_merge(tid ? &zone_thread(p, zone, tid)->hist : &p->zones[zone].hist, h);
}

void profile_zone_window_restore(struct profile *p, uint32_t zone, pid_t tid, int64_t s,
                                 const struct hist *h)
{
	struct profile_zone_thread *zt;

	if (zone >= p->zone_names.count || !h->count)
		return;
	zt = zone_thread(p, zone, tid);
	profile__zone_series_fold(p, s);
	zone_series_start(p, s);
	profile__live_advance(p, s);
	window_zone_merge(&p->window, s, zone, zt->thread, h);
}

/* Index of thread tid, or -1 when the profile has never seen it. */
/* The span a window of `seconds` at now covers, given the data since p->since. */
static double covered(const struct profile *p, double seconds, double now, int64_t *first,
                      int64_t *last)
{
	double from = p->since;

	if (seconds > 0) {
		window_range(seconds, now, first, last);
		if ((double)*first > from)
			from = (double)*first;
	}
	return p->have_since && now > from ? now - from : 0;
}

static void summarize(const struct hist *h, double span, struct profile_zone_summary *out)
{
	memset(out, 0, sizeof(*out));
	out->seconds = span;
	out->count = h->count;
	if (!h->count)
		return;
	out->rate_per_s = (double)h->count / (span > 1 ? span : 1);
	out->total_ns = h->sum_ns;
	out->mean_ns = hist_mean(h);
	out->min_ns = h->min_ns;
	out->max_ns = h->max_ns;
	out->p50_ns = hist_quantile(h, 0.50);
	out->p90_ns = hist_quantile(h, 0.90);
	out->p95_ns = hist_quantile(h, 0.95);
	out->p99_ns = hist_quantile(h, 0.99);
	out->p999_ns = hist_quantile(h, 0.999);
}

/* Room for a window histogram per zone, each emptied. */
static void zone_scratch_reset(struct profile *p)
{
	size_t n = p->zone_names.count;

	if (n > p->zone_scratch_alloc) {
		p->zone_scratch = xreallocarray(p->zone_scratch, n, sizeof(*p->zone_scratch));
		for (size_t i = p->zone_scratch_alloc; i < n; i++)
			hist_init(&p->zone_scratch[i]);
		p->zone_scratch_alloc = n;
	}
	for (size_t i = 0; i < n; i++)
		if (p->zone_scratch[i].count)
			hist_reset(&p->zone_scratch[i]);
}

/* The overall histogram of zone for tid (0: merged), or NULL when none. */
static const struct hist *zone_overall(struct profile *p, uint32_t zone, pid_t tid)
{
	if (!tid)
		return &p->zones[zone].hist;
	return hashmap_get(&p->zone_threads, (uint64_t)zone << 32 | (uint32_t)tid);
}

void profile_zone_summary(struct profile *p, uint32_t zone, pid_t tid, double seconds, double now,
                          struct profile_zone_summary *out, struct hist *hist)
{
	static const struct hist empty;
	const struct hist *h = &empty;
	int64_t first = 0, last = 0;
	double span = covered(p, seconds, now, &first, &last);

	memset(out, 0, sizeof(*out));
	if (zone >= p->zone_names.count)
		return;
	if (seconds <= 0) {
		h = zone_overall(p, zone, tid);
		h = h ? h : &empty;
	} else {
		long ti = tid ? profile__thread_index(p, tid) : -1;

		zone_scratch_reset(p);
		if (!tid || ti >= 0)
			window_zone_collect(&p->window, first, last, zone,
			                    tid ? (uint32_t)ti : WINDOW_ANY, p->zone_scratch,
			                    p->zone_names.count);
		h = &p->zone_scratch[zone];
	}
	summarize(h, span, out);
	if (hist) {
		hist_reset(hist);
		hist_merge(hist, h);
	}
}

void profile_zone_summaries(struct profile *p, pid_t tid, double seconds, double now,
                            struct profile_zone_summary *out)
{
	int64_t first = 0, last = 0;
	double span = covered(p, seconds, now, &first, &last);
	size_t n = p->zone_names.count;

	if (seconds <= 0) {
		for (size_t z = 0; z < n; z++)
			profile_zone_summary(p, (uint32_t)z, tid, 0, now, &out[z], NULL);
		return;
	}
	long ti = tid ? profile__thread_index(p, tid) : -1;

	zone_scratch_reset(p);
	if (!tid || ti >= 0)
		window_zone_collect(&p->window, first, last, WINDOW_ANY,
		                    tid ? (uint32_t)ti : WINDOW_ANY, p->zone_scratch, n);
	for (size_t z = 0; z < n; z++)
		summarize(&p->zone_scratch[z], span, &out[z]);
}

void profile_zone_stats(struct profile *p, uint32_t zone, pid_t tid, uint64_t count, double sum_ns,
                        uint64_t min_ns, uint64_t max_ns, double t)
{
	struct zone_stats *s;
	struct profile_zone *z;
	size_t pos = 0;
	uint64_t k;
	void *v;

	if (zone >= p->zone_names.count)
		return;
	s = zone_stats_get(p, zone, tid);
	if (count < s->base_count) {
		/* Fewer than at the reset: the thread started over. */
		s->base_count = 0;
		s->base_sum_ns = 0;
	}
	s->have = true;
	s->ts = t;
	s->count = count;
	s->sum_ns = sum_ns;
	s->min_ns = min_ns;
	s->max_ns = max_ns;
	/* Every event received so far ended before t (the agent drains a
	 * thread's events before it reads its figures): they are covered. */
	s->extra_count = 0;
	s->extra_sum_ns = 0;
	/* Re-sum this zone over its threads: the figures are cumulative per thread. */
	z = &p->zones[zone];
	z->exact_count = 0;
	z->exact_sum_ns = 0;
	while (hashmap_next(&p->zone_thread_stats, &pos, &k, &v)) {
		const struct zone_stats *ts = v;
		uint64_t n = ts->have ? ts->count - ts->base_count : 0;
		uint64_t lo = ts->min_ns, hi = ts->max_ns;

		if (k >> 32 != zone)
			continue;
		if (n && ts->reset) {
			/* The agent's min and max reach back before the reset: use
			 * the events received since (none: 0 until some arrive). */
			lo = z->hist.count ? z->hist.min_ns : 0;
			hi = z->hist.count ? z->hist.max_ns : 0;
		}
		exact_fold(&z->exact_count, &z->exact_sum_ns, &z->exact_min_ns, &z->exact_max_ns, n,
		           ts->sum_ns - ts->base_sum_ns, lo, hi);
		exact_fold(&z->exact_count, &z->exact_sum_ns, &z->exact_min_ns, &z->exact_max_ns,
		           ts->extra_count, ts->extra_sum_ns, ts->extra_min_ns, ts->extra_max_ns);
	}
}

void profile__zones_reset(struct profile *p)
{
	size_t pos = 0;
	void *v;

	for (size_t i = 0; i < p->zone_names.count; i++) {
		struct profile_zone *z = &p->zones[i];

		hist_reset(&z->hist);
		z->exact_count = 0;
		z->exact_sum_ns = 0;
		z->exact_min_ns = z->exact_max_ns = 0;
		for (int q = 0; q < PZ_PCT_COUNT; q++)
			series_release(&z->pct[q]);
	}
	p->zone_series_on = false;
	while (hashmap_next(&p->zone_threads, &pos, NULL, &v)) {
		struct profile_zone_thread *zt = v;

		hist_reset(&zt->hist);
		zt->hint.index1 = 0;
	}
	pos = 0;
	while (hashmap_next(&p->zone_thread_stats, &pos, NULL, &v)) {
		struct zone_stats *s = v;

		s->base_count = s->count;
		s->base_sum_ns = s->sum_ns;
		s->reset = s->have;
		s->extra_count = 0;
		s->extra_sum_ns = 0;
	}
}

void profile__zones_free(struct profile *p)
{
	size_t pos = 0;
	void *v;

	while (hashmap_next(&p->zone_thread_stats, &pos, NULL, &v))
		free(v);
	hashmap_release(&p->zone_thread_stats);
	pos = 0;
	while (hashmap_next(&p->zone_threads, &pos, NULL, &v)) {
		hist_release(&((struct profile_zone_thread *)v)->hist);
		free(v);
	}
	hashmap_release(&p->zone_threads);
	for (size_t i = 0; i < p->zone_scratch_alloc; i++)
		hist_release(&p->zone_scratch[i]);
	free(p->zone_scratch);
	for (size_t i = 0; i < p->zone_names.count; i++) {
		hist_release(&p->zones[i].hist);
		for (int q = 0; q < PZ_PCT_COUNT; q++)
			series_release(&p->zones[i].pct[q]);
	}
	free(p->zones);
	intern_release(&p->zone_names);
}
