/*
 * collector — the thread that keeps the model current.
 *
 * One epoll loop over a timerfd (the /proc tick) and, later, the agents'
 * socket. Each tick it reads /proc through procfs, applies the reading to the
 * model under the model's lock, and signals the UI through an eventfd. The UI
 * never reads /proc itself. Which processes are read is decided under the
 * lock each tick: all of them while m->list_visible, else only the watched.
 */
#ifndef PERFTOP_COLLECT_COLLECTOR_H
#define PERFTOP_COLLECT_COLLECTOR_H

#include "model/model.h"

struct collector;

/* Starts the collector thread on m, ticking every m->tick_s seconds; the
 * first reading is taken at once. Returns NULL with a negative errno in *err
 * (and a reason in why) when /proc or a thread cannot be set up. */
struct collector *collector_start(struct model *m, int *err, char *why, size_t why_len);

/* A descriptor that becomes readable after each applied reading. Poll it,
 * then call collector_ack() to drain it. */
int collector_wake_fd(const struct collector *c);
/* Drains the wake-up descriptor; returns readings applied since the last ack. */
unsigned long long collector_ack(struct collector *c);

/* Stops the thread, joins it and frees everything but the model. */
void collector_stop(struct collector *c);

#endif
