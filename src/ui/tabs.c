/*
 * tabs — the container of the tabs under a profiled process's charts, as
 * tmux's mode-tree is to its modes: the tab bar (titles, counts, the scope
 * and the sort), the scope the tabs share (a thread or all, the live
 * window), switching tabs (Tab, Shift-Tab, 1-8, clicks on the bar), the
 * search prompt (`/`, then n/N: it selects the next matching row, filters
 * nothing) and, for the table tabs, moving the selection with the keys and
 * the mouse. Everything else is the current tab's: each tab is a module in
 * a file of its own (struct tab_module, listed in the tab table PROC_TABS
 * of ui_internal.h) with private state, and this file never asks which tab
 * it is talking to.
 *
 * Each tab has its own browser, so switching tabs keeps every tab's
 * position. Rows are rebuilt from the profile at every frame and point into
 * it: they are valid only under the model's lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fields.h"
#include "ui/cells.h"
#include "ui/prompt.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/check.h"
#include "util/str.h"
#include "util/xalloc.h"

/* The container's state: which tab, the scope, the search, and each tab's
 * browser and module state. */
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

/* The tab table, from PROC_TABS. */
static const struct tab_entry {
	const char *title, *brief;
	const struct tab_module *module;
} tab_table[PTAB_COUNT] = {
#define X(id, title, brief, module) [PTAB_##id] = { title, brief, &module },
	PROC_TABS(X)
#undef X
};

const double tabs__window_seconds[TABS_NWINDOWS] = { 5, 30, 0 };

const struct tab_module *tabs__module(enum proc_tab tab)
{
	return tab_table[tab].module;
}

const char *tabs__title(enum proc_tab tab)
{
	return tab_table[tab].title;
}

/* Whether tab i is offered now (its module's shown hook). */
static bool tab_shown(const struct ui *ui, int i)
{
	const struct tab_module *m = tab_table[i].module;

	return !m->shown || m->shown(ui);
}

/* The shown tab step tabs away from tab `from` (+1 / -1), wrapping. */
static int tab_step(const struct ui *ui, int from, int step)
{
	int i = from;

	for (int k = 0; k < PTAB_COUNT; k++) {
		i = (i + step + PTAB_COUNT) % PTAB_COUNT;
		if (tab_shown(ui, i))
			return i;
	}
	return from;
}

/* The current tab's module and state. */
static const struct tab_module *cur_module(const struct ui *ui)
{
	return tab_table[ui->proc.tabs->tab].module;
}

static void *cur_state(const struct ui *ui)
{
	return ui->proc.tabs->module_state[ui->proc.tabs->tab];
}

struct proctabs *tabs__new(void)
{
	struct proctabs *t = xcalloc(1, sizeof(*t));

	t->show_file = true;
	t->scope.window = TABS_DEFAULT_WINDOW;
	profile_view_init(&t->scope.win);
	profile_view_init(&t->scope.all);
	for (int i = 0; i < PTAB_COUNT; i++) {
		browser_init(&t->br[i]);
		t->module_state[i] = tab_table[i].module->create((enum proc_tab)i);
	}
	return t;
}

void tabs__free(struct proctabs *t)
{
	if (!t)
		return;
	for (int i = 0; i < PTAB_COUNT; i++) {
		browser_release(&t->br[i]);
		tab_table[i].module->destroy(t->module_state[i]);
		t->module_state[i] = NULL;
	}
	profile_view_release(&t->scope.win);
	profile_view_release(&t->scope.all);
	free(t);
}

void tabs__reset(struct proctabs *t)
{
	for (int i = 0; i < PTAB_COUNT; i++) {
		browser_release(&t->br[i]);
		browser_init(&t->br[i]);
		tab_table[i].module->reset(t->module_state[i]);
	}
	t->scope.tid = 0;
	t->search[0] = '\0';
	t->searching = false;
}

void tabs__counts_reset(struct ui *ui)
{
	for (int i = 0; i < PTAB_COUNT; i++)
		if (tab_table[i].module->counts_reset)
			tab_table[i].module->counts_reset(ui->proc.tabs->module_state[i]);
}

enum proc_tab tabs__current(const struct ui *ui)
{
	return ui->proc.tabs->tab;
}

