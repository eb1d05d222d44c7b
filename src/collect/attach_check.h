/*
 * attach_check — why perftop cannot sample a process from outside, each
 * cause told on its own with what to do instead.
 *
 * Before any event is opened: the kernel's perf_event_paranoid level, the
 * target's user against ours, whether the target is dumpable. After a
 * failed perf_event_open or mmap: the error explained (the locked-memory
 * budget of the ring buffers among them). Texts only; nothing is changed.
 */
#ifndef PERFTOP_COLLECT_ATTACH_CHECK_H
#define PERFTOP_COLLECT_ATTACH_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Checks what can be known before sampling pid. Returns 0 when nothing is
 * in the way, else a negative errno (-ESRCH: no such process; -EACCES) with
 * every cause found in why, joined by "; ", each with its remedy. */
int attach_check(pid_t pid, char *why, size_t why_len);

/* Explains err (a negative errno) from perf_event_open (on_mmap false) or
 * from mapping the ring buffer (on_mmap true) for pid, in why. */
void attach_check_explain(pid_t pid, int err, bool on_mmap, char *why, size_t why_len);

/* kernel.perf_event_paranoid as /proc has it, or INT_MIN when unreadable. */
int attach_check_paranoid(void);

#endif
