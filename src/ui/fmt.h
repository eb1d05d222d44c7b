/*
 * fmt — numbers as people read them on a screen: sizes, rates, percents.
 *
 * Pure formatting shared by every view and by --batch: sizes, counts,
 * durations, wait statuses. Sizes are binary (1 KiB = 1024 B). The short
 * forms fit narrow columns ("512K", "12.3M", "1.21G"); the long forms are
 * for figures ("12.3 MiB", "1.2 KiB/s").
 */
#ifndef PERFTOP_UI_FMT_H
#define PERFTOP_UI_FMT_H

#include <stdbool.h>
#include <stddef.h>

/* A size in KiB, short: "0K", "512K", "12.3M", "123M", "1.21G", "12.1G". At
 * most 6 columns below 1000 TiB. */
void fmt_kib_short(char *out, size_t outsz, double kib);

/* A size in KiB, long: "512 KiB", "12.3 MiB", "1.21 GiB". */
void fmt_kib(char *out, size_t outsz, double kib);

/* A signed size in KiB with its sign: "+4.0 MiB", "-512 KiB", "0 KiB". */
void fmt_kib_signed(char *out, size_t outsz, double kib);

/* A byte rate: "0 B/s", "512 B/s", "1.2 KiB/s", "3.4 MiB/s". */
void fmt_bytes_rate(char *out, size_t outsz, double bps);

/* A per-second count: "0/s", "12/s", "3.5/s", "1.2k/s". */
void fmt_rate(char *out, size_t outsz, double per_s);

/* A duration in seconds, short: "30s", "5m", "1m30s", "2h". */
void fmt_window(char *out, size_t outsz, double seconds);

/* A count with thousands separators when `group` ("12,345"), else plain
 * digits ("12345", for --batch). */
void fmt_count(char *out, size_t outsz, unsigned long long n, bool group);

/* A duration in nanoseconds with three significant digits and a unit:
 * "850ns", "12.3us", "2.01ms", "1.50s" ("µs" when utf8). Negative is 0. */
void fmt_duration_ns(char *out, size_t outsz, double ns, bool utf8);


#endif
