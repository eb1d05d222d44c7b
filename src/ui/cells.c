/*
 * cells — the cells every table of the ui draws: matched text, percentage,
 * count, duration, rate (see cells.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "model/fields.h"
#include "ui/cells.h"
#include "util/fmt.h"

void cells__match(struct line *l, enum theme_element e, const char *text, int width,
		  const char *needle)
{
	size_t flen = strlen(needle);
	int end = l->cols + width;

	if (flen) {
		for (const char *s = text; *s; s++) {
			if (strncasecmp(s, needle, flen))
				continue;
			line_putn(l, e, text, (size_t)(s - text));
			if (l->cols < end)
				line_putn(l, TE_MATCH, s, flen);
			text = s + flen;
			break;
		}
	}
	if (l->cols < end)
		line_cell(l, e, text, end - l->cols, ALIGN_LEFT);
	line_pad_to(l, TE_ROW, end);
}

/* A share's colour: >= 10 % bad, >= 1 % warn. */
static enum theme_element percent_element(double pct)
{
	return pct >= 10 ? TE_BAD : pct >= 1 ? TE_WARN : TE_ROW;
}

void cells__percent(struct line *l, uint64_t n, uint64_t of, int width)
{
	double pct = of ? 100.0 * (double)n / (double)of : 0;
	enum theme_element e = percent_element(pct);
	char buf[16];

	snprintf(buf, sizeof(buf), "%.1f", pct);
	line_cell(l, e, buf, width, ALIGN_RIGHT);
}

void cells__count(struct line *l, unsigned long long n, int width)
{
	char buf[32];

	fmt_count(buf, sizeof(buf), n, true);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

void cells__duration(struct line *l, double ns, bool have, int width)
{
	char buf[32];

	if (have)
		fmt_duration_ns(buf, sizeof(buf), ns, lines_utf8());
	else
		snprintf(buf, sizeof(buf), "-");
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

void cells__rate(struct line *l, double r, int width)
{
	char buf[32];

	if (r < 0)
		r = 0;
	if (r < 10)
		snprintf(buf, sizeof(buf), "%.2f", r);
	else if (r < 1000)
		snprintf(buf, sizeof(buf), "%.1f", r);
	else
		fmt_count(buf, sizeof(buf), (unsigned long long)(r + 0.5), true);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

void cells__field(struct line *l, const void *row, int width, const void *ctx, const void *arg)
{
	const struct field *f = arg;
	enum fmt_style st = lines_utf8() ? FMT_SCREEN_UTF8 : FMT_SCREEN;
	char buf[256];
	const char *text;
	double v;

	(void)ctx;
	if (!field_value(f, row, &v, &text, buf, sizeof(buf))) {
		line_cell(l, TE_ROW_DIM, f->kind == FIELD_TEXT ? "" : "-", width,
			  field_right(f) ? ALIGN_RIGHT : ALIGN_LEFT);
		return;
	}
	if (f->kind == FIELD_TEXT) {
		line_cell(l, TE_ROW_DIM, text, width, ALIGN_LEFT);
		return;
	}
	fmt_value(buf, sizeof(buf), (enum fmt_kind)f->kind, st, v);
	line_cell(l, f->kind == FMT_PCT ? percent_element(v) : TE_ROW, buf, width, ALIGN_RIGHT);
}
