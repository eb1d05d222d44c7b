/* syswide — machine-wide instruction pointer sampling; see syswide.h. */
#include "collect/syswide.h"

#include <errno.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "collect/attach_check.h"
#include "symbols/sym_maps.h"
#include "symbols/symbolizer.h"
#include "util/xalloc.h"

#ifndef PERF_RECORD_MISC_COMM_EXEC
#define PERF_RECORD_MISC_COMM_EXEC (1 << 13)
#endif

struct cpu_ring {
	int fd;
	struct perf_event_mmap_page *meta;
	uint8_t *data;
	size_t size, map_len;
};

/* One process's maps and command, kept while it runs. */
struct proc_cache {
	pid_t pid;                /* 0: free slot */
	char comm[SYSWIDE_COMM_LEN];
	struct sym_maps maps;
	bool reloaded;            /* maps re-read this tick after a miss */
	unsigned long long used;  /* tick of last use, for eviction */
};

struct syswide_sampler {
	struct model *m;
	struct symbolizer *sym;
	struct cpu_ring *rings;
	int ncpu;
	int epfd;                  /* the rings' events: readable when one is a quarter full */
	bool open;
	bool refused;              /* open failed: not retried until the view reopens */
	unsigned opens;            /* m->syswide.opens when it was tried */
	unsigned long long tick;
	struct proc_cache cache[SYSWIDE_CACHE];
	uint8_t scratch[512];
};

struct syswide_sampler *syswide_sampler_new(struct model *m)
{
	struct syswide_sampler *s = xcalloc(1, sizeof(*s));
	long n = sysconf(_SC_NPROCESSORS_CONF);

	s->m = m;
	s->ncpu = n > 0 ? (int)n : 1;
	s->rings = xcalloc((size_t)s->ncpu, sizeof(*s->rings));
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	for (int c = 0; c < s->ncpu; c++)
		s->rings[c].fd = -1;
	return s;
}

static void cache_drop(struct proc_cache *pc)
{
	sym_maps_release(&pc->maps);
	memset(pc, 0, sizeof(*pc));
}

static void close_events(struct syswide_sampler *s)
{
	for (int c = 0; c < s->ncpu; c++) {
		struct cpu_ring *r = &s->rings[c];

		if (r->meta)
			munmap(r->meta, r->map_len);
		if (r->fd >= 0)
			close(r->fd);
		memset(r, 0, sizeof(*r));
		r->fd = -1;
	}
	for (size_t i = 0; i < SYSWIDE_CACHE; i++)
		if (s->cache[i].pid)
			cache_drop(&s->cache[i]);
	symbolizer_free(s->sym);
	s->sym = NULL;
	s->open = false;
}

void syswide_sampler_free(struct syswide_sampler *s)
{
	if (!s)
		return;
	close_events(s);
	if (s->epfd >= 0)
		close(s->epfd);
	free(s->rings);
	free(s);
}

/* Why system-wide sampling was refused (err: negative errno), with the remedy. */
static void explain(char *why, size_t len, int err)
{
	int paranoid = attach_check_paranoid();

	if (err == -EACCES || err == -EPERM)
		snprintf(why, len,
			 "sampling every CPU needs root or CAP_PERFMON, or "
			 "kernel.perf_event_paranoid <= 0 (it is %d): run perftop as root, or "
			 "as root: sysctl kernel.perf_event_paranoid=0; a process's own view "
			 "(Enter in the list) still samples it",
			 paranoid);
	else
		snprintf(why, len, "the kernel refused to sample every CPU (%s; "
			 "perf_event_paranoid %d)", strerror(-err), paranoid);
}

