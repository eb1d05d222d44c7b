/*
 * capture — the command's output under `perftop run`'s screen: the read end
 * of the pipe the command writes its stdout/stderr to, copied into a file
 * (up to a size cap, after which bytes are dropped and counted, never
 * failing the command) and its last lines kept in the model (m->output)
 * for the Log tab. The collector reads it as one of its sources.
 */
#ifndef PERFTOP_COLLECT_CAPTURE_H
#define PERFTOP_COLLECT_CAPTURE_H

#include "model/model.h"

struct capture;

/* Takes ownership of pipe_fd (made non-blocking) and file_fd (-1: no file).
 * cap: the most bytes written to the file, 0 for no cap. */
struct capture *capture_new(int pipe_fd, int file_fd, unsigned long long cap);

/* The descriptor to wait on for input. */
int capture_fd(const struct capture *cp);

/* Reads what is there (one bounded chunk), writes it to the file and adds
 * its complete lines to m->output (taking the model's lock). Returns 0, or
 * -1 once the pipe is at its end or failed (the caller stops waiting on it). */
int capture_read(struct capture *cp, struct model *m);

/* Closes both descriptors (the file keeps what was written) and frees cp. */
void capture_free(struct capture *cp);

#endif
