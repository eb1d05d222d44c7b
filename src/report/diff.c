/* diff — two profiles compared, function by function and zone by zone; see diff.h. */
#include "report/diff.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json.h"
#include "report/table.h"
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
	d->base_seconds = report_duration(base) > 1 ? report_duration(base) : 1;
	d->new_seconds = report_duration(new_) > 1 ? report_duration(new_) : 1;
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
		struct report_zone rz;
		struct diff_zone *dz = &d->zones[d->nzones++];

		report_zone_figures(base, z, &rz);
		dz->name = rz.name;
		dz->base_count = rz.count;
		dz->base_p50 = rz.p50_ns;
		dz->base_p95 = rz.p95_ns;
	}
	for (uint32_t z = 0; z < profile_zone_count(new_); z++) {
		struct report_zone rz;
		struct diff_zone *dz = NULL;

		report_zone_figures(new_, z, &rz);
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

/* ---- writing -------------------------------------------------------------------- */

#define DIFF_SUMMARY_COLUMNS(X)                                               \
	X(BASE_FILE, "BASE (before)", "base_file", STR, 0)                    \
	X(NEW_FILE, "NEW (after)", "new_file", STR, 0)                        \
	X(BASE_PROGRAM, "BASE program", "base_program", STR, 0)               \
	X(NEW_PROGRAM, "NEW program", "new_program", STR, 0)                  \
	X(BASE_SAMPLES, "BASE samples", "base_samples", COUNT, 0)             \
	X(NEW_SAMPLES, "NEW samples", "new_samples", COUNT, 0)                \
	X(BASE_SECONDS, "BASE duration", "base_duration_s", SECONDS, 0)       \
	X(NEW_SECONDS, "NEW duration", "new_duration_s", SECONDS, 0)          \
	X(BASE_HZ, "BASE rate", "base_rate_hz", HZ, 0)                        \
	X(NEW_HZ, "NEW rate", "new_rate_hz", HZ, 0)

#define DS_ENTRY(id, ...) DS_##id,
enum { DIFF_SUMMARY_COLUMNS(DS_ENTRY) DS_COUNT };

static const struct table_col summary_cols[] = { DIFF_SUMMARY_COLUMNS(TABLE_COLUMN) };

#define DIFF_FUNC_COLUMNS(X)                                                  \
	X(CPU_CHANGE, "CPU change", "cpu_change_pct", CHANGE, 0)              \
	X(BASE_MS, "BASE ms/s", "base_cpu_ms_per_s", MSPS, 0)                   \
	X(NEW_MS, "NEW ms/s", "new_cpu_ms_per_s", MSPS, 0)                      \
	X(D_SELF, "Δ self", "self_change_pts", PTS, 0)                        \
	X(D_TOTAL, "Δ total", "total_change_pts", PTS, 0)                     \
	X(BASE_SELF, "BASE self %", "base_self_pct", PCT, 0)                  \
	X(NEW_SELF, "NEW self %", "new_self_pct", PCT, 0)                     \
	X(BASE_TOTAL, "BASE total %", "base_total_pct", PCT, 0)               \
	X(NEW_TOTAL, "NEW total %", "new_total_pct", PCT, 0)                  \
	X(MODULE, "module", "module", STR, 0)                                 \
	X(NAME, "function", "name", STR, 0)

#define DF_ENTRY(id, ...) DF_##id,
enum { DIFF_FUNC_COLUMNS(DF_ENTRY) DF_COUNT };

static const struct table_col func_cols[] = { DIFF_FUNC_COLUMNS(TABLE_COLUMN) };

#define DIFF_ZONE_COLUMNS(X)                                                  \
	X(NAME, "zone", "name", STR, 0)                                       \
	X(P95_CHANGE, "p95 change", "p95_change_pct", CHANGE, 0)              \
	X(P50_CHANGE, "p50 change", "p50_change_pct", CHANGE, 0)              \
	X(BASE_P95, "BASE p95", "base_p95_ns", NS, 0)                         \
	X(NEW_P95, "NEW p95", "new_p95_ns", NS, 0)                            \
	X(BASE_P50, "BASE p50", "base_p50_ns", NS, 0)                         \
	X(NEW_P50, "NEW p50", "new_p50_ns", NS, 0)                            \
	X(BASE_COUNT, "BASE count", "base_count", COUNT, 0)                   \
	X(NEW_COUNT, "NEW count", "new_count", COUNT, 0)

#define DZ_ENTRY(id, ...) DZ_##id,
enum { DIFF_ZONE_COLUMNS(DZ_ENTRY) DZ_COUNT };

static const struct table_col zone_cols[] = { DIFF_ZONE_COLUMNS(TABLE_COLUMN) };

/* Changes smaller than this (points) are noise and left out of the table. */
#define DIFF_MIN_POINTS 0.05

int diff_write(FILE *f, const struct diff *d, enum report_format fmt, size_t top)
{
	struct table t[3];
	struct table_cell *c;
	char warning[512], bp[200], np[200];
	size_t rows = 0;

	table_init(&t[0], "Compared", "summary", summary_cols, DS_COUNT);
	t[0].object = true;
	c = table_row(&t[0]);
	table_str(&c[DS_BASE_FILE], d->base_label);
	table_str(&c[DS_NEW_FILE], d->new_label);
	table_num(&c[DS_BASE_SECONDS], d->base_seconds);
	table_num(&c[DS_NEW_SECONDS], d->new_seconds);
	if (d->have_cpu) {
		table_num(&c[DS_BASE_HZ], d->base_hz);
		table_num(&c[DS_NEW_HZ], d->new_hz);
	}
	table_str(&c[DS_BASE_PROGRAM], d->base_program);
	table_str(&c[DS_NEW_PROGRAM], d->new_program);
	table_num(&c[DS_BASE_SAMPLES], (double)d->base_samples);
	table_num(&c[DS_NEW_SAMPLES], (double)d->new_samples);

	table_init(&t[1], "Functions, largest regression first", "functions", func_cols,
		   DF_COUNT);
	t[1].empty = "no function changed";
	t[1].note = "CPU: each function's own CPU time (samples / rate) in ms per second of its "
		    "run, and its change in % of BASE's (0 % when its own time is unchanged, whatever its share did); Δ self and Δ total: changes in "
		    "percentage points of each profile's samples.";
	for (size_t i = 0; i < d->nfuncs && (!top || rows < top); i++) {
		const struct diff_func *df = &d->funcs[i];

		if (fabs(df->d_self) < DIFF_MIN_POINTS && fabs(df->d_total) < DIFF_MIN_POINTS &&
		    (!df->have_cpu_change || fabs(df->cpu_change) < DIFF_MIN_POINTS))
			continue;
		c = table_row(&t[1]);
		rows++;
		if (df->have_cpu_change)
			table_num(&c[DF_CPU_CHANGE], df->cpu_change);
		if (d->have_cpu && df->base_id != UINT32_MAX)
			table_num(&c[DF_BASE_MS], df->base_ms);
		if (d->have_cpu && df->new_id != UINT32_MAX)
			table_num(&c[DF_NEW_MS], df->new_ms);
		table_num(&c[DF_D_SELF], df->d_self);
		table_num(&c[DF_D_TOTAL], df->d_total);
		if (df->base_id != UINT32_MAX) {
			table_num(&c[DF_BASE_SELF], df->base_self);
			table_num(&c[DF_BASE_TOTAL], df->base_total);
		}
		if (df->new_id != UINT32_MAX) {
			table_num(&c[DF_NEW_SELF], df->new_self);
			table_num(&c[DF_NEW_TOTAL], df->new_total);
		}
		table_str(&c[DF_MODULE], df->module);
		table_str(&c[DF_NAME], df->name);
	}

	table_init(&t[2], "Zones, largest p95 regression first", "zones", zone_cols, DZ_COUNT);
	t[2].empty = "no zones";
	for (size_t i = 0; i < d->nzones; i++) {
		const struct diff_zone *dz = &d->zones[i];

		c = table_row(&t[2]);
		table_str(&c[DZ_NAME], dz->name);
		if (dz->have_p95)
			table_num(&c[DZ_P95_CHANGE], dz->p95_change);
		if (dz->have_p50)
			table_num(&c[DZ_P50_CHANGE], dz->p50_change);
		if (dz->base_count) {
			table_num(&c[DZ_BASE_P95], dz->base_p95);
			table_num(&c[DZ_BASE_P50], dz->base_p50);
		}
		if (dz->new_count) {
			table_num(&c[DZ_NEW_P95], dz->new_p95);
			table_num(&c[DZ_NEW_P50], dz->new_p50);
		}
		table_num(&c[DZ_BASE_COUNT], (double)dz->base_count);
		table_num(&c[DZ_NEW_COUNT], (double)dz->new_count);
	}

	warning[0] = '\0';
	if (d->different_programs)
		snprintf(warning, sizeof(warning),
			 "warning: the profiles are of different programs ('%s' and '%s')",
			 table_clean(bp, sizeof(bp), d->base_program, fmt == REPORT_MARKDOWN),
			 table_clean(np, sizeof(np), d->new_program, fmt == REPORT_MARKDOWN));
	switch (fmt) {
	case REPORT_TEXT:
		fprintf(f, "perftop diff: BASE (before) %s, NEW (after) %s\n",
			d->base_label ? d->base_label : "-", d->new_label ? d->new_label : "-");
		if (*warning)
			fprintf(f, "%s\n", warning);
		for (int i = 0; i < 3; i++) {
			fputc('\n', f);
			table_write_text(f, &t[i]);
		}
		break;
	case REPORT_MARKDOWN:
		fprintf(f, "## perftop diff: BASE (before) %s, NEW (after) %s\n\n",
			table_clean(bp, sizeof(bp), d->base_label ? d->base_label : "-", true),
			table_clean(np, sizeof(np), d->new_label ? d->new_label : "-", true));
		if (*warning)
			fprintf(f, "> **%s**\n\n", warning);
		for (int i = 0; i < 3; i++)
			table_write_markdown(f, &t[i]);
		break;
	case REPORT_JSON:
		fputs("{\n  \"schema\": \"perftop-diff/1\",\n  \"different_programs\": ", f);
		fputs(d->different_programs ? "true" : "false", f);
		for (int i = 0; i < 3; i++) {
			fputs(",\n  ", f);
			table_write_json(f, &t[i], 2);
		}
		fputs("\n}\n", f);
		break;
	}
	for (int i = 0; i < 3; i++)
		table_release(&t[i]);
	return ferror(f) ? -EIO : 0;
}
