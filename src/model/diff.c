/* diff — two profiles compared, function by function and zone by zone; see diff.h.
 * report/diff.c writes the result. */
#include "model/diff.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/figures.h"
#include "util/intern.h"
#include "util/xalloc.h"

static const char *base_name(const char *path)
{
	const char *s;

	if (!path)
		return NULL;
	s = strrchr(path, '/');
	return s && s[1] ? s + 1 : path;
}

static double pct(uint64_t n, uint64_t of)
{
	return of ? 100.0 * (double)n / (double)of : 0;
}

/* "module\0name", the key functions are matched by. */
static size_t func_key(const struct profile_func *f, char **buf, size_t *alloc)
{
	const char *mod = f->module ? f->module : "";
	char tail[32] = "";
	/* an interpreted function is also its file and definition line: two
	 * <lambda> of one file are two functions */
	const char *file = f->interp && f->file ? f->file : "";
	size_t a = strlen(mod), b = strlen(f->name), c = strlen(file), t, n;

	if (f->interp)
		snprintf(tail, sizeof(tail), ":%d", f->line);
	t = strlen(tail);
	n = a + 1 + b + (f->interp ? 1 + c + t : 0);
	if (n > *alloc) {
		*alloc = n;
		*buf = xrealloc(*buf, n);
	}
	memcpy(*buf, mod, a);
	(*buf)[a] = '\0';
	memcpy(*buf + a + 1, f->name, b);
	if (f->interp) {
		(*buf)[a + 1 + b] = '\0';
		memcpy(*buf + a + 2 + b, file, c);
		memcpy(*buf + a + 2 + b + c, tail, t);
	}
	return n;
}

static int func_cmp(const void *pa, const void *pb)
{
	const struct diff_func *a = pa, *b = pb;
	int c;

	if (a->d_ms != b->d_ms)
		return a->d_ms > b->d_ms ? -1 : 1;
	if (a->d_self != b->d_self)
		return a->d_self > b->d_self ? -1 : 1;
	if (a->d_total != b->d_total)
		return a->d_total > b->d_total ? -1 : 1;
	c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->module ? a->module : "", b->module ? b->module : "");
}

static int zone_cmp(const void *pa, const void *pb)
{
	const struct diff_zone *a = pa, *b = pb;
	double x = a->have_p95 ? a->p95_change : -INFINITY;
	double y = b->have_p95 ? b->p95_change : -INFINITY;

	if (x != y)
		return x > y ? -1 : 1;
	return strcmp(a->name, b->name);
}

static double change(double from, double to)
{
	return 100.0 * (to - from) / from;
}

/* The sampling rate a profile's samples stand for: one sample is 1/hz
 * seconds of a thread's CPU time. 0 when unknown. */
static double rate_of(const struct profile *p)
{
	return p->requested_hz > 0 ? p->requested_hz : p->achieved_hz > 0 ? p->achieved_hz : 0;
}

/* Milliseconds of CPU a second of the run that n samples stand for. */
static double ms_per_s(uint64_t n, double hz, double seconds)
{
	return hz > 0 ? 1000.0 * (double)n / hz / seconds : 0;
}

