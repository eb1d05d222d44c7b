/*
 * Unit tests for src/symbols: the maps parser and the symbolizer.
 *
 * A small shared library with known functions is compiled at test time into
 * a private temporary folder (cc, objcopy, strip, nm and readelf are part of
 * the build dependencies), loaded with dlopen, and its stripped copies are
 * resolved; nm and readelf of the unstripped files give the expected answers.
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols/sym_maps.h"
#include "symbols/symbolizer.h"

/* The library's source; markers in comments locate the lines tests expect. */
/* clang-format off */
static const char LIB_SRC[] =
	"/* symbolizer test library */\n"
	"void *volatile symtest_pc;\n"
	"volatile int symtest_sink;\n"
	"__attribute__((noinline)) void *symtest_here(void)\n"
	"{\n"
	"	return __builtin_return_address(0);\n"
	"}\n"
	"int symtest_exported(int x)\n"
	"{\n"
	"	symtest_pc = symtest_here(); /* @exported_call */\n"
	"	return x + symtest_sink;\n"
	"}\n"
	"static __attribute__((noinline)) int symtest_hidden(int x)\n"
	"{ /* @hidden_start */\n"
	"	int s = x;\n"
	"	for (int i = 0; i < x; i++)\n"
	"		s += i * symtest_sink;\n"
	"	symtest_pc = symtest_here(); /* @hidden_call */\n"
	"	return s + symtest_sink;\n"
	"}\n"
	"int (*symtest_hidden_ptr(void))(int)\n"
	"{\n"
	"	return symtest_hidden;\n"
	"}\n"
	"__attribute__((visibility(\"hidden\"))) void symtest_nocfi(void);\n"
	"__asm__(\".text\\n.type symtest_nocfi, @function\\nsymtest_nocfi:\\n"
	"\\tnop\\n\\tnop\\n\\tnop\\n\\tnop\\n\\tret\\n\");\n"
	"void (*symtest_nocfi_ptr(void))(void)\n"
	"{\n"
	"	return symtest_nocfi;\n"
	"}\n";
/* clang-format on */

static char tmp[512];

static void setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmp, sizeof(tmp), "%s/perftop-symtest-XXXXXX", base && *base ? base : "/tmp");
	cr_assert_not_null(mkdtemp(tmp), "mkdtemp: %s", strerror(errno));
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
}

TestSuite(symbols, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(sym_maps, .timeout = 10);

/* Runs a shell command; returns its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4 * PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Runs a shell command and returns its stdout (caller frees). */
static char *sh_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sh_out(const char *fmt, ...)
{
	char cmd[4 * PATH_MAX];
	size_t len = 0, alloc = 65536;
	char *buf = malloc(alloc);
	va_list ap;
	FILE *p;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	cr_assert_not_null(p, "popen %s", cmd);
	while ((n = fread(buf + len, 1, alloc - len - 1, p)) > 0) {
		len += n;
		if (alloc - len < 2)
			buf = realloc(buf, alloc *= 2);
	}
	buf[len] = '\0';
	pclose(p);
	return buf;
}

static int line_of(const char *marker)
{
	const char *at = strstr(LIB_SRC, marker);
	int line = 1;

	cr_assert_not_null(at, "marker %s", marker);
	for (const char *p = LIB_SRC; p < at; p++)
		line += *p == '\n';
	return line;
}

/* Builds the test library as DIR/libsymtest.so from DIR/symtest.c, with
 * extra linker flags. */
static void build_lib_with(const char *dir, const char *ldflags)
{
	char path[PATH_MAX];
	FILE *f;

	cr_assert_eq(sh("mkdir -p '%s'", dir), 0);
	snprintf(path, sizeof(path), "%s/symtest.c", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(LIB_SRC, f);
	fclose(f);
	cr_assert_eq(sh("cc -shared -fPIC -g -O1 -fno-inline -fno-toplevel-reorder "
	                "-Wl,--build-id=sha1 %s -o '%s/libsymtest.so' '%s'",
	                ldflags, dir, path),
	             0, "cannot compile the test library");
}

static void build_lib(const char *dir)
{
	build_lib_with(dir, "");
}

struct nm_sym {
	uint64_t addr, size;
	char type;
	char name[128];
};

/* The defined symbols of file according to nm (flags: "" or "-D"); at most
 * max of them. Returns how many. */
static size_t nm_list(const char *file, const char *flags, struct nm_sym *out, size_t max)
{
	char *text = sh_out("nm %s -S --defined-only '%s'", flags, file);
	char *save = NULL;
	size_t n = 0;

	for (char *l = strtok_r(text, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save)) {
		char f[4][128];
		int k = sscanf(l, "%127s %127s %127s %127s", f[0], f[1], f[2], f[3]);
		struct nm_sym *s = &out[n];

		/* "addr size type name", or "addr type name" for a sizeless symbol. */
		if (k == 4) {
			s->size = strtoull(f[1], NULL, 16);
			s->type = f[2][0];
			snprintf(s->name, sizeof(s->name), "%s", f[3]);
		} else if (k == 3) {
			s->size = 0;
			s->type = f[1][0];
			snprintf(s->name, sizeof(s->name), "%s", f[2]);
		} else {
			continue;
		}
		s->addr = strtoull(f[0], NULL, 16);
		n++;
	}
	free(text);
	return n;
}

static bool is_code(char type)
{
	return type == 'T' || type == 't' || type == 'W' || type == 'i';
}

/* Address and size of symbol name in file, from nm. */
static uint64_t nm_addr(const char *file, const char *flags, const char *name, uint64_t *size)
{
	static struct nm_sym syms[4096];
	size_t n = nm_list(file, flags, syms, 4096);

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(syms[i].name, name)) {
			if (size)
				*size = syms[i].size;
			return syms[i].addr;
		}
	}
	cr_assert_fail("nm finds no %s in %s", name, file);
	return 0;
}

