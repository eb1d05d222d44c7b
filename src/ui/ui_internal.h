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

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "model/proclist.h"
#include "report/budget.h"
#include "report/diff.h"
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

struct listview;

/* The process view's tabs, shown once the process has a profile: the tab
 * table. In the order Tab walks them and 1 to 7 choose them, each with its
 * title, its short title (a narrow bar) and its module. A new tab is a file
 * exporting a struct tab_module and one line here.
 *   X(id, title, short title, module) */
#define PROC_TABS(X)                                             \
	X(FUNCTIONS, "Functions", "Func", tab_functions__module) \
	X(TREE, "Tree", "Tree", treeview__module)                \
	X(CALLERS, "Callers", "Call", treeview__module)          \
	X(FLAME, "Flame", "Flame", flameview__module)            \
	X(ZONES, "Zones", "Zone", tab_zones__module)             \
	X(COUNTERS, "Counters", "Ctr", tab_counters__module)     \
	X(LOG, "Log", "Log", tab_log__module)

enum proc_tab {
#define X(id, title, brief, module) PTAB_##id,
	PROC_TABS(X)
#undef X
	PTAB_COUNT
};

/* One tab of the process view, in a file of its own: tabs.c keeps the tab
 * bar, the scope, the search prompt, tab switching and the mouse on the
 * bar, and hands the rest to the module through these hooks. Every hook is
 * called with the model locked; `state` is what create() returned (the
 * module's private state). The scope (ui->proc.tabs.scope) is refreshed
 * before rebuild() on every frame. Hooks marked "may be NULL" are optional.
 *
 * A table tab (table true: Functions, Zones, Counters, Log) lists rows in
 * its browser, tabs__browser(ui, tab): the container moves the selection
 * (arrows, PgUp/PgDn, Home/End, clicks, the wheel) and walks row_text() for
 * the search. Other tabs (Tree, Callers, Flame) handle their keys, the
 * mouse and search themselves. */
struct tab_module {
	void *(*create)(enum proc_tab tab);
	void (*destroy)(void *state);
	/* Forgets positions, expansions and open details (another process
	 * opened, or R). */
	void (*reset)(void *state);
	/* The counts started again from 0 (R): forgets what was derived from
	 * them. May be NULL (nothing to forget). */
	void (*counts_reset)(void *state);
	/* Rebuilds the rows from the scope's profile_view. */
	void (*rebuild)(struct ui *ui, void *state, struct profile *p);
	/* Adds exactly `rows` lines (the tab bar is drawn already). */
	void (*draw)(struct ui *ui, void *state, struct lines *out, struct profile *p, int rows);
	/* A key, before the container's sort, Enter and move keys; UI_NONE
	 * when it is not the module's. May be NULL. */
	int (*key)(struct ui *ui, void *state, struct profile *p, int key);
	/* True while the tab takes keys before the process view's own (a
	 * tree's focus, an open detail screen). May be NULL (never). */
	bool (*keys_first)(const void *state);
	bool table;
	/* Table tabs: the text search looks at in row i (< the browser's n). */
	const char *(*row_text)(const void *state, const struct profile *p, size_t i);
	/* Other tabs: selects the next (dir +1) or previous (-1) row whose name
	 * contains needle (case-insensitive), from the selection (included
	 * when inclusive), wrapping. Returns whether one matched. */
	bool (*search)(struct ui *ui, void *state, struct profile *p, const char *needle, int dir,
		       bool inclusive);
	/* The user moved a table's selection (keys, mouse, search). May be NULL. */
	void (*moved)(void *state, const struct browser *b);
	/* `<` `>` F6 walk the sort columns, I inverts: returns UI_REDRAW |
	 * UI_RESORT when the order changed (the container rebuilds), or what
	 * the key did (a message). May be NULL: the keys are not the tab's. */
	int (*sort)(struct ui *ui, void *state, int key);
	/* The text after the tab bar naming the sort ("by p95 ", "by name
	 * (inverted) "); may be NULL (a tab that does not sort). */
	void (*sort_label)(const void *state, char *buf, size_t len);
	/* Enter, Right or a double click on a table's selected row (a detail,
	 * another tab). May be NULL. */
	int (*enter)(struct ui *ui, void *state, struct profile *p);
	/* The number the tab bar shows after the title (0: none). May be NULL. */
	size_t (*count)(const struct ui *ui, const struct profile *p);
	/* The tab's own keys, listed by the help screen with the view's. */
	const struct ui_binding *bindings;
	size_t nbindings;
};