struct browser *tabs__browser(struct ui *ui, enum proc_tab tab)
{
	return &ui->proc.tabs->br[tab];
}

void *tabs__state(const struct ui *ui, enum proc_tab tab)
{
	return ui->proc.tabs->module_state[tab];
}

void tabs__set_tab(struct ui *ui, enum proc_tab tab)
{
	ui->proc.tabs->tab = tab;
}

void tabs__select(struct ui *ui, struct profile *p, enum proc_tab tab)
{
	tabs__set_tab(ui, tab);
	tabs__rebuild(ui, p);
}

const struct tabs_scope *tabs__scope(const struct ui *ui)
{
	return &ui->proc.tabs->scope;
}

void tabs__set_tid(struct ui *ui, pid_t tid)
{
	ui->proc.tabs->scope.tid = tid;
}

void tabs__set_window(struct ui *ui, int window)
{
	if (window >= 0 && window < TABS_NWINDOWS)
		ui->proc.tabs->scope.window = window;
}

const char *tabs__search(const struct ui *ui)
{
	return ui->proc.tabs->search;
}

bool tabs__search_clear(struct ui *ui)
{
	bool had = ui->proc.tabs->search[0];

	ui->proc.tabs->search[0] = '\0';
	return had;
}

bool tabs__show_file(const struct ui *ui)
{
	return ui->proc.tabs->show_file;
}

bool tabs__keys_first(const struct ui *ui)
{
	const struct tab_module *m = cur_module(ui);

	return m->keys_first && m->keys_first(cur_state(ui));
}

/* ---- the scope ------------------------------------------------------------------------ */

const struct profile_view *tabs__scope_all(const struct ui *ui)
{
	const struct tabs_scope *s = &ui->proc.tabs->scope;

	return tabs__window_seconds[s->window] > 0 ? &s->all : &s->win;
}

void tabs__scope_all_update(struct ui *ui, struct profile *p)
{
	struct tabs_scope *s = &ui->proc.tabs->scope;

	if (tabs__scope_all(ui) == &s->all)
		profile_view_update(p, &s->all, profile_now(p));
}

/* Brings the scope's live window up to date with the profile. */
static void update_scope(struct proctabs *t, struct profile *p)
{
	struct tabs_scope *s = &t->scope;

	s->win.tid = s->all.tid = s->tid;
	s->win.seconds = tabs__window_seconds[s->window];
	s->all.seconds = 0;
	profile_view_update(p, &s->win, profile_now(p));
}

void tabs__rebuild(struct ui *ui, struct profile *p)
{
	update_scope(ui->proc.tabs, p);
	cur_module(ui)->rebuild(ui, cur_state(ui), p);
}

void tabs__scope_text(char *buf, size_t len, const struct ui *ui, const struct profile *p)
{
	const struct tabs_scope *s = &ui->proc.tabs->scope;
	const char *dot = ui->utf8 ? " · " : ", ";
	double secs = tabs__window_seconds[s->window];
	char win[32], thr[PROFILE_THREAD_NAME_LEN + 32], procs[64];
	size_t at;

	tab_processes__scope_text(procs, sizeof(procs), ui);
	if (procs[0] && len) { /* a tree: which process first */
		snprintf(buf, len, "%s%s", procs, dot);
		at = strlen(buf);
		buf += at;
		len -= at;
	}
	if (secs > 0)
		snprintf(win, sizeof(win), "last %.0fs", secs);
	else
		snprintf(win, sizeof(win), "all time");
	if (!s->tid) {
		snprintf(thr, sizeof(thr), "all threads");
	} else {
		snprintf(thr, sizeof(thr), "thread %d", (int)s->tid);
		for (size_t i = 0; i < p->nthreads; i++)
			if (p->threads[i].tid == s->tid && p->threads[i].name[0])
				snprintf(thr, sizeof(thr), "thread %s", p->threads[i].name);
	}
	if (p->has_interp) /* Python frames: say whether the interpreter's are shown (i) */
		snprintf(buf, len, "%s%s%s%s%s", win, dot, thr, dot,
			 p->show_interp ? "interp shown" : "interp hidden");
	else
		snprintf(buf, len, "%s%s%s", win, dot, thr);
}

