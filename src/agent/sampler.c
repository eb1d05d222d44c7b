/*
 * sampler — the profiling signal: its handler, the per-thread sources that
 * raise it, and the exec interposers that keep it from outliving the image.
 *
 * Sources. Each thread gets its own CPU-time clock, delivered to that thread
 * only:
 *   perf   perf_event_open(PERF_COUNT_SW_TASK_CLOCK) on the tid, overflow
 *          signalled with F_SETOWN_EX(F_OWNER_TID) + F_SETSIG. An hrtimer:
 *          it keeps the asked rate (1 kHz measured at 1 kHz).
 *   posix  timer_create on the thread's CPU-time clock with SIGEV_THREAD_ID.
 *          Expiry is checked on the scheduler tick, so at most CONFIG_HZ
 *          signals per second reach a thread (250 measured at 1 kHz with
 *          HZ=250); each sample then carries 1 + the timer's overrun as its
 *          weight so CPU time is still attributed in full.
 *   Both count user-mode CPU time only: the perf event with exclude_kernel,
 *   the timer on the thread's CPUCLOCK_VIRT clock. A signal raised while the
 *   thread is inside a system call would be pending when it goes to sleep
 *   and wake it with EINTR (nanosleep, poll, select and epoll_wait are never
 *   restarted): measured 5-30 EINTR per 1,500 1-ms sleeps before, 0 after.
 *   The CPU time they miss (in system calls) is still counted: once a
 *   second the writer compares each thread's CPU clock with the weight its
 *   samples carried and puts the difference on its next sample.
 * Automatic choice: perf when the kernel lets us open the event, else posix.
 * A perf event is opened only while the process has one thread (the
 * constructor, a fork child's handler: agent__g.perf_open_ok), since its
 * descriptor takes the lowest free number for a moment; threads that start
 * later get posix timers.
 *
 * Own signals. The handler tells its signals from anyone else's by their
 * siginfo: a perf overflow has si_code POLL_IN or POLL_HUP and si_fd the
 * thread's event; a timer has si_code SI_TIMER and our cookie in si_value.
 * Anything else (kill, raise, sigqueue, the program's own ITIMER_PROF) is
 * the program's and goes to signals.c, which does what the program's own
 * disposition says.
 *
 * The handler only captures: errno saved, libunwind walks the interrupted
 * stack (its fast trace cut at the signal frame, or its cursor stepped from
 * the signal's context: see unwind()) with the module table served from
 * phdr.c's cache, and the stack goes into the thread's ring; a full ring
 * counts a drop. No malloc, no lock of the agent's, no symbolisation.
 */
#include "agent/agent.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

__thread int agent__in_handler __attribute__((tls_model("initial-exec")));
/* Handlers running now, on any thread (see agent__sampler_quiesce). */
static _Atomic int in_flight;
/* si_value of the agent's POSIX timers. */
static const char timer_cookie[1];
/* Stack the handler may use: the deepest unwind measured (tests/agent,
 * sig_stack_measure) was about 8 KB below the handler's own frame with the
 * trace (5 KB with the steps), plus a margin for a deeper libunwind walk
 * and the libc it calls. */
#define HANDLER_STACK_NEED (12u << 10)

/* 1 when the signal described by si is one of ours (t: the thread's slot,
 * or NULL when it has none). */
static int own_signal(const siginfo_t *si, const struct agent_thread *t)
{
	if (si->si_code == SI_TIMER)
		return si->si_value.sival_ptr == (void *)timer_cookie;
	/* A perf overflow of an event the thread no longer has (a source
	 * re-opened while its signal was in flight) is ours too, unless the
	 * program has a handler that may have asked for such signals itself
	 * (F_SETSIG): passed to SIG_DFL it would kill. */
	if (si->si_code == POLL_IN || si->si_code == POLL_HUP)
		return !t || si->si_fd == t->perf_fd || !agent__signals_program_handles();
	return 0;
}

/* Enough stack left under the handler to unwind: on the thread's own stack
 * (bounds recorded at attach) or the alternate stack it runs on. Returns 1
 * when there is, 0 when there is not, -1 on a stack the agent does not know
 * (a coroutine's, a goroutine's): its size is unknown, so no sample. */
static int stack_ok(const struct agent_thread *t)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	stack_t ss;

	if (t->stack_lo && sp > t->stack_lo && sp <= t->stack_hi)
		return sp - t->stack_lo >= HANDLER_STACK_NEED;
	if (sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK)) {
		uintptr_t lo = (uintptr_t)ss.ss_sp;

		return sp > lo && sp <= lo + ss.ss_size && sp - lo >= HANDLER_STACK_NEED;
	}
	return t->stack_lo ? -1 : 1; /* no bounds recorded (an adopted thread): trusted */
}

/* Held while this library unwinds outside a handler, and across fork, so no
 * child inherits libunwind's internal mutexes locked by us. */
pthread_mutex_t agent__unwind_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- the handler -------------------------------------------------------- */

/*
 * Two walks of the interrupted stack, the same frames (frame 0 the
 * interrupted pc, then return addresses):
 *   steps  unw_init_local2(UNW_INIT_SIGNAL_FRAME) and unw_step per frame:
 *          every step looks the pc up in libunwind's DWARF cache, under its
 *          global lock (Debian's 1.6.2 has no per-thread cache).
 *   trace  unw_backtrace: libunwind's fast trace, from the handler's own
 *          frame through the signal frame, with a per-thread cache of each
 *          pc's frame layout (CFA rule and saved-register offsets), so a
 *          known frame costs a hash probe and two reads. The handler's own
 *          frames, up to and including the signal restorer, are dropped;
 *          libunwind 1.6.2 has no unw_backtrace2 to start at the signal's
 *          context. Measured in the handler: several times cheaper, more so
 *          on deep stacks (bench/unwind_cost.bench.sh).
 * The trace's cache is never flushed: a layout learnt while a module was
 * missing from the handler's module table (sampled in the moment after its
 * dlopen, before phdr.c's table has it) stays wrong, and the trace then
 * stops there or guesses. So a trace is kept only when it reaches the
 * thread's root, the outermost frame its step walks end at (or fills the
 * buffer); otherwise the sample is walked with steps. Such a pc stays wrong
 * for the thread's life (a hot loop in a module that was sampled the moment
 * it was loaded: every sample would pay both walks), so a thread whose
 * traces are refused more than once in TRACE_WINDOW/8 stops tracing for
 * TRACE_PAUSE samples, and tries again after.
 * The cache costs 256 KiB a thread (a hash of 16,384 frames, every page
 * written when it is made), so a thread walks with steps until it has taken
 * TRACE_AFTER samples: short-lived and idle threads never pay it, and the
 * root is known by then. Its creation, inside the handler, takes libunwind's
 * memory-pool lock (with signals blocked around it by anyone holding it
 * outside a handler), mmap, and one pthread_setspecific, which allocates
 * nothing for the first 32 keys: trace_ok is set (by the writer thread,
 * which probes the key with a trace of its own, so that the constructor
 * makes no 256 KiB cache: most of what a process that ends at once paid
 * for the agent in page faults) only when
 * libunwind's key is one of those and was made after the agent's own (whose
 * destructor, run first at thread exit, stops the thread's samples before
 * libunwind's unmaps the cache). Steps are also taken for a pc inside
 * libunwind (a trace the program itself was running). Every read the trace
 * makes is checked by unwmem.c (the steps ask for their own checks), and
 * the trace's lock calls skip sigprocmask (phdr.c) as the steps' do.
 */