#define X(id, title, brief, module) extern const struct tab_module module;
PROC_TABS(X)
#undef X

/* view_tree.c: the Tree and Callers tabs (create() is given which).
 * Goes to the Callers tab focused on function func (who calls it, and how
 * much of its time comes through each path), as Enter and f do on the
 * Functions tab. A function that is never a leaf has no callers entry: the
 * Tree tab opens instead, with its hottest path through func revealed and
 * selected, and a message says why. Model locked. */
int treeview__show_callers(struct ui *ui, struct profile *p, uint32_t func);

/* The live windows `w` cycles through, in seconds; 0 is everything. */
enum { TABS_NWINDOWS = 3, TABS_DEFAULT_WINDOW = 0 };
extern const double tabs__window_seconds[TABS_NWINDOWS];

/* What the tabs show: one thread or all, over the live window and over
 * everything. tabs__rebuild refreshes win every frame, and all when the
 * current tab reads it (tabs__scope_all) with a live window (over
 * everything, win is the same and all is left as it was). */
struct tabs_scope {
	pid_t tid;                /* 0: all threads merged */
	int window;               /* index into tabs__window_seconds */
	struct profile_view win;  /* the live window (everything when the window is 0) */
	struct profile_view all;  /* everything since start (or R); see above */
};

/* A zone's figures as the tables show them: count, mean, min and max exact
 * (the agent's statistics) when the agent sent them, percentiles from the
 * histogram of the events received (0 when none arrived). Durations in ns. */
struct zone_figures {
	uint64_t count;
	double rate_per_s;
	double total_ns, mean_ns, min_ns, max_ns;
	double p50_ns, p90_ns, p95_ns, p99_ns, p999_ns;
	bool have_pcts;           /* events arrived: the percentiles mean something */
};

/* The container's state (tabs.c): which tab, the scope, the search, and
 * each tab's browser and module state. */
struct proctabs {
	enum proc_tab tab;
	struct browser br[PTAB_COUNT];
	struct tabs_scope scope;
	void *module_state[PTAB_COUNT];
	bool show_file;           /* the FILE:LINE column (L), Functions and Tree */
	char search[UI_FILTER_MAX];
	bool searching;           /* the search prompt is open */
	size_t search_origin;     /* the row selected when the prompt opened */
	/* Where the last tab bar was drawn, for mouse clicks: its line, and
	 * each tab's columns [start, end) (-1 when not shown; on a narrow bar
	 * the arrows stand for the neighbours). */
	int bar_line;
	int bar_start[PTAB_COUNT], bar_end[PTAB_COUNT];
};

struct threadchooser;

struct detail;

struct procview {
	pid_t pid;
	int window;               /* index into the windows the view offers */
	struct chart chart;
	float *buf;               /* samples copied out of a series */
	size_t buf_alloc;
	struct lines left, right; /* scratch: the two charts side by side */
	struct proctabs tabs;
	struct threadchooser *chooser; /* view_threads.c's */
	struct drop_meter drops;  /* agent_line.c */
	struct detail *det;       /* view_detail.c's scratch */
};

struct ui_save;

/* ui.c: pause (p) in progress. ui__pause encodes the live model into buf
 * and starts a worker thread that loads it into a model of its own; the
 * worker writes a byte to done_fd[1] when it ends, and the UI joins it
 * (ui__pause_load) before reading copy, rc and why. stop asks the worker to
 * give up (ui__resume). */
