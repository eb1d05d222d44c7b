/* model — processes and system figures derived from /proc readings; see model.h. */
#include "model/model.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define WATCH_MARK ((void *)1)

void model_init(struct model *m, double tick_s)
{
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->tick_s = tick_s > 0 ? tick_s : 1.0;
	m->series_cap = (size_t)ceil(MODEL_HISTORY_SECONDS / m->tick_s);
	if (m->series_cap < MODEL_HISTORY_SECONDS)
		m->series_cap = MODEL_HISTORY_SECONDS;
	hashmap_init(&m->by_pid);
	hashmap_init(&m->watch_pids);
	series_init(&m->sys.cpu_total_series, m->series_cap);
	m->list_visible = true;
	msglog_init(&m->log);
	syswide_init(&m->syswide);
	msglog_init(&m->output);
}

static void process_free(struct process *p)
{
	for (int i = 0; i < PM_COUNT; i++)
		series_release(&p->series[i]);
	free(p->cmdline);
	profile_free(p->profile);
	free(p->tree_fids);
	free(p);
}

void model_release(struct model *m)
{
	for (size_t i = 0; i < m->nprocs; i++)
		process_free(m->procs[i]);
	free(m->procs);
	profile_free(m->tree_profile);
	syswide_release(&m->syswide);
	hashmap_release(&m->by_pid);
	hashmap_release(&m->watch_pids);
	free(m->sys.cpu_busy);
	free(m->sys.prev_cpu);
	series_release(&m->sys.cpu_total_series);
	pthread_mutex_destroy(&m->lock);
}

void model_lock(struct model *m)
{
	pthread_mutex_lock(&m->lock);
}

void model_unlock(struct model *m)
{
	pthread_mutex_unlock(&m->lock);
}

size_t model_samples_for(const struct model *m, double seconds)
{
	double n = ceil(seconds / m->tick_s - 1e-9);

	return n < 1 ? 1 : (size_t)n;
}

/* ---- system ---------------------------------------------------------------- */

static void apply_sys(struct model *m, const struct sys_reading *r)
{
	struct sys_state *s = &m->sys;
	int n = r->ncpu > 0 ? r->ncpu : 0;

	if (n != s->ncpu) {
		s->cpu_busy = xreallocarray(s->cpu_busy, (size_t)(n ? n : 1), sizeof(*s->cpu_busy));
		s->prev_cpu = xreallocarray(s->prev_cpu, (size_t)(n ? n : 1), sizeof(*s->prev_cpu));
		memset(s->cpu_busy, 0, sizeof(*s->cpu_busy) * (size_t)(n ? n : 1));
		s->ncpu = n;
		s->have_prev = false; /* CPUs came or went: restart the deltas */
	}
	for (int i = 0; i < n; i++) {
		s->cpu_busy[i] = s->have_prev ? cpu_busy_percent(s->prev_cpu[i], r->per_cpu[i]) : 0;
		s->prev_cpu[i] = r->per_cpu[i];
	}
	s->cpu_total = s->have_prev ? cpu_busy_percent(s->prev_total, r->total) : 0;
	if (s->have_prev)
		series_push(&s->cpu_total_series, (float)s->cpu_total);
	s->prev_total = r->total;
	s->have_prev = true;
	s->mem_total_kb = r->mem_total_kb;
	s->mem_available_kb = r->mem_available_kb;
	s->mem_used_kb = r->mem_used_kb;
	s->swap_total_kb = r->swap_total_kb;
	s->swap_used_kb = r->swap_used_kb;
	memcpy(s->load, r->load, sizeof(s->load));
}

/* ---- processes --------------------------------------------------------------- */

static double rate(unsigned long long prev, unsigned long long now, double dt)
{
	return now >= prev && dt > 0 ? (double)(now - prev) / dt : 0;
}

static void process_set_watched(struct model *m, struct process *p, bool watched)
{
	if (watched && !p->watched) {
		p->watch_since = m->now;
		p->watch_rss_kb = p->rss_kb;
	}
	p->watched = watched;
}

