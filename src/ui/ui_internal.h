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

/* Below this much CPU time of the target since perftop connected, the agent
 * line shows the agent's own CPU time, not its share (ns). */
#define UI_COST_MIN_TARGET_NS 1000000000ull

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

/* The process view's tabs, shown once the process has a profile, in the
 * order Tab walks them. */
enum proc_tab {
	PTAB_FUNCTIONS,
	PTAB_TREE,    /* top-down hot paths (view_tree.c) */
	PTAB_CALLERS, /* bottom-up: who calls the hot functions (view_tree.c) */
	PTAB_FLAME,   /* icicle graph (view_flame.c) */
	PTAB_ZONES,
	PTAB_COUNTERS,
	PTAB_LOG,
	PTAB_COUNT
};

struct proctabs;

/* A tab that lives in its own file (Tree, Callers, Flame): view_tabs.c
 * keeps the tab bar, the search prompt and the scope, and hands the rest to
 * the module. Every function is called with the model locked; `state` is
 * what create() returned. The scope (ui->proc.tabs.scope) is refreshed
 * before rebuild() on every frame. */
struct tab_module {
	void *(*create)(enum proc_tab tab);
	void (*destroy)(void *state);
	/* Forgets positions and expansions (another process opened, or R). */
	void (*reset)(void *state);
	/* Rebuilds the rows from the scope's profile_view. */
	void (*rebuild)(struct ui *ui, void *state, struct profile *p);
	/* Adds exactly `rows` lines (the tab bar is drawn already). */
	void (*draw)(struct ui *ui, void *state, struct lines *out, struct profile *p, int rows);
	/* A key; UI_NONE when it is not the module's (the view's keys then run). */
	int (*key)(struct ui *ui, void *state, struct profile *p, int key);
	/* Selects the next (dir +1) or previous (-1) row whose name contains
	 * needle (case-insensitive), from the selection (included when
	 * inclusive), wrapping. Returns whether one matched. */
	bool (*search)(struct ui *ui, void *state, struct profile *p, const char *needle, int dir,
		       bool inclusive);
	/* The tab's own keys, listed by the help screen with the view's. */
	const struct ui_binding *bindings;
	size_t nbindings;
};

/* view_tree.c: the Tree and Callers tabs (create() is given which). */
extern const struct tab_module treeview__module;
/* Goes to the Callers tab focused on function func (who calls it, and how
 * much of its time comes through each path), as Enter and f do on the
 * Functions tab. A function that is never a leaf has no callers entry: the
 * Tree tab opens instead, with its hottest path through func revealed and
 * selected, and a message says why. Model locked. */
int treeview__show_callers(struct ui *ui, struct profile *p, uint32_t func);
/* view_flame.c: the Flame tab. */
extern const struct tab_module flameview__module;

/* The live windows `w` cycles through, in seconds; 0 is everything. */
enum { TABS_NWINDOWS = 3, TABS_DEFAULT_WINDOW = 0 };
extern const double tabs__window_seconds[TABS_NWINDOWS];

/* What the tabs show: one thread or all, over the live window and over
 * everything. tabs__rebuild refreshes win every frame, and all only for the
 * Functions tab with a live window (its only reader; over everything, win
 * is the same and all is left as it was). */
struct tabs_scope {
	pid_t tid;                /* 0: all threads merged */
	int window;               /* index into tabs__window_seconds */
	struct profile_view win;  /* the live window (everything when the window is 0) */
	struct profile_view all;  /* everything since start (or R); see above */
};

/* The Functions tab's sort keys, in the order `<` `>` and F6 walk them. */
enum func_sort { FSORT_SELF, FSORT_TOTAL, FSORT_NAME, FSORT_COUNT };

/* The Zones tab's sort keys, one per column, in the order `<` `>` and F6
 * walk them. */
enum zone_sort {
	ZSORT_NAME, ZSORT_COUNT, ZSORT_RATE, ZSORT_TOTAL, ZSORT_MEAN, ZSORT_MIN, ZSORT_P50,
	ZSORT_P90, ZSORT_P95, ZSORT_P99, ZSORT_P999, ZSORT_MAX, ZSORT_KEYS
};
/* The Counters tab's sort keys, one per column. */
enum counter_sort {
	CSORT_NAME, CSORT_KIND, CSORT_TOTAL, CSORT_RATE, CSORT_RATE_MIN, CSORT_HISTORY,
	CSORT_KEYS
};

/* A Zones or Counters detail screen (view_detail.c): its scratch space. */
struct tabs_detail {
	struct chart chart;
	struct hist hist;         /* the zone's histogram in the scope */
	float *buf;               /* a series copied out of the model */
	size_t buf_alloc;
	struct lines left, right; /* two charts side by side */
};

struct tabs_zone_row {
	uint32_t id;
	const char *name;
	struct zone_figures f;
};

/* One Log line: a mark of the program, a line of its output (perftop run's
 * screen) or a message of perftop's own. */
