/* json — escaping and numbers for perftop's JSON writers; see json.h. */
#include "report/json.h"

#include <inttypes.h>
#include <math.h>

size_t json_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t need;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		v = c & 0x07;
		min = 0x10000;
	} else {
		*cp = 0xfffd; /* a continuation byte, 0xc0/0xc1 or 0xf5.. */
		return 1;
	}
	if (len < need + 1) {
		*cp = 0xfffd;
		return 1;
	}
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = v;
	return need + 1;
}

void json_string_n(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	fputc('"', f);
	while (i < len) {
		uint32_t cp;
		size_t n = json_utf8_next(p + i, len - i, &cp);

		switch (cp) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			if (cp < 0x20 || cp == 0x7f)
				fprintf(f, "\\u%04x", (unsigned)cp);
			else if (cp == 0xfffd && n == 1 && p[i] >= 0x80)
				fputs("\\ufffd", f); /* the byte was not UTF-8 */
			else
				fwrite(p + i, 1, n, f);
		}
		i += n;
	}
	fputc('"', f);
}

void json_string(FILE *f, const char *s)
{
	size_t len = 0;

	if (s)
		while (s[len])
			len++;
	json_string_n(f, s ? s : "", len);
}

void json_number(FILE *f, double v)
{
	char buf[64];
	double r;

	if (!isfinite(v)) {
		fputs("null", f);
		return;
	}
	r = nearbyint(v);
	if (r == v && fabs(v) < 1e15) {
		fprintf(f, "%.0f", v == 0 ? 0.0 : v); /* no "-0" */
		return;
	}
	snprintf(buf, sizeof(buf), "%.15g", v);
	fputs(buf, f);
}

void json_uint(FILE *f, uint64_t v)
{
	fprintf(f, "%" PRIu64, v);
}
