/*
 * creds — the writer thread keeps the program's per-thread credentials, so
 * glibc's set*id calls behave as they would without the agent.
 *
 * Linux keeps credentials per thread; glibc makes setuid, setgid, seteuid,
 * setegid, setreuid, setregid, setresuid, setresgid and setgroups
 * process-wide by running the same system call in every thread (the setxid
 * signal) and aborts the process when one thread's call fails where the
 * caller's succeeded. Capabilities (capset), the keep-capabilities flag and
 * the other secure bits (prctl) stay per thread. A single-threaded program
 * that drops root the usual way (prctl(PR_SET_KEEPCAPS), capset,
 * setresuid, capset, setresgid: setpriv, daemons) therefore works alone,
 * but the agent's writer thread, which kept the credentials it started
 * with, lost every capability at setresuid and failed setresgid: SIGABRT.
 *
 * So each interposed set*id call first has the writer copy the calling
 * thread's secure bits and capability sets onto itself (the writer can:
 * it started with the process's credentials, and a thread can only lower
 * its own), and then makes the real call. The copy is asked for like a
 * flush (a counter and a futex), waited for at most AGENT_CREDS_WAIT_MS;
 * a writer that has stopped needs nothing, and a vfork child (another
 * process in our memory) asks nothing of the parent's writer. A program
 * that changes its
 * threads' credentials with raw system calls is not seen.
 */
#include "agent/agent.h"

#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define AGENT_CREDS_WAIT_MS 1000

static pthread_mutex_t creds_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint32_t creds_req, creds_done;
static _Atomic int creds_writer_gone;
/* The calling thread's state, for the writer to copy (under creds_lock). */
static struct __user_cap_data_struct creds_caps[_LINUX_CAPABILITY_U32S_3];
static int creds_securebits;

static long creds_futex(_Atomic uint32_t *word, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, (uint32_t *)word, op, val, ts, NULL, 0);
}

void agent__creds_serve(int last)
{
	uint32_t req = atomic_load(&creds_req);

	if (req != atomic_load(&creds_done)) {
		struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
		int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

		if (bits >= 0 && bits != creds_securebits &&
		    prctl(PR_SET_SECUREBITS, (unsigned long)creds_securebits, 0, 0, 0) < 0)
			prctl(PR_SET_KEEPCAPS, (creds_securebits & (1 << 4)) ? 1ul : 0ul, 0, 0, 0);
		syscall(SYS_capset, &h, creds_caps);
		atomic_store(&creds_done, req);
	}
	if (last)
		atomic_store(&creds_writer_gone, 1);
	creds_futex(&creds_done, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL);
}

void agent__creds_after_fork(void)
{
	atomic_store(&creds_req, 0);
	atomic_store(&creds_done, 0);
	atomic_store(&creds_writer_gone, 0);
	pthread_mutex_init(&creds_lock, NULL);
}

/* Has the writer take the calling thread's capabilities and secure bits
 * before a set*id call reaches every thread. */
static void creds_mirror(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	uint64_t deadline;
	uint32_t req;

	/* Not in a vfork child (it shares our memory but is another process:
	 * the parent's writer must keep the parent's credentials). */
	if (!agent__g.writer_running || atomic_load(&creds_writer_gone) ||
	    agent__g.pid != (pid_t)syscall(SYS_getpid) ||
	    (pid_t)syscall(SYS_gettid) == atomic_load(&agent__g.writer_tid))
		return;
	pthread_mutex_lock(&creds_lock);
	if (syscall(SYS_capget, &h, creds_caps) < 0) {
		pthread_mutex_unlock(&creds_lock);
		return;
	}
	creds_securebits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	req = atomic_fetch_add(&creds_req, 1) + 1;
	atomic_fetch_add(&agent__g.wake, 1);
	creds_futex(&agent__g.wake, FUTEX_WAKE_PRIVATE, 1, NULL);
	deadline = agent__now_ns() + AGENT_CREDS_WAIT_MS * 1000000ull;
	for (;;) {
		uint32_t done = atomic_load(&creds_done);
		uint64_t now = agent__now_ns();
		struct timespec ts;

		if ((int32_t)(done - req) >= 0 || atomic_load(&creds_writer_gone) || now >= deadline)
			break;
		ts.tv_sec = (time_t)((deadline - now) / 1000000000u);
		ts.tv_nsec = (long)((deadline - now) % 1000000000u);
		creds_futex(&creds_done, FUTEX_WAIT_PRIVATE, done, &ts);
	}
	pthread_mutex_unlock(&creds_lock);
}

#define REAL(name, type)                                                                          \
	static type real_##name;                                                                  \
	if (!real_##name)                                                                         \
		real_##name = (type)dlsym(RTLD_NEXT, #name);                                      \
	if (!real_##name) {                                                                       \
		errno = ENOSYS;                                                                   \
		return -1;                                                                        \
	}

typedef int (*id1_fn)(unsigned);
typedef int (*id2_fn)(unsigned, unsigned);
typedef int (*id3_fn)(unsigned, unsigned, unsigned);
typedef int (*groups_fn)(size_t, const gid_t *);

EXPORT int setuid(uid_t u)
{
	REAL(setuid, id1_fn);
	creds_mirror();
	return real_setuid(u);
}

EXPORT int setgid(gid_t g)
{
	REAL(setgid, id1_fn);
	creds_mirror();
	return real_setgid(g);
}

EXPORT int seteuid(uid_t u)
{
	REAL(seteuid, id1_fn);
	creds_mirror();
	return real_seteuid(u);
}

EXPORT int setegid(gid_t g)
{
	REAL(setegid, id1_fn);
	creds_mirror();
	return real_setegid(g);
}

EXPORT int setreuid(uid_t r, uid_t e)
{
	REAL(setreuid, id2_fn);
	creds_mirror();
	return real_setreuid(r, e);
}

EXPORT int setregid(gid_t r, gid_t e)
{
	REAL(setregid, id2_fn);
	creds_mirror();
	return real_setregid(r, e);
}

EXPORT int setresuid(uid_t r, uid_t e, uid_t s)
{
	REAL(setresuid, id3_fn);
	creds_mirror();
	return real_setresuid(r, e, s);
}

EXPORT int setresgid(gid_t r, gid_t e, gid_t s)
{
	REAL(setresgid, id3_fn);
	creds_mirror();
	return real_setresgid(r, e, s);
}

EXPORT int setgroups(size_t n, const gid_t *list)
{
	REAL(setgroups, groups_fn);
	creds_mirror();
	return real_setgroups(n, list);
}