enum { TABS_LOG_MARK = -1, TABS_LOG_OUTPUT = -2 }; /* kind; else an enum msglog_level */
struct tabs_log_row {
	double wall;              /* seconds since the epoch */
	int kind;
	pid_t tid;                /* marks: the thread */
	const char *text;         /* in the model: valid while it is locked */
};

struct proctabs {
	enum proc_tab tab;
	struct browser br[PTAB_COUNT];
	struct tabs_scope scope;
	void *module_state[PTAB_COUNT]; /* for the tabs with a struct tab_module */
	enum func_sort sort;
	bool desc;
	bool show_file;           /* the FILE:LINE column (L) */
	char search[UI_FILTER_MAX];
	bool searching;           /* the search prompt is open */
	size_t search_origin;     /* the row selected when the prompt opened */
	bool log_tail;            /* the Log keeps its newest line selected */
	enum zone_sort zone_sort; /* each tab sorts on its own */
	bool zone_desc;
	enum counter_sort counter_sort;
	bool counter_desc;
	bool detail[PTAB_COUNT];  /* Zones, Counters: the selected row's detail is open */
	struct tabs_detail det;
	/* Rows of the current tab, rebuilt each frame (model locked). */
	uint32_t *funcs;          /* function ids, sorted */
	size_t nfuncs, funcs_alloc;
	struct funcs_order *forder; /* what sorted them, kept between frames (view_tabs.c) */
	uint32_t *counters;
	size_t ncounters, counters_alloc;
	double *counter_vals;     /* by counter id: its total over the scope's window */
	size_t counter_vals_alloc;
	struct tabs_zone_row *zones;
	size_t nzones, zones_alloc;
	struct profile_zone_summary *sums;
	size_t sums_alloc;
	struct tabs_log_row *log;
	size_t nlog, log_alloc;
	/* Where the last tab bar was drawn, for mouse clicks: its line, and
	 * each tab's columns [start, end) (-1 when not shown; on a narrow bar
	 * the arrows stand for the neighbours). */
	int bar_line;
	int bar_start[PTAB_COUNT], bar_end[PTAB_COUNT];
};

/* The thread chooser `t` opens over the tabs (view_threads.c). */
struct threadchooser {
	bool open;
	struct browser br;
	pid_t *tids;              /* rows: 0 (all threads), then threads by samples */
	size_t n, alloc;
};

/* The agent's drop count at the last few draws, to tell dropping now from
 * dropped once (view_tabs.c). */
enum { DROP_SLOTS = 8, DROP_RECENT_S = 3 };
struct drop_meter {
	pid_t pid;                /* the process the counts are of */
	double t[DROP_SLOTS];     /* monotonic seconds */
	uint64_t v[DROP_SLOTS];   /* samples plus events dropped, cumulative */
	unsigned n, head;
};

struct procview {
	pid_t pid;
	int window;               /* index into the windows the view offers */
	struct chart chart;
	float *buf;               /* samples copied out of a series */
	size_t buf_alloc;
	struct lines left, right; /* scratch: the two charts side by side */
	struct proctabs tabs;
	struct threadchooser chooser;
	struct drop_meter drops;
};

/* save.c: `S` asks for a file name (prefilled with snapshot_default_path in
 * the current directory), encodes the model under its lock, and writes the
 * file after the loop has unlocked it. */