static struct process *process_new(struct model *m, const struct proc_reading *r)
{
	struct process *p = xcalloc(1, sizeof(*p));

	p->pid = r->pid;
	p->start_ticks = r->start_ticks;
	p->first_seen = m->now;
	p->exit_status = -1;
	for (int i = 0; i < PM_COUNT; i++)
		series_init(&p->series[i], m->series_cap);
	XGROW(m->procs, m->procs_alloc, m->nprocs + 1, 256);
	m->procs[m->nprocs++] = p;
	hashmap_put(&m->by_pid, (uint64_t)r->pid, p);
	return p;
}

/* Watched processes and those an agent reported on outlive their exit. */
static bool process_kept_after_exit(const struct process *p)
{
	return p->watched || p->profile || p->in_tree;
}

static void process_remove_at(struct model *m, size_t i)
{
	struct process *p = m->procs[i];

	if (hashmap_get(&m->by_pid, (uint64_t)p->pid) == p)
		hashmap_remove(&m->by_pid, (uint64_t)p->pid);
	m->procs[i] = m->procs[--m->nprocs];
	process_free(p);
}

static void process_update(struct model *m, struct process *p, const struct proc_reading *r, long hz)
{
	double dt = m->now - p->prev_time;
	bool detail = p->watched;
	const char *cmd = r->cmdline && *r->cmdline ? r->cmdline : NULL;

	p->uid = r->uid;
	memcpy(p->user, r->user, sizeof(p->user));
	p->user[sizeof(p->user) - 1] = '\0';
	memcpy(p->comm, r->comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
	if (cmd ? !p->cmdline || strcmp(p->cmdline, cmd) : !p->cmdline) {
		free(p->cmdline);
		if (cmd) {
			p->cmdline = xstrdup(cmd);
		} else {
			size_t n = strlen(p->comm) + 3;

			p->cmdline = xmalloc(n);
			snprintf(p->cmdline, n, "[%s]", p->comm);
		}
	}
	/* A reason, once known, stays: a reading taken between fork and exec
	 * sees perftop's own executable, which has none. */
	if (r->csw_ok && r->agent_why)
		snprintf(p->agent_why, sizeof(p->agent_why), "%s", r->agent_why);
	p->state = r->state;
	p->threads = r->threads;
	p->fds = r->fds;
	p->io_ok = r->io_ok;
	p->rss_kb = r->rss_kb;
	p->vsize_kb = r->vsize_kb;
	p->exited = false;
	if (!p->ppid)
		p->ppid = r->ppid; /* the parent it was born to: kept when re-parented */
	if (r->ppid)
		p->ppid_now = r->ppid;
	if (hz > 0)
		p->cpu_s = (double)r->ticks / (double)hz;

	if (p->have_prev) {
		p->cpu = cpu_process_percent(p->prev_ticks, r->ticks, hz, dt, r->threads);
		/* Rates need the counter in both readings (details come and go). */
		bool io = r->io_ok && p->prev_io_ok, csw = r->csw_ok && p->prev_csw_ok;

		p->read_bps = io ? rate(p->prev_read, r->io_read_bytes, dt) : 0;
		p->write_bps = io ? rate(p->prev_write, r->io_write_bytes, dt) : 0;
		p->vcsw_ps = csw ? rate(p->prev_vcsw, r->vcsw, dt) : 0;
		p->ivcsw_ps = csw ? rate(p->prev_ivcsw, r->ivcsw, dt) : 0;
		series_push(&p->series[PM_CPU], (float)p->cpu);
		series_push(&p->series[PM_RSS], (float)p->rss_kb);
		if (detail) {
			series_push(&p->series[PM_VSIZE], (float)p->vsize_kb);
			series_push(&p->series[PM_THREADS], (float)p->threads);
			series_push(&p->series[PM_READ], (float)p->read_bps);
			series_push(&p->series[PM_WRITE], (float)p->write_bps);
			series_push(&p->series[PM_VCSW], (float)p->vcsw_ps);
			series_push(&p->series[PM_IVCSW], (float)p->ivcsw_ps);
			series_push(&p->series[PM_FDS], (float)(p->fds < 0 ? 0 : p->fds));
		}
	}
	p->have_prev = true;
	p->prev_time = m->now;
	p->prev_ticks = r->ticks;
	p->prev_read = r->io_read_bytes;
	p->prev_write = r->io_write_bytes;
	p->prev_vcsw = r->vcsw;
	p->prev_ivcsw = r->ivcsw;
	p->prev_io_ok = r->io_ok;
	p->prev_csw_ok = r->csw_ok;
	p->seen_tick = m->tick;
}

static void process_mark_exited(struct model *m, struct process *p)
{
	if (p->exited)
		return;
	p->exited = true;
	p->exited_at = m->now;
	p->state = 'X';
	p->cpu = 0;
	p->read_bps = p->write_bps = p->vcsw_ps = p->ivcsw_ps = 0;
}

/* Exited agent processes nobody watches: the oldest beyond
 * MODEL_KEEP_EXITED are freed (a fork-heavy program must not grow us). */
static void forget_old_exited_of(struct model *m, bool tree, size_t keep)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nprocs; i++)
		n += m->procs[i]->exited && !m->procs[i]->watched && m->procs[i]->in_tree == tree;
	for (; n > keep; n--) {
		size_t oldest = SIZE_MAX;

		for (size_t i = 0; i < m->nprocs; i++) {
			const struct process *p = m->procs[i];

			if (p->exited && !p->watched && p->in_tree == tree &&
			    (oldest == SIZE_MAX || p->exited_at < m->procs[oldest]->exited_at))
				oldest = i;
		}
		process_remove_at(m, oldest);
	}
}

