/*
 * signals — the program's view of the agent's profiling signal.
 *
 * The agent keeps its handler installed for as long as it samples, whatever
 * the program does, and the program sees and sets its own disposition as if
 * the agent were not there:
 *
 *   sigaction, signal, bsd_signal, sysv_signal, sigset  for the agent's
 *       signal only: the program's action is kept here (what it set, or what
 *       was there before the agent), returned as the old action, and never
 *       given to the kernel. A reset to SIG_DFL (daemons, children before
 *       exec) therefore cannot let a late profiling signal kill the program,
 *       and sampling simply goes on.
 *   the handler (sampler.c)  tells its own signals by their siginfo and
 *       passes every other one here (agent__signals_forward): the program's
 *       handler runs with the mask and flags it asked for (SA_SIGINFO,
 *       SA_NODEFER, SA_RESETHAND, sa_mask), SIG_IGN drops it, SIG_DFL does
 *       the default action (terminates, for SIGPROF). A program's own
 *       SIGPROF handler or ITIMER_PROF profiler gets exactly its signals.
 *   pthread_sigmask (and sigprocmask, interposed in phdr.c)  a thread that blocks the agent's signal
 *       has its source stopped first (so nothing of ours is ever pending for
 *       its sigwait, sigtimedwait or signalfd) and restarted when it
 *       unblocks; the writer reports a thread blocked for a second or more.
 *
 *   posix_spawn, posix_spawnp, system, popen  glibc's child sets every
 *       handled signal to SIG_DFL; when the program ignores the agent's
 *       signal, the real disposition is SIG_IGN for the duration of the call
 *       (the program would ignore what arrives then anyway), so the child
 *       inherits SIG_IGN as it would without the agent. exec does the same
 *       (sampler.c).
 *
 * What goes around the interposers: a raw rt_sigaction system call (the Go
 * runtime) is seen by the writer's periodic check, which stops sampling and
 * says so; a raw rt_sigprocmask is not seen either: a thread that blocks
 * the signal so keeps its source running (its sigwait would see our
 * signals), and one that unblocks it so (the Go runtime's threads start
 * with every signal blocked through pthread_sigmask, then unblock with the
 * raw call) stays unsampled and is reported as blocking. /proc's SigBlk
 * cannot settle it: inside sigtimedwait the kernel shows the waited
 * signals unblocked. glibc's
 * sighold/sigrelse/sigignore/sigpause and posix_spawn's child use libc's
 * internal calls.
 *
 * The program's action lives in a small ring of copies published by index,
 * so the handler reads it without a lock while another thread changes it.
 */
#include "agent/agent.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);
typedef int (*sigmask_fn)(int, const sigset_t *, sigset_t *);

static sigaction_fn real_sigaction;
static sigmask_fn real_pthread_sigmask;

/* The agent's signal while the program's view of it is virtual; 0 else. */
static _Atomic int taken;

#define PROG_COPIES 8u
static struct sigaction prog_act[PROG_COPIES];
static _Atomic unsigned prog_cur, prog_next;

static void resolve(void)
{
	if (real_sigaction)
		return;
	real_pthread_sigmask = (sigmask_fn)dlsym(RTLD_NEXT, "pthread_sigmask");
	real_sigaction = (sigaction_fn)dlsym(RTLD_NEXT, "sigaction");
}

void agent__signals_init(void)
{
	resolve();
}

int agent__real_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	resolve();
	if (!real_sigaction)
		return errno = ENOSYS, -1;
	return real_sigaction(sig, act, old);
}

int agent__real_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	sigset_t copy;

	/* Never block glibc's own signals 32 and 33 (thread cancellation and
	 * setxid: a thread blocking the latter hangs setuid in every thread),
	 * as pthread_sigmask would not. The kernel's mask is _NSIG / 8 bytes. */
	if (set && how != SIG_UNBLOCK) {
		copy = *set;
		copy.__val[0] &= ~((1ul << 31) | (1ul << 32));
		set = &copy;
	}
	return (int)syscall(SYS_rt_sigprocmask, how, set, old, _NSIG / 8);
}

static void prog_set(const struct sigaction *a)
{
	unsigned i = (atomic_fetch_add(&prog_next, 1) + 1) % PROG_COPIES;

	prog_act[i] = *a;
	atomic_store_explicit(&prog_cur, i, memory_order_release);
}

static void prog_get(struct sigaction *a)
{
	*a = prog_act[atomic_load_explicit(&prog_cur, memory_order_acquire)];
}

void agent__signals_take(int sig, const struct sigaction *act)
{
	prog_set(act);
	atomic_store(&taken, sig);
}

void agent__signals_release(void)
{
	atomic_store(&taken, 0);
}

/* ---- passing a signal on ------------------------------------------------ */

int agent__signals_program_handles(void)
{
	struct sigaction a;

	prog_get(&a);
	return (a.sa_flags & SA_SIGINFO) || (a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN);
}

