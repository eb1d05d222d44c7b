/*
 * sym_module — what the symbols layer knows of one mapped module: the
 * mapping (struct sym_module) and where a function's name came from
 * (enum sym_source). Types only, shared by the maps parser (sym_maps), the
 * ELF reader (elfmod) and the symbolizer that drives both, so that neither
 * of the first two has to include the symbolizer's header.
 */
#ifndef PERFTOP_SYMBOLS_SYM_MODULE_H
#define PERFTOP_SYMBOLS_SYM_MODULE_H

#include <stddef.h>
#include <stdint.h>

enum {
	SYM_BUILD_ID_MAX = 64, /* longest build-id kept, in bytes */
};

/* One mapping of one module in one process, as /proc/PID/maps or the
 * agent's MAPS message describes it. */
struct sym_module {
	const char *path;        /* "/usr/lib/x86_64-linux-gnu/libc.so.6", "[vdso]"; NULL = "" */
	uint64_t start, end;     /* [start, end) in the process */
	uint64_t offset;         /* file offset mapped at start */
	uint64_t dev, inode;     /* from the maps line (makedev form); 0 when unknown */
	const uint8_t *build_id; /* NULL when unknown */
	size_t build_id_len;
};

/* Where a frame's function name came from. */
enum sym_source {
	SYM_SOURCE_SYMTAB,   /* .symtab of the file or of its debug file */
	SYM_SOURCE_DYNSYM,   /* .dynsym */
	SYM_SOURCE_EH_FRAME, /* unnamed function, bounds from .eh_frame: "module+0xSTART" */
	SYM_SOURCE_NONE,     /* nothing known: "module+0xPC" */
};

#endif
