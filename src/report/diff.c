/* diff — a diff of two profiles written as a report; see diff.h. */
#include "report/diff.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/json.h"
#include "report/table.h"

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
