/*
 * tabs — the tabs of the process view, as tmux's window modes over its
 * mode-tree: the tab table (PROC_TABS), the interface every tab implements
 * (struct tab_module) and what the container (tabs.c) offers the tabs and
 * the views: the scope, the browsers, the search, sorting and drawing
 * helpers for table tabs. The detail screen (detail.c) the table tabs
 * open is here too. Not for use outside src/ui; every function is called
 * with the model locked unless it says otherwise.
 */
#ifndef PERFTOP_UI_TABS_H
#define PERFTOP_UI_TABS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/model.h"
#include "ui/browser.h"
#include "ui/lines.h"

struct field;
struct ui;
struct ui_binding;
struct zone_figures;

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
	X(LOG, "Log", "Log", tab_log__module)                    \
	X(PROCESSES, "Processes", "Proc", tab_processes__module)

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
 * module's private state). The scope (tabs__scope) is refreshed
 * before rebuild() on every frame. Hooks marked "may be NULL" are optional.
 *
 * A table tab (table true: Functions, Zones, Counters, Log, Processes) lists rows in
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
	/* Whether the tab is offered now (on the bar, to Tab and the number
	 * keys). May be NULL: always. */
	bool (*shown)(const struct ui *ui);
	/* The tab's own keys, listed by the help screen with the view's. */
	const struct ui_binding *bindings;
	size_t nbindings;
};

#define X(id, title, brief, module) extern const struct tab_module module;
PROC_TABS(X)
#undef X

/* tab_processes.c: the text the tab bar's scope starts with for a tree
 * ("whole tree", "pid 1234 cc1"), "" when the view is not of a tree. */
void tab_processes__scope_text(char *buf, size_t len, const struct ui *ui);

/* treeview.c: the Tree and Callers tabs (create() is given which).
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

/* What the container keeps of the tabs (private to tabs.c). */
struct proctabs;

/* tabs.c — the container. new/free own the browsers and create/destroy
 * every module's state (new never fails: allocation is fatal); reset
 * forgets positions when the view opens another process. */
struct proctabs *tabs__new(void);
void tabs__free(struct proctabs *t);
void tabs__reset(struct proctabs *t);
/* Rebuilds the current tab's rows from p. Model locked. */
void tabs__rebuild(struct ui *ui, struct profile *p);
/* Adds exactly `rows` lines: the tab bar and the current tab (after
 * tabs__rebuild in the same locked section). */
void tabs__draw(struct ui *ui, struct lines *out, struct profile *p, int rows);
/* Handles a key of the tabs (Tab, 1-8, search, then the current tab's);
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
/* One column of a table tab (Functions, Zones, Counters): most show a field
 * of the tab's table in model/fields.h (its header, width and alignment,
 * its value drawn by kind through cells__field), and a sort key is the
 * field's id. A tab lists its columns in one array, so adding a column is
 * its field in fields.h and one line there. A cell of the ui alone (the
 * name with the search's match, a sparkline) has its own draw; a column
 * that is no field (id past the table's fields, its own sort) its own head
 * and width, which a field's column may give too instead of the field's. */
struct tab_column {
	int id;                 /* the field id, or past the fields: the tab's own */
	int drop;               /* 0 = always shown; higher drops first (browser.h) */
	const char *sort;       /* the sort's name after the tab bar ("p95"); NULL:
				 * the column is no sort key */
	browser_draw_fn draw;   /* NULL: the field's value by kind */
	const char *head;       /* NULL: the field's head and width */
	int width;
};
/* For the table tabs' draw hooks: tabs__table_draw of the columns cols
 * (ncols, at most TABS_MAX_COLUMNS) of the field table fields (nfields);
 * row_at gives the fields' row (a figures struct, model/figures.h). */
enum { TABS_MAX_COLUMNS = 24 };
void tabs__fields_draw(struct ui *ui, struct lines *out, struct browser *b, int rows,
		       const struct field *fields, size_t nfields, const struct tab_column *cols,
		       size_t ncols, int sort, bool desc,
		       const void *(*row_at)(const void *ctx, size_t i), browser_style_fn style_of,
		       const void *ctx, const char *empty);
/* tabs__sort_step over the columns of cols that are sort keys, in their
 * order: *sort is the id of one of them (name_key the name's). */
int tabs__column_sort_step(struct browser *b, const struct tab_column *cols, size_t ncols,
			   int *sort, bool *desc, int name_key, int key);
/* tabs__sort_text of the sort key `sort` of cols: "by p95 ". */
void tabs__column_sort_label(char *buf, size_t len, const struct tab_column *cols, size_t ncols,
			     int sort, bool desc, int name_key);
/* The current tab's module, and any tab's. */
const struct tab_module *tabs__module(enum proc_tab tab);
/* A tab's title ("Functions"). */
const char *tabs__title(enum proc_tab tab);
/* The current tab; tabs__select shows tab (rebuilding it, model locked),
 * tabs__set_tab from the next frame on (which rebuilds it). */
enum proc_tab tabs__current(const struct ui *ui);
void tabs__select(struct ui *ui, struct profile *p, enum proc_tab tab);
void tabs__set_tab(struct ui *ui, enum proc_tab tab);
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
/* The search's text ("" when none); search_clear empties it and says
 * whether there was one. */
const char *tabs__search(const struct ui *ui);
bool tabs__search_clear(struct ui *ui);
/* Whether tables and trees show the FILE:LINE column (L). */
bool tabs__show_file(const struct ui *ui);
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
/* detail.c — the detail screen of a Zones or Counters row, or of a
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

#endif
