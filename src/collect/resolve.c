/* resolve — per-connection pc → function cache over the symbolizer; see resolve.h. */
#include "collect/resolve.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/perfmap.h"
#include "symbols/sym_maps.h"
#include "util/hashmap.h"
#include "util/xalloc.h"

enum {
	RESOLVE_MAX_MAPS = 65536,
	RESOLVE_KEEP_GENERATIONS = 4, /* sets of mappings kept after a RESET */
	RESOLVE_MAX_RETIRED = 4096,
};

struct map {
	uint64_t start, end, offset;
	char *path;
	const char *base;   /* basename inside path */
	uint64_t dev, inode;
	uint8_t build_id[SYM_BUILD_ID_MAX];
	size_t build_id_len;
	uint32_t gen; /* the set of mappings it belonged to */
};

struct resolve {
	struct model *m;
	struct symbolizer *sym;
	pid_t pid;
	struct map *maps;   /* sorted by start */
	size_t nmaps, maps_alloc;
	/* Mappings of the last few sets a RESET replaced, newest first: a
	 * sample recorded before its module was unloaded (dlclose) may arrive
	 * after the MAPS that no longer hold it, and is still named. */
	struct map *retired;
	size_t nretired;
	uint32_t gen;
	bool maps_from_agent;
	bool proc_maps_tried;
	struct hashmap pcs;   /* pc -> function id + 1, pcs in modules with a file */
	/* pcs in anonymous code (JIT): named from the perf map, or not; dropped
	 * whenever the perf map gains entries, so a late or re-JITted name wins */
	struct hashmap jitpcs;
	struct perfmap *pm;
	bool pm_logged; /* its refusal was logged */
	struct hashmap named; /* NAME id << 32 | file NAME id -> function id + 1 */
};

struct resolve *resolve_new(struct model *m, struct symbolizer *sym, pid_t pid, uid_t uid)
{
	struct resolve *r = xcalloc(1, sizeof(*r));

	r->m = m;
	r->sym = sym;
	r->pid = pid;
	r->pm = perfmap_new(pid, uid);
	hashmap_init(&r->pcs);
	hashmap_init(&r->jitpcs);
	hashmap_init(&r->named);
	return r;
}

/* Moves the current mappings to the front of the retired ones and drops
 * retired sets older than RESOLVE_KEEP_GENERATIONS (and any beyond
 * RESOLVE_MAX_RETIRED). */
static void retire_maps(struct resolve *r)
{
	size_t keep = 0, n;
	struct map *next;

	for (size_t i = 0; i < r->nretired; i++) {
		if (r->gen - r->retired[i].gen < RESOLVE_KEEP_GENERATIONS &&
		    keep + r->nmaps < RESOLVE_MAX_RETIRED)
			r->retired[keep++] = r->retired[i];
		else
			free(r->retired[i].path);
	}
	n = r->nmaps < RESOLVE_MAX_RETIRED ? r->nmaps : RESOLVE_MAX_RETIRED;
	next = xreallocarray(NULL, n + keep ? n + keep : 1, sizeof(*next));
	if (n)
		memcpy(next, r->maps, n * sizeof(*next));
	for (size_t i = n; i < r->nmaps; i++)
		free(r->maps[i].path);
	if (keep)
		memcpy(next + n, r->retired, keep * sizeof(*next));
	free(r->retired);
	r->retired = next;
	r->nretired = n + keep;
	r->nmaps = 0;
}

void resolve_reset_maps(struct resolve *r)
{
	retire_maps(r);
	r->gen++;
	/* Addresses may now mean other code: forget what they resolved to. */
	hashmap_release(&r->pcs);
	hashmap_init(&r->pcs);
	hashmap_release(&r->jitpcs);
	hashmap_init(&r->jitpcs);
}

void resolve_free(struct resolve *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nmaps; i++)
		free(r->maps[i].path);
	for (size_t i = 0; i < r->nretired; i++)
		free(r->retired[i].path);
	free(r->maps);
	free(r->retired);
	hashmap_release(&r->pcs);
	hashmap_release(&r->jitpcs);
	hashmap_release(&r->named);
	perfmap_free(r->pm);
	free(r);
}

void resolve_add_map(struct resolve *r, uint64_t start, uint64_t end, uint64_t offset,
		     const char *path, const uint8_t *build_id, size_t build_id_len)
{
	struct map *mp;
	size_t i;
	const char *slash;

	if (end <= start || r->nmaps >= RESOLVE_MAX_MAPS)
		return;
	r->maps_from_agent = true;
	XGROW(r->maps, r->maps_alloc, r->nmaps + 1, 64);
	for (i = r->nmaps; i > 0 && r->maps[i - 1].start > start; i--)
		r->maps[i] = r->maps[i - 1];
	mp = &r->maps[i];
	mp->start = start;
	mp->end = end;
	mp->offset = offset;
	mp->path = xstrdup(path && *path ? path : "[anon]");
	slash = strrchr(mp->path, '/');
	mp->base = slash ? slash + 1 : mp->path;
	mp->dev = mp->inode = 0;
	mp->gen = r->gen;
	mp->build_id_len = build_id && build_id_len <= SYM_BUILD_ID_MAX ? build_id_len : 0;
	if (mp->build_id_len)
		memcpy(mp->build_id, build_id, mp->build_id_len);
	r->nmaps++;
}