struct ui_pause {
	bool running;             /* a worker was started and not joined yet */
	pthread_t thread;
	int done_fd[2];           /* a pipe, or -1 -1 before the first pause */
	atomic_bool stop;
	struct snapshot_buf buf;  /* the worker's while it runs */
	struct model *copy;       /* the worker's result when rc is 0, else NULL */
	int rc;                   /* 0, -ECANCELED after stop, or the load's error */
	char why[160];
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
	struct ui_pause pause;    /* p: the copy a worker thread is loading */
	struct ui_mouse mouse;    /* the event of the last UI_KEY_MOUSE */
	const struct ui_options *opt;
	int width, height;
	enum ui_screen screen;
	bool standalone;          /* started with -p: no list behind the view */
	bool help;                /* the help screen is open */
	bool utf8;
	bool batch;               /* plain text for --batch: counts without separators */
	enum chart_style chart_style;
	struct listview *list;     /* view_list.c's */
	struct procview proc;
	char msg[MSGLOG_LEN + 64];/* status message; "" when none */
	enum theme_element msg_elem;
	double msg_until;         /* monotonic seconds */
	unsigned long long log_seen;
	struct ui_save *save;      /* save.c's: the S prompt and a save waiting to be
				      written (NULL until the first S) */
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
 * ui__pause() encodes the live model (locked by the caller) with the
 * snapshot encoder (about 15 ms for 1,000,000 samples over 50,000 stacks),
 * starts a worker thread that loads it into a model of its own (about
 * 1.3 s for that profile: the load replays every stack) and returns 0; or
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

/* view_list.c — the process list. new/free own its rows and browser. */
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

/* tabs.c — the container of the tabs of a process with a profile.
 * init/release own the browsers and create/destroy every module's state;
 * reset forgets positions when the view opens another process or resets. */
void tabs__init(struct proctabs *t);
void tabs__release(struct proctabs *t);
void tabs__reset(struct proctabs *t);
/* Rebuilds the current tab's rows from p. Model locked. */
void tabs__rebuild(struct ui *ui, struct profile *p);
/* Adds exactly `rows` lines: the tab bar and the current tab (after
 * tabs__rebuild in the same locked section). */
void tabs__draw(struct ui *ui, struct lines *out, struct profile *p, int rows);
/* Handles a key of the tabs (Tab, 1-7, search, then the current tab's);
 * UI_NONE when the key is not theirs. Model locked. */
int tabs__key(struct ui *ui, struct profile *p, int key);
/* True while the search prompt is open and takes every key. */
bool tabs__editing(const struct ui *ui);
/* True when the current tab takes keys before the view (its keys_first). */
bool tabs__keys_first(const struct ui *ui);
/* Adds the search prompt as the status line when it is open; returns
 * whether it did. */
bool tabs__status(struct ui *ui, struct lines *out);
/* Calls every tab's counts_reset (R). */
void tabs__counts_reset(struct ui *ui);
/* For the table tabs' draw hooks: the browser b's header and rows in
 * exactly `rows` lines (see browser_draw), with `empty` on the first row's
 * line when there are none. */
void tabs__table_draw(struct ui *ui, struct lines *out, struct browser *b, int rows,
		      const struct browser_column *cols, size_t ncols, int sort, bool desc,
		      const void *(*row_at)(const void *ctx, size_t i), browser_style_fn style_of,
		      const void *ctx, const char *empty);
/* The current tab's module, and any tab's. */
const struct tab_module *tabs__module(enum proc_tab tab);
/* A tab's title ("Functions"). */
const char *tabs__title(enum proc_tab tab);
/* The current tab; tabs__select shows tab (rebuilding it). Model locked. */
enum proc_tab tabs__current(const struct ui *ui);
void tabs__select(struct ui *ui, struct profile *p, enum proc_tab tab);
/* Tab's browser (its rows and selection), and its module's state (what
 * its create() returned: for the module's own accessors). */
struct browser *tabs__browser(struct ui *ui, enum proc_tab tab);
void *tabs__state(const struct ui *ui, enum proc_tab tab);
/* The view over everything in the scope: scope.win itself when the window
 * is everything. Rebuilt every frame only for tabs that call it in their
 * rebuild (the Functions tab): a tab calls tabs__scope_all_update first. */
const struct profile_view *tabs__scope_all(const struct ui *ui);
void tabs__scope_all_update(struct ui *ui, struct profile *p);
/* The text after the tab bar naming the current tab's sort, "" for a tab
 * that does not sort. */
void tabs__sort_label(const struct ui *ui, char *buf, size_t len);
/* The scope as the tab bar shows it: "last 5s · all threads" or "all ·
 * thread worker". */
void tabs__scope_text(char *buf, size_t len, const struct ui *ui, const struct profile *p);
/* The scope; tabs__set_tid shows thread tid (0: all), tabs__set_window
 * the window (an index into tabs__window_seconds). The next frame rebuilds
 * the tab. */
const struct tabs_scope *tabs__scope(const struct ui *ui);
void tabs__set_tid(struct ui *ui, pid_t tid);
void tabs__set_window(struct ui *ui, int window);
/* The search's text ("" when none). */
const char *tabs__search(const struct ui *ui);
/* Clicks on the tab bar switch tabs; anything else goes to the current
 * tab (its browser, or its module's key()). Model locked. */
int tabs__mouse(struct ui *ui, struct profile *p);
/* For the table tabs' sort hooks: `<` `>` F6 step *sort over [0, nkeys)
 * (figures biggest first, the name column name_key A to Z), I inverts
 * *desc. Keeps b's selection on its row through the new order. Returns
 * UI_REDRAW | UI_RESORT, or UI_NONE for another key. */
int tabs__sort_step(struct browser *b, int *sort, bool *desc, int nkeys, int name_key, int key);
/* For the sort labels: "by NAME " or "by NAME (inverted) " (natural:
 * the direction that is not inverted is descending). */
void tabs__sort_text(char *buf, size_t len, const char *name, bool desc, bool natural);

/* tab_functions.c: how often the Functions tab sorted its rows (*sorts)
 * and ranked the functions' names (*name_ranks) since tabs__init or
 * tabs__reset: rows are re-sorted only when the counts they sort on, the
 * rows listed or the sort change, and names are ranked again only when
 * functions are added or the profile is another. For tests and
 * benchmarks. */
void tab_functions__sort_stats(const struct ui *ui, unsigned long *sorts,
			       unsigned long *name_ranks);
/* The function id of the Functions tab's row i (< its browser's n). */
uint32_t tab_functions__row(const struct ui *ui, size_t i);
/* tab_zones.c: a zone's figures from its summary over everything
 * (profile_zone_summary with seconds 0) and the agent's exact statistics. */
void tabs__zone_figures(const struct profile_zone *z, const struct profile_zone_summary *s,
			struct zone_figures *f);

/* view_detail.c — the detail screen of a Zones or Counters row, or of a
 * Python function's lines, drawn in the tab area: a zone's latency
 * histogram and its p95 / p50 per second; a counter's value and rate per
 * second over time. Its scratch (ui->proc.det) is made by create. */
struct detail *detail__create(void);
void detail__destroy(struct detail *d);
/* What a detail screen shows: nothing (a table with no rows), a zone (its
 * id and its figures in the scope), a counter or a function's lines. */
enum detail_kind { DETAIL_NONE, DETAIL_ZONE, DETAIL_COUNTER, DETAIL_LINES };
struct detail_subject {
	enum detail_kind kind;
	uint32_t id;                  /* the zone, counter or function */
	const struct zone_figures *f; /* DETAIL_ZONE */
};
/* Adds exactly `rows` lines for s (the tab bar is drawn already). Locked. */
void detail__draw(struct ui *ui, struct lines *out, struct profile *p,
		  const struct detail_subject *s, int rows);
/* A key while a detail is open (*open): Esc, q, Left, Backspace close it
 * (the table keeps its selection); Up, Down, PgUp, PgDn, Home, End show
 * the previous / next row of b. UI_NONE for the other keys. */
int detail__key(struct browser *b, bool *open, int key);

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
 * budget or func is NULL. For view_tree.c's style_of: the draw context
 * holds the ui. */
enum theme_element budget_view__func_status(const struct ui *ui, const char *func);
void budget_view__release(struct ui *ui);

/* view_threads.c — the thread chooser (t): "All threads" then each thread
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

/* view_diff.c — perftop diff's screen over a struct diff (borrowed, with
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
