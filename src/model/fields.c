/* fields — the function, zone and counter columns and their readers; see fields.h. */
#include "model/fields.h"

#include <stdio.h>
#include <string.h>

const char *fields_where(const struct function_figures *r, char *buf, size_t len)
{
	if (!r->file || r->line <= 0)
		return r->file;
	snprintf(buf, len, "%s:%d", r->file, r->line);
	return buf;
}

/* ---- readers and tables: one of each per X-macro entry ------------------------------ */

/* A number reader, or (READER_TEXT) a text reader, of rows of type T. */
#define NUM_READER(name, T, value, have)                              \
	static bool name(const void *row, double *v)                  \
	{                                                             \
		const T *r = row;                                     \
		*v = (double)(value);                                 \
		return (have);                                        \
	}
#define READER_TEXT(name, T, value, have)                                         \
	static const char *name(const void *row, char *buf, size_t len)           \
	{                                                                         \
		const T *r = row;                                                 \
		(void)buf;                                                        \
		(void)len;                                                        \
		return (have) ? (value) : NULL;                                   \
	}
#define READER_INT NUM_READER
#define READER_COUNT NUM_READER
#define READER_PCT NUM_READER
#define READER_NS NUM_READER
#define READER_RATE NUM_READER
#define READER_NUM NUM_READER

/* Where a reader goes in struct field, and the kind's value there. */
#define SLOTS_TEXT(name) NULL, name
#define SLOTS_NUMBER(name) name, NULL
#define SLOTS_INT SLOTS_NUMBER
#define SLOTS_COUNT SLOTS_NUMBER
#define SLOTS_PCT SLOTS_NUMBER
#define SLOTS_NS SLOTS_NUMBER
#define SLOTS_RATE SLOTS_NUMBER
#define SLOTS_NUM SLOTS_NUMBER
#define KIND_TEXT FIELD_TEXT
#define KIND_INT FMT_INT
#define KIND_COUNT FMT_COUNT
#define KIND_PCT FMT_PCT
#define KIND_NS FMT_NS
#define KIND_RATE FMT_RATE
#define KIND_NUM FMT_NUM

#define FN_READER(id, head, title, key, kind, width, value, have) \
	READER_##kind(fn_##id, struct function_figures, value, have)
#define ZN_READER(id, head, title, key, kind, width, value, have) \
	READER_##kind(zn_##id, struct zone_figures, value, have)
#define CN_READER(id, head, title, key, kind, width, value, have) \
	READER_##kind(cn_##id, struct counter_figures, value, have)
FUNCTION_FIELDS(FN_READER)
ZONE_FIELDS(ZN_READER)
COUNTER_FIELDS(CN_READER)

#define FN_FIELD(id, head, title, key, kind, width, value, have) \
	[FF_##id] = { head, title, key, KIND_##kind, width, SLOTS_##kind(fn_##id) },
#define ZN_FIELD(id, head, title, key, kind, width, value, have) \
	[ZF_##id] = { head, title, key, KIND_##kind, width, SLOTS_##kind(zn_##id) },
#define CN_FIELD(id, head, title, key, kind, width, value, have) \
	[CF_##id] = { head, title, key, KIND_##kind, width, SLOTS_##kind(cn_##id) },
const struct field function_fields[FF_NFIELDS] = { FUNCTION_FIELDS(FN_FIELD) };
const struct field zone_fields[ZF_NFIELDS] = { ZONE_FIELDS(ZN_FIELD) };
const struct field counter_fields[CF_NFIELDS] = { COUNTER_FIELDS(CN_FIELD) };

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