struct loaded {
	void *handle;
	int (*exported)(int);
	int (*hidden)(int);
	void (*nocfi)(void);
	void *volatile *pc;
};

static void load_lib(const char *path, struct loaded *l)
{
	int (*(*hidden_ptr)(void))(int);
	void (*(*nocfi_ptr)(void))(void);

	l->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	cr_assert_not_null(l->handle, "dlopen %s: %s", path, dlerror());
	l->exported = (int (*)(int))dlsym(l->handle, "symtest_exported");
	hidden_ptr = (int (*(*)(void))(int))dlsym(l->handle, "symtest_hidden_ptr");
	nocfi_ptr = (void (*(*)(void))(void))dlsym(l->handle, "symtest_nocfi_ptr");
	l->pc = (void *volatile *)dlsym(l->handle, "symtest_pc");
	cr_assert(l->exported && hidden_ptr && nocfi_ptr && l->pc);
	l->hidden = hidden_ptr();
	l->nocfi = nocfi_ptr();
}

/* Resolves pc in this process through /proc/self/maps. */
static int resolve_here(struct symbolizer *sym, uint64_t pc, struct sym_frame *out)
{
	struct sym_maps maps;
	const struct sym_module *mod;
	int rc;

	sym_maps_init(&maps);
	cr_assert_eq(symbolizer_load_maps(sym, getpid(), &maps), 0, "%s", symbolizer_error(sym));
	mod = sym_maps_find(&maps, pc);
	cr_assert_not_null(mod, "no mapping holds 0x%" PRIx64, pc);
	rc = symbolizer_resolve(sym, mod, pc, out);
	sym_maps_release(&maps);
	return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static struct symbolizer *new_symbolizer(void)
{
	struct symbolizer *sym = symbolizer_new();
	char root[PATH_MAX];

	/* No system debug files: results must not depend on what is installed. */
	snprintf(root, sizeof(root), "%s/no-debug-root", tmp);
	symbolizer_set_debug_root(sym, root);
	return sym;
}

/* ---- the test binary itself ------------------------------------------- */

/* GCC may clone a function under another name ("f.constprop.0"); noclone
 * forbids it (clang has no such attribute). */
#ifdef __clang__
#define NOCLONE
#else
#define NOCLONE __attribute__((noclone))
#endif

static void *volatile probe_pc;
static volatile int probe_line;

static __attribute__((noinline, used)) NOCLONE void *probe_here(void)
{
	return __builtin_return_address(0);
}

static __attribute__((noinline, used)) NOCLONE void probe_function(void)
{
	probe_line = __LINE__ + 1;
	probe_pc = probe_here(); /* a store after the call: no tail call */
}

Test(symbols, function_and_line_in_this_binary)
{
	struct symbolizer *sym = new_symbolizer();
	struct sym_frame f;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *base;

	cr_assert_gt(n, 0);
	exe[n] = '\0';
	base = strrchr(exe, '/') + 1;
	probe_function();
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)probe_pc - 1, &f), 0, "%s",
	             symbolizer_error(sym));
	cr_expect_str_eq(f.function, "probe_function");
	cr_expect_str_eq(f.module, base);
	cr_expect_eq(f.source, SYM_SOURCE_SYMTAB);
	cr_assert_not_null(f.file);
	cr_expect(ends_with(f.file, "tests/unit/test_symbols.c"), "file %s", f.file);
	cr_expect_eq(f.line, probe_line, "line %d, expected %d", f.line, probe_line);

	/* The function's own address is its start. */
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)probe_function, &f), 0);
	cr_expect_str_eq(f.function, "probe_function");
	cr_expect_eq(f.addr, f.func_start);
	cr_expect_gt(f.func_size, 0);
	symbolizer_free(sym);
}

