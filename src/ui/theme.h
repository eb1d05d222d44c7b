/*
 * theme — the colours and attributes of every element of perftop's screen.
 *
 * A theme is a text file in themes/ naming each UI element (format in
 * docs/themes.md). Parsing is pure (no curses) so it can be tested; applying
 * a theme maps it onto the terminal's colours (256, 8 or none) once curses is
 * up. A built-in default always exists, so a missing or broken file is
 * reported once and never fatal. NO_COLOR (any non-empty value) turns colour
 * off but keeps bold/reverse, so selection stays visible.
 */
#ifndef PERFTOP_UI_THEME_H
#define PERFTOP_UI_THEME_H

#include <stdbool.h>
#include <stddef.h>

/* Every element the screen draws, with the name it has in theme files. */
#define THEME_ELEMENTS(X)                          \
	X(DEFAULT, "default")                      \
	X(HEADER, "header")                        \
	X(HEADER_LABEL, "header.label")            \
	X(METER_LOW, "meter.low")                  \
	X(METER_MID, "meter.mid")                  \
	X(METER_HIGH, "meter.high")                \
	X(METER_EMPTY, "meter.empty")              \
	X(TITLE, "title")                          \
	X(TAB_ACTIVE, "tab.active")                \
	X(TAB_INACTIVE, "tab.inactive")            \
	X(COLUMN_HEADER, "column.header")          \
	X(COLUMN_SORTED, "column.sorted")          \
	X(ROW, "row")                              \
	X(ROW_SELECTED, "row.selected")            \
	X(ROW_EXITED, "row.exited")                \
	X(ROW_DIM, "row.dim")                      \
	X(SPARKLINE, "sparkline")                  \
	X(CHART_CPU, "chart.cpu")                  \
	X(CHART_MEM, "chart.mem")                  \
	X(CHART_AXIS, "chart.axis")                \
	X(STATUS, "status")                        \
	X(STATUS_WARN, "status.warn")              \
	X(STATUS_ERROR, "status.error")            \
	X(FILTER, "filter")                        \
	X(MATCH, "match")                          \
	X(HELP_KEY, "help.key")                    \
	X(HELP_TEXT, "help.text")                  \
	X(GOOD, "good")                            \
	X(WARN, "warn")                            \
	X(BAD, "bad")                              \
	X(FLAME_A, "flame.a")                      \
	X(FLAME_B, "flame.b")                      \
	X(FLAME_C, "flame.c")                      \
	X(FLAME_D, "flame.d")                      \
	X(FLAME_MATCH, "flame.match")

enum theme_element {
#define X(id, name) TE_##id,
	THEME_ELEMENTS(X)
#undef X
	TE_COUNT
};

enum theme_attr_bits {
	THEME_BOLD = 1 << 0,
	THEME_REVERSE = 1 << 1,
	THEME_UNDERLINE = 1 << 2,
	THEME_DIM = 1 << 3,
	THEME_ITALIC = 1 << 4,
};

/* The parser's hard limits: bigger input is refused, never read. */
enum {
	THEME_MAX_FILE = 64 * 1024, /* bytes in one theme */
	THEME_MAX_LINE = 512,       /* bytes in one line, without its newline */
};

/* A colour: -1 is the terminal's default, 0..255 an xterm-256 index. */
struct theme_style {
	short fg, bg;
	unsigned attrs;    /* theme_attr_bits */
};

struct theme {
	char name[64];
	struct theme_style style[TE_COUNT];
};

/* The element's name in theme files, e.g. "row.selected". */
const char *theme_element_name(enum theme_element e);

/* Fills t with the built-in dark default. */
void theme_default(struct theme *t);

/* Parses theme text (starting from the default, so an element a file omits
 * keeps its default). text need not be NUL-terminated; nothing past len is
 * read. Returns 0, or -EINVAL with "line N: reason" in err (or "empty theme:
 * ..." when nothing is set), or -EFBIG past THEME_MAX_FILE; on error t holds
 * the default. Without a `name` line, t->name is empty. */
int theme_parse(struct theme *t, const char *text, size_t len, char *err, size_t err_len);

/* Loads a theme by name (looked up in the themes directories: $PERFTOP_THEMES,
 * ./themes, next to the binary: BIN/themes, BIN/../themes (a build directory
 * in the source tree) and BIN/../share/perftop/themes (an installed or moved
 * prefix), then PREFIX/share/perftop/themes as built) or by path (anything with a '/' or ending in .theme). On failure t
 * holds the default, err says why ("cannot open theme 'x': ...") and the
 * return is a negative errno. NULL or "" is the default with no error, and so
 * are "dark" and "default" when no such file is found. A file without a
 * `name` line is named after the file. */
int theme_load(struct theme *t, const char *name_or_path, char *err, size_t err_len);

/* The nearest of the 8 basic colours (0..7, curses order) to colour, an
 * xterm-256 index or -1 (which stays -1). *bright says whether the colour is
 * a light one, drawn bold (foreground) when only 8 colours exist. Pure. */
short theme_fold8(short colour, bool *bright);

/* --- curses side (ui only) --- */

/* Maps t onto the terminal after initscr(): colour pairs for 256 or 8
 * colours, attributes only when the terminal has no colour or NO_COLOR is set. */
void theme_apply(const struct theme *t);

/* The curses attribute (colour pair | attrs) for e, after theme_apply(). */
int theme_attr(enum theme_element e);

#endif
