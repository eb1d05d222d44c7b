/*
 * freeze — a copy of a live model made in the background: what the TUI's
 * pause (p) shows while the collector goes on filling the live model.
 *
 * freeze_start() encodes the model with the snapshot encoder (fast; the
 * caller holds the model's lock) and starts a worker thread that loads the
 * encoding into a model of its own (the slow half: the load replays every
 * stack). freeze_fd() becomes readable when the worker has ended, so a
 * poll() loop can wait for it among its other descriptors; freeze_ready()
 * asks without waiting. freeze_take() collects the copy (waiting for the
 * worker if need be); freeze_cancel() stops a worker still loading (it
 * gives up within milliseconds) and frees everything. Because the copy
 * goes through the snapshot codec, whatever reads a model reads the copy
 * exactly as it reads the live one.
 *
 * Ownership: a struct freeze owns its worker, its pipe, the encoding and,
 * until freeze_take() hands it over, the copy. Exactly one of freeze_take()
 * and freeze_cancel() ends each freeze_start().
 */
#ifndef PERFTOP_SNAPSHOT_FREEZE_H
#define PERFTOP_SNAPSHOT_FREEZE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

struct freeze;

/* Starts copying m (locked by the caller; it may be unlocked as soon as
 * this returns). Returns the copy in progress, or NULL with a negative
 * errno in *err when no worker could be started. */
struct freeze *freeze_start(const struct model *m, int *err);

/* A descriptor readable once the worker has ended, for poll(). */
int freeze_fd(const struct freeze *fz);

/* Whether the worker has ended (the copy is ready, or failed). */
bool freeze_ready(const struct freeze *fz);

/* Waits for the worker, frees fz and returns the copy (the caller's: free
 * with model_release() and free()), or NULL with the reason ("offset N:
 * ...") in why when the load failed. */
struct model *freeze_take(struct freeze *fz, char *why, size_t why_len);

/* Stops the worker, waits for it and frees fz with any copy. NULL is fine. */
void freeze_cancel(struct freeze *fz);

#endif
