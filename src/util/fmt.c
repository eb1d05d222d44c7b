/* fmt — sizes, rates, counts, durations and values by kind as text; see fmt.h. */
#include "util/fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static const char *const short_units = "KMGTP";
static const char *const long_units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };

/* Scales kib into [0, 1024) of some unit; returns the unit's index. */
static int scale(double *v)
{
	int u = 0;

	while (*v >= 1000 && u < 4) {
		*v /= 1024;
		u++;
	}
	return u;
}

void fmt_kib_short(char *out, size_t outsz, double kib)
{
	double v = kib < 0 ? 0 : kib;
	int u = scale(&v);

	if (u == 0 || v >= 100)
		snprintf(out, outsz, "%.0f%c", v, short_units[u]);
	else if (v >= 10)
		snprintf(out, outsz, "%.1f%c", v, short_units[u]);
	else
		snprintf(out, outsz, "%.2f%c", v, short_units[u]);
}

void fmt_kib(char *out, size_t outsz, double kib)
{
	double v = kib < 0 ? -kib : kib;
	int u = scale(&v);

	if (u == 0 || v >= 100)
		snprintf(out, outsz, "%.0f %s", v, long_units[u]);
	else if (v >= 10)
		snprintf(out, outsz, "%.1f %s", v, long_units[u]);
	else
		snprintf(out, outsz, "%.2f %s", v, long_units[u]);
}

void fmt_kib_signed(char *out, size_t outsz, double kib)
{
	char num[32];

	fmt_kib(num, sizeof(num), kib);
	if (fabs(kib) < 0.5)
		snprintf(out, outsz, "%s", num);
	else
		snprintf(out, outsz, "%c%s", kib < 0 ? '-' : '+', num);
}

void fmt_bytes_rate(char *out, size_t outsz, double bps)
{
	if (bps < 1000) {
		snprintf(out, outsz, "%.0f B/s", bps < 0 ? 0 : bps);
		return;
	}
	char num[32];

	fmt_kib(num, sizeof(num), bps / 1024);
	snprintf(out, outsz, "%s/s", num);
}

void fmt_rate(char *out, size_t outsz, double per_s)
{
	if (per_s < 0)
		per_s = 0;
	if (per_s >= 10000)
		snprintf(out, outsz, "%.0fk/s", per_s / 1000);
	else if (per_s >= 1000)
		snprintf(out, outsz, "%.1fk/s", per_s / 1000);
	else if (per_s >= 10 || per_s == floor(per_s))
		snprintf(out, outsz, "%.0f/s", per_s);
	else
		snprintf(out, outsz, "%.1f/s", per_s);
}

void fmt_window(char *out, size_t outsz, double seconds)
{
	long s = lround(seconds);

	if (s < 60)
		snprintf(out, outsz, "%lds", s);
	else if (s < 3600 && s % 60 == 0)
		snprintf(out, outsz, "%ldm", s / 60);
	else if (s < 3600)
		snprintf(out, outsz, "%ldm%02lds", s / 60, s % 60);
	else
		snprintf(out, outsz, "%ldh%02ldm", s / 3600, s % 3600 / 60);
}