void diff_compute(struct diff *d, const struct profile *base, const char *base_program,
		  const struct profile *new_, const char *new_program)
{
	struct intern keys;
	char *buf = NULL;
	size_t alloc = 0, nb = profile_func_count(base), nn = profile_func_count(new_);
	size_t nz;

	memset(d, 0, sizeof(*d));
	d->base_program = base_program ? base_program : base_name(base->exe);
	d->new_program = new_program ? new_program : base_name(new_->exe);
	d->different_programs = d->base_program && d->new_program &&
				strcmp(d->base_program, d->new_program) != 0;
	d->base_samples = base->samples;
	d->new_samples = new_->samples;
	d->base_seconds = figures_duration(base) > 1 ? figures_duration(base) : 1;
	d->new_seconds = figures_duration(new_) > 1 ? figures_duration(new_) : 1;
	d->base_hz = rate_of(base);
	d->new_hz = rate_of(new_);
	d->have_cpu = d->base_hz > 0 && d->new_hz > 0;

	/* Functions: BASE's first, then NEW's that BASE lacks. */
	intern_init(&keys);
	d->funcs = xcalloc(nb + nn + 1, sizeof(*d->funcs));
	for (size_t i = 0; i < nb; i++) {
		struct diff_func *df = &d->funcs[d->nfuncs++];
		const struct profile_func *f = &base->funcs[i];
		size_t n = func_key(f, &buf, &alloc);

		intern_put(&keys, buf, n, NULL);
		df->name = f->name;
		df->module = f->module;
		df->base_id = (uint32_t)i;
		df->new_id = UINT32_MAX;
		df->base_self = pct(f->self, base->samples);
		df->base_total = pct(f->total, base->samples);
		df->base_ms = ms_per_s(f->self, d->base_hz, d->base_seconds);
	}
	for (size_t i = 0; i < nn; i++) {
		const struct profile_func *f = &new_->funcs[i];
		size_t n = func_key(f, &buf, &alloc);
		bool added;
		uint32_t id = intern_put(&keys, buf, n, &added);
		struct diff_func *df = &d->funcs[id];

		if (added) {
			d->nfuncs++;
			df->name = f->name;
			df->module = f->module;
			df->base_id = UINT32_MAX;
		}
		df->new_id = (uint32_t)i;
		df->new_self = pct(f->self, new_->samples);
		df->new_total = pct(f->total, new_->samples);
		df->new_ms = ms_per_s(f->self, d->new_hz, d->new_seconds);
	}
	for (size_t i = 0; i < d->nfuncs; i++) {
		struct diff_func *df = &d->funcs[i];

		df->d_self = df->new_self - df->base_self;
		df->d_total = df->new_total - df->base_total;
		if (!d->have_cpu)
			df->base_ms = df->new_ms = 0;
		df->d_ms = df->new_ms - df->base_ms;
		df->have_cpu_change = d->have_cpu && df->base_ms > 0;
		if (df->have_cpu_change)
			df->cpu_change = change(df->base_ms, df->new_ms);
	}
	qsort(d->funcs, d->nfuncs, sizeof(*d->funcs), func_cmp);
	d->nnew = nn;
	d->by_new_id = xcalloc(nn + 1, sizeof(*d->by_new_id));
	for (size_t i = 0; i < nn; i++)
		d->by_new_id[i] = UINT32_MAX;
	for (size_t i = 0; i < d->nfuncs; i++)
		if (d->funcs[i].new_id != UINT32_MAX)
			d->by_new_id[d->funcs[i].new_id] = (uint32_t)i;
	intern_release(&keys);
	free(buf);

	/* Zones by name, BASE's then NEW's. */
	nz = profile_zone_count(base) + profile_zone_count(new_);
	d->zones = xcalloc(nz + 1, sizeof(*d->zones));
	for (uint32_t z = 0; z < profile_zone_count(base); z++) {
		struct zone_figures rz;
		struct diff_zone *dz = &d->zones[d->nzones++];

		figures_zone(base, z, &rz);
		dz->name = rz.name;
		dz->base_count = rz.count;
		dz->base_p50 = rz.p50_ns;
		dz->base_p95 = rz.p95_ns;
	}
	for (uint32_t z = 0; z < profile_zone_count(new_); z++) {
		struct zone_figures rz;
		struct diff_zone *dz = NULL;

		figures_zone(new_, z, &rz);
		for (size_t i = 0; i < d->nzones && !dz; i++)
			if (!strcmp(d->zones[i].name, rz.name))
				dz = &d->zones[i];
		if (!dz) {
			dz = &d->zones[d->nzones++];
			dz->name = rz.name;
		}
		dz->new_count = rz.count;
		dz->new_p50 = rz.p50_ns;
		dz->new_p95 = rz.p95_ns;
	}
	for (size_t i = 0; i < d->nzones; i++) {
		struct diff_zone *dz = &d->zones[i];

		dz->have_p50 = dz->base_p50 > 0 && dz->new_count > 0;
		dz->have_p95 = dz->base_p95 > 0 && dz->new_count > 0;
		if (dz->have_p50)
			dz->p50_change = change(dz->base_p50, dz->new_p50);
		if (dz->have_p95)
			dz->p95_change = change(dz->base_p95, dz->new_p95);
	}
	qsort(d->zones, d->nzones, sizeof(*d->zones), zone_cmp);
}

void diff_release(struct diff *d)
{
	free(d->funcs);
	free(d->zones);
	free(d->by_new_id);
	memset(d, 0, sizeof(*d));
}

const struct diff_func *diff_func_find(const struct diff *d, uint32_t new_id)
{
	if (new_id >= d->nnew || d->by_new_id[new_id] == UINT32_MAX)
		return NULL;
	return &d->funcs[d->by_new_id[new_id]];
}