/* ---- a PIE shared library ---------------------------------------------- */

Test(symbols, shared_library_names_and_lines)
{
	struct symbolizer *sym = new_symbolizer();
	char dir[1024], lib[PATH_MAX], src[PATH_MAX];
	struct loaded l;
	struct sym_frame f;
	uint64_t hidden_addr;
	int start = line_of("@hidden_start");

	snprintf(dir, sizeof(dir), "%s/plain", tmp);
	snprintf(lib, sizeof(lib), "%s/libsymtest.so", dir);
	snprintf(src, sizeof(src), "%s/symtest.c", dir);
	build_lib(dir);
	load_lib(lib, &l);
	hidden_addr = nm_addr(lib, "", "symtest_hidden", NULL);

	l.exported(1);
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)*l.pc - 1, &f), 0, "%s",
	             symbolizer_error(sym));
	cr_expect_str_eq(f.function, "symtest_exported");
	cr_expect_str_eq(f.module, "libsymtest.so");
	cr_expect_eq(f.source, SYM_SOURCE_SYMTAB);
	cr_assert_not_null(f.file);
	cr_expect_str_eq(f.file, src);
	cr_expect_eq(f.line, line_of("@exported_call"));

	l.hidden(3);
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)*l.pc - 1, &f), 0);
	cr_expect_str_eq(f.function, "symtest_hidden");
	cr_expect_eq(f.line, line_of("@hidden_call"));
	cr_expect_eq(f.func_start, hidden_addr, "start 0x%" PRIx64 ", nm 0x%" PRIx64, f.func_start,
	             hidden_addr);
	cr_expect(f.func_line == start || f.func_line == start - 1, "function line %d",
	          f.func_line);
	cr_expect(f.addr > f.func_start && f.addr < f.func_start + f.func_size);
	symbolizer_free(sym);
}

Test(symbols, file_addresses_differ_from_file_offsets)
{
	struct symbolizer *sym = new_symbolizer();
	char dir[1024], lib[PATH_MAX], bare[PATH_MAX], name[128];
	struct loaded l, lb;
	struct sym_frame f;
	uint64_t hidden;

	/* Every segment's p_vaddr is its p_offset + 0x100000. */
	snprintf(dir, sizeof(dir), "%s/shifted", tmp);
	build_lib_with(dir, "-Wl,-Ttext-segment=0x100000");
	snprintf(lib, sizeof(lib), "%s/libsymtest.so", dir);
	snprintf(bare, sizeof(bare), "%s/bare/libsymtest.so", tmp);
	cr_assert_eq(sh("mkdir -p '%s/bare' && strip --strip-all -o '%s' '%s'", tmp, bare, lib), 0);
	hidden = nm_addr(lib, "", "symtest_hidden", NULL);
	cr_assert_geq(hidden, 0x100000);

	load_lib(lib, &l);
	l.hidden(2);
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)*l.pc - 1, &f), 0, "%s",
	             symbolizer_error(sym));
	cr_expect_str_eq(f.function, "symtest_hidden");
	cr_expect_eq(f.func_start, hidden);
	cr_expect_eq(f.line, line_of("@hidden_call"));

	load_lib(bare, &lb);
	lb.hidden(2);
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)*lb.pc - 1, &f), 0);
	snprintf(name, sizeof(name), "libsymtest.so+0x%" PRIx64, hidden);
	cr_expect_str_eq(f.function, name);
	symbolizer_free(sym);
}