enum { UI_SAVE_PATH_MAX = 4096 };
struct ui_save {
	bool editing;             /* the file name prompt is open */
	char path[UI_SAVE_PATH_MAX];
	bool pending;             /* buf holds an encoded model for `target` */
	struct snapshot_buf buf;
	char target[UI_SAVE_PATH_MAX];
	unsigned long long samples; /* in the encoded model */
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
	struct listview list;
	struct procview proc;
	char msg[MSGLOG_LEN + 64];/* status message; "" when none */
	enum theme_element msg_elem;
	double msg_until;         /* monotonic seconds */
	unsigned long long log_seen;
	struct ui_save save;       /* the S prompt and a save waiting to be written (save.c) */
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

/* view_tabs.c — the tabs of a process with a profile: Functions, Zones,
 * Counters, Log. init/release own t's rows and browsers; reset forgets the
 * positions when the view opens another process. */
void tabs__init(struct proctabs *t);
void tabs__release(struct proctabs *t);
void tabs__reset(struct proctabs *t);
/* Rebuilds the current tab's rows from p. Model locked. */
void tabs__rebuild(struct ui *ui, struct profile *p);
/* Adds exactly `rows` lines: the tab bar, the column header and the rows of
 * the current tab (after tabs__rebuild in the same locked section). */
void tabs__draw(struct ui *ui, struct lines *out, struct profile *p, int rows);
/* Handles a key of the tabs (Tab, moves, sort, search); UI_NONE when the key
 * is not theirs. Model locked. */
int tabs__key(struct ui *ui, struct profile *p, int key);
/* True while the search prompt is open and takes every key. */
bool tabs__editing(const struct ui *ui);
/* Adds the search prompt as the status line when it is open; returns
 * whether it did. */
bool tabs__status(struct ui *ui, struct lines *out);
/* Adds one line of the agent's figures of process p: "Agent 1000 Hz
 * requested, 992 Hz achieved, 12,345 samples, 0 dropped" (drops in TE_WARN;
 * "idle (no CPU used)" for a rate of 0 while p uses no CPU), or "agent: not
 * connected" when p has no profile, with why when its executable says
 * (p->agent_why). */
void tabs__agent_line(struct ui *ui, struct lines *out, const struct process *p, int width);

/* True when the current tab shows a detail screen (it takes Esc, q, Left). */
bool tabs__detail_open(const struct ui *ui);
/* The text after the tab bar naming the current tab's sort ("by p95",
 * "by name (inverted)"), "" for a tab that does not sort. */
void tabs__sort_label(const struct proctabs *t, char *buf, size_t len);
/* How often the Functions tab sorted its rows (*sorts) and ranked the
 * functions' names (*name_ranks) since tabs__init or tabs__reset: rows are
 * re-sorted only when the counts they sort on, the rows listed or the sort
 * change, and names are ranked again only when functions are added or the
 * profile is another. For tests and benchmarks. */
void tabs__funcs_sort_stats(const struct proctabs *t, unsigned long *sorts,
			    unsigned long *name_ranks);

/* view_detail.c — the detail screen of the Zones or Counters tab's selected
 * row, drawn in the tab area: a zone's latency histogram and its p95 / p50
 * per second; a counter's value and rate per second over time. */
void detail__init(struct tabs_detail *d);
void detail__release(struct tabs_detail *d);
/* Adds exactly `rows` lines for the current tab's selected row (the tab bar
 * is drawn already). Model locked, after tabs__rebuild. */
void detail__draw(struct ui *ui, struct lines *out, struct profile *p, int rows);
/* A key while the detail is open: Esc, q, Left, Backspace close it (the
 * table keeps its selection); Up, Down, PgUp, PgDn, Home, End show the
 * previous / next row's detail. UI_NONE for the other keys. */
int detail__key(struct ui *ui, struct profile *p, int key);

/* The module of a tab, or NULL for the tabs view_tabs.c draws itself. */
const struct tab_module *tabs__module(enum proc_tab tab);
/* Text in exactly width columns with the search's first match highlighted
 * (needle may be ""). */
void tabs__cell_match(struct line *l, enum theme_element e, const char *text, int width,
		      const char *needle);
/* n of `of` as a percentage with one decimal, coloured by size (>= 10 %
 * bad, >= 1 % warn), right-aligned in width columns. */
void tabs__cell_percent(struct line *l, uint64_t n, uint64_t of, int width);

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
 * (-ENAMETOOLONG, -EINVAL for an empty path) with the reason shown. */
int save__encode(struct ui *ui, const char *path);
bool save__pending(const struct ui *ui);
/* Writes what save__encode prepared (model unlocked). Returns UI_REDRAW. */
int save__write_pending(struct ui *ui);
/* Adds the prompt as the status line when it is open; returns whether it did. */
bool save__status(struct ui *ui, struct lines *out);
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

/* view_tabs.c: the scope as the tab bar shows it: "last 5s · all threads"
 * or "all · thread worker". */
void tabs__scope_text(char *buf, size_t len, const struct ui *ui, const struct profile *p);
/* Clicks on the tab bar switch tabs; anything else goes to the current
 * tab (its module's key(), or its browser). Model locked. */
int tabs__mouse(struct ui *ui, struct profile *p);
/* Records the agent's drop count (samples and events) at time now. */
void tabs__drops_add(struct drop_meter *d, pid_t pid, double now, uint64_t dropped);
/* Drops per second when the count rose in the last DROP_RECENT_S seconds
 * (over the slots kept), else 0. */
double tabs__drops_rate(const struct drop_meter *d, double now);

/* view_threads.c — the thread chooser (t): "All threads" then each thread
 * with its name, tid and samples, most samples first; Enter sets the tabs'
 * scope to it, Esc closes. */
void threads__init(struct threadchooser *c);
void threads__release(struct threadchooser *c);
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
 * screen (width x height); diffview__key handles a key or UI_KEY_RESIZE. */
enum { DIFFTAB_FUNCTIONS, DIFFTAB_ZONES, DIFFTAB_COUNT };
struct diffview {
	const struct diff *d;
	const char *base_path, *new_path;
	int tab;                  /* DIFFTAB_* */
	struct browser br[DIFFTAB_COUNT];
	char search[UI_FILTER_MAX];
	bool searching;
	size_t search_origin;
	bool help, utf8;
	int width, height;
	char msg[UI_FILTER_MAX + 32];
};
void diffview__init(struct diffview *v, const struct diff *d, const char *base_path,
		    const char *new_path, bool utf8);
void diffview__release(struct diffview *v);
void diffview__frame(struct diffview *v, struct lines *out, int width, int height);
int diffview__key(struct diffview *v, int key);

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
