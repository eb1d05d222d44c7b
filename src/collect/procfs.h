/*
 * procfs — reads the machine and its processes through libproc2.
 *
 * One `struct procfs` keeps libproc2's handles (stat, meminfo, pids) alive
 * between reads, as top does, and owns the buffers a reading points into.
 * It only reads raw counters; every rate is derived by the model.
 */
#ifndef PERFTOP_COLLECT_PROCFS_H
#define PERFTOP_COLLECT_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

#include "model/model.h"

struct procfs;

/* Opens the libproc2 handles. Returns 0, or a negative errno. */
int procfs_open(struct procfs **out);
void procfs_close(struct procfs *pf);

/* Reads system figures and either every process (pids == NULL) or only the
 * listed ones (absent pids are simply missing from the result). Fills r;
 * r's arrays and strings belong to pf and stay valid until the next read.
 * r->full_scan is set when every process was read. Returns 0 or -errno. */
int procfs_read(struct procfs *pf, const pid_t *pids, size_t npids, struct tick_reading *r);

/* Checks that pid names a process perftop can read. Returns 0, or a negative
 * errno with a one-line reason ("no such process", "permission denied")
 * written to why. */
int procfs_check_pid(pid_t pid, char *why, size_t why_len);

#endif