/* ---- stripped copies --------------------------------------------------- */

Test(symbols, stripped_copy_uses_debuglink)
{
	struct symbolizer *sym = new_symbolizer();
	char dir[1024];
	struct loaded l;
	struct sym_frame f;

	snprintf(dir, sizeof(dir), "%s/orig", tmp);
	build_lib(dir);
	cr_assert_eq(
	    sh("cd '%s' && mkdir -p linked/.debug && "
	       "objcopy --only-keep-debug orig/libsymtest.so linked/.debug/libsymtest.so.dbg && "
	       "objcopy --strip-all --add-gnu-debuglink=linked/.debug/libsymtest.so.dbg "
	       "orig/libsymtest.so linked/libsymtest.so",
	       tmp),
	    0);
	cr_assert_neq(
	    sh("readelf -S '%s/linked/libsymtest.so' | grep -q -e symtab -e debug_info", tmp), 0,
	    "the copy is not stripped");
	snprintf(dir, sizeof(dir), "%s/linked/libsymtest.so", tmp);
	load_lib(dir, &l);
	l.hidden(2);
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)*l.pc - 1, &f), 0, "%s",
	             symbolizer_error(sym));
	cr_expect_str_eq(f.function, "symtest_hidden");
	cr_expect_eq(f.source, SYM_SOURCE_SYMTAB);
	cr_assert_not_null(f.file);
	cr_expect(ends_with(f.file, "/orig/symtest.c"), "file %s", f.file);
	cr_expect_eq(f.line, line_of("@hidden_call"));
	symbolizer_free(sym);
}

Test(symbols, stripped_copy_uses_build_id_folder)
{
	struct symbolizer *sym = symbolizer_new();
	char dir[1024], root[PATH_MAX], *id;
	struct loaded l;
	struct sym_frame f;

	snprintf(dir, sizeof(dir), "%s/orig", tmp);
	build_lib(dir);
	id = sh_out("readelf -n '%s/libsymtest.so' | sed -n 's/.*Build ID: *//p'", dir);
	id[strcspn(id, "\n")] = '\0';
	cr_assert_gt(strlen(id), 2, "no build-id");
	snprintf(root, sizeof(root), "%s/debugroot", tmp);
	cr_assert_eq(sh("cd '%s' && mkdir -p 'debugroot/.build-id/%.2s' bare && "
	                "objcopy --only-keep-debug orig/libsymtest.so "
	                "'debugroot/.build-id/%.2s/%s.debug' && "
	                "strip --strip-all -o bare/libsymtest.so orig/libsymtest.so",
	                tmp, id, id, id + 2),
	             0);
	free(id);
	symbolizer_set_debug_root(sym, root);
	snprintf(dir, sizeof(dir), "%s/bare/libsymtest.so", tmp);
	load_lib(dir, &l);
	l.hidden(2);
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)*l.pc - 1, &f), 0, "%s",
	             symbolizer_error(sym));
	cr_expect_str_eq(f.function, "symtest_hidden");
	cr_expect_eq(f.line, line_of("@hidden_call"));
	symbolizer_free(sym);
}

