/* mpread — bounded msgpack reading; see mpread.h. */
#include "util/mpread.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mpread_init(struct mpread *r, const void *data, size_t len)
{
	r->start = data;
	r->p = r->start;
	r->end = r->start + len;
	r->err_off = 0;
	r->failed = 0;
	r->err[0] = '\0';
}

size_t mpread_offset(const struct mpread *r)
{
	return (size_t)(r->p - r->start);
}

size_t mpread_left(const struct mpread *r)
{
	return (size_t)(r->end - r->p);
}

static int fail_at(struct mpread *r, const uint8_t *at, const char *fmt, va_list ap)
{
	if (r->failed)
		return -1;
	r->failed = 1;
	r->err_off = (size_t)(at - r->start);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	return -1;
}

__attribute__((format(printf, 3, 4))) static int fail(struct mpread *r, const uint8_t *at,
                                                      const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fail_at(r, at, fmt, ap);
	va_end(ap);
	return rc;
}

int mpread_fail(struct mpread *r, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fail_at(r, r->p, fmt, ap);
	va_end(ap);
	return rc;
}

static const char *const type_names[] = {
#define MPREAD_TYPE_NAME(name, text) text,
    MPREAD_TYPES(MPREAD_TYPE_NAME)
#undef MPREAD_TYPE_NAME
};

const char *mpread_type_name(enum mpread_type type)
{
	if ((unsigned)type >= sizeof(type_names) / sizeof(type_names[0]))
		return "?";
	return type_names[type];
}

static enum mpread_type type_of(uint8_t b)
{
	if (b <= 0x7f || b == 0xcc || b == 0xcd || b == 0xce || b == 0xcf)
		return MPREAD_UINT;
	if (b >= 0xe0 || (b >= 0xd0 && b <= 0xd3))
		return MPREAD_NEGINT; /* signed forms; the value may still be >= 0 */
	if ((b & 0xf0) == 0x80 || b == 0xde || b == 0xdf)
		return MPREAD_MAP;
	if ((b & 0xf0) == 0x90 || b == 0xdc || b == 0xdd)
		return MPREAD_ARRAY;
	if ((b & 0xe0) == 0xa0 || b == 0xd9 || b == 0xda || b == 0xdb)
		return MPREAD_STR;
	switch (b) {
	case 0xc0:
		return MPREAD_NIL;
	case 0xc2:
	case 0xc3:
		return MPREAD_BOOL;
	case 0xc4:
	case 0xc5:
	case 0xc6:
		return MPREAD_BIN;
	case 0xca:
	case 0xcb:
		return MPREAD_FLOAT;
	case 0xc7:
	case 0xc8:
	case 0xc9:
	case 0xd4:
	case 0xd5:
	case 0xd6:
	case 0xd7:
	case 0xd8:
		return MPREAD_EXT;
	default:
		return MPREAD_INVALID; /* 0xc1 */
	}
}

enum mpread_type mpread_peek(const struct mpread *r)
{
	if (r->failed || r->p >= r->end)
		return MPREAD_END;
	return type_of(*r->p);
}

/* Big-endian fixed-width reads; the caller checked the bytes are there. */
static uint64_t be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Takes n bytes after the one-byte tag at r->p, or fails as truncated. */
static const uint8_t *take(struct mpread *r, size_t n, const char *what)
{
	const uint8_t *at = r->p;

	if ((size_t)(r->end - r->p) < 1 + n) {
		fail(r, at, "truncated %s (needs %zu bytes, %zu left)", what, 1 + n,
		     (size_t)(r->end - r->p));
		return NULL;
	}
	r->p += 1 + n;
	return at + 1;
}

static int expect(struct mpread *r, const char *want)
{
	enum mpread_type t = mpread_peek(r);

	if (r->failed)
		return -1;
	if (t == MPREAD_END)
		return fail(r, r->p, "expected %s, got end of data", want);
	return fail(r, r->p, "expected %s, got %s (0x%02x)", want, mpread_type_name(t), *r->p);
}

/* Reads any integer form: *neg says whether the value is negative, *mag is
 * the value (two's complement bits when negative). */