#define TRACE_AFTER  100u   /* samples a thread takes with steps before it traces */
#define TRACE_SKIP   8u     /* the handler's frames above the interrupted one, at most */
#define TRACE_WINDOW 64u    /* traces over which refusals are counted */
#define TRACE_PAUSE  16384u /* samples with steps after a window with too many */

static _Atomic int trace_ok;     /* set once, by the writer (agent__unwind_trace_probe) */
static int trace_wanted;         /* the policy allows traces: the writer probes */
static int trace_check;          /* PERFTOP_UNWIND=check: both walks, compared */
static uintptr_t restorer;       /* the signal's return trampoline (sa_restorer), 0 unknown */
static _Atomic uint64_t refused; /* traces not kept (written by PERFTOP_UNWIND=check) */
static __thread uint32_t step_walks __attribute__((tls_model("initial-exec")));
static __thread uint64_t root_pc __attribute__((tls_model("initial-exec")));
static __thread uint32_t root_votes __attribute__((tls_model("initial-exec")));
/* Traces and refusals in the current window; samples left in a pause. */
static __thread uint32_t win_tries __attribute__((tls_model("initial-exec")));
static __thread uint32_t win_refused __attribute__((tls_model("initial-exec")));
static __thread uint32_t paused __attribute__((tls_model("initial-exec")));

/* The step walk. Learns the thread's root from the walks that reach the end
 * of the stack: by votes, since steps too stop short on a module missing
 * from the table (a root seen once does not replace one seen many times). */
static uint32_t unwind_steps(void *ucv, uint64_t *pcs, uint32_t max)
{
	unw_cursor_t c;
	unw_word_t ip;
	uint32_t n = 0;
	int step = -1;

	if (unw_init_local2(&c, (unw_context_t *)ucv, UNW_INIT_SIGNAL_FRAME) == 0) {
		do {
			if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || ip == 0)
				break;
			pcs[n++] = ip;
		} while (n < max && (step = unw_step(&c)) > 0);
	}
	if (step == 0 && n > 0) {
		if (pcs[n - 1] == root_pc)
			root_votes += root_votes < 16;
		else if (root_votes > 0)
			root_votes--;
		else
			root_pc = pcs[n - 1], root_votes = 1;
	}
	return n;
}

#if defined(__x86_64__)
/* The trace from here, cut to the frames under the signal: 0 when its
 * frame 0 is not the interrupted pc, or when it stops short of the root. */
static uint32_t unwind_trace(uint64_t pc, uint64_t *pcs, uint32_t max)
{
	void *buf[AGENT_MAX_DEPTH + TRACE_SKIP];
	uint32_t i, n;
	int got;

	if (max > AGENT_MAX_DEPTH)
		max = AGENT_MAX_DEPTH;
	agent__in_handler = AGENT_IN_TRACE;
	got = unw_backtrace(buf, (int)(max + TRACE_SKIP));
	agent__in_handler = 1;
	/* The interrupted pc follows the restorer; the same address may come
	 * again deeper (a recursion interrupted at a return address). */
	for (i = 0; i < TRACE_SKIP && (int)i + 1 < got; i++)
		if ((!restorer || (uintptr_t)buf[i] == restorer) &&
		    (uint64_t)(uintptr_t)buf[i + 1] == pc)
			break;
	if (i == TRACE_SKIP || (int)i + 1 >= got)
		return 0;
	n = (uint32_t)got - (i + 1);
	if (n > max)
		n = max;
	if (n < max && ((uint64_t)(uintptr_t)buf[i + n] != root_pc || root_votes < 4)) {
		atomic_fetch_add_explicit(&refused, 1, memory_order_relaxed);
		return 0;
	}
	for (uint32_t k = 0; k < n; k++)
		pcs[k] = (uint64_t)(uintptr_t)buf[i + 1 + k];
	return n;
}

/* Appends v to p in base 10 or 16. Async-signal-safe. */
static char *put_num(char *p, uint64_t v, unsigned base)
{
	char d[20];
	int k = 0;

	do
		d[k++] = "0123456789abcdef"[v % base];
	while ((v /= base) != 0);
	while (k)
		*p++ = d[--k];
	return p;
}

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

/* PERFTOP_UNWIND=check (tests): the trace and the steps on every sample
 * from the thread's first (no TRACE_AFTER), the steps' frames kept. A kept
 * trace is compared with a complete step walk (one that reached the root or
 * filled the buffer: steps too stop short in a module missing from the
 * table); a difference is written to standard error (the first frame that
 * differs), and the counts every 64 samples. Changes the program's output:
 * a developer's switch, never a default. */
static uint32_t unwind_check(void *ucv, uint64_t pc, uint64_t *pcs, uint32_t max)
{
	static _Atomic uint64_t checked, differed, partial;
	uint64_t other[AGENT_MAX_DEPTH];
	uint32_t nt = unwind_trace(pc, other, max), n = unwind_steps(ucv, pcs, max), k = 0;
	uint64_t c = atomic_fetch_add(&checked, 1) + 1;
	char line[400], *p = line;

	if (nt && n < max && (n == 0 || pcs[n - 1] != root_pc || root_votes < 4)) {
		atomic_fetch_add(&partial, 1);
		nt = 0;
	}
	while (nt && k < n && k < nt && pcs[k] == other[k])
		k++;
	if (nt && (k < n || k < nt)) {
		atomic_fetch_add(&differed, 1);
		p = put_str(p, "perftop: unwind check: frame ");
		p = put_num(p, k, 10);
		p = put_str(p, " differs: steps 0x");
		p = put_num(p, k < n ? pcs[k] : 0, 16);
		p = put_str(p, " of ");
		p = put_num(p, n, 10);
		p = put_str(p, ", trace 0x");
		p = put_num(p, k < nt ? other[k] : 0, 16);
		p = put_str(p, " of ");
		p = put_num(p, nt, 10);
		*p++ = '\n';
	}
	if (c % 64 == 0) {
		p = put_str(p, "perftop: unwind check: ");
		p = put_num(p, c, 10);
		p = put_str(p, " samples, ");
		p = put_num(p, c - atomic_load(&refused) - atomic_load(&partial), 10);
		p = put_str(p, " compared, ");
		p = put_num(p, atomic_load(&differed), 10);
		p = put_str(p, " differ (traces refused ");
		p = put_num(p, atomic_load(&refused), 10);
		p = put_str(p, ", step walks short ");
		p = put_num(p, atomic_load(&partial), 10);
		p = put_str(p, ")\n");
	}
	if (p != line && write(2, line, (size_t)(p - line)) < 0)
		errno = 0;
	return n;
}
#endif

