/* Unit tests for ui/theme: the shipped themes, the parser's errors and limits,
 * colour mapping, and loading by name or path. Run from the source root. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/theme.h"
#include "util/xalloc.h"

#define THEMES_DIR "themes"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	cr_assert_not_null(f, "cannot open %s", path);
	buf = xmalloc(THEME_MAX_FILE + 1);
	*len = fread(buf, 1, THEME_MAX_FILE + 1, f);
	fclose(f);
	cr_assert_leq(*len, THEME_MAX_FILE, "%s is too large", path);
	return buf;
}

static bool style_eq(const struct theme_style *a, const struct theme_style *b)
{
	return a->fg == b->fg && a->bg == b->bg && a->attrs == b->attrs;
}

static bool theme_is_default(const struct theme *t)
{
	struct theme d;

	theme_default(&d);
	for (int e = 0; e < TE_COUNT; e++) {
		if (!style_eq(&t->style[e], &d.style[e]))
			return false;
	}
	return !strcmp(t->name, d.name);
}

/* Parses text (a C string) into a theme that starts as all-red so a failed
 * parse that forgot to restore the default shows. */
static int parse_str(struct theme *t, const char *text, char *err, size_t err_len)
{
	for (int e = 0; e < TE_COUNT; e++)
		t->style[e] = (struct theme_style){ 1, 1, THEME_BOLD };
	snprintf(t->name, sizeof(t->name), "poison");
	return theme_parse(t, text, strlen(text), err, err_len);
}

