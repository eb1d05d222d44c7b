/*
 * theme_curses — maps a parsed theme onto the terminal's colours.
 *
 * Three cases, chosen once in theme_apply(): 256 colours take the theme's
 * indices as they are; 16 or 8 colours fold each index to the nearest basic
 * colour (on 8, a light foreground is drawn bold); no colour at all, or
 * NO_COLOR set, keeps only attributes, and adds reverse/bold/underline/dim to
 * the elements that must stay apart (selection, headers, tabs, meters,
 * status, matches) so a monochrome screen still reads.
 */
#include "ui/theme.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

/* What monochrome adds to each element's own attributes. */
static const unsigned mono_attrs[TE_COUNT] = {
	[TE_HEADER_LABEL] = THEME_BOLD,
	[TE_METER_MID] = THEME_BOLD,
	[TE_METER_HIGH] = THEME_BOLD | THEME_REVERSE,
	[TE_METER_EMPTY] = THEME_DIM,
	[TE_TITLE] = THEME_BOLD,
	[TE_TAB_ACTIVE] = THEME_REVERSE | THEME_BOLD,
	[TE_COLUMN_HEADER] = THEME_REVERSE,
	[TE_COLUMN_SORTED] = THEME_REVERSE | THEME_BOLD | THEME_UNDERLINE,
	[TE_ROW_SELECTED] = THEME_REVERSE | THEME_BOLD,
	[TE_ROW_EXITED] = THEME_DIM,
	[TE_ROW_DIM] = THEME_DIM,
	[TE_CHART_AXIS] = THEME_DIM,
	[TE_STATUS] = THEME_REVERSE,
	[TE_STATUS_WARN] = THEME_BOLD,
	[TE_STATUS_ERROR] = THEME_REVERSE | THEME_BOLD,
	[TE_FILTER] = THEME_UNDERLINE,
	[TE_MATCH] = THEME_BOLD | THEME_UNDERLINE,
	[TE_HELP_KEY] = THEME_BOLD,
	[TE_WARN] = THEME_BOLD,
	[TE_BAD] = THEME_BOLD | THEME_REVERSE,
	[TE_FLAME_A] = THEME_REVERSE,
	[TE_FLAME_C] = THEME_REVERSE | THEME_DIM,
	[TE_FLAME_D] = THEME_UNDERLINE,
	[TE_FLAME_MATCH] = THEME_BOLD | THEME_UNDERLINE,
};

static int element_attr[TE_COUNT];

static int curses_attrs(unsigned bits)
{
	int a = A_NORMAL;

	if (bits & THEME_BOLD)
		a |= A_BOLD;
	if (bits & THEME_REVERSE)
		a |= A_REVERSE;
	if (bits & THEME_UNDERLINE)
		a |= A_UNDERLINE;
	if (bits & THEME_DIM)
		a |= A_DIM;
#ifdef A_ITALIC
	if (bits & THEME_ITALIC)
		a |= A_ITALIC;
#endif
	return (int)a;
}

/* A light background on which black reads better than white. */
static bool light_basic(short c)
{
	return c == COLOR_WHITE || c == COLOR_YELLOW || c == COLOR_CYAN || c == COLOR_GREEN;
}

static bool no_color_env(void)
{
	const char *v = getenv("NO_COLOR");

	return v && *v;
}

void theme_apply(const struct theme *t)
{
	struct {
		short fg, bg;
	} pairs[TE_COUNT];
	int npairs = 0, ncolours;
	bool defaults_ok;

	if (no_color_env() || !has_colors() || start_color() == ERR || COLORS < 8) {
		for (int e = 0; e < TE_COUNT; e++)
			element_attr[e] = curses_attrs(t->style[e].attrs | mono_attrs[e]);
		return;
	}
	defaults_ok = use_default_colors() == OK;
	ncolours = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : 8;

	for (int e = 0; e < TE_COUNT; e++) {
		const struct theme_style *st = &t->style[e];
		unsigned bits = st->attrs;
		short fg = st->fg, bg = st->bg;
		int pair = -1;

		if (ncolours < 256) {
			bool fg_bright, bg_bright;

			fg = theme_fold8(st->fg, &fg_bright);
			bg = theme_fold8(st->bg, &bg_bright);
			if (fg >= 0 && fg == bg && !fg_bright)
				fg = light_basic(bg) ? COLOR_BLACK : COLOR_WHITE;
			if (ncolours == 16) {
				fg = fg >= 0 && fg_bright ? fg + 8 : fg;
				bg = bg >= 0 && bg_bright ? bg + 8 : bg;
			} else if (fg_bright) {
				bits |= THEME_BOLD; /* bold is bright on 8 colours */
			}
		}
		if (!defaults_ok) {
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		if (fg < 0 && bg < 0) {
			pair = 0;
		} else {
			for (int i = 0; i < npairs && pair < 0; i++) {
				if (pairs[i].fg == fg && pairs[i].bg == bg)
					pair = i + 1;
			}
			if (pair < 0 && npairs + 1 < COLOR_PAIRS &&
			    init_pair((short)(npairs + 1), fg, bg) == OK) {
				pairs[npairs].fg = fg;
				pairs[npairs].bg = bg;
				pair = ++npairs;
			}
			if (pair < 0) { /* out of pairs: keep the element apart */
				pair = 0;
				bits |= mono_attrs[e];
			}
		}
		element_attr[e] = curses_attrs(bits) | (int)COLOR_PAIR(pair);
	}
}

int theme_attr(enum theme_element e)
{
	if ((int)e < 0 || e >= TE_COUNT)
		return A_NORMAL;
	return element_attr[e];
}
