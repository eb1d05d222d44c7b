/*
 * collector — the thread that keeps the model current.
 *
 * One epoll loop over a timerfd (the /proc tick), the agents' listening
 * socket and one source per agent connection (collector.c). Each tick it
 * reads /proc through procfs, applies the reading to the model under the
 * model's lock, and signals the UI through an eventfd. The UI never reads
 * /proc itself. Which processes are read is decided under the lock each
 * tick: all of them while m->list_visible, else only the watched ones and
 * those whose agents reported (model_scan_pids).
 */
#ifndef PERFTOP_COLLECT_COLLECTOR_H
#define PERFTOP_COLLECT_COLLECTOR_H

#include <stdbool.h>
#include <sys/types.h>

#include "model/model.h"

struct collector;

/* What the collector listens to besides /proc. */
struct collector_opts {
	const char *socket_path;   /* agents' socket; NULL: none */
	bool socket_required;      /* fail to start when it cannot listen (perftop run) */
	pid_t child;               /* a child to reap (perftop run), 0: none */
	/* Sample watched processes that have no agent from outside
	 * (collect/attach.h) at attach_hz per thread (0: its default). */
	bool attach;
	unsigned attach_hz;
};

/* Starts the collector with opts (NULL: no socket, no child). When the
 * socket cannot be set up and is not required, the reason goes to the
 * model's log and perftop runs without agents. */
struct collector *collector_start_opts(struct model *m, const struct collector_opts *opts,
				       int *err, char *why, size_t why_len);

/* Reaps child (a process perftop started) when it exits: its wait status
 * goes to the model (m->child_exited, m->child_status, the process's
 * exit_status) and the log. Call once, from the thread that started the
 * collector. Returns 0 or a negative errno with a reason in why. */
int collector_watch_child(struct collector *c, pid_t child, char *why, size_t why_len);

/* Makes collector_watch_child() follow the child's stops as a shell
 * follows a job's (launch_follow_stop: Ctrl-Z on a command that has the
 * terminal stops perftop too; fg and bg continue both); tty_fd is perftop's
 * controlling terminal (kept open by the caller until collector_stop), or
 * -1. For run --batch and record, never under the screen. Call before
 * collector_watch_child(), with SIGCHLD blocked in every thread of perftop
 * (block it in the thread that starts the collector, before any other
 * thread starts): the collector reads it through a signalfd. */
void collector_follow_stops(struct collector *c, int tty_fd);

/* Sends sig to the child collector_watch_child() watches (with group, to
 * its process group), only while it has not been reaped: once it has
 * exited, nothing is signalled, so its background jobs and whatever reuses
 * its id are never touched. Returns 0, -ESRCH when it has exited (or none
 * is watched), or another negative errno. Any thread. */
int collector_signal_child(struct collector *c, int sig, bool group);

/* Reads pipe_fd (the read end of the child's stdout/stderr pipe) into
 * file_fd (-1: none), at most cap bytes (0: no cap), and its last lines into
 * m->output; takes both descriptors, even on failure. Call once, from the
 * thread that started the collector. Returns 0 or a negative errno with a
 * reason in why. */
int collector_capture_output(struct collector *c, int pipe_fd, int file_fd,
			     unsigned long long cap, char *why, size_t why_len);

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