/* ---- sorting, for the table tabs ----------------------------------------------------- */

int tabs__sort_step(struct browser *b, int *sort, bool *desc, int nkeys, int name_key, int key)
{
	int step = key == '<' ? -1 : 1;

	if (key != '<' && key != '>' && key != UI_KEY_F(6) && key != 'I')
		return UI_NONE;
	if (b->n) /* the selection stays on its row through the new order */
		browser_select(b, b->sel);
	if (key == 'I') {
		*desc = !*desc;
	} else {
		*sort = (*sort + nkeys + step) % nkeys;
		*desc = *sort != name_key;
	}
	return UI_REDRAW | UI_RESORT;
}

void tabs__sort_text(char *buf, size_t len, const char *name, bool desc, bool natural)
{
	snprintf(buf, len, "by %s%s ", name, desc == natural ? "" : " (inverted)");
}

void tabs__sort_label(const struct ui *ui, char *buf, size_t len)
{
	const struct tab_module *m = cur_module(ui);

	if (len)
		buf[0] = '\0';
	if (m->sort_label)
		m->sort_label(cur_state(ui), buf, len);
}

/* ---- the tab bar ------------------------------------------------------------------------ */

/* The tab bar's text for tab i: " Zones 2 ", or " Zones " without counts. */
static void tab_label(char *buf, size_t len, const struct ui *ui, const struct profile *p, int i,
		      bool counts, bool brief)
{
	const struct tab_module *m = tab_table[i].module;
	size_t n = counts && m->count ? m->count(ui, p) : 0;
	const char *name = brief ? tab_table[i].brief : tab_table[i].title;

	if (!n)
		snprintf(buf, len, " %s ", name);
	else
		snprintf(buf, len, " %s %zu ", name, n);
}

/* Records where tab i was drawn on the bar: columns [start, end). */
static void bar_mark(struct proctabs *t, int i, int start, int end)
{
	if (i < 0 || i >= PTAB_COUNT)
		return;
	t->bar_start[i] = start;
	t->bar_end[i] = end;
}

static void tab_bar(struct ui *ui, struct lines *out, const struct profile *p)
{
	struct proctabs *t = ui->proc.tabs;
	struct line *l = lines_begin(out, ui->width);
	char right[UI_FILTER_MAX + 160], label[64], scope[PROFILE_THREAD_NAME_LEN + 64], sort[64];
	bool counts = true, brief = false;
	int need = 0;

	t->bar_line = (int)out->n - 1;
	for (int i = 0; i < PTAB_COUNT; i++)
		bar_mark(t, i, -1, -1);

	/* Every tab with its count; without counts; with short names (with
	 * and without counts): the first that leaves room for the scope (what
	 * the numbers below the bar cover must always show); else only the
	 * current tab between its neighbours' arrows. */
	tabs__scope_text(scope, sizeof(scope), ui, p);
	for (int pass = 0; pass < 4; pass++) {
		counts = pass % 2 == 0;
		brief = pass >= 2;
		need = 0;
		for (int i = 0; i < PTAB_COUNT; i++) {
			if (!tab_shown(ui, i))
				continue;
			tab_label(label, sizeof(label), ui, p, i, counts, brief);
			need += lines_text_width(label) + 1;
		}
		if (need + lines_text_width(scope) + 1 <= ui->width)
			break;
	}
	if (need + lines_text_width(scope) + 1 > ui->width) {
		int cur = (int)t->tab, x;

		tab_label(label, sizeof(label), ui, p, cur, true, false);
		bar_mark(t, tab_step(ui, cur, -1), 0, 2);
		line_put(l, TE_ROW_DIM, "< ");
		x = l->cols;
		line_put(l, TE_TAB_ACTIVE, label);
		bar_mark(t, cur, x, l->cols);
		bar_mark(t, tab_step(ui, cur, 1), l->cols, l->cols + 2);
		line_put(l, TE_ROW_DIM, " >");
	} else {
		for (int i = 0; i < PTAB_COUNT; i++) {
			int x = l->cols;

			if (!tab_shown(ui, i))
				continue;
			tab_label(label, sizeof(label), ui, p, i, counts, brief);
			line_put(l, i == (int)t->tab ? TE_TAB_ACTIVE : TE_TAB_INACTIVE, label);
			bar_mark(t, i, x, l->cols);
			line_put(l, TE_DEFAULT, " ");
		}
	}
	/* The scope, then the sort and search: the scope stays longest. */
	tabs__sort_label(ui, sort, sizeof(sort));
	snprintf(right, sizeof(right), "%s%s%s", scope, sort[0] ? "   " : " ", sort);
	if (t->search[0] && !t->searching)
		snprintf(right + strlen(right), sizeof(right) - strlen(right), " /%s ", t->search);
	if (line_room(l) <= lines_text_width(right))
		snprintf(right, sizeof(right), "%s ", scope);
	if (line_room(l) > lines_text_width(right)) {
		line_pad_to(l, TE_DEFAULT, ui->width - lines_text_width(right));
		line_put(l, TE_ROW_DIM, right);
	}
	line_fill(l, TE_DEFAULT);
}

