/* proctree — the launched process's whole tree as one program; see proctree.h. */
#include "model/proctree.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/waitstatus.h"
#include "util/xalloc.h"

/* ---- membership ------------------------------------------------------------------ */

static bool joins(const struct model *m, const struct process *p)
{
	const struct process *parent;

	if (p->pid == m->tree_root)
		return true;
	/* Born in the tree, or adopted by perftop as its subreaper (a
	 * daemon whose parent perftop never saw). */
	if (m->tree_reaper && (p->ppid == m->tree_reaper || p->ppid_now == m->tree_reaper))
		return true;
	parent = p->ppid ? model_find(m, p->ppid) : NULL;
	if (parent && parent->in_tree)
		return true;
	parent = p->ppid_now ? model_find(m, p->ppid_now) : NULL;
	return parent && parent->in_tree;
}

static void live_join(struct model *m, struct process *p);

void proctree_update(struct model *m)
{
	bool changed = true;

	if (!m->tree_root)
		return;
	/* Parents may come after their children in m->procs: go round until
	 * nothing joins (at most the tree's depth rounds). */
	while (changed) {
		changed = false;
		for (size_t i = 0; i < m->nprocs; i++) {
			struct process *p = m->procs[i];

			if (!p->in_tree && joins(m, p)) {
				p->in_tree = true;
				changed = true;
				live_join(m, p);
			}
		}
	}
}

void proctree_note_parent(struct model *m, struct process *p, pid_t ppid)
{
	if (ppid > 0 && !p->ppid)
		p->ppid = ppid;
	if (ppid > 0)
		p->ppid_now = ppid;
	proctree_update(m);
}

void proctree_reaped(struct model *m, struct process *p, int status)
{
	p->exit_status = status;
	if (!p->exited) {
		p->exited = true;
		p->exited_at = m->now;
		p->state = 'X';
		p->cpu = 0;
	}
}

bool proctree_alive(const struct model *m)
{
	for (size_t i = 0; i < m->nprocs; i++)
		if (m->procs[i]->in_tree && !m->procs[i]->exited)
			return true;
	return false;
}

bool proctree_connected(const struct model *m)
{
	for (size_t i = 0; i < m->nprocs; i++)
		if (m->procs[i]->in_tree && m->procs[i]->profile && m->procs[i]->profile->connected)
			return true;
	return false;
}

/* ---- listing --------------------------------------------------------------------- */

size_t proctree_count(const struct model *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nprocs; i++)
		n += m->procs[i]->in_tree;
	return n;
}

