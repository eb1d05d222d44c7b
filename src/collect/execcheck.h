/*
 * execcheck — why the agent cannot load into an executable, said before
 * anyone waits for it.
 *
 * The agent reaches a program through LD_PRELOAD, which only the dynamic
 * loader reads, and which the loader ignores in secure-execution mode. So
 * an executable without a PT_INTERP program header (static), one whose
 * set-user-ID or set-group-ID bit gives it another identity than the user
 * who starts it, and one with file capabilities (security.capability, for
 * a user other than root, who gains nothing from them) will never have the
 * agent: perftop says which, in the header, in --batch and
 * in record's summary, instead of "agent: not connected".
 */
#ifndef PERFTOP_COLLECT_EXECCHECK_H
#define PERFTOP_COLLECT_EXECCHECK_H

#include <stddef.h>
#include <sys/types.h>

/* Checks the executable at path (a file, or /proc/PID/exe) as run by user
 * uid and group gid. Returns 1 with the reason in why ("static executable
 * (no PT_INTERP): LD_PRELOAD cannot load the agent") when the agent cannot
 * load, 0 when nothing stops it (including a script or a file that is not
 * ELF: its interpreter is what runs), or a negative errno when path cannot
 * be read (why is then empty). */
int execcheck_agent(const char *path, uid_t uid, gid_t gid, char *why, size_t why_len);

#endif