void tabs__draw(struct ui *ui, struct lines *out, struct profile *p, int rows)
{
	size_t start = out->n;

	if (rows < 1)
		return;
	tab_bar(ui, out, p);
	cur_module(ui)->draw(ui, cur_state(ui), out, p, rows - 1);
	while ((int)(out->n - start) < rows)
		lines_begin(out, ui->width);
}

void tabs__table_draw(struct ui *ui, struct lines *out, struct browser *b, int rows,
		      const struct browser_column *cols, size_t ncols, int sort, bool desc,
		      const void *(*row_at)(const void *ctx, size_t i), browser_style_fn style_of,
		      const void *ctx, const char *empty)
{
	size_t start = out->n;

	if (rows >= 1) {
		browser_draw(b, out, ui->width, rows - 1, cols, ncols, sort, desc, row_at,
			     style_of, ctx);
		if (!b->n && rows >= 2)
			line_put(&out->v[out->n - (size_t)(rows - 1)], TE_ROW_DIM, empty);
	}
	while ((int)(out->n - start) < rows)
		lines_begin(out, ui->width);
}

void tabs__fields_draw(struct ui *ui, struct lines *out, struct browser *b, int rows,
		       const struct field *fields, size_t nfields, const struct tab_column *cols,
		       size_t ncols, int sort, bool desc,
		       const void *(*row_at)(const void *ctx, size_t i), browser_style_fn style_of,
		       const void *ctx, const char *empty)
{
	struct browser_column bc[TABS_MAX_COLUMNS];

	PT_ASSERT(ncols <= TABS_MAX_COLUMNS);
	for (size_t i = 0; i < ncols; i++) {
		const struct tab_column *c = &cols[i];
		const struct field *f =
			c->id >= 0 && (size_t)c->id < nfields ? &fields[c->id] : NULL;

		PT_ASSERT(f || (c->head && c->draw)); /* tabs.h: the tab's own columns */
		bc[i] = (struct browser_column){
			.name = c->head ? c->head : f->head,
			.width = c->head ? c->width : f->width,
			.align = f && field_right(f) ? ALIGN_RIGHT : ALIGN_LEFT,
			.drop = c->drop,
			.sort = c->sort ? c->id : -1,
			.draw = c->draw,
			.cell = c->draw ? NULL : cells__field,
			.arg = f,
		};
	}
	tabs__table_draw(ui, out, b, rows, bc, ncols, sort, desc, row_at, style_of, ctx, empty);
}

/* The index among the sort keys of cols of the column with id, or of the
 * first (-1: none), and how many there are (*nkeys). */
static int sort_position(const struct tab_column *cols, size_t ncols, int id, int *nkeys)
{
	int pos = -1;

	*nkeys = 0;
	for (size_t i = 0; i < ncols; i++) {
		if (!cols[i].sort)
			continue;
		if (cols[i].id == id)
			pos = *nkeys;
		(*nkeys)++;
	}
	return pos;
}

/* The id of the pos-th sort key of cols. */
static int sort_id(const struct tab_column *cols, size_t ncols, int pos)
{
	for (size_t i = 0; i < ncols; i++)
		if (cols[i].sort && pos-- == 0)
			return cols[i].id;
	return -1;
}

