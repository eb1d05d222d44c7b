/*
 * fields — the columns of the function, zone and counter tables, defined
 * once and written three ways: the TUI's tabs, `--batch` and reports.
 *
 * Each subject has one X-macro of X(id, head, title, key, kind, width,
 * getter): head is the screen's and --batch's column header ("SELF%"),
 * title the report's ("self %"), key the JSON member ("self_pct"), kind how
 * its values are written (util/fmt.h's FMT_KINDS, or TEXT), width the
 * screen's column width (0: flexible, -N: flexible and at least N wide),
 * getter the name of its reader in fields.c. The table of a subject,
 * function_fields[] (FF_ ids), zone_fields[] (ZF_) or counter_fields[]
 * (CF_), is indexed by those ids; a row is the subject's figures struct
 * (model/figures.h). Each output picks the columns it shows by id, so adding
 * a column is one line here (and its reader in fields.c), and a sort key is
 * a field id.
 *
 * A field with no value for a row (a zone without events has no mean, a
 * gauge no rate) is "-" in text, null in JSON, and sorts below every value.
 *
 * The tables are static and read only; rows are borrowed for a call.
 */
#ifndef PERFTOP_MODEL_FIELDS_H
#define PERFTOP_MODEL_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/figures.h"
#include "util/fmt.h"

/* A field's kind: a number of one of fmt's kinds, or text. */
enum { FIELD_TEXT = FMT_NKINDS };

/* The function fields read a struct function_figures *r. */
#define FUNCTION_FIELDS(X)                                                                   \
	X(SELF_PCT, "SELF%", "self %", "self_pct", PCT, 6, r->self_pct, true)                \
	X(TOTAL_PCT, "TOTAL%", "total %", "total_pct", PCT, 7, r->total_pct, true)           \
	X(SELF, "SAMPLES", "self", "self", COUNT, 9, r->self, true)                          \
	X(TOTAL, "TOTAL", "total", "total", COUNT, 9, r->total, true)                        \
	X(NAME, "FUNCTION", "function", "name", TEXT, -24, r->name, true)                    \
	X(MODULE, "MODULE", "module", "module", TEXT, 16, r->module, true)                   \
	X(FILE, "FILE", "file", "file", TEXT, 24, r->file, true)                             \
	X(LINE, "LINE", "line", "line", INT, 6, r->line, r->line > 0)                        \
	X(WHERE, "FILE:LINE", "file:line", "where", TEXT, 24, fields_where(r, buf, len), true)

/* The zone fields read a struct zone_figures *r: durations once events
 * arrived, percentiles once some reached the histogram. */
#define ZONE_FIELDS(X)                                                                       \
	X(NAME, "ZONE", "zone", "name", TEXT, 0, r->name, true)                              \
	X(COUNT, "COUNT", "count", "count", COUNT, 10, r->count, true)                       \
	X(RATE, "RATE/s", "rate", "rate_per_s", RATE, 8, r->rate_per_s, true)                \
	X(TOTAL, "TOTAL", "total", "total_ns", NS, 8, r->total_ns, r->count > 0)             \
	X(MEAN, "MEAN", "mean", "mean_ns", NS, 8, r->mean_ns, r->count > 0)                  \
	X(MIN, "MIN", "min", "min_ns", NS, 8, r->min_ns, r->count > 0)                       \
	X(P50, "P50", "p50", "p50_ns", NS, 8, r->p50_ns, r->have_pcts)                       \
	X(P90, "P90", "p90", "p90_ns", NS, 8, r->p90_ns, r->have_pcts)                       \
	X(P95, "P95", "p95", "p95_ns", NS, 8, r->p95_ns, r->have_pcts)                       \
	X(P99, "P99", "p99", "p99_ns", NS, 8, r->p99_ns, r->have_pcts)                       \
	X(P999, "P99.9", "p99.9", "p999_ns", NS, 8, r->p999_ns, r->have_pcts)                \
	X(MAX, "MAX", "max", "max_ns", NS, 8, r->max_ns, r->count > 0)

/* The counter fields read a struct counter_figures *r: a gauge has a value,
 * not a rate. */
#define COUNTER_FIELDS(X)                                                                    \
	X(NAME, "COUNTER", "counter", "name", TEXT, 0, r->name, true)                        \
	X(KIND, "KIND", "kind", "kind", TEXT, 7, r->gauge ? "gauge" : "counter", true)       \
	X(TOTAL, "TOTAL", "total", "total", NUM, 14, r->total, true)                         \
	X(RATE_AVG, "AVG/s", "average rate", "rate_avg_per_s", RATE, 10, r->rate_avg, !r->gauge) \
	X(RATE_LAST, "RATE/s", "last rate", "rate_last_per_s", RATE, 10, r->rate_last, !r->gauge) \
	X(RATE_MIN, "RATE/min", "rate a minute", "rate_per_min", RATE, 10, r->rate_min, !r->gauge)

enum function_field {
#define X(id, ...) FF_##id,
	FUNCTION_FIELDS(X)
#undef X
	FF_NFIELDS
};

enum zone_field {
#define X(id, ...) ZF_##id,
	ZONE_FIELDS(X)
#undef X
	ZF_NFIELDS
};

enum counter_field {
#define X(id, ...) CF_##id,
	COUNTER_FIELDS(X)
#undef X
	CF_NFIELDS
};

struct field {
	const char *head;           /* screen and --batch header */
	const char *title;          /* report header (text, markdown) */
	const char *key;            /* JSON member */
	int kind;                   /* an enum fmt_kind, or FIELD_TEXT */
	int width;                  /* screen width; 0 or -N: flexible (browser.h) */
	/* Numbers: the row's value into *v; false when it has none. */
	bool (*num)(const void *row, double *v);
	/* Text: the row's text, borrowed from the row or written into buf
	 * (len bytes); NULL when it has none. */
	const char *(*text)(const void *row, char *buf, size_t len);
};

/* Rows: struct function_figures, struct zone_figures, struct counter_figures. */
extern const struct field function_fields[FF_NFIELDS];
extern const struct field zone_fields[ZF_NFIELDS];
extern const struct field counter_fields[CF_NFIELDS];

/* "file:line" of r written into buf, or the file alone (NULL when none)
 * when the line is unknown: the FILE:LINE field's value. */
const char *fields_where(const struct function_figures *r, char *buf, size_t len);

/* Whether f's values are right-aligned on screen and in text (numbers). */
bool field_right(const struct field *f);

/* Field f of row: its number into *v (numbers), or its text (text fields,
 * borrowed or in buf). Returns false when the row has no value. */
bool field_value(const struct field *f, const void *row, double *v, const char **text,
		 char *buf, size_t len);

/* Field f of row as text in style st: "-" when it has none. Text fields are
 * returned as they are (the writer cleans them). Returns a pointer to the
 * text: buf, or a string borrowed from the row. */
const char *field_format(const struct field *f, const void *row, enum fmt_style st, char *buf,
			 size_t len);

/* Orders rows a and b on field f, ascending: numbers by value (a row with
 * none below every value), text by strcmp (none as ""). Returns <0, 0, >0. */
int field_compare(const struct field *f, const void *a, const void *b);

#endif
