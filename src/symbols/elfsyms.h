/*
 * elfsyms — where a mapped ELF module defines named symbols, in the address
 * space of the process that maps it: for readers that find a runtime's data
 * in another process by its exported symbols (CPython's Py_Version and
 * _PyRuntime), never by file names. The caller owns every buffer; nothing
 * is kept open after a call.
 */
#ifndef PERFTOP_SYMBOLS_ELFSYMS_H
#define PERFTOP_SYMBOLS_ELFSYMS_H

#include <stddef.h>
#include <stdint.h>

/* One symbol looked up: name in; found, addr (in the process) and size out. */
struct elfsyms_want {
	const char *name;
	int found;
	uint64_t addr, size;
};

/* Looks up each of want[0..n) among the defined symbols (.dynsym, then
 * .symtab) of the ELF file at path, which the process maps at map_start
 * from file offset map_offset (a line of /proc/PID/maps); addresses come
 * back in the process's space. Returns the number found (0 is no error),
 * or a negative errno with a message quoting path in err: -ENOENT and the
 * like from open(2), -ENOEXEC for what is not an ELF executable or shared
 * object, -ERANGE when no loadable segment holds map_offset. */
int elfsyms_lookup(const char *path, uint64_t map_start, uint64_t map_offset,
                   struct elfsyms_want *want, size_t n, char *err, size_t err_len);

#endif