/* Writes text to a new file in a fresh temporary directory; returns its path. */
static char *write_temp(const char *file, const char *text)
{
	char dir[] = "/tmp/perftop-theme-XXXXXX";
	char *path;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	path = xmalloc(strlen(dir) + strlen(file) + 2);
	sprintf(path, "%s/%s", dir, file);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Removes a file made by write_temp() and its directory; frees path. */
static void remove_temp(char *path)
{
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(path);
}

/* ---- the shipped themes ------------------------------------------------------ */

Test(theme, element_names_are_unique_and_dotted_lowercase)
{
	for (int e = 0; e < TE_COUNT; e++) {
		const char *n = theme_element_name(e);

		cr_assert(n[0] != '\0' && n[0] != '?');
		for (const char *c = n; *c; c++)
			cr_assert((*c >= 'a' && *c <= 'z') || *c == '.', "bad name %s", n);
		for (int f = 0; f < e; f++)
			cr_assert_str_neq(n, theme_element_name(f));
	}
	cr_assert_str_eq(theme_element_name(TE_ROW_SELECTED), "row.selected");
}

Test(theme, every_shipped_theme_parses_and_sets_every_element)
{
	DIR *d = opendir(THEMES_DIR);
	struct dirent *de;
	int count = 0;

	cr_assert_not_null(d, "run the tests from the source root");
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name), len;
		char path[512], err[256];
		struct theme t;
		char *text;

		if (n < 7 || strcmp(de->d_name + n - 6, ".theme"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", THEMES_DIR, de->d_name);
		text = slurp(path, &len);
		err[0] = '\0';
		cr_assert_eq(theme_parse(&t, text, len, err, sizeof(err)), 0, "%s: %s", path,
			     err);
		cr_assert_str_eq(err, "");
		cr_assert(t.name[0] != '\0', "%s has a name line", path);
		/* Every element is named: naming it once more must be refused as a
		 * duplicate. */
		for (int e = 0; e < TE_COUNT; e++) {
			char extra[THEME_MAX_FILE + 64];
			int m = snprintf(extra, sizeof(extra), "%.*s\n%s = red\n", (int)len, text,
					 theme_element_name(e));

			cr_assert_neq(theme_parse(&t, extra, (size_t)m, err, sizeof(err)), 0,
				      "%s does not set '%s'", path, theme_element_name(e));
			cr_assert(strstr(err, "already set"), "%s: %s", path, err);
		}
		free(text);
		count++;
	}
	closedir(d);
	cr_assert_geq(count, 4, "dark, light, mono and high-contrast at least");
}

Test(theme, builtin_default_equals_dark_theme_file)
{
	struct theme def, file;
	char err[256];
	size_t len;
	char *text = slurp(THEMES_DIR "/dark.theme", &len);

	theme_default(&def);
	cr_assert_eq(theme_parse(&file, text, len, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(file.name, def.name);
	for (int e = 0; e < TE_COUNT; e++) {
		cr_assert(style_eq(&file.style[e], &def.style[e]),
			  "'%s': file %d/%d/%u, built-in %d/%d/%u", theme_element_name(e),
			  file.style[e].fg, file.style[e].bg, file.style[e].attrs, def.style[e].fg,
			  def.style[e].bg, def.style[e].attrs);
	}
	free(text);
}

Test(theme, mono_theme_has_no_colour_and_keeps_selection_apart)
{
	struct theme t;
	char err[256];

	cr_assert_eq(theme_load(&t, THEMES_DIR "/mono.theme", err, sizeof(err)), 0, "%s", err);
	for (int e = 0; e < TE_COUNT; e++) {
		cr_assert_eq(t.style[e].fg, -1, "%s", theme_element_name(e));
		cr_assert_eq(t.style[e].bg, -1, "%s", theme_element_name(e));
	}
	cr_assert(t.style[TE_ROW_SELECTED].attrs & THEME_REVERSE);
	cr_assert_neq(t.style[TE_COLUMN_SORTED].attrs, t.style[TE_COLUMN_HEADER].attrs);
	cr_assert_neq(t.style[TE_TAB_ACTIVE].attrs, t.style[TE_TAB_INACTIVE].attrs);
	cr_assert_neq(t.style[TE_METER_HIGH].attrs, t.style[TE_METER_LOW].attrs);
}

/* ---- the format ------------------------------------------------------------------ */

Test(theme, parses_colours_attributes_and_comments)
{
	struct theme t;
	char err[256];
	const char *text = "# a comment\n"
			   "\n"
			   "name = Solarized light   # trailing comment\n"
			   "  row.selected = black on cyan, bold\r\n"
			   "row = bright-red\n"
			   "title = on 17\n"
			   "header = 200 on default, underline reverse, dim, italic\n"
			   "match = #FF0000 on #000000\n"
			   "status = bold\n"
			   "FILTER = Yellow On Blue, BOLD\n";

	cr_assert_eq(parse_str(&t, text, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(t.name, "Solarized light");
	cr_assert_eq(t.style[TE_ROW_SELECTED].fg, 0);
	cr_assert_eq(t.style[TE_ROW_SELECTED].bg, 6);
	cr_assert_eq(t.style[TE_ROW_SELECTED].attrs, THEME_BOLD);
	cr_assert_eq(t.style[TE_ROW].fg, 9);
	cr_assert_eq(t.style[TE_ROW].bg, -1);
	cr_assert_eq(t.style[TE_TITLE].fg, -1);
	cr_assert_eq(t.style[TE_TITLE].bg, 17);
	cr_assert_eq(t.style[TE_TITLE].attrs, 0, "a line sets the whole style");
	cr_assert_eq(t.style[TE_HEADER].fg, 200);
	cr_assert_eq(t.style[TE_HEADER].attrs,
		     THEME_UNDERLINE | THEME_REVERSE | THEME_DIM | THEME_ITALIC);
	cr_assert_eq(t.style[TE_MATCH].fg, 196);
	cr_assert_eq(t.style[TE_MATCH].bg, 16);
	cr_assert_eq(t.style[TE_STATUS].fg, -1);
	cr_assert_eq(t.style[TE_STATUS].attrs, THEME_BOLD);
	cr_assert_eq(t.style[TE_FILTER].fg, 3);
	cr_assert_eq(t.style[TE_FILTER].bg, 4);
	cr_assert_eq(t.style[TE_FILTER].attrs, THEME_BOLD);
}

Test(theme, omitted_elements_keep_the_default_and_no_name_is_empty)
{
	struct theme t, d;
	char err[256];

	theme_default(&d);
	cr_assert_eq(parse_str(&t, "row = red\n", err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(t.name, "");
	cr_assert_eq(t.style[TE_ROW].fg, 1);
	for (int e = 0; e < TE_COUNT; e++) {
		if (e != TE_ROW)
			cr_assert(style_eq(&t.style[e], &d.style[e]), "%s", theme_element_name(e));
	}
}

Test(theme, hex_colours_map_to_the_nearest_xterm_entry)
{
	static const struct {
		const char *hex;
		short want;
	} cases[] = {
		{ "#ff0000", 196 }, { "#00ff00", 46 },  { "#0000ff", 21 },  { "#ffffff", 231 },
		{ "#000000", 16 },  { "#808080", 244 }, { "#5fafff", 75 },  { "#fe0101", 196 },
		{ "#121212", 233 }, { "#d7875f", 173 }, { "#eeeeee", 255 }, { "#005f87", 24 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[64], err[256];
		struct theme t;

		snprintf(text, sizeof(text), "row = %s\n", cases[i].hex);
		cr_assert_eq(parse_str(&t, text, err, sizeof(err)), 0, "%s", err);
		cr_assert_eq(t.style[TE_ROW].fg, cases[i].want, "%s -> %d, want %d", cases[i].hex,
			     t.style[TE_ROW].fg, cases[i].want);
	}
}

Test(theme, fold8_keeps_hue_and_marks_light_colours_bright)
{
	static const struct {
		short in, want;
		bool bright;
	} cases[] = {
		{ -1, -1, false }, { 1, 1, false },   { 9, 1, true },    { 15, 7, true },
		{ 196, 1, true },  { 160, 1, false }, { 21, 4, true },   { 18, 4, false },
		{ 46, 2, true },   { 226, 3, true },  { 51, 6, true },   { 201, 5, true },
		{ 232, 0, false }, { 244, 0, true },  { 250, 7, false }, { 255, 7, true },
		{ 24, 6, false },  { 78, 2, true },   { 221, 3, true },  { 75, 6, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool bright = !cases[i].bright;
		short got = theme_fold8(cases[i].in, &bright);

		cr_assert_eq(got, cases[i].want, "%d -> %d, want %d", cases[i].in, got,
			     cases[i].want);
		cr_assert_eq(bright, cases[i].bright, "%d bright", cases[i].in);
	}
}

/* ---- broken input -------------------------------------------------------------- */

Test(theme, each_broken_line_names_its_line_and_reason_and_keeps_the_default)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "row = red\nrow.selectd = red\n", "line 2: unknown element 'row.selectd'" },
		{ "# c\n\nrow = purple\n", "line 3: bad colour 'purple'" },
		{ "row = 256\n", "line 1: bad colour '256'" },
		{ "row = #ff00\n", "line 1: bad colour '#ff00'" },
		{ "row = #gg0000\n", "line 1: bad colour '#gg0000'" },
		{ "row = bright-\n", "line 1: bad colour 'bright-'" },
		{ "row = -1\n", "line 1: bad colour '-1'" },
		{ "row = red on\n", "line 1: missing colour after 'on'" },
		{ "row = red on nope\n", "line 1: bad colour 'nope'" },
		{ "row = red blue\n", "line 1: expected 'on' or ',' after the colour, got 'blue'" },
		{ "row = red bold\n", "line 1: expected ',' before 'bold'" },
		{ "row = red on blue green\n", "line 1: expected ',' before 'green'" },
		{ "row = red, blink\n", "line 1: unknown attribute 'blink'" },
		{ "row = bold, red\n", "line 1: colour 'red' must come before the attributes" },
		{ "row = red,\n", "line 1: empty item in the style (stray ',')" },
		{ "row = red,, bold\n", "line 1: empty item in the style (stray ',')" },
		{ "row =\n", "line 1: no style for 'row'" },
		/* "=# " starts a comment as " # " does: blanks around '=' change nothing */
		{ "name=# x\n", "line 1: empty name" },
		{ "row=#\n", "line 1: no style for 'row'" },
		{ "row red\n", "line 1: expected 'element = style', got 'row red'" },
		{ " = red\n", "line 1: missing element name before '='" },
		{ "row = red\nrow = blue\n", "line 2: 'row' is already set on line 1" },
		{ "name = a\nname = b\n", "line 2: 'name' is already set on line 1" },
		{ "name =\n", "line 1: empty name" },
		{ "row = red\n\n\nbad\x01line = red\n", "line 4: control character 0x01" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct theme t;
		char err[256] = "";

		cr_assert_eq(parse_str(&t, cases[i].text, err, sizeof(err)), -EINVAL, "case %zu",
			     i);
		cr_assert_str_eq(err, cases[i].want, "case %zu", i);
		cr_assert(theme_is_default(&t), "case %zu leaves the default", i);
	}
}

Test(theme, a_long_name_is_refused)
{
	char text[128], err[256];
	struct theme t;

	snprintf(text, sizeof(text), "name = %064d\n", 0);
	cr_assert_eq(parse_str(&t, text, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "line 1: name longer than"), "%s", err);
	snprintf(text, sizeof(text), "name = %063d\n", 0);
	cr_assert_eq(parse_str(&t, text, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(strlen(t.name), 63);
}

Test(theme, a_nul_byte_is_an_error_not_the_end)
{
	static const char text[] = "row = red\nti\0le = blue\n";
	struct theme t;
	char err[256];

	cr_assert_eq(theme_parse(&t, text, sizeof(text) - 1, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "line 2: control character 0x00");
	cr_assert(theme_is_default(&t));
}

Test(theme, input_need_not_be_nul_terminated)
{
	/* The buffer ends right after "blue", with no newline and no NUL; the
	 * bytes after it must not be read (ASan would catch it). */
	static const char src[] = "row = red\ntitle = blue";
	size_t n = sizeof(src) - 1;
	char *buf = xmalloc(n);
	struct theme t;
	char err[256];

	memcpy(buf, src, n);
	cr_assert_eq(theme_parse(&t, buf, n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(t.style[TE_TITLE].fg, 4);
	/* Cut in the middle of a word: "blu" is a bad colour, on line 2. */
	cr_assert_eq(theme_parse(&t, buf, n - 1, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "line 2: bad colour 'blu'");
	free(buf);
}

Test(theme, an_overlong_line_is_refused_with_its_number)
{
	size_t n = THEME_MAX_LINE + 100;
	char *text = xmalloc(n + 32);
	struct theme t;
	char err[256];
	int m;

	m = snprintf(text, n + 32, "row = red\n# ");
	memset(text + m, 'x', n);
	text[m + n] = '\n';
	cr_assert_eq(theme_parse(&t, text, (size_t)m + n + 1, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "line 2: line too long"), "%s", err);
	cr_assert(theme_is_default(&t));
	/* A line of exactly the limit is fine. */
	memset(text, ' ', THEME_MAX_LINE);
	memcpy(text, "row = red", 9);
	cr_assert_eq(theme_parse(&t, text, THEME_MAX_LINE, err, sizeof(err)), 0, "%s", err);
	free(text);
}

Test(theme, an_oversized_input_is_refused_before_parsing)
{
	size_t n = THEME_MAX_FILE + 1;
	char *text = xmalloc(n);
	struct theme t;
	char err[256];

	memset(text, '\n', n);
	cr_assert_eq(theme_parse(&t, text, n, err, sizeof(err)), -EFBIG);
	cr_assert(strstr(err, "too large"), "%s", err);
	cr_assert(theme_is_default(&t));
	free(text);
}

Test(theme, an_empty_theme_is_an_error)
{
	struct theme t;
	char err[256];

	cr_assert_eq(theme_parse(&t, "", 0, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "empty theme"), "%s", err);
	cr_assert_eq(parse_str(&t, "# only comments\n\n   \n", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "empty theme"), "%s", err);
	cr_assert(theme_is_default(&t));
}

Test(theme, errors_fit_small_buffers_and_null_buffers)
{
	struct theme t;
	char err[8];

	cr_assert_eq(parse_str(&t, "nope = red\n", err, sizeof(err)), -EINVAL);
	cr_assert_eq(strlen(err), sizeof(err) - 1);
	cr_assert_eq(parse_str(&t, "nope = red\n", NULL, 0), -EINVAL);
	cr_assert(theme_is_default(&t));
}

Test(theme, a_long_bad_token_is_quoted_short_and_printable)
{
	char text[200], err[256];
	struct theme t;

	snprintf(text, sizeof(text), "row = %0150d\n", 7);
	cr_assert_eq(parse_str(&t, text, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "bad colour '") && strstr(err, "...'"), "%s", err);
	cr_assert_lt(strlen(err), 80);
}

/* ---- loading -------------------------------------------------------------------- */

Test(theme, loads_a_shipped_theme_by_name)
{
	struct theme t;
	char err[256] = "";

	unsetenv("PERFTOP_THEMES");
	cr_assert_eq(theme_load(&t, "light", err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(t.name, "light");
	cr_assert_neq(t.style[TE_ROW_SELECTED].bg, -1);
	cr_assert_str_eq(err, "");
}

Test(theme, unknown_name_is_an_error_that_names_it)
{
	struct theme t;
	char err[256];

	unsetenv("PERFTOP_THEMES");
	cr_assert_eq(theme_load(&t, "no-such-theme", err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, "'no-such-theme'"), "%s", err);
	cr_assert(strstr(err, "no-such-theme.theme"), "%s", err);
	cr_assert(theme_is_default(&t));
	cr_assert_eq(theme_load(&t, "bad name!", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "'bad name!'"), "%s", err);
}

Test(theme, a_path_to_a_file_works_and_names_the_theme_after_it)
{
	char *path = write_temp("ocean.theme", "row.selected = white on 25, bold\n");
	struct theme t;
	char err[256];

	cr_assert_eq(theme_load(&t, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(t.name, "ocean");
	cr_assert_eq(t.style[TE_ROW_SELECTED].fg, 7);
	cr_assert_eq(t.style[TE_ROW_SELECTED].bg, 25);
	remove_temp(path);
}

Test(theme, a_broken_file_reports_path_and_line_and_keeps_the_default)
{
	char *path = write_temp("broken.theme", "name = x\nrow = red\nrow.selected = mauve\n");
	struct theme t;
	char err[512], want[512];

	cr_assert_eq(theme_load(&t, path, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "theme '%s': line 3: bad colour 'mauve'", path);
	cr_assert_str_eq(err, want);
	cr_assert(theme_is_default(&t));
	remove_temp(path);
}

Test(theme, a_missing_path_says_why)
{
	struct theme t;
	char err[256];

	cr_assert_eq(theme_load(&t, "/nonexistent/dir/x.theme", err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, "cannot open theme '/nonexistent/dir/x.theme'"), "%s", err);
	cr_assert(theme_is_default(&t));
	cr_assert_eq(theme_load(&t, "/tmp/", err, sizeof(err)), -EISDIR, "%s", err);
}

Test(theme, perftop_themes_directories_come_first)
{
	char *path = write_temp("dark.theme", "name = mine\nrow = green\n");
	char *dir = xstrdup(path), env[600];
	struct theme t;
	char err[256];

	*strrchr(dir, '/') = '\0';
	snprintf(env, sizeof(env), "/nonexistent:%s", dir);
	setenv("PERFTOP_THEMES", env, 1);
	cr_assert_eq(theme_load(&t, "dark", err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(t.name, "mine");
	cr_assert_eq(t.style[TE_ROW].fg, 2);
	unsetenv("PERFTOP_THEMES");
	remove_temp(path);
	free(dir);
}

Test(theme, null_or_empty_means_the_builtin_default)
{
	struct theme t;
	char err[64];

	t.name[0] = '\0';
	cr_assert_eq(theme_load(&t, NULL, err, sizeof(err)), 0);
	cr_assert(theme_is_default(&t));
	cr_assert_eq(theme_load(&t, "", err, sizeof(err)), 0);
	cr_assert(theme_is_default(&t));
}
