/*
 * procperm — why this process may not read another one's memory
 * (process_vm_readv, /proc/PID/maps: what ptrace's attach needs), in words
 * a person can act on: another user's process, a process that is not
 * dumpable, Yama's ptrace_scope, root without CAP_SYS_PTRACE. Reads only
 * /proc and this process's own credentials.
 */
#ifndef PERFTOP_COLLECT_PROCPERM_H
#define PERFTOP_COLLECT_PROCPERM_H

#include <stddef.h>
#include <sys/types.h>

/* Writes into err (len bytes, NUL-terminated) why pid's memory may not be
 * read, after a read of what (e.g. "its memory map") was refused, and
 * what to do: run as root or as the process's user, start it under
 * perftop, change kernel.yama.ptrace_scope, add CAP_SYS_PTRACE. */
void procperm_explain(pid_t pid, const char *what, char *err, size_t len);

#endif
