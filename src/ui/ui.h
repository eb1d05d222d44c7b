/*
 * ui — perftop's screen: the live process list and the process view, drawn
 * with curses, or the same lines printed as plain text by --batch.
 *
 * The ui reads the model under its lock and never reads /proc: whatever
 * feeds the model (the collector, later a replay) tells the ui through a
 * descriptor that becomes readable after each reading. The ui flips
 * m->list_visible (every process is scanned only while the list is shown)
 * and watches the process whose view is open.
 */
#ifndef PERFTOP_UI_UI_H
#define PERFTOP_UI_UI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "model/model.h"
#include "ui/theme.h"

struct budget;

/* Where readings come from: wake_fd is readable after each reading applied
 * to the model; ack(ctx) drains it and returns how many were applied. */
struct ui_source {
	int wake_fd;
	unsigned long long (*ack)(void *ctx);
	void *ctx;
};

struct ui_options {
	pid_t pid;                 /* > 0: this process's view only, no list behind it */
	long iterations;           /* > 0: stop after this many refreshes */
	const struct theme *theme; /* colours; NULL for the built-in default */
	const char *message;       /* shown once in the status line (a theme error), or NULL */
	const char *output_path;   /* perftop run: where the command's output goes, or NULL */
	bool until_child_exits;    /* batch: without iterations, stop when m->child_exited */
	bool snapshot;             /* perftop open: the model is a loaded snapshot, no collector
				      (the source's wake_fd never fires; say "snapshot" in the header) */
	const char *snapshot_path; /* perftop open: the file shown, or NULL */
	double snapshot_end;       /* perftop open: when the recording ended (wall clock,
				      seconds since the epoch), 0 when unknown */
	bool no_mouse;             /* --no-mouse: leave the mouse to the terminal */
	const struct budget *budget; /* perftop run --budget: judged every frame, or NULL */
	bool any_tty;              /* perftop run: draw on /dev/tty when stdin or stdout
				      is not the terminal (the command has them) */
};

/* Runs the curses screen until the user quits, SIGINT/SIGTERM, or the
 * iterations are done; the terminal is left exactly as it was. Installs the
 * crash handlers and fatal()'s hook that restore the terminal. Returns 0, or
 * 1 after printing "perftop: ..." on stderr when the screen cannot start
 * (no terminal). The caller has called setlocale(LC_ALL, ""). */
int ui_run(struct model *m, const struct ui_source *src, const struct ui_options *opt);

/* Whether ui_run() could start its screen here (a terminal: stdin and
 * stdout, else with any_tty /dev/tty; a TERM that can move the cursor),
 * without starting it: 0, or a negative errno with a reason in why ("TERM 'dumb'
 * cannot move the cursor (try --batch)"). For checks before side effects. */
int ui_check_screen(bool any_tty, char *why, size_t why_len);

/* The signal (SIGINT, SIGTERM, SIGHUP) that ended the last ui_run() or
 * ui_batch(), or 0 when they ended by themselves; cleared by the call. */
int ui_stop_signal(void);

struct diff;
/* perftop diff's screen: NEW's functions with their change against BASE
 * (and the zones, Tab), until q. d and the paths are borrowed. Only the
 * theme of opt is used. Returns 0, or 1 after printing "perftop: ..." when
 * the screen cannot start (no terminal). */
int ui_diff_run(const struct diff *d, const char *base_path, const char *new_path,
		const struct ui_options *opt);

/* Prints opt->iterations refreshes (1 when 0) as plain text to out, no
 * curses: each one the header figures and every process, or with opt->pid
 * the process's figures, from the same lines as the screen, and when it has
 * a profile the Functions, Threads, Zones and Counters tables (format at the
 * top of batch.c). Each refresh follows a reading that has rates (the second
 * reading onwards). With opt->until_child_exits and no iterations, a
 * refresh follows every reading until m->child_exited, then a final one
 * once the command's agent has gone (or two ticks later). Figure lines are
 * $COLUMNS wide, or the terminal's width, else 160; table rows are never
 * cut. SIGINT, SIGTERM and SIGHUP end it early (the caller then cleans up as after
 * the last refresh). Returns 0, or 1 when writing fails or the source stops. */
int ui_batch(struct model *m, const struct ui_source *src, const struct ui_options *opt,
	     FILE *out);

#endif