static uint32_t unwind(void *ucv, uint64_t *pcs, uint32_t max)
{
	uint32_t n = 0;

	agent__in_handler = 1;
	agent__unwmem_begin();
#if defined(__x86_64__)
	{
		uint64_t pc = (uint64_t)((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP];

		if (atomic_load_explicit(&trace_ok, memory_order_relaxed) &&
		    !agent__phdr_in_unwinder((uintptr_t)pc)) {
			if (trace_check)
				n = unwind_check(ucv, pc, pcs, max);
			else if (paused)
				paused--;
			else if (step_walks >= TRACE_AFTER && root_votes >= 4) {
				n = unwind_trace(pc, pcs, max);
				win_refused += n == 0;
				if (++win_tries == TRACE_WINDOW) {
					if (win_refused > TRACE_WINDOW / 8)
						paused = TRACE_PAUSE;
					win_tries = win_refused = 0;
				}
			} else
				step_walks++;
		}
	}
#endif
	if (n == 0)
		n = unwind_steps(ucv, pcs, max);
	agent__in_handler = 0;
#if defined(__x86_64__)
	if (n == 0) {
		ucontext_t *uc = ucv;

		pcs[n++] = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	}
#endif
	return n;
}

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
	int saved = errno;
	struct agent_thread *t;
	uint32_t weight = 1, depth = agent__g.cfg.depth, n, np;
	struct agent_py_segs segs;
	uint64_t *rec;
	/* The handler's own cost: entry to exit on the agent's clock (TSC, or
	 * CLOCK_MONOTONIC through the vDSO: no system call), added to the
	 * thread's handler_ticks; the entry's reading is also the sample's
	 * timestamp, so timing adds one clock read per sample. The handler does not sleep, so this is CPU
	 * time (a preemption in between would count, and is rare at a few
	 * microseconds a sample). The kernel's work to deliver the signal and
	 * return from it is not inside and is not counted. */
	uint64_t t0 = agent__ticks();

	atomic_fetch_add(&in_flight, 1);
	t = agent__thread_find((pid_t)syscall(SYS_gettid));
	if (!si || !own_signal(si, t)) {
		atomic_fetch_sub(&in_flight, 1);
		errno = saved;
		agent__signals_forward(sig, si, ucv);
		return;
	}
	if (!t)
		goto out;
	if (!atomic_load(&agent__g.sampling))
		goto spent;
	if (si->si_code == SI_TIMER && si->si_overrun > 0)
		weight += si->si_overrun < 0xfffe ? (uint32_t)si->si_overrun : 0xfffeu;
	/* CPU time the sources could not see (in system calls), weighed by the
	 * writer (agent__sampler_tick): it goes on this sample. */
	if (atomic_load_explicit(&t->debt, memory_order_relaxed)) {
		uint32_t d = atomic_exchange_explicit(&t->debt, 0, memory_order_relaxed);

		weight = d < 0xfffeu - weight ? weight + d : 0xfffeu;
	}
	atomic_store_explicit(&t->weighed,
	                      atomic_load_explicit(&t->weighed, memory_order_relaxed) + weight,
	                      memory_order_relaxed);
	/* Signals count once each (so STATS tell the achieved rate); the weight
	 * travels with the sample. */
	atomic_store_explicit(&t->taken, atomic_load_explicit(&t->taken, memory_order_relaxed) + 1,
	                      memory_order_relaxed);
	switch (stack_ok(t)) {
	case 0:
		atomic_store_explicit(&t->low_stack,
		                      atomic_load_explicit(&t->low_stack, memory_order_relaxed) + 1,
		                      memory_order_relaxed);
		goto spent;
	case -1:
		atomic_store_explicit(&t->odd_stack,
		                      atomic_load_explicit(&t->odd_stack, memory_order_relaxed) + 1,
		                      memory_order_relaxed);
		goto spent;
	}
	/* Python frames first (into the slot's scratch), so the ring is asked
	 * for room for both. */
	np = agent__py.L ? agent__py_walk(t, t->py_scratch, AGENT_PY_MAX_FRAMES, &segs) : 0;
	if (agent__py.L && segs.bad)
		atomic_fetch_add_explicit(&agent__py.unread, 1, memory_order_relaxed);
	rec = ring_reserve(&t->samples, 2 + depth + 4 * np + 4);
	if (!rec) {
		atomic_store_explicit(&t->dropped,
		                      atomic_load_explicit(&t->dropped, memory_order_relaxed) + 1,
		                      memory_order_relaxed);
		goto spent;
	}
	rec[1] = t0; /* the sample's time: the handler's entry */
	if (np) {
		uint32_t frames;

		n = unwind(ucv, rec + 2 + agent__py_words(0, np, &segs), depth);
		frames = agent__py_splice(rec + 2, n, depth, t->py_scratch, np, &segs);
		rec[0] = ring_header(AGENT_REC_PYSAMPLE, 2 + agent__py_words(n, np, &segs),
		                     frames | weight << 16);
		ring_commit_n(&t->samples, 2 + agent__py_words(n, np, &segs));
	} else {
		n = unwind(ucv, rec + 2, depth);
		rec[0] = ring_header(AGENT_REC_SAMPLE, 2 + n, n | weight << 16);
		ring_commit_n(&t->samples, 2 + n);
	}
spent:
	atomic_store_explicit(&t->handler_ticks,
	                      atomic_load_explicit(&t->handler_ticks, memory_order_relaxed) +
	                          (agent__ticks() - t0),
	                      memory_order_relaxed);
out:
	atomic_fetch_sub(&in_flight, 1);
	errno = saved;
}

int agent__sampler_quiesce(void)
{
	int was = atomic_exchange(&agent__g.sampling, 0);

	while (atomic_load(&in_flight) != 0)
		sched_yield(); /* a handler finishing its unwind: microseconds */
	return was;
}

/* ---- choosing the signal ------------------------------------------------ */

static int signal_free(int sig)
{
	struct sigaction old;

	if (agent__real_sigaction(sig, NULL, &old) < 0)
		return 0;
	if (old.sa_flags & SA_SIGINFO)
		return old.sa_sigaction == on_signal;
	return old.sa_handler == SIG_DFL;
}

/* A real-time signal nobody handles, from the top (programs that use them
 * tend to count up from SIGRTMIN); 0 when there is none. */
static int pick_rt_signal(void)
{
	for (int s = SIGRTMAX; s >= SIGRTMIN; s--)
		if (signal_free(s))
			return s;
	return 0;
}

