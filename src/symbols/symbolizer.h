/*
 * symbolizer — program counters to function, module and file:line.
 *
 * Reads the ELF file behind a mapping: its .symtab, else .dynsym; a separate
 * debug file found through /usr/lib/debug/.build-id or .gnu_debuglink; the
 * DWARF line table through libdw. A stripped module is never guessed: a pc
 * that no sized symbol covers gets the bounds of its function from .eh_frame
 * and is named "module+0xSTART" after that function's first byte (a file
 * address, as nm and objdump print them), never after the nearest exported
 * symbol; a pc that no FDE covers either is named "module+0xPC".
 *
 * Results are cached per (module, file offset). A module is known by its
 * path plus its build-id, or plus the device and inode from the maps line,
 * so the same library mapped at other addresses in other processes shares
 * the cache. The ELF and DWARF handles of at most SYMBOLIZER_MAX_OPEN
 * modules stay open; the least recently used one is closed beyond that.
 *
 * Ownership: the symbolizer owns every string a sym_frame points to; they
 * stay valid until symbolizer_free(). The caller owns struct sym_module and
 * the strings it points to. Not thread-safe: one thread at a time.
 */
#ifndef PERFTOP_SYMBOLS_SYMBOLIZER_H
#define PERFTOP_SYMBOLS_SYMBOLIZER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "symbols/sym_module.h"

enum {
	SYMBOLIZER_MAX_OPEN = 64,        /* default cap on modules kept open */
	SYMBOLIZER_MAX_CACHED = 1 << 18, /* cached frames (~100 bytes each) before a reset */
};

struct sym_frame {
	const char *function;  /* "parse_header", "liblzma.so.5+0x1a2b0" */
	const char *module;    /* basename of the mapping's path */
	const char *file;      /* source file of pc, or NULL */
	int line;              /* line of pc, 0 when unknown */
	const char *func_file; /* source file where the function starts, or NULL */
	int func_line;         /* line where the function starts, 0 when unknown */
	uint64_t addr;         /* pc as a file address (or file offset for NONE without ELF) */
	uint64_t func_start;   /* the function's first byte, file address; addr for NONE */
	uint64_t func_size;    /* 0 when unknown */
	enum sym_source source;
};

struct sym_stats {
	uint64_t lookups; /* symbolizer_resolve() calls */
	uint64_t hits;    /* answered from the cache */
	uint64_t opened;  /* ELF files opened (again after eviction included) */
	uint64_t evicted; /* modules closed to stay under the cap */
	uint64_t failed;  /* modules that could not be read */
	size_t open_now;  /* modules open at the moment */
};

struct sym_maps;

/* A new symbolizer with an empty cache. Never NULL. */
struct symbolizer *symbolizer_new(void);
/* Closes every module and frees every string handed out. NULL is allowed. */
void symbolizer_free(struct symbolizer *sym);

/* Where separate debug files live; default "/usr/lib/debug". Looked up as
 * ROOT/.build-id/xx/rest.debug and ROOT/<dir of the module>/<debuglink>. */
void symbolizer_set_debug_root(struct symbolizer *sym, const char *dir);
/* Cap on modules whose ELF and DWARF handles stay open (at least 1). */
void symbolizer_set_max_open(struct symbolizer *sym, size_t max_open);

/* Resolves pc (an address inside mod; for a return address pass it minus
 * one) into *out. Returns 0, also for an unnamed function. Returns a negative
 * errno when the module's file cannot be used (missing, not ELF, truncated,
 * another build-id or inode than the mapping's, pc outside the mapping); *out then
 * still holds "module+0xOFFSET" (SYM_SOURCE_NONE) and symbolizer_error()
 * says why, quoting the file. A module that failed is not retried. */
int symbolizer_resolve(struct symbolizer *sym, const struct sym_module *mod, uint64_t pc,
                       struct sym_frame *out);

/* The message of the last call that returned a negative errno ("" if none).
 * Valid until the next call on sym. */
const char *symbolizer_error(const struct symbolizer *sym);

/* Counters since symbolizer_new(). */
void symbolizer_stats(const struct symbolizer *sym, struct sym_stats *out);

/* Reads /proc/PID/maps into *maps (see sym_maps.h). Returns 0 or a negative
 * errno with the reason in symbolizer_error(). */
int symbolizer_load_maps(struct symbolizer *sym, pid_t pid, struct sym_maps *maps);

#endif