static int open_cpu(int cpu, bool kernel)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.freq = 1;
	a.sample_freq = SYSWIDE_HZ;
	a.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID;
	a.exclude_kernel = !kernel;
	a.exclude_hv = 1;
	a.exclude_idle = 1;
	a.comm = 1;
	a.watermark = 1; /* wake the collector when a ring is a quarter full */
	a.wakeup_watermark = (uint32_t)(SYSWIDE_RING_PAGES * (size_t)sysconf(_SC_PAGESIZE) / 4);
	a.disabled = 0;
	a.wakeup_events = 0;
	return (int)syscall(SYS_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Opens one event per online CPU; the why of the first refusal otherwise. */
static void open_events(struct syswide_sampler *s, char *why, size_t why_len, bool *kernel)
{
	long page = sysconf(_SC_PAGESIZE);
	int opened = 0, err = 0;
	int paranoid = attach_check_paranoid();

	/* kernel samples: root, or paranoid allows them to everyone */
	*kernel = geteuid() == 0 || (paranoid != INT_MIN && paranoid <= 1);
	for (int c = 0; c < s->ncpu; c++) {
		struct cpu_ring *r = &s->rings[c];
		int fd = open_cpu(c, *kernel);

		if (fd < 0 && *kernel && (errno == EACCES || errno == EPERM)) {
			*kernel = false;
			fd = open_cpu(c, false);
		}
		if (fd < 0) {
			if (errno != ENODEV && errno != EINVAL && !err) /* offline CPU: skipped */
				err = -errno;
			continue;
		}
		r->fd = fd;
		/* halved while the locked-memory budget refuses (CAP_PERFMON, many CPUs) */
		for (size_t pages = SYSWIDE_RING_PAGES; pages >= 8; pages /= 2) {
			r->map_len = (size_t)page * (pages + 1);
			r->meta = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (r->meta != MAP_FAILED || errno != EPERM)
				break;
		}
		if (r->meta == MAP_FAILED) {
			r->meta = NULL;
			if (!err)
				err = -errno;
			continue;
		}
		if (s->epfd >= 0) {
			struct epoll_event ev = { .events = EPOLLIN };

			ev.data.u32 = (uint32_t)c;
			(void)epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
		}
		r->data = (uint8_t *)r->meta + page;
		r->size = r->map_len - (size_t)page;
		opened++;
	}
	if (!opened) {
		explain(why, why_len, err ? err : -ENODEV);
		close_events(s);
		return;
	}
	s->sym = symbolizer_new();
	s->open = true;
}

static struct proc_cache *cache_get(struct syswide_sampler *s, pid_t pid)
{
	struct proc_cache *victim = &s->cache[0];
	char path[64], err[256];
	FILE *f;

	for (size_t i = 0; i < SYSWIDE_CACHE; i++) {
		struct proc_cache *pc = &s->cache[i];

		if (pc->pid == pid) {
			pc->used = s->tick;
			return pc;
		}
		if (!pc->pid || (victim->pid && pc->used < victim->used))
			victim = pc;
	}
	if (victim->pid)
		cache_drop(victim);
	victim->pid = pid;
	victim->used = s->tick;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((f = fopen(path, "re"))) {
		if (fgets(victim->comm, sizeof(victim->comm), f))
			victim->comm[strcspn(victim->comm, "\n")] = '\0';
		fclose(f);
	}
	if (!victim->comm[0])
		snprintf(victim->comm, sizeof(victim->comm), "%d", (int)pid);
	sym_maps_init(&victim->maps);
	(void)sym_maps_read(&victim->maps, pid, err, sizeof(err));
	victim->reloaded = true;
	return victim;
}

static void on_sample(struct syswide_sampler *s, const uint8_t *rec,
		      const struct perf_event_header *h)
{
	uint64_t ip;
	uint32_t pid;
	struct proc_cache *pc;
	const struct sym_module *mod;
	struct sym_frame fr;
	char err[256];
	const char *func, *module;

	if (h->size < sizeof(*h) + 16)
		return;
	memcpy(&ip, rec + sizeof(*h), 8);
	memcpy(&pid, rec + sizeof(*h) + 8, 4);
	if ((h->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL || pid == 0) {
		char comm[SYSWIDE_COMM_LEN];

		snprintf(comm, sizeof(comm), "%s", pid ? cache_get(s, (pid_t)pid)->comm : "swapper");
		model_lock(s->m);
		syswide_add(&s->m->syswide, (pid_t)pid, comm, "[kernel]", "[kernel]");
		model_unlock(s->m);
		return;
	}
	pc = cache_get(s, (pid_t)pid);
	mod = sym_maps_find(&pc->maps, ip);
	if (!mod && !pc->reloaded) { /* loaded since: read the maps again, once a tick */
		(void)sym_maps_read(&pc->maps, pc->pid, err, sizeof(err));
		pc->reloaded = true;
		mod = sym_maps_find(&pc->maps, ip);
	}
	if (mod) {
		symbolizer_resolve(s->sym, mod, ip, &fr);
		func = fr.function ? fr.function : "[unknown]";
		module = fr.module ? fr.module : "[unknown]";
	} else {
		func = module = "[unknown]";
	}
	model_lock(s->m);
	syswide_add(&s->m->syswide, pc->pid, pc->comm, func, module);
	model_unlock(s->m);
}

/* A COMM record: the command changed (exec: the maps too). Its text is
 * kept, so a process that ends before its samples are read keeps its name. */
static void on_comm(struct syswide_sampler *s, const uint8_t *rec,
		    const struct perf_event_header *h)
{
	uint32_t pid, tid;
	const char *comm = (const char *)rec + sizeof(*h) + 8;
	size_t room = h->size - sizeof(*h) - 8;
	struct proc_cache *pc;

	if (h->size < sizeof(*h) + 9)
		return;
	memcpy(&pid, rec + sizeof(*h), 4);
	memcpy(&tid, rec + sizeof(*h) + 4, 4);
	if (pid != tid && !(h->misc & PERF_RECORD_MISC_COMM_EXEC))
		return; /* a thread's name */
	for (size_t i = 0; i < SYSWIDE_CACHE; i++)
		if (s->cache[i].pid == (pid_t)pid)
			cache_drop(&s->cache[i]);
	pc = cache_get(s, (pid_t)pid);
	snprintf(pc->comm, sizeof(pc->comm), "%.*s", (int)strnlen(comm, room), comm);
}

static void drain(struct syswide_sampler *s, struct cpu_ring *r)
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
		} else if (h.size <= sizeof(s->scratch)) {
			first = r->size - off;
			memcpy(s->scratch, r->data + off, first);
			memcpy(s->scratch + first, r->data, h.size - first);
			rec = s->scratch;
		} else {
			rec = NULL;
		}
		if (rec && h.type == PERF_RECORD_SAMPLE)
			on_sample(s, rec, &h);
		else if (rec && h.type == PERF_RECORD_COMM)
			on_comm(s, rec, &h);
		else if (rec && h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
			uint64_t lost;

			memcpy(&lost, rec + sizeof(h) + 8, 8); /* after the event id */
			model_lock(s->m);
			s->m->syswide.lost += lost;
			model_unlock(s->m);
		}
		tail += h.size;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
}

