/*
 * ingest — agent connections: accept, check the peer, decode, resolve, apply.
 *
 * Runs on the collector thread. Each connection has its own bounded wire
 * decoder; decoded samples are resolved from program counters to functions
 * (per-connection cache in front of the symbolizer) and applied to the
 * process's profile in the model, holding the model's lock for one read's
 * worth of frames and releasing it while a new address is symbolized. A bad
 * frame or another user's peer closes that one connection, is counted and
 * logged in the model's message log; perftop and the other agents go on.
 */
#ifndef PERFTOP_COLLECT_INGEST_H
#define PERFTOP_COLLECT_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

struct ingest;
struct ingest_conn;

/* Listens at path (its directory vetted, a stale socket replaced). Returns
 * NULL with a reason in why when the socket cannot be set up. */
struct ingest *ingest_new(struct model *m, const char *path, char *why, size_t why_len);
/* Closes every connection and the socket (removing its file). */
void ingest_free(struct ingest *in);

int ingest_listen_fd(const struct ingest *in);
const char *ingest_path(const struct ingest *in);

/* Accepts one pending peer. Returns 1 with *out set (poll its fd), 0 when no
 * peer is pending or the peer was refused (another uid: logged), or -errno. */
int ingest_accept(struct ingest *in, struct ingest_conn **out);

int ingest_conn_fd(const struct ingest_conn *c);

/* Reads what the peer sent (bounded per call, for fairness) and applies it.
 * Returns 0 while the connection lives; a negative value when it ended or
 * failed — it is then closed and freed, and must not be used again. */
int ingest_conn_read(struct ingest *in, struct ingest_conn *c);

/* Counters for the header and tests. */
struct ingest_stats {
	uint64_t accepted, refused, errors, frames, bytes;
	uint64_t no_fds; /* agents turned away: too few descriptors left */
	size_t connections;
};
struct ingest_stats ingest_stats(const struct ingest *in);

#endif
