/*
 * support/ui_fixture — the set-up the UI unit tests share: one model, one
 * struct ui on it and one frame of lines, drawn without a terminal and read
 * back as text. The prefix of this module is fx_.
 *
 * A test file points its Criterion suite at fx_init and fx_release (or calls
 * them from its own init and fini), fills the model (fx_readings for the
 * processes, fx_agent for a profile), opens the ui with fx_start and reads
 * what fx_draw drew with fx_find, fx_row_after and fx_elem_at. Everything
 * lives in the one instance fx, which the tests may read and change
 * directly (fx.m, fx.ui, fx.opt, fx.frame). Failures fail the calling test.
 */
#ifndef PERFTOP_TESTS_SUPPORT_UI_FIXTURE_H
#define PERFTOP_TESTS_SUPPORT_UI_FIXTURE_H

#include <stdbool.h>
#include <sys/types.h>

#include "ui/ui_internal.h"

/* The state of one test. */
struct ui_fixture {
	struct model m;         /* the live model the ui shows */
	struct ui ui;           /* valid between fx_start and fx_release */
	struct ui_options opt;  /* zeroed by fx_init; kept by pointer in ui */
	struct lines frame;     /* the last frame fx_draw drew */
	bool started;           /* fx_start ran: fx_release releases the ui */
	struct cpu_jiffies cpu; /* fx_readings' one CPU, counted up across calls */
};

extern struct ui_fixture fx;

/* One process in fx_readings: it uses ticks_per_s of CPU ticks (at 100
 * ticks a second, so 50 is 50 %) every second. */
struct fx_proc {
	pid_t pid;
	const char *comm;
	unsigned ticks_per_s;
};

/* Initialises fx.m (ticking every second), zeroes fx.opt and empties
 * fx.frame; the ui is not started. Fits Criterion's .init. */
void fx_init(void);

/* Releases the ui (when started), the frame and the model. Fits .fini. */
void fx_release(void);

/* Applies two readings of the processes to fx.m, at t = 1 s and 2 s: one CPU
 * 50 % busy, 1 GiB used of 8 GiB, each process with 2 threads, 4 fds,
 * 4096 kB resident, state R, user "tester", its comm as command line. */
void fx_readings(const struct fx_proc *procs, size_t n);

/* A reading of one process with the figures fx_readings uses, for tests that
 * build their own readings and change some of them. comm is kept by pointer. */
struct proc_reading fx_proc_reading(pid_t pid, const char *comm, unsigned long long ticks);

/* Registers pid as an agent process running exe in fx.m, marks its profile
 * connected and returns the profile. */
struct profile *fx_agent(pid_t pid, const char *exe);

/* Initialises fx.ui on fx.m and fx.opt at width x height columns and lines
 * (utf8: measure text as UTF-8), on the process list. A ui already started
 * is released first. */
void fx_start(int width, int height, bool utf8);

/* fx_start, then shows the process view of pid. */
void fx_start_proc(int width, int height, bool utf8, pid_t pid);

/* Draws the ui's frame into fx.frame (replacing what it held). */
void fx_draw(void);

/* The index of the first line of fx.frame containing text, or -1. */
int fx_find(const char *text);

/* The index of the k-th line (0 = the first) after the first line holding
 * header, or -1 when no line holds it. */
int fx_row_after(const char *header, int k);

/* The theme element of the span drawing the first byte of text in line i of
 * fx.frame, or -1 when text is not in the line or no span covers it. */
int fx_elem_at(int i, const char *text);

/* Expects fx.frame to have exactly the ui's height in lines and no line
 * wider than the ui's width. */
void fx_expect_fits(void);

#endif
