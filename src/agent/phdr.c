/*
 * phdr — the loaded-module table the signal handler unwinds with, and the
 * module mappings (with GNU build-ids) the writer sends as MAPS.
 *
 * libunwind finds a pc's unwind tables through dl_iterate_phdr, which takes
 * the dynamic loader's lock: from a signal handler that interrupted dlopen,
 * dlclose or a C++ exception's own dl_iterate_phdr it can deadlock or read a
 * half-updated list. libunwind 1.6.2 has no unw_set_iterate_phdr_function,
 * so the agent interposes dl_iterate_phdr itself: called from libunwind's
 * code (recognised by the return address) or from inside the agent's
 * handler it walks a cached copy; called from anywhere else it is the real
 * one. libunwind must never wait for the loader lock, in the handler or
 * not: Debian's 1.6.2 has no per-thread cache (UNW_CACHE_PER_THREAD falls
 * back to the global cache and its mutex), and it looks up unwind tables
 * while holding that mutex, so a thread unwinding outside a handler that
 * waited for the loader lock could hold the mutex a handler needs, on a
 * thread interrupted inside dlopen (seen in the stress test). The copy holds each module's load
 * address, name and program headers (copied, so walking it never touches a module that was
 * unloaded; libunwind reads a module's .eh_frame_hdr only when the pc lies inside it, and then the
 * module is mapped).
 *
 * Two tables alternate. The handler pins the current one with a reader
 * count; a rebuild fills the other once its readers have left and then
 * publishes it. Rebuilds (normal code only, under agent__phdr_lock) happen
 * after every dlclose (interposed) and whenever the writer sees the loader's
 * load/unload counters move (dlpi_adds, dlpi_subs), which covers dlopen:
 * dlopen is not interposed, because glibc resolves a relative name through
 * the RUNPATH of the object that called dlopen, and a wrapper would become
 * that caller.
 *
 * A module unloaded before the writer sent the samples taken in it would
 * leave them unnamed, so every rebuild logs the executable mappings of the
 * modules it found gone (the departed log), and dlclose rebuilds before the
 * real call too (a module dlopen'ed since the last rebuild is then in a table
 * before it goes). The writer sends a flush's departed mappings with that
 * flush's MAPS and the next one's, ahead of the samples that may use them.
 */
#include "agent/agent.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#define PHDR_MAX_MODULES 1024u
#define PHDR_MAX_PH      16u
#define PHDR_POOL        (128u << 10)
#define PHDR_BUILD_ID    64u

struct phdr_module {
	ElfW(Addr) addr;
	const char *name;
	ElfW(Half) phnum;
	uint32_t build_id_len;
	ElfW(Phdr) ph[PHDR_MAX_PH];
	uint8_t build_id[PHDR_BUILD_ID];
};

struct phdr_table {
	_Atomic uint32_t readers;
	uint32_t count;
	unsigned long long adds, subs;
	size_t pool_used;
	char pool[PHDR_POOL];
	struct phdr_module mods[PHDR_MAX_MODULES];
};

#define GONE_PATH 512u

struct gone_map {
	uint64_t start, end, offset;
	uint32_t build_id_len;
	uint8_t build_id[PHDR_BUILD_ID];
	char path[GONE_PATH];
};

typedef int (*iterate_fn)(int (*)(struct dl_phdr_info *, size_t, void *), void *);
typedef int (*dlclose_fn)(void *);

pthread_mutex_t agent__phdr_lock = PTHREAD_MUTEX_INITIALIZER;
static struct phdr_table *tables[2];
static struct phdr_table *_Atomic current;
static _Atomic uint32_t generation;
static iterate_fn real_iterate;
static uintptr_t unw_lo, unw_hi; /* libunwind's code */
static dlclose_fn real_dlclose;
static char exe_path[4096];
static struct gone_map *gone; /* AGENT_PHDR_GONE entries, a ring */
static _Atomic uint32_t gone_end;

