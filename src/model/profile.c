/* profile — an agent's samples, zones, counters and marks; see profile.h. */
#include "model/profile.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct zone_stats {
	uint64_t count;
	double sum_ns;
	uint64_t min_ns, max_ns;
};

/* Grows *arr (of elem-size entries, *alloc long) so index idx fits; zeroes new space. */
static void *grow(void *arr, size_t *alloc, size_t idx, size_t elem)
{
	size_t n = *alloc ? *alloc : 16;

	if (idx < *alloc)
		return arr;
	while (n <= idx)
		n *= 2;
	arr = xreallocarray(arr, n, elem);
	memset((char *)arr + *alloc * elem, 0, (n - *alloc) * elem);
	*alloc = n;
	return arr;
}

struct profile *profile_new(pid_t pid)
{
	struct profile *p = xcalloc(1, sizeof(*p));

	p->pid = pid;
	intern_init(&p->func_keys);
	intern_init(&p->stacks);
	intern_init(&p->zone_names);
	intern_init(&p->counter_names);
	hashmap_init(&p->zone_thread_stats);
	return p;
}

void profile_free(struct profile *p)
{
	size_t pos = 0;
	void *v;

	if (!p)
		return;
	while (hashmap_next(&p->zone_thread_stats, &pos, NULL, &v))
		free(v);
	hashmap_release(&p->zone_thread_stats);
	for (size_t i = 0; i < p->zone_names.count; i++)
		hist_release(&p->zones[i].hist);
	for (size_t i = 0; i < p->counter_names.count; i++)
		series_release(&p->counters[i].values);
	for (size_t i = 0; i < p->nmarks; i++)
		free(p->marks[i].text);
	free(p->marks);
	for (size_t i = 0; i < p->func_keys.count; i++)
		free((char *)p->funcs[i].file);
	free(p->zones);
	free(p->counters);
	free(p->funcs);
	free(p->stack_counts);
	free(p->threads);
	free(p->exe);
	intern_release(&p->func_keys);
	intern_release(&p->stacks);
	intern_release(&p->zone_names);
	intern_release(&p->counter_names);
	free(p);
}

/* ---- functions and stacks -------------------------------------------------- */

uint32_t profile_func(struct profile *p, const char *module, const char *name, const char *file,
		      int line)
{
	size_t ml = strlen(module), nl = strlen(name);
	char stackbuf[512];
	char *key = ml + nl + 1 <= sizeof(stackbuf) ? stackbuf : xmalloc(ml + nl + 1);
	bool added;
	uint32_t id;
	const char *k;

	memcpy(key, module, ml);
	key[ml] = '\0';
	memcpy(key + ml + 1, name, nl);
	id = intern_put(&p->func_keys, key, ml + 1 + nl, &added);
	if (key != stackbuf)
		free(key);
	if (!added)
		return id;
	p->funcs = grow(p->funcs, &p->funcs_alloc, id, sizeof(*p->funcs));
	k = intern_bytes(&p->func_keys, id, NULL);
	p->funcs[id].module = k;
	p->funcs[id].name = k + ml + 1;
	p->funcs[id].file = file && *file ? xstrdup(file) : NULL;
	p->funcs[id].line = line;
	return id;
}

size_t profile_func_count(const struct profile *p)
{
	return p->func_keys.count;
}

struct profile_thread *profile_thread(struct profile *p, pid_t tid)
{
	for (size_t i = 0; i < p->nthreads; i++)
		if (p->threads[i].tid == tid)
			return &p->threads[i];
	p->threads = grow(p->threads, &p->threads_alloc, p->nthreads, sizeof(*p->threads));
	p->threads[p->nthreads].tid = tid;
	return &p->threads[p->nthreads++];
}

void profile_thread_name(struct profile *p, pid_t tid, const char *name)
{
	struct profile_thread *t = profile_thread(p, tid);

	strncpy(t->name, name, sizeof(t->name) - 1);
	t->name[sizeof(t->name) - 1] = '\0';
}

void profile_add_samples(struct profile *p, pid_t tid, const uint32_t *funcs, size_t depth,
			 uint64_t count, double t)
{
	uint64_t stamp = p->samples + 1; /* unique per call: marks "counted" */

	if (!count)
		return;
	if (depth > PROFILE_MAX_DEPTH) {
		funcs += depth - PROFILE_MAX_DEPTH;
		depth = PROFILE_MAX_DEPTH;
	}
	profile_thread(p, tid)->samples += count;
	if (!p->samples)
		p->first_time = t;
	if (t > p->last_time)
		p->last_time = t;
	p->samples += count;
	if (!depth)
		return;

	bool added;
	uint32_t sid = intern_put(&p->stacks, funcs, depth * sizeof(*funcs), &added);

	p->stack_counts = grow(p->stack_counts, &p->stacks_alloc, sid, sizeof(*p->stack_counts));
	p->stack_counts[sid] += count;
	p->funcs[funcs[depth - 1]].self += count;
	/* A recursive function appears more than once but counts once per sample. */
	for (size_t i = 0; i < depth; i++) {
		struct profile_func *f = &p->funcs[funcs[i]];

		if (f->stamp != stamp) {
			f->stamp = stamp;
			f->total += count;
		}
	}
}

/* ---- zones -------------------------------------------------------------------- */

