/*
 * loop — the terminal's event loop, one for the live view (ui.c) and the
 * diff screen (view_diff.c): it draws a frame when asked, then waits in one
 * poll() on the terminal, the signal self-pipe and up to LOOP_MAX_FDS
 * descriptors of the view's, and hands what the wait brought to the view as
 * one batch of keys: UI_KEY_RESIZE, the view's own (a tick of new data, a
 * message's timer), then the keys and mouse events read. It ends on a quit
 * signal (SIGINT, SIGTERM, SIGHUP), a terminal that hung up or failed, or a
 * UI_QUIT from the view.
 *
 * `--batch` (batch.c) has a loop of its own: no terminal, no keys, no
 * frames painted; it waits on the source alone, its signals end it through
 * a flag rather than the self-pipe (the terminal's handlers are not
 * installed), and it settles after the command exits.
 */
#ifndef PERFTOP_UI_LOOP_H
#define PERFTOP_UI_LOOP_H

#include "ui/keys.h"
#include "ui/lines.h"

enum { LOOP_MAX_FDS = 2, LOOP_MAX_KEYS = 64 };

/* What a view gives the loop; ctx goes to every callback. */
struct loop_ops {
	void *ctx;
	/* Draws the frame for a screen of width x height into frame. */
	void (*draw)(void *ctx, struct lines *frame, int width, int height);
	/* May be NULL. Before each wait: work that cannot wait (returns the
	 * flags it leads to; nonzero skips the wait), and the wait's limit in
	 * *timeout_ms (-1 as given: none). */
	int (*before_wait)(void *ctx, int *timeout_ms);
	/* May be NULL (none). The view's descriptor i (< LOOP_MAX_FDS) for
	 * this wait, -1 for none (asked before every wait: it may come and
	 * go), and what a readable one brings: flags, and a key into *key
	 * (left -1: none). */
	int (*fd)(void *ctx, int i);
	int (*ready)(void *ctx, int i, int *key);
	/* May be NULL. After each wait: a key to add last (-1: none). */
	int (*after_wait)(void *ctx);
	/* Handles the n keys of one wait (mice[i] is keys[i]'s event when it
	 * is UI_KEY_MOUSE; n may be 0); returns UI_ flags. */
	int (*keys)(void *ctx, const int *keys, const struct ui_mouse *mice, int n);
};

/* Runs the loop on the open screen (ui__screen_start) until it ends;
 * starts with a frame. Returns 0. */
int loop_run(const struct loop_ops *ops);

#endif
