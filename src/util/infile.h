/*
 * infile — opening a file perftop reads whole (a snapshot, a budget, a
 * theme) without ever waiting at the open: a FIFO, a terminal or a device
 * given by mistake is refused with what it is, instead of blocking on a
 * writer that never comes or becoming perftop's controlling terminal.
 */
#ifndef PERFTOP_UTIL_INFILE_H
#define PERFTOP_UTIL_INFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Opens path read-only and close-on-exec, with O_NONBLOCK and O_NOCTTY so
 * the open itself never waits, and keeps it only when it is a regular file
 * (reads are then plain blocking reads again). Returns the descriptor, or
 * a negative errno with the reason in why: strerror() for a failed open,
 * "it is a FIFO (named pipe), not a regular file" (-EINVAL; -EISDIR for a
 * directory) for the rest. The caller prefixes why with its own
 * "cannot read budget 'PATH': ". */
int infile_open(const char *path, char *why, size_t why_len);

/* What a file of this mode is, for messages: "a directory", "a FIFO
 * (named pipe)", "a character device", ... or "not a regular file". */
const char *infile_kind(mode_t mode);

#endif
