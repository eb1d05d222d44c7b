/* table — one set of cells, three writers (text, markdown, JSON); see table.h. */
#include "report/table.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/json.h"
#include "util/xalloc.h"

void table_init(struct table *t, const char *title, const char *key,
		const struct table_col *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->title = title;
	t->key = key;
	t->cols = cols;
	t->ncols = ncols;
}

void table_init_fields(struct table *t, const char *title, const char *key,
		       const struct field *fields, const struct table_pick *picks, size_t n)
{
	struct table_col *cols = xcalloc(n ? n : 1, sizeof(*cols));

	for (size_t i = 0; i < n; i++) {
		const struct field *f = &fields[picks[i].field];

		cols[i].title = f->title;
		cols[i].key = f->key;
		cols[i].kind = (enum table_kind)f->kind; /* FIELD_TEXT is TK_STR */
		cols[i].flags = picks[i].flags;
	}
	table_init(t, title, key, cols, n);
	t->own_cols = cols;
	t->fields = fields;
	t->picks = picks;
}

struct table_cell *table_row_of(struct table *t, const void *row)
{
	struct table_cell *c = table_row(t);

	for (size_t i = 0; i < t->ncols; i++) {
		const struct field *f = &t->fields[t->picks[i].field];
		char buf[1024];
		const char *text;
		double v;

		if (!field_value(f, row, &v, &text, buf, sizeof(buf)))
			continue;
		if (!text) {
			table_num(&c[i], v);
			continue;
		}
		if (text == buf) { /* made for this cell: the table keeps it */
			t->strs = xreallocarray(t->strs, t->nstrs + 1, sizeof(*t->strs));
			text = t->strs[t->nstrs++] = xstrdup(buf);
		}
		table_str(&c[i], text);
	}
	return c;
}

void table_release(struct table *t)
{
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->alloc = 0;
	for (size_t i = 0; i < t->nstrs; i++)
		free(t->strs[i]);
	free(t->strs);
	t->strs = NULL;
	t->nstrs = 0;
	free(t->own_cols);
	t->own_cols = NULL;
}

struct table_cell *table_row(struct table *t)
{
	struct table_cell *row;

	if (t->nrows == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->cells = xreallocarray(t->cells, t->alloc * (t->ncols ? t->ncols : 1),
					 sizeof(*t->cells));
	}
	row = &t->cells[t->nrows++ * t->ncols];
	memset(row, 0, t->ncols * sizeof(*row));
	return row;
}

void table_num(struct table_cell *c, double v)
{
	c->have = true;
	c->num = v;
}

void table_str(struct table_cell *c, const char *s)
{
	c->have = s != NULL;
	c->str = s;
}

/* ---- cleaning and formatting ------------------------------------------------ */

char *table_clean(char *out, size_t len, const char *s, bool markdown)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), o = 0;

	if (!len)
		return out;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = json_utf8_next(p + i, n - i, &cp);
		char buf[4];
		size_t blen;

		if (cp == 0xfffd && k == 1 && p[i] >= 0x80) {
			memcpy(buf, "\xef\xbf\xbd", 3); /* U+FFFD */
			blen = 3;
		} else if (cp < 0x20 || cp == 0x7f) {
			buf[0] = '?';
			blen = 1;
		} else if (markdown && strchr("\\`*_[]<>|#~", (int)cp)) {
			buf[0] = '\\';
			buf[1] = (char)cp;
			blen = 2;
		} else {
			memcpy(buf, p + i, k);
			blen = k;
		}
		if (o + blen >= len)
			break;
		memcpy(out + o, buf, blen);
		o += blen;
		i += k;
	}
	out[o] = '\0';
	return out;
}

static const char *status_md(const char *s)
{
	if (!strcmp(s, "pass"))
		return "🟢 pass";
	if (!strcmp(s, "warn"))
		return "🟡 warn";
	if (!strcmp(s, "fail"))
		return "🔴 fail";
	return "⚪ no data";
}

