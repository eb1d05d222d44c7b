/*
 * elfmod — one ELF module: symbols, .eh_frame bounds, debug file, lines.
 *
 * Finds .eh_frame (by section, or through PT_GNU_EH_FRAME) and leaves its
 * parsing to ehframe.c, the decoder of those untrusted bytes.
 */
#include "symbols/elfmod.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols/ehframe.h"
#include "util/xalloc.h"

#ifndef SHT_X86_64_UNWIND
#define SHT_X86_64_UNWIND 0x70000001
#endif

enum {
	ELFMOD_SYM_WALKBACK = 256, /* symbols looked at behind a pc for one that covers it */
	ELFMOD_CU_WALKBACK = 8,    /* the same for overlapping compile-unit ranges */
};

struct elf_file {
	int fd;
	Elf *elf;
	char *path;
	dev_t dev;
	ino_t ino;
	size_t size;
	const uint8_t *build_id; /* inside the ELF image */
	size_t build_id_len;
};

struct segment {
	uint64_t offset, filesz, vaddr;
};

struct elfsym {
	uint64_t addr, size;
	const char *name;
	unsigned char bind;
};

struct cu_range {
	uint64_t start, end;
	Dwarf_Die die;
};

struct elfmod {
	struct elf_file main;
	struct elf_file debug; /* elf == NULL when none */
	bool is64, big_endian;

	struct segment *segs;
	size_t nsegs;

	struct elfsym *syms; /* by address, then size descending */
	uint64_t *max_end;   /* max_end[i]: highest end among syms[0..i] */
	size_t nsyms;
	enum sym_source sym_source;

	struct ehframe_table fdes; /* read on first need */
	bool fdes_read;

	Dwarf *dwarf;
	bool dwarf_tried;
	struct cu_range *cus; /* by start */
	size_t ncus, cus_alloc;
	bool cus_read;
};

static int fail(char *err, size_t err_len, int code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t err_len, int code, const char *path, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	if (err && err_len) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
		snprintf(err, err_len, "cannot read ELF file '%s': %s", path, why);
	}
	return code;
}

/* ---- one ELF file ------------------------------------------------------ */

static void elf_file_close(struct elf_file *f)
{
	if (f->elf)
		elf_end(f->elf);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

/* Opens path as an ELF executable, shared object or debug file and checks
 * that its headers lie inside the file. */
static int elf_file_open(struct elf_file *f, const char *path, char *err, size_t err_len)
{
	struct stat st;
	GElf_Ehdr eh;
	size_t shnum;
	const void *id;
	ssize_t idlen;
	int rc;

	memset(f, 0, sizeof(*f));
	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (f->fd < 0)
		return fail(err, err_len, -errno, path, "%s", strerror(errno));
	f->path = xstrdup(path);
	if (fstat(f->fd, &st) < 0) {
		rc = fail(err, err_len, -errno, path, "%s", strerror(errno));
		goto bad;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = fail(err, err_len, -EINVAL, path, "not a regular file");
		goto bad;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = (size_t)st.st_size;
	f->elf = elf_begin(f->fd, ELF_C_READ_MMAP, NULL);
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF) {
		rc = fail(err, err_len, -ENOEXEC, path, "not an ELF file");
		goto bad;
	}
	if (!gelf_getehdr(f->elf, &eh)) {
		rc = fail(err, err_len, -ENOEXEC, path, "bad ELF header (%s)", elf_errmsg(-1));
		goto bad;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		rc = fail(err, err_len, -ENOEXEC, path, "not an executable or shared object");
		goto bad;
	}
	if (elf_getshdrnum(f->elf, &shnum) < 0) {
		rc = fail(err, err_len, -ENOEXEC, path, "bad section headers (%s)", elf_errmsg(-1));
		goto bad;
	}
	if (shnum && (eh.e_shoff > f->size || eh.e_shentsize == 0 ||
	              shnum > (f->size - eh.e_shoff) / eh.e_shentsize)) {
		rc = fail(err, err_len, -ENOEXEC, path,
		          "truncated: section headers end past the file's %zu bytes", f->size);
		goto bad;
	}
	idlen = dwelf_elf_gnu_build_id(f->elf, &id);
	if (idlen > 0) {
		f->build_id = id;
		f->build_id_len = (size_t)idlen;
	}
	return 0;
bad:
	elf_file_close(f);
	return rc;
}

static Elf_Scn *find_section(Elf *elf, const char *name, GElf_Shdr *out)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx) < 0)
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, out))
			continue;
		n = elf_strptr(elf, shstrndx, out->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

static Elf_Scn *find_section_type(Elf *elf, GElf_Word type, GElf_Shdr *out)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, out) && out->sh_type == type)
			return scn;
	return NULL;
}