uint32_t profile_zone(struct profile *p, const char *name)
{
	bool added;
	uint32_t id = intern_put(&p->zone_names, name, strlen(name), &added);

	if (added) {
		p->zones = grow(p->zones, &p->zones_alloc, id, sizeof(*p->zones));
		p->zones[id].name = intern_bytes(&p->zone_names, id, NULL);
		hist_init(&p->zones[id].hist);
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

void profile_zone_stats(struct profile *p, uint32_t zone, pid_t tid, uint64_t count,
			double sum_ns, uint64_t min_ns, uint64_t max_ns)
{
	uint64_t key = (uint64_t)zone << 32 | (uint32_t)tid;
	struct zone_stats *s = hashmap_get(&p->zone_thread_stats, key);
	struct profile_zone *z;
	size_t pos = 0;
	uint64_t k;
	void *v;

	if (zone >= p->zone_names.count)
		return;
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		hashmap_put(&p->zone_thread_stats, key, s);
	}
	s->count = count;
	s->sum_ns = sum_ns;
	s->min_ns = min_ns;
	s->max_ns = max_ns;
	/* Re-sum this zone over its threads: the figures are cumulative per thread. */
	z = &p->zones[zone];
	z->exact_count = 0;
	z->exact_sum_ns = 0;
	while (hashmap_next(&p->zone_thread_stats, &pos, &k, &v)) {
		const struct zone_stats *t = v;

		if (k >> 32 != zone || !t->count)
			continue;
		if (!z->exact_count || t->min_ns < z->exact_min_ns)
			z->exact_min_ns = t->min_ns;
		if (!z->exact_count || t->max_ns > z->exact_max_ns)
			z->exact_max_ns = t->max_ns;
		z->exact_count += t->count;
		z->exact_sum_ns += t->sum_ns;
	}
}

/* ---- counters ----------------------------------------------------------------- */

uint32_t profile_counter(struct profile *p, const char *name)
{
	bool added;
	uint32_t id = intern_put(&p->counter_names, name, strlen(name), &added);

	if (added) {
		p->counters = grow(p->counters, &p->counters_alloc, id, sizeof(*p->counters));
		p->counters[id].name = intern_bytes(&p->counter_names, id, NULL);
		series_init(&p->counters[id].values, 3600);
	}
	return id;
}

size_t profile_counter_count(const struct profile *p)
{
	return p->counter_names.count;
}

void profile_counter_update(struct profile *p, uint32_t counter, bool gauge, double value, double t)
{
	struct profile_counter *c;

	if (counter >= p->counter_names.count)
		return;
	c = &p->counters[counter];
	if (c->first_time == 0 && c->last_time == 0) {
		c->first_time = c->bucket_start = t;
		c->bucket_base = gauge ? value : 0;
	}
	c->gauge = gauge;
	if (t - c->bucket_start >= 1.0) {
		c->rate_per_s = (c->total - c->bucket_base) / (t - c->bucket_start);
		series_push(&c->values, (float)c->total);
		c->bucket_start = t;
		c->bucket_base = c->total;
	}
	c->total = gauge ? value : c->total + value;
	if (t > c->last_time)
		c->last_time = t;
}

void profile_counter_total(struct profile *p, uint32_t counter, double total, double t)
{
	struct profile_counter *c;

	if (counter >= p->counter_names.count)
		return;
	c = &p->counters[counter];
	if (total > c->total)
		profile_counter_update(p, counter, false, total - c->total, t);
}

/* ---- marks ---------------------------------------------------------------------- */

void profile_mark(struct profile *p, double t, pid_t tid, const char *text)
{
	struct profile_mark *m;

	if (!p->marks)
		p->marks = xcalloc(PROFILE_MAX_MARKS, sizeof(*p->marks));
	if (p->nmarks < PROFILE_MAX_MARKS) {
		m = &p->marks[p->nmarks++];
	} else {
		m = &p->marks[p->marks_head];
		p->marks_head = (p->marks_head + 1) % PROFILE_MAX_MARKS;
		free(m->text);
	}
	m->time = t;
	m->tid = tid;
	m->text = xstrdup(text);
}

const struct profile_mark *profile_mark_at(const struct profile *p, size_t i)
{
	return &p->marks[(p->marks_head + i) % PROFILE_MAX_MARKS];
}

/* ---- sorted views ------------------------------------------------------------ */

static _Thread_local const struct profile *sort_profile;
static _Thread_local bool sort_by_total;

static int compare_funcs(const void *pa, const void *pb)
{
	const struct profile_func *a = &sort_profile->funcs[*(const uint32_t *)pa];
	const struct profile_func *b = &sort_profile->funcs[*(const uint32_t *)pb];
	uint64_t ka = sort_by_total ? a->total : a->self, kb = sort_by_total ? b->total : b->self;

	if (ka != kb)
		return ka > kb ? -1 : 1;
	return strcmp(a->name, b->name);
}

size_t profile_funcs_sorted(const struct profile *p, bool by_total, uint32_t *out)
{
	size_t n = profile_func_count(p);

	for (size_t i = 0; i < n; i++)
		out[i] = (uint32_t)i;
	sort_profile = p;
	sort_by_total = by_total;
	qsort(out, n, sizeof(*out), compare_funcs);
	return n;
}