static const char *signal_name(int sig, char *buf, size_t len)
{
	if (sig == SIGPROF)
		return "SIGPROF";
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, len, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

/* ---- sources ------------------------------------------------------------ */

/* Always: see the top of this file (EINTR). */
static const int exclude_kernel = 1;

static int perf_open(pid_t tid, uint64_t period_ns)
{
	struct perf_event_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.sample_period = period_ns ? period_ns : 1000000;
	a.disabled = 1;
	a.wakeup_events = 1;
	a.exclude_hv = 1;
	a.exclude_kernel = (unsigned)exclude_kernel;
	fd = (int)syscall(SYS_perf_event_open, &a, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? fd : agent__fd_high(fd);
}

static int perf_route(int fd, pid_t tid, int sig)
{
	struct f_owner_ex owner = {F_OWNER_TID, tid};

	if (fcntl(fd, F_SETOWN_EX, &owner) < 0 || fcntl(fd, F_SETSIG, sig) < 0 ||
	    fcntl(fd, F_SETFL, O_ASYNC | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* fd holds t's event: a program may close descriptors it does not know and
 * the number be reused. Device and inode are not enough (every eventfd,
 * epoll, timerfd, signalfd and inotify descriptor shares the perf event's
 * anonymous inode), so the event's own id, unique in the system, is
 * compared too. */
static int perf_fd_is(const struct agent_thread *t, int fd)
{
	struct stat st;
	uint64_t id = 0;

	return fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == t->perf_ino &&
	       st.st_dev == t->perf_dev && ioctl(fd, PERF_EVENT_IOC_ID, &id) == 0 &&
	       id == t->perf_id;
}

/* 1 on the writer thread when it works in a descriptor table of its own. */
static int in_private_writer(void)
{
	return atomic_load(&agent__g.writer_private) &&
	       (pid_t)syscall(SYS_gettid) == atomic_load(&agent__g.writer_tid);
}

/* A descriptor of t's event the calling thread can use, checked, or -1.
 * Program threads use the number in the table they share. The writer, in a
 * table of its own, takes a fresh copy from the program's table with
 * pidfd_getfd() (*copy is set: close it after use), so an event the program
 * closed is gone for it too; where the kernel refused that, it uses the copy
 * its table was made with (the same number). */
static int perf_fd_reach(const struct agent_thread *t, int *copy)
{
	int fd = t->perf_fd;

	*copy = 0;
	if (fd < 0)
		return -1;
	if (in_private_writer() && agent__g.writer_pidfd >= 0) {
		fd = (int)syscall(SYS_pidfd_getfd, agent__g.writer_pidfd, t->perf_fd, 0);
		if (fd < 0)
			return -1;
		*copy = 1;
	}
	if (!perf_fd_is(t, fd)) {
		if (*copy)
			close(fd);
		*copy = 0;
		return -1;
	}
	return fd;
}

static clockid_t thread_sched_clock(pid_t tid)
{
	/* ~tid << 3 | PERTHREAD (4) | SCHED (2): user and system time, as
	 * pthread_getcpuclockid builds it. */
	return (clockid_t)((~(unsigned)tid << 3) | 6u);
}

static clockid_t thread_user_clock(pid_t tid)
{
	/* The kernel's encoding of a thread's CPU clock: ~tid << 3 | PERTHREAD
	 * (4) | VIRT (1): user time only (SCHED, 2, is what
	 * pthread_getcpuclockid builds, user and system time). */
	return (clockid_t)((~(unsigned)tid << 3) | 5u);
}

static int task_blocks(pid_t tid, int sig);

/* A perf event only for a thread opening its own (so the descriptor is in
 * the table its own code shares) while the process has no other thread
 * (agent__g.perf_open_ok: the kernel gives the event the lowest free number
 * for a moment, which a concurrent open() of the program would otherwise
 * miss), and within the budget; every other thread gets a POSIX timer,
 * which takes no descriptor. */
int agent__source_open(struct agent_thread *t, pid_t tid)
{
	pid_t self = (pid_t)syscall(SYS_gettid);
	int err;

	/* Whether the thread blocks the signal (then it is never armed) and,
	 * on the thread itself, its stack. */
	if (tid == self) {
		agent__thread_signal_state(t);
	} else if (task_blocks(tid, agent__g.signo)) {
		atomic_store(&t->blocked_since, agent__now_ns());
		atomic_store(&t->blocked, 1);
	}

	if (agent__g.source == AGENT_SOURCE_PERF && tid == self && agent__g.perf_open_ok &&
	    agent__g.perf_fds < agent__g.perf_budget) {
		struct stat st;
		uint64_t id = 0;
		int fd = perf_open(tid, agent__g.period_ns);

		if (fd >= 0) {
			err = perf_route(fd, tid, agent__g.signo);
			if (err == 0 && fstat(fd, &st) == 0 &&
			    ioctl(fd, PERF_EVENT_IOC_ID, &id) == 0) {
				t->perf_fd = fd;
				t->perf_dev = st.st_dev;
				t->perf_ino = st.st_ino;
				t->perf_id = id;
				agent__g.perf_fds++;
				return 0;
			}
			close(fd);
		}
		/* no room up high, or refused: a timer instead */
	} else if (agent__g.source == AGENT_SOURCE_PERF && tid == self && agent__g.perf_open_ok) {
		agent__g.posix_extra++;
		agent__notice(0, "fd-budget", agent__g.posix_extra,
		              "%u threads sampled with POSIX CPU timers (descriptor budget %u: "
		              "at most one sample per kernel tick)",
		              agent__g.posix_extra, agent__g.perf_budget);
	} else if (agent__g.source == AGENT_SOURCE_PERF) {
		agent__g.thread_timers++;
		agent__notice(0, "thread-timers", agent__g.thread_timers,
		              "%u threads started while the program ran are sampled with POSIX CPU "
		              "timers (at most one sample per kernel tick, weighted): a perf event "
		              "would take a descriptor number the program may be opening",
		              agent__g.thread_timers);
	}
	if (agent__g.source == AGENT_SOURCE_PERF || agent__g.source == AGENT_SOURCE_POSIX) {
		struct sigevent ev;

		memset(&ev, 0, sizeof(ev));
		(void)self;
		ev.sigev_notify = SIGEV_THREAD_ID;
		ev.sigev_signo = agent__g.signo;
		ev.sigev_value.sival_ptr = (void *)timer_cookie;
		ev._sigev_un._tid = tid;
		if (timer_create(thread_user_clock(tid), &ev, &t->timer) < 0)
			return -errno;
		t->has_timer = 1;
		t->timed = 1;
		return 0;
	}
	return -ENOTSUP;
}

void agent__source_forget(struct agent_thread *t)
{
	if (t->perf_fd >= 0 && perf_fd_is(t, t->perf_fd))
		close(t->perf_fd);
	t->perf_fd = -1;
	t->has_timer = 0;
}

/* Starts (period_ns > 0) or stops t's source. */
static void source_set(struct agent_thread *t, uint64_t period_ns)
{
	int copy, fd = perf_fd_reach(t, &copy);

	if (fd >= 0) {
		if (period_ns) {
			uint64_t p = period_ns;

			ioctl(fd, PERF_EVENT_IOC_PERIOD, &p);
			ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
		} else {
			ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
		}
		if (copy)
			close(fd);
	}
	if (t->has_timer) {
		struct itimerspec its;

		its.it_interval.tv_sec = (time_t)(period_ns / 1000000000u);
		its.it_interval.tv_nsec = (long)(period_ns % 1000000000u);
		its.it_value = its.it_interval;
		timer_settime(t->timer, 0, &its, NULL);
	}
}

/* A thread that blocks the signal is never armed: its signals would stay
 * pending for its sigwait or signalfd. The thread sets blocked before it
 * stops its source; arming checks blocked again after starting it, so one of
 * the two always sees the other. */
void agent__source_arm(struct agent_thread *t, uint64_t period_ns)
{
	if (period_ns && atomic_load(&t->blocked))
		period_ns = 0;
	if (period_ns)
		t->w_cpu_valid = 0; /* the time it was not armed is not ours to weigh */
	source_set(t, period_ns);
	if (period_ns && atomic_load(&t->blocked))
		source_set(t, 0);
}

void agent__source_pause(struct agent_thread *t, int pause)
{
	if (pause)
		source_set(t, 0);
	else if (agent__g.armed && !atomic_load(&t->blocked))
		agent__source_arm(t, agent__g.period_ns);
}

/* The event is stopped wherever it is reached; its number is closed only by
 * a thread of the program's table (its own thread's exit), never by the
 * writer in a table of its own, which cannot reach that table's numbers. */
void agent__source_close(struct agent_thread *t)
{
	if (t->perf_fd >= 0) {
		int copy, fd = perf_fd_reach(t, &copy);

		if (fd >= 0) {
			ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
			close(fd); /* the copy, or the number itself */
		}
		t->perf_fd = -1;
		if (agent__g.perf_fds)
			agent__g.perf_fds--;
	}
	if (t->has_timer) {
		timer_delete(t->timer);
		t->has_timer = 0;
	}
}

/* ---- set-up ------------------------------------------------------------- */

/* Once, on the first thread (the constructor's): libunwind's caching
 * policy, and whether the handler may trace (see unwind()). For benchmarks,
 * PERFTOP_UNWIND=steps keeps the step walk, steps-global with libunwind's
 * global cache policy named as such (Debian's build treats the per-thread
 * policy as the global one). */
static void trace_setup(void)
{
	const char *mode = getenv("PERFTOP_UNWIND");

	if (mode && !strcmp(mode, "steps-global")) {
		unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_GLOBAL);
		return;
	}
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
	if (mode && !strcmp(mode, "steps"))
		return;
	trace_check = mode && !strcmp(mode, "check");
	if (mode && *mode && strcmp(mode, "trace") && !trace_check)
		agent__say("ignoring PERFTOP_UNWIND='%s': want trace, steps or steps-global", mode);
	trace_wanted = 1;
}

/* libunwind's trace key is found as the one key whose value a first trace
 * sets on the calling thread (the writer, 100 ms after it starts: its own
 * cache, freed when it ends). Until then every thread walks with steps, as
 * each does for its first TRACE_AFTER samples anyway (at rates above 1 kHz
 * a thread may walk with steps a little longer: the same frames). */
void agent__unwind_trace_probe(void)
{
	void *before[32], *pcs[4];
	int key = -1;

	if (!trace_wanted || atomic_load(&trace_ok))
		return;
	pthread_mutex_lock(&agent__unwind_lock);
	agent__unwmem_begin();
	for (unsigned k = 0; k < 32; k++)
		before[k] = pthread_getspecific((pthread_key_t)k);
	if (unw_backtrace(pcs, 4) > 0) {
		for (unsigned k = 0; k < 32; k++)
			if (!before[k] && pthread_getspecific((pthread_key_t)k))
				key = (int)k;
		if (key >= 0 && (pthread_key_t)key > agent__g.key)
			atomic_store(&trace_ok, 1);
	}
	pthread_mutex_unlock(&agent__unwind_lock);
}

void agent__unwind_warmup(void)
{
	static _Atomic int policy_set;
	unw_context_t uc;
	unw_cursor_t c;
	int n = 0;

	pthread_mutex_lock(&agent__unwind_lock);
	agent__unwmem_begin();
	if (!atomic_exchange(&policy_set, 1))
		trace_setup();
	if (unw_getcontext(&uc) == 0 && unw_init_local(&c, &uc) == 0)
		while (n++ < (int)AGENT_MAX_DEPTH && unw_step(&c) > 0) {
		}
	pthread_mutex_unlock(&agent__unwind_lock);
}

int agent__sampler_check(void)
{
	struct sigaction sa;

	if (agent__signals_borrowed())
		return 1;
	return agent__g.signo && agent__real_sigaction(agent__g.signo, NULL, &sa) == 0 &&
	       (sa.sa_flags & SA_SIGINFO) && sa.sa_sigaction == on_signal;
}

/* ---- what sampling cannot reach ----------------------------------------- */

void agent__thread_signal_state(struct agent_thread *t)
{
	pthread_attr_t attr;
	sigset_t cur;

	t->stack_lo = t->stack_hi = 0;
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		void *addr;
		size_t size;

		if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
			t->stack_lo = (uintptr_t)addr;
			t->stack_hi = (uintptr_t)addr + size;
		}
		pthread_attr_destroy(&attr);
	}
	if (agent__g.signo && agent__real_sigmask(SIG_BLOCK, NULL, &cur) == 0 &&
	    sigismember(&cur, agent__g.signo) == 1) {
		atomic_store(&t->blocked_since, agent__now_ns());
		atomic_store(&t->blocked, 1);
	} else {
		atomic_store(&t->blocked, 0);
	}
}

/* Reads /proc/self/task/TID/FILE into buf (NUL-terminated); the bytes
 * read, or -1. Normal code only. */
static ssize_t task_read(pid_t tid, const char *file, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", (int)tid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* A thread the agent adopted: its mask from /proc (SigBlk, hexadecimal, bit
 * n-1 for signal n). */
static int task_blocks(pid_t tid, int sig)
{
	char buf[2048];
	const char *p;

	if (task_read(tid, "status", buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, "\nSigBlk:");
	if (!p)
		return 0;
	return (int)((strtoull(p + 8, NULL, 16) >> (sig - 1)) & 1u);
}

static const char *signal_name(int sig, char *buf, size_t len);

/* Once a second: the CPU time (user and system) thread t used since the
 * last call, in periods, less the weight its samples carried meanwhile,
 * becomes debt for its next sample. Only while it is armed and unblocked
 * for the whole interval (arming and blocking clear w_cpu_valid). One read
 * of its CPU clock: a system call, outside the handler. */
static void weigh_thread(struct agent_thread *t, pid_t tid)
{
	struct timespec ts;
	uint64_t cpu, weighed, period = agent__g.period_ns;
	int64_t owed;

	if (!period || !agent__g.armed || atomic_load(&t->blocked) ||
	    clock_gettime(thread_sched_clock(tid), &ts) < 0) {
		t->w_cpu_valid = 0;
		return;
	}
	cpu = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	weighed = atomic_load(&t->weighed) - t->w_requeued;
	if (t->w_cpu_valid && cpu >= t->w_cpu) {
		owed = (int64_t)(cpu - t->w_cpu) + t->w_cpu_carry -
		       (int64_t)(weighed - t->w_weighed) * (int64_t)period;
		if (owed >= (int64_t)period) {
			uint64_t n = (uint64_t)owed / period;

			if (n > 0xfffeu)
				n = 0xfffeu;
			atomic_fetch_add(&t->debt, (uint32_t)n);
			owed -= (int64_t)(n * period);
			/* The debt counts as weighed now: when a sample carries
			 * it, it must not be taken for the next window's time
			 * (that made timer-sampled threads owe half of it). */
			weighed += n;
		}
		/* Samples that weighed more than the time are paid back from
		 * later debt: a timer counts ticks of user time, which run ahead
		 * of the exact clock in one window and behind it in the next;
		 * paying back only one period made short windows overcount. A
		 * second at most, so an error of the clocks cannot pile up. */
		t->w_cpu_carry = owed < -1000000000 ? -1000000000 : owed;
	} else {
		t->w_cpu_carry = 0;
	}
	t->w_cpu = cpu;
	t->w_weighed = weighed;
	t->w_cpu_valid = 1;
}

uint32_t agent__sampler_settle(struct agent_thread *t, pid_t tid)
{
	uint64_t cpu = atomic_load(&t->exit_cpu_ns), period = agent__g.period_ns;
	int64_t owed;
	struct timespec ts;

	if (!t->timed || !t->w_cpu_valid || !period)
		return 0;
	if (!cpu) {
		if (clock_gettime(thread_sched_clock(tid), &ts) < 0)
			return 0;
		cpu = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	}
	t->w_cpu_valid = 0;
	if (cpu < t->w_cpu)
		return 0;
	owed = (int64_t)(cpu - t->w_cpu) + t->w_cpu_carry -
	       (int64_t)(atomic_load(&t->weighed) - t->w_requeued - t->w_weighed) * (int64_t)period;
	owed += (int64_t)atomic_exchange(&t->debt, 0) * (int64_t)period;
	if (owed < (int64_t)period)
		return 0;
	return (uint64_t)owed / period > 0xffffffu ? 0xffffffu : (uint32_t)((uint64_t)owed / period);
}

int agent__sampler_watch(void)
{
	static int lost;
	char name[32];
	int sig = agent__g.signo;

	if (lost || !sig || agent__sampler_check())
		return 0;
	/* Replaced behind sigaction's back (a raw rt_sigaction): our signals
	 * would reach the new handler, or kill, or be ignored. */
	lost = 1;
	pthread_mutex_lock(&agent__g.lock);
	agent__threads_arm(0);
	agent__g.signo = 0;
	pthread_mutex_unlock(&agent__g.lock);
	atomic_store(&agent__g.sampling, 0);
	agent__signals_release();
	agent__notice(0, "handler-replaced", 1,
	              "sampling stopped: the program replaced the %s handler without sigaction "
	              "(with a raw system call, as a runtime that owns every signal does)",
	              signal_name(sig, name, sizeof(name)));
	return 1;
}

/* A thread marked blocked that unblocked the signal behind the interposers'
 * back (a raw rt_sigprocmask, as the Go runtime's threads do when they
 * start) is armed again. Only once its mark is RECHECK_NS old: the
 * interposer marks a thread just before its real call blocks the signal. */
#define RECHECK_NS 20000000u

/* The thread's /proc status: whether it blocks sig (-1 unreadable), its
 * state letter and its voluntary context switches. */
static int task_status(pid_t tid, int sig, char *state, unsigned long long *vcsw)
{
	char buf[2048];
	const char *p, *v, *st;

	if (task_read(tid, "status", buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "\nSigBlk:");
	v = strstr(buf, "\nvoluntary_ctxt_switches:");
	st = strstr(buf, "\nState:\t");
	if (!p || !v || !st)
		return -1;
	*state = st[8];
	*vcsw = strtoull(v + 26, NULL, 10);
	return (int)((strtoull(p + 8, NULL, 16) >> (sig - 1)) & 1u);
}

/* Where the thread is: 0 running, 1 asleep in a system call that keeps its
 * mask (or outside any), -1 asleep in one that replaces its mask while it
 * waits (sigtimedwait unblocks the signals it waits for; sigsuspend, ppoll,
 * pselect, epoll_pwait install one: SigBlk then is not its mask) or
 * unknown. */
static int task_where(pid_t tid)
{
	char buf[64];
	long nr;

	if (task_read(tid, "syscall", buf, sizeof(buf)) < 0)
		return -1;
	if (!strncmp(buf, "running", 7))
		return 0;
	nr = strtol(buf, NULL, 10);
	if (nr == SYS_rt_sigtimedwait || nr == SYS_rt_sigsuspend || nr == SYS_pselect6 ||
	    nr == SYS_ppoll || nr == SYS_epoll_pwait
#ifdef SYS_epoll_pwait2
	    || nr == SYS_epoll_pwait2
#endif
#ifdef SYS_io_pgetevents
	    || nr == SYS_io_pgetevents
#endif
	)
		return -1;
	return 1;
}

/* The thread's run time in ns (/proc schedstat), 0 unreadable. */
static uint64_t task_run_ns(pid_t tid)
{
	char buf[128];

	if (task_read(tid, "schedstat", buf, sizeof(buf)) < 0)
		return 0;
	return strtoull(buf, NULL, 10);
}

/* 1 when t's own mask surely lets sig through. Two status reads with no
 * sleep between them must find the signal open, and between them the
 * thread is either asleep throughout in a call that keeps its mask (then
 * SigBlk is its mask), or running, and then OPEN_CHECKS checks in a row
 * (one a flush) must find it so with more run time and no sleep since the
 * one before: a thread of sigtimedwait loops is unblocked only inside that
 * call, where it is asleep, or woken and not yet run (no run time), or it
 * slept again between two checks. */
#define OPEN_CHECKS 3u
static int task_surely_open(struct agent_thread *t, pid_t tid, int sig)
{
	unsigned long long v1, v2;
	char s1, s2;
	uint64_t run;
	int where;

	if (task_status(tid, sig, &s1, &v1) != 0 || (where = task_where(tid)) < 0 ||
	    (run = task_run_ns(tid)) == 0 || task_status(tid, sig, &s2, &v2) != 0 || v1 != v2) {
		t->w_open_seen = 0;
		return 0;
	}
	if (where == 1 && (s1 == 'S' || s1 == 'D') && s2 == s1) {
		t->w_open_seen = 0;
		return 1;
	}
	if (where != 0 || s1 != 'R' || s2 != 'R') {
		t->w_open_seen = 0;
		return 0;
	}
	if (t->w_open_seen && v1 == t->w_open_vcsw && run > t->w_open_run)
		t->w_open_seen++;
	else
		t->w_open_seen = 1;
	t->w_open_vcsw = v1;
	t->w_open_run = run;
	if (t->w_open_seen < OPEN_CHECKS)
		return 0;
	t->w_open_seen = 0;
	return 1;
}

static void recheck_blocked(struct agent_thread *t, pid_t tid, uint64_t now)
{
	uint64_t since = atomic_load(&t->blocked_since);
	int one = 1;

	if (!atomic_load(&t->blocked) || now < since + RECHECK_NS ||
	    !task_surely_open(t, tid, agent__g.signo) || atomic_load(&t->blocked_since) != since)
		return;
	pthread_mutex_lock(&agent__g.lock);
	if (atomic_load(&t->blocked_since) == since &&
	    atomic_compare_exchange_strong(&t->blocked, &one, 0))
		agent__source_pause(t, 0);
	pthread_mutex_unlock(&agent__g.lock);
}

/* The first samples a thread skipped for lack of stack, said at once (their
 * later counts wait for agent__sampler_tick). */
static void first_skips(struct agent_thread *t, pid_t tid)
{
	uint64_t n;

	if (t->w_low_stack == 0 && (n = atomic_load(&t->low_stack)) != 0) {
		t->w_low_stack = n;
		agent__notice(tid, "low-stack", n,
		              "samples skipped: too little stack left for the handler");
	}
	if (t->w_odd_stack == 0 && (n = atomic_load(&t->odd_stack)) != 0) {
		t->w_odd_stack = n;
		agent__notice(tid, "odd-stack", n,
		              "samples skipped: the thread ran on a stack of unknown size (a "
		              "coroutine's or goroutine's) that unwinding could overrun");
	}
}

/* Timer-sampled threads weighed at each flush, at most (the first ones in
 * slot order; the rest once a second): a timer sees a thread that runs in
 * short bursts late or not at all, and weighing only once a second left a
 * short-lived thread's first and last second unpaid. */
#define WEIGH_PER_FLUSH 64u

void agent__sampler_flush_check(uint64_t now)
{
	uint32_t n = atomic_load(&agent__g.nslots);
	unsigned weigh = WEIGH_PER_FLUSH;

	if (!agent__g.signo)
		return;
	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);
		pid_t tid;

		if (!t || atomic_load(&t->state) != AGENT_THREAD_LIVE)
			continue;
		tid = atomic_load(&t->tid);
		if (t->has_timer && weigh) {
			weigh_thread(t, tid);
			weigh--;
		}
		/* Within a second of the mark (a thread starting up); older
		 * marks are re-checked by the tick. */
		if (now < atomic_load(&t->blocked_since) + 1000000000u)
			recheck_blocked(t, tid, now);
		first_skips(t, tid);
	}
}

/* Python frames that could not be read (handler: a notice that warns) or
 * named (writer: code run once and freed before the writer drained its
 * sample, expected at start-up: a notice that informs), said when the
 * counts change. */
static void py_tick(void)
{
	static uint64_t said_unread, said_gone;
	uint64_t unread = atomic_load(&agent__py.unread);
	uint64_t gone = atomic_load(&agent__py.unresolved);

	if (unread != said_unread) {
		said_unread = unread;
		agent__notice(0, "python-unread", unread,
		              "%llu samples' Python frames could not be read safely and were left "
		              "out (their native frames kept)",
		              (unsigned long long)unread);
	}
	if (gone != said_gone) {
		said_gone = gone;
		agent__notice(0, "python-gone", gone,
		              "%llu Python frames are named <unknown Python frame>: their code ran "
		              "once and was freed before it could be named (module bodies, exec)",
		              (unsigned long long)gone);
	}
}

void agent__sampler_tick(uint64_t now)
{
	char name[32];
	const char *sname;
	uint32_t n = atomic_load(&agent__g.nslots);

	if (!agent__g.signo)
		return;
	sname = signal_name(agent__g.signo, name, sizeof(name));
	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);
		pid_t tid;
		uint64_t low, since;

		if (!t || atomic_load(&t->state) != AGENT_THREAD_LIVE)
			continue;
		tid = atomic_load(&t->tid);
		if (!t->owned && !atomic_load(&t->blocked) && task_blocks(tid, agent__g.signo)) {
			atomic_store(&t->blocked_since, now);
			atomic_store(&t->blocked, 1);
			pthread_mutex_lock(&agent__g.lock);
			agent__source_pause(t, 1);
			pthread_mutex_unlock(&agent__g.lock);
		}
		if (now >= atomic_load(&t->blocked_since) + 1000000000u)
			recheck_blocked(t, tid, now); /* younger marks: each flush */
		weigh_thread(t, tid);
		/* Said once per stretch of a second or more; count: how many
		 * such stretches. */
		since = atomic_load(&t->blocked_since);
		if (atomic_load(&t->blocked) && now >= since + 1000000000u &&
		    since != t->w_blocked_since) {
			t->w_blocked_since = since;
			agent__notice(tid, "blocked", ++t->w_blocked_s,
			              "not sampled: the thread blocks %s", sname);
		}
		low = atomic_load(&t->low_stack);
		if (low != t->w_low_stack) {
			t->w_low_stack = low;
			agent__notice(tid, "low-stack", low,
			              "samples skipped: too little stack left for the handler");
		}
		low = atomic_load(&t->odd_stack);
		if (low != t->w_odd_stack) {
			t->w_odd_stack = low;
			agent__notice(
			    tid, "odd-stack", low,
			    "samples skipped: the thread ran on a stack of unknown size (a "
			    "coroutine's or goroutine's) that unwinding could overrun");
		}
	}
	py_tick();
}

