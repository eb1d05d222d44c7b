/* Unit tests for pause (p) loading its copy in a worker thread: while the
 * copy loads, the screen shows the live model with "PAUSING" and new
 * samples still show; the worker's descriptor becomes readable with no help
 * from the UI thread; a second p cancels, R restarts the copy, quitting
 * joins the worker; and the snapshot loader gives up when asked to. The
 * profile of process 300 is built by hand: thread 301 runs alpha (100
 * samples) and beta (30). `make asan` runs these for leaks and races in
 * the cleanup paths. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "snapshot/snapshot.h"
#include "ui/ui_internal.h"

static struct model m;
static struct ui ui;
static struct ui_options opt;
static struct lines frame;
static struct profile *prof;
static uint32_t alpha, beta;

static void profile_fill(void)
{
	prof = model_agent_process(&m, 300, "/usr/bin/prog")->profile;
	prof->connected = true;
	prof->requested_hz = 1000;
	prof->achieved_hz = 990;
	profile_thread_name(prof, 301, "main");
	alpha = profile_func(prof, "prog", "alpha", "a.c", 1);
	beta = profile_func(prof, "prog", "beta", "b.c", 2);
	profile_add_samples(prof, 301, &alpha, 1, 100, 1.0);
	profile_add_samples(prof, 301, &beta, 1, 30, 1.0);
}

static void setup(void)
{
	model_init(&m, 1.0);
	profile_fill();
	memset(&opt, 0, sizeof(opt));
	lines_init(&frame);
	ui__init(&ui, &m, &opt, true);
	ui.width = 120;
	ui.height = 40;
	ui.screen = UI_SCREEN_PROC;
	ui.proc.pid = 300;
}

static void teardown(void)
{
	ui__release(&ui);
	lines_release(&frame);
	model_release(&m);
}

TestSuite(ui_pause, .init = setup, .fini = teardown, .timeout = 30);

static void draw(void)
{
	ui__frame(&ui, &frame);
}

static int find(const char *text)
{
	for (size_t i = 0; i < frame.n; i++)
		if (strstr(frame.v[i].text, text))
			return (int)i;
	return -1;
}

/* Waits (at most 10 s) for the worker's descriptor to become readable. */
static bool worker_done(void)
{
	struct pollfd pfd = { ui__pause_fd(&ui), POLLIN, 0 };

	return pfd.fd >= 0 && poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLIN);
}

Test(ui_pause, the_copy_loads_in_a_worker_while_the_live_data_shows)
{
	cr_assert_eq(ui__key(&ui, 'p') & UI_REDRAW, UI_REDRAW);
	cr_assert(ui__pausing(&ui), "a worker loads the copy");
	cr_expect_eq(ui.m, &m, "the live model is shown meanwhile");
	cr_expect_null(ui.frozen);
	draw();
	cr_expect_gt(find("PAUSING"), -1, "title: '%s'", frame.v[0].text);
	cr_expect_eq(find("PAUSED"), -1);
	cr_expect_gt(find("130 samples"), -1, "the agent line: live figures");

	/* Samples arriving while the copy loads still show. */
	profile_add_samples(prof, 301, &beta, 1, 20, 1.5);
	draw();
	cr_expect_gt(find("150 samples"), -1, "live samples keep showing while pausing");

	/* Nothing on this thread drives the load: the worker finishes alone. */
	cr_assert(worker_done(), "the worker's descriptor becomes readable");
	cr_expect(ui__pausing(&ui), "not shown before the UI joins it");
	ui__pause_load(&ui);
	cr_expect_not(ui__pausing(&ui));
	cr_assert_not_null(ui.frozen, "paused");
	cr_expect_eq(ui.m, ui.frozen);
	cr_expect_eq(ui__pause_fd(&ui), -1, "no worker left");
	cr_expect_eq(model_find(ui.m, 300)->profile->samples, 130,
		     "the copy is the model as it was at p");

	profile_add_samples(prof, 301, &beta, 1, 5, 1.6);
	draw();
	cr_expect_gt(find("PAUSED"), -1);
	cr_expect_gt(find("+25 samples waiting"), -1, "title: '%s'", frame.v[0].text);
	cr_expect_eq(find("PAUSING"), -1);

	ui__key(&ui, 'p');
	cr_expect_null(ui.frozen, "p again resumes");
	cr_expect_eq(ui.m, &m);
}

Test(ui_pause, a_second_p_before_the_copy_is_ready_cancels)
{
	ui__key(&ui, 'p');
	cr_assert(ui__pausing(&ui));
	ui__key(&ui, 'p');
	cr_expect_not(ui__pausing(&ui), "the worker is stopped and joined");
	cr_expect_null(ui.frozen, "nothing is shown paused");
	cr_expect_eq(ui.m, &m);
	cr_expect_str_eq(ui.msg, "", "a cancel is silent");
	draw();
	cr_expect_eq(find("PAUS"), -1, "title: '%s'", frame.v[0].text);

	/* And p works again afterwards. */
	ui__key(&ui, 'p');
	cr_assert(worker_done());
	ui__pause_load(&ui);
	cr_expect_not_null(ui.frozen);
}

Test(ui_pause, R_while_the_copy_loads_copies_again)
{
	ui__key(&ui, 'p');
	cr_assert(ui__pausing(&ui));
	ui__key(&ui, 'R');
	cr_expect_eq(prof->samples, 0, "the live profile is reset");
	cr_assert(ui__pausing(&ui), "a copy of the reset model is on its way");
	ui__pause_load(&ui);
	cr_assert_not_null(ui.frozen);
	cr_expect_eq(model_find(ui.m, 300)->profile->samples, 0,
		     "the copy shown is of the model after R, not before");
}

Test(ui_pause, quitting_while_the_copy_loads_joins_the_worker)
{
	ui__key(&ui, 'p');
	cr_assert(ui__pausing(&ui));
	ui__release(&ui); /* as the loop's end does; teardown releases again */
	cr_expect_not(ui__pausing(&ui));
	cr_expect_null(ui.frozen);
	ui__init(&ui, &m, &opt, true);
}

Test(ui_pause, a_snapshot_does_not_pause)
{
	opt.snapshot = true;
	ui__key(&ui, 'p');
	cr_expect_not(ui__pausing(&ui));
	cr_expect_null(ui.frozen);
	cr_expect(strstr(ui.msg, "nothing to pause") != NULL, "msg: '%s'", ui.msg);
}

Test(ui_pause, the_loader_gives_up_when_asked)
{
	struct snapshot_meta meta;
	struct snapshot_buf buf;
	struct model copy;
	atomic_bool stop;
	char why[160];
	int rc;

	snapshot_meta_init(&meta);
	snapshot_encode(&m, &meta, &buf);
	atomic_init(&stop, true);
	rc = snapshot_load_buf_stoppable(&copy, &buf, &meta, &stop, why, sizeof(why));
	cr_expect_eq(rc, -ECANCELED, "rc %d (%s)", rc, why);
	cr_expect(strstr(why, "cancelled") != NULL, "why: '%s'", why);

	atomic_store(&stop, false);
	rc = snapshot_load_buf_stoppable(&copy, &buf, &meta, &stop, why, sizeof(why));
	cr_assert_eq(rc, 0, "not stopped: %s", why);
	cr_expect_eq(model_find(&copy, 300)->profile->samples, 130);
	model_release(&copy);
	snapshot_buf_release(&buf);
}
