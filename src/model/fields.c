/* fields — the function, zone and counter columns and their readers; see fields.h. */
#include "model/fields.h"

#include <stdio.h>
#include <string.h>

/* ---- readers --------------------------------------------------------------------- */

/* A number read from a figures struct: always there, or when cond holds. */
#define NUM_READER(name, type, expr, cond)                            \
	static bool name(const void *row, double *v)                  \
	{                                                             \
		const type *r = row;                                  \
		*v = (double)(expr);                                  \
		return (cond);                                        \
	}
#define TEXT_READER(name, type, expr)                                             \
	static const char *name(const void *row, char *buf, size_t len)           \
	{                                                                         \
		const type *r = row;                                              \
		(void)buf;                                                        \
		(void)len;                                                        \
		return (expr);                                                    \
	}

NUM_READER(fn_self_pct, struct function_figures, r->self_pct, true)
NUM_READER(fn_total_pct, struct function_figures, r->total_pct, true)
NUM_READER(fn_self, struct function_figures, r->self, true)
NUM_READER(fn_total, struct function_figures, r->total, true)
NUM_READER(fn_line, struct function_figures, r->line, r->line > 0)
TEXT_READER(fn_name, struct function_figures, r->name)
TEXT_READER(fn_module, struct function_figures, r->module)
TEXT_READER(fn_file, struct function_figures, r->file)

/* "file:line", or the file alone when the line is unknown. */
static const char *fn_where(const void *row, char *buf, size_t len)
{
	const struct function_figures *r = row;

	if (!r->file || r->line <= 0)
		return r->file;
	snprintf(buf, len, "%s:%d", r->file, r->line);
	return buf;
}

/* Durations mean something once events arrived; percentiles once some
 * reached the histogram. */
NUM_READER(zn_count, struct zone_figures, r->count, true)
NUM_READER(zn_rate, struct zone_figures, r->rate_per_s, true)
NUM_READER(zn_total, struct zone_figures, r->total_ns, r->count > 0)
NUM_READER(zn_mean, struct zone_figures, r->mean_ns, r->count > 0)
NUM_READER(zn_min, struct zone_figures, r->min_ns, r->count > 0)
NUM_READER(zn_max, struct zone_figures, r->max_ns, r->count > 0)
NUM_READER(zn_p50, struct zone_figures, r->p50_ns, r->have_pcts)
NUM_READER(zn_p90, struct zone_figures, r->p90_ns, r->have_pcts)
NUM_READER(zn_p95, struct zone_figures, r->p95_ns, r->have_pcts)
NUM_READER(zn_p99, struct zone_figures, r->p99_ns, r->have_pcts)
NUM_READER(zn_p999, struct zone_figures, r->p999_ns, r->have_pcts)
TEXT_READER(zn_name, struct zone_figures, r->name)

/* A gauge has a value, not a rate. */
NUM_READER(cn_total, struct counter_figures, r->total, true)
NUM_READER(cn_rate_avg, struct counter_figures, r->rate_avg, !r->gauge)
NUM_READER(cn_rate_last, struct counter_figures, r->rate_last, !r->gauge)
TEXT_READER(cn_name, struct counter_figures, r->name)
TEXT_READER(cn_kind, struct counter_figures, r->gauge ? "gauge" : "counter")

/* ---- tables ---------------------------------------------------------------------- */

/* The reader of a TEXT field goes in .text, any other in .num. */
#define READER_NUM_TEXT(getter) NULL, getter
#define READER_NUM_PCT(getter) getter, NULL
#define READER_NUM_COUNT(getter) getter, NULL
#define READER_NUM_INT(getter) getter, NULL
#define READER_NUM_NS(getter) getter, NULL
#define READER_NUM_RATE(getter) getter, NULL
#define READER_NUM_NUM(getter) getter, NULL
#define FIELD_KIND_TEXT FIELD_TEXT
#define FIELD_KIND_PCT FMT_PCT
#define FIELD_KIND_COUNT FMT_COUNT
#define FIELD_KIND_INT FMT_INT
#define FIELD_KIND_NS FMT_NS
#define FIELD_KIND_RATE FMT_RATE
#define FIELD_KIND_NUM FMT_NUM

#define FIELD_ENTRY(id, head, title, key, kind, width, getter) \
	[id] = { head, title, key, FIELD_KIND_##kind, width, READER_NUM_##kind(getter) },

#define FF(id, ...) FIELD_ENTRY(FF_##id, __VA_ARGS__)
const struct field function_fields[FF_NFIELDS] = { FUNCTION_FIELDS(FF) };
#undef FF
#define ZF(id, ...) FIELD_ENTRY(ZF_##id, __VA_ARGS__)
const struct field zone_fields[ZF_NFIELDS] = { ZONE_FIELDS(ZF) };
#undef ZF
#define CF(id, ...) FIELD_ENTRY(CF_##id, __VA_ARGS__)
const struct field counter_fields[CF_NFIELDS] = { COUNTER_FIELDS(CF) };
#undef CF

/* ---- reading and writing ----------------------------------------------------------- */

bool field_right(const struct field *f)
{
	return f->kind != FIELD_TEXT;
}

bool field_value(const struct field *f, const void *row, double *v, const char **text,
		 char *buf, size_t len)
{
	*v = 0;
	*text = NULL;
	if (f->kind == FIELD_TEXT) {
		*text = f->text(row, buf, len);
		return *text != NULL;
	}
	return f->num(row, v);
}

const char *field_format(const struct field *f, const void *row, enum fmt_style st, char *buf,
			 size_t len)
{
	const char *text;
	double v;

	if (!field_value(f, row, &v, &text, buf, len))
		return "-";
	if (text)
		return text;
	return fmt_value(buf, len, (enum fmt_kind)f->kind, st, v);
}

int field_compare(const struct field *f, const void *a, const void *b)
{
	char ba[256], bb[256];
	const char *ta, *tb;
	double va, vb;
	bool ha = field_value(f, a, &va, &ta, ba, sizeof(ba));
	bool hb = field_value(f, b, &vb, &tb, bb, sizeof(bb));

	if (f->kind == FIELD_TEXT)
		return strcmp(ha ? ta : "", hb ? tb : "");
	if (ha != hb)
		return ha ? 1 : -1;
	return va < vb ? -1 : va > vb;
}