static bool has_contents(Elf *elf, const char *name)
{
	GElf_Shdr sh;

	return find_section(elf, name, &sh) && sh.sh_type != SHT_NOBITS && sh.sh_size > 0;
}

static bool has_dwarf(Elf *elf)
{
	return has_contents(elf, ".debug_info") || has_contents(elf, ".zdebug_info");
}

/* ---- the separate debug file ------------------------------------------- */

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	static uint32_t table[256];

	if (!table[1]) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc = ~crc;
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* Whether candidate is the debug file of main: the same build-id when both
 * have one, else the CRC the debuglink recorded (when it came from one). */
static bool debug_file_matches(const struct elf_file *main, const struct elf_file *cand,
                               bool via_link, uint32_t crc)
{
	size_t size;
	const char *raw;

	if (cand->dev == main->dev && cand->ino == main->ino)
		return false;
	if (main->build_id && cand->build_id)
		return main->build_id_len == cand->build_id_len &&
		       !memcmp(main->build_id, cand->build_id, main->build_id_len);
	if (!via_link)
		return false;
	raw = elf_rawfile(cand->elf, &size);
	return raw && crc32_update(0, (const uint8_t *)raw, size) == crc;
}

static bool try_debug_file(struct elfmod *em, const char *path, bool via_link, uint32_t crc)
{
	struct elf_file cand;

	if (elf_file_open(&cand, path, NULL, 0) < 0)
		return false;
	if (debug_file_matches(&em->main, &cand, via_link, crc) &&
	    (find_section_type(cand.elf, SHT_SYMTAB, &(GElf_Shdr){0}) || has_dwarf(cand.elf))) {
		em->debug = cand;
		return true;
	}
	elf_file_close(&cand);
	return false;
}

/* ROOT/.build-id/xx/rest.debug, then the debuglink next to the file, in its
 * .debug/ folder, and under ROOT/<its folder>/. */
static void find_debug_file(struct elfmod *em, const char *debug_root)
{
	const struct elf_file *f = &em->main;
	char path[4096], dir[4096];
	const char *link, *slash;
	GElf_Word crc = 0;
	int n;

	if (f->build_id && f->build_id_len >= 2 && f->build_id_len <= SYM_BUILD_ID_MAX) {
		char hex[2 * SYM_BUILD_ID_MAX + 1];

		for (size_t i = 0; i < f->build_id_len; i++)
			snprintf(hex + 2 * i, 3, "%02x", f->build_id[i]);
		n = snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug", debug_root, hex,
		             hex + 2);
		if (n > 0 && n < (int)sizeof(path) && try_debug_file(em, path, false, 0))
			return;
	}
	link = dwelf_elf_gnu_debuglink(f->elf, &crc);
	if (!link || !*link || strchr(link, '/'))
		return;
	slash = strrchr(f->path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - f->path), f->path);
	if (snprintf(path, sizeof(path), "%s/%s", dir, link) < (int)sizeof(path) &&
	    try_debug_file(em, path, true, crc))
		return;
	if (snprintf(path, sizeof(path), "%s/.debug/%s", dir, link) < (int)sizeof(path) &&
	    try_debug_file(em, path, true, crc))
		return;
	if (dir[0] == '/' &&
	    snprintf(path, sizeof(path), "%s%s/%s", debug_root, dir, link) < (int)sizeof(path))
		try_debug_file(em, path, true, crc);
}

/* ---- segments ---------------------------------------------------------- */

static int read_segments(struct elfmod *em, char *err, size_t err_len)
{
	const struct elf_file *f = &em->main;
	size_t n;

	if (elf_getphdrnum(f->elf, &n) < 0)
		return fail(err, err_len, -ENOEXEC, f->path, "bad program headers (%s)",
		            elf_errmsg(-1));
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(f->elf, (int)i, &ph))
			return fail(err, err_len, -ENOEXEC, f->path, "bad program header %zu (%s)",
			            i, elf_errmsg(-1));
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset > f->size || ph.p_filesz > f->size - ph.p_offset)
			return fail(err, err_len, -ENOEXEC, f->path,
			            "truncated: segment %zu ends past the file's %zu bytes", i,
			            f->size);
		em->segs = xreallocarray(em->segs, em->nsegs + 1, sizeof(*em->segs));
		em->segs[em->nsegs++] = (struct segment){
		    .offset = ph.p_offset, .filesz = ph.p_filesz, .vaddr = ph.p_vaddr};
	}
	if (!em->nsegs)
		return fail(err, err_len, -ENOEXEC, f->path, "no loadable segment");
	return 0;
}

