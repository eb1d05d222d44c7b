/*
 * lines — a styled line buffer: what every screen is drawn into.
 *
 * A view never talks to curses. It appends text to lines, each piece with a
 * theme element, and the same lines are then painted on the terminal
 * (screen.c), printed as plain text by --batch, or compared by tests. Every
 * line has a width in terminal columns fixed when it is begun: text past it
 * is cut, so a view can append without counting, and a line never wraps.
 *
 * Text is sanitised on the way in: control characters become '?', and so do
 * bytes that are not valid UTF-8 (or, when the terminal is not UTF-8, every
 * byte past ASCII), so a command line can never move the cursor. Widths come
 * from wcwidth() in UTF-8 mode: wide characters take two columns.
 *
 * Ownership: struct lines owns every line and its text; lines_clear() keeps
 * the storage for the next frame, so a steady screen allocates nothing.
 */
#ifndef PERFTOP_UI_LINES_H
#define PERFTOP_UI_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ui/theme.h"

/* A run of bytes [start, end) of a line's text drawn with one element. */
struct span {
	size_t start, end;
	enum theme_element elem;
};

struct line {
	char *text;            /* NUL-terminated, `len` bytes */
	size_t len, alloc;
	struct span *spans;    /* in order, covering the text without gaps */
	size_t nspans, spans_alloc;
	int width;             /* columns this line may hold */
	int cols;              /* columns used so far */
	int override;          /* >= 0: every append uses this element */
};

struct lines {
	struct line *v;
	size_t n, alloc;
};

enum line_align { ALIGN_LEFT, ALIGN_RIGHT };

/* Chooses how text is measured and sanitised: UTF-8 (true) or ASCII only.
 * Global because it follows the terminal's locale; set once at start. */
void lines_set_utf8(bool utf8);
bool lines_utf8(void);

void lines_init(struct lines *ls);
void lines_release(struct lines *ls);
/* Forgets every line, keeping storage. */
void lines_clear(struct lines *ls);

/* Starts a new, empty line of `width` columns and returns it; valid until the
 * next lines_begin() or lines_clear(). */
struct line *lines_begin(struct lines *ls, int width);

/* Appends text (sanitised) in elem, cut at the line's width. Returns the
 * columns actually added. */
int line_put(struct line *l, enum theme_element elem, const char *text);
int line_putn(struct line *l, enum theme_element elem, const char *text, size_t len);
int line_printf(struct line *l, enum theme_element elem, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends n copies of one character (a UTF-8 sequence of one column). */
int line_repeat(struct line *l, enum theme_element elem, const char *ch, int n);
/* Appends text in exactly `width` columns: cut or padded with spaces on the
 * side `align` says. A cut text ends in '~' so the loss is visible. */
void line_cell(struct line *l, enum theme_element elem, const char *text, int width,
	       enum line_align align);
/* Pads with spaces in elem up to column `col` (no-op when already past). */
void line_pad_to(struct line *l, enum theme_element elem, int col);
/* Pads to the full width. */
void line_fill(struct line *l, enum theme_element elem);
/* Appends another line's text with its elements, cut at this line's width. */
void line_append(struct line *l, const struct line *src);
/* Columns left before the line is full. */
int line_room(const struct line *l);
/* While set (>= 0), every append is drawn in this element instead of the one
 * given, e.g. a selected row. -1 turns it off. */
void line_set_override(struct line *l, int elem);

/* Display columns of UTF-8 (or ASCII) text as line_put() would count them. */
int lines_text_width(const char *text);

/* Writes each line's text with trailing spaces removed and a newline. */
void lines_write(const struct lines *ls, FILE *out);

#endif
