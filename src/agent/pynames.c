/*
 * pynames — the writer's side of Python frames: a frame's code object to a
 * function name and a file (NAME ids perftop is told once per connection),
 * and its instruction to the line it runs.
 *
 * The handler recorded, per frame, the code object's address with its
 * qualified-name and file objects and first line, and the instruction
 * index. By the time the writer drains the sample the code object may be
 * gone (a function defined at run time and dropped), so every read here is
 * a checked copy (process_vm_readv of this process: a bad address is
 * EFAULT, never a fault; where that call is refused, a write from the
 * address into a memfd in the writer's own descriptor table), and a code
 * object is used only when it still holds the very objects and first line
 * the handler saw; else the frame is named "<unknown>" and counted
 * (agent__py.unresolved).
 *
 * Caches, all writer-private and fixed-size (no allocation): code objects
 * by (address, name object, file object, first line), which also guards
 * against an address reused by another code object; files by text; lines
 * by (code key, instruction). A full cache is emptied and filled again;
 * ids only grow, so an id never names two texts. Ids start at
 * PY_ID_BASE, apart from the ids of zones and counters (api.c).
 */
#include "agent/agent.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pyrt/pyrt.h"
#include "wire/wire.h"

#define PY_ID_BASE     0x40000000u
#define CODE_SLOTS     4096u  /* power of two */
#define FILE_SLOTS     2048u
#define LINE_SLOTS     16384u
#define TEXT_POOL      (512u << 10)
#define NAME_TEXT_MAX  AGENT_NAME_MAX
#define FILE_TEXT_MAX  1023u
#define LINETABLE_MAX  (64u << 10)

struct code_entry {
	uint64_t code, qual, file;
	int32_t first;
	uint32_t id;       /* the function's NAME id, 0: empty slot */
	uint32_t file_id;
	uint32_t text;     /* offset of the name in the pool */
	uint32_t sent;     /* connection generation it was sent on */
	uint64_t linetable;
};

struct file_entry {
	uint32_t id, text, len, hash, sent;
};

struct line_entry {
	uint64_t code, qual;
	int32_t lasti;
	int32_t line; /* 0: empty */
};

static struct code_entry codes[CODE_SLOTS];
static uint32_t ncodes;
static struct file_entry files[FILE_SLOTS];
static uint32_t nfiles;
static struct line_entry lines[LINE_SLOTS];
static uint32_t nlines;
static char pool[TEXT_POOL];
static uint32_t pool_used;
static uint32_t next_id = PY_ID_BASE;
static uint32_t conn_gen = 1;
static uint32_t unknown_id, unknown_sent;
static uint32_t cut_id, cut_sent; /* the mark of Python frames left out */
static int memfd = -2; /* -2: not made yet; -1: none */
static uint8_t linetable[LINETABLE_MAX];

void agent__py_connected(void)
{
	conn_gen++;
}

/* ---- checked copies ------------------------------------------------------ */

static int copy_memfd(uintptr_t addr, void *buf, size_t len)
{
	if (memfd == -2)
		memfd = atomic_load(&agent__g.writer_private)
		            ? memfd_create("perftop-agent-read", MFD_CLOEXEC)
		            : -1;
	if (memfd < 0)
		return -1;
	if (pwrite(memfd, (const void *)addr, len, 0) != (ssize_t)len)
		return -1; /* EFAULT: not readable */
	return pread(memfd, buf, len, 0) == (ssize_t)len ? 0 : -1;
}

/* Copies len bytes at addr; 0, or -1 when they cannot all be read. */
static int copy_in(uintptr_t addr, void *buf, size_t len)
{
	static int vm_refused;
	struct iovec local = {buf, len}, remote = {(void *)addr, len};

	if (addr < 4096 || addr + len < addr)
		return -1;
	if (!vm_refused) {
		ssize_t got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);

		if (got == (ssize_t)len)
			return 0;
		if (got >= 0 || errno == EFAULT)
			return -1;
		vm_refused = 1; /* EPERM, ENOSYS: a sandbox */
	}
	return copy_memfd(addr, buf, len);
}

/* ---- text ------------------------------------------------------------------ */

static void caches_empty(void)
{
	memset(codes, 0, sizeof(codes));
	memset(files, 0, sizeof(files));
	memset(lines, 0, sizeof(lines));
	ncodes = nfiles = nlines = 0;
	pool_used = 0;
}

/* The text of the string object at addr, as UTF-8 into out (max bytes).
 * Returns its length, or -1 when it is not a readable string. */
