/*
 * outpath — may perftop write a file at this path? One answer for every
 * writer (snapshots, reports, exports), asked before any work starts and
 * again just before the write.
 *
 * perftop writes only regular files, through a temporary file in the same
 * directory renamed over the name. So the name must be either missing (in
 * an existing, writable directory) or a regular file; a directory, FIFO,
 * socket or device is refused, and so is any path on a kernel file system
 * (/proc, /sys, cgroup, debugfs, ...), where a rename would replace what
 * the kernel shows or a write would change a setting.
 *
 * Symbolic links are followed, deliberately: a link to an existing regular
 * file is written through (the target is replaced, the link stays a link,
 * as `cmd > link` would do), and the target is checked as above. A link to
 * anything else, or to nothing (a dangling link), is refused.
 */
#ifndef PERFTOP_UTIL_OUTPATH_H
#define PERFTOP_UTIL_OUTPATH_H

#include <stddef.h>

/* Checks path (see above) without creating or changing anything. On
 * success returns 0 and puts in target the name to write: path itself, or
 * the absolute name of the regular file a symbolic link leads to. On
 * failure returns a negative errno and puts the reason in why, for the
 * caller to prefix with its own "cannot write 'PATH': ", e.g. "it is a FIFO
 * (named pipe), and perftop writes only regular files" or "the directory
 * 'out' does not exist"; target is then "". target_len should be
 * PATH_MAX; a name too long for a temporary file beside it is refused. */
int outpath_check(const char *path, char *target, size_t target_len, char *why, size_t why_len);

#endif
