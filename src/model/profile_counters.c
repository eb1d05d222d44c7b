/* profile_counters — a profile's counters: totals, rates, window sums; see
 * profile.h. */
#include "model/profile.h"
#include "model/profile_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/check.h"
#include "util/xalloc.h"

/* ---- counters ----------------------------------------------------------------- */

uint32_t profile_counter(struct profile *p, const char *name)
{
	bool added;
	uint32_t id = intern_put(&p->counter_names, name, strlen(name), &added);

	if (added) {
		p->counters =
		    xgrow(p->counters, &p->counters_alloc, id + 1, 16, sizeof(*p->counters));
		p->counters[id].name = intern_bytes(&p->counter_names, id, NULL);
		series_init(&p->counters[id].values, 3600);
		series_init(&p->counters[id].rates, 3600);
	}
	return id;
}

size_t profile_counter_count(const struct profile *p)
{
	return p->counter_names.count;
}

/* Remembers the counter's total at time t in the ring of snapshots. */
static void counter_snap(struct profile_counter *c, double t, double total)
{
	unsigned i;

	PT_ASSERT(c->nsnaps <= PROFILE_COUNTER_SNAPS && c->snap_head < PROFILE_COUNTER_SNAPS);
	if (c->nsnaps < PROFILE_COUNTER_SNAPS) {
		i = (c->snap_head + c->nsnaps++) % PROFILE_COUNTER_SNAPS;
	} else {
		i = c->snap_head;
		c->snap_head = (c->snap_head + 1) % PROFILE_COUNTER_SNAPS;
	}
	c->snap_time[i] = t;
	c->snap_total[i] = total;
}

static double counter_rate(const struct profile_counter *c, double seconds, double now)
{
	double then_t, then_v;
	unsigned i;

	if (!c->nsnaps || c->last_time <= now - seconds)
		return 0; /* no update in the span: nothing moved */
	/* The oldest snapshot, unless a newer one is already old enough. */
	then_t = c->snap_time[c->snap_head];
	then_v = c->snap_total[c->snap_head];
	for (unsigned k = c->nsnaps; k-- > 0;) {
		i = (c->snap_head + k) % PROFILE_COUNTER_SNAPS;
		if (c->snap_time[i] <= now - seconds) {
			then_t = c->snap_time[i];
			then_v = c->snap_total[i];
			break;
		}
	}
	return now > then_t ? (c->total - then_v) / (now - then_t) : 0;
}

/* Adds value to second s of c's window ring (dropped when s is older than
 * the ring holds). */
static void counter_window_add(struct profile_counter *c, int64_t s, double value)
{
	size_t slot = (size_t)(((s % WINDOW_SLOTS) + WINDOW_SLOTS) % WINDOW_SLOTS);

	if (!c->win_any || c->win_second[slot] < s) {
		c->win_second[slot] = s;
		c->win_added[slot] = 0;
	} else if (c->win_second[slot] > s) {
		return;
	}
	c->win_added[slot] += value;
	c->win_any = true;
}

double profile_counter_in_window(const struct profile *p, uint32_t counter, double seconds,
                                 double now)
{
	const struct profile_counter *c;
	int64_t first, last;
	double sum = 0, then = 0;

	if (counter >= p->counter_names.count)
		return 0;
	c = &p->counters[counter];
	if (c->gauge || seconds <= 0)
		return c->total;
	window_range(seconds, now, &first, &last);
	if (c->win_any) {
		for (size_t i = 0; i < WINDOW_SLOTS; i++)
			if (c->win_second[i] >= first && c->win_second[i] <= last)
				sum += c->win_added[i];
		return sum;
	}
	/* Loaded: the total minus the total before the first update second
	 * inside the window (a snapshot holds the total before each update
	 * second, not the additions of each second). */
	for (unsigned k = 0; k < c->nsnaps; k++) {
		unsigned i = (c->snap_head + k) % PROFILE_COUNTER_SNAPS;

		if (c->snap_time[i] >= (double)first)
			return c->total > c->snap_total[i] ? c->total - c->snap_total[i] : 0;
		then = c->snap_total[i];
	}
	return c->last_time >= (double)first && c->total > then ? c->total - then : 0;
}

double profile_counter_rate(const struct profile *p, uint32_t counter, double seconds, double now)
{
	if (counter >= p->counter_names.count)
		return 0;
	return counter_rate(&p->counters[counter], seconds, now);
}

void profile_counter_update(struct profile *p, uint32_t counter, bool gauge, double value, double t)
{
	struct profile_counter *c;

	if (counter >= p->counter_names.count)
		return;
	c = &p->counters[counter];
	if (!c->nsnaps) { /* the first update since creation or reset */
		c->first_time = c->last_time = c->bucket_start = t;
		c->bucket_base = gauge ? value : 0;
		counter_snap(c, t, gauge ? value : c->total);
	}
	c->gauge = gauge;
	if (t - c->bucket_start >= 1.0) {
		c->rate_per_s = (c->total - c->bucket_base) / (t - c->bucket_start);
		series_push(&c->values, (float)c->total);
		series_push(&c->rates, (float)c->rate_per_s);
		c->bucket_start = t;
		c->bucket_base = c->total;
		counter_snap(c, t, c->total);
		c->rate_per_min = 60 * counter_rate(c, 60, t);
	}
	c->total = gauge ? value : c->total + value;
	if (!gauge)
		counter_window_add(c, window_second(t), value);
	if (t > c->last_time)
		c->last_time = t;
	profile__note_time(p, t);
}

void profile_counter_total(struct profile *p, uint32_t counter, double total, double t)
{
	struct profile_counter *c;

	if (counter >= p->counter_names.count)
		return;
	c = &p->counters[counter];
	c->agent_total = total;
	total -= c->reset_base;
	if (total > c->total)
		profile_counter_update(p, counter, false, total - c->total, t);
}

void profile__counters_reset(struct profile *p)
{
	for (size_t i = 0; i < p->counter_names.count; i++) {
		struct profile_counter *c = &p->counters[i];

		if (!c->gauge) {
			c->reset_base += c->total;
			if (c->agent_total > c->reset_base)
				c->reset_base = c->agent_total;
			c->total = 0;
		}
		c->first_time = c->last_time = 0;
		c->rate_per_s = c->rate_per_min = 0;
		c->bucket_start = c->bucket_base = 0;
		c->nsnaps = c->snap_head = 0;
		c->win_any = false;
		series_release(&c->values);
		series_release(&c->rates);
	}
}

void profile__counters_free(struct profile *p)
{
	for (size_t i = 0; i < p->counter_names.count; i++) {
		series_release(&p->counters[i].values);
		series_release(&p->counters[i].rates);
	}
	free(p->counters);
	intern_release(&p->counter_names);
}