static void resolve_exec(void);

int agent__sampler_init(void)
{
	struct sigaction sa, prog;
	char a[32], b[32];
	int sig = agent__g.cfg.signo;

	resolve_exec();
	if (!signal_free(sig)) {
		int alt = pick_rt_signal();

		if (!alt) {
			agent__notice(0, "no-signal", 1,
			              "no stack samples: %s is already handled or ignored by this "
			              "program and no real-time signal is free",
			              signal_name(sig, a, sizeof(a)));
			return -EBUSY;
		}
		agent__notice(0, "signal", (uint64_t)alt,
		              "%s is already handled or ignored by this program; sampling with %s "
		              "instead",
		              signal_name(sig, a, sizeof(a)), signal_name(alt, b, sizeof(b)));
		sig = alt;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	/* Every asynchronous signal blocked while the handler runs: libunwind's
	 * own blocking is then a no-op that phdr.c's sigprocmask skips. The
	 * synchronous ones stay open, so a fault while unwinding still reaches
	 * the program's own handler (a blocked SIGSEGV would kill it outright).
	 * A signal passed on to the program's handler runs with the mask that
	 * handler asked for (signals.c). */
	sigfillset(&sa.sa_mask);
	sigdelset(&sa.sa_mask, SIGSEGV);
	sigdelset(&sa.sa_mask, SIGBUS);
	sigdelset(&sa.sa_mask, SIGILL);
	sigdelset(&sa.sa_mask, SIGFPE);
	sigdelset(&sa.sa_mask, SIGTRAP);
	if (agent__real_sigaction(sig, &sa, &prog) < 0)
		return -errno;
	{
		struct sigaction now;

		/* The trampoline the handler returns through: where unwind()'s
		 * trace reaches the interrupted frame. */
		if (agent__real_sigaction(sig, NULL, &now) == 0)
			restorer = (uintptr_t)now.sa_restorer;
	}
	agent__signals_take(sig, &prog);
	agent__g.signo = sig;
	/* The mask is the program's: a signal blocked in this image (by the
	 * program that exec'd it, say) stays blocked, and this thread is simply
	 * not sampled while it is (agent__thread_signal_state). */

	agent__g.source = agent__g.cfg.source;
	agent__g.perf_budget = agent__perf_budget();
	if (agent__g.perf_budget == 0 && agent__g.source != AGENT_SOURCE_POSIX) {
		agent__notice(0, "fd-limit", 0,
		              "RLIMIT_NOFILE is small: sampling with POSIX CPU timers, which take "
		              "no descriptor (at most one sample per kernel tick)");
		agent__g.source = AGENT_SOURCE_POSIX;
	}
	if (agent__g.source != AGENT_SOURCE_POSIX) {
		int fd = perf_open(0, agent__g.period_ns);

		if (fd >= 0) {
			close(fd);
			agent__g.source = AGENT_SOURCE_PERF;
		} else {
			agent__notice(0, "perf-unavailable", 1, "perf_event_open: %s",
			              strerror(errno));
			agent__g.source = AGENT_SOURCE_POSIX;
		}
	}
	if (agent__g.source == AGENT_SOURCE_POSIX)
		agent__notice(0, "posix-timers", 1,
		              "sampling with POSIX CPU timers: at most one sample per kernel tick "
		              "per thread");
	return 0;
}

/* ---- exec --------------------------------------------------------------- */
/*
 * What the new image must find: the program's own mask, nothing of ours
 * pending, and the program's disposition where exec keeps one (SIG_IGN).
 * So before exec the calling thread's source is stopped (a signal raised
 * before that was delivered on the way back from the interrupt, since the
 * signal is not blocked, or is not ours when the thread blocks it: blocked
 * threads are never armed); a signal that slipped in is drained with the
 * signal blocked for a moment: ours are dropped, the program's raised again
 * for its handler. If the program ignores the signal, the real disposition
 * becomes SIG_IGN so exec keeps it. If exec fails, all this is undone. Other
 * threads' pending signals die with them. In a vfork child, which shares our
 * memory but has none of our sources, nothing is touched.
 */

typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*execv_fn)(const char *, char *const[]);
typedef int (*fexecve_fn)(int, char *const[], char *const[]);
typedef int (*execveat_fn)(int, const char *, char *const[], char *const[], int);

