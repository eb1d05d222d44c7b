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
 * Automatic choice: perf when the kernel lets us open the event, else posix.
 *
 * The handler only captures: errno saved, libunwind walks the interrupted
 * context (unw_init_local2 with UNW_INIT_SIGNAL_FRAME: libunwind 1.6.2 has
 * no unw_backtrace2) with the module table served from phdr.c's cache, and
 * the stack goes into the thread's ring; a full ring counts a drop. No
 * malloc, no lock, no symbolisation.
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
/* Held while this library unwinds outside a handler, and across fork, so no
 * child inherits libunwind's internal mutexes locked by us. */
pthread_mutex_t agent__unwind_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- the handler -------------------------------------------------------- */

static uint32_t unwind(void *ucv, uint64_t *pcs, uint32_t max)
{
	unw_cursor_t c;
	unw_word_t ip;
	uint32_t n = 0;

	agent__in_handler = 1;
	agent__unwmem_begin();
	if (unw_init_local2(&c, (unw_context_t *)ucv, UNW_INIT_SIGNAL_FRAME) == 0) {
		do {
			if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || ip == 0)
				break;
			pcs[n++] = ip;
		} while (n < max && unw_step(&c) > 0);
	}
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
	uint32_t weight = 1, depth = agent__g.cfg.depth, n;
	uint64_t *rec;

	(void)sig;
	atomic_fetch_add(&in_flight, 1);
	if (!atomic_load(&agent__g.sampling))
		goto out;
	t = agent__thread_find((pid_t)syscall(SYS_gettid));
	if (!t)
		goto out;
	if (si && si->si_code == SI_TIMER && si->si_overrun > 0)
		weight += si->si_overrun < 0xfffe ? (uint32_t)si->si_overrun : 0xfffeu;
	/* Signals count once each (so STATS tell the achieved rate); the weight
	 * travels with the sample. */
	atomic_store_explicit(&t->taken, atomic_load_explicit(&t->taken, memory_order_relaxed) + 1,
	                      memory_order_relaxed);
	rec = ring_reserve(&t->samples, 2 + depth);
	if (!rec) {
		atomic_store_explicit(&t->dropped,
		                      atomic_load_explicit(&t->dropped, memory_order_relaxed) + 1,
		                      memory_order_relaxed);
		goto out;
	}
	rec[1] = agent__ticks();
	n = unwind(ucv, rec + 2, depth);
	rec[0] = ring_header(AGENT_REC_SAMPLE, 2 + n, n | weight << 16);
	ring_commit_n(&t->samples, 2 + n);
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

	if (sigaction(sig, NULL, &old) < 0)
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

