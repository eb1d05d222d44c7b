/* demangle — C++ and Rust names through libiberty's demangler; see demangle.h. */
#include "symbols/demangle.h"

#include <libiberty/demangle.h>
#include <stdlib.h>

char *sym_demangle(const char *name)
{
	/* Itanium C++ and Rust legacy start with _Z, Rust v0 with _R: spare
	 * the demangler every C name. */
	if (!name || name[0] != '_' || (name[1] != 'Z' && name[1] != 'R'))
		return NULL;
	/* DMGL_AUTO tries Rust (legacy and v0) first, then GNU v3 (Itanium). */
	return cplus_demangle(name, DMGL_PARAMS | DMGL_ANSI | DMGL_AUTO);
}
