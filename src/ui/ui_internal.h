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
/* view_flame.c: the Flame tab. */
extern const struct tab_module flameview__module;

/* The live windows `w` cycles through, in seconds; 0 is everything. */
enum { TABS_NWINDOWS = 3, TABS_DEFAULT_WINDOW = 0 };
extern const double tabs__window_seconds[TABS_NWINDOWS];

/* What the tabs show: one thread or all, over the live window and over
 * everything. tabs__rebuild refreshes both views every frame. */
struct tabs_scope {
	pid_t tid;                /* 0: all threads merged */
	int window;               /* index into tabs__window_seconds */
	struct profile_view win;  /* the live window (== all when the window is 0) */
	struct profile_view all;  /* everything since start (or R) */
};

/* The Functions tab's sort keys, in the order `<` `>` and F6 walk them. */
enum func_sort { FSORT_SELF, FSORT_TOTAL, FSORT_NAME, FSORT_COUNT };

/* A zone's figures as the tables show them: count, mean, min and max exact
 * (the agent's statistics) when the agent sent them, percentiles from the
 * histogram of the events received (0 when none arrived). Durations in ns. */
struct zone_figures {
	uint64_t count;
	double rate_per_s;
	double mean_ns, min_ns, max_ns;
	double p50_ns, p95_ns, p99_ns;
	bool have_pcts;           /* events arrived: the percentiles mean something */
};

struct tabs_zone_row {
	uint32_t id;
	const char *name;
	struct zone_figures f;
};

/* One Log line: a mark of the program or a message of perftop's own. */
enum { TABS_LOG_MARK = -1 }; /* kind; else an enum msglog_level */
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
	/* Rows of the current tab, rebuilt each frame (model locked). */
	uint32_t *funcs;          /* function ids, sorted */
	size_t nfuncs, funcs_alloc;
	uint32_t *counters;
	size_t ncounters, counters_alloc;
	struct tabs_zone_row *zones;
	size_t nzones, zones_alloc;
	struct profile_zone_summary *sums;
	size_t sums_alloc;
	struct tabs_log_row *log;
	size_t nlog, log_alloc;
};

struct procview {
	pid_t pid;
	int window;               /* index into the windows the view offers */
	struct chart chart;
	float *buf;               /* samples copied out of a series */
	size_t buf_alloc;
	struct lines left, right; /* scratch: the two charts side by side */
	struct proctabs tabs;
};

struct ui {
	struct model *m;
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
/* Adds one line of the agent's figures: "Agent 1000 Hz requested, 992 Hz
 * achieved, 12,345 samples, 0 dropped" (drops in TE_WARN), or "agent: not
 * connected" when prof is NULL. */
void tabs__agent_line(struct ui *ui, struct lines *out, const struct profile *prof, int width);
/* A zone's figures from its summary over everything (profile_zone_summary
 * with seconds 0) and the agent's exact statistics. */
void tabs__zone_figures(const struct profile_zone *z, const struct profile_zone_summary *s,
			struct zone_figures *f);

/* The module of a tab, or NULL for the tabs view_tabs.c draws itself. */
const struct tab_module *tabs__module(enum proc_tab tab);
/* Text in exactly width columns with the search's first match highlighted
 * (needle may be ""). */
void tabs__cell_match(struct line *l, enum theme_element e, const char *text, int width,
		      const char *needle);
/* n of `of` as a percentage with one decimal, coloured by size (>= 10 %
 * bad, >= 1 % warn), right-aligned in width columns. */
void tabs__cell_percent(struct line *l, uint64_t n, uint64_t of, int width);

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