static execve_fn real_execve, real_execvpe;
static execv_fn real_execv, real_execvp;
static fexecve_fn real_fexecve;
static execveat_fn real_execveat;

static void resolve_exec(void)
{
	if (real_execve)
		return;
	real_execvpe = (execve_fn)dlsym(RTLD_NEXT, "execvpe");
	real_execv = (execv_fn)dlsym(RTLD_NEXT, "execv");
	real_execvp = (execv_fn)dlsym(RTLD_NEXT, "execvp");
	real_fexecve = (fexecve_fn)dlsym(RTLD_NEXT, "fexecve");
	real_execveat = (execveat_fn)dlsym(RTLD_NEXT, "execveat");
	real_execve = (execve_fn)dlsym(RTLD_NEXT, "execve");
}

struct exec_guard {
	int active;
	int lent; /* the signal whose real disposition was made SIG_IGN, or 0 */
	struct sigaction ours;
};

static void exec_begin(struct exec_guard *g)
{
	struct agent_thread *t;
	struct timespec zero = {0, 0};
	sigset_t set, old, pend;
	int sig;
	siginfo_t si;
	int foreign = 0;

	g->active = 0;
	resolve_exec();
	if (!atomic_load(&agent__g.started) || !agent__g.signo || agent__g.pid != getpid())
		return;
	sig = agent__g.signo;
	t = agent__thread_find((pid_t)syscall(SYS_gettid));
	if (t) {
		pthread_mutex_lock(&agent__g.lock);
		source_set(t, 0);
		pthread_mutex_unlock(&agent__g.lock);
	}
	sigemptyset(&set);
	sigaddset(&set, sig);
	agent__real_sigmask(SIG_BLOCK, &set, &old);
	if (!sigismember(&old, sig) && sigpending(&pend) == 0 && sigismember(&pend, sig)) {
		while (sigtimedwait(&set, &si, &zero) > 0)
			foreign += !own_signal(&si, t);
	}
	/* This image's samples and events go to perftop before it is gone. */
	if (agent__threads_pending() ||
	    (atomic_load(&agent__g.active) && (agent__counter_count() || agent__zone_count())))
		agent__writer_flush(AGENT_EXEC_FLUSH_MS);
	g->lent = agent__signals_lend_ign(&g->ours);
	agent__real_sigmask(SIG_SETMASK, &old, NULL);
	while (foreign-- > 0) /* the program's, taken by the drain: its handler runs now */
		syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), sig);
	g->active = 1;
}

