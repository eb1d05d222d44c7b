/* attach — sampling running processes from outside with perf_event_open; see attach.h. */
#include "collect/attach.h"

#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "collect/attach_check.h"
#include "collect/attach_python.h"
#include "collect/attach_unwind.h"
#include "collect/resolve.h"
#include "symbols/sym_maps.h"
#include "symbols/symbolizer.h"
#include "util/hashmap.h"
#include "util/xalloc.h"

enum {
	ATTACH_MAX_FRAMES = PROFILE_MAX_DEPTH,
	ATTACH_MAX_CPUS = 1024,
	ATTACH_MIN_RING_PAGES = 8,
};

#ifndef PERF_RECORD_MISC_COMM_EXEC
#define PERF_RECORD_MISC_COMM_EXEC (1 << 13)
#endif

struct ring {
	int fd;                          /* the event that owns the buffer */
	struct perf_event_mmap_page *meta;
	uint8_t *data;
	size_t size, map_len;
};

/* One thread's events, one per CPU (-1 where none was opened). */
struct thread_events {
	pid_t tid;
	bool owner;                      /* one of them owns a ring: kept to the end */
	int fds[];
};

struct target {
	pid_t pid;
	uid_t uid;
	struct ring *rings;              /* one per CPU */
	struct hashmap threads;          /* tid -> struct thread_events * (opened by us) */
	struct hashmap forked;           /* tids created since: covered by inheritance */
	struct attach_unwind *uw;
	struct resolve *res;
	struct attach_python *py;
	uint64_t samples, lost, truncated;
	uint64_t unwind_ns, unwound;     /* CPU time spent unwinding, for PERFTOP_ATTACH_STATS */
	uint64_t rate_samples;           /* samples at the last rate update */
	double rate_time;                /* model time of it */
	double rate_cpu_s;               /* the process's CPU seconds then */
};

struct attach_set {
	struct model *m;
	struct symbolizer *sym;
	int epfd, ncpu;
	unsigned hz;
	size_t ring_pages;
	bool user_only;                  /* kernel time may not be sampled */
	bool no_read;                    /* the kernel refused PERF_SAMPLE_READ with inherit */
	uint64_t period;                 /* ns of task-clock per sample */
	struct hashmap weights;          /* tid << 16 | cpu -> struct weight * */
	bool stats;                      /* PERFTOP_ATTACH_STATS: unwind cost to stderr at the end */
	uint64_t frames_total;
	struct target **targets;
	size_t ntargets, targets_alloc;
	struct hashmap failed;           /* pid -> 1: not tried again while watched */
	uint8_t *scratch;                /* a record that wraps around its ring */
	uint64_t pcs[ATTACH_MAX_FRAMES];
	struct attach_frame frames[ATTACH_MAX_FRAMES];
	uint32_t ids[ATTACH_MAX_FRAMES + 1], lines[ATTACH_MAX_FRAMES + 1];
	pid_t *watched;
	size_t watched_cap;
};

/* ---- events --------------------------------------------------------------------- */

static void event_attr(struct perf_event_attr *a, unsigned hz, size_t ring_bytes, bool prompt,
		       bool user_only,
		       bool read_count)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = PERF_TYPE_SOFTWARE;
	a->config = PERF_COUNT_SW_TASK_CLOCK;
	/* A fixed period of task-clock (ns of the thread's CPU time): each
	 * sample stands for the same CPU time, as the agent's CPU-time timers
	 * do; the frequency mode's adjustments would favour some threads. */
	a->sample_period = 1000000000ULL / (hz ? hz : ATTACH_DEFAULT_HZ);
	a->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
			 PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	/* The event's own count (ns of the thread's CPU time on that CPU) in
	 * each sample, where the kernel allows it with inherit (6.12+): a
	 * sample then weighs the CPU time since the previous one, so periods
	 * whose timer the kernel restarted or skipped (threads that run in
	 * short bursts) are not lost from the shares. */
	if (read_count)
		a->sample_type |= PERF_SAMPLE_READ;
	a->sample_regs_user = ATTACH_UNWIND_REGS_MASK;
	a->sample_stack_user = ATTACH_STACK_BYTES;
	/* Time in the kernel counts too where allowed (root, CAP_PERFMON,
	 * perf_event_paranoid <= 1): such a sample's user registers are those
	 * of the system call's caller, so a program's CPU time in its calls
	 * is charged to it, as the agent's CPU-time timers do; where not
	 * allowed (paranoid 2), user time only, as perf falls back to. */
	a->exclude_kernel = user_only;
	a->exclude_hv = 1;
	a->exclude_callchain_kernel = 1;
	a->inherit = 1;
	a->mmap = 1;
	a->mmap2 = 1;
	a->comm = 1;
	a->comm_exec = 1;
	a->task = 1;
	a->use_clockid = 1;
	a->clockid = CLOCK_MONOTONIC; /* the agents' clock: samples line up with theirs */
	a->watermark = 1;
	/* Python frames are read when a sample is drained, not when it was
	 * taken: for an interpreter (prompt) every sample wakes the reader, so
	 * the native stack and the Python frames read beside it are of the same
	 * moment but for the wake-up's latency; other targets wake once a
	 * quarter of the ring is full (or at the collector's tick). */
	a->wakeup_watermark = prompt ? (unsigned)(ATTACH_STACK_BYTES + 1024)
				     : (unsigned)(ring_bytes / 4);
}

