/*
 * collector — the thread that keeps the model current; see collector.h.
 *
 * One epoll loop. Each descriptor it waits on is a `struct source` whose
 * kind picks its handler from a table: the tick (a timerfd), the stop
 * request (an eventfd), the agents' listening socket, one source per agent
 * connection, and the pidfd of the child `perftop run` started. The UI is
 * woken through another eventfd whose counter says how many readings were
 * applied since it last looked; agent data does not wake it (it redraws at
 * the tick), so a busy agent cannot make the screen spin.
 */
#include "collect/collector.h"
#include "collect/listener.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/attach.h"
#include "collect/syswide.h"
#include "collect/capture.h"
#include "collect/ingest.h"
#include "collect/launch.h"
#include "collect/procfs.h"
#include "collect/treescan.h"
#include "model/proctree.h"
#include "util/xalloc.h"
#include "util/waitstatus.h"

enum source_kind {
	SRC_TICK,   /* timerfd: read /proc, apply */
	SRC_STOP,   /* eventfd: leave the loop */
	SRC_LISTEN, /* the agents' socket: accept */
	SRC_CONN,   /* one agent connection: read frames */
	SRC_CHILD,  /* pidfd of the child perftop run started: reap it */
	SRC_OUTPUT, /* the pipe of the child's output (perftop run's screen) */
	SRC_SIGCHLD, /* signalfd of SIGCHLD: the child stopped (collector_follow_stops) */
	SRC_ATTACH, /* the outside sampler's rings (collect/attach.h): drain them */
	SRC_SYSWIDE, /* the system-wide view's rings (collect/syswide.h): drain them */
	SRC_KINDS
};

struct source {
	enum source_kind kind;
	int fd;
	struct ingest_conn *conn; /* SRC_CONN only */
};

struct collector {
	struct model *m;
	struct procfs *pf;
	pthread_t thread;
	int epfd, wake_fd;
	struct source tick, stop;
	bool running;     /* the loop goes on; cleared by the stop source */
	double armed_s;   /* the interval the timer runs at */
	pid_t *pids;      /* watched pids, decided each tick */
	size_t pids_cap;
	int last_err;     /* the last read error logged, to log each kind once */
	struct ingest *ingest; /* NULL when not listening */
	struct source listen, child, output, sigchld;
	pid_t child_pid;
	bool follow_stops; /* collector_follow_stops() was called */
	int job_tty;       /* perftop's controlling terminal for it, or -1 */
	struct capture *capture; /* SRC_OUTPUT's reader, or NULL */
	struct attach_set *attach; /* outside sampling, or NULL */
	struct source attach_src;
	struct syswide_sampler *syswide; /* every CPU, while its view is open */
	struct source syswide_src;
	struct source **conns; /* one per agent connection, owned here */
	size_t nconns, conns_alloc;
};

/* A handler returns 0, or a negative errno that ends the loop. */
typedef int (*source_fn)(struct collector *c, struct source *s, uint32_t events);

static int on_tick(struct collector *c, struct source *s, uint32_t events);
static void reap_adopted(struct collector *c);
static int on_stop(struct collector *c, struct source *s, uint32_t events);
static int on_listen(struct collector *c, struct source *s, uint32_t events);
static int on_conn(struct collector *c, struct source *s, uint32_t events);
static int on_child(struct collector *c, struct source *s, uint32_t events);
static int on_sigchld(struct collector *c, struct source *s, uint32_t events)
{
	struct signalfd_siginfo si[8];

	while (read(s->fd, si, sizeof(si)) > 0)
		;
	return on_child(c, &c->child, events);
}

static int on_output(struct collector *c, struct source *s, uint32_t events);
static int on_sigchld(struct collector *c, struct source *s, uint32_t events);
static int on_attach(struct collector *c, struct source *s, uint32_t events)
{
	(void)s;
	(void)events;
	attach_set_drain(c->attach);
	return 0;
}

static int on_syswide(struct collector *c, struct source *s, uint32_t events)
{
	(void)s;
	(void)events;
	syswide_sampler_drain(c->syswide);
	return 0;
}