int elfmod_offset_to_addr(const struct elfmod *em, uint64_t offset, uint64_t *addr)
{
	for (size_t i = 0; i < em->nsegs; i++) {
		const struct segment *s = &em->segs[i];

		if (offset >= s->offset && offset - s->offset < s->filesz) {
			*addr = offset - s->offset + s->vaddr;
			return 0;
		}
	}
	/* The page a segment starts in is mapped from its page-aligned offset. */
	for (size_t i = 0; i < em->nsegs; i++) {
		const struct segment *s = &em->segs[i];
		uint64_t page = s->offset & ~(uint64_t)4095;

		if (offset >= page && offset < s->offset && s->vaddr >= s->offset - offset) {
			*addr = s->vaddr - (s->offset - offset);
			return 0;
		}
	}
	return -ERANGE;
}

/* ---- symbols ----------------------------------------------------------- */

static int bind_rank(unsigned char bind)
{
	return bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
}

static size_t leading_underscores(const char *s)
{
	size_t n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

/* Which of two aliases (same address and size) names the function: global
 * before weak before local, then fewer leading underscores, then shorter
 * (a version suffix such as "@@GLIBC_2.34" not counted). */
static int alias_cmp(const struct elfsym *a, const struct elfsym *b)
{
	size_t la, lb;

	if (bind_rank(a->bind) != bind_rank(b->bind))
		return bind_rank(a->bind) - bind_rank(b->bind);
	la = leading_underscores(a->name);
	lb = leading_underscores(b->name);
	if (la != lb)
		return la < lb ? -1 : 1;
	la = strcspn(a->name, "@");
	lb = strcspn(b->name, "@");
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int sym_cmp(const void *pa, const void *pb)
{
	const struct elfsym *a = pa, *b = pb;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return alias_cmp(a, b);
}

/* Appends the function symbols of one table; returns how many. */
static size_t read_symtab(struct elfmod *em, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n, added = 0;

	if (!d || !sh->sh_entsize)
		return 0;
	n = sh->sh_size / sh->sh_entsize;
	em->syms = xreallocarray(em->syms, em->nsyms + n, sizeof(*em->syms));
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		const char *name;
		int type;

		if (!gelf_getsym(d, (int)i, &s))
			break;
		type = GELF_ST_TYPE(s.st_info);
		if (type != STT_FUNC && type != STT_GNU_IFUNC)
			continue;
		if (s.st_shndx == SHN_UNDEF || s.st_value == 0)
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name || !*name)
			continue;
		em->syms[em->nsyms++] = (struct elfsym){
		    .addr = s.st_value,
		    .size = s.st_size,
		    .name = name,
		    .bind = GELF_ST_BIND(s.st_info),
		};
		added++;
	}
	return added;
}

static void read_symbols(struct elfmod *em)
{
	GElf_Shdr sh;
	Elf_Scn *scn;
	size_t out = 0;

	em->sym_source = SYM_SOURCE_SYMTAB;
	scn = find_section_type(em->main.elf, SHT_SYMTAB, &sh);
	if (scn && read_symtab(em, em->main.elf, scn, &sh))
		goto sort;
	if (em->debug.elf) {
		scn = find_section_type(em->debug.elf, SHT_SYMTAB, &sh);
		if (scn && read_symtab(em, em->debug.elf, scn, &sh))
			goto sort;
	}
	em->sym_source = SYM_SOURCE_DYNSYM;
	scn = find_section_type(em->main.elf, SHT_DYNSYM, &sh);
	if (scn)
		read_symtab(em, em->main.elf, scn, &sh);
sort:
	if (!em->nsyms)
		return;
	qsort(em->syms, em->nsyms, sizeof(*em->syms), sym_cmp);
	/* Aliases sort best first; keep one per (address, size). */
	for (size_t i = 0; i < em->nsyms; i++) {
		if (out && em->syms[out - 1].addr == em->syms[i].addr &&
		    em->syms[out - 1].size == em->syms[i].size)
			continue;
		em->syms[out++] = em->syms[i];
	}
	em->nsyms = out;
	em->max_end = xreallocarray(NULL, out, sizeof(*em->max_end));
	for (size_t i = 0; i < out; i++) {
		uint64_t end = em->syms[i].addr + em->syms[i].size;

		em->max_end[i] = i && em->max_end[i - 1] > end ? em->max_end[i - 1] : end;
	}
}