static int perf_open(struct perf_event_attr *a, pid_t tid, int cpu)
{
	int fd = (int)syscall(SYS_perf_event_open, a, tid, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int ring_map(struct attach_set *s, struct ring *r, int fd)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	for (size_t pages = s->ring_pages; pages >= ATTACH_MIN_RING_PAGES; pages /= 2) {
		void *p = mmap(NULL, (pages + 1) * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (p != MAP_FAILED) {
			r->fd = fd;
			r->meta = p;
			r->data = (uint8_t *)p + page;
			r->size = pages * page;
			r->map_len = (pages + 1) * page;
			s->ring_pages = pages; /* the next target asks no more */
			return 0;
		}
		if (errno != EPERM && errno != ENOMEM)
			return -errno;
	}
	return -EPERM;
}

static void thread_close(struct attach_set *s, struct thread_events *te, bool all)
{
	for (int c = 0; c < s->ncpu; c++)
		if (te->fds[c] >= 0 && (all || !te->owner)) {
			close(te->fds[c]);
			te->fds[c] = -1;
		}
}

/* Opens tid's events, one per CPU, into the CPU's ring (the first thread's
 * events own the rings). Returns 0, or a negative errno; why set for errors
 * other than the thread being gone. */
static int thread_open(struct attach_set *s, struct target *t, pid_t tid, char *why,
		       size_t why_len)
{
	struct thread_events *te = xcalloc(1, sizeof(*te) + sizeof(int) * (size_t)s->ncpu);
	struct perf_event_attr a;
	int err = 0;

	te->tid = tid;
	for (int c = 0; c < s->ncpu; c++)
		te->fds[c] = -1;
	size_t ring_bytes = s->ring_pages * (size_t)sysconf(_SC_PAGESIZE);

	event_attr(&a, s->hz, ring_bytes, t->py != NULL, s->user_only, !s->no_read);
	for (int c = 0; c < s->ncpu; c++) {
		int fd = perf_open(&a, tid, c);

		if (fd == -EINVAL && !s->no_read) {
			s->no_read = true; /* an older kernel: each sample weighs one period */
			event_attr(&a, s->hz, ring_bytes, t->py != NULL, s->user_only, false);
			fd = perf_open(&a, tid, c);
		}
		if ((fd == -EACCES || fd == -EPERM) && !s->user_only) {
			s->user_only = true;
			event_attr(&a, s->hz, ring_bytes, t->py != NULL, true, !s->no_read);
			fd = perf_open(&a, tid, c);
		}

		if (fd == -ENODEV)
			continue; /* an offline CPU */
		if (fd < 0) {
			err = fd;
			if (err != -ESRCH)
				attach_check_explain(t->pid, err, false, why, why_len);
			break;
		}
		te->fds[c] = fd;
		if (t->rings[c].fd < 0) {
			struct epoll_event ev = {.events = EPOLLIN};

			if ((err = ring_map(s, &t->rings[c], fd)) < 0) {
				attach_check_explain(t->pid, err, true, why, why_len);
				break;
			}
			te->owner = true;
			ev.data.ptr = t;
			epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
		} else if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, t->rings[c].fd) < 0) {
			err = -errno;
			snprintf(why, why_len, "cannot share a ring buffer: %s", strerror(errno));
			break;
		}
	}
	if (err < 0 && !te->owner) {
		thread_close(s, te, true);
		free(te);
		return err;
	}
	hashmap_put(&t->threads, (uint64_t)tid, te);
	return err;
}

