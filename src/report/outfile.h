/*
 * outfile — writing a file so that it appears whole or not at all.
 *
 * Output goes to a temporary file next to the destination (same directory,
 * so the rename cannot cross file systems); outfile_commit() checks every
 * write, flushes, syncs and renames it over the final name. A crash, a full
 * disk or an error leaves the destination as it was. The path "-" means
 * standard output, written directly.
 *
 * Only regular files are written (util/outpath.h): a directory, FIFO,
 * socket, device or a path on /proc, /sys and the like is refused, a
 * missing directory too; a symbolic link to a regular file is followed and
 * its target replaced (the link stays). outfile_check() asks the same
 * question without writing, so a command can refuse a bad path before it
 * starts any work.
 */
#ifndef PERFTOP_REPORT_OUTFILE_H
#define PERFTOP_REPORT_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct outfile {
	FILE *f;        /* where to write, after outfile_open() succeeded */
	char *path;     /* the final name (owned): a symbolic link's target */
	char *tmp;      /* the temporary file's name (owned), NULL for stdout */
};

/* Whether path can be written as above ("-" always can), creating and
 * changing nothing. Returns 0, or a negative errno with "cannot write
 * 'PATH': reason" in why (e.g. "... it is a character device, and perftop
 * writes only regular files", "... the directory 'x' does not exist"). */
int outfile_check(const char *path, char *why, size_t why_len);

/* Checks path (outfile_check) and opens a temporary file beside it ("-":
 * stdout). Returns 0, or a negative errno with "cannot write 'path':
 * reason" in why. */
int outfile_open(struct outfile *o, const char *path, char *why, size_t why_len);

/* Finishes the file: flush, fsync, close, and rename onto the final name.
 * Returns 0, or a negative errno with the reason in why; on failure the
 * temporary file is removed. Frees o's strings either way. */
int outfile_commit(struct outfile *o, char *why, size_t why_len);

/* Gives up: closes and removes the temporary file, frees o's strings. */
void outfile_abort(struct outfile *o);

#endif
