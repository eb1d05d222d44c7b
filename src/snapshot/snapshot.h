/*
 * snapshot — what perftop saw, saved to a file and loaded back into a model.
 *
 * A snapshot holds every process of the model with its series, the system
 * figures, perftop's log, and each agent's profile: resolved functions
 * (name, module, file, line), interned stacks, the samples per (stack,
 * thread) with the live window's per-second counts, zones with their
 * histograms and exact figures, counters with their series, marks, and the
 * agent's rate and drops. Loading replays the samples through the profile,
 * so the flat table, the trees and the live windows come back as they were;
 * nothing is symbolized again, so a file opens on a machine without the
 * program. docs/snapshot.md describes the format.
 *
 * Saving is two steps so that a live model's lock is held only while the
 * model is copied into memory: snapshot_encode() (caller holds the lock),
 * then snapshot_write() (compress, write a temporary file in the target's
 * directory, fsync, rename: a crash or a full disk never leaves a half file
 * under the final name, and an old file of that name stays intact on
 * failure). snapshot_save() does both.
 *
 * Loading never trusts the file: every count and length is checked against
 * the named limits below and the bytes left before anything is allocated,
 * and a bad file gives "offset N: reason", never a crash.
 */
#ifndef PERFTOP_SNAPSHOT_SNAPSHOT_H
#define PERFTOP_SNAPSHOT_SNAPSHOT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "model/model.h"
#include "util/bytebuf.h"

enum {
	SNAPSHOT_FORMAT_MAJOR = 1, /* a file of another major is refused */
	SNAPSHOT_FORMAT_MINOR = 3, /* an older or newer minor opens; 1.1 added the agent's cost,
				      1.2 interpreted functions and their lines, 1.3 the
				      process tree (parents, members, CPU time) and the
				      samples' source (sampled from outside) */
};

/* Limits of the loader (the saver keeps within them: longer strings are
 * cut, deeper stacks were already cut by the profile). */
#define SNAPSHOT_MAX_FILE_BYTES (1ull << 30) /* stored bytes, and the contents uncompressed */
#define SNAPSHOT_MAX_STRING     65536u       /* bytes of one string (names, command lines) */
#define SNAPSHOT_MAX_DEPTH      512u         /* frames of one stack (PROFILE_MAX_DEPTH) */
#define SNAPSHOT_MAX_COUNT      (1u << 24)   /* functions, stacks, pairs, window entries, ... */
#define SNAPSHOT_MAX_PROCESSES  (1u << 22)   /* processes (pid_max) */
#define SNAPSHOT_MAX_SERIES     (1u << 20)   /* values of one series */
#define SNAPSHOT_MAX_CPUS       65536u       /* CPUs of the machine */

enum { SNAPSHOT_COMMAND_LEN = 4096, SNAPSHOT_HOST_LEN = 256 };

/* What a snapshot says about itself. */
struct snapshot_meta {
	unsigned format_major, format_minor; /* loaded: the file's; saving writes this build's */
	char version[32];                    /* the perftop that wrote it */
	char host[SNAPSHOT_HOST_LEN];
	char command[SNAPSHOT_COMMAND_LEN]; /* the command recorded, or "" */
	pid_t pid;                          /* the process it is about, 0: the machine */
	double start_time, end_time;        /* wall clock, seconds since the epoch */
};

/* Fills meta for saving: this perftop's version, the host name, end_time
 * now, start_time now, no command, pid 0. */
void snapshot_meta_init(struct snapshot_meta *meta);

/* Encodes m and meta into out (a util/bytebuf, emptied first; the caller
 * releases it with bytebuf_release). Caller holds m's lock if
 * the model is live; this is the only step that reads the model (its time
 * is in docs/PERFORMANCE.md, "Snapshot files"). Never fails. */
void snapshot_encode(const struct model *m, const struct snapshot_meta *meta,
                     struct bytebuf *out);

/* Writes an encoded snapshot to path: compressed, through a temporary file
 * in the same directory that is fsync'd and renamed over path. Returns 0,
 * or a negative errno with "cannot save snapshot 'PATH': reason" in why;
 * then path is untouched and no temporary file is left. */
int snapshot_write(const struct bytebuf *b, const char *path, char *why, size_t why_len);

/* snapshot_encode() then snapshot_write(); the caller holds m's lock if the
 * model is live, for the whole save (use the two steps to avoid that). */
int snapshot_save(const struct model *m, const struct snapshot_meta *meta, const char *path,
                  char *why, size_t why_len);

/* Loads path into m, which this initialises (model_init with the file's
 * tick): on success the caller owns m (model_release) and meta describes
 * the file. On failure m needs no release, and why says "cannot open
 * snapshot 'PATH': offset N: reason" (or the system's reason); returns a
 * negative errno: -EINVAL for a bad file, -EPROTONOSUPPORT for another
 * major version. */
int snapshot_load(struct model *m, const char *path, struct snapshot_meta *meta, char *why,
                  size_t why_len);

enum {
	SNAPSHOT_LOAD_NO_CHECKSUM = 1, /* skip the contents' CRC (fuzzing the decoder) */
};

/* The same from memory, with why as "offset N: reason". flags: the
 * SNAPSHOT_LOAD_* bits. */
int snapshot_load_mem(struct model *m, const void *data, size_t len, unsigned flags,
                      struct snapshot_meta *meta, char *why, size_t why_len);

/* Loads what snapshot_encode() put in b (no file header, no checksum: a
 * copy made in memory, as the UI's pause does) into m, as snapshot_load()
 * does; why gets "offset N: reason" counted from the buffer's start. */
int snapshot_load_buf(struct model *m, const struct bytebuf *b, struct snapshot_meta *meta,
                      char *why, size_t why_len);

/* snapshot_load_buf() that another thread can stop: when *stop becomes
 * true the load gives up within a few milliseconds and returns -ECANCELED
 * (why "offset N: cancelled"); m then needs no release, as on any failure. */
int snapshot_load_buf_stoppable(struct model *m, const struct bytebuf *b,
                                struct snapshot_meta *meta, const atomic_bool *stop, char *why,
                                size_t why_len);

/* The default file name for a snapshot of process comm/pid taken at when:
 * "perftop-COMM-PID-YYYYmmdd-HHMMSS.ptsnap" (local time; comm's characters
 * other than letters, digits, '.', '_' and '-' become '_'), or
 * "perftop-machine-YYYYmmdd-HHMMSS.ptsnap" when comm is NULL. Returns the
 * length, or -ENAMETOOLONG when it does not fit. */
int snapshot_default_path(char *out, size_t len, const char *comm, pid_t pid, time_t when);

#endif