static int read_str(uintptr_t addr, char *out, size_t max)
{
	const struct pyrt_layout *L = agent__py.L;
	uint8_t hdr[128];
	uint8_t data[4 * (FILE_TEXT_MAX + 1)];
	size_t off, length, want;
	unsigned width;

	if (L->str_compact_size > sizeof(hdr) || copy_in(addr, hdr, L->str_compact_size) < 0)
		return -1;
	if (memcmp(hdr + 8, &agent__py.str_type, sizeof(uintptr_t)) != 0 ||
	    pyrt_str_shape(L, hdr, &off, &length, &width) < 0)
		return -1;
	if (length > FILE_TEXT_MAX)
		length = FILE_TEXT_MAX;
	want = length * width;
	if (want && copy_in(addr + off, data, want) < 0)
		return -1;
	return (int)pyrt_str_utf8(data, length, width, out, max);
}

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

/* Keeps text in the pool; its offset, or UINT32_MAX when the pool is full. */
static uint32_t keep_text(const char *s, size_t n)
{
	uint32_t at = pool_used;

	if (pool_used + n + 1 > TEXT_POOL)
		return UINT32_MAX;
	memcpy(pool + at, s, n);
	pool[at + n] = '\0';
	pool_used += (uint32_t)n + 1;
	return at;
}

/* The file entry of text s (n bytes), made when new; NULL when full. */
static struct file_entry *file_of(const char *s, size_t n)
{
	uint32_t h = hash_bytes(s, n);

	for (uint32_t i = 0; i < FILE_SLOTS; i++) {
		struct file_entry *f = &files[(h + i) & (FILE_SLOTS - 1)];

		if (!f->id) {
			uint32_t at;

			if (nfiles >= FILE_SLOTS / 2 || (at = keep_text(s, n)) == UINT32_MAX)
				return NULL;
			f->id = next_id++;
			f->text = at;
			f->len = (uint32_t)n;
			f->hash = h;
			nfiles++;
			return f;
		}
		if (f->hash == h && f->len == n && memcmp(pool + f->text, s, n) == 0)
			return f;
	}
	return NULL;
}

/* ---- code objects ----------------------------------------------------------- */