static const source_fn source_handlers[SRC_KINDS] = {
	[SRC_TICK] = on_tick,
	[SRC_STOP] = on_stop,
	[SRC_LISTEN] = on_listen,
	[SRC_CONN] = on_conn,
	[SRC_CHILD] = on_child,
	[SRC_OUTPUT] = on_output,
	[SRC_SIGCHLD] = on_sigchld,
	[SRC_ATTACH] = on_attach,
	[SRC_SYSWIDE] = on_syswide,
};

/* ---- the tick -------------------------------------------------------------- */

static int arm_timer(struct collector *c, double interval_s)
{
	struct itimerspec its;
	double whole = floor(interval_s);

	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = (time_t)whole;
	its.it_interval.tv_nsec = (long)((interval_s - whole) * 1e9);
	if (its.it_interval.tv_sec == 0 && its.it_interval.tv_nsec < 1000000)
		its.it_interval.tv_nsec = 1000000; /* never spin: 1 ms at least */
	its.it_value = its.it_interval;
	if (timerfd_settime(c->tick.fd, 0, &its, NULL) < 0)
		return -errno;
	c->armed_s = interval_s;
	return 0;
}

static int compare_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/* Under the lock: which pids to read (NULL: all) and which get details:
 * the watched ones and the live processes agents report on (sorted, as the
 * model looks them up in the reading). */
static const pid_t *decide(struct collector *c, size_t *npids)
{
	static const pid_t none[1];
	struct model *m = c->m;
	size_t n = model_scan_pids(m, c->pids, c->pids_cap);

	if (n > c->pids_cap) {
		c->pids_cap = n * 2;
		c->pids = xreallocarray(c->pids, c->pids_cap, sizeof(*c->pids));
		n = model_scan_pids(m, c->pids, c->pids_cap);
	}
	if (n > 1)
		qsort(c->pids, n, sizeof(*c->pids), compare_pid);
	procfs_set_detail(c->pf, c->pids, n);
	*npids = n;
	/* A partial reading of no pid yet (before perftop run's child is
	 * watched) reads none: NULL would be a full scan, and every process of
	 * the machine would stay in the model (and in a snapshot). */
	if (m->list_visible)
		return NULL;
	return c->pids ? c->pids : none;
}

/* perftop as the tree's child subreaper: reaps the orphans it adopted once
 * the model has read them (a zombie is still in /proc, so the reading that
 * found it knows its parent), and records their wait status. The launched
 * child is left to on_child. Any child that is not a tree member is left
 * alone (perftop's own helpers wait for theirs). */
static void reap_adopted(struct collector *c)
{
	pid_t *kids = NULL, self, launched;
	size_t n = 0, cap = 0;

	model_lock(c->m);
	self = c->m->tree_reaper;
	launched = c->child_pid;
	model_unlock(c->m);
	if (!self)
		return;
	treescan_children(self, &kids, &n, &cap);
	for (size_t i = 0; i < n; i++) {
		struct process *p;
		siginfo_t si;
		char what[64];
		int status;

		if (kids[i] == launched)
			continue;
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)kids[i], &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
		    si.si_pid != kids[i])
			continue; /* still running */
		model_lock(c->m);
		p = model_find(c->m, kids[i]);
		if (p && p->in_tree && waitpid(kids[i], &status, WNOHANG) == kids[i]) {
			proctree_reaped(c->m, p, status);
			waitstatus_describe(what, sizeof(what), status);
			msglog_add(&c->m->log, c->m->now, MSG_INFO, "pid %ld (%s, adopted) %s",
			           (long)p->pid, p->comm, what);
		}
		model_unlock(c->m);
	}
	free(kids);
}

