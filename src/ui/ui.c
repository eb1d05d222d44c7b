/*
 * ui — the screen's state and its one loop.
 *
 * One poll() over the terminal, the signal self-pipe and the source's
 * wake-up descriptor, with a timeout for the status message (loop.c's
 * loop_run, with the callbacks below). Everything
 * arrives as a key: real keys, UI_KEY_RESIZE, UI_KEY_TICK (a reading was
 * applied), UI_KEY_TIMER and UI_KEY_MOUSE (the event in ui->mouse).
 * Handlers return enum ui_action flags; the loop alone builds a frame (live
 * model locked) and paints it (model unlocked).
 *
 * Pause (p) shows a copy of the model: ui->m points at it while the
 * collector goes on filling ui->live. The copy is made by snapshot/freeze.h
 * (through the snapshot codec, so every view, the tab modules included,
 * reads it exactly as it reads the live model), and nothing received while
 * paused is lost; resume frees the copy. The load, the slow half, runs in
 * freeze's worker: the screen keeps showing the live model ("pausing")
 * until freeze_fd() says the copy is ready.
 */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "snapshot/snapshot.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

double ui__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ui__init(struct ui *ui, struct model *m, const struct ui_options *opt, bool utf8)
{
	memset(ui, 0, sizeof(*ui));
	ui->m = m;
	ui->live = m;
	ui->opt = opt;
	ui->utf8 = utf8;
	ui->chart_style = utf8 ? CHART_BRAILLE : CHART_ASCII;
	ui->width = 80;
	ui->height = 24;
	lines_set_utf8(utf8);
	ui->list = listview__new();
	procview__init(&ui->proc);
	ui->log_seen = 0; /* a warning logged before the screen (the socket refused) is shown */
	if (opt->pid > 0) {
		ui->standalone = true;
		ui->screen = UI_SCREEN_PROC;
		ui->proc.pid = opt->pid;
	}
	if (opt->message && *opt->message)
		ui__message(ui, TE_STATUS_ERROR, opt->message);
}

void ui__release(struct ui *ui)
{
	ui__resume(ui); /* stops and joins a worker still loading */
	sysview__free(ui->sys);
	ui->sys = NULL;
	listview__free(ui->list);
	ui->list = NULL;
	procview__release(&ui->proc);
	save__release(ui);
	budget_view__release(ui);
}

int ui__pause(struct ui *ui)
{
	char msg[200];
	int rc = 0;

	if (ui->opt->snapshot) {
		ui__message(ui, TE_STATUS_WARN, "a snapshot does not change: nothing to pause");
		return -1;
	}
	if (ui->frozen || ui->pausing)
		return 0;
	ui->pausing = freeze_start(ui->live, &rc);
	if (!ui->pausing) {
		snprintf(msg, sizeof(msg), "cannot pause: %s", strerror(-rc));
		ui__message(ui, TE_STATUS_ERROR, msg);
		return -1;
	}
	return 0;
}

bool ui__pausing(const struct ui *ui)
{
	return ui->pausing != NULL;
}

int ui__pause_fd(const struct ui *ui)
{
	return ui->pausing ? freeze_fd(ui->pausing) : -1;
}

void ui__pause_load(struct ui *ui)
{
	struct model *copy;
	char msg[200], why[160];

	if (!ui->pausing)
		return;
	copy = freeze_take(ui->pausing, why, sizeof(why));
	ui->pausing = NULL;
	if (!copy) {
		snprintf(msg, sizeof(msg), "cannot pause: %s", why);
		ui__message(ui, TE_STATUS_ERROR, msg);
		return;
	}
	/* What the snapshot does not carry but the views read. */
	model_lock(ui->live);
	copy->child_exited = ui->live->child_exited;
	copy->child_status = ui->live->child_status;
	copy->list_visible = ui->live->list_visible;
	copy->output = ui->live->output;
	model_show_interp(copy, ui->live->show_interp); /* a view setting: not in the file */
	model_unlock(ui->live);
	ui->frozen = copy;
	ui->m = copy;
}

