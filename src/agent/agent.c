/*
 * agent — start and stop of libperftop.so: configuration from the
 * environment, the clock, fork handling, the library constructor and
 * destructor.
 *
 * Environment:
 *   PERFTOP_SOCKET    socket path (default: see wire/sockpath.h)
 *   PERFTOP_HZ        samples per second of CPU time per thread (1000; 0: none)
 *   PERFTOP_SIGNAL    PROF, SIGPROF, RTMIN+N, RTMAX-N or a number (PROF)
 *   PERFTOP_FLUSH_MS  writer period in ms (20)
 *   PERFTOP_SOURCE    auto, perf or posix: how samples are triggered (auto)
 *   PERFTOP_DEPTH     frames kept per sample (128, at most 128)
 *   PERFTOP_PYTHON    0: no Python frames in a CPython process (1)
 *   PERFTOP_QUIET     any value: no messages on stderr
 *   PERFTOP_VERBOSE   any value: notices (what the agent cannot do) on stderr
 *                     too, not only sent to perftop
 */
#include "agent/agent.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "wire/sockpath.h"

struct agent agent__g = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .writer_pidfd = -1,
};

void agent__say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (agent__g.cfg.quiet)
		return;
	/* The writer with a table of its own has no stderr (its number may be
	 * its socket). */
	if (atomic_load(&agent__g.writer_private) &&
	    (pid_t)syscall(SYS_gettid) == atomic_load(&agent__g.writer_tid))
		return;
	memcpy(buf, "perftop: ", 9);
	va_start(ap, fmt);
	n = vsnprintf(buf + 9, sizeof(buf) - 10, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n += 9;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, (size_t)n) < 0) {
		/* nothing to do: stderr is gone */
	}
}

/* Notices: what the agent cannot do and why, for perftop's screen. They
 * never go to the program's stderr (its output must not change), unless
 * PERFTOP_VERBOSE asks for them there too. A table of fixed slots under a
 * lock only normal code takes; each change gets a new generation so the
 * writer sends what changed, and everything again on a new connection. */
struct notice {
	pid_t tid;
	uint32_t gen; /* 0: free */
	uint64_t count;
	char code[AGENT_NOTICE_CODE];
	char text[AGENT_NOTICE_TEXT];
};
static struct notice notices[AGENT_MAX_NOTICES];
static uint32_t notice_gen;
static pthread_mutex_t notice_lock = PTHREAD_MUTEX_INITIALIZER;

void agent__notice(pid_t tid, const char *code, uint64_t count, const char *fmt, ...)
{
	struct notice *n = NULL;
	char text[AGENT_NOTICE_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&notice_lock);
	for (size_t i = 0; i < AGENT_MAX_NOTICES; i++) {
		struct notice *e = &notices[i];

		if (e->gen && e->tid == tid && !strncmp(e->code, code, sizeof(e->code))) {
			n = e;
			break;
		}
		if (!e->gen && !n)
			n = e;
	}
	if (n && (!n->gen || n->count != count || strcmp(n->text, text))) {
		n->tid = tid;
		n->count = count;
		snprintf(n->code, sizeof(n->code), "%s", code);
		memcpy(n->text, text, sizeof(text));
		n->gen = ++notice_gen;
		if (agent__g.cfg.verbose) {
			if (tid)
				agent__say("thread %d: %s", (int)tid, text);
			else
				agent__say("%s", text);
		}
	}
	pthread_mutex_unlock(&notice_lock);
}

uint32_t agent__notices_send(uint32_t gen, int (*fn)(void *ctx, const struct agent_notice_view *n),
                             void *ctx)
{
	uint32_t newest;

	pthread_mutex_lock(&notice_lock);
	newest = notice_gen;
	/* In generation order, so a stop leaves a clean point to go on from. */
	for (uint32_t last = gen;;) {
		struct notice *next = NULL;

		for (size_t i = 0; i < AGENT_MAX_NOTICES; i++)
			if (notices[i].gen > last && (!next || notices[i].gen < next->gen))
				next = &notices[i];
		if (!next)
			break;
		struct agent_notice_view v = {next->tid, next->code, next->text, next->count};

		if (fn(ctx, &v) < 0) {
			newest = last;
			break;
		}
		last = next->gen;
	}
	pthread_mutex_unlock(&notice_lock);
	return newest;
}

/* After fork, in the child: the parent's per-thread notices are not ours;
 * process-wide ones (how sampling was set up) still are. */
static void notices_after_fork(void)
{
	pthread_mutex_unlock(&notice_lock);
	for (size_t i = 0; i < AGENT_MAX_NOTICES; i++)
		if (notices[i].tid)
			notices[i].gen = 0;
}

/* ---- descriptors -------------------------------------------------------- */

/* Where the agent's descriptors go: the top eighth of the table the soft
 * RLIMIT_NOFILE allows (at most the first 4,096 numbers, so the kernel's
 * table stays small under a huge limit), far from the low numbers a program
 * opens next. */
