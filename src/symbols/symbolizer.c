/*
 * symbolizer — module table, frame cache and open-file cap; see symbolizer.h.
 *
 * Modules are records that live as long as the symbolizer (identity, name,
 * sticky error); their ELF handles (struct elfmod) come and go under the
 * cap. The cache key is the module's record id and the pc's file offset, so
 * a hit needs no ELF handle and no system call.
 */
#include "symbols/symbolizer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/demangle.h"
#include "symbols/elfmod.h"
#include "symbols/sym_maps.h"
#include "util/hashmap.h"
#include "util/intern.h"
#include "util/xalloc.h"

enum {
	CACHE_OFFSET_BITS = 40, /* file offsets below 1 TiB are cached */
	CACHE_MAX_MODULES = 1 << (64 - CACHE_OFFSET_BITS),
};

struct module {
	struct module *next; /* same identity hash */
	uint32_t id;
	uint64_t hash;
	char *path;
	const char *base; /* interned basename */
	uint64_t dev, inode;
	uint8_t build_id[SYM_BUILD_ID_MAX];
	size_t build_id_len;
	bool is_file;
	struct elfmod *em; /* NULL while closed */
	uint64_t last_use;
	int err; /* sticky: the file could not be used */
	char *errmsg;
};

struct symbolizer {
	struct hashmap modules; /* identity hash -> struct module chain */
	struct module **by_id;
	size_t nmods, mods_alloc;
	struct module **open; /* modules with an elfmod, at most max_open */
	size_t max_open;

	struct intern strings; /* every string a frame points to, NUL included */
	struct hashmap cache;  /* (id << 40 | file offset) -> frame index + 1 */
	struct sym_frame *frames;
	size_t nframes, frames_alloc;

	char *debug_root;
	uint64_t clock;
	struct sym_stats stats;
	char err[512];
};

struct symbolizer *symbolizer_new(void)
{
	struct symbolizer *sym = xcalloc(1, sizeof(*sym));

	hashmap_init(&sym->modules);
	hashmap_init(&sym->cache);
	intern_init(&sym->strings);
	sym->max_open = SYMBOLIZER_MAX_OPEN;
	sym->open = xcalloc(sym->max_open, sizeof(*sym->open));
	sym->debug_root = xstrdup("/usr/lib/debug");
	return sym;
}

static void close_module(struct symbolizer *sym, size_t open_index)
{
	struct module *m = sym->open[open_index];

	elfmod_close(m->em);
	m->em = NULL;
	sym->open[open_index] = sym->open[--sym->stats.open_now];
}

void symbolizer_free(struct symbolizer *sym)
{
	if (!sym)
		return;
	while (sym->stats.open_now)
		close_module(sym, 0);
	for (size_t i = 0; i < sym->nmods; i++) {
		free(sym->by_id[i]->path);
		free(sym->by_id[i]->errmsg);
		free(sym->by_id[i]);
	}
	free(sym->by_id);
	free(sym->open);
	hashmap_release(&sym->modules);
	hashmap_release(&sym->cache);
	intern_release(&sym->strings);
	free(sym->frames);
	free(sym->debug_root);
	free(sym);
}

void symbolizer_set_debug_root(struct symbolizer *sym, const char *dir)
{
	free(sym->debug_root);
	sym->debug_root = xstrdup(dir);
}

void symbolizer_set_max_open(struct symbolizer *sym, size_t max_open)
{
	if (max_open < 1)
		max_open = 1;
	while (sym->stats.open_now > max_open)
		close_module(sym, 0);
	sym->open = xreallocarray(sym->open, max_open, sizeof(*sym->open));
	sym->max_open = max_open;
}

const char *symbolizer_error(const struct symbolizer *sym)
{
	return sym->err;
}

void symbolizer_stats(const struct symbolizer *sym, struct sym_stats *out)
{
	*out = sym->stats;
}

int symbolizer_load_maps(struct symbolizer *sym, pid_t pid, struct sym_maps *maps)
{
	sym->err[0] = '\0';
	return sym_maps_read(maps, pid, sym->err, sizeof(sym->err));
}

