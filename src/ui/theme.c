/*
 * theme — the built-in dark default, the theme file parser and the loader.
 *
 * Pure: no curses here (theme_curses.c maps a parsed theme onto the terminal),
 * so all of it can be unit-tested and fuzzed. The parser reads a (pointer,
 * length) span that need not be NUL-terminated, never reads outside it, and
 * refuses input past THEME_MAX_FILE / THEME_MAX_LINE. The format is in
 * docs/themes.md.
 */
#include "ui/theme.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/infile.h"
#include "util/xalloc.h"

/* Where `make install` puts the themes when the binary's own prefix fails. */
#ifndef PERFTOP_DATADIR
#define PERFTOP_DATADIR "/usr/local/share"
#endif

enum {
	THEME_QUOTE_MAX = 40,  /* bytes of a bad token quoted in a message */
	THEME_ENV_DIRS_MAX = 8 /* directories taken from $PERFTOP_THEMES */
};

static const char *const element_names[TE_COUNT] = {
#define X(id, name) [TE_##id] = name,
	THEME_ELEMENTS(X)
#undef X
};

const char *theme_element_name(enum theme_element e)
{
	if ((int)e < 0 || e >= TE_COUNT)
		return "?";
	return element_names[e];
}

/* ---- the built-in default ------------------------------------------------ */

#define DEF -1
#define STYLE(f, b, a) { (f), (b), (a) }

/* A btop/htop-like dark palette; themes/dark.theme says the same in text. */
static const struct theme_style dark_styles[TE_COUNT] = {
	[TE_DEFAULT] = STYLE(DEF, DEF, 0),
	[TE_HEADER] = STYLE(252, DEF, 0),
	[TE_HEADER_LABEL] = STYLE(75, DEF, THEME_BOLD),
	[TE_METER_LOW] = STYLE(78, DEF, 0),
	[TE_METER_MID] = STYLE(221, DEF, 0),
	[TE_METER_HIGH] = STYLE(203, DEF, THEME_BOLD),
	[TE_METER_EMPTY] = STYLE(238, DEF, 0),
	[TE_TITLE] = STYLE(255, DEF, THEME_BOLD),
	[TE_TAB_ACTIVE] = STYLE(16, 75, THEME_BOLD),
	[TE_TAB_INACTIVE] = STYLE(248, 236, 0),
	[TE_COLUMN_HEADER] = STYLE(253, 237, THEME_BOLD),
	[TE_COLUMN_SORTED] = STYLE(16, 114, THEME_BOLD),
	[TE_ROW] = STYLE(DEF, DEF, 0),
	[TE_ROW_SELECTED] = STYLE(231, 24, THEME_BOLD),
	[TE_ROW_EXITED] = STYLE(167, DEF, 0),
	[TE_ROW_DIM] = STYLE(243, DEF, 0),
	[TE_SPARKLINE] = STYLE(79, DEF, 0),
	[TE_CHART_CPU] = STYLE(78, DEF, 0),
	[TE_CHART_MEM] = STYLE(111, DEF, 0),
	[TE_CHART_AXIS] = STYLE(242, DEF, 0),
	[TE_STATUS] = STYLE(250, 235, 0),
	[TE_STATUS_WARN] = STYLE(221, 235, THEME_BOLD),
	[TE_STATUS_ERROR] = STYLE(231, 124, THEME_BOLD),
	[TE_FILTER] = STYLE(16, 221, 0),
	[TE_MATCH] = STYLE(214, DEF, THEME_BOLD | THEME_UNDERLINE),
	[TE_HELP_KEY] = STYLE(75, DEF, THEME_BOLD),
	[TE_HELP_TEXT] = STYLE(DEF, DEF, 0),
	[TE_GOOD] = STYLE(78, DEF, 0),
	[TE_WARN] = STYLE(221, DEF, 0),
	[TE_BAD] = STYLE(203, DEF, THEME_BOLD),
	[TE_FLAME_A] = STYLE(16, 209, 0),
	[TE_FLAME_B] = STYLE(16, 215, 0),
	[TE_FLAME_C] = STYLE(16, 180, 0),
	[TE_FLAME_D] = STYLE(16, 222, 0),
	[TE_FLAME_MATCH] = STYLE(231, 127, THEME_BOLD),
};

