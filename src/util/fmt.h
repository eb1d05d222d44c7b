/*
 * fmt — numbers as people read them: sizes, rates, percents, durations.
 *
 * The one formatting library of perftop: the screen, --batch and the
 * reports all spell their numbers here (no curses, no model). Sizes are
 * binary (1 KiB = 1024 B). The short forms fit narrow columns ("512K",
 * "12.3M", "1.21G"); the long forms are for figures ("12.3 MiB").
 *
 * Values of a column are formatted by kind (FMT_KINDS) in one of the
 * spellings of enum fmt_style: what `--batch` prints for scripts (bare
 * numbers, compact durations "2.01ms"), what reports print for people
 * (units, spaced durations "2.01 ms") and what the screen's cells show
 * (grouped counts "12,345"). Each spelling is kept as it has always been,
 * so no output changed when they came together here.
 */
#ifndef PERFTOP_UTIL_FMT_H
#define PERFTOP_UTIL_FMT_H

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

/* A duration in nanoseconds, the reports' spelling: three significant
 * digits, a space and the largest unit with a whole part: "850 ns",
 * "1.23 ms", "12.3 s". Negative durations keep their sign. */
void fmt_duration_spaced(char *out, size_t outsz, double ns);

/* A size in bytes, the reports' spelling: "512 B", "12.3 MiB", "-1.5 KiB". */
void fmt_bytes_spaced(char *out, size_t outsz, double bytes);

/* What a value is, and so how it is written: id, then what FMT_REPORT
 * writes (FMT_PLAIN differs where noted; the FMT_SCREEN styles are the
 * TUI's cells: "12.3" percents, "12,345" counts, "2.01ms" durations). */
#define FMT_KINDS(X)                                                          \
	X(INT)     /* a whole number as is (depth, line): "12" */             \
	X(COUNT)   /* samples, events: "12345" */                             \
	X(PCT)     /* a share in percent: "12.3%"; plain: "12.34" */          \
	X(PTS)     /* a change in percentage points: "+1.2" */                \
	X(CHANGE)  /* a relative change in percent: "+12.3%" */               \
	X(NS)      /* a duration in ns: "1.23 ms"; plain: "1.23ms" */         \
	X(BYTES)   /* a size in bytes: "12.3 MiB" (may be negative) */        \
	X(SECONDS) /* a span in seconds: "12.30 s" */                         \
	X(HZ)      /* a sampling rate: "99 Hz" */                             \
	X(MSPS)    /* CPU milliseconds a second of run: "12.3 ms/s" */        \
	X(RATE)    /* events per second: "12.30/s"; plain: "12.30" */         \
	X(NUM)     /* any other number: "%.6g"; plain: "12" or "12.500" */

enum fmt_kind {
#define X(id) FMT_##id,
	FMT_KINDS(X)
#undef X
	FMT_NKINDS
};

enum fmt_style {
	FMT_REPORT,      /* perftop report, budgets, diffs: units and spaces */
	FMT_PLAIN,       /* --batch: bare numbers for scripts, compact durations */
	FMT_SCREEN,      /* the TUI's cells: grouped counts, compact durations */
	FMT_SCREEN_UTF8, /* the same on a UTF-8 terminal: "µs" */
};

/* Writes v of kind k in style st into out (outsz bytes, NUL-terminated;
 * never "-0"). Returns out. */
char *fmt_value(char *out, size_t outsz, enum fmt_kind k, enum fmt_style st, double v);

#endif