void ui__resume(struct ui *ui)
{
	freeze_cancel(ui->pausing);
	ui->pausing = NULL;
	if (!ui->frozen)
		return;
	ui->m = ui->live;
	procview__forget_merged(ui); /* it was the copy's */
	model_release(ui->frozen);
	free(ui->frozen);
	ui->frozen = NULL;
}

uint64_t ui__waiting(const struct ui *ui, pid_t pid)
{
	const struct process *live, *shown;

	if (!ui->frozen)
		return 0;
	live = model_find(ui->live, pid);
	shown = model_find(ui->frozen, pid);
	if (!live || !live->profile)
		return 0;
	if (!shown || !shown->profile)
		return live->profile->samples;
	return live->profile->samples > shown->profile->samples
		       ? live->profile->samples - shown->profile->samples
		       : 0;
}

int ui__mouse_browser(const struct ui *ui, struct browser *b, bool *activate)
{
	const struct ui_mouse *ms = &ui->mouse;
	long row;

	*activate = false;
	if (ms->button == UI_MOUSE_WHEEL_UP || ms->button == UI_MOUSE_WHEEL_DOWN) {
		for (int i = 0; i < UI_MOUSE_WHEEL_ROWS; i++)
			browser_key(b, ms->button == UI_MOUSE_WHEEL_UP ? UI_KEY_UP : UI_KEY_DOWN);
		return UI_REDRAW;
	}
	if (ms->button != UI_MOUSE_LEFT)
		return UI_NONE;
	row = browser_row_at(b, ms->y);
	if (row < 0)
		return UI_NONE;
	browser_select(b, (size_t)row);
	*activate = ms->double_click;
	return UI_REDRAW;
}

void ui__message(struct ui *ui, enum theme_element elem, const char *text)
{
	snprintf(ui->msg, sizeof(ui->msg), " %s", text);
	ui->msg_elem = elem;
	ui->msg_until = ui__now() + UI_MSG_SECONDS;
}

void ui__hints(struct ui *ui, struct lines *out, const struct ui_hint *hints, size_t n,
	       const char *right)
{
	struct line *l;
	int rw = right ? lines_text_width(right) : 0;

	if (save__status(ui, out))
		return;
	l = lines_begin(out, ui->width);
	if (ui->msg[0]) {
		/* The message takes the hints' place and keeps the state on the
		 * right (a filter, a count) when both fit whole: a stream of
		 * warnings must not hide what the user set, nor be cut. */
		if (right && lines_text_width(ui->msg) + 1 + rw <= ui->width) {
			line_put(l, ui->msg_elem, ui->msg);
			line_pad_to(l, ui->msg_elem, ui->width - rw);
			line_put(l, TE_STATUS, right);
		} else {
			line_put(l, ui->msg_elem, ui->msg);
		}
		line_fill(l, ui->msg_elem);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int w = lines_text_width(hints[i].key) + lines_text_width(hints[i].label) + 2;

		if (line_room(l) < w + 1)
			break;
		line_put(l, TE_HELP_KEY, hints[i].key);
		line_put(l, TE_STATUS, hints[i].label);
		line_put(l, TE_STATUS, "  ");
	}
	if (right && line_room(l) >= rw + 1) {
		line_pad_to(l, TE_STATUS, ui->width - rw);
		line_put(l, TE_STATUS, right);
	}
	line_fill(l, TE_STATUS);
}

/* Rows for the per-CPU meters at this height: none on a small screen. */
static int cpu_rows_for(int height)
{
	int r = (height - 14) / 2;

	return r < 0 ? 0 : r > 8 ? 8 : r;
}