static uint32_t key_hash(uint64_t code, uint64_t qual, uint64_t file, int32_t first)
{
	uint64_t h = code * 0x9e3779b97f4a7c15ull ^ qual * 0xc2b2ae3d27d4eb4full ^
	             file * 0x165667b19e3779f9ull ^ (uint64_t)(uint32_t)first;

	return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

/* Reads the code object of a frame and makes its entry; NULL when the
 * object no longer holds what the handler saw, or a cache is full. */
static struct code_entry *code_learn(struct code_entry *slot, const uint64_t *w)
{
	const struct pyrt_layout *L = agent__py.L;
	uintptr_t code = (uintptr_t)(w[0] & ~AGENT_PY_TAG);
	uint8_t obj[256];
	uintptr_t type, qual, file, table;
	int32_t first;
	char name[NAME_TEXT_MAX + 1], path[FILE_TEXT_MAX + 1];
	int nlen, plen;
	struct file_entry *f;
	uint32_t at;

	if (L->co_size > sizeof(obj) || copy_in(code, obj, L->co_size) < 0)
		return NULL;
	memcpy(&type, obj + 8, sizeof(type));
	memcpy(&qual, obj + L->co_qualname, sizeof(qual));
	memcpy(&file, obj + L->co_filename, sizeof(file));
	memcpy(&table, obj + L->co_linetable, sizeof(table));
	memcpy(&first, obj + L->co_firstlineno, sizeof(first));
	if (type != agent__py.code_type || qual != w[1] || file != w[2] ||
	    first != (int32_t)(uint32_t)w[3])
		return NULL;
	if ((nlen = read_str(qual, name, sizeof(name))) < 0 ||
	    (plen = read_str(file, path, sizeof(path))) < 0)
		return NULL;
	if (!(f = file_of(path, (size_t)plen)) || (at = keep_text(name, (size_t)nlen)) == UINT32_MAX)
		return NULL;
	slot->code = code;
	slot->qual = qual;
	slot->file = file;
	slot->first = first;
	slot->id = next_id++;
	slot->file_id = f->id;
	slot->text = at;
	slot->sent = 0;
	slot->linetable = table;
	ncodes++;
	return slot;
}

static struct code_entry *code_of(const uint64_t *w)
{
	uint64_t code = w[0] & ~AGENT_PY_TAG;
	int32_t first = (int32_t)(uint32_t)w[3];
	uint32_t h = key_hash(code, w[1], w[2], first);

	for (int attempt = 0; attempt < 2; attempt++) {
		for (uint32_t i = 0; i < CODE_SLOTS; i++) {
			struct code_entry *c = &codes[(h + i) & (CODE_SLOTS - 1)];

			if (!c->id) {
				if (ncodes < CODE_SLOTS / 2) {
					struct code_entry *e = code_learn(c, w);

					if (e || pool_used + 2 * (FILE_TEXT_MAX + 1) < TEXT_POOL)
						return e;
				}
				break; /* full: empty the caches and learn again */
			}
			if (c->code == code && c->qual == w[1] && c->file == w[2] && c->first == first)
				return c;
		}
		caches_empty();
	}
	return NULL;
}

/* ---- lines ------------------------------------------------------------------- */

static int line_of(const struct code_entry *c, int32_t lasti)
{
	const struct pyrt_layout *L = agent__py.L;
	uint32_t h = key_hash(c->code, c->qual, (uint64_t)lasti, c->first);
	struct line_entry *slot = NULL;
	uint8_t hdr[64];
	uintptr_t type;
	int64_t size;
	uint8_t obj[256];
	uintptr_t qual;
	int line;

	for (uint32_t i = 0; i < 64; i++) {
		struct line_entry *e = &lines[(h + i) & (LINE_SLOTS - 1)];

		if (!e->line) {
			slot = e;
			break;
		}
		if (e->code == c->code && e->qual == c->qual && e->lasti == lasti)
			return e->line;
	}
	/* The code object must still be the one the entry was made from. */
	if (copy_in((uintptr_t)c->code, obj, L->co_size) < 0)
		return c->first;
	memcpy(&qual, obj + L->co_qualname, sizeof(qual));
	memcpy(&type, obj + 8, sizeof(type));
	if (qual != c->qual || type != agent__py.code_type)
		return c->first;
	if (copy_in((uintptr_t)c->linetable, hdr, L->bytes_data) < 0)
		return c->first;
	memcpy(&type, hdr + 8, sizeof(type));
	memcpy(&size, hdr + L->bytes_size, sizeof(size));
	if (type != agent__py.bytes_type || size < 0 || size > (int64_t)LINETABLE_MAX ||
	    (size && copy_in((uintptr_t)c->linetable + L->bytes_data, linetable, (size_t)size) < 0))
		return c->first;
	line = pyrt_line(linetable, (size_t)size, c->first, lasti);
	if (line <= 0)
		return c->first;
	if (!slot || nlines >= LINE_SLOTS / 2) {
		memset(lines, 0, sizeof(lines));
		nlines = 0;
		slot = &lines[h & (LINE_SLOTS - 1)];
	}
	if (slot) {
		slot->code = c->code;
		slot->qual = c->qual;
		slot->lasti = lasti;
		slot->line = line;
		nlines++;
	}
	return line;
}

/* ---- frames -------------------------------------------------------------------- */

int agent__py_frame(const uint64_t *w, uint32_t *name, uint32_t *file, uint32_t *line,
                    agent_py_name_fn put_name, void *ctx)
{
	struct code_entry *c;
	int32_t lasti = (int32_t)(uint32_t)(w[3] >> 32);

	if ((w[0] & ~AGENT_PY_TAG) == 0) {
		static const char cut[] = "<outer Python frames not read>";

		if (!cut_id)
			cut_id = next_id++;
		if (cut_sent != conn_gen) {
			if (put_name(ctx, cut_id, WIRE_NAME_FUNCTION, cut, sizeof(cut) - 1, 0) < 0)
				return -1;
			cut_sent = conn_gen;
		}
		*name = cut_id;
		*file = *line = 0;
		return 0;
	}
	c = agent__py.L ? code_of(w) : NULL;
	if (!c) {
		static const char unknown[] = "<unknown Python frame>";

		if (!unknown_id)
			unknown_id = next_id++;
		if (unknown_sent != conn_gen) {
			if (put_name(ctx, unknown_id, WIRE_NAME_FUNCTION, unknown, sizeof(unknown) - 1,
			             0) < 0)
				return -1;
			unknown_sent = conn_gen;
		}
		atomic_fetch_add(&agent__py.unresolved, 1);
		*name = unknown_id;
		*file = 0;
		*line = 0;
		return 0;
	}
	if (c->sent != conn_gen) {
		struct file_entry *f = NULL;

		for (uint32_t i = 0; i < FILE_SLOTS; i++)
			if (files[i].id == c->file_id) {
				f = &files[i];
				break;
			}
		if (f && f->sent != conn_gen) {
			if (put_name(ctx, f->id, WIRE_NAME_FILE, pool + f->text, f->len, 0) < 0)
				return -1;
			f->sent = conn_gen;
		}
		if (put_name(ctx, c->id, WIRE_NAME_FUNCTION, pool + c->text,
		             (uint32_t)strlen(pool + c->text), c->first > 0 ? (uint32_t)c->first : 0) < 0)
			return -1;
		c->sent = conn_gen;
	}
	*name = c->id;
	*file = c->file_id;
	*line = (uint32_t)line_of(c, lasti);
	return 0;
}