Test(symbols, stripped_without_debug_names_function_by_its_start)
{
	struct symbolizer *sym = new_symbolizer();
	char orig[PATH_MAX], bare[PATH_MAX], name[128];
	uint64_t hidden, hidden_size, exported, nocfi;
	struct loaded l;
	struct sym_frame f;

	snprintf(orig, sizeof(orig), "%s/orig", tmp);
	build_lib(orig);
	snprintf(orig, sizeof(orig), "%s/orig/libsymtest.so", tmp);
	snprintf(bare, sizeof(bare), "%s/bare/libsymtest.so", tmp);
	cr_assert_eq(sh("mkdir -p '%s/bare' && strip --strip-all -o '%s' '%s'", tmp, bare, orig),
	             0);
	hidden = nm_addr(orig, "", "symtest_hidden", &hidden_size);
	exported = nm_addr(orig, "", "symtest_exported", NULL);
	nocfi = nm_addr(orig, "", "symtest_nocfi", NULL);
	/* The premise: a guess by the nearest exported symbol would say symtest_exported. */
	cr_assert_lt(exported, hidden);
	{
		static struct nm_sym dyn[4096];
		size_t n = nm_list(bare, "-D", dyn, 4096);

		for (size_t i = 0; i < n; i++)
			cr_assert(!is_code(dyn[i].type) || dyn[i].addr <= exported ||
			              dyn[i].addr > hidden,
			          "%s lies between", dyn[i].name);
	}

	load_lib(bare, &l);
	l.hidden(4);
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)*l.pc - 1, &f), 0, "%s",
	             symbolizer_error(sym));
	snprintf(name, sizeof(name), "libsymtest.so+0x%" PRIx64, hidden);
	cr_expect_str_eq(f.function, name);
	cr_expect_eq(f.source, SYM_SOURCE_EH_FRAME);
	cr_expect_eq(f.func_start, hidden);
	cr_expect_eq(f.func_size, hidden_size);
	cr_expect_null(strstr(f.function, "symtest_"));
	cr_expect_null(f.file);

	/* The function's first byte gives the same name. */
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)l.hidden, &f), 0);
	cr_expect_str_eq(f.function, name);

	/* Exported functions keep their .dynsym names. */
	l.exported(1);
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)*l.pc - 1, &f), 0);
	cr_expect_str_eq(f.function, "symtest_exported");
	cr_expect_eq(f.source, SYM_SOURCE_DYNSYM);

	/* Code with no FDE at all is named by the pc's own address. */
	cr_assert_eq(resolve_here(sym, (uint64_t)(uintptr_t)l.nocfi + 2, &f), 0);
	snprintf(name, sizeof(name), "libsymtest.so+0x%" PRIx64, nocfi + 2);
	cr_expect_str_eq(f.function, name);
	cr_expect_eq(f.source, SYM_SOURCE_NONE);
	symbolizer_free(sym);
}

/* ---- liblzma: a stripped system library with only .dynsym ------------- */

struct range {
	uint64_t start, end;
};

Test(symbols, liblzma_internal_function_is_not_misnamed)
{
	struct symbolizer *sym = new_symbolizer();
	void *h = dlopen("liblzma.so.5", RTLD_NOW | RTLD_LOCAL);
	struct range exports[2048], pick = {0, 0};
	size_t nexports = 0;
	uint64_t anchor = 0, bias;
	struct sym_maps maps;
	const struct sym_module *mod;
	struct sym_frame f;
	char *out, *save = NULL, name[PATH_MAX];
	void *fn;

	if (!h)
		cr_skip_test("liblzma.so.5 is not installed");
	fn = dlsym(h, "lzma_version_number");
	cr_assert_not_null(fn);
	sym_maps_init(&maps);
	cr_assert_eq(symbolizer_load_maps(sym, getpid(), &maps), 0);
	mod = sym_maps_find(&maps, (uint64_t)(uintptr_t)fn);
	cr_assert_not_null(mod);

	/* Exported functions, from nm; the load bias from one of them. */
	{
		static struct nm_sym dyn[4096];
		size_t n = nm_list(mod->path, "-D", dyn, 4096);

		for (size_t i = 0; i < n && nexports < 2048; i++) {
			if (!is_code(dyn[i].type))
				continue;
			if (!strncmp(dyn[i].name, "lzma_version_number", 19))
				anchor = dyn[i].addr;
			exports[nexports++] =
			    (struct range){dyn[i].addr, dyn[i].addr + dyn[i].size};
		}
	}
	cr_assert_neq(anchor, 0);
	bias = (uint64_t)(uintptr_t)fn - anchor;

	/* An FDE that no exported function covers, with exported code before it. */
	save = NULL;
	out = sh_out("readelf --debug-dump=frames '%s'", mod->path);
	for (char *l = strtok_r(out, "\n", &save); l && !pick.end;
	     l = strtok_r(NULL, "\n", &save)) {
		char *pc = strstr(l, " FDE ") ? strstr(l, "pc=") : NULL;
		struct range r;
		bool covered = false, below = false;

		if (!pc || sscanf(pc, "pc=%" SCNx64 "..%" SCNx64, &r.start, &r.end) != 2)
			continue;
		for (size_t i = 0; i < nexports; i++) {
			if (exports[i].start < r.end && r.start < exports[i].end)
				covered = true;
			if (exports[i].end <= r.start && exports[i].end > exports[i].start)
				below = true;
		}
		if (!covered && below && r.end - r.start > 4)
			pick = r;
	}
	free(out);
	cr_assert_neq(pick.end, 0, "no internal function found in %s", mod->path);

	uint64_t pc = bias + pick.start + (pick.end - pick.start) / 2;

	mod = sym_maps_find(&maps, pc);
	cr_assert_not_null(mod);
	cr_assert_eq(symbolizer_resolve(sym, mod, pc, &f), 0, "%s", symbolizer_error(sym));
	snprintf(name, sizeof(name), "%s+0x%" PRIx64, strrchr(mod->path, '/') + 1, pick.start);
	cr_expect_str_eq(f.function, name);
	cr_expect(!strncmp(f.function, "liblzma.so.5", 12), "%s", f.function);
	cr_expect_eq(f.source, SYM_SOURCE_EH_FRAME);
	cr_expect_eq(f.func_start, pick.start);
	cr_expect_eq(f.func_size, pick.end - pick.start);
	cr_expect_null(strstr(f.function, "lzma_"), "named after an exported symbol: %s",
	               f.function);
	sym_maps_release(&maps);
	symbolizer_free(sym);
}