static void frame_too_small(struct ui *ui, struct lines *out)
{
	struct line *l = lines_begin(out, ui->width);

	line_put(l, TE_STATUS_WARN, "terminal too small");
	if (ui->height > 1) {
		l = lines_begin(out, ui->width);
		line_printf(l, TE_DEFAULT, "%dx%d, needs %dx%d", ui->width, ui->height,
			    UI_MIN_WIDTH, UI_MIN_HEIGHT);
	}
}

void ui__frame(struct ui *ui, struct lines *out)
{
	int used;

	lines_clear(out);
	if (ui->width < UI_MIN_WIDTH || ui->height < UI_MIN_HEIGHT) {
		frame_too_small(ui, out);
		return;
	}
	if (ui->help) {
		static const struct ui_hint none[] = { { "", "any key closes the help" } };

		help__draw(ui, out);
		ui__hints(ui, out, none, 1, NULL);
		return;
	}
	if (ui->screen == UI_SCREEN_PROC) {
		procview__draw(ui, out, ui->height - 1);
		procview__status(ui, out);
		return;
	}
	if (ui->screen == UI_SCREEN_SYS) {
		sysview__draw(ui, out, ui->height - 1);
		sysview__status(ui, out);
		return;
	}
	listview__rebuild(ui);
	used = header__draw(out, ui->m, ui->width, cpu_rows_for(ui->height));
	listview__draw(ui, out, ui->height - used - 1);
	listview__status(ui, out);
}

/* New warnings and errors in the model's log become status messages. */
static void take_log(struct ui *ui)
{
	const struct msglog *log = &ui->live->log; /* news, paused or not */
	const struct msglog_entry *last = msglog_last(log);

	if (log->total == ui->log_seen)
		return;
	ui->log_seen = log->total;
	if (last && last->level != MSG_INFO)
		ui__message(ui, last->level == MSG_ERROR ? TE_STATUS_ERROR : TE_STATUS_WARN,
			    last->text);
}

int ui__key(struct ui *ui, int key)
{
	switch (key) {
	case UI_KEY_RESIZE:
		return UI_REDRAW;
	case UI_KEY_TICK:
		take_log(ui);
		return UI_REDRAW | UI_RESORT;
	case UI_KEY_TIMER:
		if (ui->msg[0] && ui__now() >= ui->msg_until) {
			ui->msg[0] = '\0';
			return UI_REDRAW;
		}
		return UI_NONE;
	default:
		break;
	}
	if (save__editing(ui))
		return save__prompt_key(ui, key) | UI_REDRAW;
	if (ui->msg[0]) {
		ui->msg[0] = '\0'; /* any key dismisses a message */
		if (key == UI_KEY_ESC)
			return UI_REDRAW;
	}
	if (ui->help) {
		ui->help = false;
		return UI_REDRAW;
	}
	if (ui->width < UI_MIN_WIDTH || ui->height < UI_MIN_HEIGHT)
		return key == 'q' ? UI_QUIT : UI_NONE;
	if (ui->screen == UI_SCREEN_PROC)
		return procview__key(ui, key) | UI_REDRAW;
	if (ui->screen == UI_SCREEN_SYS)
		return sysview__key(ui, key) | UI_REDRAW;
	if (key == UI_KEY_MOUSE)
		return listview__mouse(ui) | UI_REDRAW;
	return listview__key(ui, key) | UI_REDRAW;
}

bool ui__locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

/* ---- the loop -------------------------------------------------------------- */

/* The live view's side of loop_run: ctx is struct live_loop. */
struct live_loop {
	struct ui *ui;
	const struct ui_source *src;
	long refreshes;
};

static void live_draw(void *ctx, struct lines *frame, int width, int height)
{
	struct ui *ui = ((struct live_loop *)ctx)->ui;

	ui->width = width;
	ui->height = height;
	model_lock(ui->live);
	ui__frame(ui, frame);
	model_unlock(ui->live);
}

