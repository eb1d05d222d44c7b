/*
 * budget — the budget file parser and the judge; see budget.h and docs/budgets.md for the format.
 *
 * A line is split into tokens: words (up to a blank or '#'), quoted names
 * ("a \"b\" c", with \" and \\ escapes), and comparison operators, which also
 * end a word that starts with one ("<5%" is "<" and "5%"). Numbers are
 * checked here ([+-]digits[.digits][e[+-]digits]) and converted in the C
 * locale, whatever the user's locale says.
 */
#include "model/budget.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/figures.h"
#include "util/fmt.h"
#include "util/infile.h"
#include "util/xalloc.h"

static const struct {
	const char *word;
	bool named;
	enum budget_metric dflt;
} subjects[] = {
#define X(id, word, named, dflt) { word, named, dflt },
	BUDGET_SUBJECTS(X)
#undef X
};

static const struct {
	enum budget_subject subject;
	const char *word;
	enum budget_unit unit;
} metrics[] = {
#define X(id, subj, word, unit) { BS_##subj, word, BU_##unit },
	BUDGET_METRICS(X)
#undef X
};

static const char *const op_text[] = {
#define X(id, text) text,
	BUDGET_OPS(X)
#undef X
};

static const char *const status_names[] = {
#define X(id, name) name,
	BUDGET_STATUSES(X)
#undef X
};

static const struct {
	const char *what, *base;
} units[] = {
#define X(id, what, base) { what, base },
	BUDGET_UNITS(X)
#undef X
};

enum budget_unit budget_metric_unit(enum budget_metric m)
{
	return metrics[m].unit;
}

const char *budget_metric_name(enum budget_metric m)
{
	return metrics[m].word;
}

const char *budget_status_name(enum budget_status s)
{
	return status_names[s];
}

const char *budget_subject_name(enum budget_subject s)
{
	return subjects[s].word;
}

const char *budget_op_text(enum budget_op op)
{
	return op_text[op];
}

const char *budget_unit_base(enum budget_unit u)
{
	return units[u].base;
}

/* ---- tokens --------------------------------------------------------------------- */

enum { MAX_TOKENS = 16 };

struct token {
	char *text;  /* NUL-terminated copy (quotes and escapes removed) */
	bool quoted;
};

struct line_ctx {
	int line;
	char *why;
	size_t why_len;
};

