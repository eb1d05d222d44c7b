/*
 * elfmod — one ELF module opened for symbolization (private to src/symbols).
 *
 * Holds the file's libelf handle, its separate debug file when one is found,
 * the function symbols (sorted), the function bounds from .eh_frame (read on
 * first need) and a libdw handle with a table of compile-unit ranges (built
 * on first need). Names and file names handed out point into these handles
 * and stay valid until elfmod_close(); the symbolizer copies what it keeps.
 */
#ifndef PERFTOP_SYMBOLS_ELFMOD_H
#define PERFTOP_SYMBOLS_ELFMOD_H

#include <stddef.h>
#include <stdint.h>

#include "symbols/sym_module.h"

struct elfmod;

/* What one address resolves to inside a module. */
struct elfmod_hit {
	const char *name; /* symbol name, or NULL for an unnamed function */
	enum sym_source source;
	uint64_t start, size; /* the function's bounds (file addresses); size 0 = unknown */
	const char *file;     /* source file and line of the address, or NULL / 0 */
	int line;
	const char *func_file; /* source file and line of the function's start */
	int func_line;
};

/* Opens the file of want->path and finds its debug file under debug_root
 * (see symbolizer.h). When want gives a build-id, or an inode on the file's
 * device, the file's must match. Returns 0 with *out set, or a negative errno with a message
 * quoting the file in err: -ENOENT and friends from open(2), -EINVAL for
 * what is not a regular file, -ENOEXEC for a file that is not a usable ELF
 * executable or shared object (garbage, truncated), -ESTALE for another
 * build-id or inode (the file was replaced since it was mapped). */
int elfmod_open(struct elfmod **out, const struct sym_module *want, const char *debug_root,
                char *err, size_t err_len);
/* Releases every handle. NULL is allowed. */
void elfmod_close(struct elfmod *em);

/* Converts a file offset inside one of the PT_LOAD segments to the file
 * address (p_vaddr space) the symbols and DWARF use. Returns 0 or -ERANGE. */
int elfmod_offset_to_addr(const struct elfmod *em, uint64_t offset, uint64_t *addr);

/* Resolves a file address. Never fails: an address nothing covers comes back
 * with source SYM_SOURCE_NONE and start == addr. */
void elfmod_lookup(struct elfmod *em, uint64_t addr, struct elfmod_hit *hit);

/* Where the symbols and the line table come from, for messages and tests:
 * the debug file's path, or NULL when none was used. */
const char *elfmod_debug_path(const struct elfmod *em);

#endif