/* The launched tree's members are the program: many more of them stay
 * (a build's compilers, a test runner's workers) than of other processes. */
static void forget_old_exited(struct model *m)
{
	forget_old_exited_of(m, false, MODEL_KEEP_EXITED);
	forget_old_exited_of(m, true, MODEL_KEEP_TREE);
}

static int compare_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/* A partial reading read pid (r->asked is sorted). */
static bool was_asked(const struct tick_reading *r, pid_t pid)
{
	return r->asked && bsearch(&pid, r->asked, r->nasked, sizeof(pid), compare_pid);
}

void model_apply(struct model *m, const struct tick_reading *r)
{
	m->tick++;
	m->now = r->sys.time;
	apply_sys(m, &r->sys);

	for (size_t i = 0; i < r->nprocs; i++) {
		const struct proc_reading *pr = &r->procs[i];
		struct process *p = model_find(m, pr->pid);

		if (p && !p->start_ticks && !p->have_prev)
			p->start_ticks = pr->start_ticks; /* created by its agent: adopt */
		if (p && p->start_ticks != pr->start_ticks) {
			/* The pid was reused: the old process is gone. */
			process_mark_exited(m, p);
			hashmap_remove(&m->by_pid, (uint64_t)p->pid);
			if (!process_kept_after_exit(p))
				for (size_t j = 0; j < m->nprocs; j++)
					if (m->procs[j] == p) {
						process_remove_at(m, j);
						break;
					}
			p = NULL;
		}
		if (p && pr->state == 'Z' && p->have_prev && (p->watched || p->profile || p->in_tree)) {
			/* A watched or profiled zombie has exited: its memory and
			 * threads are gone from /proc, so its view keeps the
			 * figures it had alive (the list shows other zombies). */
			p->seen_tick = m->tick;
			process_mark_exited(m, p);
			continue;
		}
		if (p) {
			process_update(m, p, pr, r->hz);
			continue;
		}
		p = process_new(m, pr);
		process_update(m, p, pr, r->hz);
		if (hashmap_get(&m->watch_pids, (uint64_t)pr->pid))
			process_set_watched(m, p, true);
	}

	/* Whatever was expected in this reading but missing has exited. */
	for (size_t i = m->nprocs; i-- > 0;) {
		struct process *p = m->procs[i];
		bool expected = r->full_scan || p->watched || was_asked(r, p->pid);

		if (!expected || p->seen_tick == m->tick)
			continue;
		if (process_kept_after_exit(p))
			process_mark_exited(m, p);
		else
			process_remove_at(m, i);
	}
	forget_old_exited(m);
}