/* Takes one reading and applies it; the UI is woken when it was applied. */
static void take_reading(struct collector *c)
{
	struct model *m = c->m;
	struct tick_reading r;
	const pid_t *pids;
	size_t npids;
	double want_s;
	uint64_t one = 1;
	int err;

	pid_t reaper;
	bool tree;

	model_lock(m);
	pids = decide(c, &npids);
	want_s = m->tick_s;
	tree = m->tree_root > 0;
	reaper = m->tree_reaper;
	model_unlock(m);
	if (pids && tree) {
		/* The tree's members without an agent, and the orphans perftop
		 * adopted, are found through their parents' children. */
		for (size_t i = 0; i < npids; i++)
			treescan_children(c->pids[i], &c->pids, &npids, &c->pids_cap);
		if (reaper) {
			size_t from = npids;

			treescan_children(reaper, &c->pids, &npids, &c->pids_cap);
			for (size_t i = from; i < npids; i++)
				treescan_children(c->pids[i], &c->pids, &npids, &c->pids_cap);
		}
		if (npids > 1)
			qsort(c->pids, npids, sizeof(*c->pids), compare_pid);
		pids = c->pids;
	}

	err = procfs_read(c->pf, pids, npids, &r);

	model_lock(m);
	if (err < 0) {
		if (err != c->last_err)
			msglog_add(&m->log, m->now, MSG_ERROR, "cannot read /proc: %s",
				   strerror(-err));
		/* Out of descriptors: the list keeps its last reading (nothing is
		 * retired as exited) and the header says why it is stale. */
		m->proc_no_fds = err == -EMFILE || err == -ENFILE;
		if (m->proc_no_fds)
			(void)listener_fd_room(0, &m->fd_limit);
	} else {
		m->proc_no_fds = false;
		model_apply(m, &r);
		proctree_update(m); /* the reading's new processes may join the tree */
	}
	model_unlock(m);
	c->last_err = err < 0 ? err : 0;
	if (c->attach && err >= 0)
		attach_set_tick(c->attach); /* after the reading: who is watched, who has an agent */
	if (c->syswide)
		syswide_sampler_tick(c->syswide);
	if (err >= 0 && write(c->wake_fd, &one, sizeof(one)) < 0) {
		/* Only EAGAIN (counter full) is possible: the UI is woken already. */
	}
	if (want_s > 0 && want_s != c->armed_s)
		arm_timer(c, want_s);
}