static void exec_failed(struct exec_guard *g)
{
	struct agent_thread *t;
	int saved = errno;

	if (!g->active)
		return;
	agent__signals_unlend(g->lent, &g->ours);
	t = agent__thread_find((pid_t)syscall(SYS_gettid));
	if (t) {
		pthread_mutex_lock(&agent__g.lock);
		if (agent__g.armed)
			agent__source_arm(t, agent__g.period_ns);
		pthread_mutex_unlock(&agent__g.lock);
	}
	errno = saved;
}

#define EXPORT __attribute__((visibility("default")))

/* The body of every interposed exec: the real function, found first (when
 * it is missing, ENOSYS and nothing begun), called inside the guard. */
#define EXEC_GUARDED(real, ...)                                                                    \
	do {                                                                                       \
		struct exec_guard g;                                                               \
		int rc;                                                                            \
                                                                                                   \
		resolve_exec();                                                                    \
		if (!(real))                                                                       \
			return errno = ENOSYS, -1;                                                 \
		exec_begin(&g);                                                                    \
		rc = (real)(__VA_ARGS__);                                                          \
		exec_failed(&g);                                                                   \
		return rc;                                                                         \
	} while (0)

/* Interposed exec family: contracts as exec(3); see above for what they add. */
EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	EXEC_GUARDED(real_execve, path, argv, envp);
}