struct process *model_find(const struct model *m, pid_t pid)
{
	return hashmap_get(&m->by_pid, (uint64_t)pid);
}

struct process *model_watch(struct model *m, pid_t pid, bool watched)
{
	struct process *p = model_find(m, pid);

	if (watched)
		hashmap_put(&m->watch_pids, (uint64_t)pid, WATCH_MARK);
	else
		hashmap_remove(&m->watch_pids, (uint64_t)pid);
	if (p)
		process_set_watched(m, p, watched);
	return p;
}

size_t model_watched_pids(const struct model *m, pid_t *out, size_t cap)
{
	size_t pos = 0, n = 0;
	uint64_t key;

	while (hashmap_next(&m->watch_pids, &pos, &key, NULL)) {
		if (n < cap)
			out[n] = (pid_t)key;
		n++;
	}
	return n;
}

size_t model_scan_pids(const struct model *m, pid_t *out, size_t cap)
{
	size_t n = model_watched_pids(m, out, cap);

	for (size_t i = 0; i < m->nprocs; i++) {
		const struct process *p = m->procs[i];

		if ((!p->profile && !p->in_tree) || p->exited ||
		    hashmap_get(&m->watch_pids, (uint64_t)p->pid))
			continue;
		if (n < cap)
			out[n] = p->pid;
		n++;
	}
	return n;
}

void model_process_identity(struct process *p, const char *exe, const char *cmdline, uid_t uid,
			    const char *user)
{
	if (exe && *exe) {
		const char *base = strrchr(exe, '/');

		/* As the kernel names it: the basename, at most 15 bytes. */
		snprintf(p->comm, sizeof(p->comm), "%.15s", base ? base + 1 : exe);
	}
	if (cmdline && *cmdline) {
		free(p->cmdline);
		p->cmdline = xstrdup(cmdline);
	}
	if (user && *user) {
		p->uid = uid;
		snprintf(p->user, sizeof(p->user), "%s", user);
	}
}

void model_agent_status(const struct process *p, char *buf, size_t len)
{
	if (p && p->profile && p->profile->samples)
		snprintf(buf, len, "%s", "");
	else if (p && p->profile)
		snprintf(buf, len, "agent connected, 0 samples: the program used no CPU time");
	else if (p && p->agent_why[0])
		snprintf(buf, len, "agent cannot load: %s", p->agent_why);
	else
		snprintf(buf, len, "no agent connected");
}

struct process *model_agent_process(struct model *m, pid_t pid, const char *exe)
{
	struct process *p = model_find(m, pid);

	if (!p) {
		struct proc_reading r;
		const char *base = exe ? strrchr(exe, '/') : NULL;

		memset(&r, 0, sizeof(r));
		r.pid = pid;
		snprintf(r.comm, sizeof(r.comm), "%s", base ? base + 1 : exe ? exe : "?");
		r.cmdline = exe;
		r.state = 'R';
		r.fds = -1;
		p = process_new(m, &r);
		p->start_ticks = 0;
		snprintf(p->comm, sizeof(p->comm), "%s", r.comm);
		p->cmdline = xstrdup(exe && *exe ? exe : r.comm);
		p->state = 'R';
		p->fds = -1;
		/* Watched before it was seen (perftop run's child, -p): the agent
		 * may say hello before the first reading does. */
		if (hashmap_get(&m->watch_pids, (uint64_t)pid))
			process_set_watched(m, p, true);
	}
	if (!p->profile) {
		p->profile = profile_new(pid);
		profile_show_interp(p->profile, m->show_interp);
	}
	return p;
}

void model_show_interp(struct model *m, bool show)
{
	m->show_interp = show;
	for (size_t i = 0; i < m->nprocs; i++)
		if (m->procs[i]->profile)
			profile_show_interp(m->procs[i]->profile, show);
	if (m->tree_profile)
		profile_show_interp(m->tree_profile, show);
}