int tabs__column_sort_step(struct browser *b, const struct tab_column *cols, size_t ncols,
			   int *sort, bool *desc, int name_key, int key)
{
	int nkeys, pos = sort_position(cols, ncols, *sort, &nkeys);
	int name_pos = sort_position(cols, ncols, name_key, &nkeys);
	int r;

	PT_ASSERT(pos >= 0 && nkeys > 0);
	r = tabs__sort_step(b, &pos, desc, nkeys, name_pos, key);
	*sort = sort_id(cols, ncols, pos);
	return r;
}

void tabs__column_sort_label(char *buf, size_t len, const struct tab_column *cols, size_t ncols,
			     int sort, bool desc, int name_key)
{
	const char *name = "";

	for (size_t i = 0; i < ncols; i++)
		if (cols[i].sort && cols[i].id == sort)
			name = cols[i].sort;
	tabs__sort_text(buf, len, name, desc, sort != name_key);
}

/* ---- search ------------------------------------------------------------------------ */

/* Selects the first row matching the search from row `from` (included when
 * `inclusive`) in direction dir (+1 / -1), wrapping. Returns whether one did. */
static bool search_jump(struct ui *ui, const struct profile *p, size_t from, int dir,
			bool inclusive)
{
	struct proctabs *t = ui->proc.tabs;
	struct browser *b = &t->br[t->tab];
	const struct tab_module *m = cur_module(ui);
	size_t n = b->n;

	if (!m->table && t->search[0]) /* the module searches from its own selection */
		return m->search(ui, cur_state(ui), (struct profile *)p, t->search, dir, inclusive);
	if (!m->table || !n || !t->search[0])
		return false;
	if (from >= n)
		from = 0;
	for (size_t k = inclusive ? 0 : 1; k <= n; k++) {
		size_t i = dir > 0 ? (from + k) % n : (from + n - k % n) % n;

		if (*t->search && str_contains_nocase(m->row_text(cur_state(ui), p, i), t->search)) {
			browser_select(b, i);
			if (m->moved)
				m->moved(cur_state(ui), b);
			return true;
		}
	}
	return false;
}

static void no_match(struct ui *ui)
{
	char msg[UI_FILTER_MAX + 32];

	snprintf(msg, sizeof(msg), "no match for '%s'", ui->proc.tabs->search);
	ui__message(ui, TE_STATUS_WARN, msg);
}

static int key_searching(struct ui *ui, struct profile *p, int key)
{
	struct proctabs *t = ui->proc.tabs;
	struct browser *b = &t->br[t->tab];
	bool table = cur_module(ui)->table;

	switch (prompt__key(t->search, sizeof(t->search), key)) {
	case PROMPT_ACCEPT:
		t->searching = false;
		if (t->search[0] && !search_jump(ui, p, b->sel, 1, true))
			no_match(ui);
		return UI_REDRAW;
	case PROMPT_CANCEL:
		t->searching = false;
		t->search[0] = '\0';
		if (table)
			browser_select(b, t->search_origin);
		return UI_REDRAW;
	case PROMPT_CHANGED:
		break;
	default:
		t->searching = false; /* a move ends the prompt and moves */
		return tabs__key(ui, p, key);
	}
	/* Incremental: the first match from where the prompt opened. */
	if ((!t->search[0] || !search_jump(ui, p, t->search_origin, 1, true)) && table)
		browser_select(b, t->search_origin);
	return UI_REDRAW;
}

bool tabs__editing(const struct ui *ui)
{
	return ui->proc.tabs->searching;
}

bool tabs__status(struct ui *ui, struct lines *out)
{
	struct line *l;

	if (!ui->proc.tabs->searching)
		return false;
	l = lines_begin(out, ui->width);
	line_put(l, TE_FILTER, " Search: ");
	line_put(l, TE_FILTER, ui->proc.tabs->search);
	line_put(l, TE_FILTER, "_");
	line_put(l, TE_FILTER, "   Enter keep  Esc cancel  n/N next/previous");
	line_fill(l, TE_FILTER);
	return true;
}

/* ---- keys and the mouse ------------------------------------------------------------------ */

static void switch_tab(struct ui *ui, struct profile *p, int step)
{
	struct proctabs *t = ui->proc.tabs;

	tabs__select(ui, p, (enum proc_tab)tab_step(ui, (int)t->tab, step));
}