static int exclude_kernel = 0;

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
	if (fd < 0 && (errno == EACCES || errno == EPERM) && !exclude_kernel) {
		/* perf_event_paranoid 2: user space only. Samples then skip time
		 * spent in system calls. */
		exclude_kernel = 1;
		a.exclude_kernel = 1;
		fd = (int)syscall(SYS_perf_event_open, &a, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
	}
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

/* The fd is still the event we opened: a program may close descriptors it
 * does not know and the number be reused. Device and inode are not enough
 * (every eventfd, epoll, timerfd, signalfd and inotify descriptor shares the
 * perf event's anonymous inode), so the event's own id, unique in the
 * system, is compared too. */
static int perf_fd_ours(const struct agent_thread *t)
{
	struct stat st;
	uint64_t id = 0;

	return t->perf_fd >= 0 && fstat(t->perf_fd, &st) == 0 && st.st_ino == t->perf_ino &&
	       st.st_dev == t->perf_dev && ioctl(t->perf_fd, PERF_EVENT_IOC_ID, &id) == 0 &&
	       id == t->perf_id;
}

static clockid_t thread_cpu_clock(pid_t tid)
{
	/* The kernel's encoding of a thread's CPU clock: ~tid << 3 | PERTHREAD
	 * (4) | SCHED (2), as pthread_getcpuclockid builds it. */
	return (clockid_t)((~(unsigned)tid << 3) | 6u);
}

/* A perf event only for a thread opening its own (so the descriptor is in
 * the table its own code shares) and within the budget; every other thread
 * gets a POSIX timer, which takes no descriptor. */
int agent__source_open(struct agent_thread *t, pid_t tid)
{
	pid_t self = (pid_t)syscall(SYS_gettid);
	int err;

	if (agent__g.source == AGENT_SOURCE_PERF && tid == self &&
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
	} else if (agent__g.source == AGENT_SOURCE_PERF && tid == self) {
		agent__g.posix_extra++;
		agent__notice(0, "fd-budget", agent__g.posix_extra,
		              "%u threads sampled with POSIX CPU timers (descriptor budget %u: "
		              "at most one sample per kernel tick)",
		              agent__g.posix_extra, agent__g.perf_budget);
	}
	if (agent__g.source == AGENT_SOURCE_PERF || agent__g.source == AGENT_SOURCE_POSIX) {
		struct sigevent ev;

		memset(&ev, 0, sizeof(ev));
		ev.sigev_notify = SIGEV_THREAD_ID;
		ev.sigev_signo = agent__g.signo;
		ev._sigev_un._tid = tid;
		if (timer_create(tid == self ? CLOCK_THREAD_CPUTIME_ID : thread_cpu_clock(tid), &ev,
		                 &t->timer) < 0)
			return -errno;
		t->has_timer = 1;
		return 0;
	}
	return -ENOTSUP;
}

void agent__source_forget(struct agent_thread *t)
{
	if (t->perf_fd >= 0 && perf_fd_ours(t))
		close(t->perf_fd);
	t->perf_fd = -1;
	t->has_timer = 0;
}

void agent__source_arm(struct agent_thread *t, uint64_t period_ns)
{
	if (t->perf_fd >= 0 && perf_fd_ours(t)) {
		if (period_ns) {
			uint64_t p = period_ns;

			ioctl(t->perf_fd, PERF_EVENT_IOC_PERIOD, &p);
			ioctl(t->perf_fd, PERF_EVENT_IOC_ENABLE, 0);
		} else {
			ioctl(t->perf_fd, PERF_EVENT_IOC_DISABLE, 0);
		}
	}
	if (t->has_timer) {
		struct itimerspec its;

		its.it_interval.tv_sec = (time_t)(period_ns / 1000000000u);
		its.it_interval.tv_nsec = (long)(period_ns % 1000000000u);
		its.it_value = its.it_interval;
		timer_settime(t->timer, 0, &its, NULL);
	}
}

void agent__source_close(struct agent_thread *t)
{
	if (t->perf_fd >= 0) {
		if (perf_fd_ours(t)) {
			ioctl(t->perf_fd, PERF_EVENT_IOC_DISABLE, 0);
			close(t->perf_fd);
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

void agent__unwind_warmup(void)
{
	static _Atomic int policy_set;
	unw_context_t uc;
	unw_cursor_t c;
	int n = 0;

	pthread_mutex_lock(&agent__unwind_lock);
	agent__unwmem_begin();
	if (!atomic_exchange(&policy_set, 1))
		unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
	if (unw_getcontext(&uc) == 0 && unw_init_local(&c, &uc) == 0)
		while (n++ < (int)AGENT_MAX_DEPTH && unw_step(&c) > 0) {
		}
	pthread_mutex_unlock(&agent__unwind_lock);
}

int agent__sampler_check(void)
{
	struct sigaction sa;

	return agent__g.signo && sigaction(agent__g.signo, NULL, &sa) == 0 &&
	       (sa.sa_flags & SA_SIGINFO) && sa.sa_sigaction == on_signal;
}

static void resolve_exec(void);

int agent__sampler_init(void)
{
	struct sigaction sa;
	char a[32], b[32];
	int sig = agent__g.cfg.signo;

	resolve_exec();
	if (!signal_free(sig)) {
		int alt = pick_rt_signal();

		if (!alt) {
			agent__note("%s is already handled or ignored by this program and no "
			            "real-time signal is free: no stack samples",
			            signal_name(sig, a, sizeof(a)));
			return -EBUSY;
		}
		agent__note(
		    "%s is already handled or ignored by this program; sampling with %s instead",
		    signal_name(sig, a, sizeof(a)), signal_name(alt, b, sizeof(b)));
		sig = alt;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	/* Every asynchronous signal blocked while the handler runs: libunwind's
	 * own blocking is then a no-op that phdr.c's sigprocmask skips. The
	 * synchronous ones stay open, so a fault while unwinding still reaches
	 * the program's own handler (a blocked SIGSEGV would kill it outright). */
	sigfillset(&sa.sa_mask);
	sigdelset(&sa.sa_mask, SIGSEGV);
	sigdelset(&sa.sa_mask, SIGBUS);
	sigdelset(&sa.sa_mask, SIGILL);
	sigdelset(&sa.sa_mask, SIGFPE);
	sigdelset(&sa.sa_mask, SIGTRAP);
	if (sigaction(sig, &sa, NULL) < 0)
		return -errno;
	agent__g.signo = sig;
	/* An image exec'd by a program with the agent starts with the signal
	 * still blocked by exec_begin (the mask survives execve), maybe with
	 * one pending: the handler is in now, so take them again. */
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, sig);
	pthread_sigmask(SIG_UNBLOCK, &sa.sa_mask, NULL);

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
			if (agent__g.cfg.source == AGENT_SOURCE_PERF)
				agent__note("perf_event_open: %s; using POSIX CPU timers "
				            "(at most one sample per kernel tick)",
				            strerror(errno));
			agent__g.source = AGENT_SOURCE_POSIX;
		}
	}
	return 0;
}

/* ---- exec --------------------------------------------------------------- */
/*
 * A pending profiling signal survives execve, and the new image starts with
 * the default action, which for SIGPROF and the real-time signals is to
 * terminate. So before exec the calling thread's source is stopped and any
 * pending signal consumed; if exec fails, sampling resumes. (Other threads'
 * pending signals die with them.) In a vfork child, which shares our memory
 * but has none of our sources, nothing is touched.
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
	sigset_t old;
};

static void exec_begin(struct exec_guard *g)
{
	struct agent_thread *t;
	struct timespec zero = {0, 0};
	sigset_t set;

	g->active = 0;
	resolve_exec();
	if (!atomic_load(&agent__g.started) || !agent__g.signo || agent__g.pid != getpid())
		return;
	sigemptyset(&set);
	sigaddset(&set, agent__g.signo);
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
	t = agent__thread_find((pid_t)syscall(SYS_gettid));
	if (t) {
		pthread_mutex_lock(&agent__g.lock);
		agent__source_arm(t, 0);
		pthread_mutex_unlock(&agent__g.lock);
	}
	while (sigtimedwait(&set, NULL, &zero) > 0) {
	}
	/* This image's samples and events go to perftop before it is gone. */
	if (agent__threads_pending() ||
	    (atomic_load(&agent__g.active) && (agent__counter_count() || agent__zone_count())))
		agent__writer_flush(AGENT_EXEC_FLUSH_MS);
	g->active = 1;
}

static void exec_failed(struct exec_guard *g)
{
	struct agent_thread *t;
	int saved = errno;

	if (!g->active)
		return;
	t = agent__thread_find((pid_t)syscall(SYS_gettid));
	if (t) {
		pthread_mutex_lock(&agent__g.lock);
		if (agent__g.armed)
			agent__source_arm(t, agent__g.period_ns);
		pthread_mutex_unlock(&agent__g.lock);
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
	errno = saved;
}

#define EXPORT __attribute__((visibility("default")))

/* Interposed exec family: contracts as exec(3); see above for what they add. */
EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	struct exec_guard g;
	int rc;

	exec_begin(&g);
	if (!real_execve)
		return errno = ENOSYS, -1;
	rc = real_execve(path, argv, envp);
	exec_failed(&g);
	return rc;
}

EXPORT int execv(const char *path, char *const argv[])
{
	struct exec_guard g;
	int rc;

	exec_begin(&g);
	if (!real_execv)
		return errno = ENOSYS, -1;
	rc = real_execv(path, argv);
	exec_failed(&g);
	return rc;
}

EXPORT int execvp(const char *file, char *const argv[])
{
	struct exec_guard g;
	int rc;

	exec_begin(&g);
	if (!real_execvp)
		return errno = ENOSYS, -1;
	rc = real_execvp(file, argv);
	exec_failed(&g);
	return rc;
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	struct exec_guard g;
	int rc;

	exec_begin(&g);
	if (!real_execvpe)
		return errno = ENOSYS, -1;
	rc = real_execvpe(file, argv, envp);
	exec_failed(&g);
	return rc;
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	struct exec_guard g;
	int rc;

	exec_begin(&g);
	if (!real_fexecve)
		return errno = ENOSYS, -1;
	rc = real_fexecve(fd, argv, envp);
	exec_failed(&g);
	return rc;
}

EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags)
{
	struct exec_guard g;
	int rc;

	exec_begin(&g);
	if (!real_execveat)
		return errno = ENOSYS, -1;
	rc = real_execveat(dirfd, path, argv, envp, flags);
	exec_failed(&g);
	return rc;
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