/* Signals whose default action is to do nothing. */
static int default_ignores(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

void agent__signals_forward(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	struct sigaction a;
	int info;
	sigset_t mask;

	prog_get(&a);
	info = (a.sa_flags & SA_SIGINFO) != 0;
	if (!info && a.sa_handler == SIG_IGN)
		return;
	if (!info && a.sa_handler == SIG_DFL) {
		struct sigaction dfl;

		if (default_ignores(sig))
			return;
		/* The default action, as the kernel would take it: die by sig. */
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		agent__real_sigaction(sig, &dfl, NULL);
		sigemptyset(&mask);
		sigaddset(&mask, sig);
		agent__real_sigmask(SIG_UNBLOCK, &mask, NULL);
		syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), sig);
		return;
	}
	if (a.sa_flags & SA_RESETHAND) {
		struct sigaction dfl;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		prog_set(&dfl);
	}
	/* The mask the kernel would have set for the program's handler: the
	 * interrupted mask, its sa_mask, and sig unless SA_NODEFER. Returning
	 * restores the interrupted mask from uc (sigreturn). */
	mask = uc->uc_sigmask;
	for (int s = 1; s < _NSIG; s++)
		if (sigismember(&a.sa_mask, s) == 1)
			sigaddset(&mask, s);
	if (!(a.sa_flags & SA_NODEFER))
		sigaddset(&mask, sig);
	agent__real_sigmask(SIG_SETMASK, &mask, NULL);
	if (info)
		a.sa_sigaction(sig, si, ucv);
	else
		a.sa_handler(sig);
}

/* ---- dispositions ------------------------------------------------------- */

/* Interposed: as sigaction(2), but for the agent's signal the action is the
 * program's view (see the top of this file). */
EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	int s = atomic_load(&taken);
	struct sigaction cur;

	if (!s || sig != s)
		return agent__real_sigaction(sig, act, old);
	prog_get(&cur);
	if (act)
		prog_set(act);
	if (old)
		*old = cur;
	return 0;
}

static sighandler_t set_handler(int sig, sighandler_t h, int flags, int mask_self)
{
	struct sigaction a, old;

	memset(&a, 0, sizeof(a));
	a.sa_handler = h;
	sigemptyset(&a.sa_mask);
	if (mask_self)
		sigaddset(&a.sa_mask, sig);
	a.sa_flags = flags;
	if (sigaction(sig, &a, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

static int handler_valid(int sig, sighandler_t h)
{
	if (h == SIG_ERR || sig < 1 || sig >= _NSIG) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

/* Interposed: signal(2) with glibc's BSD semantics (SA_RESTART, the signal
 * blocked in its handler). */
EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	if (!handler_valid(sig, h))
		return SIG_ERR;
	return set_handler(sig, h, SA_RESTART, 1);
}

/* Interposed: the same as signal. */
sighandler_t bsd_signal(int sig, sighandler_t h);
EXPORT sighandler_t bsd_signal(int sig, sighandler_t h)
{
	return signal(sig, h);
}

/* Interposed: System V semantics (reset to SIG_DFL on delivery, not
 * blocked in its handler). */
EXPORT sighandler_t sysv_signal(int sig, sighandler_t h)
{
	if (!handler_valid(sig, h))
		return SIG_ERR;
	return set_handler(sig, h, SA_RESETHAND | SA_NODEFER, 0);
}

EXPORT sighandler_t __sysv_signal(int sig, sighandler_t h)
{
	return sysv_signal(sig, h);
}

/* Interposed: sigset(3): SIG_HOLD blocks sig, anything else sets the
 * disposition and unblocks it; returns SIG_HOLD when it was blocked. */
EXPORT sighandler_t sigset(int sig, sighandler_t h)
{
	sigset_t one, old;
	sighandler_t prev;

	if (sig < 1 || sig >= _NSIG || h == SIG_ERR) {
		errno = EINVAL;
		return SIG_ERR;
	}
	sigemptyset(&one);
	sigaddset(&one, sig);
	if (h == SIG_HOLD) {
		struct sigaction cur;

		if (sigaction(sig, NULL, &cur) < 0 || sigprocmask(SIG_BLOCK, &one, &old) < 0)
			return SIG_ERR;
		return sigismember(&old, sig) ? SIG_HOLD : cur.sa_handler;
	}
	prev = set_handler(sig, h, 0, 0);
	if (prev == SIG_ERR || sigprocmask(SIG_UNBLOCK, &one, &old) < 0)
		return SIG_ERR;
	return sigismember(&old, sig) ? SIG_HOLD : prev;
}

/* ---- children ----------------------------------------------------------- */

/* Non-zero while the real disposition is not our handler on purpose (so the
 * writer's check does not take it for a replaced handler). */
static _Atomic int borrowed;

int agent__signals_borrowed(void)
{
	return atomic_load(&borrowed) != 0;
}

int agent__signals_lend_ign(struct sigaction *ours)
{
	int s = atomic_load(&taken);
	struct sigaction prog;

	if (!s)
		return 0;
	prog_get(&prog);
	if ((prog.sa_flags & SA_SIGINFO) || prog.sa_handler != SIG_IGN)
		return 0;
	atomic_fetch_add(&borrowed, 1);
	if (agent__real_sigaction(s, &prog, ours) < 0) {
		atomic_fetch_sub(&borrowed, 1);
		return 0;
	}
	return s;
}

void agent__signals_unlend(int sig, const struct sigaction *ours)
{
	int saved = errno;

	if (!sig)
		return;
	agent__real_sigaction(sig, ours, NULL);
	atomic_fetch_sub(&borrowed, 1);
	errno = saved;
}

typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                        const posix_spawnattr_t *, char *const[], char *const[]);

static int spawn_with(const char *name, spawn_fn *real, pid_t *pid, const char *path,
                      const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
                      char *const argv[], char *const envp[])
{
	struct sigaction ours;
	int sig, rc;

	if (!*real)
		*real = (spawn_fn)dlsym(RTLD_NEXT, name);
	if (!*real)
		return ENOSYS;
	sig = agent__signals_lend_ign(&ours);
	rc = (*real)(pid, path, fa, attr, argv, envp);
	agent__signals_unlend(sig, &ours);
	return rc;
}

/* Interposed: posix_spawn(3); see the top of this file. */
EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                       const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	static spawn_fn real;

	return spawn_with("posix_spawn", &real, pid, path, fa, attr, argv, envp);
}

/* Interposed: posix_spawnp(3); see the top of this file. */
EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                        const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	static spawn_fn real;

	return spawn_with("posix_spawnp", &real, pid, file, fa, attr, argv, envp);
}