EXPORT int execv(const char *path, char *const argv[])
{
	EXEC_GUARDED(real_execv, path, argv);
}

EXPORT int execvp(const char *file, char *const argv[])
{
	EXEC_GUARDED(real_execvp, file, argv);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	EXEC_GUARDED(real_execvpe, file, argv, envp);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	EXEC_GUARDED(real_fexecve, fd, argv, envp);
}

EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags)
{
	EXEC_GUARDED(real_execveat, dirfd, path, argv, envp, flags);
}

/* The list forms gather their arguments (at most 4096) and call the vector
 * forms above. */
#define EXEC_MAX_ARGS 4096

static int gather(const char *arg0, va_list ap, char **argv, char ***envp_out)
{
	int n = 0;
	const char *a = arg0;

	while (a) {
		if (n >= EXEC_MAX_ARGS - 1)
			return -1;
		argv[n++] = (char *)a;
		a = va_arg(ap, const char *);
	}
	argv[n] = NULL;
	if (envp_out)
		*envp_out = va_arg(ap, char **);
	return n;
}

extern char **environ;

EXPORT int execl(const char *path, const char *arg, ...)
{
	char *argv[EXEC_MAX_ARGS];
	va_list ap;
	int n;

	va_start(ap, arg);
	n = gather(arg, ap, argv, NULL);
	va_end(ap);
	if (n < 0)
		return errno = E2BIG, -1;
	return execve(path, argv, environ);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	char *argv[EXEC_MAX_ARGS];
	va_list ap;
	int n;

	va_start(ap, arg);
	n = gather(arg, ap, argv, NULL);
	va_end(ap);
	if (n < 0)
		return errno = E2BIG, -1;
	return execvp(file, argv);
}

EXPORT int execle(const char *path, const char *arg, ...)
{
	char *argv[EXEC_MAX_ARGS];
	char **envp;
	va_list ap;
	int n;

	va_start(ap, arg);
	n = gather(arg, ap, argv, &envp);
	va_end(ap);
	if (n < 0)
		return errno = E2BIG, -1;
	return execve(path, argv, envp);
}