/* Without MAPS from the agent, read the executable mappings from /proc once. */
static void load_proc_maps(struct resolve *r)
{
	struct sym_maps maps;
	char err[256];

	r->proc_maps_tried = true;
	sym_maps_init(&maps);
	if (sym_maps_read(&maps, r->pid, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < maps.count; i++) {
			const struct sym_module *sm = &maps.mods[i];

			resolve_add_map(r, sm->start, sm->end, sm->offset, sm->path, NULL, 0);
			/* the same module by device and inode, when no build-id came */
			for (size_t j = 0; j < r->nmaps; j++)
				if (r->maps[j].start == sm->start) {
					r->maps[j].dev = sm->dev;
					r->maps[j].inode = sm->inode;
				}
		}
	}
	sym_maps_release(&maps);
	r->maps_from_agent = false;
}

static const struct map *find_map(const struct resolve *r, uint64_t pc)
{
	size_t lo = 0, hi = r->nmaps;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->maps[mid].start <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && pc < r->maps[lo - 1].end)
		return &r->maps[lo - 1];
	/* Not mapped now: a module unloaded since, newest set first. */
	for (size_t i = 0; i < r->nretired; i++)
		if (pc >= r->retired[i].start && pc < r->retired[i].end)
			return &r->retired[i];
	return NULL;
}

/* Re-reads the perf map when due (the lock released meanwhile) and logs the
 * first refusal. Returns perfmap_refresh()'s answer; when the entries
 * changed, the anonymous pcs' cache is dropped. */
static int refresh_perfmap(struct resolve *r)
{
	int n;

	model_unlock(r->m);
	n = perfmap_refresh(r->pm, false);
	model_lock(r->m);
	if (n < 0 && !r->pm_logged) {
		msglog_add(&r->m->log, r->m->now, MSG_WARN, "%s", perfmap_error(r->pm));
		r->pm_logged = true;
	}
	if (n > 0) {
		hashmap_release(&r->jitpcs);
		hashmap_init(&r->jitpcs);
	}
	return n;
}

/* A pc in no module with a file (an anonymous executable mapping, or none
 * known): the perf map's name under the module "[jit]", else as before. */
static uint32_t resolve_anon(struct resolve *r, uint64_t pc, const struct map *mp)
{
	uintptr_t hit = (uintptr_t)hashmap_get(&r->jitpcs, pc);
	const char *name;
	struct sym_frame f;
	struct profile *p;
	char buf[64];
	uint32_t id;

	if (hit) {
		if (!perfmap_due(r->pm) || refresh_perfmap(r) <= 0)
			return (uint32_t)(hit - 1);
	}
	name = perfmap_lookup(r->pm, pc, NULL);
	if (!name && perfmap_due(r->pm) && refresh_perfmap(r) > 0)
		name = perfmap_lookup(r->pm, pc, NULL);
	p = model_agent_process(r->m, r->pid, NULL)->profile;
	if (name) {
		id = profile_func(p, PERFMAP_MODULE, name, NULL, 0);
	} else if (!mp) {
		snprintf(buf, sizeof(buf), "0x%" PRIx64, pc);
		id = profile_func(p, "[unknown]", buf, NULL, 0);
	} else {
		struct sym_module mod = {
			.path = mp->path, .start = mp->start, .end = mp->end, .offset = mp->offset,
			.dev = mp->dev, .inode = mp->inode,
		};

		/* no file behind it: the symbolizer names it "module+0xOFFSET" */
		symbolizer_resolve(r->sym, &mod, pc, &f);
		id = profile_func(p, f.module, f.function, f.func_file, f.func_line);
	}
	hashmap_put(&r->jitpcs, pc, (void *)(uintptr_t)(id + 1));
	return id;
}

uint32_t resolve_pc(struct resolve *r, uint64_t pc)
{
	uintptr_t hit = (uintptr_t)hashmap_get(&r->pcs, pc);
	const struct map *mp;
	struct sym_module mod;
	struct sym_frame f;
	struct profile *p;
	uint32_t id;

	if (hit)
		return (uint32_t)(hit - 1);
	if (!r->nmaps && !r->proc_maps_tried)
		load_proc_maps(r);
	mp = find_map(r, pc);
	if (!mp || mp->path[0] != '/')
		return resolve_anon(r, pc, mp);
	mod = (struct sym_module){
		.path = mp->path, .start = mp->start, .end = mp->end, .offset = mp->offset,
		.dev = mp->dev, .inode = mp->inode,
		.build_id = mp->build_id_len ? mp->build_id : NULL,
		.build_id_len = mp->build_id_len,
	};
	/* Reading ELF and DWARF can take milliseconds: not under the lock. */
	model_unlock(r->m);
	symbolizer_resolve(r->sym, &mod, pc, &f);
	model_lock(r->m);
	p = model_agent_process(r->m, r->pid, NULL)->profile;
	id = profile_func(p, f.module, f.function, f.func_file, f.func_line);
	hashmap_put(&r->pcs, pc, (void *)(uintptr_t)(id + 1));
	return id;
}

uint32_t resolve_named(struct resolve *r, uint32_t name_id, uint32_t file_id, const char *name,
		       const char *file, int line)
{
	uint64_t key = (uint64_t)name_id << 32 | file_id;
	uintptr_t hit = (uintptr_t)hashmap_get(&r->named, key);
	struct profile *p;
	uint32_t id;

	if (hit)
		return (uint32_t)(hit - 1);
	p = model_agent_process(r->m, r->pid, NULL)->profile;
	id = profile_func_interp(p, name, file, line);
	hashmap_put(&r->named, key, (void *)(uintptr_t)(id + 1));
	return id;
}

void resolve_forget_named(struct resolve *r, uint32_t name_id)
{
	(void)name_id;
	/* The id may stand for a function or a file of any cached pair: start
	 * again (redefinitions are rare). */
	if (r->named.len) {
		hashmap_release(&r->named);
		hashmap_init(&r->named);
	}
}
