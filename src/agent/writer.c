/*
 * writer — the agent's writer thread: connects to perftop, drains every
 * thread's rings each flush period, encodes them with the wire encoder into
 * one fixed buffer and sends it without blocking.
 *
 * The thread sleeps on a futex (agent__g.wake) until the next flush, so
 * exit and exec can wake it: before exec the exec interposer asks for a
 * flush of everything and waits for it (at most SYNC_FLUSH_MS plus the
 * flush), and at exit the last flush waits at most FINAL_FLUSH_MS for the
 * socket. Control frames from perftop are read once per flush period.
 *
 * The target never waits for perftop. Sends are MSG_DONTWAIT; when the
 * socket is full, what does not fit in the buffer is dropped and counted;
 * when perftop is absent or goes away, recording stops (the API calls return
 * at once, the sampling sources are disarmed), the rings are emptied and
 * counted, and the connection is retried after 100 ms, doubling to 1 s.
 * Memory is the fixed buffer, the rings and the decoder's one-frame buffer
 * for control frames.
 *
 * Order on a connection: HELLO; then, each flush, NAMEs not sent yet
 * (before anything that uses their ids; if they cannot all be sent, that
 * flush's events are dropped), THREADs, MAPS when the module table changed,
 * SAMPLES, ZONES and MARKs per thread, COUNTERS (totals and gauge values that
 * changed); once a second ZONE_STATS per thread and STATS.
 *
 * Timestamps are taken in raw ticks (TSC when it is invariant and the
 * kernel's clocksource, else CLOCK_MONOTONIC ns) and converted here to
 * CLOCK_MONOTONIC ns with a ratio measured against the start of the agent.
 *
 * This file is the thread, the clock and the agent's cost; the socket is
 * transport.c, the encoding of one flush frames.c (writer.h).
 */
#include "agent/writer.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The handler's fast trace is probed for once the process has lived this
 * long (no thread can have taken TRACE_AFTER samples at 1 kHz before): a
 * process that ends sooner never makes the probe's 256 KiB cache. */
#define TRACE_PROBE_MS 100u
#define FINAL_FLUSH_MS 30u /* the most the last flush waits for the socket, at exit */
#define SYNC_FLUSH_MS  40u /* ... and a flush asked for before exec */

int agent__pthread_create_real(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
                               void *arg);

struct writer writer__w = {.fd = -1};

/* ---- clock -------------------------------------------------------------- */

void writer__calibrate(void)
{
	uint64_t a, ns, b, dt;

	if (!agent__g.use_tsc) {
		writer__w.ns_per_tick = 1.0;
		return;
	}
	a = agent__ticks();
	ns = agent__now_ns();
	b = agent__ticks();
	if (ns <= agent__g.ns0 + 1000000u) {
		/* Less than 1 ms since the start: wait a little for a usable
		 * baseline (only at the very beginning or at a quick exit). */
		struct timespec d = {0, 2000000};

		nanosleep(&d, NULL);
		a = agent__ticks();
		ns = agent__now_ns();
		b = agent__ticks();
	}
	dt = a / 2 + b / 2 - agent__g.ticks0;
	if (dt)
		writer__w.ns_per_tick = (double)(ns - agent__g.ns0) / (double)dt;
	atomic_store_explicit(&agent__g.ns_per_tick, writer__w.ns_per_tick, memory_order_relaxed);
}

uint64_t writer__cpu_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
/* ---- the agent's own cost ----------------------------------------------- */

/* Handler ticks of every thread (live, dead and freed slots), the writer
 * thread's CPU time and the process's in ns. Writer thread only: it reads
 * its own CPU clock. Two clock_gettime system calls; called once a second
 * and at each connection. */
void writer__cost_read(uint64_t *handler, uint64_t *writer, uint64_t *process)
{
	uint32_t n = atomic_load(&agent__g.nslots);
	uint64_t ticks = writer__w.retired_handler;

	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (t && atomic_load(&t->state) != AGENT_THREAD_FREE)
			ticks += atomic_load_explicit(&t->handler_ticks, memory_order_relaxed);
	}
	*handler = ticks;
	*writer = writer__cpu_ns(CLOCK_THREAD_CPUTIME_ID);
	*process = writer__cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
}

/* ---- the thread --------------------------------------------------------- */

/* The writer works in a descriptor table of its own (unshare(CLONE_FILES))
 * and closes its copies of the program's descriptors: its socket and its
 * /proc reads then take no number from the program, which opens exactly the
 * numbers it would without the agent, and a forked child inherits nothing of
 * the writer's. The program's perf events (opened before the writer
 * started: agent__g.perf_open_ok) are reached with pidfd_getfd() copies of
 * the program's numbers; where the kernel refuses that, the writer keeps
 * the copies of them its table was made with. Returns 1 when the writer now
 * has its own table. */