static int fd_floor(void)
{
	struct rlimit rl = {1024, 1024};
	rlim_t cap;

	getrlimit(RLIMIT_NOFILE, &rl);
	cap = rl.rlim_cur;
	if (cap > 4096)
		cap = 4096;
	if (cap < 8)
		return -1;
	return (int)(cap - cap / 8);
}

int agent__fd_high(int fd)
{
	int floor = fd_floor(), hi;

	if (fd < 0)
		return -1;
	if (floor < 0 || fd >= floor) {
		if (floor >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0)
			return fd;
		close(fd);
		return -1;
	}
	hi = fcntl(fd, F_DUPFD_CLOEXEC, floor);
	close(fd); /* the number the kernel gave us a moment ago */
	return hi;
}

unsigned agent__perf_budget(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 64)
		return 0;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 256)
		return 2;
	return AGENT_PERF_BUDGET;
}

/* ---- configuration ------------------------------------------------------ */

static long env_long(const char *name, long def, long lo, long hi)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi) {
		agent__say("ignoring %s='%s': not a number in %ld..%ld", name, s, lo, hi);
		return def;
	}
	return v;
}

/* "PROF", "SIGPROF", "RTMIN+3", "SIGRTMAX-1", "27" -> signal number, or 0. */
static int parse_signal(const char *s)
{
	char *end;
	long v;

	if (!strncmp(s, "SIG", 3))
		s += 3;
	if (!strcmp(s, "PROF"))
		return SIGPROF;
	if (!strcmp(s, "VTALRM"))
		return SIGVTALRM;
	if (!strcmp(s, "USR1"))
		return SIGUSR1;
	if (!strcmp(s, "USR2"))
		return SIGUSR2;
	if (!strncmp(s, "RTMIN", 5) || !strncmp(s, "RTMAX", 5)) {
		int base = s[4] == 'N' ? SIGRTMIN : SIGRTMAX;

		s += 5;
		if (!*s)
			return base;
		v = strtol(s, &end, 10);
		if (*end || base + v < SIGRTMIN || base + v > SIGRTMAX)
			return 0;
		return (int)(base + v);
	}
	v = strtol(s, &end, 10);
	if (*end || v <= 0 || v > SIGRTMAX || v == SIGKILL || v == SIGSTOP)
		return 0;
	return (int)v;
}

static void config_read(struct agent_config *c)
{
	const char *s;

	c->quiet = getenv("PERFTOP_QUIET") != NULL;
	c->verbose = getenv("PERFTOP_VERBOSE") != NULL;
	c->hz = (unsigned)env_long("PERFTOP_HZ", 1000, 0, 100000);
	c->flush_ms = (unsigned)env_long("PERFTOP_FLUSH_MS", 20, 1, 10000);
	c->depth = (unsigned)env_long("PERFTOP_DEPTH", AGENT_MAX_DEPTH, 1, AGENT_MAX_DEPTH);
	c->python = (int)env_long("PERFTOP_PYTHON", 1, 0, 1);
	c->signo = SIGPROF;
	s = getenv("PERFTOP_SIGNAL");
	if (s && *s) {
		int sig = parse_signal(s);

		if (sig)
			c->signo = sig;
		else
			agent__say("ignoring PERFTOP_SIGNAL='%s': not a signal; using SIGPROF", s);
	}
	c->source = AGENT_SOURCE_NONE;
	s = getenv("PERFTOP_SOURCE");
	if (s && !strcmp(s, "perf"))
		c->source = AGENT_SOURCE_PERF;
	else if (s && !strcmp(s, "posix"))
		c->source = AGENT_SOURCE_POSIX;
	else if (s && *s && strcmp(s, "auto"))
		agent__say("ignoring PERFTOP_SOURCE='%s': want auto, perf or posix", s);
	if (sockpath_default(c->socket, sizeof(c->socket), getuid()) < 0) {
		agent__say("socket path too long; set PERFTOP_SOCKET");
		c->socket[0] = '\0';
	}
}

/* ---- clock -------------------------------------------------------------- */

uint64_t agent__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The TSC is usable when it is invariant (CPUID 0x80000007 EDX bit 8) and
 * the kernel itself keeps time with it (so it is synchronised across CPUs). */
static int tsc_usable(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;
	char buf[32] = "";
	int fd;
	ssize_t n;

	if (!__get_cpuid(0x80000007u, &a, &b, &c, &d) || !(d & (1u << 8)))
		return 0;
	fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource",
	          O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n >= 3 && !strncmp(buf, "tsc", 3) && (buf[3] == '\n' || buf[3] == '\0');
#else
	return 0;
#endif
}

void agent__clock_init(void)
{
	agent__g.use_tsc = tsc_usable();
	agent__g.ns0 = agent__now_ns();
	agent__g.ticks0 = agent__ticks();
}

/* ---- fork --------------------------------------------------------------- */

