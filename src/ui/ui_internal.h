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
#include <stdint.h>

#include "model/figures.h"
#include "model/model.h"
#include "model/proclist.h"
#include "model/budget.h"
#include "model/diff.h"
#include "snapshot/freeze.h"
#include "snapshot/snapshot.h"
#include "ui/agent_line.h"
#include "ui/browser.h"
#include "ui/cells.h"
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

enum ui_screen { UI_SCREEN_LIST, UI_SCREEN_PROC, UI_SCREEN_SYS };

struct ui;

/* One key binding of a screen: up to four keys, how the help screen names
 * them, what they do, and the handler (NULL: the browser moves). */
struct ui_binding {
	int keys[4];
	const char *label;
	const char *help;
	int (*fn)(struct ui *ui, int key);
};

/* Each view's state, private to its file. */
struct listview;      /* listview.c */
struct sysview;       /* sysview.c */
struct proctabs;      /* tabs.c */
struct threadchooser; /* threads.c */
struct detail;        /* detail.c */
struct ui_save;       /* save.c */

struct procview {
	pid_t pid;
	int window;               /* index into the windows the view offers */
	struct chart chart;
	float *buf;               /* samples copied out of a series */
	size_t buf_alloc;
	struct lines left, right; /* scratch: the two charts side by side */
	struct proctabs *tabs;    /* the tabs under the charts */
	struct threadchooser *chooser; /* t */
	struct drop_meter drops;  /* the agent line's */
	struct detail *det;       /* a detail screen's scratch */
	/* A tree (the view of m->tree_root with more than one member): the
	 * process the tabs are narrowed to (0: the whole tree), the merged
	 * profile of a model without a live one (a snapshot, a paused copy)
	 * and the model it was merged from. */
	pid_t scope_pid;
	struct profile *merged;
	const struct model *merged_of;
	bool was_tree;            /* the last frame showed a tree (a change resets the tabs) */
};

/* budget_view.c: what perftop run --budget judged at the last frame. */
struct ui_budget {
	struct budget_result *res; /* ui->opt->budget->nrules entries, or NULL */
	enum budget_status worst;
	bool judged;              /* res holds this frame's results */
};

