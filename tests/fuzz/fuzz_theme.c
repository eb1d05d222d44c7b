/*
 * fuzz_theme — libFuzzer entry point for the theme file parser
 * (src/ui/theme.c, format in docs/themes.md).
 *
 * Each input is parsed as a theme. A refused one must say why ("line N: ...",
 * "empty theme: ..." or "too large ...") and leave the built-in default. An
 * accepted one must hold colours in -1..255, known attribute bits and a
 * NUL-terminated name, and must come back the same through its canonical
 * text: every element written as "name = FG on BG, attr, ..." is parsed
 * again and must give the same theme. Every colour is also folded to the
 * 8 basic ones. Any disagreement aborts. Built with clang -fsanitize=fuzzer
 * by `make fuzz`; tests/fuzz/replay.c runs it over tests/fuzz/corpus/theme/
 * in `make test`.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	ALL_ATTRS = THEME_BOLD | THEME_REVERSE | THEME_UNDERLINE | THEME_DIM | THEME_ITALIC,
	CANON_MAX = TE_COUNT * 96 + 128, /* canonical text: one short line an element */
};

static const struct {
	unsigned bit;
	const char *name;
} attr_words[] = {
	{ THEME_BOLD, "bold" },	  { THEME_REVERSE, "reverse" }, { THEME_UNDERLINE, "underline" },
	{ THEME_DIM, "dim" },	  { THEME_ITALIC, "italic" },
};

static bool same_theme(const struct theme *a, const struct theme *b)
{
	if (strcmp(a->name, b->name))
		return false;
	for (int e = 0; e < TE_COUNT; e++) {
		if (a->style[e].fg != b->style[e].fg || a->style[e].bg != b->style[e].bg ||
		    a->style[e].attrs != b->style[e].attrs)
			return false;
	}
	return true;
}

static void check_colour(short c)
{
	bool bright;
	short f;

	if (c < -1 || c > 255)
		abort();
	f = theme_fold8(c, &bright);
	if (f < -1 || f > 7 || (c == -1 && f != -1))
		abort();
}

static void check_valid(const struct theme *t)
{
	if (!memchr(t->name, '\0', sizeof(t->name)))
		abort();
	for (int e = 0; e < TE_COUNT; e++) {
		check_colour(t->style[e].fg);
		check_colour(t->style[e].bg);
		if (t->style[e].attrs & ~(unsigned)ALL_ATTRS)
			abort();
	}
}

/* Appends one colour word: "default" or the 0..255 index. */
static size_t put_colour(char *out, size_t at, short c)
{
	if (c < 0)
		return at + (size_t)sprintf(out + at, "default");
	return at + (size_t)sprintf(out + at, "%d", c);
}

/* The theme as text the parser must read back to the same theme. */
static size_t canonical(const struct theme *t, char *out)
{
	size_t at = 0;

	if (t->name[0])
		at += (size_t)sprintf(out + at, "name = %s\n", t->name);
	for (int e = 0; e < TE_COUNT; e++) {
		const struct theme_style *s = &t->style[e];

		at += (size_t)sprintf(out + at, "%s = ", theme_element_name((enum theme_element)e));
		at = put_colour(out, at, s->fg);
		at += (size_t)sprintf(out + at, " on ");
		at = put_colour(out, at, s->bg);
		for (size_t i = 0; i < sizeof(attr_words) / sizeof(attr_words[0]); i++) {
			if (s->attrs & attr_words[i].bit)
				at += (size_t)sprintf(out + at, ", %s", attr_words[i].name);
		}
		out[at++] = '\n';
	}
	return at;
}

static void check_refused(int rc, const struct theme *t, const char *why)
{
	struct theme def;

	if (rc != -EINVAL && rc != -EFBIG)
		abort();
	if (strncmp(why, "line ", 5) && strncmp(why, "empty theme", 11) &&
	    strncmp(why, "too large", 9)) {
		fprintf(stderr, "refusal without a reason: '%s'\n", why);
		abort();
	}
	theme_default(&def);
	if (!same_theme(t, &def))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[CANON_MAX];
	struct theme t, again;
	char why[256], why2[256];
	size_t n;
	int rc;

	rc = theme_parse(&t, (const char *)data, size, why, sizeof(why));
	if (rc) {
		check_refused(rc, &t, why);
		return 0;
	}
	check_valid(&t);
	n = canonical(&t, text);
	if (n >= sizeof(text))
		abort();
	rc = theme_parse(&again, text, n, why2, sizeof(why2));
	if (rc) {
		fprintf(stderr, "canonical form refused: %s\n%.*s", why2, (int)n, text);
		abort();
	}
	if (!same_theme(&t, &again)) {
		fprintf(stderr, "canonical form differs:\n%.*s", (int)n, text);
		abort();
	}
	return 0;
}