extern pthread_mutex_t agent__phdr_lock;
static int sampling_before_fork, active_before_fork;

/* No lock of ours, and no libunwind mutex taken by our unwinding (in a
 * handler or in agent__unwind_warmup), may be held by another thread when
 * the child is made: it would stay locked there forever. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&agent__unwind_lock);
	pthread_mutex_lock(&agent__phdr_lock);
	pthread_mutex_lock(&agent__g.lock);
	pthread_mutex_lock(&agent__names_lock);
	active_before_fork = atomic_load(&agent__g.active);
	pthread_mutex_lock(&notice_lock);
	sampling_before_fork = agent__sampler_quiesce();
}

static void fork_parent(void)
{
	atomic_store(&agent__g.sampling, sampling_before_fork);
	pthread_mutex_unlock(&notice_lock);
	pthread_mutex_unlock(&agent__names_lock);
	pthread_mutex_unlock(&agent__g.lock);
	pthread_mutex_unlock(&agent__phdr_lock);
	pthread_mutex_unlock(&agent__unwind_lock);
}

/* The child is a new process for perftop: a new connection and HELLO, its
 * own statistics from zero, a sampling source for its one thread. When the
 * parent was recording, the child records from its first instruction and
 * its writer connects at once, so a child that lives 10 ms still delivers
 * its samples (the writer discards them, counted, if it cannot connect). */
static void fork_child(void)
{
	pthread_mutex_unlock(&agent__names_lock);
	pthread_mutex_unlock(&agent__g.lock);
	pthread_mutex_unlock(&agent__phdr_lock);
	pthread_mutex_unlock(&agent__unwind_lock);
	agent__g.pid = getpid();
	atomic_store(&agent__g.active, 0);
	atomic_store(&agent__g.sampling, 0);
	notices_after_fork();
	agent__writer_after_fork();
	agent__creds_after_fork();
	agent__g.perf_open_ok = 1; /* the child has this one thread */
	agent__threads_after_fork();
	agent__g.perf_open_ok = 0;
	agent__api_after_fork();
	if (sampling_before_fork) {
		pthread_mutex_lock(&agent__g.lock);
		agent__threads_arm(1);
		pthread_mutex_unlock(&agent__g.lock);
		atomic_store(&agent__g.sampling, 1);
	}
	atomic_store(&agent__g.active, active_before_fork);
	if (agent__writer_start() < 0)
		agent__say("cannot start the writer thread in the child %d", (int)agent__g.pid);
}

/* ---- start and stop ----------------------------------------------------- */

/* 1 when path names a socket (a stat: no descriptor). */
static int socket_there(const char *path)
{
	struct stat st;

	return path[0] && stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

void agent__start(void)
{
	int expected = 0;

	if (!atomic_compare_exchange_strong(&agent__g.started, &expected, 1))
		return;
	agent__g.pid = getpid();
	config_read(&agent__g.cfg);
	agent__clock_init();
	agent__signals_init();
	if (agent__g.cfg.python)
		agent__py_init(); /* before the rings are sized: Python samples are larger */
	agent__threads_init();
	agent__phdr_init();
	agent__unwmem_init();
	agent__unwind_warmup();
	agent__g.period_ns = agent__g.cfg.hz ? 1000000000u / agent__g.cfg.hz : 0;
	/* One thread here (the constructor runs before main): the only time,
	 * with a fork child's handler, a perf event may be opened. */
	agent__g.perf_open_ok = 1;
	if (agent__g.cfg.hz && agent__sampler_init() < 0)
		agent__g.period_ns = 0;
	agent__thread_attach();
	agent__threads_scan();
	agent__g.perf_open_ok = 0;
	pthread_atfork(fork_prepare, fork_parent, fork_child);

	/* Recording starts now when perftop's socket is there, so the
	 * program's first zones and samples are not lost to the writer's
	 * start-up; the writer connects from a descriptor table of its own
	 * (writer.c) and stops the recording, counting what it discards, if
	 * it cannot. */
	if (socket_there(agent__g.cfg.socket)) {
		pthread_mutex_lock(&agent__g.lock);
		agent__threads_arm(1);
		pthread_mutex_unlock(&agent__g.lock);
		atomic_store(&agent__g.sampling, agent__g.period_ns != 0);
		atomic_store(&agent__g.active, 1);
	}
	if (agent__writer_start() < 0)
		agent__say("cannot start the writer thread; profiling is off");
}

__attribute__((constructor)) static void agent_constructor(void)
{
	agent__start();
}

__attribute__((destructor)) static void agent_destructor(void)
{
	if (!atomic_load(&agent__g.started) || agent__g.pid != getpid())
		return;
	agent__writer_stop();
	atomic_store(&agent__g.sampling, 0);
	atomic_store(&agent__g.active, 0);
	pthread_mutex_lock(&agent__g.lock);
	agent__threads_arm(0);
	pthread_mutex_unlock(&agent__g.lock);
}
