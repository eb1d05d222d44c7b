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
#include "support/deadline.h"
#include "support/ui_fixture.h"
#include "ui/ui_internal.h"

static struct profile *prof;
static uint32_t alpha, beta;

static void profile_fill(void)
{
	prof = fx_agent(300, "/usr/bin/prog");
	prof->requested_hz = 1000;
	prof->achieved_hz = 990;
	profile_thread_name(prof, 301, "main");
	alpha = profile_func(prof, "prog", "alpha", "a.c", 1);
	beta = profile_func(prof, "prog", "beta", "b.c", 2);
	profile_add_samples(prof, 301, &alpha, 1, 100, 1.0);
	profile_add_samples(prof, 301, &beta, 1, 30, 1.0);
}

/* No processes read; process 300 profiled, the ui on its view at 120 x 40,
 * measuring text as UTF-8. */
static void setup(void)
{
	fx_init();
	profile_fill();
	fx_start_proc(120, 40, true, 300);
}

TestSuite(ui_pause, .init = setup, .fini = fx_release, .timeout = TEST_SUITE_TIMEOUT);

/* Waits (at most TEST_WAIT_S) for the worker's descriptor to become
 * readable. */
static bool worker_done(void)
{
	struct pollfd pfd = { ui__pause_fd(&fx.ui), POLLIN, 0 };

	return pfd.fd >= 0 && poll(&pfd, 1, (int)(TEST_WAIT_S * 1000)) == 1 &&
	       (pfd.revents & POLLIN);
}

Test(ui_pause, the_copy_loads_in_a_worker_while_the_live_data_shows)
{
	cr_assert_eq(ui__key(&fx.ui, 'p') & UI_REDRAW, UI_REDRAW);
	cr_assert(ui__pausing(&fx.ui), "a worker loads the copy");
	cr_expect_eq(fx.ui.m, &fx.m, "the live model is shown meanwhile");
	cr_expect_null(fx.ui.frozen);
	fx_draw();
	cr_expect_gt(fx_find("PAUSING"), -1, "title: '%s'", fx.frame.v[0].text);
	cr_expect_eq(fx_find("PAUSED"), -1);
	cr_expect_gt(fx_find("130 samples"), -1, "the agent line: live figures");

	/* Samples arriving while the copy loads still show. */
	profile_add_samples(prof, 301, &beta, 1, 20, 1.5);
	fx_draw();
	cr_expect_gt(fx_find("150 samples"), -1, "live samples keep showing while pausing");

	/* Nothing on this thread drives the load: the worker finishes alone. */
	cr_assert(worker_done(), "the worker's descriptor becomes readable");
	cr_expect(ui__pausing(&fx.ui), "not shown before the UI joins it");
	ui__pause_load(&fx.ui);
	cr_expect_not(ui__pausing(&fx.ui));
	cr_assert_not_null(fx.ui.frozen, "paused");
	cr_expect_eq(fx.ui.m, fx.ui.frozen);
	cr_expect_eq(ui__pause_fd(&fx.ui), -1, "no worker left");
	cr_expect_eq(model_find(fx.ui.m, 300)->profile->samples, 130,
		     "the copy is the model as it was at p");

	profile_add_samples(prof, 301, &beta, 1, 5, 1.6);
	fx_draw();
	cr_expect_gt(fx_find("PAUSED"), -1);
	cr_expect_gt(fx_find("+25 samples waiting"), -1, "title: '%s'", fx.frame.v[0].text);
	cr_expect_eq(fx_find("PAUSING"), -1);

	ui__key(&fx.ui, 'p');
	cr_expect_null(fx.ui.frozen, "p again resumes");
	cr_expect_eq(fx.ui.m, &fx.m);
}

Test(ui_pause, a_second_p_before_the_copy_is_ready_cancels)
{
	ui__key(&fx.ui, 'p');
	cr_assert(ui__pausing(&fx.ui));
	ui__key(&fx.ui, 'p');
	cr_expect_not(ui__pausing(&fx.ui), "the worker is stopped and joined");
	cr_expect_null(fx.ui.frozen, "nothing is shown paused");
	cr_expect_eq(fx.ui.m, &fx.m);
	cr_expect_str_eq(fx.ui.msg, "", "a cancel is silent");
	fx_draw();
	cr_expect_eq(fx_find("PAUS"), -1, "title: '%s'", fx.frame.v[0].text);

	/* And p works again afterwards. */
	ui__key(&fx.ui, 'p');
	cr_assert(worker_done());
	ui__pause_load(&fx.ui);
	cr_expect_not_null(fx.ui.frozen);
}

Test(ui_pause, R_while_the_copy_loads_copies_again)
{
	ui__key(&fx.ui, 'p');
	cr_assert(ui__pausing(&fx.ui));
	ui__key(&fx.ui, 'R');
	cr_expect_eq(prof->samples, 0, "the live profile is reset");
	cr_assert(ui__pausing(&fx.ui), "a copy of the reset model is on its way");
	ui__pause_load(&fx.ui);
	cr_assert_not_null(fx.ui.frozen);
	cr_expect_eq(model_find(fx.ui.m, 300)->profile->samples, 0,
		     "the copy shown is of the model after R, not before");
}

Test(ui_pause, quitting_while_the_copy_loads_joins_the_worker)
{
	ui__key(&fx.ui, 'p');
	cr_assert(ui__pausing(&fx.ui));
	ui__release(&fx.ui); /* as the loop's end does; fx_release releases again */
	cr_expect_not(ui__pausing(&fx.ui));
	cr_expect_null(fx.ui.frozen);
	ui__init(&fx.ui, &fx.m, &fx.opt, true);
}

Test(ui_pause, a_snapshot_does_not_pause)
{
	fx.opt.snapshot = true;
	ui__key(&fx.ui, 'p');
	cr_expect_not(ui__pausing(&fx.ui));
	cr_expect_null(fx.ui.frozen);
	cr_expect(strstr(fx.ui.msg, "nothing to pause") != NULL, "msg: '%s'", fx.ui.msg);
}

Test(ui_pause, the_loader_gives_up_when_asked)
{
	struct snapshot_meta meta;
	struct bytebuf buf;
	struct model copy;
	atomic_bool stop;
	char why[160];
	int rc;

	snapshot_meta_init(&meta);
	snapshot_encode(&fx.m, &meta, &buf);
	atomic_init(&stop, true);
	rc = snapshot_load_buf_stoppable(&copy, &buf, &meta, &stop, why, sizeof(why));
	cr_expect_eq(rc, -ECANCELED, "rc %d (%s)", rc, why);
	cr_expect(strstr(why, "cancelled") != NULL, "why: '%s'", why);

	atomic_store(&stop, false);
	rc = snapshot_load_buf_stoppable(&copy, &buf, &meta, &stop, why, sizeof(why));
	cr_assert_eq(rc, 0, "not stopped: %s", why);
	cr_expect_eq(model_find(&copy, 300)->profile->samples, 130);
	model_release(&copy);
	bytebuf_release(&buf);
}
