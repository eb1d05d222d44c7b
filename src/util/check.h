/*
 * check — PT_ASSERT(cond) for invariants a comment or a contract states
 * (an index below a length, a ring that has not wrapped yet): when cond is
 * false, the program stops through fatal() with the file, line and the
 * condition, after fatal()'s hook has restored the terminal.
 *
 * Always on, in every build: the checks are one comparison each, and an
 * invariant broken in a release build is better reported than read past.
 * Not for the agent (src/agent): it must never stop the program it lives
 * in, and it does not link xalloc.
 */
#ifndef PERFTOP_UTIL_CHECK_H
#define PERFTOP_UTIL_CHECK_H

#include "util/xalloc.h"

#define PT_ASSERT(cond)                                                                            \
	((cond) ? (void)0 : fatal("%s:%d: invariant broken: %s", __FILE__, __LINE__, #cond))

#endif
