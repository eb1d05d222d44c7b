/* Unit tests for ui/diffview.c, perftop diff's screen, on the snapshots
 * tests/report/mksnap.c writes: with --slow (parse made 2x slower) parse
 * is the first row with a positive change in the bad colour; the Zones tab
 * puts parse's doubled p95 first; search selects; q quits. mksnap is found
 * next to this test binary (BUILD/helpers/mksnap, built by make test). */
#include <criterion/criterion.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/diff.h"
#include "snapshot/snapshot.h"
#include "ui/ui_internal.h"

static char dir[64];
static struct model base_m, new_m;
static struct diff d;
static struct diffview *v;
static struct lines out;

static void make_snapshot(const char *name, const char *flags)
{
	char exe[PATH_MAX], cmd[PATH_MAX * 2 + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	cr_assert_gt(n, 0);
	exe[n] = '\0';
	snprintf(cmd, sizeof(cmd), "'%s/../helpers/mksnap' '%s/%s' %s", dirname(exe), dir, name,
		 flags);
	cr_assert_eq(system(cmd), 0, "%s failed (is BUILD/helpers/mksnap built?)", cmd);
}

static const struct profile *load(struct model *m, const char *name)
{
	struct snapshot_meta meta;
	char path[128], why[512];
	struct process *p;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_eq(snapshot_load(m, path, &meta, why, sizeof(why)), 0, "%s", why);
	p = model_find(m, 4242);
	cr_assert(p && p->profile);
	return p->profile;
}

static void setup(void)
{
	const struct profile *b, *n;

	setlocale(LC_ALL, "C.UTF-8");
	lines_set_utf8(true);
	snprintf(dir, sizeof(dir), "/tmp/perftop-diffview-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	make_snapshot("base.ptsnap", "");
	make_snapshot("slow.ptsnap", "--slow");
	b = load(&base_m, "base.ptsnap");
	n = load(&new_m, "slow.ptsnap");
	diff_compute(&d, b, NULL, n, NULL);
	v = diffview__new(&d, "x/base.ptsnap", "x/slow.ptsnap", true);
	lines_init(&out);
}

static void teardown(void)
{
	char cmd[128];

	lines_release(&out);
	diffview__free(v);
	diff_release(&d);
	model_release(&base_m);
	model_release(&new_m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

/* The line of the table's column header, and so the first row after it. */
static size_t header_line(void)
{
	for (size_t i = 0; i < out.n; i++)
		if (strstr(out.v[i].text, "FUNCTION") || strstr(out.v[i].text, "ZONE"))
			return i;
	cr_assert_fail("no column header");
	return 0;
}

/* The element of the span that holds text in line i. */
static enum theme_element elem_of(size_t i, const char *text)
{
	const struct line *l = &out.v[i];
	const char *at = strstr(l->text, text);

	cr_assert_not_null(at, "'%s' not in '%s'", text, l->text);
	for (size_t s = 0; s < l->nspans; s++)
		if ((size_t)(at - l->text) >= l->spans[s].start &&
		    (size_t)(at - l->text) < l->spans[s].end)
			return l->spans[s].elem;
	return TE_COUNT;
}

TestSuite(diffview, .init = setup, .fini = teardown, .timeout = 30);

Test(diffview, the_slower_function_is_the_first_row)
{
	size_t h;
	double change, cpu;

	diffview__frame(v, &out, 120, 30);
	cr_assert_eq(out.n, 30);
	cr_assert(strstr(out.v[0].text, "BASE base.ptsnap  1,270 samples"), "%s", out.v[0].text);
	cr_assert(strstr(out.v[0].text, "NEW slow.ptsnap  1,670 samples"), "%s", out.v[0].text);
	cr_assert_null(strstr(out.v[1].text, "different programs"));
	h = header_line();
	cr_assert(strstr(out.v[h].text, "ΔSELF"));
	cr_assert(strstr(out.v[h].text, "CPU Δ%"));
	cr_assert(strstr(out.v[h].text, "BASE ms/s"));
	cr_assert(strstr(out.v[h].text, "NEW SELF%"));
	/* parse: its own CPU time doubled (400 -> 800 samples in the same
	 * 10 s at 99 Hz); 400/1270 = 31.5 % -> 800/1670 = 47.9 %: +16.4 points. */
	cr_assert_eq(sscanf(out.v[h + 1].text, " %lf %*s %*s %lf", &cpu, &change), 2, "%s",
		     out.v[h + 1].text);
	cr_assert(strstr(out.v[h + 1].text, " parse "), "%s", out.v[h + 1].text);
	cr_assert_float_eq(cpu, 100.0, 0.051);
	cr_assert_float_eq(change, 100.0 * 800 / 1670 - 100.0 * 400 / 1270, 0.051);
	cr_assert(strstr(out.v[h + 1].text, "+16.4"), "%s", out.v[h + 1].text);
	/* Selected rows are drawn selected: move down, then parse shows its colour. */
	diffview__key(v, UI_KEY_DOWN);
	diffview__frame(v, &out, 120, 30);
	cr_assert_eq(elem_of(h + 1, "+16.4"), TE_BAD);
	/* An improvement (hash lost share) is in the good colour. */
	for (size_t i = h + 2; i < out.n - 1; i++)
		if (strstr(out.v[i].text, " hash "))
			cr_assert_eq(elem_of(i, "-"), TE_GOOD, "%s", out.v[i].text);
	/* The status line names the keys. */
	cr_assert(strstr(out.v[out.n - 1].text, "Help"));
}

Test(diffview, tab_shows_the_zones_with_parse_first)
{
	size_t h;

	cr_assert_eq(diffview__key(v, UI_KEY_TAB), UI_REDRAW);
	diffview__frame(v, &out, 120, 30);
	h = header_line();
	cr_assert(strstr(out.v[h].text, "P95 Δ%"), "%s", out.v[h].text);
	cr_assert(strstr(out.v[h + 1].text, "parse"), "%s", out.v[h + 1].text);
	cr_assert(strstr(out.v[h + 1].text, "+100."), "%s", out.v[h + 1].text);
	cr_assert(strstr(out.v[h + 2].text, "frame"), "%s", out.v[h + 2].text);
}

Test(diffview, search_selects_and_q_quits)
{
	diffview__frame(v, &out, 120, 30);
	diffview__key(v, '/');
	diffview__key(v, 'c');
	diffview__key(v, 'o');
	diffview__key(v, 'm');
	diffview__key(v, UI_KEY_ENTER);
	cr_assert_str_eq(d.funcs[diffview__selected(v)].name, "compress");
	diffview__key(v, '?');
	cr_assert(diffview__help_open(v));
	diffview__frame(v, &out, 120, 30);
	cr_assert(strstr(out.v[0].text, "keys"));
	diffview__key(v, 'x'); /* any key closes the help */
	cr_assert_not(diffview__help_open(v));
	cr_assert_eq(diffview__key(v, 'q'), UI_QUIT);
}

/* The search takes any character, as every prompt does (prompt.c): a
 * non-ASCII one is kept, and Backspace removes it whole. */
Test(diffview, search_takes_non_ascii_characters)
{
	bool said = false;

	diffview__frame(v, &out, 120, 30);
	diffview__key(v, '/');
	diffview__key(v, 'c');
	diffview__key(v, 0xe9); /* é */
	diffview__key(v, UI_KEY_ENTER);
	diffview__frame(v, &out, 120, 30);
	for (size_t i = 0; i < out.n; i++)
		said |= strstr(out.v[i].text, "no match for 'c\xc3\xa9'") != NULL;
	cr_assert(said, "the search is 'cé', which nothing matches");
	diffview__key(v, '/');
	diffview__key(v, 0x4e2d); /* a three-byte character */
	diffview__key(v, UI_KEY_BACKSPACE);
	diffview__key(v, 'c');
	diffview__key(v, 'o');
	diffview__key(v, 'm');
	diffview__key(v, UI_KEY_ENTER);
	cr_assert_str_eq(d.funcs[diffview__selected(v)].name, "compress",
			 "Backspace took the whole character");
}

Test(diffview, different_programs_are_flagged)
{
	struct diff d2;
	struct diffview *v2;

	diff_compute(&d2, model_find(&base_m, 4242)->profile, "demo",
		     model_find(&new_m, 4242)->profile, "other");
	v2 = diffview__new(&d2, "a", "b", true);
	diffview__frame(v2, &out, 120, 30);
	cr_assert(strstr(out.v[1].text, "warning: different programs: 'demo' and 'other'"),
		  "%s", out.v[1].text);
	cr_assert_eq(elem_of(1, "warning"), TE_WARN);
	diffview__free(v2);
	diff_release(&d2);
}

/* Only beta got 3x slower (mksnap --beta-x 1 and 3: main;alpha 300 samples
 * both times, main;beta 100 then 300, the same 10 s at 99 Hz). alpha's share
 * falls, but its own CPU time did not change: 0 %, while beta's is +200 %,
 * in the diff and on the screen. */
Test(diffview, only_beta_got_slower_alpha_is_unchanged)
{
	const struct profile *b, *n;
	struct diff ab;
	struct diffview *abv;
	const struct diff_func *alpha = NULL, *beta = NULL;
	double cpu;
	char name[64];
	int seen = 0;

	make_snapshot("ab1.ptsnap", "--beta-x 1");
	make_snapshot("ab3.ptsnap", "--beta-x 3");
	model_release(&base_m);
	model_release(&new_m);
	b = load(&base_m, "ab1.ptsnap");
	n = load(&new_m, "ab3.ptsnap");
	diff_compute(&ab, b, NULL, n, NULL);
	for (size_t i = 0; i < ab.nfuncs; i++) {
		if (!strcmp(ab.funcs[i].name, "alpha"))
			alpha = &ab.funcs[i];
		if (!strcmp(ab.funcs[i].name, "beta"))
			beta = &ab.funcs[i];
	}
	cr_assert(alpha && beta);
	cr_assert(ab.have_cpu);
	cr_assert(alpha->have_cpu_change && beta->have_cpu_change);
	cr_expect_float_eq(alpha->cpu_change, 0, 1e-9);
	cr_expect_float_eq(beta->cpu_change, 200, 1e-9);
	cr_expect_float_eq(alpha->base_ms, alpha->new_ms, 1e-9);
	cr_expect_float_eq(beta->new_ms, 3 * beta->base_ms, 1e-9);
	/* 300 samples at 99 Hz over the same duration in both. */
	cr_expect_float_eq(alpha->base_ms, 1000.0 * 300 / 99 / ab.base_seconds, 1e-9);
	cr_expect_lt(alpha->d_self, 0, "its share fell: %g points", alpha->d_self);
	cr_expect_str_eq(ab.funcs[0].name, "beta", "the regression comes first");

	abv = diffview__new(&ab, "x/ab1.ptsnap", "x/ab3.ptsnap", true);
	diffview__frame(abv, &out, 120, 30);
	for (size_t i = 0; i < out.n; i++) {
		const char *t = out.v[i].text;

		if (sscanf(t, " %lf", &cpu) != 1)
			continue;
		snprintf(name, sizeof(name), "%s",
			 strstr(t, " alpha ") ? "alpha" : strstr(t, " beta ") ? "beta" : "");
		if (!strcmp(name, "alpha")) {
			cr_expect_float_eq(cpu, 0, 1e-9, "%s", out.v[i].text);
			seen++;
		}
		if (!strcmp(name, "beta")) {
			cr_expect_float_eq(cpu, 200, 1e-9, "%s", out.v[i].text);
			seen++;
		}
	}
	cr_expect_eq(seen, 2, "alpha and beta rows with their CPU change");
	diffview__free(abv);
	diff_release(&ab);
}
