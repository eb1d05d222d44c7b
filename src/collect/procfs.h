/*
 * procfs — reads the machine and its processes through libproc2.
 *
 * One `struct procfs` keeps libproc2's handles (stat, meminfo, pids) alive
 * between reads, as top does, and owns the buffers a reading points into.
 * It only reads raw counters; every rate is derived by the model.
 *
 * Cost: perftop reads every process each tick while the list is shown, so
 * a process costs one file there: /proc/PID/stat (libproc2 asked only for
 * items stat holds). The costly details — I/O counters (/proc/PID/io),
 * context switches (/proc/PID/status) and the open fd count (/proc/PID/fd)
 * — are read only for the "detail" processes: the listed pids of a partial
 * read, and in a full scan those named with procfs_set_detail() (the
 * watched ones). Every other process reads io_ok false, csw_ok false and
 * fds -1. Command lines are read directly from /proc/PID/cmdline (up to
 * PROCFS_CMDLINE_MAX bytes) and cached per process: read again only after
 * an exec (the comm changed), a pid reuse, or PROCFS_CMDLINE_REFRESH_S, and
 * at every reading of a detail process (an exec may keep the comm).
 */
#ifndef PERFTOP_COLLECT_PROCFS_H
#define PERFTOP_COLLECT_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

#include "model/model.h"

struct procfs;

enum {
	PROCFS_CMDLINE_MAX = 4096,     /* longer command lines are cut */
	PROCFS_CMDLINE_REFRESH_S = 10, /* a cached command line is re-read this often */
};

/* Opens the libproc2 handles. Returns 0, or a negative errno. */
int procfs_open(struct procfs **out);
/* Closes the handles and frees pf and all a reading points into; NULL is a no-op. */
void procfs_close(struct procfs *pf);

/* Reads system figures and either every process (pids == NULL) or only the
 * listed ones (absent pids are simply missing from the result). Fills r;
 * r's arrays and strings belong to pf and stay valid until the next read.
 * r->full_scan is set when every process was read, else r->asked points at
 * pids (which must be sorted, for the model's lookups). Listed pids are
 * read with their details (see above). Returns 0 or -errno. */
int procfs_read(struct procfs *pf, const pid_t *pids, size_t npids, struct tick_reading *r);

/* Names the processes whose details a full scan reads too (a copy is
 * kept until the next call); npids 0 clears the set. */
void procfs_set_detail(struct procfs *pf, const pid_t *pids, size_t npids);

/* Checks that pid names a process perftop can read. Returns 0, or a negative
 * errno with a one-line reason ("no such process", "permission denied",
 * "N is a thread of process M, not a process", "not a process id") written
 * to why; the caller names the pid in its own message. */
int procfs_check_pid(pid_t pid, char *why, size_t why_len);

#endif