static void resolve(void)
{
	if (!real_iterate)
		real_iterate = (iterate_fn)dlsym(RTLD_NEXT, "dl_iterate_phdr");
	if (!real_dlclose)
		real_dlclose = (dlclose_fn)dlsym(RTLD_NEXT, "dlclose");
}

/* ---- the interposed sigprocmask ----------------------------------------- */

/* Interposed. Contract as sigprocmask(2). libunwind 1.6.2 guards its global
 * cache with a mutex and blocks every signal around it: two sigprocmask
 * system calls per frame it steps, which on a deep stack were most of the
 * agent's cost on its target (about 260 calls per sample at depth 200).
 * The handler runs with every asynchronous signal blocked already (sampler.c
 * installs it so; only the synchronous fault signals stay open, as they
 * cannot be blocked usefully), so inside it libunwind's calls would change
 * nothing that matters: they are skipped, and the old mask they ask for is
 * reported as the full set (only ever handed back to this function, which
 * skips that call too). Any other caller gets the real thing. */
__attribute__((visibility("default"))) int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	uintptr_t ra = (uintptr_t)__builtin_return_address(0);
	int rc;

	if (agent__in_handler && ra >= unw_lo && ra < unw_hi) {
		if (old)
			sigfillset(old);
		return 0;
	}
	rc = pthread_sigmask(how, set, old);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

/* ---- the interposed dl_iterate_phdr ------------------------------------- */

static struct phdr_table *pin(void)
{
	for (;;) {
		struct phdr_table *t = atomic_load(&current);

		if (!t)
			return NULL;
		atomic_fetch_add(&t->readers, 1);
		if (atomic_load(&current) == t)
			return t;
		atomic_fetch_sub(&t->readers, 1);
	}
}

/* Interposed. Contract as dl_iterate_phdr(3); inside the agent's signal
 * handler it walks the cached table (async-signal-safe, no loader lock). */
__attribute__((visibility("default"))) int
dl_iterate_phdr(int (*callback)(struct dl_phdr_info *, size_t, void *), void *data)
{
	struct phdr_table *t;
	uintptr_t ra = (uintptr_t)__builtin_return_address(0);
	int ret = 0;

	if (!agent__in_handler && !(ra >= unw_lo && ra < unw_hi)) {
		resolve();
		return real_iterate ? real_iterate(callback, data) : 0;
	}
	t = pin();
	if (!t)
		return 0;
	for (uint32_t i = 0; i < t->count && ret == 0; i++) {
		const struct phdr_module *m = &t->mods[i];
		struct dl_phdr_info info;

		memset(&info, 0, sizeof(info));
		info.dlpi_addr = m->addr;
		info.dlpi_name = m->name;
		info.dlpi_phdr = m->ph;
		info.dlpi_phnum = m->phnum;
		info.dlpi_adds = t->adds;
		info.dlpi_subs = t->subs;
		ret = callback(&info, sizeof(info), data);
	}
	atomic_fetch_sub(&t->readers, 1);
	return ret;
}

/* ---- building a table --------------------------------------------------- */

static const char *pool_add(struct phdr_table *t, const char *s)
{
	size_t n = strlen(s) + 1;

	if (t->pool_used + n > sizeof(t->pool))
		return "";
	memcpy(t->pool + t->pool_used, s, n);
	t->pool_used += n;
	return t->pool + t->pool_used - n;
}

/* Reads the GNU build-id note of a loaded module (it is mapped: the loader
 * lock is held while this runs). */
static void read_build_id(struct phdr_module *m, const struct dl_phdr_info *info)
{
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const uint8_t *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			size_t name = (nh->n_namesz + 3u) & ~3u, desc = (nh->n_descsz + 3u) & ~3u;
			const uint8_t *d = p + sizeof(*nh) + name;

			if (d + desc > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(p + sizeof(*nh), "GNU", 4) && nh->n_descsz <= PHDR_BUILD_ID) {
				memcpy(m->build_id, d, nh->n_descsz);
				m->build_id_len = nh->n_descsz;
				return;
			}
			p = d + desc;
		}
	}
}

