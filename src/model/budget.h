/*
 * budget — limits on what a report measures, judged green, yellow or red.
 *
 * A budget file has one rule a line (docs/budgets.md):
 *
 *     zone parse p95 < 20ms            # a zone's percentile, mean, count...
 *     zone "big step" mean < 5ms warn 4ms
 *     cpu avg < 5%                     # "cpu < 5%" means the average
 *     rss growth < 1MB                 # "rss < 50MB" means the max
 *     counter frames rate >= 30/s
 *     function parse_header self < 10% warn 90%
 *
 * Each rule has a limit and a warning level before it: by default 80 % of an
 * upper limit and 120 % of a lower one, or what `warn` says (a value in the
 * rule's unit, or a share of the limit in %). budget_judge() measures every
 * rule on a profile and its process with the same figures the report shows
 * (model/figures.h) and gives pass (green), warn (yellow: inside the band), fail
 * (red: past the limit) or no data (nothing measured yet: a zone without
 * events for a time, no CPU/RSS series, no samples): no data is shown as a
 * warning and never fails. A rule naming a zone, counter or function the
 * profile does not have (a typo, a rename) fails, "not in the profile".
 * A function is named as the symbolizer shows it (C++ and Rust demangled),
 * with or without its parameter list.
 *
 * The parser has named limits and reports "line N: reason". A struct budget
 * owns its rules and their strings. Rendering the results is report/budget.h's
 * job (the report's table) and ui/budget_view.c's (the screen's line).
 */
#ifndef PERFTOP_MODEL_BUDGET_H
#define PERFTOP_MODEL_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "model/profile.h"

enum {
	BUDGET_MAX_BYTES = 64 * 1024, /* a budget file */
	BUDGET_MAX_LINE = 1024,       /* characters in one line */
	BUDGET_MAX_RULES = 256,
	BUDGET_MAX_NAME = 256,        /* bytes in a zone, counter or function name */
};

/* What a value is measured in; the unit words each accepts (docs/budgets.md). */
#define BUDGET_UNITS(X)                                                       \
	X(TIME, "a time (ns, us, ms, s)", "ns")                               \
	X(BYTES, "a size (B, KB, MB, GB)", "B")                               \
	X(PCT, "a percentage (%)", "%")                                       \
	X(RATE, "a rate (/s, /min)", "/s")                                    \
	X(COUNT, "a number", "")

enum budget_unit {
#define X(id, what, base) BU_##id,
	BUDGET_UNITS(X)
#undef X
};

/* Subjects: id, keyword, takes a name, the metric used when none is given
 * (BM_COUNT: none, the metric must be written). */
#define BUDGET_SUBJECTS(X)                                                    \
	X(ZONE, "zone", true, BM_COUNT)                                       \
	X(CPU, "cpu", false, BM_CPU_AVG)                                      \
	X(RSS, "rss", false, BM_RSS_MAX)                                      \
	X(COUNTER, "counter", true, BM_COUNTER_RATE)                          \
	X(FUNCTION, "function", true, BM_FUNCTION_SELF)

enum budget_subject {
#define X(id, word, named, dflt) BS_##id,
	BUDGET_SUBJECTS(X)
#undef X
	BS_COUNT
};

/* Metrics: id, subject, keyword, unit. */
#define BUDGET_METRICS(X)                                                     \
	X(ZONE_COUNT, ZONE, "count", COUNT)                                   \
	X(ZONE_RATE, ZONE, "rate", RATE)                                      \
	X(ZONE_MEAN, ZONE, "mean", TIME)                                      \
	X(ZONE_MIN, ZONE, "min", TIME)                                        \
	X(ZONE_MAX, ZONE, "max", TIME)                                        \
	X(ZONE_P50, ZONE, "p50", TIME)                                        \
	X(ZONE_P90, ZONE, "p90", TIME)                                        \
	X(ZONE_P95, ZONE, "p95", TIME)                                        \
	X(ZONE_P99, ZONE, "p99", TIME)                                        \
	X(ZONE_P999, ZONE, "p99.9", TIME)                                     \
	X(ZONE_TOTAL, ZONE, "total", TIME)                                    \
	X(CPU_AVG, CPU, "avg", PCT)                                           \
	X(CPU_MAX, CPU, "max", PCT)                                           \
	X(RSS_START, RSS, "start", BYTES)                                     \
	X(RSS_END, RSS, "end", BYTES)                                         \
	X(RSS_GROWTH, RSS, "growth", BYTES)                                   \
	X(RSS_MAX, RSS, "max", BYTES)                                         \
	X(COUNTER_TOTAL, COUNTER, "total", COUNT)                             \
	X(COUNTER_RATE, COUNTER, "rate", RATE)                                \
	X(FUNCTION_SELF, FUNCTION, "self", PCT)                               \
	X(FUNCTION_TOTAL, FUNCTION, "total", PCT)

