/* Unit tests for collect/collector: a real collector thread over the real
 * /proc, checked through the model and the wake-up descriptor. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/collector.h"
#include "support/deadline.h"

enum { TICK_MS = 200 };

static struct model m;

static void setup(void)
{
	model_init(&m, TICK_MS / 1000.0);
}
static void teardown(void)
{
	model_release(&m);
}
TestSuite(collector, .init = setup, .fini = teardown);

static int count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Waits for a wake-up: a reading is there (up to TEST_WAIT_S). */
static void wait_wake(struct collector *c)
{
	struct pollfd p = { .fd = collector_wake_fd(c), .events = POLLIN };
	int n = poll(&p, 1, (int)(TEST_WAIT_S * 1000));

	cr_assert_eq(n, 1, "a reading woke us within %.0f s", TEST_WAIT_S);
}

/* Waits for one wake-up; returns the readings acked. */
static unsigned long long wait_reading(struct collector *c)
{
	wait_wake(c);
	return collector_ack(c);
}

static struct collector *start(void)
{
	char why[256] = "";
	int err = 1;
	struct collector *c = collector_start(&m, &err, why, sizeof(why));

	cr_assert_not_null(c, "collector_start: %s", why);
	cr_assert_eq(err, 0);
	return c;
}

Test(collector, first_reading_wakes_and_holds_our_process)
{
	int threads = count_threads();
	struct collector *c = start();

	cr_assert_eq(count_threads(), threads + 1, "one thread of its own");
	cr_assert_geq(wait_reading(c), 1, "the first reading");

	model_lock(&m);
	struct process *me = model_find(&m, getpid());
	cr_assert_not_null(me, "our pid is in the model");
	cr_assert_gt(m.nprocs, 1, "the list is visible: every process is read");
	cr_assert_gt(m.sys.ncpu, 0);
	cr_assert_gt(m.sys.mem_total_kb, 0);
	unsigned long long tick = m.tick;
	model_unlock(&m);

	cr_assert_geq(wait_reading(c), 1, "the timer keeps ticking");
	model_lock(&m);
	cr_assert_gt(m.tick, tick);
	model_unlock(&m);
	collector_stop(c);
	cr_assert_eq(count_threads(), threads, "collector_stop joined the thread");
}

Test(collector, reads_only_the_watched_when_the_list_is_hidden)
{
	struct collector *c;

	model_lock(&m);
	m.list_visible = false;
	model_watch(&m, getpid(), true);
	model_unlock(&m);
	c = start();
	wait_reading(c);
	model_lock(&m);
	cr_assert_eq(m.nprocs, 1);
	struct process *me = model_find(&m, getpid());
	cr_assert_not_null(me);
	cr_assert(me->watched);
	cr_assert_geq(me->fds, 3, "a watched process comes with its details");
	model_unlock(&m);
	collector_stop(c);
}

Test(collector, a_watched_child_that_exits_is_marked_exited)
{
	int go[2];
	char ch;
	pid_t child;
	struct collector *c;

	cr_assert_eq(pipe(go), 0);
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		close(go[1]);
		_exit(read(go[0], &ch, 1) == 1 ? 3 : 4);
	}
	close(go[0]);
	model_lock(&m);
	model_watch(&m, child, true);
	model_unlock(&m);
	c = start();
	wait_reading(c);
	model_lock(&m);
	struct process *p = model_find(&m, child);
	cr_assert_not_null(p);
	cr_assert(p->watched);
	cr_assert_not(p->exited);
	model_unlock(&m);

	cr_assert_eq(write(go[1], "x", 1), 1);
	int status;
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert_eq(WEXITSTATUS(status), 3);

	bool exited = false;
	for (int i = 0; i < 5 && !exited; i++) {
		wait_reading(c);
		model_lock(&m);
		p = model_find(&m, child);
		cr_assert_not_null(p, "a watched process stays after exit");
		exited = p->exited;
		model_unlock(&m);
	}
	cr_assert(exited, "marked exited within a few readings");
	model_lock(&m);
	cr_assert_eq(model_find(&m, child)->state, 'X');
	model_unlock(&m);
	collector_stop(c);
}

Test(collector, stops_while_nobody_acks)
{
	struct collector *c = start();

	struct timespec t0, t1;
	unsigned long long second;
	double ticks;

	/* Readings pile up unacknowledged; stop must still join at once. */
	wait_wake(c);
	usleep(3 * TICK_MS * 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_geq(collector_ack(c), 1, "readings are counted, not lost");
	second = collector_ack(c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* After an ack, only the ticks since then count (on a loaded machine
	 * some may pass between the two calls). */
	ticks = ((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) /
		TICK_MS;
	cr_assert_leq((double)second, 1.0 + ticks, "one ack drains the count (%llu after it)",
		      second);
	collector_stop(c);
	collector_stop(NULL);
}