static int keep_ph(ElfW(Word) type)
{
	return type == PT_LOAD || type == PT_GNU_EH_FRAME || type == PT_DYNAMIC ||
	       type == 0x70000001 /* PT_ARM_EXIDX */;
}

static int fill_cb(struct dl_phdr_info *info, size_t size, void *p)
{
	struct phdr_table *t = p;
	struct phdr_module *m;

	(void)size;
	if (t->count == 0) {
		t->adds = info->dlpi_adds;
		t->subs = info->dlpi_subs;
	}
	if (t->count >= PHDR_MAX_MODULES)
		return 0;
	m = &t->mods[t->count];
	m->addr = info->dlpi_addr;
	m->phnum = 0;
	m->build_id_len = 0;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum && m->phnum < PHDR_MAX_PH; i++)
		if (keep_ph(info->dlpi_phdr[i].p_type))
			m->ph[m->phnum++] = info->dlpi_phdr[i];
	m->name = pool_add(t, info->dlpi_name && *info->dlpi_name ? info->dlpi_name
	                      : t->count == 0                     ? exe_path
	                                                          : "");
	read_build_id(m, info);
	t->count++;
	return 0;
}

static int counters_cb(struct dl_phdr_info *info, size_t size, void *p)
{
	unsigned long long *v = p;

	(void)size;
	v[0] = info->dlpi_adds;
	v[1] = info->dlpi_subs;
	return 1;
}

/* The executable mapping of m's program header ph, page-aligned. */
static void module_map(const struct phdr_module *m, const ElfW(Phdr) * ph, struct agent_map *map)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	map->start = (m->addr + ph->p_vaddr) & ~(page - 1);
	map->end = (m->addr + ph->p_vaddr + ph->p_memsz + page - 1) & ~(page - 1);
	map->offset = ph->p_offset & ~(page - 1);
	map->path = m->name;
	map->build_id = m->build_id;
	map->build_id_len = m->build_id_len;
}

/* Appends to the departed log the mappings of old's modules that next has
 * not (same load address and name). Under agent__phdr_lock. */
static void log_departed(const struct phdr_table *old, const struct phdr_table *next)
{
	if (!gone || !old)
		return;
	for (uint32_t i = 0; i < old->count; i++) {
		const struct phdr_module *m = &old->mods[i];
		uint32_t j;

		for (j = 0; j < next->count; j++)
			if (next->mods[j].addr == m->addr && !strcmp(next->mods[j].name, m->name))
				break;
		if (j < next->count)
			continue;
		for (ElfW(Half) k = 0; k < m->phnum; k++) {
			struct agent_map map;
			uint32_t n = atomic_load(&gone_end);
			struct gone_map *g = &gone[n % AGENT_PHDR_GONE];

			if (m->ph[k].p_type != PT_LOAD || !(m->ph[k].p_flags & PF_X))
				continue;
			module_map(m, &m->ph[k], &map);
			g->start = map.start;
			g->end = map.end;
			g->offset = map.offset;
			g->build_id_len = map.build_id_len;
			memcpy(g->build_id, map.build_id, map.build_id_len);
			strncpy(g->path, map.path, GONE_PATH - 1);
			g->path[GONE_PATH - 1] = '\0';
			atomic_store(&gone_end, n + 1);
		}
	}
}

uint32_t agent__phdr_gone_end(void)
{
	return atomic_load(&gone_end);
}

void agent__phdr_gone(uint32_t first, uint32_t end, int (*fn)(void *ctx, const struct agent_map *m),
                      void *ctx)
{
	pthread_mutex_lock(&agent__phdr_lock);
	if (end > atomic_load(&gone_end))
		end = atomic_load(&gone_end);
	if (end - first > AGENT_PHDR_GONE)
		first = end - AGENT_PHDR_GONE; /* the older ones were overwritten */
	for (uint32_t n = first; gone && n != end; n++) {
		const struct gone_map *g = &gone[n % AGENT_PHDR_GONE];
		struct agent_map map = {
		    .start = g->start,
		    .end = g->end,
		    .offset = g->offset,
		    .path = g->path,
		    .build_id = g->build_id,
		    .build_id_len = g->build_id_len,
		};

		if (fn(ctx, &map))
			break;
	}
	pthread_mutex_unlock(&agent__phdr_lock);
}