struct ui {
	struct model *m;          /* what is shown: the live model, or the frozen copy
				     while paused (p) */
	struct model *live;       /* the model the collector fills; the loop holds its
				     lock around frames and keys */
	struct model *frozen;     /* while paused: the copy shown (owned), else NULL */
	struct freeze *pausing;   /* p: the copy a worker is loading (snapshot/freeze.h),
				     or NULL */
	struct ui_mouse mouse;    /* the event of the last UI_KEY_MOUSE */
	const struct ui_options *opt;
	int width, height;
	enum ui_screen screen;
	bool standalone;          /* started with -p: no list behind the view */
	bool help;                /* the help screen is open */
	bool utf8;
	bool batch;               /* plain text for --batch: counts without separators */
	enum chart_style chart_style;
	struct listview *list;    /* the process list */
	struct procview proc;
	struct sysview *sys;      /* the machine-wide view, NULL until first opened */
	char msg[MSGLOG_LEN + 64];/* status message; "" when none */
	enum theme_element msg_elem;
	double msg_until;         /* monotonic seconds */
	unsigned long long log_seen;
	struct ui_save *save;     /* the S prompt and a save waiting to be written
				     (NULL until the first S) */
	struct ui_budget budget;   /* the live budget's results (budget_view.c) */
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
/* Starts a curses screen for a loop (ui_run, the diff screen): the signal
 * and crash handlers, the terminal, opt's theme (or the default). Returns 0,
 * or -1 after printing "perftop: WHY" and hint (may be NULL) on stderr with
 * everything put back. ui__screen_stop() ends what it started. */
int ui__screen_start(const struct ui_options *opt, const char *hint);
void ui__screen_stop(void);
/* Monotonic seconds. */
double ui__now(void);
/* Pause (p), so that neither the lock nor the screen waits for the copy:
 * ui__pause() starts a copy of the live model (locked by the caller) with
 * freeze_start() (snapshot/freeze.h: encoded now, loaded by its worker
 * thread) and returns 0; or
 * -1 after a status message when it cannot (a snapshot never changes, no
 * thread). Meanwhile ui->m stays the live model, ui__pausing() is true and
 * the title says "pausing". ui__pause_fd() is readable once the worker
 * has ended (-1 when none runs); ui__pause_load(), with no lock held (the
 * loop calls it after unlocking), joins the worker (waiting for it if it
 * has not ended) and shows its copy as ui->frozen, or the reason it failed
 * in the status line. ui__resume() stops a worker still loading (it gives
 * up within milliseconds) and joins it, frees the copy and shows the live
 * model again: a second p, and quitting, go through it. Nothing the
 * collector applies meanwhile is lost: it goes on filling the live model. */
int ui__pause(struct ui *ui);
bool ui__pausing(const struct ui *ui);
int ui__pause_fd(const struct ui *ui);
void ui__pause_load(struct ui *ui);
void ui__resume(struct ui *ui);
/* Samples of pid's profile the live model has that the shown copy has not
 * (0 when not paused). Live model locked. */
uint64_t ui__waiting(const struct ui *ui, pid_t pid);
/* Handles UI_KEY_MOUSE on a browser drawn into the frame: a click selects
 * the row under it, the wheel moves the selection UI_MOUSE_WHEEL_ROWS rows.
 * Returns UI_REDRAW when it did, with *activate set for a double click on
 * a row (the caller then acts as on Enter); UI_NONE when the event is not
 * on the browser's rows (a wheel counts anywhere). */
int ui__mouse_browser(const struct ui *ui, struct browser *b, bool *activate);
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

/* listview.c — the process list. new/free own its rows and browser. */
struct listview *listview__new(void);
void listview__free(struct listview *lv);
/* Rows listed at the last rebuild (after the filter). */
size_t listview__nrows(const struct ui *ui);
/* The list's browser (its rows' pids and selection), and its sort. */
const struct browser *listview__browser(const struct ui *ui);
void listview__sort(const struct ui *ui, enum proc_sort *sort, bool *desc);
/* UI_KEY_MOUSE on the list: a click selects, a double click opens the
 * process; nothing while the filter prompt or the sort chooser is open. */
int listview__mouse(struct ui *ui);
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

/* sysview.c — the machine-wide Functions view (W in the list). open asks
 * the collector for every CPU's samples and shows the view; close stops
 * them and goes back to the list. Model (live) locked. */
void sysview__open(struct ui *ui);
void sysview__close(struct ui *ui);
void sysview__free(struct sysview *v);
void sysview__draw(struct ui *ui, struct lines *out, int rows);
int sysview__key(struct ui *ui, int key);
void sysview__status(struct ui *ui, struct lines *out);
extern const struct ui_binding sysview__bindings[];
extern const size_t sysview__nbindings;

/* procview.c — one process. init/release own pv's chart and buffer. */
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
/* Whether the view shows a tree: the view of ui->m's tree root when the
 * tree has more than one member (a lone process is shown as before). */
bool procview__is_tree(const struct ui *ui);
/* The profile the tabs read: the shown process's own, or for a tree the
 * merged profile of the whole tree or of the process it is narrowed to
 * (procview__narrow). NULL when there is none. Model locked. */
struct profile *procview__profile(struct ui *ui);
/* Narrows a tree's tabs to member pid (0: the whole tree again); the
 * thread narrowing (t) starts again from all threads. */
void procview__narrow(struct ui *ui, pid_t pid);
/* Frees the merged profile kept for a model that is no longer shown
 * (ui.c calls it when a paused copy goes). */
void procview__forget_merged(struct ui *ui);
extern const struct ui_binding procview__bindings[];
extern const size_t procview__nbindings;


/* save.c — the `S` key. save__key opens the prompt (model locked);
 * while save__editing, every key goes to save__prompt_key; Enter encodes
 * the model into ui->save (model locked: the short step) and save__pending
 * becomes true; the loop then calls save__write_pending with the model
 * UNLOCKED, which compresses and writes the file (temporary file + rename:
 * never a partial file under the final name) and leaves "saved PATH (N
 * samples, SIZE)" or the error in the status line. */
int save__key(struct ui *ui, int key);
bool save__editing(const struct ui *ui);
int save__prompt_key(struct ui *ui, int key);
/* Encodes the model for path (model locked). Returns 0, or a negative errno
 * (-ENAMETOOLONG past UI_SAVE_PATH_MAX bytes, -EINVAL for an empty path)
 * with the reason shown. */
enum { UI_SAVE_PATH_MAX = 4096 };
int save__encode(struct ui *ui, const char *path);
bool save__pending(const struct ui *ui);
/* Writes what save__encode prepared (model unlocked). Returns UI_REDRAW. */
int save__write_pending(struct ui *ui);
/* Adds the prompt as the status line when it is open; returns whether it did. */
bool save__status(struct ui *ui, struct lines *out);
/* The file name in the prompt ("" before the first S). */
const char *save__path(const struct ui *ui);
void save__release(struct ui *ui);

/* budget_view.c — perftop run --budget. budget_view__judge measures the
 * budget on process p (may be NULL) into ui->budget (model locked, once a
 * frame); budget_view__line adds the header line ("budget: all 5 pass", or
 * the breaches in TE_BAD, the warnings in TE_WARN); budget_view__style is
 * the element of a Functions (BS_FUNCTION), Zones or Counters row named
 * `name`: TE_GOOD, TE_WARN or TE_BAD from the worst rule about it, TE_ROW
 * when no rule names it or there is no budget. */
void budget_view__judge(struct ui *ui, const struct process *p);
void budget_view__line(struct ui *ui, struct lines *out);
enum theme_element budget_view__style(const struct ui *ui, enum budget_subject s,
				      const char *name);
/* The element of a row that stands for function `func` wherever it is drawn
 * (Tree and Callers nodes, Flame boxes): TE_GOOD, TE_WARN or TE_BAD from the
 * worst `function` rule naming it, TE_ROW when none does, when there is no
 * budget or func is NULL. For treeview.c's style_of: the draw context
 * holds the ui. */
enum theme_element budget_view__func_status(const struct ui *ui, const char *func);
void budget_view__release(struct ui *ui);

/* threads.c — the thread chooser (t): "All threads" then each thread
 * with its name, tid and samples, most samples first; Enter sets the tabs'
 * scope to it, Esc closes. */
struct threadchooser *threads__new(void);
void threads__free(struct threadchooser *c);
/* Whether the chooser is open (it takes every key); close closes it. */
bool threads__is_open(const struct ui *ui);
void threads__close(struct ui *ui);
/* Opens the chooser on p's threads, the current scope selected. Locked. */
void threads__open(struct ui *ui, struct profile *p);
/* Adds exactly `rows` lines: a title, the header and the threads. */
void threads__draw(struct ui *ui, struct lines *out, struct profile *p, int rows);
/* Takes every key while open (moves, Enter, Esc, mouse). */
int threads__key(struct ui *ui, struct profile *p, int key);
/* Adds the chooser's status line. */
void threads__status(struct ui *ui, struct lines *out);

/* diffview.c — perftop diff's screen over a struct diff (borrowed, with
 * the two paths, for the view's life). diffview__frame builds the whole
 * screen (width x height); diffview__key handles a key or UI_KEY_RESIZE.
 * new never fails (allocation is fatal); free takes NULL. */
struct diffview;
struct diffview *diffview__new(const struct diff *d, const char *base_path, const char *new_path,
			       bool utf8);
void diffview__free(struct diffview *v);
void diffview__frame(struct diffview *v, struct lines *out, int width, int height);
int diffview__key(struct diffview *v, int key);
/* The current tab's selected row (an index into the diff's funcs or
 * zones), and whether the help screen is open. */
size_t diffview__selected(const struct diffview *v);
bool diffview__help_open(const struct diffview *v);

/* help.c: adds height - 1 lines listing the current screen's keys. */
void help__draw(struct ui *ui, struct lines *out);

/* loop.c — the terminal's event loop, one for the live view (ui.c) and the
 * diff screen (diffview.c): it draws a frame when asked, then waits in one
 * poll() on the terminal, the signal self-pipe and up to LOOP_MAX_FDS
 * descriptors of the view's, and hands what the wait brought to the view as
 * one batch of keys: UI_KEY_RESIZE, the view's own (a tick of new data, a
 * message's timer), then the keys and mouse events read. It ends on a quit
 * signal (SIGINT, SIGTERM, SIGHUP), a terminal that hung up or failed, or a
 * UI_QUIT from the view.
 *
 * `--batch` (batch.c) has a loop of its own: no terminal, no keys, no
 * frames painted; it waits on the source alone, its signals end it through
 * a flag rather than the self-pipe (the terminal's handlers are not
 * installed), and it settles after the command exits.
 */
enum { LOOP_MAX_FDS = 2, LOOP_MAX_KEYS = 64 };

/* What a view gives the loop; ctx goes to every callback. */
struct loop_ops {
	void *ctx;
	/* Draws the frame for a screen of width x height into frame. */
	void (*draw)(void *ctx, struct lines *frame, int width, int height);
	/* May be NULL. Before each wait: work that cannot wait (returns the
	 * flags it leads to; nonzero skips the wait), and the wait's limit in
	 * *timeout_ms (-1 as given: none). */
	int (*before_wait)(void *ctx, int *timeout_ms);
	/* May be NULL (none). The view's descriptor i (< LOOP_MAX_FDS) for
	 * this wait, -1 for none (asked before every wait: it may come and
	 * go), and what a readable one brings: flags, and a key into *key
	 * (left -1: none). */
	int (*fd)(void *ctx, int i);
	int (*ready)(void *ctx, int i, int *key);
	/* May be NULL. After each wait: a key to add last (-1: none). */
	int (*after_wait)(void *ctx);
	/* Handles the n keys of one wait (mice[i] is keys[i]'s event when it
	 * is UI_KEY_MOUSE; n may be 0); returns UI_ flags. */
	int (*keys)(void *ctx, const int *keys, const struct ui_mouse *mice, int n);
};

/* Runs the loop on the open screen (ui__screen_start) until it ends;
 * starts with a frame. Returns 0. */
int loop_run(const struct loop_ops *ops);

/* screen.c: the curses side. screen__open starts curses on the terminal
 * (0, or -errno with a reason when stdin/stdout is not a terminal or TERM is
 * unknown); screen__close leaves it exactly as it was. */
int screen__open(bool any_tty, char *why, size_t why_len);
/* The checks screen__open makes (a terminal, a usable TERM) without
 * starting curses; 0 or a negative errno with why. With any_tty, both
 * take /dev/tty when stdin or stdout is not a terminal. */
int screen__check(bool any_tty, char *why, size_t why_len);
/* The descriptor keys come from: stdin, or /dev/tty (see screen.c). */
int screen__input_fd(void);
/* The signal (SIGINT, SIGTERM, SIGHUP) that last asked the loop to quit,
 * cleared by the call; 0 when none. */
int screen__quit_signal(void);
/* batch.c: the signal that ended the last ui_batch(), cleared; 0: none. */
int ui__batch_signal(void);
void screen__close(void);
/* The screen's size in columns and lines. */
void screen__size(int *width, int *height);
/* Resizes curses to the terminal's new size. */
void screen__resize(void);
/* Shows the lines, each span in its theme element; curses sends only what
 * changed since the last paint. */
void screen__paint(const struct lines *ls);
/* Turns mouse reporting on or off (on: clicks and the wheel arrive as
 * UI_KEY_MOUSE). */
void screen__mouse(bool on);
/* The next key, translated; -1 when none is waiting. For UI_KEY_MOUSE,
 * *mouse receives the event. */
int screen__read_key(struct ui_mouse *mouse);
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