static int on_tick(struct collector *c, struct source *s, uint32_t events)
{
	uint64_t expirations;

	(void)events;
	/* Missed expirations are not made up: one reading per wake-up. */
	if (read(s->fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return -errno;
	take_reading(c);
	reap_adopted(c);
	return 0;
}

static int on_stop(struct collector *c, struct source *s, uint32_t events)
{
	uint64_t v;

	(void)events;
	if (read(s->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return -errno;
	c->running = false;
	return 0;
}

/* ---- agents ------------------------------------------------------------------- */

static int source_add(struct collector *c, struct source *s);

static int on_listen(struct collector *c, struct source *s, uint32_t events)
{
	struct ingest_conn *conn;
	int n;

	(void)s;
	(void)events;
	/* Accept everything pending, so 64 agents at once are not 64 wake-ups. */
	while ((n = ingest_accept(c->ingest, &conn)) != 0) {
		struct source *cs;

		if (n < 0) {
			if (n == -EMFILE || n == -ENFILE || n == -ENOBUFS || n == -ENOMEM) {
				model_lock(c->m);
				msglog_add(&c->m->log, c->m->now, MSG_ERROR,
					   "cannot accept an agent: %s", strerror(-n));
				model_unlock(c->m);
			}
			break;
		}
		cs = xcalloc(1, sizeof(*cs));
		cs->kind = SRC_CONN;
		cs->fd = ingest_conn_fd(conn);
		cs->conn = conn;
		if (source_add(c, cs) < 0) {
			free(cs); /* the connection is closed with the ingest later */
			continue;
		}
		XGROW(c->conns, c->conns_alloc, c->nconns + 1, 16);
		c->conns[c->nconns++] = cs;
		/* Data may already be waiting. */
		on_conn(c, cs, EPOLLIN);
	}
	return 0;
}

static int on_conn(struct collector *c, struct source *s, uint32_t events)
{
	(void)events;
	if (ingest_conn_read(c->ingest, s->conn) < 0) {
		/* The connection closed its fd, which left the epoll set. */
		for (size_t i = 0; i < c->nconns; i++)
			if (c->conns[i] == s) {
				c->conns[i] = c->conns[--c->nconns];
				break;
			}
		free(s);
	}
	return 0;
}

/* The one place the child is reaped: waitpid() and the model's record of
 * it happen under the model's lock, so collector_signal_child(), which
 * takes the lock too, never signals a pid (or group) that was reaped.
 * With follow_stops, its stops are reported here too and followed
 * (launch_follow_stop), outside the lock: perftop may stop meanwhile. */
static int on_child(struct collector *c, struct source *s, uint32_t events)
{
	struct process *p;
	char what[64];
	int status;
	pid_t got;

	(void)s;
	(void)events;
	if (c->child.fd < 0)
		return 0; /* reaped already */
	model_lock(c->m);
	if (!model_find(c->m, c->child_pid)) {
		/* Exited before any reading saw it: read it now, while it is
		 * still in /proc (not reaped), so the model has the process its
		 * exit status belongs to. */
		model_unlock(c->m);
		take_reading(c);
		model_lock(c->m);
	}
	while ((got = waitpid(c->child_pid, &status, WNOHANG | (c->follow_stops ? WUNTRACED : 0))) ==
	               c->child_pid &&
	       WIFSTOPPED(status)) {
		msglog_add(&c->m->log, c->m->now, MSG_INFO, "pid %ld stopped by SIG%s",
			   (long)c->child_pid, sigabbrev_np(WSTOPSIG(status)));
		model_unlock(c->m);
		launch_follow_stop(c->child_pid, WSTOPSIG(status), c->job_tty);
		model_lock(c->m);
	}
	if (got != c->child_pid) {
		model_unlock(c->m);
		return 0;
	}
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->child.fd, NULL);
	close(c->child.fd);
	c->child.fd = -1;
	waitstatus_describe(what, sizeof(what), status);
	p = model_find(c->m, c->child_pid);
	if (p)
		p->exit_status = status;
	c->m->child_status = status;
	c->m->child_exited = true;
	msglog_add(&c->m->log, c->m->now, WIFEXITED(status) && !WEXITSTATUS(status) ? MSG_INFO : MSG_WARN,
		   "pid %ld %s", (long)c->child_pid, what);
	model_unlock(c->m);
	take_reading(c); /* show it exited now, not at the next tick */
	reap_adopted(c);
	return 0;
}

static int on_output(struct collector *c, struct source *s, uint32_t events)
{
	(void)events;
	if (capture_read(c->capture, c->m) < 0) {
		/* at its end: every writer (the command and what it left) is gone */
		epoll_ctl(c->epfd, EPOLL_CTL_DEL, s->fd, NULL);
		capture_free(c->capture);
		c->capture = NULL;
		s->fd = -1;
	}
	return 0;
}

/* ---- the loop ----------------------------------------------------------------- */

static int source_add(struct collector *c, struct source *s)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = s;
	return epoll_ctl(c->epfd, EPOLL_CTL_ADD, s->fd, &ev) < 0 ? -errno : 0;
}

static void *collector_main(void *arg)
{
	struct collector *c = arg;
	struct epoll_event evs[16];

	take_reading(c); /* the first reading at once */
	while (c->running) {
		int n = epoll_wait(c->epfd, evs, (int)(sizeof(evs) / sizeof(evs[0])), -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			model_lock(c->m);
			msglog_add(&c->m->log, c->m->now, MSG_ERROR, "collector stopped: epoll: %s",
				   strerror(errno));
			model_unlock(c->m);
			break;
		}
		for (int i = 0; i < n && c->running; i++) {
			struct source *s = evs[i].data.ptr;
			int err = source_handlers[s->kind](c, s, evs[i].events);

			if (err < 0) {
				model_lock(c->m);
				msglog_add(&c->m->log, c->m->now, MSG_ERROR,
					   "collector stopped: %s", strerror(-err));
				model_unlock(c->m);
				c->running = false;
			}
		}
	}
	return NULL;
}

/* ---- public ----------------------------------------------------------------------- */

static void collector_free(struct collector *c)
{
	if (c->tick.fd >= 0)
		close(c->tick.fd);
	if (c->stop.fd >= 0)
		close(c->stop.fd);
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	ingest_free(c->ingest);
	attach_set_free(c->attach); /* detaching: the events closed, nothing else */
	syswide_sampler_free(c->syswide);
	for (size_t i = 0; i < c->nconns; i++)
		free(c->conns[i]);
	free(c->conns);
	if (c->child.fd >= 0)
		close(c->child.fd);
	if (c->sigchld.fd >= 0)
		close(c->sigchld.fd);
	capture_free(c->capture);
	if (c->epfd >= 0)
		close(c->epfd);
	procfs_close(c->pf);
	free(c->pids);
	free(c);
}

static struct collector *start_failed(struct collector *c, int err, int *errp, char *why,
				      size_t why_len, const char *what)
{
	snprintf(why, why_len, "%s: %s", what, strerror(-err));
	*errp = err;
	collector_free(c);
	return NULL;
}

struct collector *collector_start(struct model *m, int *err, char *why, size_t why_len)
{
	return collector_start_opts(m, NULL, err, why, why_len);
}

int collector_watch_child(struct collector *c, pid_t child, char *why, size_t why_len)
{
	int fd = (int)syscall(SYS_pidfd_open, child, 0);
	int e;

	if (fd < 0) {
		e = -errno;
		snprintf(why, why_len, "cannot watch pid %ld: %s", (long)child, strerror(errno));
		return e;
	}
	model_lock(c->m);
	c->child_pid = child;
	/* The command's whole tree is the program; launch_start() made
	 * perftop its child subreaper, so orphans stay in it. */
	c->m->tree_root = child;
	c->m->tree_reaper = launch_is_subreaper() ? getpid() : 0;
	proctree_update(c->m);
	proctree_live_on(c->m); /* the views show the tree's merged profile */
	model_unlock(c->m);
	c->child.kind = SRC_CHILD;
	c->child.fd = fd;
	if ((e = source_add(c, &c->child)) < 0) {
		snprintf(why, why_len, "cannot watch pid %ld: %s", (long)child, strerror(-e));
		return e;
	}
	if (c->follow_stops) {
		sigset_t chld;

		/* A stop makes no pidfd readable: SIGCHLD (blocked in every
		 * thread, collector.h) says it. */
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		c->sigchld.kind = SRC_SIGCHLD;
		c->sigchld.fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
		if (c->sigchld.fd < 0 || (e = source_add(c, &c->sigchld)) < 0) {
			e = c->sigchld.fd < 0 ? -errno : e;
			snprintf(why, why_len, "cannot watch pid %ld's stops: %s", (long)child,
				 strerror(-e));
			return e;
		}
	}
	return 0;
}

void collector_follow_stops(struct collector *c, int tty_fd)
{
	c->follow_stops = true;
	c->job_tty = tty_fd;
}

int collector_signal_child(struct collector *c, int sig, bool group)
{
	int rc = -ESRCH;

	model_lock(c->m);
	if (c->child_pid > 0 && !c->m->child_exited) {
		siginfo_t si;

		/* Not reaped (the lock holds the reaper off): the pid, and the
		 * group it leads, are still the command's. One that has exited
		 * and waits to be reaped is left alone with what it left. */
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)c->child_pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == c->child_pid) {
			model_unlock(c->m);
			return -ESRCH;
		}
		rc = kill(group ? -c->child_pid : c->child_pid, sig) < 0 ? -errno : 0;
		if (rc == -ESRCH && group)
			rc = kill(c->child_pid, sig) < 0 ? -errno : 0;
	}
	model_unlock(c->m);
	return rc;
}