char *table_format(char *out, size_t len, enum table_kind k, const struct table_cell *c,
		   bool markdown)
{
	double v = c->num;

	if (!len)
		return out;
	if (!c->have) {
		snprintf(out, len, "-");
		return out;
	}
	switch (k) {
	case TK_STR:
		return table_clean(out, len, c->str, markdown);
	case TK_STATUS:
		if (markdown) {
			snprintf(out, len, "%s", status_md(c->str));
		} else {
			size_t i = 0;

			for (; c->str[i] && i + 1 < len; i++) {
				char ch = c->str[i];

				out[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
			}
			out[i] = '\0';
		}
		return out;
	default:
		return fmt_value(out, len, (enum fmt_kind)k, FMT_REPORT, v);
	}
}

static bool shown(const struct table_col *col, bool json)
{
	return json ? !(col->flags & TABLE_TEXT_ONLY) : !(col->flags & TABLE_JSON_ONLY);
}

static bool right_aligned(enum table_kind k)
{
	return k != TK_STR && k != TK_STATUS;
}

/* Display width of UTF-8 text: one column per character. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* A cell's text in a fresh string: room for a cleaned, escaped name. */
static char *cell_text(const struct table_col *col, const struct table_cell *c, bool markdown)
{
	size_t len = 64 + (c->have && c->str ? strlen(c->str) * 3 : 0);
	unsigned indent = col->kind == TK_STR && c->have ? c->indent : 0;
	size_t pre = markdown ? indent * 12 : indent * 2; /* "&nbsp;&nbsp;" or "  " */
	char *s = xmalloc(len + pre);

	for (size_t i = 0; i < indent; i++)
		memcpy(s + (markdown ? i * 12 : i * 2), markdown ? "&nbsp;&nbsp;" : "  ",
		       markdown ? 12 : 2);
	table_format(s + pre, len, col->kind, c, markdown);
	return s;
}

static void pad(FILE *f, size_t n)
{
	while (n--)
		fputc(' ', f);
}

void table_write_text(FILE *f, const struct table *t)
{
	size_t nc = t->ncols, *width = xcalloc(nc ? nc : 1, sizeof(*width));
	char **texts = xcalloc(t->nrows * nc + 1, sizeof(*texts));
	size_t last = 0;

	fprintf(f, "%s\n", t->title);
	if (!t->nrows) {
		fprintf(f, "  %s\n", t->empty ? t->empty : "(none)");
		goto out;
	}
	for (size_t c = 0; c < nc; c++) {
		if (!shown(&t->cols[c], false))
			continue;
		last = c;
		width[c] = text_width(t->cols[c].title);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w;

			texts[r * nc + c] = cell_text(&t->cols[c], &t->cells[r * nc + c], false);
			w = text_width(texts[r * nc + c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	if (t->object) {
		size_t lw = 0;

		for (size_t c = 0; c < nc; c++)
			if (shown(&t->cols[c], false) && text_width(t->cols[c].title) > lw)
				lw = text_width(t->cols[c].title);
		for (size_t c = 0; c < nc; c++) {
			if (!shown(&t->cols[c], false))
				continue;
			fprintf(f, "  %s", t->cols[c].title);
			pad(f, lw - text_width(t->cols[c].title) + 2);
			fprintf(f, "%s\n", texts[c]);
		}
		goto out;
	}
	for (size_t c = 0; c < nc; c++) {
		size_t w;

		if (!shown(&t->cols[c], false))
			continue;
		w = text_width(t->cols[c].title);
		fputs("  ", f);
		if (right_aligned(t->cols[c].kind))
			pad(f, width[c] - w);
		fputs(t->cols[c].title, f);
		if (!right_aligned(t->cols[c].kind) && c != last)
			pad(f, width[c] - w);
	}
	fputc('\n', f);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < nc; c++) {
			const char *s = texts[r * nc + c];
			size_t w;

			if (!shown(&t->cols[c], false))
				continue;
			w = text_width(s);
			fputs("  ", f);
			if (right_aligned(t->cols[c].kind))
				pad(f, width[c] - w);
			fputs(s, f);
			if (!right_aligned(t->cols[c].kind) && c != last)
				pad(f, width[c] - w);
		}
		fputc('\n', f);
	}
out:
	if (t->note)
		fprintf(f, "  %s\n", t->note);
	for (size_t i = 0; i < t->nrows * nc; i++)
		free(texts[i]);
	free(texts);
	free(width);
}

void table_write_markdown(FILE *f, const struct table *t)
{
	size_t nc = t->ncols;

	fprintf(f, "### %s\n\n", t->title);
	if (!t->nrows) {
		fprintf(f, "_%s_\n\n", t->empty ? t->empty : "(none)");
		if (t->note)
			fprintf(f, "%s\n\n", t->note);
		return;
	}
	if (t->object) {
		fputs("| | |\n|---|--:|\n", f);
		for (size_t c = 0; c < nc; c++) {
			char *s;

			if (!shown(&t->cols[c], false))
				continue;
			s = cell_text(&t->cols[c], &t->cells[c], true);
			fprintf(f, "| %s | %s |\n", t->cols[c].title, s);
			free(s);
		}
	} else {
		fputc('|', f);
		for (size_t c = 0; c < nc; c++)
			if (shown(&t->cols[c], false))
				fprintf(f, " %s |", t->cols[c].title);
		fputs("\n|", f);
		for (size_t c = 0; c < nc; c++)
			if (shown(&t->cols[c], false))
				fputs(right_aligned(t->cols[c].kind) ? "--:|" : "---|", f);
		fputc('\n', f);
		for (size_t r = 0; r < t->nrows; r++) {
			fputc('|', f);
			for (size_t c = 0; c < nc; c++) {
				char *s;

				if (!shown(&t->cols[c], false))
					continue;
				s = cell_text(&t->cols[c], &t->cells[r * nc + c], true);
				fprintf(f, " %s |", s);
				free(s);
			}
			fputc('\n', f);
		}
	}
	fputc('\n', f);
	if (t->note)
		fprintf(f, "%s\n\n", t->note);
}

static void json_cell(FILE *f, const struct table_col *col, const struct table_cell *c)
{
	if (!c->have) {
		fputs("null", f);
		return;
	}
	switch (col->kind) {
	case TK_STR:
	case TK_STATUS:
		json_string(f, c->str);
		break;
	case TK_INT:
	case TK_COUNT:
		if (c->num >= 0 && c->num < 18446744073709551616.0)
			json_uint(f, (uint64_t)c->num);
		else
			json_number(f, c->num);
		break;
	default:
		json_number(f, c->num);
	}
}

static void json_object(FILE *f, const struct table *t, size_t r, int indent)
{
	bool first = true;

	fputs("{", f);
	for (size_t c = 0; c < t->ncols; c++) {
		if (!shown(&t->cols[c], true))
			continue;
		fprintf(f, "%s\n%*s", first ? "" : ",", indent + 2, "");
		json_string(f, t->cols[c].key);
		fputs(": ", f);
		json_cell(f, &t->cols[c], &t->cells[r * t->ncols + c]);
		first = false;
	}
	fprintf(f, "\n%*s}", indent, "");
}

void table_write_json(FILE *f, const struct table *t, int indent)
{
	json_string(f, t->key);
	fputs(": ", f);
	if (t->object) {
		if (t->nrows)
			json_object(f, t, 0, indent);
		else
			fputs("null", f);
		return;
	}
	if (!t->nrows) {
		fputs("[]", f);
		return;
	}
	fputs("[", f);
	for (size_t r = 0; r < t->nrows; r++) {
		fprintf(f, "%s\n%*s", r ? "," : "", indent + 2, "");
		json_object(f, t, r, indent + 2);
	}
	fprintf(f, "\n%*s]", indent, "");
}