void fmt_count(char *out, size_t outsz, unsigned long long n, bool group)
{
	char digits[32];
	size_t len, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%llu", n);
	if (!group) {
		snprintf(out, outsz, "%s", digits);
		return;
	}
	for (size_t i = 0; i < len && o + 1 < outsz; i++) {
		if (i && (len - i) % 3 == 0 && o + 2 < outsz)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	if (outsz)
		out[o < outsz ? o : outsz - 1] = '\0';
}

void fmt_duration_ns(char *out, size_t outsz, double ns, bool utf8)
{
	static const char *const units[] = { "ns", "us", "ms", "s" };
	double v = ns > 0 ? ns : 0;
	int u = 0;

	/* 999.5 would print as "1000": promote before choosing the digits */
	while (u < 3 && v >= 999.5) {
		v /= 1000;
		u++;
	}
	const char *unit = u == 1 && utf8 ? "µs" : units[u];

	if (u == 0 || v >= 99.95)
		snprintf(out, outsz, "%.0f%s", v, unit);
	else if (v >= 9.995)
		snprintf(out, outsz, "%.1f%s", v, unit);
	else
		snprintf(out, outsz, "%.2f%s", v, unit);
}


/* Three significant digits in the largest unit that keeps a whole part. */
void fmt_duration_spaced(char *out, size_t outsz, double ns)
{
	static const struct {
		double scale;
		const char *unit;
	} units[] = { { 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" } };
	double a = fabs(ns);

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (a >= units[i].scale || i + 1 == sizeof(units) / sizeof(units[0])) {
			double v = ns / units[i].scale;
			int prec = fabs(v) >= 100 ? 0 : fabs(v) >= 10 ? 1 : 2;

			if (units[i].scale == 1)
				prec = 0;
			snprintf(out, outsz, "%.*f %s", prec, v, units[i].unit);
			return;
		}
	}
}

void fmt_bytes_spaced(char *out, size_t outsz, double b)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double a = fabs(b);
	size_t u = 0;

	while (a >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		a /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, outsz, "%.0f B", b);
	else
		snprintf(out, outsz, "%s%.1f %s", b < 0 ? "-" : "", a, units[u]);
}

/* The --batch spelling, where it differs from the report's; false: same. */
static bool plain_value(char *out, size_t outsz, enum fmt_kind k, double v)
{
	switch (k) {
	case FMT_PCT:
	case FMT_RATE:
		snprintf(out, outsz, "%.2f", v);
		return true;
	case FMT_NS:
		fmt_duration_ns(out, outsz, v, false);
		return true;
	case FMT_NUM:
		if (v == (double)(long long)v)
			snprintf(out, outsz, "%lld", (long long)v);
		else
			snprintf(out, outsz, "%.3f", v);
		return true;
	default:
		return false;
	}
}

/* The screen's spelling, where it differs from the report's; false: same. */
static bool screen_value(char *out, size_t outsz, enum fmt_kind k, double v, bool utf8)
{
	switch (k) {
	case FMT_COUNT:
		fmt_count(out, outsz, v > 0 ? (unsigned long long)(v + 0.5) : 0, true);
		return true;
	case FMT_PCT:
		snprintf(out, outsz, "%.1f", v);
		return true;
	case FMT_NS:
		fmt_duration_ns(out, outsz, v, utf8);
		return true;
	case FMT_RATE: /* a plain number: "0.25", "12.5", "1,234" */
		if (v < 0)
			v = 0;
		if (v < 10)
			snprintf(out, outsz, "%.2f", v);
		else if (v < 1000)
			snprintf(out, outsz, "%.1f", v);
		else
			fmt_count(out, outsz, (unsigned long long)(v + 0.5), true);
		return true;
	case FMT_NUM:
		if (v >= 0 && v < 1e18 && v == (double)(unsigned long long)v)
			fmt_count(out, outsz, (unsigned long long)v, true);
		else
			snprintf(out, outsz, "%.2f", v);
		return true;
	default:
		return false;
	}
}

char *fmt_value(char *out, size_t outsz, enum fmt_kind k, enum fmt_style st, double v)
{
	if (!outsz)
		return out;
	if (st == FMT_PLAIN && plain_value(out, outsz, k, v))
		return out;
	if ((st == FMT_SCREEN || st == FMT_SCREEN_UTF8) &&
	    screen_value(out, outsz, k, v, st == FMT_SCREEN_UTF8))
		return out;
	switch (k) {
	case FMT_INT:
	case FMT_COUNT:
		snprintf(out, outsz, "%.0f", v);
		break;
	case FMT_PCT:
		snprintf(out, outsz, "%.1f%%", v);
		break;
	case FMT_PTS:
		snprintf(out, outsz, "%+.1f", v);
		break;
	case FMT_CHANGE:
		snprintf(out, outsz, "%+.1f%%", v);
		break;
	case FMT_NS:
		fmt_duration_spaced(out, outsz, v);
		break;
	case FMT_BYTES:
		fmt_bytes_spaced(out, outsz, v);
		break;
	case FMT_SECONDS:
		snprintf(out, outsz, "%.2f s", v);
		break;
	case FMT_HZ:
		snprintf(out, outsz, v == (double)(long long)v ? "%.0f Hz" : "%.1f Hz", v);
		break;
	case FMT_RATE:
		snprintf(out, outsz, "%.2f/s", v);
		break;
	case FMT_MSPS:
		snprintf(out, outsz, "%.1f ms/s", v);
		break;
	default:
		snprintf(out, outsz, "%.6g", v);
		break;
	}
	if (!strcmp(out, "-0.0") || !strcmp(out, "-0"))
		memmove(out, out + 1, strlen(out));
	return out;
}