static const char *intern_str(struct symbolizer *sym, const char *s)
{
	uint32_t id = intern_put(&sym->strings, s, strlen(s) + 1, NULL);

	return intern_bytes(&sym->strings, id, NULL);
}

/* A symbol's name as shown: without its version suffix ("openpty@@GLIBC_2.34"
 * -> "openpty"), demangled when it is a C++ or Rust name. */
static const char *intern_symbol(struct symbolizer *sym, const char *s)
{
	size_t n = strcspn(s, "@");
	char buf[256];
	char *copy = n < sizeof(buf) ? buf : xmalloc(n + 1);
	const char *out;
	char *plain;

	memcpy(copy, s, n);
	copy[n] = '\0';
	plain = sym_demangle(copy);
	out = intern_str(sym, plain ? plain : copy);
	free(plain);
	if (copy != buf)
		free(copy);
	return out;
}

/* ---- modules ----------------------------------------------------------- */

static uint64_t module_hash(const struct sym_module *mod)
{
	uint64_t h = intern_hash(mod->path, strlen(mod->path));

	if (mod->build_id && mod->build_id_len)
		return h ^ intern_hash(mod->build_id, mod->build_id_len) * 31;
	return h ^ (mod->dev * 0x9e3779b97f4a7c15ULL) ^ (mod->inode * 0xc2b2ae3d27d4eb4fULL);
}

static bool module_is(const struct module *m, const struct sym_module *mod)
{
	if (strcmp(m->path, mod->path))
		return false;
	if (mod->build_id && mod->build_id_len)
		return m->build_id_len == mod->build_id_len &&
		       !memcmp(m->build_id, mod->build_id, mod->build_id_len);
	return !m->build_id_len && m->dev == mod->dev && m->inode == mod->inode;
}

static struct module *module_get(struct symbolizer *sym, const struct sym_module *mod)
{
	uint64_t h = module_hash(mod);
	struct module *head = hashmap_get(&sym->modules, h), *m;
	const char *slash;

	for (m = head; m; m = m->next)
		if (module_is(m, mod))
			return m;
	m = xcalloc(1, sizeof(*m));
	m->next = head;
	m->hash = h;
	m->id = (uint32_t)sym->nmods;
	m->path = xstrdup(mod->path);
	m->dev = mod->dev;
	m->inode = mod->inode;
	if (mod->build_id && mod->build_id_len) {
		m->build_id_len =
		    mod->build_id_len < SYM_BUILD_ID_MAX ? mod->build_id_len : SYM_BUILD_ID_MAX;
		memcpy(m->build_id, mod->build_id, m->build_id_len);
	}
	m->is_file = mod->path[0] == '/';
	slash = strrchr(mod->path, '/');
	m->base = intern_str(sym, slash ? slash + 1 : *mod->path ? mod->path : "[anon]");
	hashmap_put(&sym->modules, h, m);
	XGROW(sym->by_id, sym->mods_alloc, sym->nmods + 1, 64);
	sym->by_id[sym->nmods++] = m;
	return m;
}

/* The module's elfmod, opening it (and closing the least recently used one
 * beyond the cap) when needed. NULL when the file cannot be used. */
static struct elfmod *module_open(struct symbolizer *sym, struct module *m)
{
	struct sym_module want = {0};
	char why[512];
	int rc;

	m->last_use = ++sym->clock;
	if (m->em || m->err)
		return m->em;
	if (sym->stats.open_now >= sym->max_open) {
		size_t lru = 0;

		for (size_t i = 1; i < sym->stats.open_now; i++)
			if (sym->open[i]->last_use < sym->open[lru]->last_use)
				lru = i;
		close_module(sym, lru);
		sym->stats.evicted++;
	}
	want.path = m->path;
	want.dev = m->dev;
	want.inode = m->inode;
	want.build_id = m->build_id_len ? m->build_id : NULL;
	want.build_id_len = m->build_id_len;
	rc = elfmod_open(&m->em, &want, sym->debug_root, why, sizeof(why));
	if (rc < 0) {
		m->em = NULL;
		m->err = rc;
		m->errmsg = xstrdup(why);
		sym->stats.failed++;
		return NULL;
	}
	sym->open[sym->stats.open_now++] = m;
	sym->stats.opened++;
	return m->em;
}