/* Index of the first symbol whose address is above addr. */
static size_t sym_upper_bound(const struct elfmod *em, uint64_t addr)
{
	size_t lo = 0, hi = em->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (em->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The innermost sized symbol covering addr, or NULL. */
static const struct elfsym *sym_covering(const struct elfmod *em, uint64_t addr)
{
	size_t ub = sym_upper_bound(em, addr);

	for (size_t i = ub; i > 0 && ub - i < ELFMOD_SYM_WALKBACK; i--) {
		const struct elfsym *s = &em->syms[i - 1];

		if (em->max_end[i - 1] <= addr)
			break;
		if (s->size && addr - s->addr < s->size)
			return s;
	}
	return NULL;
}

/* A sizeless symbol that starts exactly at addr (hand-written assembly often
 * has no .size), or NULL. */
static const struct elfsym *sym_starting_at(const struct elfmod *em, uint64_t addr)
{
	size_t ub = sym_upper_bound(em, addr);

	for (size_t i = ub; i > 0 && em->syms[i - 1].addr == addr; i--)
		if (!em->syms[i - 1].size)
			return &em->syms[i - 1];
	return NULL;
}

/* ---- .eh_frame --------------------------------------------------------- */

/* Finds .eh_frame by its section header, or without section headers
 * through PT_GNU_EH_FRAME (.eh_frame_hdr points at .eh_frame). */
static void read_fdes(struct elfmod *em)
{
	struct ehframe_format fmt = {.is64 = em->is64, .big_endian = em->big_endian};
	Elf *elf = em->main.elf;
	GElf_Shdr sh;
	Elf_Scn *scn;
	Elf_Data *d;
	size_t n;

	em->fdes_read = true;
	scn = find_section(elf, ".eh_frame", &sh);
	if (scn && (sh.sh_type == SHT_PROGBITS || sh.sh_type == SHT_X86_64_UNWIND)) {
		d = elf_getdata(scn, NULL);
		if (d && d->d_buf)
			ehframe_read(&em->fdes, d->d_buf, d->d_size, sh.sh_addr, fmt);
		return;
	}
	if (elf_getphdrnum(elf, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		uint64_t eh_vaddr;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_GNU_EH_FRAME)
			continue;
		d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_BYTE);
		if (!d || !d->d_buf ||
		    ehframe_hdr_target(d->d_buf, d->d_size, ph.p_vaddr, fmt, &eh_vaddr) < 0)
			return;
		for (size_t k = 0; k < em->nsegs; k++) {
			const struct segment *s = &em->segs[k];

			if (eh_vaddr < s->vaddr || eh_vaddr - s->vaddr >= s->filesz)
				continue;
			d = elf_getdata_rawchunk(elf, (int64_t)(s->offset + (eh_vaddr - s->vaddr)),
			                         s->filesz - (eh_vaddr - s->vaddr), ELF_T_BYTE);
			if (d && d->d_buf)
				ehframe_read(&em->fdes, d->d_buf, d->d_size, eh_vaddr, fmt);
			return;
		}
		return;
	}
}

static const struct ehframe_range *fde_covering(struct elfmod *em, uint64_t addr)
{
	if (!em->fdes_read)
		read_fdes(em);
	return ehframe_find(&em->fdes, addr);
}

/* ---- DWARF lines ------------------------------------------------------- */

static int cu_cmp(const void *pa, const void *pb)
{
	const struct cu_range *a = pa, *b = pb;

	return (a->start > b->start) - (a->start < b->start);
}

static void read_cus(struct elfmod *em)
{
	Dwarf_CU *cu = NULL, *next;

	em->cus_read = true;
	for (;;) {
		Dwarf_Half version;
		uint8_t type;
		Dwarf_Die cudie, subdie;
		Dwarf_Addr base, start, end;
		ptrdiff_t off = 0;

		if (dwarf_get_units(em->dwarf, cu, &next, &version, &type, &cudie, &subdie) != 0)
			break;
		cu = next;
		if (type != DW_UT_compile && type != DW_UT_partial)
			continue;
		while ((off = dwarf_ranges(&cudie, off, &base, &start, &end)) > 0) {
			if (end <= start)
				continue;
			XGROW(em->cus, em->cus_alloc, em->ncus + 1, 64);
			em->cus[em->ncus++] = (struct cu_range){start, end, cudie};
		}
	}
	if (em->ncus > 1)
		qsort(em->cus, em->ncus, sizeof(*em->cus), cu_cmp);
}

static struct cu_range *cu_covering(struct elfmod *em, uint64_t addr)
{
	size_t lo = 0, hi;

	if (!em->dwarf_tried) {
		Elf *e = has_dwarf(em->main.elf)                     ? em->main.elf
		         : em->debug.elf && has_dwarf(em->debug.elf) ? em->debug.elf
		                                                     : NULL;

		em->dwarf_tried = true;
		if (e)
			em->dwarf = dwarf_begin_elf(e, DWARF_C_READ, NULL);
	}
	if (!em->dwarf)
		return NULL;
	if (!em->cus_read)
		read_cus(em);
	hi = em->ncus;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (em->cus[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i > 0 && lo - i < ELFMOD_CU_WALKBACK; i--)
		if (addr < em->cus[i - 1].end)
			return &em->cus[i - 1];
	return NULL;
}

static void line_at(struct elfmod *em, uint64_t addr, const char **file, int *line)
{
	struct cu_range *cu = cu_covering(em, addr);
	Dwarf_Line *l;
	int n;

	*file = NULL;
	*line = 0;
	if (!cu || !(l = dwarf_getsrc_die(&cu->die, addr)))
		return;
	*file = dwarf_linesrc(l, NULL, NULL);
	if (dwarf_lineno(l, &n) == 0 && n > 0)
		*line = n;
}

/* ---- the module -------------------------------------------------------- */

int elfmod_open(struct elfmod **out, const struct sym_module *want, const char *debug_root,
                char *err, size_t err_len)
{
	struct elfmod *em = xcalloc(1, sizeof(*em));
	const char *path = want->path, *ident;
	int rc;

	elf_version(EV_CURRENT);
	em->main.fd = em->debug.fd = -1;
	rc = elf_file_open(&em->main, path, err, err_len);
	if (rc < 0)
		goto bad;
	ident = elf_getident(em->main.elf, NULL);
	em->is64 = ident[EI_CLASS] == ELFCLASS64;
	em->big_endian = ident[EI_DATA] == ELFDATA2MSB;
	if (want->build_id && want->build_id_len &&
	    (!em->main.build_id || em->main.build_id_len != want->build_id_len ||
	     memcmp(em->main.build_id, want->build_id, want->build_id_len))) {
		rc = fail(err, err_len, -ESTALE, path,
		          "its build-id differs from the mapped one (replaced on disk?)");
		goto bad;
	}
	/* Another inode on the same device: the file was replaced. The device
	 * in /proc/PID/maps is not st_dev on overlayfs or btrfs; then we cannot
	 * tell, and trust the path. */
	if (want->inode && want->dev == (uint64_t)em->main.dev &&
	    want->inode != (uint64_t)em->main.ino) {
		rc = fail(err, err_len, -ESTALE, path,
		          "inode %" PRIu64 " is not the mapped %" PRIu64 " (replaced on disk?)",
		          (uint64_t)em->main.ino, want->inode);
		goto bad;
	}
	rc = read_segments(em, err, err_len);
	if (rc < 0)
		goto bad;
	if (!find_section_type(em->main.elf, SHT_SYMTAB, &(GElf_Shdr){0}) ||
	    !has_dwarf(em->main.elf))
		find_debug_file(em, debug_root && *debug_root ? debug_root : "/usr/lib/debug");
	read_symbols(em);
	*out = em;
	return 0;
bad:
	elfmod_close(em);
	return rc;
}

void elfmod_close(struct elfmod *em)
{
	if (!em)
		return;
	if (em->dwarf)
		dwarf_end(em->dwarf);
	elf_file_close(&em->debug);
	elf_file_close(&em->main);
	free(em->segs);
	free(em->syms);
	free(em->max_end);
	ehframe_release(&em->fdes);
	free(em->cus);
	free(em);
}

const char *elfmod_debug_path(const struct elfmod *em)
{
	return em->debug.elf ? em->debug.path : NULL;
}

void elfmod_lookup(struct elfmod *em, uint64_t addr, struct elfmod_hit *hit)
{
	const struct elfsym *s = sym_covering(em, addr);
	const struct ehframe_range *fde;

	memset(hit, 0, sizeof(*hit));
	if (s) {
		hit->name = s->name;
		hit->source = em->sym_source;
		hit->start = s->addr;
		hit->size = s->size;
	} else if ((fde = fde_covering(em, addr))) {
		hit->start = fde->start;
		hit->size = fde->end - fde->start;
		hit->source = SYM_SOURCE_EH_FRAME;
		s = sym_starting_at(em, fde->start);
		if (s) {
			hit->name = s->name;
			hit->source = em->sym_source;
		}
	} else {
		hit->source = SYM_SOURCE_NONE;
		hit->start = addr;
	}
	line_at(em, addr, &hit->file, &hit->line);
	if (hit->start == addr) {
		hit->func_file = hit->file;
		hit->func_line = hit->line;
	} else {
		line_at(em, hit->start, &hit->func_file, &hit->func_line);
	}
}
