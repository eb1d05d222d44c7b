/*
 * syswide — every CPU's instruction pointers, for the machine-wide view.
 *
 * While the model's syswide.want is set (its view is open), one cpu-clock
 * event per online CPU with pid -1 samples whatever runs there at
 * SYSWIDE_HZ, recording only IP and TID (no stack copy: cheap), user space
 * only unless the kernel allows kernel samples (those count as "[kernel]").
 * Each tick the rings are read and every sample is symbolized through its
 * process's /proc/PID/maps (a small per-pid cache: a process that exits,
 * or execs, is dropped) and counted in m->syswide. When want is cleared the
 * events are closed and the table emptied. Needs root, CAP_PERFMON or
 * perf_event_paranoid <= 0; otherwise m->syswide.why says what to do.
 * Collector thread only.
 */
#ifndef PERFTOP_COLLECT_SYSWIDE_H
#define PERFTOP_COLLECT_SYSWIDE_H

#include "model/model.h"

enum {
	SYSWIDE_HZ = 99,          /* samples per second per CPU */
	SYSWIDE_RING_PAGES = 64,  /* data pages per CPU: 256 KiB, ~40 s of samples */
	SYSWIDE_CACHE = 64,       /* processes whose maps are kept */
};

struct syswide_sampler;

/* A sampler for m; opens nothing until m->syswide.want. Never NULL. */
struct syswide_sampler *syswide_sampler_new(struct model *m);
/* Closes the events and frees the sampler. */
void syswide_sampler_free(struct syswide_sampler *s);
/* A descriptor that becomes readable when a ring is a quarter full (a
 * long refresh interval must not lose samples); then call
 * syswide_sampler_drain(), without the model lock. -1 when none. */
int syswide_sampler_fd(const struct syswide_sampler *s);
void syswide_sampler_drain(struct syswide_sampler *s);

/* Once per collector tick, without the model lock: opens or closes the
 * events as m->syswide.want asks, reads the rings, adds the samples. */
void syswide_sampler_tick(struct syswide_sampler *s);

#endif