/* ---- frames ------------------------------------------------------------ */

static void fill_unnamed(struct symbolizer *sym, const struct module *m, uint64_t where,
                         struct sym_frame *out)
{
	char name[512];

	snprintf(name, sizeof(name), "%s+0x%" PRIx64, m->base, where);
	memset(out, 0, sizeof(*out));
	out->function = intern_str(sym, name);
	out->module = m->base;
	out->addr = out->func_start = where;
	out->source = SYM_SOURCE_NONE;
}

static void cache_put(struct symbolizer *sym, uint64_t key, const struct sym_frame *f)
{
	if (sym->nframes >= SYMBOLIZER_MAX_CACHED) {
		hashmap_release(&sym->cache);
		hashmap_init(&sym->cache);
		sym->nframes = 0;
	}
	XGROW(sym->frames, sym->frames_alloc, sym->nframes + 1, 1024);
	sym->frames[sym->nframes] = *f;
	hashmap_put(&sym->cache, key, (void *)(uintptr_t)(++sym->nframes));
}

static void fill_from_hit(struct symbolizer *sym, const struct module *m, uint64_t addr,
                          const struct elfmod_hit *hit, struct sym_frame *out)
{
	char name[512];

	memset(out, 0, sizeof(*out));
	if (hit->name) {
		out->function = intern_symbol(sym, hit->name);
	} else {
		snprintf(name, sizeof(name), "%s+0x%" PRIx64, m->base, hit->start);
		out->function = intern_str(sym, name);
	}
	out->module = m->base;
	out->file = hit->file ? intern_str(sym, hit->file) : NULL;
	out->line = hit->line;
	out->func_file = hit->func_file ? intern_str(sym, hit->func_file) : NULL;
	out->func_line = hit->func_line;
	out->addr = addr;
	out->func_start = hit->start;
	out->func_size = hit->size;
	out->source = hit->source;
}

int symbolizer_resolve(struct symbolizer *sym, const struct sym_module *mod, uint64_t pc,
                       struct sym_frame *out)
{
	struct module *m;
	struct elfmod *em;
	struct elfmod_hit hit;
	uint64_t off, addr, key = 0;
	bool cacheable;
	uintptr_t slot;

	if (!mod->path) {
		struct sym_module anon = *mod;

		anon.path = "";
		return symbolizer_resolve(sym, &anon, pc, out);
	}
	sym->stats.lookups++;
	sym->err[0] = '\0';
	m = module_get(sym, mod);
	if (pc < mod->start || pc >= mod->end) {
		fill_unnamed(sym, m, pc, out);
		snprintf(sym->err, sizeof(sym->err),
		         "pc 0x%" PRIx64 " is outside the mapping of '%s'", pc, mod->path);
		return -ERANGE;
	}
	off = pc - mod->start + mod->offset;
	cacheable = off < ((uint64_t)1 << CACHE_OFFSET_BITS) && m->id < CACHE_MAX_MODULES;
	if (cacheable) {
		key = (uint64_t)m->id << CACHE_OFFSET_BITS | off;
		slot = (uintptr_t)hashmap_get(&sym->cache, key);
		if (slot) {
			sym->stats.hits++;
			*out = sym->frames[slot - 1];
			return 0;
		}
	}
	if (!m->is_file) {
		/* [vdso], anonymous code: nothing on disk to read. */
		fill_unnamed(sym, m, pc - mod->start, out);
		goto done;
	}
	em = module_open(sym, m);
	if (!em) {
		fill_unnamed(sym, m, off, out);
		snprintf(sym->err, sizeof(sym->err), "%s", m->errmsg);
		return m->err;
	}
	if (elfmod_offset_to_addr(em, off, &addr) < 0) {
		fill_unnamed(sym, m, off, out);
		goto done;
	}
	elfmod_lookup(em, addr, &hit);
	fill_from_hit(sym, m, addr, &hit, out);
done:
	if (cacheable)
		cache_put(sym, key, out);
	return 0;
}
