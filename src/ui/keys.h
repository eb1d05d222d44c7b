/*
 * keys — the keys the views handle, and what a key handler answers.
 *
 * Characters are their Unicode code points; special keys and events have
 * codes above the last code point. screen.c turns curses' keys into these,
 * and the loop adds synthetic ones: a resize, a collector tick, a timer. So
 * every view is driven the same way by a terminal, a test or a replay, and
 * nothing but screen.c knows curses' key codes.
 */
#ifndef PERFTOP_UI_KEYS_H
#define PERFTOP_UI_KEYS_H

#include <stdbool.h>

enum ui_key {
	UI_KEY_TAB = '\t',
	UI_KEY_ESC = 27,
	UI_KEY_SPECIAL = 0x110000, /* past the last Unicode code point */
	UI_KEY_UP = UI_KEY_SPECIAL,
	UI_KEY_DOWN,
	UI_KEY_LEFT,
	UI_KEY_RIGHT,
	UI_KEY_PGUP,
	UI_KEY_PGDN,
	UI_KEY_HOME,
	UI_KEY_END,
	UI_KEY_ENTER,
	UI_KEY_BACKSPACE,
	UI_KEY_DELETE,
	UI_KEY_BTAB,               /* Shift-Tab */
	UI_KEY_F1,                 /* F1..F12 follow in order */
	UI_KEY_F12 = UI_KEY_F1 + 11,
	UI_KEY_UNKNOWN,            /* a special key perftop does not use */
	/* synthetic events */
	UI_KEY_RESIZE,             /* the terminal changed size */
	UI_KEY_TICK,               /* the collector applied a reading */
	UI_KEY_TIMER,              /* a timer the loop keeps (status messages) */
	UI_KEY_MOUSE,              /* a mouse event: what and where is in ui->mouse */
};

/* A mouse event as screen.c reports it with UI_KEY_MOUSE. The loop copies
 * it into ui->mouse before it hands UI_KEY_MOUSE to the views, so a view
 * (or a tab module's key()) reads ui->mouse when it gets that key. A click
 * is reported when the button goes down; double_click is set on the second
 * press at the same place within UI_MOUSE_DOUBLE_MS. */
enum ui_mouse_button {
	UI_MOUSE_NONE,
	UI_MOUSE_LEFT,
	UI_MOUSE_MIDDLE,
	UI_MOUSE_RIGHT,
	UI_MOUSE_WHEEL_UP,
	UI_MOUSE_WHEEL_DOWN,
};
enum { UI_MOUSE_DOUBLE_MS = 400, UI_MOUSE_WHEEL_ROWS = 3 };
struct ui_mouse {
	int x, y;                  /* screen column and line, from 0 at the top left */
	enum ui_mouse_button button;
	bool double_click;
};

#define UI_KEY_F(n) (UI_KEY_F1 + (n) - 1)
#define UI_KEY_CTRL(c) ((c) & 0x1f)

/* What a key handler asks the loop to do; handlers never draw. */
enum ui_action {
	UI_NONE = 0,
	UI_REDRAW = 1 << 0, /* something on screen changed */
	UI_RESORT = 1 << 1, /* the row set or order changed: rebuild, keep selection */
	UI_QUIT = 1 << 2,   /* leave perftop */
};

#endif
