/*
 * threads — the agent's thread registry.
 *
 * Every sampled thread has a slot: its sampling source, its two rings and
 * its zone statistics. A thread the program starts through pthread_create
 * (interposed here) attaches itself before running its start routine, and a
 * pthread key destructor detaches it when it exits. Threads the agent did
 * not see start (present before the agent loaded, or started with raw clone)
 * are adopted from /proc/self/task: their source is created from outside,
 * on their tid's CPU clock, and delivered to that tid; the periodic scan
 * notices when they are gone.
 *
 * Slots are mmap'd once and never unmapped, only recycled, so the signal
 * handler may scan them without a lock.
 */
#include "agent/agent.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

__thread struct agent_thread *agent__self __attribute__((tls_model("initial-exec")));
static __thread int tls_detached __attribute__((tls_model("initial-exec")));

typedef int (*pthread_create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
static pthread_create_fn real_pthread_create;

static pid_t self_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 512;

	while (p < n)
		p <<= 1;
	return p;
}

static void thread_key_destructor(void *p);

void agent__threads_init(void)
{
	size_t want;

	if (!real_pthread_create)
		real_pthread_create = (pthread_create_fn)dlsym(RTLD_NEXT, "pthread_create");
	pthread_key_create(&agent__g.key, thread_key_destructor);
	/* Room for four flush periods of samples of 256 bytes (32 frames), or
	 * of 1 KiB in a Python process (a Python frame takes four words). */
	want = (size_t)agent__g.cfg.hz * agent__g.cfg.flush_ms / 1000 * 4 *
	       (agent__py.L ? 1024 : 256);
	if (agent__g.cfg.hz == 0)
		want = 512;
	else if (want < (32u << 10))
		want = 32u << 10;
	else if (want > (1u << 20))
		want = 1u << 20;
	agent__g.sample_ring_bytes = pow2_at_least(want);
}

/* ---- slots -------------------------------------------------------------- */

static struct agent_thread *slot_new(void)
{
	size_t zbytes = AGENT_MAX_ZONES * sizeof(struct agent_zstat);
	size_t pybytes = 4 * AGENT_PY_MAX_FRAMES * sizeof(uint64_t);
	size_t len = sizeof(struct agent_thread) + zbytes + AGENT_EVENT_RING +
	             agent__g.sample_ring_bytes + pybytes + 64;
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *mem;
	struct agent_thread *t;
	uintptr_t p;

	len = (len + (size_t)page - 1) & ~((size_t)page - 1);
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return NULL;
	t = (struct agent_thread *)mem;
	t->map_len = len;
	t->perf_fd = -1;
	p = (uintptr_t)(mem + sizeof(*t));
	p = (p + 63) & ~(uintptr_t)63;
	t->zstats = (struct agent_zstat *)p;
	p += zbytes;
	ring_init(&t->events, (void *)p, AGENT_EVENT_RING);
	p += AGENT_EVENT_RING;
	ring_init(&t->samples, (void *)p, agent__g.sample_ring_bytes);
	p += agent__g.sample_ring_bytes;
	t->py_scratch = (uint64_t *)p;
	return t;
}

/* Resets a slot for a new thread; under the lock, before it is published. */
static void slot_reset(struct agent_thread *t, pid_t tid)
{
	uint32_t used = atomic_load_explicit(&t->zused, memory_order_relaxed);

	ring_reset(&t->samples);
	ring_reset(&t->events);
	t->py_tstate = 0;
	memset(t->zstats, 0, used * sizeof(*t->zstats));
	atomic_store_explicit(&t->zused, 0, memory_order_relaxed);
	atomic_store_explicit(&t->zseq, 0, memory_order_relaxed);
	atomic_store_explicit(&t->taken, 0, memory_order_relaxed);
	atomic_store_explicit(&t->dropped, 0, memory_order_relaxed);
	atomic_store_explicit(&t->ev_dropped, 0, memory_order_relaxed);
	atomic_store_explicit(&t->low_stack, 0, memory_order_relaxed);
	atomic_store_explicit(&t->odd_stack, 0, memory_order_relaxed);
	atomic_store_explicit(&t->blocked, 0, memory_order_relaxed);
	t->stack_lo = t->stack_hi = 0;
	t->w_low_stack = t->w_odd_stack = t->w_blocked_s = t->w_blocked_since = 0;
	atomic_store_explicit(&t->weighed, 0, memory_order_relaxed);
	atomic_store_explicit(&t->debt, 0, memory_order_relaxed);
	atomic_store_explicit(&t->handler_ticks, 0, memory_order_relaxed);
	t->w_cpu_valid = 0;
	t->w_requeued = 0;
	t->w_settle = 0;
	t->timed = 0;
	atomic_store_explicit(&t->exit_cpu_ns, 0, memory_order_relaxed);
	t->busy = 0;
	t->owned = 0;
	t->name[0] = '\0';
	atomic_store_explicit(&t->name_gen, 0, memory_order_relaxed);
	t->w_name_gen = 0;
	t->w_announced = 0;
	t->w_zseq = 0;
	atomic_store_explicit(&t->state, AGENT_THREAD_LIVE, memory_order_relaxed);
	atomic_store_explicit(&t->tid, tid, memory_order_release);
}

