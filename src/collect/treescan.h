/*
 * treescan — what /proc says of the launched tree outside the libproc2
 * reading: a process's parent (read at an agent's hello, so a process that
 * lives shorter than a tick still joins the tree) and the children of a
 * process (/proc/PID/task/TID/children, so the tree's members without an
 * agent are found and read each tick, and perftop finds the orphans it
 * adopted as child subreaper).
 */
#ifndef PERFTOP_COLLECT_TREESCAN_H
#define PERFTOP_COLLECT_TREESCAN_H

#include <stddef.h>
#include <sys/types.h>

/* pid's parent from /proc/PID/stat; 0 when it cannot be read (gone). */
pid_t treescan_parent(pid_t pid);

/* Appends pid's children (of every thread, zombies included) to *out
 * (*n entries, *cap allocated; grown with xreallocarray), each once even if
 * already there. Returns how many were added. A process without the
 * children files (kernel without CONFIG_PROC_CHILDREN, or gone) adds none. */
size_t treescan_children(pid_t pid, pid_t **out, size_t *n, size_t *cap);

#endif