int agent__phdr_refresh(int force)
{
	struct phdr_table *cur, *next;
	unsigned long long v[2] = {0, 0};

	resolve();
	if (!real_iterate || !tables[0])
		return 0;
	pthread_mutex_lock(&agent__phdr_lock);
	cur = atomic_load(&current);
	real_iterate(counters_cb, v);
	if (!force && cur && cur->adds == v[0] && cur->subs == v[1]) {
		pthread_mutex_unlock(&agent__phdr_lock);
		return 0;
	}
	next = cur == tables[0] ? tables[1] : tables[0];
	while (atomic_load(&next->readers) != 0)
		sched_yield(); /* a handler still walking it: microseconds */
	next->count = 0;
	next->pool_used = 0;
	real_iterate(fill_cb, next);
	log_departed(cur, next);
	atomic_store(&current, next);
	atomic_fetch_add(&generation, 1);
	pthread_mutex_unlock(&agent__phdr_lock);
	return 1;
}

int agent__phdr_in_unwinder(uintptr_t pc)
{
	return pc >= unw_lo && pc < unw_hi;
}

uint32_t agent__phdr_generation(void)
{
	return atomic_load(&generation);
}

/* Finds the executable segment of libunwind (the module holding unw_step). */
static int unw_range_cb(struct dl_phdr_info *info, size_t size, void *p)
{
	uintptr_t fn = (uintptr_t)p;

	(void)size;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && fn >= lo && fn < hi) {
			unw_lo = lo;
			unw_hi = hi;
			return 1;
		}
	}
	return 0;
}

void agent__phdr_init(void)
{
	ssize_t n;

	resolve();
	if (real_iterate)
		real_iterate(unw_range_cb, (void *)(uintptr_t)&unw_step);
	n = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);
	exe_path[n > 0 ? n : 0] = '\0';
	for (int i = 0; i < 2; i++) {
		void *p = mmap(NULL, sizeof(struct phdr_table), PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return; /* no cache: the handler then finds no modules */
		tables[i] = p;
	}
	{
		void *p = mmap(NULL, AGENT_PHDR_GONE * sizeof(struct gone_map),
		               PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		gone = p == MAP_FAILED ? NULL : p;
	}
	agent__phdr_refresh(1);
}

uint32_t agent__phdr_maps(uint32_t first, int (*fn)(void *ctx, const struct agent_map *m),
                          void *ctx)
{
	struct phdr_table *t;
	uint32_t idx = 0;

	pthread_mutex_lock(&agent__phdr_lock);
	t = atomic_load(&current);
	for (uint32_t i = 0; t && i < t->count; i++) {
		const struct phdr_module *m = &t->mods[i];

		for (ElfW(Half) j = 0; j < m->phnum; j++) {
			const ElfW(Phdr) *ph = &m->ph[j];
			struct agent_map map;

			if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
				continue;
			if (idx++ < first)
				continue;
			module_map(m, ph, &map);
			if (fn(ctx, &map)) {
				pthread_mutex_unlock(&agent__phdr_lock);
				return idx - 1;
			}
		}
	}
	pthread_mutex_unlock(&agent__phdr_lock);
	return UINT32_MAX;
}

/* Interposed: after the real dlclose, the cached table drops the module and
 * libunwind forgets what it cached about its addresses. Contract as
 * dlclose(3). */
__attribute__((visibility("default"))) int dlclose(void *handle)
{
	int rc;

	resolve();
	if (!real_dlclose)
		return -1;
	/* The module in a table before it goes, so that it is logged departed. */
	if (atomic_load(&agent__g.started) && agent__g.pid == getpid())
		agent__phdr_refresh(0);
	rc = real_dlclose(handle);
	if (atomic_load(&agent__g.started) && agent__g.pid == getpid()) {
		agent__phdr_refresh(0);
		unw_flush_cache(unw_local_addr_space, 0, 0);
	}
	return rc;
}