/* ---- bad files --------------------------------------------------------- */

static void expect_error_naming(const char *path, int want_errno)
{
	struct symbolizer *sym = new_symbolizer();
	struct sym_module mod = {.path = path, .start = 0x10000, .end = 0x90000, .offset = 0};
	struct sym_frame f;
	const char *base = strrchr(path, '/') + 1;
	char name[PATH_MAX];
	int rc = symbolizer_resolve(sym, &mod, 0x10800, &f);

	cr_expect_lt(rc, 0, "%s resolved without error", path);
	if (want_errno)
		cr_expect_eq(rc, -want_errno, "%s: rc %d", path, rc);
	cr_expect_not_null(strstr(symbolizer_error(sym), path), "message: %s",
	                   symbolizer_error(sym));
	snprintf(name, sizeof(name), "%s+0x800", base);
	cr_expect_str_eq(f.function, name);
	cr_expect_eq(f.source, SYM_SOURCE_NONE);
	/* The failure is remembered, and reported again. */
	cr_expect_eq(symbolizer_resolve(sym, &mod, 0x10900, &f), rc);
	cr_expect_not_null(strstr(symbolizer_error(sym), path));
	symbolizer_free(sym);
}

static void write_bytes(const char *path, const void *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(bytes, 1, len, f), len);
	fclose(f);
}

Test(symbols, garbage_files_give_an_error_naming_the_file)
{
	char path[PATH_MAX];
	unsigned char junk[8192];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (unsigned char)(x >> 16);
	}
	snprintf(path, sizeof(path), "%s/garbage.so", tmp);
	write_bytes(path, junk, sizeof(junk));
	expect_error_naming(path, ENOEXEC);

	memcpy(junk, "\177ELF\2\1\1", 7); /* an ELF header full of nonsense */
	snprintf(path, sizeof(path), "%s/badheader.so", tmp);
	write_bytes(path, junk, sizeof(junk));
	expect_error_naming(path, ENOEXEC);

	snprintf(path, sizeof(path), "%s/empty.so", tmp);
	write_bytes(path, "", 0);
	expect_error_naming(path, ENOEXEC);

	snprintf(path, sizeof(path), "%s/missing.so", tmp);
	expect_error_naming(path, ENOENT);

	expect_error_naming(tmp, EINVAL); /* a directory */
}

Test(symbols, truncated_files_give_an_error_naming_the_file)
{
	static const long cuts[] = {16, 64, 1000, 4096, -2};
	char dir[1024], path[PATH_MAX];
	long size;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/orig", tmp);
	build_lib(dir);
	snprintf(path, sizeof(path), "%s/libsymtest.so", dir);
	f = fopen(path, "rb");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		long keep = cuts[i] > 0 ? cuts[i] : size / -cuts[i];

		snprintf(path, sizeof(path), "%s/cut%ld.so", tmp, keep);
		cr_assert_eq(sh("head -c %ld '%s/libsymtest.so' > '%s'", keep, dir, path), 0);
		expect_error_naming(path, ENOEXEC);
	}
}