enum budget_metric {
#define X(id, subj, word, unit) BM_##id,
	BUDGET_METRICS(X)
#undef X
	BM_COUNT
};

#define BUDGET_OPS(X)                  \
	X(LT, "<")                     \
	X(LE, "<=")                    \
	X(GT, ">")                     \
	X(GE, ">=")

enum budget_op {
#define X(id, text) BO_##id,
	BUDGET_OPS(X)
#undef X
};

#define BUDGET_STATUSES(X)             \
	X(PASS, "pass")                \
	X(NODATA, "no data")           \
	X(WARN, "warn")                \
	X(FAIL, "fail")

/* In order of severity: the worst of several is the largest. */
enum budget_status {
#define X(id, name) BUDGET_##id,
	BUDGET_STATUSES(X)
#undef X
};

struct budget_rule {
	int line;                   /* in the file, from 1 */
	char *text;                 /* the rule as written, comment and blanks trimmed */
	enum budget_subject subject;
	enum budget_metric metric;
	char *name;                 /* zone, counter or function; NULL for cpu, rss */
	enum budget_op op;
	double limit;               /* in base units: ns, bytes, %, per second, count */
	double warn;                /* the warning level, same units */
};

struct budget {
	struct budget_rule *rules;
	size_t nrules;
};

struct budget_result {
	enum budget_status status;
	bool have;                  /* a value was measured */
	bool missing;               /* the zone, counter or function is not in the profile */
	double value;               /* in the rule's base units */
	/* The value, limit and warning level as text ("12.3 ms"), for tables. */
	char value_text[32], limit_text[32], warn_text[32];
};

/* Parses text[0..len) into b (empty on entry or after budget_release).
 * Returns 0, or -EINVAL with "line N: reason" in why and b left empty. */
int budget_parse(struct budget *b, const char *text, size_t len, char *why, size_t why_len);
/* Reads and parses the file at path; errors say "budget 'path': ...".
 * Returns 0 or a negative errno. */
int budget_load(struct budget *b, const char *path, char *why, size_t why_len);
void budget_release(struct budget *b);

/* Measures every rule of b on profile p (may be NULL) and process proc (may
 * be NULL) into out (b->nrules entries). Reads only; the caller holds the
 * model's lock when live. Returns the worst status. */
enum budget_status budget_judge(const struct budget *b, const struct profile *p,
				const struct process *proc, struct budget_result *out);

/* The worst status among results (BUDGET_PASS for none). */
enum budget_status budget_worst(const struct budget *b, const struct budget_result *res);
const char *budget_status_name(enum budget_status s);
/* The unit a metric is measured in, and its keyword. */
enum budget_unit budget_metric_unit(enum budget_metric m);
const char *budget_metric_name(enum budget_metric m);
/* A subject's keyword ("zone"), an operator's text ("<="), a unit's base
 * unit word ("ns", "" for a plain number). Static strings. */
const char *budget_subject_name(enum budget_subject s);
const char *budget_op_text(enum budget_op op);
const char *budget_unit_base(enum budget_unit u);

/* Writes rule r in canonical form (base units, names quoted when needed):
 * parsing it gives back the same rule. Returns snprintf's result. */
int budget_rule_format(const struct budget_rule *r, char *out, size_t len);

#endif