static int read_integer(struct mpread *r, uint64_t *mag, int *neg, const char *want)
{
	const uint8_t *q;
	uint8_t b;
	int64_t s;

	if (r->failed)
		return -1;
	if (r->p >= r->end)
		return expect(r, want);
	b = *r->p;
	*neg = 0;
	if (b <= 0x7f) {
		r->p++;
		*mag = b;
		return 0;
	}
	if (b >= 0xe0) {
		r->p++;
		*mag = (uint64_t)(int64_t)(int8_t)b;
		*neg = 1;
		return 0;
	}
	switch (b) {
	case 0xcc:
	case 0xcd:
	case 0xce:
	case 0xcf: {
		int n = 1 << (b - 0xcc);
		if (!(q = take(r, (size_t)n, "unsigned int")))
			return -1;
		*mag = be(q, n);
		return 0;
	}
	case 0xd0:
	case 0xd1:
	case 0xd2:
	case 0xd3: {
		int n = 1 << (b - 0xd0);
		if (!(q = take(r, (size_t)n, "int")))
			return -1;
		uint64_t u = be(q, n);
		/* sign-extend from n bytes */
		if (n < 8 && (u >> (8 * n - 1)) & 1)
			u |= ~(uint64_t)0 << (8 * n);
		memcpy(&s, &u, sizeof(s));
		*mag = u;
		*neg = s < 0;
		return 0;
	}
	default:
		return expect(r, want);
	}
}

int mpread_uint(struct mpread *r, uint64_t *out, uint64_t max)
{
	const uint8_t *at = r->p;
	uint64_t v;
	int neg;

	if (read_integer(r, &v, &neg, "unsigned int") < 0)
		return -1;
	if (neg)
		return fail(r, at, "expected unsigned int, got negative %lld",
		            (long long)(int64_t)v);
	if (v > max)
		return fail(r, at, "value %llu exceeds %llu", (unsigned long long)v,
		            (unsigned long long)max);
	*out = v;
	return 0;
}

int mpread_int(struct mpread *r, int64_t *out)
{
	const uint8_t *at = r->p;
	uint64_t v;
	int neg;

	if (read_integer(r, &v, &neg, "int") < 0)
		return -1;
	if (!neg && v > (uint64_t)INT64_MAX)
		return fail(r, at, "int %llu out of range", (unsigned long long)v);
	memcpy(out, &v, sizeof(*out));
	return 0;
}

int mpread_float(struct mpread *r, double *out)
{
	const uint8_t *q;
	uint64_t v;
	int neg;

	if (r->failed)
		return -1;
	if (r->p < r->end && *r->p == 0xca) {
		float f;
		uint32_t u;
		if (!(q = take(r, 4, "float32")))
			return -1;
		u = (uint32_t)be(q, 4);
		memcpy(&f, &u, sizeof(f));
		*out = f;
		return 0;
	}
	if (r->p < r->end && *r->p == 0xcb) {
		if (!(q = take(r, 8, "float64")))
			return -1;
		v = be(q, 8);
		memcpy(out, &v, sizeof(*out));
		return 0;
	}
	if (read_integer(r, &v, &neg, "float") < 0)
		return -1;
	*out = neg ? (double)(int64_t)v : (double)v;
	return 0;
}

/* Reads a container or blob header: *n is the element (or byte) count. */
static int read_len(struct mpread *r, uint8_t b, uint32_t *n)
{
	const uint8_t *q;
	int w;

	switch (b) {
	case 0xc4:
	case 0xd9:
		w = 1;
		break;
	case 0xc5:
	case 0xda:
	case 0xdc:
	case 0xde:
		w = 2;
		break;
	case 0xc6:
	case 0xdb:
	case 0xdd:
	case 0xdf:
		w = 4;
		break;
	default:
		r->p++;
		if ((b & 0xe0) == 0xa0)
			*n = b & 0x1f;
		else
			*n = b & 0x0f; /* fixarray, fixmap */
		return 0;
	}
	if (!(q = take(r, (size_t)w, "length")))
		return -1;
	*n = (uint32_t)be(q, w);
	return 0;
}

int mpread_array(struct mpread *r, uint32_t *n, uint32_t max)
{
	const uint8_t *at = r->p;
	uint32_t len;

	if (mpread_peek(r) != MPREAD_ARRAY)
		return expect(r, "array");
	if (read_len(r, *at, &len) < 0)
		return -1;
	if (len > max)
		return fail(r, at, "array of %u elements exceeds the limit of %u", len, max);
	if (len > mpread_left(r))
		return fail(r, at, "array of %u elements but only %zu bytes left", len,
		            mpread_left(r));
	*n = len;
	return 0;
}