/* The live slot of tid, or NULL; under the lock. */
static struct agent_thread *slot_of(pid_t tid)
{
	uint32_t n = atomic_load(&agent__g.nslots);

	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (t && atomic_load(&t->tid) == tid && atomic_load(&t->state) == AGENT_THREAD_LIVE)
			return t;
	}
	return NULL;
}

/* A fresh slot for tid; under the lock. */
static struct agent_thread *slot_claim(pid_t tid)
{
	uint32_t n = atomic_load(&agent__g.nslots);
	struct agent_thread *t;

	for (uint32_t i = 0; i < n; i++) {
		t = atomic_load(&agent__g.slots[i]);
		if (t && atomic_load(&t->state) == AGENT_THREAD_FREE) {
			slot_reset(t, tid);
			return t;
		}
	}
	if (n >= AGENT_MAX_THREADS)
		return NULL;
	t = slot_new();
	if (!t)
		return NULL;
	slot_reset(t, tid);
	atomic_store(&agent__g.slots[n], t);
	atomic_store(&agent__g.nslots, n + 1);
	return t;
}

struct agent_thread *agent__thread_find(pid_t tid)
{
	struct agent_thread *t = agent__self;
	uint32_t n;

	/* The TLS slot is checked against the tid: a thread started with raw
	 * clone() and no TLS of its own would see its creator's. */
	if (t && atomic_load_explicit(&t->tid, memory_order_relaxed) == tid)
		return t;
	n = atomic_load_explicit(&agent__g.nslots, memory_order_acquire);
	for (uint32_t i = 0; i < n; i++) {
		t = atomic_load_explicit(&agent__g.slots[i], memory_order_acquire);
		if (t && atomic_load_explicit(&t->tid, memory_order_acquire) == tid &&
		    atomic_load_explicit(&t->state, memory_order_relaxed) == AGENT_THREAD_LIVE)
			return t;
	}
	return NULL;
}

/* ---- attach and detach -------------------------------------------------- */

struct agent_thread *agent__thread_attach(void)
{
	pid_t tid = self_tid();
	struct agent_thread *t;

	if (!atomic_load(&agent__g.started) || tls_detached ||
	    tid == atomic_load(&agent__g.writer_tid))
		return NULL;
	agent__unwind_warmup();
	pthread_mutex_lock(&agent__g.lock);
	t = slot_of(tid);
	if (t && !t->owned) {
		/* Adopted by a scan: either this very thread a moment ago, or a dead
		 * thread whose tid was reused. Re-create the source on ourselves. */
		agent__source_close(t);
	}
	if (!t)
		t = slot_claim(tid);
	if (t) {
		t->owned = 1;
		if (agent__g.signo && t->perf_fd < 0 && !t->has_timer &&
		    agent__source_open(t, tid) == 0 && agent__g.armed)
			agent__source_arm(t, agent__g.period_ns);
	}
	pthread_mutex_unlock(&agent__g.lock);
	if (t) {
		agent__self = t;
		pthread_setspecific(agent__g.key, t);
	}
	return t;
}

struct agent_thread *agent__thread_get(void)
{
	struct agent_thread *t = agent__self;

	if (__builtin_expect(t != NULL, 1))
		return t;
	return agent__thread_attach();
}

