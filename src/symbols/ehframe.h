/*
 * ehframe — the function bounds an ELF file's .eh_frame declares, for
 * naming the functions of a stripped module (private to src/symbols).
 *
 * Contract: every function here is a pure function of the bytes it is
 * given, which come from a file perftop did not write and must be treated
 * as hostile: any input, of any length and content, gives an answer without
 * reading outside [buf, buf + size) and without undefined behaviour. Malformed entries are skipped
 * (a broken FDE), or end the walk (a length running past the end); nothing is reported, since the
 * caller falls back to "module+0xPC" for what no FDE covers. Pointers
 * encoded relative to something only the running process knows (indirect,
 * text- or function-relative) are not resolved: their FDEs are skipped.
 * The fuzz target is tests/fuzz/fuzz_ehframe.c.
 *
 * Ownership: struct ehframe_table owns its array; ehframe_release() frees it.
 */
#ifndef PERFTOP_SYMBOLS_EHFRAME_H
#define PERFTOP_SYMBOLS_EHFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	EHFRAME_CIE_CACHE = 16, /* CIEs remembered during one walk */
	EHFRAME_WALKBACK = 8,   /* FDEs looked at behind an address for one that covers it */
};

/* How the file stores numbers: ELFCLASS64 or 32, and byte order. */
struct ehframe_format {
	bool is64, big_endian;
};

/* One FDE's code range, [start, end), in file addresses; start > 0 and
 * end > start. */
struct ehframe_range {
	uint64_t start, end;
};

/* The ranges of one module, sorted by start, then end. Zero-initialised is
 * an empty table. */
struct ehframe_table {
	struct ehframe_range *v;
	size_t n, alloc;
};

/* Walks every FDE of an .eh_frame section's contents (buf, size bytes,
 * loaded at file address vaddr) and adds its range to t, then sorts t.
 * Stops at a zero terminator or at an entry whose length runs past size. */
void ehframe_read(struct ehframe_table *t, const uint8_t *buf, size_t size, uint64_t vaddr,
                  struct ehframe_format fmt);

/* Reads the address of .eh_frame from the contents of .eh_frame_hdr (the
 * PT_GNU_EH_FRAME segment: buf, size bytes, loaded at vaddr). Returns 0 with
 * *eh_vaddr set, or -1 for a header that is short, of another version or
 * whose pointer cannot be resolved from the file. */
int ehframe_hdr_target(const uint8_t *buf, size_t size, uint64_t vaddr, struct ehframe_format fmt,
                       uint64_t *eh_vaddr);

/* The range that covers addr, or NULL. Looks at the EHFRAME_WALKBACK ranges
 * that start last at or below addr, latest first, and returns the first that
 * covers addr: of overlapping ranges, the innermost. */
const struct ehframe_range *ehframe_find(const struct ehframe_table *t, uint64_t addr);

/* Frees the ranges and empties t. */
void ehframe_release(struct ehframe_table *t);

#endif