/* Opens the threads of /proc/PID/task not covered yet. Returns the number
 * opened, or a negative errno (why set) when the first one fails. */
static int scan_threads(struct attach_set *s, struct target *t, char *why, size_t why_len)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int opened = 0, err = 0;

	snprintf(path, sizeof(path), "/proc/%ld/task", (long)t->pid);
	dir = opendir(path);
	if (!dir) {
		err = -errno;
		snprintf(why, why_len, "cannot list the threads of pid %ld: %s", (long)t->pid,
			 strerror(errno));
		return err;
	}
	while ((d = readdir(dir))) {
		pid_t tid = (pid_t)atol(d->d_name);

		if (tid <= 0 || hashmap_get(&t->threads, (uint64_t)tid) ||
		    hashmap_get(&t->forked, (uint64_t)tid))
			continue;
		err = thread_open(s, t, tid, why, why_len);
		if (err == -ESRCH) {
			err = 0;
			continue;
		}
		if (err < 0 && !hashmap_get(&t->threads, (uint64_t)tid) && t->threads.len == 0)
			break; /* nothing could be opened: the target fails */
		err = 0;
		opened++;
	}
	closedir(dir);
	return err < 0 ? err : opened;
}

/* Names tid from /proc/PID/task/TID/comm. Caller holds the lock. */
static void name_thread(struct profile *p, pid_t pid, pid_t tid)
{
	char path[96], name[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/comm", (long)pid, (long)tid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(name, sizeof(name), f))
		name[strcspn(name, "\n")] = '\0';
	fclose(f);
	if (name[0])
		profile_thread_name(p, tid, name);
}

/* The resolver's mappings from /proc/PID/maps (again). */
static void load_maps(struct target *t)
{
	struct sym_maps maps;
	char err[256];

	resolve_reset_maps(t->res);
	sym_maps_init(&maps);
	if (sym_maps_read(&maps, t->pid, err, sizeof(err)) == 0)
		for (size_t i = 0; i < maps.count; i++)
			resolve_add_map(t->res, maps.mods[i].start, maps.mods[i].end,
					maps.mods[i].offset, maps.mods[i].path, NULL, 0);
	sym_maps_release(&maps);
}

static void drain_target(struct attach_set *s, struct target *t);

static void target_free(struct attach_set *s, struct target *t)
{
	size_t pos = 0;
	void *v;

	drain_target(s, t); /* its last samples (nothing to read on a failed start) */
	if (s->stats && t->unwound)
		fprintf(stderr,
			"perftop: attach pid %ld: %llu samples, %llu lost, %llu truncated, "
			"unwind %.2f us/sample (CPU), %.1f frames/sample, %s\n",
			(long)t->pid, (unsigned long long)t->samples, (unsigned long long)t->lost,
			(unsigned long long)t->truncated, (double)t->unwind_ns / 1e3 / (double)t->unwound,
			(double)s->frames_total / (double)t->unwound,
			s->no_read ? "one period a sample" : "samples weighed by counted CPU time");
	while (hashmap_next(&t->threads, &pos, NULL, &v)) {
		thread_close(s, v, true);
		free(v);
	}
	hashmap_release(&t->threads);
	hashmap_release(&t->forked);
	for (int c = 0; c < s->ncpu; c++)
		if (t->rings[c].meta)
			munmap(t->rings[c].meta, t->rings[c].map_len);
	free(t->rings);
	attach_unwind_free(t->uw);
	resolve_free(t->res);
	attach_python_free(t->py);
	free(t);
}

/* Records why pid cannot be sampled in its profile and the log, and does
 * not try again while it stays watched. Caller holds the lock. */
static void target_failed(struct attach_set *s, pid_t pid, const char *why)
{
	struct process *p = model_agent_process(s->m, pid, NULL);

	snprintf(p->profile->outside_why, sizeof(p->profile->outside_why), "%s", why);
	msglog_add(&s->m->log, s->m->now, MSG_ERROR, "cannot sample pid %ld from outside: %s",
		   (long)pid, why);
	hashmap_put(&s->failed, (uint64_t)pid, (void *)1);
}

/* Logs what the Python hook found in pid: the interpreter it reads, or why
 * it cannot read one (why; "" when pid is simply not CPython). Caller holds
 * the lock. */
static void python_said(struct attach_set *s, pid_t pid, const struct attach_python *py,
			const char *why)
{
	if (py)
		msglog_add(&s->m->log, s->m->now, MSG_INFO,
			   "pid %ld: Python %s frames read from outside", (long)pid,
			   attach_python_version(py));
	else if (why[0])
		msglog_add(&s->m->log, s->m->now, MSG_WARN,
			   "pid %ld: no Python frames from outside: %s", (long)pid, why);
}

static void target_start(struct attach_set *s, pid_t pid, uid_t uid)
{
	struct target *t = xcalloc(1, sizeof(*t));
	char why[512] = "", pywhy[512] = "";
	int err;

	t->pid = pid;
	t->uid = uid;
	hashmap_init(&t->threads);
	hashmap_init(&t->forked);
	t->rings = xcalloc((size_t)s->ncpu, sizeof(*t->rings));
	for (int c = 0; c < s->ncpu; c++)
		t->rings[c].fd = -1;
	err = attach_check(pid, why, sizeof(why));
	if (err == 0) {
		t->uw = attach_unwind_new(pid, why, sizeof(why));
		if (!t->uw)
			err = -EINVAL;
	}
	if (err == 0) /* before the events: an interpreter's wake on each sample */
		t->py = attach_python_new(pid, pywhy, sizeof(pywhy));
	if (err == 0 && (err = scan_threads(s, t, why, sizeof(why))) == 0) {
		snprintf(why, sizeof(why), "pid %ld has no threads left", (long)pid);
		err = -ESRCH;
	}
	model_lock(s->m);
	if (err < 0) {
		target_failed(s, pid, why);
		model_unlock(s->m);
		target_free(s, t);
		return;
	}
	{
		struct process *p = model_agent_process(s->m, pid, NULL);
		size_t pos = 0;
		uint64_t tid;

		p->profile->outside = true;
		p->profile->outside_why[0] = '\0';
		p->profile->requested_hz = s->hz;
		while (hashmap_next(&t->threads, &pos, &tid, NULL))
			name_thread(p->profile, pid, (pid_t)tid);
		t->rate_time = s->m->now;
		t->rate_cpu_s = -1;
		msglog_add(&s->m->log, s->m->now, MSG_INFO,
			   "sampling pid %ld (%s) from outside at %u Hz, %zu threads", (long)pid,
			   p->comm, s->hz, t->threads.len);
		python_said(s, pid, t->py, pywhy);
	}
	t->res = resolve_new(s->m, s->sym, pid, uid);
	load_maps(t);
	model_unlock(s->m);
	if (s->ntargets == s->targets_alloc) {
		s->targets_alloc = s->targets_alloc ? 2 * s->targets_alloc : 8;
		s->targets = xreallocarray(s->targets, s->targets_alloc, sizeof(*s->targets));
	}
	s->targets[s->ntargets++] = t;
}

/* ---- records ------------------------------------------------------------------- */

struct sample_view {
	uint64_t ip, time, count;
	uint32_t pid, tid, cpu;
	bool has_count;
	const uint64_t *regs;
	size_t nregs;
	const uint8_t *stack;
	uint64_t stack_size;
};

static bool parse_sample(const uint8_t *rec, size_t len, bool read_count, struct sample_view *v)
{
	size_t off = sizeof(struct perf_event_header);
	uint64_t abi, size;

#define TAKE(dst, n)                          \
	do {                                  \
		if (off + (n) > len)          \
			return false;         \
		memcpy((dst), rec + off, (n)); \
		off += (n);                   \
	} while (0)
	TAKE(&v->ip, 8);
	TAKE(&v->pid, 4);
	TAKE(&v->tid, 4);
	TAKE(&v->time, 8);
	TAKE(&v->cpu, 4);
	off += 4; /* reserved */
	v->has_count = false;
	v->count = 0;
	if (read_count) {
		TAKE(&v->count, 8);
		v->has_count = true;
	}
	TAKE(&abi, 8);
	v->nregs = 0;
	v->regs = NULL;
	if (abi) {
		if (off + 8 * ATTACH_UNWIND_NREGS > len)
			return false;
		v->regs = (const uint64_t *)(rec + off);
		v->nregs = ATTACH_UNWIND_NREGS;
		off += 8 * ATTACH_UNWIND_NREGS;
	}
	TAKE(&size, 8);
	v->stack = NULL;
	v->stack_size = 0;
	if (size) {
		uint64_t dyn;

		if (off + size + 8 > len)
			return false;
		v->stack = rec + off;
		memcpy(&dyn, rec + off + size, 8);
		v->stack_size = dyn < size ? dyn : size;
	}
#undef TAKE
	return true;
}

/* The CPU time a sample stands for, in periods: the event's count since
 * that thread's previous sample on that CPU, the rounding carried over, so
 * the weights add up to the CPU time counted. 1 without counts. */
struct weight {
	uint64_t last;
	double carry;
};

static uint64_t sample_weight(struct attach_set *s, const struct sample_view *v)
{
	uint64_t key = (uint64_t)v->tid << 16 | (v->cpu & 0xffff);
	struct weight *w;
	double periods;
	uint64_t n;

	if (!v->has_count)
		return 1;
	w = hashmap_get(&s->weights, key);
	if (!w) {
		w = xcalloc(1, sizeof(*w));
		w->last = v->count;
		hashmap_put(&s->weights, key, w);
		return 1; /* the first: one period, the counts start here */
	}
	periods = (double)(v->count - w->last) / (double)s->period + w->carry;
	w->last = v->count;
	n = periods < 1 ? 1 : (uint64_t)(periods + 0.5);
	w->carry = periods - (double)n;
	if (w->carry < -1)
		w->carry = -1; /* never owe more than a period */
	return n;
}

static void on_sample(struct attach_set *s, struct target *t, const uint8_t *rec, size_t len)
{
	struct sample_view v;
	struct attach_unwind_sample us;
	struct profile *prof;
	struct process *p;
	uint64_t regs[ATTACH_UNWIND_NREGS];
	bool truncated = false, named = false;
	size_t n, depth = 0;

	if (!parse_sample(rec, len, !s->no_read, &v) || v.pid != (uint32_t)t->pid)
		return; /* a child process inherited the event: not this target */
	if (v.regs)
		memcpy(regs, v.regs, sizeof(regs)); /* the record may be unaligned */
	us = (struct attach_unwind_sample){
		.tid = (pid_t)v.tid, .ip = v.ip, .regs = v.regs ? regs : NULL,
		.nregs = v.regs ? v.nregs : 0, .stack = v.stack, .stack_size = v.stack_size,
		.stack_full = v.stack_size >= ATTACH_STACK_BYTES,
	};
	if (s->stats) {
		struct timespec a, b;

		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
		n = attach_unwind_stack(t->uw, &us, s->pcs, ATTACH_MAX_FRAMES, &truncated);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		t->unwind_ns += (uint64_t)((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
		t->unwound++;
		s->frames_total += n;
	} else {
		n = attach_unwind_stack(t->uw, &us, s->pcs, ATTACH_MAX_FRAMES, &truncated);
	}
	for (size_t i = 0; i < n; i++)
		s->frames[i] = (struct attach_frame){.pc = s->pcs[i]};
	n = attach_python_frames(t->py, t->pid, (pid_t)v.tid, s->frames, n, ATTACH_MAX_FRAMES);

	model_lock(s->m);
	p = model_find(s->m, t->pid);
	if (!p || !p->profile || p->profile->connected || !p->profile->outside) {
		model_unlock(s->m); /* an agent took over: its samples only */
		return;
	}
	if (truncated) {
		s->ids[depth] = profile_func(p->profile, "[stack]", "[truncated]", NULL, 0);
		s->lines[depth++] = 0;
	}
	for (size_t i = n; i-- > 0;) {
		const struct attach_frame *f = &s->frames[i];

		if (f->name) {
			/* resolve_pc of a deeper frame may have let the process go */
			p = model_find(s->m, t->pid);
			if (!p || !p->profile) {
				model_unlock(s->m);
				return;
			}
			prof = p->profile;
			s->ids[depth] = profile_func_interp(prof, f->name, f->file, f->def_line);
			s->lines[depth] = (uint32_t)(f->line > 0 ? f->line : 0);
			named |= f->line > 0;
		} else {
			s->ids[depth] = resolve_pc(t->res, f->pc);
			s->lines[depth] = 0;
		}
		depth++;
	}
	/* resolve_pc may have dropped and retaken the lock: the process may be
	 * gone from the model (exited, reaped), or an agent may have come */
	p = model_find(s->m, t->pid);
	if (!p || !p->profile || p->profile->connected || !p->profile->outside) {
		model_unlock(s->m);
		return;
	}
	prof = p->profile;
	{
		uint64_t weight = sample_weight(s, &v);

		profile_add_samples(prof, (pid_t)v.tid, s->ids, depth, weight, (double)v.time / 1e9);
		if (named)
			profile_add_lines(prof, s->ids, s->lines, depth, weight);
	}
	t->samples++;
	t->truncated += truncated;
	prof->agent_samples = t->samples;
	model_unlock(s->m);
}

static void on_record(struct attach_set *s, struct target *t, const uint8_t *rec, size_t len)
{
	const struct perf_event_header *h = (const void *)rec;
	struct process *p;

	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		on_sample(s, t, rec, len);
		break;
	case PERF_RECORD_LOST: {
		uint64_t lost;

		if (len < sizeof(*h) + 16)
			break;
		memcpy(&lost, rec + sizeof(*h) + 8, 8);
		t->lost += lost;
		model_lock(s->m);
		p = model_find(s->m, t->pid);
		if (p && p->profile && p->profile->outside)
			p->profile->agent_dropped = t->lost;
		model_unlock(s->m);
		break;
	}
	case PERF_RECORD_MMAP2: {
		/* pid tid addr len pgoff maj min ino ino_gen prot flags filename */
		uint32_t pid, prot;
		uint64_t addr, mlen, pgoff;
		size_t name_off = sizeof(*h) + 8 + 24 + 24 + 8;

		if (len <= name_off)
			break;
		memcpy(&pid, rec + sizeof(*h), 4);
		memcpy(&addr, rec + sizeof(*h) + 8, 8);
		memcpy(&mlen, rec + sizeof(*h) + 16, 8);
		memcpy(&pgoff, rec + sizeof(*h) + 24, 8);
		memcpy(&prot, rec + sizeof(*h) + 56, 4);
		if (pid != (uint32_t)t->pid || !(prot & PROT_EXEC))
			break;
		{
			char name[4096];
			size_t nl = len - name_off < sizeof(name) - 1 ? len - name_off : sizeof(name) - 1;

			memcpy(name, rec + name_off, nl);
			name[nl] = '\0';
			resolve_add_map(t->res, addr, addr + mlen, pgoff, name, NULL, 0);
		}
		attach_unwind_maps_changed(t->uw, false);
		break;
	}
	case PERF_RECORD_COMM: {
		uint32_t pid, tid;
		char comm[32];
		size_t nl;

		if (len <= sizeof(*h) + 8)
			break;
		memcpy(&pid, rec + sizeof(*h), 4);
		memcpy(&tid, rec + sizeof(*h) + 4, 4);
		if (pid != (uint32_t)t->pid)
			break;
		nl = len - sizeof(*h) - 8 < sizeof(comm) - 1 ? len - sizeof(*h) - 8 : sizeof(comm) - 1;
		memcpy(comm, rec + sizeof(*h) + 8, nl);
		comm[nl] = '\0';
		if (h->misc & PERF_RECORD_MISC_COMM_EXEC) {
			/* a new program: its modules, and its interpreter if any,
			 * from scratch */
			char pywhy[512];

			attach_unwind_maps_changed(t->uw, true);
			attach_python_free(t->py);
			t->py = attach_python_new(t->pid, pywhy, sizeof(pywhy));
			model_lock(s->m);
			python_said(s, t->pid, t->py, pywhy);
			load_maps(t);
			model_unlock(s->m);
		}
		model_lock(s->m);
		p = model_find(s->m, t->pid);
		if (p && p->profile && comm[0])
			profile_thread_name(p->profile, (pid_t)tid, comm);
		model_unlock(s->m);
		break;
	}
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT: {
		uint32_t pid, tid;
		struct thread_events *te;

		if (len < sizeof(*h) + 16)
			break;
		memcpy(&pid, rec + sizeof(*h), 4);
		memcpy(&tid, rec + sizeof(*h) + 8, 4);
		if (pid != (uint32_t)t->pid)
			break;
		if (h->type == PERF_RECORD_FORK) {
			hashmap_put(&t->forked, tid, (void *)1);
			break;
		}
		hashmap_remove(&t->forked, tid);
		te = hashmap_get(&t->threads, tid);
		if (te && !te->owner) {
			thread_close(s, te, true);
			hashmap_remove(&t->threads, tid);
			free(te);
		}
		break;
	}
	default:
		break;
	}
}

static void drain_ring(struct attach_set *s, struct target *t, struct ring *r)
{
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->meta->data_tail;

	while (tail + sizeof(struct perf_event_header) <= head) {
		struct perf_event_header h;
		size_t off = (size_t)(tail % r->size), first;
		const uint8_t *rec;

		first = r->size - off < sizeof(h) ? r->size - off : sizeof(h);
		memcpy(&h, r->data + off, first);
		memcpy((uint8_t *)&h + first, r->data, sizeof(h) - first);
		if (h.size < sizeof(h) || tail + h.size > head)
			break;
		if (off + h.size <= r->size) {
			rec = r->data + off;
		} else {
			first = r->size - off;
			memcpy(s->scratch, r->data + off, first);
			memcpy(s->scratch + first, r->data, h.size - first);
			rec = s->scratch;
		}
		on_record(s, t, rec, h.size);
		tail += h.size;
		/* each record gives its room back at once: the kernel goes on
		 * writing while this one is unwound */
		__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	}
}

static void drain_target(struct attach_set *s, struct target *t)
{
	for (int c = 0; c < s->ncpu; c++)
		if (t->rings[c].meta)
			drain_ring(s, t, &t->rings[c]);
}

/* ---- the set ------------------------------------------------------------------- */

struct attach_set *attach_set_new(struct model *m, unsigned hz)
{
	struct attach_set *s = xcalloc(1, sizeof(*s));
	long n = sysconf(_SC_NPROCESSORS_CONF);

	s->m = m;
	s->hz = hz ? hz : ATTACH_DEFAULT_HZ;
	s->ncpu = n < 1 ? 1 : n > ATTACH_MAX_CPUS ? ATTACH_MAX_CPUS : (int)n;
	s->ring_pages = ATTACH_RING_PAGES;
	s->stats = getenv("PERFTOP_ATTACH_STATS") != NULL;
	s->period = 1000000000ULL / s->hz;
	hashmap_init(&s->weights);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->sym = symbolizer_new();
	s->scratch = xmalloc(1 << 16);
	hashmap_init(&s->failed);
	return s;
}

void attach_set_free(struct attach_set *s)
{
	if (!s)
		return;
	/* What the rings still hold belongs to the recording: stop the
	 * events, then read it all, then close them. */
	for (size_t i = 0; i < s->ntargets; i++) {
		size_t pos = 0;
		void *v;

		while (hashmap_next(&s->targets[i]->threads, &pos, NULL, &v)) {
			struct thread_events *te = v;

			for (int c = 0; c < s->ncpu; c++)
				if (te->fds[c] >= 0)
					ioctl(te->fds[c], PERF_EVENT_IOC_DISABLE, 0);
		}
	}
	attach_set_drain(s);
	for (size_t i = 0; i < s->ntargets; i++)
		target_free(s, s->targets[i]);
	free(s->targets);
	hashmap_release(&s->failed);
	{
		size_t pos = 0;
		void *v;

		while (hashmap_next(&s->weights, &pos, NULL, &v))
			free(v);
		hashmap_release(&s->weights);
	}
	if (s->epfd >= 0)
		close(s->epfd);
	symbolizer_free(s->sym);
	free(s->scratch);
	free(s->watched);
	free(s);
}

int attach_set_fd(const struct attach_set *s)
{
	return s->epfd;
}

void attach_set_drain(struct attach_set *s)
{
	struct epoll_event evs[32];

	/* level-triggered: empty the ready list, then read every ring */
	while (epoll_wait(s->epfd, evs, 32, 0) > 0) {
		for (size_t i = 0; i < s->ntargets; i++)
			drain_target(s, s->targets[i]);
		break;
	}
	for (size_t i = 0; i < s->ntargets; i++)
		drain_target(s, s->targets[i]);
}

static bool in_list(const pid_t *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

/* Whether pid should be sampled from outside. Caller holds the lock. */
static bool wanted(const struct model *m, pid_t pid, uid_t *uid)
{
	const struct process *p = model_find(m, pid);

	if (!p || p->exited || pid == getpid() || (p->cmdline[0] == '[' && !p->vsize_kb))
		return false; /* gone, perftop itself, or a kernel thread */
	if (p->profile && p->profile->connected)
		return false; /* its agent samples it */
	*uid = p->uid;
	return true;
}

static void update_rate(struct attach_set *s, struct target *t)
{
	struct process *p = model_find(s->m, t->pid);
	double cpu_s;

	if (!p || !p->profile)
		return;
	cpu_s = (double)p->prev_ticks / (double)sysconf(_SC_CLK_TCK);
	if (t->rate_cpu_s >= 0 && cpu_s - t->rate_cpu_s >= 0.2) {
		/* samples per CPU second: the rate each busy thread got */
		p->profile->achieved_hz = (double)(t->samples - t->rate_samples) /
					  (cpu_s - t->rate_cpu_s);
		t->rate_samples = t->samples;
		t->rate_cpu_s = cpu_s;
		t->rate_time = s->m->now;
	} else if (t->rate_cpu_s < 0) {
		t->rate_cpu_s = cpu_s;
		t->rate_samples = t->samples;
	} else if (s->m->now - t->rate_time > 2) {
		p->profile->achieved_hz = 0; /* idle */
	}
}

void attach_set_tick(struct attach_set *s)
{
	struct model *m = s->m;
	size_t n;
	pid_t *start = NULL;
	uid_t *start_uid = NULL;
	size_t nstart = 0;

	attach_set_drain(s);
	model_lock(m);
	n = model_watched_pids(m, s->watched, s->watched_cap);
	if (n > s->watched_cap) {
		s->watched_cap = n * 2;
		s->watched = xreallocarray(s->watched, s->watched_cap, sizeof(*s->watched));
		n = model_watched_pids(m, s->watched, s->watched_cap);
	}
	/* stop: unwatched, exited, or an agent came */
	for (size_t i = 0; i < s->ntargets;) {
		struct target *t = s->targets[i];
		uid_t uid;

		if (in_list(s->watched, n, t->pid) && wanted(m, t->pid, &uid)) {
			update_rate(s, t);
			i++;
			continue;
		}
		{
			struct process *p = model_find(m, t->pid);

			if (p && p->profile && !p->profile->connected)
				p->profile->achieved_hz = 0;
		}
		msglog_add(&m->log, m->now, MSG_INFO, "stopped sampling pid %ld from outside",
			   (long)t->pid);
		s->targets[i] = s->targets[--s->ntargets];
		model_unlock(m);
		target_free(s, t);
		model_lock(m);
	}
	/* forget failures of pids no longer watched: a new look tries again */
	{
		size_t pos = 0;
		uint64_t key;

		while (hashmap_next(&s->failed, &pos, &key, NULL))
			if (!in_list(s->watched, n, (pid_t)key)) {
				hashmap_remove(&s->failed, key);
				pos = 0;
			}
	}
	for (size_t i = 0; i < n; i++) {
		uid_t uid;
		bool have = false;

		for (size_t k = 0; k < s->ntargets && !have; k++)
			have = s->targets[k]->pid == s->watched[i];
		if (have || hashmap_get(&s->failed, (uint64_t)s->watched[i]) ||
		    !wanted(m, s->watched[i], &uid))
			continue;
		start = xreallocarray(start, nstart + 1, sizeof(*start));
		start_uid = xreallocarray(start_uid, nstart + 1, sizeof(*start_uid));
		start[nstart] = s->watched[i];
		start_uid[nstart++] = uid;
	}
	model_unlock(m);
	for (size_t i = 0; i < nstart; i++)
		target_start(s, start[i], start_uid[i]);
	free(start);
	free(start_uid);
	/* threads inheritance did not cover (created before the events) */
	for (size_t i = 0; i < s->ntargets; i++) {
		char why[256];
		struct target *t = s->targets[i];

		if (scan_threads(s, t, why, sizeof(why)) > 0) {
			struct profile *prof;
			size_t pos = 0;
			uint64_t tid;

			model_lock(m);
			prof = model_agent_process(m, t->pid, NULL)->profile;
			while (hashmap_next(&t->threads, &pos, &tid, NULL))
				if (!profile_thread(prof, (pid_t)tid)->name[0])
					name_thread(prof, t->pid, (pid_t)tid);
			model_unlock(m);
		}
	}
}
