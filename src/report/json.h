/*
 * json — the pieces every JSON writer in perftop shares: strings escaped so
 * that any name a program gives (control characters, quotes, invalid UTF-8)
 * comes out as valid JSON, and numbers that are never NaN or infinite.
 *
 * Also the UTF-8 decoder the text and markdown renderers use to clean names
 * the same way. Nothing here allocates; output goes to a stdio stream.
 */
#ifndef PERFTOP_REPORT_JSON_H
#define PERFTOP_REPORT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Decodes one UTF-8 character from s[0..len) (len >= 1). Returns the bytes
 * it took and sets *cp; an invalid sequence (bad lead or continuation byte,
 * overlong form, surrogate, above U+10FFFF, cut short) takes 1 byte and gives
 * U+FFFD, so a caller always advances. */
size_t json_utf8_next(const unsigned char *s, size_t len, uint32_t *cp);

/* Writes s as a quoted JSON string: " and \ escaped, control characters as
 * \n, \t, ... or \u00XX, invalid UTF-8 as \ufffd; NULL writes "". */
void json_string(FILE *f, const char *s);
/* The same for the len bytes at s (which may hold NUL bytes: \u0000). */
void json_string_n(FILE *f, const char *s, size_t len);

/* Writes v as a JSON number: up to 15 significant digits, with no exponent
 * for ordinary magnitudes; NaN and infinities (never valid JSON) as null. */
void json_number(FILE *f, double v);
/* Writes an unsigned integer exactly. */
void json_uint(FILE *f, uint64_t v);

#endif
