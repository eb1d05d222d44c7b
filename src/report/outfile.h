/*
 * outfile — writing a file so that it appears whole or not at all.
 *
 * Output goes to a temporary file next to the destination (same directory,
 * so the rename cannot cross file systems); outfile_commit() checks every
 * write, flushes, syncs and renames it over the final name. A crash, a full
 * disk or an error leaves the destination as it was. The path "-" means
 * standard output, written directly.
 */
#ifndef PERFTOP_REPORT_OUTFILE_H
#define PERFTOP_REPORT_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct outfile {
	FILE *f;        /* where to write, after outfile_open() succeeded */
	char *path;     /* the final name (owned) */
	char *tmp;      /* the temporary file's name (owned), NULL for stdout */
};

/* Opens a temporary file for path ("-": stdout). Returns 0, or a negative
 * errno with "cannot write 'path': reason" in why. */
int outfile_open(struct outfile *o, const char *path, char *why, size_t why_len);

/* Finishes the file: flush, fsync, close, and rename onto the final name.
 * Returns 0, or a negative errno with the reason in why; on failure the
 * temporary file is removed. Frees o's strings either way. */
int outfile_commit(struct outfile *o, char *why, size_t why_len);

/* Gives up: closes and removes the temporary file, frees o's strings. */
void outfile_abort(struct outfile *o);

#endif
