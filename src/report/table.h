/*
 * table — the one place reports, budget results and diffs become text,
 * markdown or JSON.
 *
 * A section of a report is a table: columns defined once (title for text and
 * markdown, member name for JSON, and the kind of value), rows of cells that
 * hold numbers in base units (nanoseconds, bytes, percent) or borrowed
 * strings. The three writers read the same cells, so every format shows the
 * same numbers: text and markdown round them for reading, JSON keeps them
 * whole. Names from the profiled program are cleaned for each format (control
 * characters and invalid UTF-8 never reach the output raw).
 *
 * Ownership: a table owns its cells; strings in cells are borrowed and must
 * outlive the writers' calls.
 */
#ifndef PERFTOP_REPORT_TABLE_H
#define PERFTOP_REPORT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/fields.h"
#include "util/fmt.h"

/* What a column holds: a number of one of util/fmt.h's kinds (its text is
 * fmt_value()'s FMT_REPORT spelling, its JSON the number in base units), a
 * name (STR: cleaned text, a JSON string) or a budget status (STATUS: "pass",
 * "warn", "fail" or "no data", coloured words). */
enum table_kind {
#define X(id) TK_##id = FMT_##id,
	FMT_KINDS(X)
#undef X
	TK_STR = FMT_NKINDS,
	TK_STATUS,
};

enum {
	TABLE_JSON_ONLY = 1, /* the column appears in JSON only */
	TABLE_TEXT_ONLY = 2, /* in text and markdown only */
};

struct table_col {
	const char *title;     /* header in text and markdown */
	const char *key;       /* member name in JSON */
	enum table_kind kind;
	unsigned flags;
};

/* A table's columns are listed once as an X-macro of
 * X(id, title, key, kind, flags) (the id names the column's enum value);
 * TABLE_COLUMN expands one entry of such a list into its struct table_col:
 * static const struct table_col cols[] = { SOME_COLUMNS(TABLE_COLUMN) }; */
#define TABLE_COLUMN(id, title, key, kind, flags) { title, key, TK_##kind, flags },

/* A column of a table built from a model/fields.h table: the field's id
 * (FF_, ZF_ or CF_) and the TABLE_ flags. */
struct table_pick {
	int field;
	unsigned flags;
};

struct table_cell {
	bool have;             /* false: "-" in text, null in JSON */
	double num;            /* the value, for every kind but STR and STATUS */
	const char *str;       /* STR and STATUS cells (borrowed) */
	unsigned indent;       /* STR: nesting depth, drawn in text and markdown */
};

struct table {
	const char *title;     /* section heading */
	const char *key;       /* JSON member that holds the rows */
	const struct table_col *cols;
	size_t ncols;
	bool object;           /* one row, written as "label value" lines and a JSON object */
	const char *empty;     /* said instead of an empty table (text, markdown) */
	const char *note;      /* a line under the table (text, markdown), or NULL */
	struct table_cell *cells; /* nrows * ncols */
	size_t nrows, alloc;
	/* Built from fields (table_init_fields): the columns it owns, the
	 * fields picked, and the cells' texts it made. */
	struct table_col *own_cols;
	const struct field *fields;
	const struct table_pick *picks;
	char **strs;
	size_t nstrs;
};

/* Prepares an empty table over cols (borrowed, static in practice). */
void table_init(struct table *t, const char *title, const char *key,
		const struct table_col *cols, size_t ncols);
void table_release(struct table *t);

/* Prepares an empty table whose columns are fields[picks[i].field] for i <
 * n: the fields' titles, JSON keys and kinds. Rows are added with
 * table_row_of(). fields and picks are borrowed (static in practice). */
void table_init_fields(struct table *t, const char *title, const char *key,
		       const struct field *fields, const struct table_pick *picks, size_t n);

/* Appends a row of a table_init_fields() table: each cell read from row (the
 * fields' subject, model/figures.h) by its field. Returns the row's cells. */
struct table_cell *table_row_of(struct table *t, const void *row);

/* Appends a row and returns its ncols cells, all cleared (have false). The
 * pointer is valid until the next table_row(). */
struct table_cell *table_row(struct table *t);

/* Cell setters: a number of the column's kind, or a string. */
void table_num(struct table_cell *c, double v);
void table_str(struct table_cell *c, const char *s);

/* Writes the table as a titled, aligned plain-text section. */
void table_write_text(FILE *f, const struct table *t);
/* Writes it as a "### title" section with a GitHub-flavoured table. */
void table_write_markdown(FILE *f, const struct table *t);
/* Writes `"key": [ {...}, ... ]` (or `"key": {...}` for an object table),
 * indented by indent spaces, with no trailing comma or newline. */
void table_write_json(FILE *f, const struct table *t, int indent);

/* The text form of one cell of kind k ("-" when !have), cleaned; markdown
 * escapes its special characters. Returns out. */
char *table_format(char *out, size_t len, enum table_kind k, const struct table_cell *c,
		   bool markdown);

/* Copies s into out (len bytes, NUL-terminated) for plain text: invalid
 * UTF-8 becomes U+FFFD and control characters '?'; with markdown, also
 * backslash-escapes the characters markdown would act on. Returns out. */
char *table_clean(char *out, size_t len, const char *s, bool markdown);

#endif
