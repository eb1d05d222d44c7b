/*
 * mpread — a small bounded msgpack reader over bytes already in memory.
 *
 * Made for input from outside (agent sockets, files): it never allocates and
 * never reads past the end it was given. Every count it returns has been
 * checked against the caller's limit and against the bytes left (an element
 * takes at least one byte), so a caller may size an allocation by it.
 *
 * Errors are sticky: the first one records its offset and a message, and
 * every later call fails at once. The reader owns nothing; the bytes must
 * outlive it.
 */
#ifndef PERFTOP_UTIL_MPREAD_H
#define PERFTOP_UTIL_MPREAD_H

#include <stddef.h>
#include <stdint.h>

/* The family of the next value, from its first byte. */
#define MPREAD_TYPES(X)                                                                            \
	X(NIL, "nil")                                                                              \
	X(BOOL, "bool")                                                                            \
	X(UINT, "unsigned int")                                                                    \
	X(NEGINT, "negative int")                                                                  \
	X(FLOAT, "float")                                                                          \
	X(STR, "str")                                                                              \
	X(BIN, "bin")                                                                              \
	X(ARRAY, "array")                                                                          \
	X(MAP, "map")                                                                              \
	X(EXT, "ext")                                                                              \
	X(INVALID, "invalid byte")                                                                 \
	X(END, "end of data")

enum mpread_type {
#define MPREAD_TYPE_ENUM(name, text) MPREAD_##name,
	MPREAD_TYPES(MPREAD_TYPE_ENUM)
#undef MPREAD_TYPE_ENUM
};

struct mpread {
	const uint8_t *start, *p, *end;
	size_t err_off; /* offset of the failing value */
	int failed;
	char err[128]; /* reason, without the offset */
};

/* Reads data[0..len). */
void mpread_init(struct mpread *r, const void *data, size_t len);

/* The type of the next value (MPREAD_END at the end, MPREAD_END too after
 * an error). Consumes nothing. */
enum mpread_type mpread_peek(const struct mpread *r);
/* "unsigned int", "array", ... for messages. */
const char *mpread_type_name(enum mpread_type type);

/* Each reader below consumes one value and returns 0, or fails with -1 and
 * records why (wrong type, truncated, over a limit). */

/* A non-negative integer (positive fixint, uint8..64, or a signed form
 * holding a non-negative value) no larger than max. */
int mpread_uint(struct mpread *r, uint64_t *out, uint64_t max);
/* Any integer that fits int64_t. */
int mpread_int(struct mpread *r, int64_t *out);
/* float32, float64, or any integer (converted). */
int mpread_float(struct mpread *r, double *out);
/* An array header; *n <= max and *n <= bytes left. The elements follow. */
int mpread_array(struct mpread *r, uint32_t *n, uint32_t max);
/* A str of at most max bytes; *s points into the data, not NUL-terminated. */
int mpread_str(struct mpread *r, const uint8_t **s, uint32_t *len, uint32_t max);
/* A bin of at most max bytes. */
int mpread_bin(struct mpread *r, const uint8_t **s, uint32_t *len, uint32_t max);
/* Skips one value of any type, nested ones included (no recursion). */
int mpread_skip(struct mpread *r);

/* Records a caller's error at the current offset (sticky, like the others);
 * returns -1. */
int mpread_fail(struct mpread *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Offset of the next byte from the start. */
size_t mpread_offset(const struct mpread *r);
/* Bytes not yet read. */
size_t mpread_left(const struct mpread *r);

#endif