int syswide_sampler_fd(const struct syswide_sampler *s)
{
	return s->epfd;
}

void syswide_sampler_drain(struct syswide_sampler *s)
{
	struct epoll_event ev[64];
	int n = epoll_wait(s->epfd, ev, 64, 0); /* reading the events resets them */

	for (int i = 0; i < n; i++) {
		uint32_t c = ev[i].data.u32;

		/* a CPU gone offline hangs up for good: no more wake-ups from it */
		if ((ev[i].events & (EPOLLHUP | EPOLLERR)) && c < (uint32_t)s->ncpu &&
		    s->rings[c].fd >= 0)
			(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->rings[c].fd, NULL);
	}
	if (!s->open)
		return;
	for (int c = 0; c < s->ncpu; c++)
		if (s->rings[c].meta)
			drain(s, &s->rings[c]);
}

void syswide_sampler_tick(struct syswide_sampler *s)
{
	char why[SYSWIDE_WHY_LEN] = "";
	bool want, kernel = false;
	unsigned opens;

	model_lock(s->m);
	want = s->m->syswide.want;
	opens = s->m->syswide.opens;
	model_unlock(s->m);
	if (opens != s->opens) { /* the view was opened again: a refusal is tried again */
		s->opens = opens;
		s->refused = false;
	}
	s->tick++;
	if (!want) {
		s->refused = false;
		if (s->open) {
			close_events(s);
			model_lock(s->m);
			syswide_clear(&s->m->syswide);
			s->m->syswide.active = false;
			model_unlock(s->m);
		}
		return;
	}
	if (s->refused)
		return;
	if (!s->open) {
		open_events(s, why, sizeof(why), &kernel);
		model_lock(s->m);
		snprintf(s->m->syswide.why, sizeof(s->m->syswide.why), "%s", why);
		s->m->syswide.active = s->open;
		s->m->syswide.kernel = kernel;
		model_unlock(s->m);
		if (!s->open) {
			s->refused = true;
			return;
		}
	}
	for (size_t i = 0; i < SYSWIDE_CACHE; i++) {
		struct proc_cache *pc = &s->cache[i];

		pc->reloaded = false;
		if (pc->pid && kill(pc->pid, 0) < 0 && errno == ESRCH)
			cache_drop(pc); /* exited */
	}
	for (int c = 0; c < s->ncpu; c++)
		if (s->rings[c].meta)
			drain(s, &s->rings[c]);
}