Test(symbols, replaced_file_is_refused)
{
	static const uint8_t wrong[20] = {1, 2, 3, 4};
	struct symbolizer *sym = new_symbolizer();
	char dir[1024], path[PATH_MAX];
	struct sym_module mod = {
	    .start = 0x10000, .end = 0x20000, .build_id = wrong, .build_id_len = sizeof(wrong)};
	struct sym_frame f;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/orig", tmp);
	build_lib(dir);
	snprintf(path, sizeof(path), "%s/libsymtest.so", dir);
	mod.path = path;
	cr_expect_eq(symbolizer_resolve(sym, &mod, 0x11000, &f), -ESTALE);
	cr_expect_not_null(strstr(symbolizer_error(sym), path));

	/* The same for another inode than the maps line's on the same device. */
	cr_assert_eq(stat(path, &st), 0);
	mod.build_id = NULL;
	mod.build_id_len = 0;
	mod.dev = st.st_dev;
	mod.inode = st.st_ino + 1;
	cr_expect_eq(symbolizer_resolve(sym, &mod, 0x11000, &f), -ESTALE);
	cr_expect_not_null(strstr(symbolizer_error(sym), "inode"), "%s", symbolizer_error(sym));
	symbolizer_free(sym);
}

Test(symbols, pseudo_mappings_and_pcs_outside)
{
	struct symbolizer *sym = new_symbolizer();
	struct sym_module vdso = {.path = "[vdso]", .start = 0x7000, .end = 0x9000};
	struct sym_frame f;

	cr_expect_eq(symbolizer_resolve(sym, &vdso, 0x7010, &f), 0);
	cr_expect_str_eq(f.function, "[vdso]+0x10");
	cr_expect_str_eq(f.module, "[vdso]");
	cr_expect_eq(f.source, SYM_SOURCE_NONE);
	cr_expect_eq(symbolizer_resolve(sym, &vdso, 0x9000, &f), -ERANGE);
	cr_expect_neq(symbolizer_error(sym)[0], '\0');
	symbolizer_free(sym);
}

/* ---- the cache and the cap on open files ------------------------------- */

Test(symbols, cache_and_open_file_cap)
{
	struct symbolizer *sym = new_symbolizer();
	char dir[1024], path[PATH_MAX];
	struct loaded a, b;
	struct sym_stats st;
	struct sym_frame f;
	uint64_t pa, pb;

	snprintf(dir, sizeof(dir), "%s/a", tmp);
	build_lib(dir);
	cr_assert_eq(sh("mkdir -p '%s/b' && cp '%s/libsymtest.so' '%s/b/'", tmp, dir, tmp), 0);
	snprintf(path, sizeof(path), "%s/libsymtest.so", dir);
	load_lib(path, &a);
	snprintf(path, sizeof(path), "%s/b/libsymtest.so", tmp);
	load_lib(path, &b);
	cr_assert_neq((void *)a.hidden, (void *)b.hidden, "two copies expected");
	symbolizer_set_max_open(sym, 1);
	pa = (uint64_t)(uintptr_t)a.hidden;
	pb = (uint64_t)(uintptr_t)b.hidden;
	for (int i = 0; i < 3; i++) {
		/* Another pc each round, so each lookup misses the cache. */
		cr_assert_eq(resolve_here(sym, pa + (uint64_t)i, &f), 0);
		cr_expect_str_eq(f.function, "symtest_hidden");
		cr_assert_eq(resolve_here(sym, pb + (uint64_t)i, &f), 0);
		cr_expect_str_eq(f.function, "symtest_hidden");
	}
	symbolizer_stats(sym, &st);
	cr_expect_eq(st.open_now, 1);
	cr_expect_geq(st.evicted, 5);
	cr_expect_eq(st.hits, 0);

	/* The same pcs again: answered from the cache, no file opened. */
	uint64_t opened = st.opened;

	for (int i = 0; i < 3; i++) {
		cr_assert_eq(resolve_here(sym, pa + (uint64_t)i, &f), 0);
		cr_expect_str_eq(f.function, "symtest_hidden");
		cr_expect_eq(f.addr, nm_addr(path, "", "symtest_hidden", NULL) + (uint64_t)i);
	}
	symbolizer_stats(sym, &st);
	cr_expect_eq(st.hits, 3);
	cr_expect_eq(st.opened, opened);
	symbolizer_free(sym);
}

/* ---- the maps parser --------------------------------------------------- */