__attribute__((format(printf, 2, 3))) static int bad(struct line_ctx *lc, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(lc->why, lc->why_len, "line %d: ", lc->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < lc->why_len)
		vsnprintf(lc->why + n, lc->why_len - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A token quoted for an error message: printable ASCII only, shortened. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 4 < len; s++)
		buf[o++] = (unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f ? *s : '?';
	if (*s && len > 4)
		memcpy(buf + o, "...", 3), o += 3;
	buf[o] = '\0';
	return buf;
}

/* Splits line[0..len) (no newline) into tokens; stops at '#'. */
static int tokenize(struct line_ctx *lc, const char *line, size_t len, struct token *tok,
		    size_t *ntok)
{
	size_t i = 0, n = 0;

	*ntok = 0;
	while (i < len) {
		char *out;
		size_t o = 0;

		if (blank(line[i])) {
			i++;
			continue;
		}
		if (line[i] == '#')
			break;
		if (n == MAX_TOKENS)
			return bad(lc, "too many words (at most %d)", MAX_TOKENS);
		out = xmalloc(len - i + 1);
		tok[n].quoted = false;
		if (line[i] == '"') {
			i++;
			for (;;) {
				if (i == len) {
					free(out);
					return bad(lc, "a quoted name is not closed");
				}
				if (line[i] == '"')
					break;
				if (line[i] == '\\' && i + 1 < len &&
				    (line[i + 1] == '"' || line[i + 1] == '\\'))
					i++;
				out[o++] = line[i++];
			}
			i++;
			tok[n].quoted = true;
			if (i < len && !blank(line[i]) && line[i] != '#') {
				free(out);
				return bad(lc, "a quoted name must be followed by a blank");
			}
		} else if (line[i] == '<' || line[i] == '>') {
			out[o++] = line[i++];
			if (i < len && line[i] == '=')
				out[o++] = line[i++];
		} else {
			while (i < len && !blank(line[i]) && line[i] != '#')
				out[o++] = line[i++];
		}
		out[o] = '\0';
		tok[n++].text = out;
		*ntok = n;
	}
	return 0;
}

/* ---- numbers and units ---------------------------------------------------------- */

static locale_t c_locale(void)
{
	static locale_t loc;

	if (!loc)
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return loc;
}

/* Reads a decimal number at the start of s; returns the characters it took
 * (0: none) and the value in *v. */
static size_t scan_number(const char *s, double *v)
{
	size_t i = 0, digits = 0;
	char buf[64];

	if (s[i] == '+' || s[i] == '-')
		i++;
	while (s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (s[i] == '.') {
		i++;
		while (s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (!digits)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1, ed = 0;

		if (s[j] == '+' || s[j] == '-')
			j++;
		while (s[j] >= '0' && s[j] <= '9')
			j++, ed++;
		if (ed)
			i = j;
	}
	if (i >= sizeof(buf))
		return 0;
	memcpy(buf, s, i);
	buf[i] = '\0';
	*v = c_locale() ? strtod_l(buf, NULL, c_locale()) : strtod(buf, NULL);
	if (!isfinite(*v))
		return 0;
	return i;
}

/* The factor that turns a value written with unit word u into the base unit
 * of kind; 0 when u is not a unit of that kind. */
static double unit_factor(enum budget_unit kind, const char *u)
{
	static const struct {
		enum budget_unit kind;
		const char *word;
		double factor;
	} words[] = {
		{ BU_TIME, "ns", 1 },           { BU_TIME, "us", 1e3 },
		{ BU_TIME, "\xc2\xb5s", 1e3 },  { BU_TIME, "ms", 1e6 },
		{ BU_TIME, "s", 1e9 },          { BU_TIME, "sec", 1e9 },
		{ BU_BYTES, "b", 1 },           { BU_BYTES, "k", 1024.0 },
		{ BU_BYTES, "kb", 1024.0 },     { BU_BYTES, "kib", 1024.0 },
		{ BU_BYTES, "m", 1048576.0 },   { BU_BYTES, "mb", 1048576.0 },
		{ BU_BYTES, "mib", 1048576.0 }, { BU_BYTES, "g", 1073741824.0 },
		{ BU_BYTES, "gb", 1073741824.0 }, { BU_BYTES, "gib", 1073741824.0 },
		{ BU_PCT, "%", 1 },             { BU_RATE, "/s", 1 },
		{ BU_RATE, "/sec", 1 },         { BU_RATE, "/min", 1.0 / 60 },
		{ BU_COUNT, "", 1 },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].kind == kind &&
		    (kind == BU_BYTES ? !strcasecmp(u, words[i].word) : !strcmp(u, words[i].word)))
			return words[i].factor;
	return 0;
}

/* Parses a value of kind from tok[*at] (and a separate unit word after a bare
 * number); advances *at. pct_of_limit: "N%" for a non-percentage kind gives
 * N/100 * limit (for warn levels). */
static int parse_value(struct line_ctx *lc, struct token *tok, size_t ntok, size_t *at,
		       enum budget_unit kind, const double *pct_of_limit, double *out)
{
	char buf[64];
	const char *t, *unit;
	double v, f;
	size_t k;

	if (*at >= ntok)
		return bad(lc, "a value is missing (%s)", units[kind].what);
	t = tok[*at].text;
	k = scan_number(t, &v);
	if (!k || tok[*at].quoted)
		return bad(lc, "'%s' is not a number", shown(t, buf, sizeof(buf)));
	unit = t + k;
	(*at)++;
	/* "20 ms": a unit as a word of its own. */
	if (!*unit && *at < ntok && !tok[*at].quoted && strcmp(tok[*at].text, "warn") &&
	    (unit_factor(kind, tok[*at].text) > 0 ||
	     (pct_of_limit && !strcmp(tok[*at].text, "%"))))
		unit = tok[(*at)++].text;
	if (pct_of_limit && kind != BU_PCT && !strcmp(unit, "%")) {
		*out = *pct_of_limit * v / 100;
		return 0;
	}
	f = unit_factor(kind, unit);
	if (f <= 0) {
		if (!*unit)
			return bad(lc, "'%s' needs a unit: %s", shown(t, buf, sizeof(buf)),
				   units[kind].what);
		return bad(lc, "'%s' is not %s", shown(t, buf, sizeof(buf)), units[kind].what);
	}
	*out = v * f;
	if (!isfinite(*out))
		return bad(lc, "'%s' is too large", shown(t, buf, sizeof(buf)));
	return 0;
}

static bool upper_bound(enum budget_op op)
{
	return op == BO_LT || op == BO_LE;
}

static int parse_op(const char *s)
{
	for (size_t i = 0; i < sizeof(op_text) / sizeof(op_text[0]); i++)
		if (!strcmp(s, op_text[i]))
			return (int)i;
	return -1;
}

/* ---- one rule ------------------------------------------------------------------- */

static int parse_rule(struct line_ctx *lc, struct token *tok, size_t ntok, struct budget_rule *r)
{
	char buf[80];
	size_t at = 0;
	int s = -1, op;
	enum budget_unit unit;

	for (size_t i = 0; i < BS_COUNT; i++)
		if (!tok[0].quoted && !strcmp(tok[0].text, subjects[i].word))
			s = (int)i;
	if (s < 0)
		return bad(lc,
			   "unknown subject '%s' (expected zone, cpu, rss, counter or function)",
			   shown(tok[0].text, buf, sizeof(buf)));
	r->subject = (enum budget_subject)s;
	at = 1;
	if (subjects[s].named) {
		size_t n;

		if (at >= ntok || (!tok[at].quoted && parse_op(tok[at].text) >= 0))
			return bad(lc, "'%s' needs a name", subjects[s].word);
		n = strlen(tok[at].text);
		if (!n)
			return bad(lc, "an empty name");
		if (n > BUDGET_MAX_NAME)
			return bad(lc, "a name longer than %d bytes", BUDGET_MAX_NAME);
		r->name = xstrdup(tok[at].text);
		at++;
	}
	if (at >= ntok)
		return bad(lc, "a comparison is missing (<, <=, >, >=)");
	op = tok[at].quoted ? -1 : parse_op(tok[at].text);
	if (op >= 0) {
		if (subjects[s].dflt == BM_COUNT)
			return bad(lc, "'%s' needs a metric (count, rate, mean, min, max, p50, "
				       "p90, p95, p99, p99.9, total)",
				   subjects[s].word);
		r->metric = subjects[s].dflt;
	} else {
		int m = -1;

		for (size_t i = 0; i < BM_COUNT; i++)
			if (metrics[i].subject == r->subject && !tok[at].quoted &&
			    !strcmp(tok[at].text, metrics[i].word))
				m = (int)i;
		if (m < 0)
			return bad(lc, "unknown metric '%s' for %s", shown(tok[at].text, buf,
									    sizeof(buf)),
				   subjects[s].word);
		r->metric = (enum budget_metric)m;
		at++;
		if (at >= ntok)
			return bad(lc, "a comparison is missing (<, <=, >, >=)");
		op = tok[at].quoted ? -1 : parse_op(tok[at].text);
		if (op < 0)
			return bad(lc, "'%s' is not a comparison (<, <=, >, >=)",
				   shown(tok[at].text, buf, sizeof(buf)));
	}
	r->op = (enum budget_op)op;
	at++;
	unit = metrics[r->metric].unit;
	if (parse_value(lc, tok, ntok, &at, unit, NULL, &r->limit) < 0)
		return -EINVAL;
	if (upper_bound(r->op))
		r->warn = r->limit - 0.2 * fabs(r->limit);
	else
		r->warn = r->limit + 0.2 * fabs(r->limit);
	if (at < ntok && !tok[at].quoted && !strcmp(tok[at].text, "warn")) {
		at++;
		if (parse_value(lc, tok, ntok, &at, unit, &r->limit, &r->warn) < 0)
			return -EINVAL;
		if (upper_bound(r->op) ? r->warn > r->limit : r->warn < r->limit)
			return bad(lc, "the warning level is past the limit (it must be %s it)",
				   upper_bound(r->op) ? "at or below" : "at or above");
	}
	if (at < ntok)
		return bad(lc, "unexpected '%s'", shown(tok[at].text, buf, sizeof(buf)));
	return 0;
}

static void rule_free(struct budget_rule *r)
{
	free(r->text);
	free(r->name);
}

void budget_release(struct budget *b)
{
	for (size_t i = 0; i < b->nrules; i++)
		rule_free(&b->rules[i]);
	free(b->rules);
	b->rules = NULL;
	b->nrules = 0;
}

int budget_parse(struct budget *b, const char *text, size_t len, char *why, size_t why_len)
{
	struct line_ctx lc = { 0, why, why_len };
	size_t pos = 0, alloc = 0;
	int rc = 0;

	memset(b, 0, sizeof(*b));
	if (len > BUDGET_MAX_BYTES) {
		snprintf(why, why_len, "larger than %d bytes", BUDGET_MAX_BYTES);
		return -EINVAL;
	}
	while (pos < len && rc == 0) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos, ntok = 0;
		struct token tok[MAX_TOKENS];
		struct budget_rule r = { 0 };

		pos += n + (nl ? 1 : 0);
		lc.line++;
		if (n > BUDGET_MAX_LINE) {
			rc = bad(&lc, "longer than %d characters", BUDGET_MAX_LINE);
			break;
		}
		if (memchr(line, '\0', n)) {
			rc = bad(&lc, "a NUL byte");
			break;
		}
		rc = tokenize(&lc, line, n, tok, &ntok);
		if (rc == 0 && ntok) {
			if (b->nrules == BUDGET_MAX_RULES) {
				rc = bad(&lc, "more than %d rules", BUDGET_MAX_RULES);
			} else {
				r.line = lc.line;
				rc = parse_rule(&lc, tok, ntok, &r);
			}
			if (rc == 0) {
				const char *end = line + n, *start = line;
				const char *hash = NULL;
				bool q = false;

				/* The text as written: up to a '#' outside quotes, trimmed. */
				for (const char *c = line; c < end && !hash; c++) {
					if (*c == '"' && (c == line || c[-1] != '\\'))
						q = !q;
					else if (*c == '#' && !q)
						hash = c;
				}
				if (hash)
					end = hash;
				while (start < end && blank(*start))
					start++;
				while (end > start && blank(end[-1]))
					end--;
				r.text = xmalloc((size_t)(end - start) + 1);
				memcpy(r.text, start, (size_t)(end - start));
				r.text[end - start] = '\0';
				if (b->nrules == alloc) {
					alloc = alloc ? alloc * 2 : 8;
					b->rules = xreallocarray(b->rules, alloc,
								 sizeof(*b->rules));
				}
				b->rules[b->nrules++] = r;
			} else {
				rule_free(&r);
			}
		}
		for (size_t i = 0; i < ntok; i++)
			free(tok[i].text);
	}
	if (rc)
		budget_release(b);
	return rc;
}

int budget_load(struct budget *b, const char *path, char *why, size_t why_len)
{
	char inner[256];
	char *buf;
	ssize_t got;
	size_t len = 0;
	int fd, rc, err;

	memset(b, 0, sizeof(*b));
	/* A FIFO or device is refused without waiting at the open. */
	fd = infile_open(path, inner, sizeof(inner));
	if (fd < 0) {
		snprintf(why, why_len, "cannot read budget '%s': %s", path, inner);
		return fd;
	}
	buf = xmalloc(BUDGET_MAX_BYTES + 1);
	while ((got = read(fd, buf + len, BUDGET_MAX_BYTES + 1 - len)) > 0) {
		len += (size_t)got;
		if (len > BUDGET_MAX_BYTES)
			break;
	}
	err = got < 0 ? errno : 0;
	close(fd);
	if (err) {
		free(buf);
		snprintf(why, why_len, "cannot read budget '%s': %s", path, strerror(err));
		return -err;
	}
	rc = budget_parse(b, buf, len, inner, sizeof(inner));
	free(buf);
	if (rc)
		snprintf(why, why_len, "budget '%s': %s", path, inner);
	return rc;
}

/* ---- canonical form ------------------------------------------------------------- */

static bool needs_quotes(const char *s)
{
	if (!*s || *s == '<' || *s == '>')
		return true;
	for (; *s; s++)
		if (blank(*s) || *s == '#' || *s == '"' || *s == '\\')
			return true;
	return false;
}

int budget_rule_format(const struct budget_rule *r, char *out, size_t len)
{
	const char *base = units[metrics[r->metric].unit].base;
	size_t o = 0;
	int n;

#define PUT(...)                                                                      \
	do {                                                                          \
		n = snprintf(out + (o < len ? o : len), o < len ? len - o : 0, __VA_ARGS__); \
		if (n < 0)                                                            \
			return n;                                                     \
		o += (size_t)n;                                                       \
	} while (0)
	PUT("%s", subjects[r->subject].word);
	if (r->name) {
		if (needs_quotes(r->name)) {
			PUT(" \"");
			for (const char *c = r->name; *c; c++)
				PUT("%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
			PUT("\"");
		} else {
			PUT(" %s", r->name);
		}
	}
	PUT(" %s %s %.17g%s warn %.17g%s", metrics[r->metric].word, op_text[r->op], r->limit,
	    base, r->warn, base);
#undef PUT
	return (int)o;
}

/* ---- judging -------------------------------------------------------------------- */

static uint32_t find(const struct intern *names, const char *name)
{
	return intern_find(names, name, strlen(name));
}

/* Whether function name f is what a rule names: the same, or, when the rule
 * gives no parameter list, the same up to f's ("work::checksum" names
 * "work::checksum(std::string const&)" and its "[clone .cold]"). */
static bool function_named(const char *f, const char *rule)
{
	size_t n = strlen(rule);

	if (strncmp(f, rule, n))
		return false;
	return !f[n] || (f[n] == '(' && !strchr(rule, '('));
}

/* Whether the profile has what rule r names: its zone or counter, or (once
 * there are samples) a function of that name in some module. cpu and rss
 * rules name nothing. */
static bool named_in(const struct budget_rule *r, const struct profile *p)
{
	if (!p || !r->name)
		return true;
	switch (r->subject) {
	case BS_ZONE:
		return find(&p->zone_names, r->name) != UINT32_MAX;
	case BS_COUNTER:
		return find(&p->counter_names, r->name) != UINT32_MAX;
	case BS_FUNCTION:
		if (!p->samples)
			return true;
		for (size_t i = 0; i < profile_func_count(p); i++)
			if (function_named(p->funcs[i].name, r->name))
				return true;
		return false;
	default:
		return true;
	}
}

/* Measures rule r; returns false when there is nothing to measure. */
static bool measure(const struct budget_rule *r, const struct profile *p,
		    const struct process *proc, double *v)
{
	switch (r->subject) {
	case BS_ZONE: {
		struct zone_figures z;
		uint32_t id;

		if (!p)
			return false;
		id = find(&p->zone_names, r->name);
		if (id != UINT32_MAX)
			figures_zone(p, id, &z);
		else
			memset(&z, 0, sizeof(z));
		if (r->metric == BM_ZONE_COUNT) {
			*v = (double)z.count;
			return true;
		}
		if (r->metric == BM_ZONE_RATE) {
			*v = z.rate_per_s;
			return true;
		}
		if (!z.count)
			return false;
		switch (r->metric) {
		case BM_ZONE_MEAN: *v = z.mean_ns; break;
		case BM_ZONE_MIN: *v = z.min_ns; break;
		case BM_ZONE_MAX: *v = z.max_ns; break;
		case BM_ZONE_P50: *v = z.p50_ns; break;
		case BM_ZONE_P90: *v = z.p90_ns; break;
		case BM_ZONE_P95: *v = z.p95_ns; break;
		case BM_ZONE_P99: *v = z.p99_ns; break;
		case BM_ZONE_P999: *v = z.p999_ns; break;
		default: *v = z.total_ns; break;
		}
		return true;
	}
	case BS_COUNTER: {
		struct counter_figures c;
		uint32_t id;

		if (!p)
			return false;
		id = find(&p->counter_names, r->name);
		if (id != UINT32_MAX)
			figures_counter(p, id, &c);
		else
			memset(&c, 0, sizeof(c));
		if (r->metric == BM_COUNTER_RATE) {
			if (c.gauge)
				return false;
			*v = c.rate_avg;
		} else {
			*v = c.total;
		}
		return true;
	}
	case BS_FUNCTION: {
		uint64_t n = 0;

		if (!p || !p->samples)
			return false;
		for (size_t i = 0; i < profile_func_count(p); i++)
			if (function_named(p->funcs[i].name, r->name))
				n += r->metric == BM_FUNCTION_SELF ? p->funcs[i].self
								   : p->funcs[i].total;
		*v = 100.0 * (double)n / (double)p->samples;
		if (*v > 100)
			*v = 100; /* one name in several modules on one stack */
		return true;
	}
	case BS_CPU:
	case BS_RSS: {
		struct process_figures pf;

		figures_process(proc, &pf);
		switch (r->metric) {
		case BM_CPU_AVG: *v = pf.cpu_avg; return pf.have_cpu;
		case BM_CPU_MAX: *v = pf.cpu_max; return pf.have_cpu;
		case BM_RSS_START: *v = pf.rss_start; return pf.have_rss;
		case BM_RSS_END: *v = pf.rss_end; return pf.have_rss;
		case BM_RSS_GROWTH: *v = pf.rss_growth; return pf.have_rss;
		default: *v = pf.rss_max; return pf.have_rss;
		}
	}
	default:
		return false;
	}
}

static bool holds(enum budget_op op, double v, double limit)
{
	switch (op) {
	case BO_LT: return v < limit;
	case BO_LE: return v <= limit;
	case BO_GT: return v > limit;
	default: return v >= limit;
	}
}

/* A value in unit u as the report writes it ("12.3 ms"). */
static void unit_text(char *out, size_t len, enum budget_unit u, double v)
{
	static const enum fmt_kind kinds[] = {
		[BU_TIME] = FMT_NS, [BU_BYTES] = FMT_BYTES, [BU_PCT] = FMT_PCT,
		[BU_RATE] = FMT_RATE, [BU_COUNT] = FMT_NUM,
	};

	fmt_value(out, len, kinds[u], FMT_REPORT, v);
}

enum budget_status budget_judge(const struct budget *b, const struct profile *p,
				const struct process *proc, struct budget_result *out)
{
	if (!p && proc)
		p = proc->profile;
	for (size_t i = 0; i < b->nrules; i++) {
		const struct budget_rule *r = &b->rules[i];
		struct budget_result *res = &out[i];
		enum budget_unit u = metrics[r->metric].unit;

		memset(res, 0, sizeof(*res));
		unit_text(res->limit_text, sizeof(res->limit_text), u, r->limit);
		unit_text(res->warn_text, sizeof(res->warn_text), u, r->warn);
		if (!named_in(r, p)) {
			/* A misspelt or renamed subject must not pass unnoticed. */
			res->status = BUDGET_FAIL;
			res->missing = true;
			snprintf(res->value_text, sizeof(res->value_text), "not in the profile");
			continue;
		}
		res->have = measure(r, p, proc, &res->value);
		if (!res->have) {
			res->status = BUDGET_NODATA;
			snprintf(res->value_text, sizeof(res->value_text), "-");
			continue;
		}
		unit_text(res->value_text, sizeof(res->value_text), u, res->value);
		if (!holds(r->op, res->value, r->limit))
			res->status = BUDGET_FAIL;
		else if (upper_bound(r->op) ? r->warn < r->limit && res->value >= r->warn
					    : r->warn > r->limit && res->value <= r->warn)
			res->status = BUDGET_WARN;
		else
			res->status = BUDGET_PASS;
	}
	return budget_worst(b, out);
}

enum budget_status budget_worst(const struct budget *b, const struct budget_result *res)
{
	enum budget_status w = BUDGET_PASS;

	for (size_t i = 0; i < b->nrules; i++)
		if (res[i].status > w)
			w = res[i].status;
	return w;
}