static void thread_key_destructor(void *p)
{
	struct agent_thread *t = p;

	struct timespec ts;

	agent__self = NULL;
	tls_detached = 1;
	/* The last CPU reading, for the writer to settle the thread's weight. */
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
		atomic_store(&t->exit_cpu_ns,
			     (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
	pthread_mutex_lock(&agent__g.lock);
	agent__source_close(t);
	atomic_store(&t->state, AGENT_THREAD_DEAD);
	pthread_mutex_unlock(&agent__g.lock);
}

void agent__thread_free(struct agent_thread *t)
{
	pthread_mutex_lock(&agent__g.lock);
	if (atomic_load(&t->state) == AGENT_THREAD_DEAD) {
		agent__source_close(t);
		atomic_store(&t->tid, 0);
		atomic_store(&t->state, AGENT_THREAD_FREE);
	}
	pthread_mutex_unlock(&agent__g.lock);
}

int agent__threads_pending(void)
{
	uint32_t n = atomic_load(&agent__g.nslots);

	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (!t || atomic_load(&t->state) == AGENT_THREAD_FREE)
			continue;
		if (atomic_load(&t->samples.head) != atomic_load(&t->samples.tail) ||
		    atomic_load(&t->events.head) != atomic_load(&t->events.tail))
			return 1;
	}
	return 0;
}

/* ---- pthread_create ----------------------------------------------------- */

struct start {
	void *(*fn)(void *);
	void *arg;
	char pyname[AGENT_THREAD_NAME]; /* Python's name for the thread, or "" */
};

/* Ends in a tail call, so the program's stacks show no frame of the agent's. */
static void *thread_start(void *p)
{
	struct start *s = p;
	void *(*fn)(void *) = s->fn;
	void *arg = s->arg;

	agent__thread_attach();
	if (s->pyname[0] && agent__self)
		agent__thread_set_name(agent__self, s->pyname, 1);
	free(p);
	return fn(arg);
}

/* Interposed: the new thread attaches itself (slot, sampling source) before
 * running start_routine. Contract as pthread_create(3). */
__attribute__((visibility("default"))) int pthread_create(pthread_t *thread,
                                                          const pthread_attr_t *attr,
                                                          void *(*start_routine)(void *), void *arg)
{
	struct start *s;
	int rc;

	if (!real_pthread_create) {
		real_pthread_create = (pthread_create_fn)dlsym(RTLD_NEXT, "pthread_create");
		if (!real_pthread_create)
			return EAGAIN;
	}
	if (!atomic_load(&agent__g.started) || agent__g.pid != getpid())
		return real_pthread_create(thread, attr, start_routine, arg);
	s = malloc(sizeof(*s));
	if (!s)
		return real_pthread_create(thread, attr, start_routine, arg);
	s->fn = start_routine;
	s->arg = arg;
	agent__pythreads_starting(s->pyname, sizeof(s->pyname));
	rc = real_pthread_create(thread, attr, thread_start, s);
	if (rc)
		free(s);
	return rc;
}

/* The real pthread_create, for the agent's own writer thread. */
int agent__pthread_create_real(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
                               void *arg);
int agent__pthread_create_real(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
                               void *arg)
{
	if (!real_pthread_create)
		real_pthread_create = (pthread_create_fn)dlsym(RTLD_NEXT, "pthread_create");
	if (!real_pthread_create)
		return EAGAIN;
	return real_pthread_create(thread, attr, fn, arg);
}

/* ---- scanning /proc/self/task ------------------------------------------- */

static int tid_alive(pid_t tid)
{
	return syscall(SYS_tgkill, agent__g.pid, tid, 0) == 0 || errno != ESRCH;
}

void agent__threads_scan(void)
{
	static pid_t tids[AGENT_MAX_THREADS];
	size_t n = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	pid_t writer = atomic_load(&agent__g.writer_tid);

	if (!d)
		return;
	while ((e = readdir(d)) != NULL && n < AGENT_MAX_THREADS) {
		char *end;
		long v = strtol(e->d_name, &end, 10);

		if (*end || v <= 0 || (pid_t)v == writer)
			continue;
		tids[n++] = (pid_t)v;
	}
	closedir(d);

	pthread_mutex_lock(&agent__g.lock);
	for (size_t i = 0; i < n; i++) {
		struct agent_thread *t;

		if (slot_of(tids[i]))
			continue;
		t = slot_claim(tids[i]);
		if (!t)
			break;
		if (agent__g.signo && agent__source_open(t, tids[i]) == 0 && agent__g.armed)
			agent__source_arm(t, agent__g.period_ns);
	}
	/* Adopted threads have no destructor to tell us they ended. */
	for (uint32_t i = 0; i < atomic_load(&agent__g.nslots); i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (!t || t->owned || atomic_load(&t->state) != AGENT_THREAD_LIVE)
			continue;
		if (!tid_alive(atomic_load(&t->tid))) {
			agent__source_close(t);
			atomic_store(&t->state, AGENT_THREAD_DEAD);
		}
	}
	pthread_mutex_unlock(&agent__g.lock);
}

void agent__threads_arm(int on)
{
	uint32_t n = atomic_load(&agent__g.nslots);

	on = on && agent__g.signo && agent__g.period_ns;
	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (t && atomic_load(&t->state) == AGENT_THREAD_LIVE)
			agent__source_arm(t, on ? agent__g.period_ns : 0);
	}
	agent__g.armed = on;
}

void agent__threads_after_fork(void)
{
	uint32_t n = atomic_load(&agent__g.nslots);
	struct agent_thread *self = agent__self;

	agent__g.armed = 0;
	agent__g.perf_fds = 0;
	agent__g.posix_extra = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (!t)
			continue;
		/* Inherited perf fds watch the parent's threads: close our copies,
		 * checked first (the program may have reused the numbers). POSIX
		 * timers are not inherited at all. */
		agent__source_forget(t);
		if (t != self) {
			atomic_store(&t->tid, 0);
			atomic_store(&t->state, AGENT_THREAD_FREE);
		}
	}
	if (self) {
		int owned = self->owned;

		slot_reset(self, self_tid());
		self->owned = owned;
		if (agent__g.signo)
			agent__source_open(self, self_tid());
	}
}
