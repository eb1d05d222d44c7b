/* lines — the styled line buffer every screen is drawn into; see lines.h. */
#include "ui/lines.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/xalloc.h"

static bool utf8_mode;

void lines_set_utf8(bool utf8)
{
	utf8_mode = utf8;
}

bool lines_utf8(void)
{
	return utf8_mode;
}

void lines_init(struct lines *ls)
{
	memset(ls, 0, sizeof(*ls));
}

void lines_release(struct lines *ls)
{
	for (size_t i = 0; i < ls->alloc; i++) {
		free(ls->v[i].text);
		free(ls->v[i].spans);
	}
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}

void lines_clear(struct lines *ls)
{
	ls->n = 0;
}

struct line *lines_begin(struct lines *ls, int width)
{
	struct line *l;

	if (ls->n == ls->alloc) {
		size_t want = ls->alloc ? ls->alloc * 2 : 64;

		ls->v = xreallocarray(ls->v, want, sizeof(*ls->v));
		memset(ls->v + ls->alloc, 0, (want - ls->alloc) * sizeof(*ls->v));
		ls->alloc = want;
	}
	l = &ls->v[ls->n++];
	if (!l->text) {
		l->alloc = 128;
		l->text = xmalloc(l->alloc);
	}
	l->text[0] = '\0';
	l->len = 0;
	l->nspans = 0;
	l->width = width < 0 ? 0 : width;
	l->cols = 0;
	l->override = -1;
	return l;
}

void line_set_override(struct line *l, int elem)
{
	l->override = elem;
}

int line_room(const struct line *l)
{
	return l->width - l->cols;
}

/* Appends raw, already clean bytes in elem. */
static void append_bytes(struct line *l, enum theme_element elem, const char *s, size_t n)
{
	if (!n)
		return;
	if (l->override >= 0)
		elem = (enum theme_element)l->override;
	if (l->len + n + 1 > l->alloc) {
		while (l->len + n + 1 > l->alloc)
			l->alloc *= 2;
		l->text = xrealloc(l->text, l->alloc);
	}
	memcpy(l->text + l->len, s, n);
	if (l->nspans && l->spans[l->nspans - 1].elem == elem) {
		l->spans[l->nspans - 1].end = l->len + n;
	} else {
		if (l->nspans == l->spans_alloc) {
			l->spans_alloc = l->spans_alloc ? l->spans_alloc * 2 : 8;
			l->spans = xreallocarray(l->spans, l->spans_alloc, sizeof(*l->spans));
		}
		l->spans[l->nspans++] = (struct span){ l->len, l->len + n, elem };
	}
	l->len += n;
	l->text[l->len] = '\0';
}

/* Decodes one UTF-8 sequence at s (n bytes left). Returns its length and the
 * code point in *cp, or 0 when the bytes are not valid UTF-8. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Width of one code point on the terminal, or -1 when it must be replaced. */
static int cp_width(unsigned cp)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return -1;
	if (cp < 0x80)
		return 1;
	if (!utf8_mode)
		return -1;
	return wcwidth((wchar_t)cp);
}

/* Appends at most maxcols columns of text; returns the columns added. */
static int put_limited(struct line *l, enum theme_element elem, const char *text, size_t len,
		       int maxcols)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, run = 0; /* run: clean bytes not yet appended, from i - run */
	int added = 0;

	if (maxcols > line_room(l))
		maxcols = line_room(l);
	while (i < len && s[i]) {
		unsigned cp = 0;
		size_t n = utf8_mode ? utf8_decode(s + i, len - i, &cp) : (cp = s[i], 1);
		int w = n ? cp_width(cp) : -1;
		const char *repl = NULL;

		if ((cp == '\t' || cp == '\n' || cp == '\r') && n) {
			repl = " ", w = 1;
		} else if (w < 0) {
			repl = "?", w = 1;
			if (!n)
				n = 1;
		}
		if (added + w > maxcols)
			break;
		if (repl) {
			append_bytes(l, elem, (const char *)s + i - run, run);
			run = 0;
			append_bytes(l, elem, repl, 1);
		} else {
			run += n;
		}
		i += n;
		added += w;
	}
	append_bytes(l, elem, (const char *)s + i - run, run);
	l->cols += added;
	return added;
}

int line_putn(struct line *l, enum theme_element elem, const char *text, size_t len)
{
	return put_limited(l, elem, text, len, INT_MAX);
}

int line_put(struct line *l, enum theme_element elem, const char *text)
{
	return put_limited(l, elem, text, strlen(text), INT_MAX);
}

int line_printf(struct line *l, enum theme_element elem, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return line_put(l, elem, buf);
}

int line_repeat(struct line *l, enum theme_element elem, const char *ch, int n)
{
	size_t chlen = strlen(ch);
	char buf[256];
	int done = 0;

	if (n > line_room(l))
		n = line_room(l);
	while (done < n) {
		size_t k = 0;

		while (done < n && k + chlen <= sizeof(buf)) {
			memcpy(buf + k, ch, chlen);
			k += chlen;
			done++;
		}
		append_bytes(l, elem, buf, k);
	}
	if (n > 0)
		l->cols += n;
	return n > 0 ? n : 0;
}

int lines_text_width(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len = strlen(text), i = 0;
	int cols = 0;

	while (i < len) {
		unsigned cp = 0;
		size_t n = utf8_mode ? utf8_decode(s + i, len - i, &cp) : (cp = s[i], 1);
		int w = n ? cp_width(cp) : -1;

		cols += w < 0 ? 1 : w;
		i += n ? n : 1;
	}
	return cols;
}

void line_cell(struct line *l, enum theme_element elem, const char *text, int width,
	       enum line_align align)
{
	int w = lines_text_width(text);

	if (width <= 0)
		return;
	if (w > width) {
		int got = put_limited(l, elem, text, strlen(text), width - 1);

		line_repeat(l, elem, "~", 1);
		line_repeat(l, elem, " ", width - 1 - got);
		return;
	}
	if (align == ALIGN_RIGHT)
		line_repeat(l, elem, " ", width - w);
	line_put(l, elem, text);
	if (align == ALIGN_LEFT)
		line_repeat(l, elem, " ", width - w);
}

void line_append(struct line *l, const struct line *src)
{
	for (size_t i = 0; i < src->nspans; i++)
		put_limited(l, src->spans[i].elem, src->text + src->spans[i].start,
			    src->spans[i].end - src->spans[i].start, INT_MAX);
}

void line_pad_to(struct line *l, enum theme_element elem, int col)
{
	if (col > l->cols)
		line_repeat(l, elem, " ", col - l->cols);
}

void line_fill(struct line *l, enum theme_element elem)
{
	line_pad_to(l, elem, l->width);
}

void lines_write(const struct lines *ls, FILE *out)
{
	for (size_t i = 0; i < ls->n; i++) {
		const struct line *l = &ls->v[i];
		size_t n = l->len;

		while (n && l->text[n - 1] == ' ')
			n--;
		fwrite(l->text, 1, n, out);
		fputc('\n', out);
	}
}
