/* resolve — per-connection pc → function cache over the symbolizer; see resolve.h. */
#include "collect/resolve.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hashmap.h"
#include "util/xalloc.h"

enum { RESOLVE_MAX_MAPS = 65536 };

struct map {
	uint64_t start, end, offset;
	char *path;
	const char *base;   /* basename inside path */
};

struct resolve {
	struct model *m;
	pid_t pid;
	struct map *maps;   /* sorted by start */
	size_t nmaps, maps_alloc;
	bool maps_from_agent;
	bool proc_maps_tried;
	struct hashmap pcs;   /* pc -> function id + 1 */
	struct hashmap named; /* NAME id -> function id + 1 */
};

struct resolve *resolve_new(struct model *m, pid_t pid)
{
	struct resolve *r = xcalloc(1, sizeof(*r));

	r->m = m;
	r->pid = pid;
	hashmap_init(&r->pcs);
	hashmap_init(&r->named);
	return r;
}

void resolve_reset_maps(struct resolve *r)
{
	for (size_t i = 0; i < r->nmaps; i++)
		free(r->maps[i].path);
	r->nmaps = 0;
	/* Addresses may now mean other code: forget what they resolved to. */
	hashmap_release(&r->pcs);
	hashmap_init(&r->pcs);
}

void resolve_free(struct resolve *r)
{
	if (!r)
		return;
	resolve_reset_maps(r);
	free(r->maps);
	hashmap_release(&r->pcs);
	hashmap_release(&r->named);
	free(r);
}

void resolve_add_map(struct resolve *r, uint64_t start, uint64_t end, uint64_t offset,
		     const char *path, const uint8_t *build_id, size_t build_id_len)
{
	struct map *mp;
	size_t i;
	const char *slash;

	(void)build_id;
	(void)build_id_len;
	if (end <= start || r->nmaps >= RESOLVE_MAX_MAPS)
		return;
	r->maps_from_agent = true;
	if (r->nmaps == r->maps_alloc) {
		r->maps_alloc = r->maps_alloc ? r->maps_alloc * 2 : 64;
		r->maps = xreallocarray(r->maps, r->maps_alloc, sizeof(*r->maps));
	}
	for (i = r->nmaps; i > 0 && r->maps[i - 1].start > start; i--)
		r->maps[i] = r->maps[i - 1];
	mp = &r->maps[i];
	mp->start = start;
	mp->end = end;
	mp->offset = offset;
	mp->path = xstrdup(path && *path ? path : "[anon]");
	slash = strrchr(mp->path, '/');
	mp->base = slash ? slash + 1 : mp->path;
	r->nmaps++;
}

/* Without MAPS from the agent, read the executable mappings from /proc once. */
static void load_proc_maps(struct resolve *r)
{
	char fname[64], line[4096];
	FILE *f;

	r->proc_maps_tried = true;
	snprintf(fname, sizeof(fname), "/proc/%ld/maps", (long)r->pid);
	f = fopen(fname, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, off;
		char perms[8], path[4096] = "";

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*s %4095[^\n]", &start,
			   &end, perms, &off, path) < 4)
			continue;
		if (perms[2] != 'x')
			continue;
		resolve_add_map(r, start, end, off, path, NULL, 0);
	}
	fclose(f);
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
	return NULL;
}

uint32_t resolve_pc(struct resolve *r, uint64_t pc)
{
	uintptr_t hit = (uintptr_t)hashmap_get(&r->pcs, pc);
	const struct map *mp;
	char name[64];
	uint32_t id;

	if (hit)
		return (uint32_t)(hit - 1);
	if (!r->nmaps && !r->proc_maps_tried)
		load_proc_maps(r);
	mp = find_map(r, pc);
	struct profile *p = model_agent_process(r->m, r->pid, NULL)->profile;

	if (!mp) {
		snprintf(name, sizeof(name), "0x%" PRIx64, pc);
		id = profile_func(p, "[unknown]", name, NULL, 0);
	} else {
		snprintf(name, sizeof(name), "%s+0x%" PRIx64, mp->base, pc - mp->start + mp->offset);
		id = profile_func(p, mp->base, name, NULL, 0);
	}
	hashmap_put(&r->pcs, pc, (void *)(uintptr_t)(id + 1));
	return id;
}

uint32_t resolve_named(struct resolve *r, uint32_t name_id, const char *name, const char *file,
		       int line)
{
	uintptr_t hit = (uintptr_t)hashmap_get(&r->named, name_id);
	struct profile *p;
	uint32_t id;

	if (hit)
		return (uint32_t)(hit - 1);
	p = model_agent_process(r->m, r->pid, NULL)->profile;
	id = profile_func(p, "[named]", name, file, line);
	hashmap_put(&r->named, name_id, (void *)(uintptr_t)(id + 1));
	return id;
}

void resolve_forget_named(struct resolve *r, uint32_t name_id)
{
	hashmap_remove(&r->named, name_id);
}