static int read_blob(struct mpread *r, enum mpread_type want, const uint8_t **s, uint32_t *len,
                     uint32_t max)
{
	const uint8_t *at = r->p;
	const char *what = mpread_type_name(want);
	uint32_t n;

	if (mpread_peek(r) != want)
		return expect(r, what);
	if (read_len(r, *at, &n) < 0)
		return -1;
	if (n > max)
		return fail(r, at, "%s of %u bytes exceeds the limit of %u", what, n, max);
	if (n > mpread_left(r))
		return fail(r, at, "truncated %s (%u bytes, %zu left)", what, n, mpread_left(r));
	*s = r->p;
	*len = n;
	r->p += n;
	return 0;
}

int mpread_str(struct mpread *r, const uint8_t **s, uint32_t *len, uint32_t max)
{
	return read_blob(r, MPREAD_STR, s, len, max);
}

int mpread_bin(struct mpread *r, const uint8_t **s, uint32_t *len, uint32_t max)
{
	return read_blob(r, MPREAD_BIN, s, len, max);
}

/* Skips the bytes of one ext value starting at r->p. */
static int skip_ext(struct mpread *r, uint8_t b)
{
	static const uint8_t fixed[] = {1, 2, 4, 8, 16}; /* 0xd4..0xd8 */
	const uint8_t *at = r->p;
	const uint8_t *q;
	uint64_t n;
	int w;

	if (b >= 0xd4 && b <= 0xd8)
		return take(r, 1 + (size_t)fixed[b - 0xd4], "ext") ? 0 : -1;
	w = 1 << (b - 0xc7); /* 0xc7 ext8, 0xc8 ext16, 0xc9 ext32 */
	if (!(q = take(r, (size_t)w, "ext length")))
		return -1;
	n = be(q, w) + 1; /* + the type byte */
	if (n > mpread_left(r))
		return fail(r, at, "truncated ext (%llu bytes, %zu left)", (unsigned long long)n,
		            mpread_left(r));
	r->p += n;
	return 0;
}

int mpread_skip(struct mpread *r)
{
	uint64_t todo = 1; /* values still to skip */

	while (todo > 0) {
		const uint8_t *at = r->p;
		const uint8_t *s;
		uint32_t n;
		uint64_t u;
		int neg;
		double f;

		todo--;
		switch (mpread_peek(r)) {
		case MPREAD_END:
			return r->failed ? -1 : fail(r, at, "truncated value (end of data)");
		case MPREAD_INVALID:
			return fail(r, at, "invalid byte 0x%02x", *at);
		case MPREAD_NIL:
		case MPREAD_BOOL:
			r->p++;
			break;
		case MPREAD_UINT:
			if (mpread_uint(r, &u, UINT64_MAX) < 0)
				return -1;
			break;
		case MPREAD_NEGINT:
			if (read_integer(r, &u, &neg, "int") < 0)
				return -1;
			break;
		case MPREAD_FLOAT:
			if (mpread_float(r, &f) < 0)
				return -1;
			break;
		case MPREAD_STR:
			if (mpread_str(r, &s, &n, UINT32_MAX) < 0)
				return -1;
			break;
		case MPREAD_BIN:
			if (mpread_bin(r, &s, &n, UINT32_MAX) < 0)
				return -1;
			break;
		case MPREAD_ARRAY:
			if (mpread_array(r, &n, UINT32_MAX) < 0)
				return -1;
			todo += n;
			break;
		case MPREAD_MAP:
			if (read_len(r, *at, &n) < 0)
				return -1;
			if (2 * (uint64_t)n > mpread_left(r))
				return fail(r, at, "map of %u pairs but only %zu bytes left", n,
				            mpread_left(r));
			todo += 2 * (uint64_t)n;
			break;
		case MPREAD_EXT:
			if (skip_ext(r, *at) < 0)
				return -1;
			break;
		}
		/* Every pending value needs a byte: catches huge counts early. */
		if (todo > mpread_left(r))
			return fail(r, r->p, "%llu values claimed but only %zu bytes left",
			            (unsigned long long)todo, mpread_left(r));
	}
	return 0;
}