static int compare_birth(const void *a, const void *b)
{
	const struct process *x = *(struct process *const *)a, *y = *(struct process *const *)b;

	if (x->first_seen != y->first_seen)
		return x->first_seen < y->first_seen ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

struct lister {
	struct process **members;
	size_t n;
	bool *listed;
	struct proctree_entry *out;
	size_t cap, count;
};

static void list_from(struct lister *l, size_t i, int depth, pid_t parent)
{
	struct process *p = l->members[i];

	l->listed[i] = true;
	if (l->count < l->cap) {
		l->out[l->count].p = p;
		l->out[l->count].depth = depth;
		l->out[l->count].parent = parent;
	}
	l->count++;
	for (size_t k = 0; k < l->n; k++)
		if (!l->listed[k] && l->members[k]->ppid == p->pid)
			list_from(l, k, depth + 1, p->pid);
}

size_t proctree_list(const struct model *m, struct proctree_entry *out, size_t cap)
{
	struct lister l = {0};

	l.members = xreallocarray(NULL, m->nprocs ? m->nprocs : 1, sizeof(*l.members));
	for (size_t i = 0; i < m->nprocs; i++)
		if (m->procs[i]->in_tree)
			l.members[l.n++] = m->procs[i];
	qsort(l.members, l.n, sizeof(*l.members), compare_birth);
	l.listed = xcalloc(l.n ? l.n : 1, sizeof(*l.listed));
	l.out = out;
	l.cap = cap;
	/* The root first, then members whose parent is no member (orphans of
	 * a parent never seen, re-parented to perftop). */
	for (size_t i = 0; i < l.n; i++)
		if (l.members[i]->pid == m->tree_root && !l.listed[i])
			list_from(&l, i, 0, 0);
	for (size_t i = 0; i < l.n; i++) {
		const struct process *parent;

		if (l.listed[i])
			continue;
		parent = model_find(m, l.members[i]->ppid);
		if (!parent || !parent->in_tree || parent == l.members[i])
			list_from(&l, i, 0, 0);
	}
	for (size_t i = 0; i < l.n; i++) /* a cycle through pid reuse: never lose one */
		if (!l.listed[i])
			list_from(&l, i, 0, 0);
	free(l.members);
	free(l.listed);
	return l.count;
}

/* ---- per-process figures ----------------------------------------------------------- */

void proctree_status(const struct process *p, char *buf, size_t len)
{
	if (p->exit_status >= 0)
		waitstatus_describe(buf, len, p->exit_status);
	else if (p->exited)
		snprintf(buf, len, "exited");
	else
		snprintf(buf, len, "running");
}

void proctree_agent_status(const struct process *p, char *buf, size_t len)
{
	if (p->profile && p->profile->samples)
		snprintf(buf, len, "profiled");
	else if (!p->profile && !p->agent_why[0] && p->exited)
		snprintf(buf, len, "exited before an agent connected");
	else
		model_agent_status(p, buf, len);
}

double proctree_cpu_seconds(const struct process *p)
{
	if (p->cpu_s > 0)
		return p->cpu_s;
	if (p->profile && p->profile->cost_known)
		return (double)p->profile->cost.process_ns / 1e9;
	return 0;
}

void proctree_totals(const struct model *m, double *cpu, unsigned long long *rss_kb,
                     size_t *alive)
{
	double c = 0;
	unsigned long long r = 0;
	size_t n = 0;

	for (size_t i = 0; i < m->nprocs; i++) {
		const struct process *p = m->procs[i];

		if (!p->in_tree || p->exited)
			continue;
		c += p->cpu;
		r += p->rss_kb;
		n++;
	}
	if (cpu)
		*cpu = c;
	if (rss_kb)
		*rss_kb = r;
	if (alive)
		*alive = n;
}

uint64_t proctree_samples(const struct process *p)
{
	return p->profile ? p->profile->samples : 0;
}

struct process *proctree_thread_pid(const struct model *m, pid_t tid)
{
	struct process *direct = model_find(m, tid);

	if (direct && direct->in_tree && direct->profile)
		for (size_t k = 0; k < direct->profile->nthreads; k++)
			if (direct->profile->threads[k].tid == tid)
				return direct;
	for (size_t i = 0; i < m->nprocs; i++) {
		struct process *p = m->procs[i];

		if (!p->in_tree || !p->profile)
			continue;
		for (size_t k = 0; k < p->profile->nthreads; k++)
			if (p->profile->threads[k].tid == tid)
				return p;
	}
	return NULL;
}

/* ---- merging ----------------------------------------------------------------------- */

void proctree_merge_into(struct profile *dst, const struct profile *src, double t)
{
	size_t nf = profile_func_count(src);
	uint32_t *map = xreallocarray(NULL, nf ? nf : 1, sizeof(*map));
	uint32_t ids[PROFILE_MAX_DEPTH];

	for (size_t i = 0; i < nf; i++) {
		const struct profile_func *f = &src->funcs[i];

		map[i] = f->interp ? profile_func_interp(dst, f->name, f->file, f->line)
		                   : profile_func(dst, f->module, f->name, f->file, f->line);
	}
	for (size_t i = 0; i < src->nthreads; i++) {
		const struct profile_thread *th = &src->threads[i];

		if (th->name[0])
			profile_thread_name(dst, th->tid, th->name);
		else
			(void)profile_thread(dst, th->tid);
	}
	for (size_t i = 0; i < src->npairs; i++) {
		const struct profile_pair *pr = &src->pairs[i];
		size_t depth = 0;

		if (!pr->count)
			continue;
		if (pr->stack != UINT32_MAX) {
			size_t len;
			const uint32_t *f = intern_bytes(&src->stacks, pr->stack, &len);

			depth = len / sizeof(*f);
			if (depth > PROFILE_MAX_DEPTH)
				depth = PROFILE_MAX_DEPTH;
			for (size_t k = 0; k < depth; k++)
				ids[k] = map[f[k]];
		}
		profile_add_samples(dst, src->threads[pr->thread].tid, depth ? ids : NULL, depth,
		                    pr->count, t);
	}
	for (size_t z = 0; z < profile_zone_count(src); z++) {
		uint32_t dz = profile_zone(dst, src->zones[z].name);
		const struct hist *h = profile_zone_hist(src, (uint32_t)z, 0);

		if (h)
			profile_zone_restore(dst, dz, 0, h);
		for (size_t i = 0; i < src->nthreads; i++) {
			h = profile_zone_hist(src, (uint32_t)z, src->threads[i].tid);
			if (h)
				profile_zone_restore(dst, dz, src->threads[i].tid, h);
		}
	}
	if (src->requested_hz > dst->requested_hz)
		dst->requested_hz = src->requested_hz;
	if (src->achieved_hz > dst->achieved_hz)
		dst->achieved_hz = src->achieved_hz;
	dst->agent_samples += src->agent_samples;
	dst->agent_dropped += src->agent_dropped;
	dst->agent_events_dropped += src->agent_events_dropped;
	dst->connected |= src->connected;
	if (src->cost_known) {
		dst->cost_known = true;
		dst->cost.handler_ns += src->cost.handler_ns;
		dst->cost.writer_ns += src->cost.writer_ns;
		dst->cost.process_ns += src->cost.process_ns;
		dst->cost_done.handler_ns += src->cost_done.handler_ns;
		dst->cost_done.writer_ns += src->cost_done.writer_ns;
		dst->cost_done.process_ns += src->cost_done.process_ns;
	}
	free(map);
}

struct profile *proctree_merge(const struct model *m)
{
	struct profile *dst = profile_new(m->tree_root);
	double latest = 0, first = 0, last = 0, since = 0;
	bool any = false;

	profile_show_interp(dst, m->show_interp);
	for (size_t i = 0; i < m->nprocs; i++) {
		const struct profile *p = m->procs[i]->profile;

		if (m->procs[i]->in_tree && p && p->latest > latest)
			latest = p->latest;
	}
	for (size_t i = 0; i < m->nprocs; i++) {
		const struct process *proc = m->procs[i];
		const struct profile *p = proc->profile;

		if (!proc->in_tree || !p)
			continue;
		proctree_merge_into(dst, p, floor(latest) - WINDOW_SLOTS - 1);
		if (!dst->exe && proc->pid == m->tree_root && p->exe)
			dst->exe = xstrdup(p->exe);
		if (p->samples) {
			first = !any || p->first_time < first ? p->first_time : first;
			last = !any || p->last_time > last ? p->last_time : last;
			since = !any || p->since < since ? p->since : since;
			any = true;
		}
	}
	/* Times as the members had them, not the merge's. */
	window_clear(&dst->window);
	dst->first_time = first;
	dst->last_time = last;
	dst->since = since;
	dst->latest = latest;
	dst->have_since = any;
	return dst;
}

struct profile *proctree_scope_profile(const struct model *m, const struct proctree_scope *s,
				       struct profile **merged)
{
	struct process *p;

	if (s->pid) {
		p = model_find(m, s->pid);
		return p ? p->profile : NULL;
	}
	if (m->tree_profile)
		return m->tree_profile;
	if (!*merged)
		*merged = proctree_merge(m);
	return *merged;
}

/* ---- the live tree profile ----------------------------------------------------------- */

/* p's function id fid in the tree profile (p's map grown as p's profile grew). */
static uint32_t tree_fid(struct model *m, struct process *p, uint32_t fid)
{
	size_t n = profile_func_count(p->profile);

	if (fid >= p->tree_nfids && fid < n) {
		p->tree_fids = xreallocarray(p->tree_fids, n, sizeof(*p->tree_fids));
		for (size_t i = p->tree_nfids; i < n; i++) {
			const struct profile_func *f = &p->profile->funcs[i];

			p->tree_fids[i] = f->interp ? profile_func_interp(m->tree_profile, f->name, f->file,
			                                                  f->line)
			                            : profile_func(m->tree_profile, f->module, f->name,
			                                           f->file, f->line);
		}
		p->tree_nfids = n;
	}
	return p->tree_fids[fid];
}

/* p has just joined the tree (or the live profile just started): what its
 * agent sent so far goes in, at its own latest time (inside the window when
 * it is recent). */
static void live_join(struct model *m, struct process *p)
{
	if (!m->tree_profile || !p->profile)
		return;
	proctree_merge_into(m->tree_profile, p->profile, p->profile->latest);
}

void proctree_live_on(struct model *m)
{
	if (m->tree_profile)
		return;
	m->tree_profile = profile_new(m->tree_root);
	profile_show_interp(m->tree_profile, m->show_interp);
	for (size_t i = 0; i < m->nprocs; i++)
		if (m->procs[i]->in_tree)
			live_join(m, m->procs[i]);
}

void proctree_add_samples(struct model *m, struct process *p, pid_t tid, const uint32_t *funcs,
                          size_t depth, uint64_t count, double t)
{
	uint32_t ids[PROFILE_MAX_DEPTH];

	if (!m->tree_profile || !p || !p->in_tree || !p->profile)
		return;
	if (depth > PROFILE_MAX_DEPTH) {
		funcs += depth - PROFILE_MAX_DEPTH; /* the leaf-most, as the profile keeps */
		depth = PROFILE_MAX_DEPTH;
	}
	for (size_t i = 0; i < depth; i++)
		ids[i] = tree_fid(m, p, funcs[i]);
	profile_add_samples(m->tree_profile, tid, depth ? ids : NULL, depth, count, t);
}

void proctree_add_zone_event(struct model *m, struct process *p, uint32_t zone, pid_t tid,
                             double t, uint64_t duration_ns)
{
	if (!m->tree_profile || !p || !p->in_tree || !p->profile ||
	    zone >= profile_zone_count(p->profile))
		return;
	profile_zone_event_at(m->tree_profile,
	                      profile_zone(m->tree_profile, p->profile->zones[zone].name), tid, t,
	                      duration_ns);
}

void proctree_thread_name(struct model *m, struct process *p, pid_t tid, const char *name)
{
	if (m->tree_profile && p && p->in_tree)
		profile_thread_name(m->tree_profile, tid, name);
}