int collector_capture_output(struct collector *c, int pipe_fd, int file_fd,
			     unsigned long long cap, char *why, size_t why_len)
{
	int e;

	c->capture = capture_new(pipe_fd, file_fd, cap);
	c->output.kind = SRC_OUTPUT;
	c->output.fd = capture_fd(c->capture);
	if ((e = source_add(c, &c->output)) < 0) {
		snprintf(why, why_len, "cannot read the command's output: %s", strerror(-e));
		capture_free(c->capture);
		c->capture = NULL;
		c->output.fd = -1;
		return e;
	}
	return 0;
}

/* Listens for agents and watches the child, as opts asks. */
static int start_extras(struct collector *c, const struct collector_opts *opts, char *why,
			size_t why_len)
{
	char reason[256];
	int e;

	if (opts->socket_path) {
		c->ingest = ingest_new(c->m, opts->socket_path, reason, sizeof(reason));
		if (!c->ingest && opts->socket_required) {
			snprintf(why, why_len, "%s", reason);
			return -EADDRINUSE;
		}
		if (!c->ingest) {
			msglog_add(&c->m->log, 0, MSG_WARN, "no agents can connect: %s", reason);
		} else {
			c->listen.kind = SRC_LISTEN;
			c->listen.fd = ingest_listen_fd(c->ingest);
			if ((e = source_add(c, &c->listen)) < 0)
				return e;
		}
	}
	if (opts->attach) {
		c->attach = attach_set_new(c->m, opts->attach_hz);
		c->attach_src.kind = SRC_ATTACH;
		c->attach_src.fd = attach_set_fd(c->attach);
		if ((e = source_add(c, &c->attach_src)) < 0)
			return e;
	}
	c->syswide = syswide_sampler_new(c->m); /* opens nothing until its view asks */
	c->syswide_src.kind = SRC_SYSWIDE;
	c->syswide_src.fd = syswide_sampler_fd(c->syswide);
	if (c->syswide_src.fd >= 0 && (e = source_add(c, &c->syswide_src)) < 0)
		return e;
	if (opts->child > 0)
		return collector_watch_child(c, opts->child, why, why_len);
	return 0;
}