/* Interposed: system(3); see the top of this file. */
EXPORT int system(const char *command)
{
	static int (*real)(const char *);
	struct sigaction ours;
	int sig, rc;

	if (!real)
		real = (int (*)(const char *))dlsym(RTLD_NEXT, "system");
	if (!real)
		return errno = ENOSYS, -1;
	sig = agent__signals_lend_ign(&ours);
	rc = real(command);
	agent__signals_unlend(sig, &ours);
	return rc;
}

/* Interposed: popen(3); see the top of this file. */
EXPORT FILE *popen(const char *command, const char *type)
{
	static FILE *(*real)(const char *, const char *);
	struct sigaction ours;
	FILE *f;
	int sig;

	if (!real)
		real = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "popen");
	if (!real)
		return errno = ENOSYS, NULL;
	sig = agent__signals_lend_ign(&ours);
	f = real(command, type);
	agent__signals_unlend(sig, &ours);
	return f;
}

/* ---- masks -------------------------------------------------------------- */

/* 1: the call blocks s, 0: it unblocks s, -1: it leaves s as it is. */
static int mask_effect(int how, const sigset_t *set, int s)
{
	int in = sigismember(set, s) == 1;

	switch (how) {
	case SIG_BLOCK:
		return in ? 1 : -1;
	case SIG_UNBLOCK:
		return in ? 0 : -1;
	case SIG_SETMASK:
		return in;
	default:
		return -1;
	}
}

static struct agent_thread *this_thread(void)
{
	struct agent_thread *t = agent__self;

	if (t)
		return t;
	return agent__thread_find((pid_t)syscall(SYS_gettid));
}

/* The mask change, around the real call fn: the source stops before the
 * signal is blocked and starts after it is unblocked. */
static int mask_change(sigmask_fn fn, int how, const sigset_t *set, sigset_t *old)
{
	int s = atomic_load(&taken);
	struct agent_thread *t;
	int effect, rc, failed;

	if (!fn)
		return ENOSYS;
	if (!s || !set || (effect = mask_effect(how, set, s)) < 0 || !(t = this_thread()))
		return fn(how, set, old);
	if (effect == 1 && !atomic_load(&t->blocked)) {
		t->w_cpu_valid = 0; /* its CPU time meanwhile is not ours to weigh */
		atomic_store(&t->blocked_since, agent__now_ns());
		atomic_store(&t->blocked, 1);
		agent__source_pause(t, 1);
	}
	rc = fn(how, set, old);
	failed = rc != 0;
	if (failed) {
		sigset_t cur;
		int saved = errno;

		/* Nothing changed: put our state back as the mask says. */
		if (agent__real_sigmask(SIG_BLOCK, NULL, &cur) == 0 && !sigismember(&cur, s) &&
		    atomic_load(&t->blocked)) {
			atomic_store(&t->blocked, 0);
			agent__source_pause(t, 0);
		}
		errno = saved;
		return rc;
	}
	if (effect == 0 && atomic_load(&t->blocked)) {
		atomic_store(&t->blocked, 0);
		agent__source_pause(t, 0);
	}
	return rc;
}

/* Interposed: pthread_sigmask(3); see the top of this file. sigprocmask
 * (interposed in phdr.c) comes here too. */
EXPORT int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	resolve();
	return mask_change(real_pthread_sigmask, how, set, old);
}
