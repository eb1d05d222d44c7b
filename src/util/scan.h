/*
 * scan — reading numbers out of text that may be hostile (/proc files,
 * perf maps): bounded to [p, end), no terminating NUL needed, no overflow.
 */
#ifndef PERFTOP_UTIL_SCAN_H
#define PERFTOP_UTIL_SCAN_H

#include <stdint.h>

/* Reads one hexadecimal number of 1 to 16 digits (no "0x") at *p, stopping
 * at the first other character or at end. Returns 0 and advances *p past
 * it, or -1 (no digit, or more than 16) with *p unchanged. */
int scan_hex(const char **p, const char *end, uint64_t *out);

/* Reads one decimal number of 1 to 19 digits at *p, as scan_hex. */
int scan_dec(const char **p, const char *end, uint64_t *out);

#endif