struct collector *collector_start_opts(struct model *m, const struct collector_opts *opts,
				       int *err, char *why, size_t why_len)
{
	struct collector *c = xcalloc(1, sizeof(*c));
	sigset_t all, old;
	int e;

	c->m = m;
	c->epfd = c->wake_fd = c->tick.fd = c->stop.fd = c->child.fd = c->output.fd = -1;
	c->sigchld.fd = c->job_tty = -1;
	c->tick.kind = SRC_TICK;
	c->stop.kind = SRC_STOP;
	c->running = true;
	if ((e = procfs_open(&c->pf)) < 0)
		return start_failed(c, e, err, why, why_len, "cannot read '/proc' through libproc2");
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	c->tick.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	c->stop.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	c->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->epfd < 0 || c->tick.fd < 0 || c->stop.fd < 0 || c->wake_fd < 0)
		return start_failed(c, -errno, err, why, why_len, "cannot set up the collector");
	model_lock(m);
	e = arm_timer(c, m->tick_s);
	model_unlock(m);
	if (e < 0 || (e = source_add(c, &c->tick)) < 0 || (e = source_add(c, &c->stop)) < 0)
		return start_failed(c, e, err, why, why_len, "cannot set up the collector");
	if (opts && (e = start_extras(c, opts, why, why_len)) < 0) {
		*err = e;
		collector_free(c);
		return NULL;
	}

	/* The thread takes no signals: they stay with the UI thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&c->thread, NULL, collector_main, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0)
		return start_failed(c, -e, err, why, why_len, "cannot start the collector thread");
	pthread_setname_np(c->thread, "perftop-collect");
	*err = 0;
	return c;
}

int collector_wake_fd(const struct collector *c)
{
	return c->wake_fd;
}

unsigned long long collector_ack(struct collector *c)
{
	uint64_t n;

	if (read(c->wake_fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return 0;
	return n;
}

void collector_stop(struct collector *c)
{
	uint64_t one = 1;

	if (!c)
		return;
	if (write(c->stop.fd, &one, sizeof(one)) < 0) {
		/* The counter cannot be full: one stop request is ever written. */
	}
	pthread_join(c->thread, NULL);
	collector_free(c);
}