static int close_all_but(const int *keep, size_t n)
{
	unsigned from = 0;

	/* keep is sorted */
	for (size_t i = 0; i <= n; i++) {
		unsigned to = i < n ? (unsigned)keep[i] : ~0u;

		if (to > from && syscall(SYS_close_range, from, to - 1, 0u) < 0) {
			long max = sysconf(_SC_OPEN_MAX);
			unsigned last = max > 0 && max < 65536 ? (unsigned)max : 65536u;

			for (unsigned fd = from; fd < to && fd < last; fd++)
				close((int)fd);
		}
		if (i < n)
			from = (unsigned)keep[i] + 1;
	}
	return 0;
}

static int private_table(void)
{
	int keep[AGENT_PERF_BUDGET + 1];
	size_t nkeep = 0;
	int pidfd, probe = -1;

	if (unshare(CLONE_FILES) < 0)
		return 0;
	pthread_mutex_lock(&agent__g.lock);
	for (uint32_t i = 0; i < atomic_load(&agent__g.nslots) && nkeep < AGENT_PERF_BUDGET; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (t && atomic_load(&t->state) != AGENT_THREAD_FREE && t->perf_fd >= 0)
			keep[nkeep++] = probe = t->perf_fd;
	}
	pthread_mutex_unlock(&agent__g.lock);
	pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd >= 0 && probe >= 0) {
		int copy = (int)syscall(SYS_pidfd_getfd, pidfd, probe, 0);

		if (copy < 0) {
			close(pidfd);
			pidfd = -1;
		} else {
			close(copy);
		}
	}
	if (pidfd >= 0) {
		nkeep = 0; /* reached by copies: ours go */
		keep[nkeep++] = pidfd;
	}
	for (size_t i = 1; i < nkeep; i++) /* insertion sort: a handful */
		for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int x = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = x;
		}
	close_all_but(keep, nkeep);
	agent__g.writer_pidfd = pidfd;
	return 1;
}

static long futex(_Atomic uint32_t *word, int op, uint32_t val, const struct timespec *timeout)
{
	return syscall(SYS_futex, (uint32_t *)word, op, val, timeout, NULL, 0);
}

/* Sleeps until agent__g.wake moves from seen or ms pass. */
static void nap(uint32_t seen, int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	if (ms > 0 && atomic_load(&agent__g.wake) == seen)
		futex(&agent__g.wake, FUTEX_WAIT_PRIVATE, seen, &ts);
}

static void wake_writer(void)
{
	atomic_fetch_add(&agent__g.wake, 1);
	futex(&agent__g.wake, FUTEX_WAKE_PRIVATE, 1, NULL);
}

static void once_a_second(uint64_t now)
{
	writer__measure_rate(now);
	agent__threads_scan();
	agent__sampler_tick(now);
}

/* Everything the rings hold now, sent (a flush wanted before exec). */
static void flush_for_request(void)
{
	uint32_t req = atomic_load(&agent__g.flush_req);

	if (req == atomic_load(&agent__g.flush_done))
		return;
	atomic_store(&agent__g.flush_started, req);
	futex(&agent__g.flush_done, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL);
	if (writer__w.fd < 0)
		writer__try_connect(); /* what the rings hold goes nowhere else before exec */
	if (writer__w.fd >= 0) {
		writer__measure_rate(agent__now_ns());
		writer__flush(1);
		writer__drain_until(agent__now_ns() + SYNC_FLUSH_MS * 1000000ull);
	}
	atomic_store(&agent__g.flush_done, req);
	futex(&agent__g.flush_done, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL);
}

/* At the end: every timer-sampled thread's owed time, for the last flush
 * to put on what the thread left queued. */
static void settle_all(void)
{
	uint32_t n = atomic_load(&agent__g.nslots);

	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (t && atomic_load(&t->state) != AGENT_THREAD_FREE)
			t->w_settle += agent__sampler_settle(t, atomic_load(&t->tid));
	}
}

