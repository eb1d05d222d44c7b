/*
 * sym_maps — a process's executable mappings, as the symbolizer wants them.
 *
 * sym_maps_parse() is a pure function on the text of /proc/PID/maps; only
 * sym_maps_read() touches the file system (the collector is meant to be the
 * one caller that reads /proc; tests use it on themselves). Only executable
 * mappings are kept, because only they can hold a program counter. A
 * struct sym_maps owns its array and every path in it.
 */
#ifndef PERFTOP_SYMBOLS_SYM_MAPS_H
#define PERFTOP_SYMBOLS_SYM_MAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "symbols/sym_module.h"

/* Named limits of the parser and the reader. */
enum {
	SYM_MAPS_MAX_ENTRIES = 1 << 20, /* executable mappings kept */
	SYM_MAPS_MAX_LINE = 8192,       /* bytes in one line, path included */
	SYM_MAPS_MAX_BYTES = 64 << 20,  /* size of the whole maps file */
};

struct sym_maps {
	struct sym_module *mods; /* sorted by start, not overlapping; paths owned */
	size_t count, alloc;
};

void sym_maps_init(struct sym_maps *maps);
/* Frees every path and the array; leaves maps empty and reusable. */
void sym_maps_release(struct sym_maps *maps);

/* Appends the executable mappings found in text[0..len) (the format of
 * /proc/PID/maps) to maps. Returns 0, or -EINVAL with "line N: reason" in
 * err when a line is malformed or a limit is exceeded; maps then holds the
 * lines before the bad one. Mappings must come in ascending order, as the
 * kernel writes them. */
int sym_maps_parse(struct sym_maps *maps, const char *text, size_t len, char *err, size_t err_len);

/* Reads and parses /proc/PID/maps into maps (emptied first). Returns 0, or a
 * negative errno with a message quoting the file in err. */
int sym_maps_read(struct sym_maps *maps, pid_t pid, char *err, size_t err_len);

/* The mapping that holds pc, or NULL. Binary search. */
const struct sym_module *sym_maps_find(const struct sym_maps *maps, uint64_t pc);

#endif
