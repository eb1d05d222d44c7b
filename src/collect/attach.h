/*
 * attach — stack samples of running processes from outside, no agent.
 *
 * For every process the model watches (a process view is open, -p, record
 * -p) that has no connected agent, the collector's attach set samples each
 * thread on its CPU-time clock with perf_event_open (software task-clock,
 * user registers and a copy of the user stack, user space only), one event
 * per thread and CPU, inherited by the threads they create, written into
 * one ring buffer per CPU; a rescan of /proc/PID/task each tick adds the
 * threads that inheritance did not cover. Time in system calls is sampled
 * too where the kernel allows it (charged to the calling user code), else
 * user time only; where the kernel gives each sample its event's count
 * (PERF_SAMPLE_READ with inherit, Linux 6.12+), a sample weighs the CPU
 * time counted since the previous one, in periods, so the periods the
 * kernel's task-clock timer skips (threads running in short bursts) stay
 * in the shares. Each sample's copied stack is
 * unwound with libdw (attach_unwind.h), offered to the Python hook
 * (attach_python.h), resolved by the collector's resolver (resolve.h) and
 * added to the process's profile as an agent's samples are, so every view,
 * snapshot, report, export and diff reads it the same way; the profile
 * says it was sampled from outside (profile.outside) and why not when it
 * could not be (profile.outside_why). mmap records follow dlopen, comm
 * records exec and thread names, lost records count as drops.
 *
 * The agent wins: a process whose agent connects is no longer sampled from
 * outside (ingest resets the profile at its hello). Detaching is closing
 * the events: nothing is written into the target, no signal, no stop.
 * Runs on the collector thread only; the model lock is taken for the
 * decisions and for each sample's resolution, never across an unwind.
 */
#ifndef PERFTOP_COLLECT_ATTACH_H
#define PERFTOP_COLLECT_ATTACH_H

#include "model/model.h"

enum {
	ATTACH_DEFAULT_HZ = 99,        /* samples per second per busy thread */
	ATTACH_STACK_BYTES = 16384,    /* user stack copied per sample */
	ATTACH_RING_PAGES = 1024,      /* data pages per CPU ring: 4 MiB, 256 samples (halved on EPERM) */
};

struct attach_set;

/* The attach set for model m, sampling at hz per thread (0: the default).
 * Never fails; a target that cannot be sampled says why in its profile. */
struct attach_set *attach_set_new(struct model *m, unsigned hz);
/* Stops the events, applies what the rings still hold (the model must be
 * alive, its lock not held), detaches from every target, frees the set.
 * With PERFTOP_ATTACH_STATS set in the environment, prints each target's
 * samples, losses and unwind cost to stderr (bench/attach.bench.sh). */
void attach_set_free(struct attach_set *s);

/* A descriptor (an epoll set of the rings) that becomes readable when a
 * ring is a quarter full; then call attach_set_drain(). */
int attach_set_fd(const struct attach_set *s);

/* Reads every ring and applies the samples. Call without the model lock. */
void attach_set_drain(struct attach_set *s);

/* Once per collector tick, after the reading was applied, without the
 * model lock: starts sampling newly watched processes without an agent,
 * stops for those unwatched, exited or now with an agent, adds new
 * threads, drains the rings and updates each profile's rates. */
void attach_set_tick(struct attach_set *s);

#endif