static int live_before_wait(void *ctx, int *timeout_ms)
{
	struct ui *ui = ((struct live_loop *)ctx)->ui;

	/* the frame drawn says "saving"; write with the model unlocked */
	if (save__pending(ui))
		return save__write_pending(ui);
	if (ui->msg[0]) {
		double left = ui->msg_until - ui__now();

		*timeout_ms = left <= 0 ? 0 : (int)(left * 1000) + 1;
	}
	return 0;
}

static int live_fd(void *ctx, int i)
{
	struct live_loop *l = ctx;

	return i == 0 ? l->src->wake_fd : ui__pause_fd(l->ui);
}

/* fds: 0 the source's wake_fd (new data: a tick), 1 the pause worker's
 * (the copy is ready: join the worker and show it). */
static int live_ready(void *ctx, int i, int *key)
{
	struct live_loop *l = ctx;

	if (i == 1) {
		ui__pause_load(l->ui);
		return UI_REDRAW | UI_RESORT;
	}
	if (l->src->ack(l->src->ctx)) {
		*key = UI_KEY_TICK;
		l->refreshes++;
	}
	return 0;
}

static int live_after_wait(void *ctx)
{
	struct ui *ui = ((struct live_loop *)ctx)->ui;

	return ui->msg[0] && ui__now() >= ui->msg_until ? UI_KEY_TIMER : -1;
}

static int live_keys(void *ctx, const int *keys, const struct ui_mouse *mice, int n)
{
	struct live_loop *l = ctx;
	struct ui *ui = l->ui;
	int flags = 0;

	/* The live model's lock, paused or not: a key may reset it (R)
	 * or copy it (p); the copy shown while paused is the UI's own. */
	model_lock(ui->live);
	for (int i = 0; i < n && !(flags & UI_QUIT); i++) {
		if (keys[i] == UI_KEY_MOUSE)
			ui->mouse = mice[i];
		flags |= ui__key(ui, keys[i]);
	}
	model_unlock(ui->live);
	if (ui->opt->iterations > 0 && l->refreshes >= ui->opt->iterations)
		flags |= UI_QUIT;
	return flags;
}

static int loop(struct ui *ui, const struct ui_source *src)
{
	struct live_loop l = { ui, src, 0 };
	struct loop_ops ops = {
		.ctx = &l,
		.draw = live_draw,
		.before_wait = live_before_wait,
		.fd = live_fd,
		.ready = live_ready,
		.after_wait = live_after_wait,
		.keys = live_keys,
	};

	return loop_run(&ops);
}

int ui__screen_start(const struct ui_options *opt, const char *hint)
{
	struct theme fallback;
	char why[160];

	if (screen__install_signals(why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return -1;
	}
	if (screen__open(opt->any_tty, why, sizeof(why)) < 0) {
		screen__restore_signals();
		fprintf(stderr, "perftop: %s%s\n", why, hint ? hint : "");
		return -1;
	}
	if (!opt->theme)
		theme_default(&fallback);
	theme_apply(opt->theme ? opt->theme : &fallback);
	return 0;
}

int ui_check_screen(bool any_tty, char *why, size_t why_len)
{
	return screen__check(any_tty, why, why_len);
}

int ui_stop_signal(void)
{
	int sig = screen__quit_signal();

	return sig ? sig : ui__batch_signal();
}

void ui__screen_stop(void)
{
	screen__close();
	screen__restore_signals();
}

int ui_run(struct model *m, const struct ui_source *src, const struct ui_options *opt)
{
	struct ui ui;
	int rc;

	if (ui__screen_start(opt, NULL) < 0)
		return 1;
	ui__init(&ui, m, opt, ui__locale_utf8());
	screen__mouse(!opt->no_mouse);
	model_lock(m);
	if (ui.standalone) {
		model_watch(m, opt->pid, true);
		m->list_visible = false;
	}
	model_unlock(m);
	rc = loop(&ui, src);
	ui__screen_stop();
	ui__release(&ui);
	return rc;
}