/* A module that does not read the mouse still scrolls with the wheel. */
static int module_wheel(struct ui *ui, struct profile *p)
{
	const struct tab_module *m = cur_module(ui);
	int r = UI_NONE;

	if (ui->mouse.button != UI_MOUSE_WHEEL_UP && ui->mouse.button != UI_MOUSE_WHEEL_DOWN)
		return UI_NONE;
	for (int i = 0; i < UI_MOUSE_WHEEL_ROWS; i++)
		r |= m->key(ui, cur_state(ui), p,
			    ui->mouse.button == UI_MOUSE_WHEEL_UP ? UI_KEY_UP : UI_KEY_DOWN);
	return r;
}

int tabs__mouse(struct ui *ui, struct profile *p)
{
	struct proctabs *t = ui->proc.tabs;
	const struct ui_mouse *ms = &ui->mouse;
	const struct tab_module *m = cur_module(ui);
	struct browser *b = &t->br[t->tab];
	bool activate;
	int r;

	if (ms->y == t->bar_line) {
		for (int i = 0; i < PTAB_COUNT && ms->button == UI_MOUSE_LEFT; i++) {
			if (ms->x < t->bar_start[i] || ms->x >= t->bar_end[i])
				continue;
			tabs__select(ui, p, (enum proc_tab)i);
			return UI_REDRAW;
		}
		return UI_NONE;
	}
	if (!m->table) {
		r = m->key(ui, cur_state(ui), p, UI_KEY_MOUSE);
		return r != UI_NONE ? r : module_wheel(ui, p);
	}
	if (tabs__keys_first(ui)) /* a detail screen over the table */
		return UI_NONE;
	r = ui__mouse_browser(ui, b, &activate);
	if (r != UI_NONE && m->moved)
		m->moved(cur_state(ui), b);
	if (activate)
		r |= tabs__key(ui, p, UI_KEY_ENTER);
	return r;
}

int tabs__key(struct ui *ui, struct profile *p, int key)
{
	struct proctabs *t = ui->proc.tabs;
	struct browser *b = &t->br[t->tab];
	const struct tab_module *m = cur_module(ui);
	int r;

	if (t->searching)
		return key_searching(ui, p, key);
	switch (key) {
	case UI_KEY_MOUSE:
		return tabs__mouse(ui, p);
	case UI_KEY_TAB:
		switch_tab(ui, p, 1);
		return UI_REDRAW;
	case UI_KEY_BTAB:
		switch_tab(ui, p, -1);
		return UI_REDRAW;
	case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
		if (key - '1' < PTAB_COUNT && tab_shown(ui, key - '1')) {
			tabs__select(ui, p, (enum proc_tab)(key - '1'));
			return UI_REDRAW;
		}
		break;
	case '/':
		tabs__rebuild(ui, p);
		t->searching = true;
		t->search[0] = '\0';
		t->search_origin = b->sel;
		return UI_REDRAW;
	case 'n':
	case 'N':
		if (!t->search[0]) {
			ui__message(ui, TE_STATUS_WARN, "no search yet: / searches");
			return UI_REDRAW;
		}
		tabs__rebuild(ui, p);
		if (!search_jump(ui, p, b->sel, key == 'n' ? 1 : -1, false))
			no_match(ui);
		return UI_REDRAW;
	default:
		break;
	}
	if (m->key && (r = m->key(ui, cur_state(ui), p, key)) != UI_NONE)
		return r;
	switch (key) {
	case '<':
	case '>':
	case UI_KEY_F(6):
	case 'I':
		if (!m->sort)
			return UI_NONE;
		r = m->sort(ui, cur_state(ui), key);
		if (r & UI_RESORT)
			tabs__rebuild(ui, p);
		return r;
	case UI_KEY_ENTER:
	case UI_KEY_RIGHT:
		if (m->enter && (r = m->enter(ui, cur_state(ui), p)) != UI_NONE)
			return r;
		break;
	case 'L':
		t->show_file = !t->show_file;
		return UI_REDRAW;
	default:
		break;
	}
	if (!m->table)
		return UI_NONE;
	r = browser_key(b, key);
	if (r != UI_NONE && m->moved)
		m->moved(cur_state(ui), b);
	return r;
}