#undef STYLE
#undef DEF

void theme_default(struct theme *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "dark");
	memcpy(t->style, dark_styles, sizeof(t->style));
}

/* ---- colours ---------------------------------------------------------------- */

static const char *const colour_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* xterm's RGB for the 16 basic colours (terminals vary; this is the usual). */
static const unsigned char basic_rgb[16][3] = {
	{ 0, 0, 0 },       { 205, 0, 0 },     { 0, 205, 0 },     { 205, 205, 0 },
	{ 0, 0, 238 },     { 205, 0, 205 },   { 0, 205, 205 },   { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 },     { 0, 255, 0 },     { 255, 255, 0 },
	{ 92, 92, 255 },   { 255, 0, 255 },   { 0, 255, 255 },   { 255, 255, 255 },
};

static const int cube_levels[6] = { 0, 95, 135, 175, 215, 255 };

static void index_rgb(int idx, int rgb[3])
{
	if (idx < 16) {
		for (int i = 0; i < 3; i++)
			rgb[i] = basic_rgb[idx][i];
	} else if (idx < 232) {
		idx -= 16;
		rgb[0] = cube_levels[idx / 36];
		rgb[1] = cube_levels[idx / 6 % 6];
		rgb[2] = cube_levels[idx % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (idx - 232);
	}
}

/* The nearest of the colour cube's six levels to v (0..255). */
static int cube_level(int v)
{
	if (v < 48)
		return 0;
	if (v < 115)
		return 1;
	return (v - 35) / 40;
}

static int dist2(const int a[3], const int b[3])
{
	int d = 0;

	for (int i = 0; i < 3; i++)
		d += (a[i] - b[i]) * (a[i] - b[i]);
	return d;
}

/* The nearest xterm-256 entry to an RGB colour: the best of the 6x6x6 cube
 * and the 24-step grey ramp (16..255). The 16 basic colours are skipped, as
 * terminals are free to change them. */
static short rgb_to_256(int r, int g, int b)
{
	int want[3] = { r, g, b };
	int cr = cube_level(r), cg = cube_level(g), cb = cube_level(b);
	int cube[3] = { cube_levels[cr], cube_levels[cg], cube_levels[cb] };
	int k = ((r + g + b) / 3 - 8 + 5) / 10;
	int grey[3];

	if (k < 0)
		k = 0;
	if (k > 23)
		k = 23;
	grey[0] = grey[1] = grey[2] = 8 + 10 * k;
	if (dist2(want, grey) < dist2(want, cube))
		return (short)(232 + k);
	return (short)(16 + 36 * cr + 6 * cg + cb);
}

short theme_fold8(short colour, bool *bright)
{
	int rgb[3], max, min, bits = 0;

	*bright = false;
	if (colour < 0 || colour > 255)
		return -1;
	if (colour < 16) {
		*bright = colour >= 8;
		return colour & 7;
	}
	index_rgb(colour, rgb);
	max = min = rgb[0];
	for (int i = 1; i < 3; i++) {
		if (rgb[i] > max)
			max = rgb[i];
		if (rgb[i] < min)
			min = rgb[i];
	}
	if (max - min < 48) { /* a grey: black, dark grey, light grey, white */
		if (max < 64)
			return 0;
		*bright = max < 160 || max >= 224;
		return max < 160 ? 0 : 7;
	}
	/* A hue: the channels in the upper half of the colour's range. */
	for (int i = 0; i < 3; i++) {
		if (2 * rgb[i] >= max + min)
			bits |= 1 << i;
	}
	*bright = max == 255 || (max >= 215 && min >= 80);
	return (short)bits;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- spans of the input ------------------------------------------------------ */

struct span {
	const char *p;
	size_t n;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct span span_trim(struct span s)
{
	while (s.n && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

/* Case-insensitive comparison of s with the NUL-terminated word. */
static bool span_is(struct span s, const char *word)
{
	size_t wn = strlen(word);

	if (s.n != wn)
		return false;
	for (size_t i = 0; i < wn; i++) {
		if (tolower((unsigned char)s.p[i]) != tolower((unsigned char)word[i]))
			return false;
	}
	return true;
}

/* Takes the next blank-separated word off *rest; an empty span at the end. */
static struct span span_word(struct span *rest)
{
	struct span w;

	*rest = span_trim(*rest);
	w.p = rest->p;
	w.n = 0;
	while (w.n < rest->n && !is_blank(rest->p[w.n]))
		w.n++;
	rest->p += w.n;
	rest->n -= w.n;
	return w;
}

/* Copies s into out (THEME_QUOTE_MAX + 4 bytes) for a message: unprintable
 * bytes become '?', a long token is cut with "...". */
static void span_quote(struct span s, char *out)
{
	size_t n = s.n < THEME_QUOTE_MAX ? s.n : THEME_QUOTE_MAX;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (s.n > n) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

/* ---- the parser ----------------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned bit;
} attr_names[] = {
	{ "bold", THEME_BOLD },   { "reverse", THEME_REVERSE }, { "underline", THEME_UNDERLINE },
	{ "dim", THEME_DIM },     { "italic", THEME_ITALIC },
};

struct parser {
	struct theme t;
	int set_on[TE_COUNT]; /* the line that set each element, 0 if none did */
	int name_on;          /* the line that set the name, 0 if none did */
	int line;
	char *err;
	size_t err_len;
};

static int parser_fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes "line N: <message>" into the error buffer; returns -EINVAL. */
static int parser_fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->err_len)
		return -EINVAL;
	n = snprintf(p->err, p->err_len, "line %d: ", p->line);
	if (n >= 0 && (size_t)n < p->err_len) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->err_len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool parse_attr(struct span w, unsigned *bits)
{
	for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
		if (span_is(w, attr_names[i].name)) {
			*bits |= attr_names[i].bit;
			return true;
		}
	}
	return false;
}

/* A colour word: default, a name, bright-NAME, 0..255 or #rrggbb. */
static bool parse_colour(struct span w, short *out)
{
	static const char bright[] = "bright-";
	size_t bn = sizeof(bright) - 1;
	int v = 0;

	if (span_is(w, "default")) {
		*out = -1;
		return true;
	}
	for (int i = 0; i < 8; i++) {
		if (span_is(w, colour_names[i])) {
			*out = (short)i;
			return true;
		}
		if (w.n > bn && span_is((struct span){ w.p, bn }, bright) &&
		    span_is((struct span){ w.p + bn, w.n - bn }, colour_names[i])) {
			*out = (short)(i + 8);
			return true;
		}
	}
	if (w.n >= 1 && w.n <= 3 && isdigit((unsigned char)w.p[0])) {
		for (size_t i = 0; i < w.n; i++) {
			if (!isdigit((unsigned char)w.p[i]))
				return false;
			v = v * 10 + (w.p[i] - '0');
		}
		if (v > 255)
			return false;
		*out = (short)v;
		return true;
	}
	if (w.n == 7 && w.p[0] == '#') {
		int rgb[3];

		for (int i = 0; i < 3; i++) {
			int hi = hexval(w.p[1 + 2 * i]), lo = hexval(w.p[2 + 2 * i]);

			if (hi < 0 || lo < 0)
				return false;
			rgb[i] = hi * 16 + lo;
		}
		*out = rgb_to_256(rgb[0], rgb[1], rgb[2]);
		return true;
	}
	return false;
}

static int parse_bad_colour(struct parser *p, struct span w)
{
	char q[THEME_QUOTE_MAX + 4];

	span_quote(w, q);
	return parser_fail(p, "bad colour '%s'", q);
}

/* Attribute words, blank-separated, from one comma-separated item. */
static int parse_attrs(struct parser *p, struct span item, unsigned *bits)
{
	char q[THEME_QUOTE_MAX + 4];
	struct span w;
	short c;

	while ((w = span_word(&item)).n) {
		if (parse_attr(w, bits))
			continue;
		span_quote(w, q);
		if (parse_colour(w, &c))
			return parser_fail(p, "colour '%s' must come before the attributes", q);
		return parser_fail(p, "unknown attribute '%s'", q);
	}
	return 0;
}

/* The first item of a style: "FG", "FG on BG", "on BG", or attributes. */
static int parse_colours(struct parser *p, struct span item, struct theme_style *st)
{
	char q[THEME_QUOTE_MAX + 4];
	struct span rest = item, w = span_word(&rest);
	unsigned bits = 0;

	if (!span_is(w, "on")) {
		if (parse_attr(w, &bits))
			return parse_attrs(p, item, &st->attrs);
		if (!parse_colour(w, &st->fg))
			return parse_bad_colour(p, w);
		w = span_word(&rest);
		if (!w.n)
			return 0;
		span_quote(w, q);
		if (parse_attr(w, &bits))
			return parser_fail(p, "expected ',' before '%s'", q);
		if (!span_is(w, "on"))
			return parser_fail(p, "expected 'on' or ',' after the colour, got '%s'", q);
	}
	w = span_word(&rest);
	if (!w.n)
		return parser_fail(p, "missing colour after 'on'");
	if (!parse_colour(w, &st->bg))
		return parse_bad_colour(p, w);
	w = span_word(&rest);
	if (w.n) {
		span_quote(w, q);
		return parser_fail(p, "expected ',' before '%s'", q);
	}
	return 0;
}

/* "colours [, attrs]..." into a whole style (unnamed parts are the defaults). */
static int parse_style(struct parser *p, struct span value, struct theme_style *st)
{
	bool first = true;
	int rc;

	st->fg = st->bg = -1;
	st->attrs = 0;
	for (;;) {
		const char *comma = memchr(value.p, ',', value.n);
		struct span item = { value.p, comma ? (size_t)(comma - value.p) : value.n };

		item = span_trim(item);
		if (!item.n)
			return parser_fail(p, "empty item in the style (stray ',')");
		rc = first ? parse_colours(p, item, st) : parse_attrs(p, item, &st->attrs);
		if (rc)
			return rc;
		first = false;
		if (!comma)
			return 0;
		value.n -= (size_t)(comma + 1 - value.p);
		value.p = comma + 1;
	}
}

static int parse_name(struct parser *p, struct span value)
{
	if (p->name_on)
		return parser_fail(p, "'name' is already set on line %d", p->name_on);
	if (!value.n)
		return parser_fail(p, "empty name");
	if (value.n >= sizeof(p->t.name))
		return parser_fail(p, "name longer than %zu bytes", sizeof(p->t.name) - 1);
	memcpy(p->t.name, value.p, value.n);
	p->t.name[value.n] = '\0';
	p->name_on = p->line;
	return 0;
}

/* One line, without its newline: a comment, blank, or "key = value". */
static int parse_line(struct parser *p, struct span s)
{
	char q[THEME_QUOTE_MAX + 4];
	struct span key, value;
	const char *eq;
	size_t i;

	for (i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return parser_fail(p, "control character 0x%02x", c);
	}
	/* Comments: a line starting with '#', or " # ..." (so #rrggbb is a colour).
	 * "=# ..." counts as " # ...", so blanks around '=' never change a line. */
	s = span_trim(s);
	for (i = 0; i < s.n; i++) {
		if (s.p[i] != '#')
			continue;
		if (i == 0 || ((is_blank(s.p[i - 1]) || s.p[i - 1] == '=') &&
			       (i + 1 == s.n || is_blank(s.p[i + 1])))) {
			s.n = i;
			break;
		}
	}
	s = span_trim(s);
	if (!s.n)
		return 0;

	eq = memchr(s.p, '=', s.n);
	if (!eq) {
		span_quote(s, q);
		return parser_fail(p, "expected 'element = style', got '%s'", q);
	}
	key = span_trim((struct span){ s.p, (size_t)(eq - s.p) });
	value = span_trim((struct span){ eq + 1, s.n - (size_t)(eq + 1 - s.p) });
	if (!key.n)
		return parser_fail(p, "missing element name before '='");
	if (span_is(key, "name"))
		return parse_name(p, value);

	for (int e = 0; e < TE_COUNT; e++) {
		if (!span_is(key, element_names[e]))
			continue;
		if (p->set_on[e])
			return parser_fail(p, "'%s' is already set on line %d", element_names[e],
					   p->set_on[e]);
		if (!value.n)
			return parser_fail(p, "no style for '%s'", element_names[e]);
		p->set_on[e] = p->line;
		return parse_style(p, value, &p->t.style[e]);
	}
	span_quote(key, q);
	return parser_fail(p, "unknown element '%s'", q);
}

int theme_parse(struct theme *t, const char *text, size_t len, char *err, size_t err_len)
{
	struct parser *p = xcalloc(1, sizeof(*p));
	size_t pos = 0;
	int any = 0, rc = 0;

	theme_default(&p->t);
	p->t.name[0] = '\0';
	p->err = err;
	p->err_len = err_len;
	if (err && err_len)
		err[0] = '\0';

	if (len > THEME_MAX_FILE) {
		if (err && err_len)
			snprintf(err, err_len, "too large (%zu bytes, limit %d)", len,
				 THEME_MAX_FILE);
		rc = -EFBIG;
		goto out;
	}
	while (pos < len) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;

		pos += n + (nl ? 1 : 0);
		p->line++;
		if (n && start[n - 1] == '\r')
			n--;
		if (n > THEME_MAX_LINE) {
			rc = parser_fail(p, "line too long (more than %d bytes)", THEME_MAX_LINE);
			goto out;
		}
		rc = parse_line(p, (struct span){ start, n });
		if (rc)
			goto out;
	}
	for (int e = 0; e < TE_COUNT; e++)
		any |= p->set_on[e];
	if (!any && !p->name_on) {
		if (err && err_len)
			snprintf(err, err_len, "empty theme: no 'element = style' line");
		rc = -EINVAL;
	}
out:
	if (rc)
		theme_default(t);
	else
		*t = p->t;
	free(p);
	return rc;
}

/* ---- the loader ------------------------------------------------------------------- */

static void set_err(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

/* Reads a whole theme file into a new buffer (*len bytes). Returns 0, or a
 * negative errno (-EFBIG past THEME_MAX_FILE; a file that is not a regular
 * one or cannot be opened: the reason in why). */
static int read_theme_file(const char *path, char **out, size_t *len, char *why, size_t why_len)
{
	char *buf;
	size_t have = 0;
	int fd, rc = 0;

	/* A FIFO or device is refused without waiting at the open. */
	fd = infile_open(path, why, why_len);
	if (fd < 0)
		return fd;
	buf = xmalloc(THEME_MAX_FILE + 1);
	for (;;) {
		ssize_t n = read(fd, buf + have, THEME_MAX_FILE + 1 - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if (have > THEME_MAX_FILE) {
			rc = -EFBIG;
			break;
		}
	}
	close(fd);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*len = have;
	return 0;
}

/* Loads one file; a theme without a name line is named after the file. */
static int load_path(struct theme *t, const char *path, char *err, size_t err_len)
{
	char why[256] = "";
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = read_theme_file(path, &text, &len, why, sizeof(why));
	if (rc == -EFBIG) {
		set_err(err, err_len, "cannot open theme '%s': larger than %d bytes", path,
			THEME_MAX_FILE);
		return rc;
	}
	if (rc) {
		set_err(err, err_len, "cannot open theme '%s': %s", path,
			why[0] ? why : strerror(-rc));
		return rc;
	}
	rc = theme_parse(t, text, len, why, sizeof(why));
	free(text);
	if (rc) {
		set_err(err, err_len, "theme '%s': %s", path, why);
		return rc;
	}
	if (!t->name[0]) {
		const char *base = strrchr(path, '/');
		size_t n;

		base = base ? base + 1 : path;
		n = strlen(base);
		if (n > 6 && !strcmp(base + n - 6, ".theme"))
			n -= 6;
		if (n >= sizeof(t->name))
			n = sizeof(t->name) - 1;
		memcpy(t->name, base, n);
		t->name[n] = '\0';
	}
	return 0;
}

/* A theme name (not a path): letters, digits, '.', '_' and '-', not hidden. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64 || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	}
	return true;
}

/* The running binary's directory into out (resolved: a link to the binary
 * counts where the binary is). */
static bool exe_dir(char *out, size_t len)
{
	const char *exe = (const char *)getauxval(AT_EXECFN);
	char *real, *slash;
	int n;

	if (!exe || !(real = realpath(exe, NULL)))
		return false;
	slash = strrchr(real, '/');
	if (slash)
		*slash = '\0';
	n = snprintf(out, len, "%s", real);
	free(real);
	return n > 0 && (size_t)n < len;
}

int theme_load(struct theme *t, const char *name_or_path, char *err, size_t err_len)
{
	char (*dirs)[PATH_MAX], path[PATH_MAX + 80], looked[1024], bin[PATH_MAX];
	const char *env = getenv("PERFTOP_THEMES");
	size_t ndirs = 0, used = 0;
	size_t n;
	int rc = -ENOENT;

	theme_default(t);
	if (err && err_len)
		err[0] = '\0';
	if (!name_or_path || !*name_or_path)
		return 0;
	n = strlen(name_or_path);
	if (strchr(name_or_path, '/') || (n >= 6 && !strcmp(name_or_path + n - 6, ".theme")))
		return load_path(t, name_or_path, err, err_len);
	if (!valid_name(name_or_path)) {
		set_err(err, err_len, "cannot open theme '%.64s': not a theme name or path",
			name_or_path);
		return -EINVAL;
	}

	dirs = xcalloc(THEME_ENV_DIRS_MAX + 5, sizeof(*dirs));
	/* The search order of theme.h: $PERFTOP_THEMES (a ':' list), ./themes,
	 * next to the binary (BIN/themes; BIN/../themes for a build directory in
	 * the source tree; BIN/../share/perftop/themes for an installed or
	 * relocated prefix), then the install prefix. */
	while (env && *env && ndirs < THEME_ENV_DIRS_MAX) {
		const char *end = strchrnul(env, ':');
		size_t dn = (size_t)(end - env);

		if (dn && dn < PATH_MAX) {
			memcpy(dirs[ndirs], env, dn);
			dirs[ndirs++][dn] = '\0';
		}
		env = *end ? end + 1 : end;
	}
	snprintf(dirs[ndirs++], PATH_MAX, "themes");
	if (exe_dir(bin, sizeof(bin))) {
		snprintf(dirs[ndirs++], PATH_MAX, "%.*s/themes", PATH_MAX - 32, bin);
		snprintf(dirs[ndirs++], PATH_MAX, "%.*s/../themes", PATH_MAX - 32, bin);
		snprintf(dirs[ndirs++], PATH_MAX, "%.*s/../share/perftop/themes", PATH_MAX - 32,
			 bin);
	}
	snprintf(dirs[ndirs++], PATH_MAX, "%s/perftop/themes", PERFTOP_DATADIR);

	looked[0] = '\0';
	for (size_t i = 0; i < ndirs; i++) {
		struct stat st;
		int w;

		w = snprintf(path, sizeof(path), "%s/%s.theme", dirs[i], name_or_path);
		if (w < 0 || (size_t)w >= sizeof(path))
			continue;
		/* Found, or there but unreadable: load_path() loads it or says why. */
		if (stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR)) {
			rc = load_path(t, path, err, err_len);
			goto out;
		}
		w = snprintf(looked + used, sizeof(looked) - used, "%s%s", used ? ", " : "",
			     dirs[i]);
		if (w > 0 && used + (size_t)w < sizeof(looked))
			used += (size_t)w;
	}
	if (!strcmp(name_or_path, "dark") || !strcmp(name_or_path, "default"))
		rc = 0; /* the built-in default needs no file */
	else
		set_err(err, err_len, "cannot open theme '%s': no %s.theme in %s", name_or_path,
			name_or_path, looked);
out:
	free(dirs);
	return rc;
}