static void *writer_main(void *arg)
{
	uint64_t next_flush, next_second, now, probe_at;

	(void)arg;
	atomic_store(&agent__g.writer_tid, (pid_t)syscall(SYS_gettid));
	pthread_setname_np(pthread_self(), "perftop-agent");
	if (private_table())
		atomic_store(&agent__g.writer_private, 1);
	writer__read_cmdline();
	now = agent__now_ns();
	/* Connected now: a forked child that lives a few milliseconds must
	 * still deliver what it recorded. */
	writer__try_connect();
	writer__measure_rate(now);
	probe_at = now + TRACE_PROBE_MS * 1000000ull;
	next_flush = now + agent__g.cfg.flush_ms * 1000000ull;
	next_second = now + 1000000000ull;

	while (!atomic_load(&agent__g.stop)) {
		uint32_t seen = atomic_load(&agent__g.wake);
		int timeout;

		flush_for_request();
		agent__creds_serve(0);
		now = agent__now_ns();
		timeout = next_flush > now ? (int)((next_flush - now + 999999) / 1000000) : 0;
		if (!writer__w.broken)
			nap(seen, timeout);
		if (atomic_load(&agent__g.stop))
			break;
		if (atomic_load(&agent__g.flush_req) != atomic_load(&agent__g.flush_done))
			continue;
		now = agent__now_ns();
		if (now < next_flush && !writer__w.broken)
			continue;
		if (writer__fd_ours())
			writer__read_control(); /* control frames wait at most one flush period */
		next_flush = now + agent__g.cfg.flush_ms * 1000000ull;
		if (!agent__sampler_watch())
			agent__sampler_flush_check(now);
		if (writer__w.fd < 0 && now >= writer__w.next_try_ns)
			writer__try_connect();
		if (probe_at && now >= probe_at) {
			agent__unwind_trace_probe();
			probe_at = 0;
		}
		if (now >= next_second) {
			next_second = now + 1000000000ull;
			once_a_second(now);
			writer__flush(1);
		} else {
			writer__flush(0);
		}
	}

	/* Last flush at exit: sampling off, everything queued, the exact
	 * statistics, then a bounded wait for the socket to take it. */
	settle_all();
	pthread_mutex_lock(&agent__g.lock);
	agent__threads_arm(0);
	pthread_mutex_unlock(&agent__g.lock);
	atomic_store(&agent__g.sampling, 0);
	if (writer__w.fd < 0 && agent__threads_pending())
		writer__try_connect(); /* one more try for what is left (a refused one costs
		                          nothing) */
	if (writer__w.fd >= 0) {
		agent__sampler_tick(agent__now_ns()); /* the last skipped-sample counts */
		writer__measure_rate(agent__now_ns());
		writer__flush(1);
		writer__drain_until(agent__now_ns() + FINAL_FLUSH_MS * 1000000ull);
		if (writer__fd_ours())
			close(writer__w.fd);
		writer__w.fd = -1;
	}
	atomic_store(&agent__g.flush_done, atomic_load(&agent__g.flush_req));
	futex(&agent__g.flush_done, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL);
	agent__creds_serve(1);
	atomic_store(&agent__g.active, 0);
	return NULL;
}

int agent__writer_start(void)
{
	sigset_t all, old;
	int rc;

	atomic_store(&agent__g.stop, 0);
	sigfillset(&all);
	agent__real_sigmask(SIG_SETMASK, &all, &old);
	rc = agent__pthread_create_real(&agent__g.writer, NULL, writer_main, NULL);
	agent__real_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return -rc;
	agent__g.writer_running = 1;
	return 0;
}

void agent__writer_flush(unsigned max_ms)
{
	uint64_t wake_deadline = agent__now_ns() + (uint64_t)AGENT_WRITER_WAKE_MS * 1000000u;
	uint64_t deadline = 0;
	uint32_t req;

	if (!agent__g.writer_running ||
	    (pid_t)syscall(SYS_gettid) == atomic_load(&agent__g.writer_tid))
		return;
	req = atomic_fetch_add(&agent__g.flush_req, 1) + 1;
	wake_writer();
	for (;;) {
		uint32_t done = atomic_load(&agent__g.flush_done);
		uint64_t now = agent__now_ns(), until;
		struct timespec ts;

		if ((int32_t)(done - req) >= 0)
			return;
		/* Started: from then on, max_ms at most. */
		if (!deadline && (int32_t)(atomic_load(&agent__g.flush_started) - req) >= 0)
			deadline = now + (uint64_t)max_ms * 1000000u;
		until = deadline ? deadline : wake_deadline;
		if (now >= until)
			return;
		ts.tv_sec = (time_t)((until - now) / 1000000000u);
		ts.tv_nsec = (long)((until - now) % 1000000000u);
		/* flush_done is also woken when the writer starts the flush. */
		futex(&agent__g.flush_done, FUTEX_WAIT_PRIVATE, done, &ts);
	}
}

void agent__writer_stop(void)
{
	if (!agent__g.writer_running)
		return;
	atomic_store(&agent__g.stop, 1);
	wake_writer();
	pthread_join(agent__g.writer, NULL);
	agent__g.writer_running = 0;
}

void agent__writer_after_fork(void)
{
	/* The child's copies of the parent's socket, each closed only when the
	 * number still holds it (the program may have reused it); a writer
	 * with its own table left the child nothing to close. */
	if (!atomic_load(&agent__g.writer_private) &&
	    writer__sock_is(writer__w.fd, writer__w.dev, writer__w.ino))
		close(writer__w.fd);
	agent__g.writer_pidfd = -1; /* the parent writer's, in its own table */
	if (writer__w.dec_ready)
		wire_decoder_release(&writer__w.dec);
	memset(&writer__w, 0, sizeof(writer__w));
	writer__w.fd = -1;
	agent__g.writer_running = 0;
	atomic_store(&agent__g.writer_private, 0);
	atomic_store(&agent__g.flush_req, 0);
	atomic_store(&agent__g.flush_started, 0);
	atomic_store(&agent__g.flush_done, 0);
	atomic_store(&agent__g.writer_tid, 0);
}
