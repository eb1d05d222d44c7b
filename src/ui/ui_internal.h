/*
 * ui_internal — what the ui's files share: the screen state, the views'
 * entry points, key bindings. Not for use outside src/ui.
 *
 * The split follows STYLE.md: views build lines (ui__frame and the view
 * draw functions, called with the model locked) and handle keys (returning
 * enum ui_action flags, never drawing); ui.c runs the poll loop and
 * screen.c is the only file that talks to curses.
 */
#ifndef PERFTOP_UI_UI_INTERNAL_H
#define PERFTOP_UI_UI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "model/proclist.h"
#include "ui/browser.h"
#include "ui/chart.h"
#include "ui/keys.h"
#include "ui/lines.h"
#include "ui/ui.h"

enum {
	UI_MIN_WIDTH = 40,
	UI_MIN_HEIGHT = 10,
	UI_FILTER_MAX = 128,      /* bytes of a filter */
	UI_MSG_SECONDS = 10,      /* a status message stays this long (or until a key) */
	UI_SPARK_SAMPLES = 10,    /* samples in a list row's sparkline */
};

enum ui_screen { UI_SCREEN_LIST, UI_SCREEN_PROC };

struct ui;

/* One key binding of a screen: up to four keys, how the help screen names
 * them, what they do, and the handler (NULL: the browser moves). */
struct ui_binding {
	int keys[4];
	const char *label;
	const char *help;
	int (*fn)(struct ui *ui, int key);
};

struct listview {
	enum proc_sort sort;
	bool desc;
	char filter[UI_FILTER_MAX];
	bool editing;             /* the filter prompt is open */
	bool chooser;             /* the F6 sort chooser is open */
	int chooser_sel;          /* index into the sortable columns */
	struct process **rows;    /* valid only while the model is locked */
	size_t nrows, rows_alloc;
	size_t total;             /* processes before filtering */
	struct browser br;
};

struct procview {
	pid_t pid;
	int window;               /* index into the windows the view offers */
	struct chart chart;
	float *buf;               /* samples copied out of a series */
	size_t buf_alloc;
};

struct ui {
	struct model *m;
	const struct ui_options *opt;
	int width, height;
	enum ui_screen screen;
	bool standalone;          /* started with -p: no list behind the view */
	bool help;                /* the help screen is open */
	bool utf8;
	enum chart_style chart_style;
	struct listview list;
	struct procview proc;
	char msg[MSGLOG_LEN + 64];/* status message; "" when none */
	enum theme_element msg_elem;
	double msg_until;         /* monotonic seconds */
	unsigned long long log_seen;
};

/* ui.c: init prepares the state for m and opt (kept by pointer), measuring
 * text as UTF-8 when utf8; release frees what the views hold. */
void ui__init(struct ui *ui, struct model *m, const struct ui_options *opt, bool utf8);
void ui__release(struct ui *ui);
/* Builds the whole screen (width × height) into out. Model locked. */
void ui__frame(struct ui *ui, struct lines *out);
/* Handles one key or synthetic event. Model locked. */
int ui__key(struct ui *ui, int key);
/* Shows text in the status line for UI_MSG_SECONDS. */
void ui__message(struct ui *ui, enum theme_element elem, const char *text);
/* Monotonic seconds. */
double ui__now(void);
/* True when the locale's character set is UTF-8 (after setlocale). */
bool ui__locale_utf8(void);
/* A key hint in the status line: "F1" "Help". */
struct ui_hint {
	const char *key, *label;
};
/* Draws the status line: the pending message, or the hints with `right`
 * (may be NULL) at the right end when it fits. */
void ui__hints(struct ui *ui, struct lines *out, const struct ui_hint *hints, size_t n,
	       const char *right);

/* header.c: the machine's meters: per-CPU meters in at most cpu_rows_max
 * lines (none when they cannot fit), then two lines of CPU, memory, swap,
 * tasks and load. Returns the lines added. Model locked. */
int header__draw(struct lines *out, const struct model *m, int width, int cpu_rows_max);

/* view_list.c — the process list. init/release own lv's rows and browser. */
void listview__init(struct listview *lv);
void listview__release(struct listview *lv);
/* Adds exactly `rows` lines: the column header and the visible rows (after
 * listview__rebuild in the same locked section). */
void listview__draw(struct ui *ui, struct lines *out, int rows);
/* Handles a key on the list (filter prompt and chooser first). */
int listview__key(struct ui *ui, int key);
/* Adds the list's status line: the filter prompt, or hints and counts. */
void listview__status(struct ui *ui, struct lines *out);
/* Rebuilds lv->rows from the model (filtered, sorted). Model locked. */
void listview__rebuild(struct ui *ui);
/* Every key of the list, for the dispatch and the help screen. */
extern const struct ui_binding listview__bindings[];
extern const size_t listview__nbindings;

/* view_proc.c — one process. init/release own pv's chart and buffer. */
void procview__init(struct procview *pv);
void procview__release(struct procview *pv);
/* Adds exactly `rows` lines: title, figures and the two charts. Locked. */
void procview__draw(struct ui *ui, struct lines *out, int rows);
/* The view's figures without charts (for --batch). Model locked. */
void procview__figures(struct ui *ui, struct lines *out);
/* Handles a key on the process view. */
int procview__key(struct ui *ui, int key);
/* Adds the view's status line: hints, window and chart style. */
void procview__status(struct ui *ui, struct lines *out);
/* Opens the view of pid (watching it) / goes back to the list. Model locked. */
void procview__open(struct ui *ui, pid_t pid);
void procview__close(struct ui *ui);
extern const struct ui_binding procview__bindings[];
extern const size_t procview__nbindings;

/* help.c: adds height - 1 lines listing the current screen's keys. */
void help__draw(struct ui *ui, struct lines *out);

/* screen.c: the curses side. screen__open starts curses on the terminal
 * (0, or -errno with a reason when stdin/stdout is not a terminal or TERM is
 * unknown); screen__close leaves it exactly as it was. */
int screen__open(char *why, size_t why_len);
void screen__close(void);
/* The screen's size in columns and lines. */
void screen__size(int *width, int *height);
/* Resizes curses to the terminal's new size. */
void screen__resize(void);
/* Shows the lines, each span in its theme element; curses sends only what
 * changed since the last paint. */
void screen__paint(const struct lines *ls);
/* The next key, translated; -1 when none is waiting. */
int screen__read_key(void);
/* A descriptor readable when a signal arrived; screen__signals() drains it
 * and returns SCREEN_SIG_* bits. */
int screen__signal_fd(void);
enum { SCREEN_SIG_QUIT = 1, SCREEN_SIG_RESIZE = 2 };
int screen__signals(void);
/* Installs the SIGINT/SIGTERM/SIGWINCH handlers (before curses starts, so
 * curses leaves them alone), the crash handlers and fatal()'s hook, all of
 * which restore the terminal. Returns 0 or -errno with a reason. */
int screen__install_signals(char *why, size_t why_len);
/* Puts every signal and the fatal hook back as they were. */
void screen__restore_signals(void);

#endif
