/* Unit tests for snapshot/freeze: a copy of a live model made by a worker
 * thread has the model's figures at the time it was asked for (what the
 * live model gets afterwards is not in it), its descriptor becomes
 * readable with no help, and a copy cancelled while loading or after it
 * ended leaves nothing behind (`make asan` checks for leaks and races). */
#include <criterion/criterion.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "snapshot/freeze.h"
#include "support/deadline.h"

static struct model m;
static struct profile *p;
static uint32_t fn;

static void setup(void)
{
	model_init(&m, 1.0);
	p = model_agent_process(&m, 42, "/bin/prog")->profile;
	fn = profile_func(p, "prog", "work", "w.c", 7);
	profile_add_samples(p, 42, &fn, 1, 100, 10);
}

static void teardown(void)
{
	model_release(&m);
}

TestSuite(freeze, .init = setup, .fini = teardown, .timeout = TEST_SUITE_TIMEOUT);

/* Waits (at most TEST_WAIT_S) for fz's descriptor to become readable. */
static bool ended(const struct freeze *fz)
{
	struct pollfd pfd = { freeze_fd(fz), POLLIN, 0 };

	return poll(&pfd, 1, (int)(test_deadline(5) * 1000)) == 1 && (pfd.revents & POLLIN);
}

Test(freeze, the_copy_is_the_model_when_asked)
{
	int err = 0;
	struct freeze *fz = freeze_start(&m, &err);
	struct model *copy;
	char why[160] = "";

	cr_assert_not_null(fz, "err %d", err);
	profile_add_samples(p, 42, &fn, 1, 5, 11); /* after the copy was asked for */
	cr_assert(ended(fz), "the worker ends by itself");
	cr_expect(freeze_ready(fz));
	copy = freeze_take(fz, why, sizeof(why));
	cr_assert_not_null(copy, "%s", why);
	cr_assert_not_null(model_find(copy, 42));
	cr_expect_eq(model_find(copy, 42)->profile->samples, 100);
	cr_expect_eq(p->samples, 105, "the live model went on");
	model_release(copy);
	free(copy);
}

Test(freeze, cancel_while_loading_or_after)
{
	int err = 0;
	struct freeze *fz;

	for (int i = 0; i < 5000; i++)
		profile_add_samples(p, 42, &fn, 1, 1, 10 + i * 0.001);
	fz = freeze_start(&m, &err);
	cr_assert_not_null(fz);
	freeze_cancel(fz); /* most likely still loading */
	fz = freeze_start(&m, &err);
	cr_assert_not_null(fz);
	cr_assert(ended(fz));
	freeze_cancel(fz); /* ended: its copy is freed */
	freeze_cancel(NULL);
}