/* clang-format off */
static const char MAPS[] =
	"55d0c8a1b000-55d0c8a1d000 r--p 00000000 fd:01 1234                       /usr/bin/cat\n"
	"55d0c8a1d000-55d0c8a22000 r-xp 00002000 fd:01 1234                       /usr/bin/cat\n"
	"55d0c9000000-55d0c9021000 rw-p 00000000 00:00 0                          [heap]\n"
	"7f1c2a000000-7f1c2a100000 r-xp 00010000 08:02 99   /opt/my app/lib x.so (deleted)\n"
	"7f1c2b000000-7f1c2b001000 r-xp 00000000 00:00 0 \n"
	"7ffd5e9f0000-7ffd5e9f2000 r-xp 00000000 00:00 0                          [vdso]\n";
/* clang-format on */

Test(sym_maps, parses_executable_mappings)
{
	struct sym_maps m;
	char err[128];

	sym_maps_init(&m);
	cr_assert_eq(sym_maps_parse(&m, MAPS, strlen(MAPS), err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(m.count, 4);
	cr_expect_str_eq(m.mods[0].path, "/usr/bin/cat");
	cr_expect_eq(m.mods[0].start, 0x55d0c8a1d000);
	cr_expect_eq(m.mods[0].end, 0x55d0c8a22000);
	cr_expect_eq(m.mods[0].offset, 0x2000);
	cr_expect_eq(m.mods[0].inode, 1234);
	cr_expect_neq(m.mods[0].dev, 0);
	cr_expect_str_eq(m.mods[1].path, "/opt/my app/lib x.so (deleted)");
	cr_expect_eq(m.mods[1].offset, 0x10000);
	cr_expect_str_eq(m.mods[2].path, "");
	cr_expect_str_eq(m.mods[3].path, "[vdso]");

	cr_expect_eq(sym_maps_find(&m, 0x55d0c8a1d000), &m.mods[0]);
	cr_expect_eq(sym_maps_find(&m, 0x55d0c8a21fff), &m.mods[0]);
	cr_expect_null(sym_maps_find(&m, 0x55d0c8a22000));
	cr_expect_null(sym_maps_find(&m, 0x55d0c8a1c000)); /* not executable */
	cr_expect_eq(sym_maps_find(&m, 0x7ffd5e9f0100), &m.mods[3]);
	cr_expect_null(sym_maps_find(&m, 0));
	sym_maps_release(&m);
	cr_expect_eq(m.count, 0);
}

Test(sym_maps, malformed_lines_name_their_number)
{
	static const char *bad[] = {
	    "1000-2000 r-xp 00000000 00:00 0 /a\nzz-3000 r-xp 0 00:00 0 /b\n",
	    "1000-2000 r-xp 00000000 00:00 0 /a\n3000-2000 r-xp 0 00:00 0 /b\n",
	    "1000-2000 r-xp 00000000 00:00 0 /a\n3000-4000 r-x 0 00:00 0 /b\n",
	    "1000-2000 r-xp 00000000 00:00 0 /a\n3000-4000 r-xp 0 0000 0 /b\n",
	    "1000-2000 r-xp 00000000 00:00 0 /a\n3000-4000 r-xp 0 00:00 x /b\n",
	    "1000-2000 r-xp 00000000 00:00 0 /a\n1800-4000 r-xp 0 00:00 0 /b\n",
	    "1000-2000 r-xp 00000000 00:00 0 /a\n11111111111111111-4000 r-xp 0 00:00 0\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sym_maps m;
		char err[128] = "";

		sym_maps_init(&m);
		cr_expect_eq(sym_maps_parse(&m, bad[i], strlen(bad[i]), err, sizeof(err)), -EINVAL,
		             "case %zu accepted", i);
		cr_expect(!strncmp(err, "line 2: ", 8), "case %zu: %s", i, err);
		cr_expect_eq(m.count, 1);
		sym_maps_release(&m);
	}
}

Test(sym_maps, reads_this_process)
{
	struct sym_maps m;
	char err[256];

	sym_maps_init(&m);
	cr_assert_eq(sym_maps_read(&m, getpid(), err, sizeof(err)), 0, "%s", err);
	cr_expect_not_null(sym_maps_find(&m, (uint64_t)(uintptr_t)probe_function));
	cr_expect_lt(sym_maps_read(&m, 0, err, sizeof(err)), 0);
	cr_expect_not_null(strstr(err, "/proc/0/maps"), "%s", err);
	sym_maps_release(&m);
}
