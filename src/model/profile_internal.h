/*
 * profile_internal — what profile.c, profile_zones.c and profile_counters.c
 * share behind profile.h: the core's helpers the zones and counters use, and
 * each subject's part of profile_reset() and profile_free(). Only those
 * three files include it.
 */
#ifndef PERFTOP_MODEL_PROFILE_INTERNAL_H
#define PERFTOP_MODEL_PROFILE_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>

#include "model/profile.h"

/* profile.c: notes that something happened at time t (p->since, p->latest). */
void profile__note_time(struct profile *p, double t);
/* profile.c: index of thread tid, or -1 when the profile has never seen it. */
long profile__thread_index(const struct profile *p, pid_t tid);
/* profile.c: moves the live window's start up to second s - length + 1 (the
 * seconds before it leave its counts); call before second s claims a slot
 * of the ring. */
void profile__live_advance(struct profile *p, int64_t s);

/* profile_zones.c: folds the seconds old enough into the zones' percentile
 * series; call when an event of second s arrives, before s claims a slot. */
void profile__zone_series_fold(struct profile *p, int64_t s);
/* profile_zones.c: the zones' part of profile_reset() and profile_free(). */
void profile__zones_reset(struct profile *p);
void profile__zones_free(struct profile *p);

/* profile_counters.c: the counters' part of profile_reset() and profile_free(). */
void profile__counters_reset(struct profile *p);
void profile__counters_free(struct profile *p);

#endif
