/* Unit tests for model/window and the profile's live window: samples over
 * 41 seconds read through 5 s, 30 s and all; window against totals; threads;
 * zone statistics per thread and merged, window and overall; counter rates
 * per second and per minute; profile_reset keeping ids. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/profile.h"
#include "model/window.h"

/* Within the histogram's 1 % relative error. */
#define assert_within_1pc(got, want)                                                               \
	cr_assert(fabs((double)(got) - (double)(want)) <= 0.01 * (double)(want),                   \
		  "%s = %g, want %g within 1 %%", #got, (double)(got), (double)(want))

/* ---- the ring on its own -------------------------------------------------------- */

Test(window, range_covers_the_current_second)
{
	int64_t first, last;

	window_range(5, 40.5, &first, &last);
	cr_assert_eq(first, 36);
	cr_assert_eq(last, 40);
	window_range(1000, 40.5, &first, &last);
	cr_assert_eq(last - first + 1, WINDOW_SLOTS, "clamped to the ring");
	window_range(0.2, -0.5, &first, &last);
	cr_assert_eq(first, -1);
	cr_assert_eq(last, -1);
}

Test(window, repeats_in_a_second_share_an_entry)
{
	struct window w;
	struct window_hint h1 = { 0, 0 }, h2 = { 0, 0 };
	const struct window_slot *s;

	window_init(&w);
	cr_assert(window_sample(&w, 3, 7, 1, &h1));
	cr_assert(window_sample(&w, 3, 8, 2, &h2));
	cr_assert(window_sample(&w, 3, 7, 4, &h1));
	s = window_slot(&w, 3);
	cr_assert_not_null(s);
	cr_assert_eq(s->nentries, 2);
	cr_assert_eq(s->entries[0].key, 7);
	cr_assert_eq(s->entries[0].count, 5);
	cr_assert_eq(s->entries[1].count, 2);
	/* A later second recycles the same slot; then the old one is gone. */
	cr_assert(window_sample(&w, 3 + WINDOW_SLOTS, 7, 1, &h1));
	cr_assert_null(window_slot(&w, 3));
	cr_assert_eq(window_slot(&w, 3 + WINDOW_SLOTS)->nentries, 1);
	/* Too old for the ring: refused. */
	cr_assert_not(window_sample(&w, 3, 7, 1, NULL));
	/* Late but still in the ring: kept. */
	cr_assert(window_sample(&w, 20, 9, 1, NULL));
	cr_assert_eq(window_slot(&w, 20)->entries[0].count, 1);
	window_clear(&w);
	cr_assert_null(window_slot(&w, 20));
	cr_assert(window_sample(&w, 3, 7, 1, &h1), "a cleared ring takes any second");
	cr_assert_eq(window_slot(&w, 3)->entries[0].count, 1, "a stale hint is not trusted");
	window_release(&w);
}

Test(window, huge_counts_split_entries)
{
	struct window w;
	struct window_hint h = { 0, 0 };
	const struct window_slot *s;
	uint64_t sum = 0;

	window_init(&w);
	window_sample(&w, 0, 1, (uint64_t)UINT32_MAX + 10, &h);
	window_sample(&w, 0, 1, 5, &h);
	s = window_slot(&w, 0);
	for (size_t i = 0; i < s->nentries; i++)
		sum += s->entries[i].count;
	cr_assert_eq(sum, (uint64_t)UINT32_MAX + 15);
	window_release(&w);
}

/* ---- the profile's window ------------------------------------------------------- */

static struct profile *p;
static struct profile_view v;
static uint32_t m, a, b;

static void setup(void)
{
	p = profile_new(42);
	profile_view_init(&v);
	m = profile_func(p, "prog", "main", NULL, 0);
	a = profile_func(p, "prog", "a", NULL, 0);
	b = profile_func(p, "prog", "b", NULL, 0);
}
static void teardown(void)
{
	profile_view_release(&v);
	profile_free(p);
}
TestSuite(live, .init = setup, .fini = teardown);

/* One sample per second at t = i + 0.5, i = 0..40: main-a when i is even,
 * main-b when odd, on thread 1. */
static void forty_seconds(void)
{
	for (int i = 0; i <= 40; i++)
		profile_add_samples(p, 1, (uint32_t[]){ m, i % 2 ? b : a }, 2, 1, i + 0.5);
}

Test(live, last_5_and_30_seconds_and_all)
{
	uint32_t out[4], main_node;

	forty_seconds();
	cr_assert_float_eq(profile_now(p), 40.5, 1e-9);
	/* 5 s: seconds 36..40 -> a at 36, 38, 40; b at 37, 39. */
	v.seconds = 5;
	profile_view_update(p, &v, 40.5);
	cr_assert_eq(v.samples, 5);
	cr_assert_eq(v.self[a], 3);
	cr_assert_eq(v.self[b], 2);
	cr_assert_eq(v.total[m], 5);
	cr_assert_eq(v.self[m], 0);
	cr_assert_eq(v.scope, CALLTREE_WINDOW);
	main_node = calltree_child(v.top, CALLTREE_ROOT, m);
	cr_assert_eq(calltree_total(v.top, main_node, v.scope), 5);
	cr_assert_eq(calltree_children(v.top, main_node, v.scope, out, 4), 2);
	cr_assert_eq(v.top->nodes[out[0]].func, a);
	cr_assert_eq(calltree_total(v.top, out[0], v.scope), 3);
	cr_assert_eq(calltree_total(v.top, out[1], v.scope), 2);
	cr_assert_eq(calltree_total(v.callers, calltree_child(v.callers, CALLTREE_ROOT, b),
				    v.scope),
		     2);
	/* 30 s: seconds 11..40 -> a at 12..40 even (15), b at 11..39 odd (15). */
	v.seconds = 30;
	profile_view_update(p, &v, 40.5);
	cr_assert_eq(v.samples, 30);
	cr_assert_eq(v.self[a], 15);
	cr_assert_eq(v.self[b], 15);
	cr_assert_eq(v.total[m], 30);
	/* All: the totals since start. */
	v.seconds = 0;
	profile_view_update(p, &v, 40.5);
	cr_assert_eq(v.scope, CALLTREE_ALL);
	cr_assert_eq(v.samples, 41);
	cr_assert_eq(v.self[a], 21);
	cr_assert_eq(v.self[b], 20);
	cr_assert_eq(v.total[m], p->funcs[m].total);
	cr_assert_eq(calltree_total(v.top, main_node, v.scope), 41);
	/* The window moves with now: at 45.5 only 40 is left of the last 5 s. */
	v.seconds = 5;
	profile_view_update(p, &v, 45.5);
	cr_assert_eq(v.samples, 0);
	profile_view_update(p, &v, 44.5);
	cr_assert_eq(v.samples, 1);
	cr_assert_eq(v.self[a], 1);
}

Test(live, window_spanning_everything_equals_totals)
{
	uint32_t c = profile_func(p, "prog", "c", NULL, 0);
	const uint32_t stacks[][4] = { { m, a, b, c }, { m, a, c, 0 }, { m, b, 0, 0 },
				       { m, c, c, c } };
	const size_t depth[] = { 4, 3, 2, 4 };
	struct profile_view all;

	for (int i = 0; i < 200; i++)
		profile_add_samples(p, 1 + i % 3, stacks[i % 4], depth[i % 4], 1 + i % 5,
				    i * 0.04);
	profile_view_init(&all);
	for (pid_t tid = 0; tid <= 3; tid++) {
		v.tid = all.tid = tid;
		v.seconds = 30;
		all.seconds = 0;
		profile_view_update(p, &v, 8.0);
		profile_view_update(p, &all, 8.0);
		cr_assert_eq(v.top, all.top, "the same tree, read in another scope");
		cr_assert_eq(v.samples, all.samples);
		cr_assert_gt(v.samples, 0);
		for (uint32_t f = 0; f < 4; f++) {
			cr_assert_eq(v.self[f], all.self[f], "tid %d func %u", tid, f);
			cr_assert_eq(v.total[f], all.total[f], "tid %d func %u", tid, f);
		}
		for (uint32_t n = 0; n < calltree_count(v.top); n++) {
			cr_assert_eq(calltree_total(v.top, n, v.scope),
				     calltree_total(all.top, n, CALLTREE_ALL));
			cr_assert_eq(calltree_self(v.top, n, v.scope),
				     calltree_self(all.top, n, CALLTREE_ALL));
		}
		for (uint32_t n = 0; n < calltree_count(v.callers); n++)
			cr_assert_eq(calltree_total(v.callers, n, v.scope),
				     calltree_total(all.callers, n, CALLTREE_ALL));
	}
	/* 600 samples, 150 per stack; c (recursive in m-c-c-c) is in three
	 * stacks: 450, once per sample. */
	v.tid = 0;
	profile_view_update(p, &v, 8.0);
	cr_assert_eq(v.samples, 600);
	cr_assert_eq(v.total[c], 450);
	cr_assert_eq(v.self[b], 150);
	cr_assert_eq(v.total[b], 300, "150 as the leaf, 150 in m-a-b-c");
	cr_assert_eq(p->funcs[c].total, 450);
	profile_view_release(&all);
}

Test(live, window_per_thread)
{
	/* Thread 1 early, thread 2 late. */
	for (int i = 0; i < 10; i++)
		profile_add_samples(p, 1, (uint32_t[]){ m, a }, 2, 1, i + 0.5);
	for (int i = 10; i < 20; i++)
		profile_add_samples(p, 2, (uint32_t[]){ m, b }, 2, 2, i + 0.5);
	v.seconds = 5;
	v.tid = 1;
	profile_view_update(p, &v, 19.5);
	cr_assert_eq(v.samples, 0);
	v.tid = 2;
	profile_view_update(p, &v, 19.5);
	cr_assert_eq(v.samples, 10);
	cr_assert_eq(v.self[b], 10);
	cr_assert_eq(calltree_total(v.top, calltree_child(v.top, CALLTREE_ROOT, m), v.scope),
		     10);
	v.seconds = 30;
	v.tid = 1;
	profile_view_update(p, &v, 19.5);
	cr_assert_eq(v.samples, 10);
	cr_assert_eq(v.self[a], 10);
	cr_assert_eq(v.self[b], 0);
	/* 12 s: seconds 8..19, thread 1's last two and thread 2's ten of 2. */
	v.tid = 0;
	v.seconds = 12;
	profile_view_update(p, &v, 19.5);
	cr_assert_eq(v.samples, 2 + 10 * 2);
	cr_assert_eq(v.self[a], 2);
	cr_assert_eq(v.total[m], 22);
}

Test(live, late_samples_count_in_totals_and_window_if_in_ring)
{
	profile_add_samples(p, 1, (uint32_t[]){ m, a }, 2, 1, 100.5);
	profile_add_samples(p, 1, (uint32_t[]){ m, a }, 2, 1, 99.2); /* late, in the ring */
	profile_add_samples(p, 1, (uint32_t[]){ m, b }, 2, 1, 50.0); /* older than the ring */
	cr_assert_eq(p->funcs[b].self, 1);
	v.seconds = 30;
	profile_view_update(p, &v, 100.5);
	cr_assert_eq(v.samples, 2);
	cr_assert_eq(v.self[a], 2);
	cr_assert_eq(v.self[b], 0);
}

Test(live, tracked_window_follows_new_samples)
{
	uint32_t out[4], main_node;

	forty_seconds();
	v.seconds = 5;
	profile_view_update(p, &v, 40.5);
	cr_assert_eq(v.samples, 5);
	/* Two more seconds: 36 and 37 leave, 41 (a) and 42 (b) come in. */
	profile_add_samples(p, 1, (uint32_t[]){ m, a }, 2, 1, 41.5);
	profile_add_samples(p, 1, (uint32_t[]){ m, b }, 2, 1, 42.5);
	profile_view_update(p, &v, 42.5);
	/* 38 a, 39 b, 40 a, 41 a, 42 b. */
	cr_assert_eq(v.samples, 5);
	cr_assert_eq(v.self[a], 3);
	cr_assert_eq(v.self[b], 2);
	main_node = calltree_child(v.top, CALLTREE_ROOT, m);
	cr_assert_eq(calltree_total(v.top, main_node, v.scope), 5);
	cr_assert_eq(calltree_children(v.top, main_node, v.scope, out, 4), 2);
	cr_assert_eq(calltree_total(v.top, out[0], v.scope), 3);
	cr_assert_eq(v.top->nodes[out[0]].func, a);
	cr_assert_eq(calltree_total(v.callers, calltree_child(v.callers, CALLTREE_ROOT, b),
				    v.scope),
		     2);
	/* Nothing new, later: the window empties as time passes. */
	profile_view_update(p, &v, 50.0);
	cr_assert_eq(v.samples, 0);
	cr_assert_eq(calltree_total(v.top, CALLTREE_ROOT, v.scope), 0);
	cr_assert_eq(v.total[m], 0);
}

/* A pseudo-random stream over 60 s on three threads and five stacks, some
 * recursive, some samples without a stack. */
static void stream(int from, int to)
{
	uint32_t c = profile_func(p, "prog", "c", NULL, 0);
	const uint32_t stacks[][4] = { { m, a, b, c }, { m, a, c, 0 }, { m, b, 0, 0 },
				       { m, c, c, c }, { c, 0, 0, 0 } };
	const size_t depth[] = { 4, 3, 2, 4, 1 };
	uint32_t r = 12345;

	for (int i = from; i < to; i++) {
		r = r * 1103515245 + 12345;
		if (r % 17 == 0)
			profile_add_samples(p, 1 + (pid_t)(r >> 8) % 3, NULL, 0, 1, i * 0.05);
		else
			profile_add_samples(p, 1 + (pid_t)(r >> 8) % 3, stacks[(r >> 12) % 5],
					    depth[(r >> 12) % 5], 1 + (r >> 16) % 4, i * 0.05);
	}
}

/* Checks that v (kept up to date) and a rebuilt window agree on everything. */
static void assert_same_as_rebuilt(double now)
{
	struct profile_view w;
	uint64_t *top = calloc(calltree_count(v.top), sizeof(*top));
	uint64_t *callers = calloc(calltree_count(v.callers), sizeof(*callers));
	uint64_t self[8], total[8], samples = v.samples;

	cr_assert_eq(v.nfuncs, 4);
	for (uint32_t n = 0; n < calltree_count(v.top); n++)
		top[n] = calltree_total(v.top, n, CALLTREE_WINDOW);
	for (uint32_t n = 0; n < calltree_count(v.callers); n++)
		callers[n] = calltree_total(v.callers, n, CALLTREE_WINDOW);
	memcpy(self, v.self, 4 * sizeof(*self));
	memcpy(total, v.total, 4 * sizeof(*total));
	/* Another length, then back: the tracked window is rebuilt from the ring. */
	profile_view_init(&w);
	w.tid = v.tid;
	w.seconds = v.seconds + 1;
	profile_view_update(p, &w, now);
	w.seconds = v.seconds;
	profile_view_update(p, &w, now);
	cr_assert_eq(w.samples, samples);
	cr_assert_gt(samples, 0);
	for (uint32_t f = 0; f < 4; f++) {
		cr_assert_eq(w.self[f], self[f], "func %u", f);
		cr_assert_eq(w.total[f], total[f], "func %u", f);
	}
	for (uint32_t n = 0; n < calltree_count(w.top); n++)
		cr_assert_eq(calltree_total(w.top, n, CALLTREE_WINDOW), top[n], "top node %u", n);
	for (uint32_t n = 0; n < calltree_count(w.callers); n++)
		cr_assert_eq(calltree_total(w.callers, n, CALLTREE_WINDOW), callers[n],
			     "callers node %u", n);
	profile_view_release(&w);
	free(top);
	free(callers);
}

Test(live, kept_up_to_date_equals_rebuilt_merged)
{
	v.seconds = 5;
	stream(0, 200); /* 0 .. 10 s */
	profile_view_update(p, &v, profile_now(p));
	for (int k = 1; k <= 10; k++) {
		stream(200 * k, 200 * (k + 1)); /* one more 10 s at a time */
		profile_view_update(p, &v, profile_now(p));
	}
	assert_same_as_rebuilt(profile_now(p));
}

Test(live, kept_up_to_date_equals_rebuilt_one_thread)
{
	v.seconds = 7;
	v.tid = 2;
	stream(0, 300);
	profile_view_update(p, &v, profile_now(p));
	for (int k = 1; k <= 4; k++) {
		stream(300 * k, 300 * (k + 1));
		profile_view_update(p, &v, profile_now(p));
	}
	assert_same_as_rebuilt(profile_now(p));
	/* Only thread 2's samples. */
	cr_assert_lt(v.samples, p->samples);
}

Test(live, zone_events_move_the_window_before_reusing_a_second)
{
	uint32_t z = profile_zone(p, "tick");

	profile_add_samples(p, 1, (uint32_t[]){ m, a }, 2, 1, 8.5);
	v.seconds = 30;
	profile_view_update(p, &v, 8.5);
	cr_assert_eq(v.samples, 1);
	/* Second 40 takes the ring slot of second 8, which the window counted. */
	profile_zone_event_at(p, z, 1, 40.2, 1000);
	profile_view_update(p, &v, 40.5);
	cr_assert_eq(v.samples, 0);
	cr_assert_eq(v.self[a], 0);
	cr_assert_eq(calltree_total(v.top, CALLTREE_ROOT, v.scope), 0);
	cr_assert_eq(p->funcs[a].self, 1, "still in the totals");
}

/* ---- zones -------------------------------------------------------------------- */

/* Thread 1: 100 events of 1..100 us at t = 1.00 .. 1.99; thread 2: 100 events
 * of 1 ms at t = 40.000 .. 40.099. */
static uint32_t two_threads_of_zones(void)
{
	uint32_t z = profile_zone(p, "parse");

	for (int i = 0; i < 100; i++)
		profile_zone_event_at(p, z, 1, 1.0 + i * 0.01, (uint64_t)(i + 1) * 1000);
	for (int i = 0; i < 100; i++)
		profile_zone_event_at(p, z, 2, 40.0 + i * 0.001, 1000000);
	return z;
}

Test(live, zone_percentiles_per_thread_and_merged)
{
	uint32_t z = two_threads_of_zones();
	struct profile_zone_summary s;
	struct hist h;

	profile_zone_summary(p, z, 1, 0, 40.5, &s, NULL);
	cr_assert_eq(s.count, 100);
	cr_assert_eq(s.min_ns, 1000);
	cr_assert_eq(s.max_ns, 100000);
	cr_assert_float_eq(s.total_ns, 5050000, 1e-6);
	cr_assert_float_eq(s.mean_ns, 50500, 1e-6);
	assert_within_1pc(s.p50_ns, 50000);
	assert_within_1pc(s.p90_ns, 90000);
	assert_within_1pc(s.p95_ns, 95000);
	assert_within_1pc(s.p99_ns, 99000);
	assert_within_1pc(s.p999_ns, 100000);

	profile_zone_summary(p, z, 2, 0, 40.5, &s, NULL);
	cr_assert_eq(s.count, 100);
	assert_within_1pc(s.p50_ns, 1000000);
	assert_within_1pc(s.p999_ns, 1000000);

	/* Merged: 200 events; rank 100 is thread 1's slowest, rank 180 a 1 ms one. */
	hist_init(&h);
	profile_zone_summary(p, z, 0, 0, 40.5, &s, &h);
	cr_assert_eq(s.count, 200);
	cr_assert_eq(h.count, 200, "the histogram handed back");
	cr_assert_eq(s.min_ns, 1000);
	cr_assert_eq(s.max_ns, 1000000);
	assert_within_1pc(s.p50_ns, 100000);
	assert_within_1pc(s.p90_ns, 1000000);
	/* Overall since the first event (t = 1): 39.5 s. */
	cr_assert_float_eq(s.seconds, 39.5, 1e-9);
	cr_assert_float_eq(s.rate_per_s, 200 / 39.5, 1e-9);
	hist_release(&h);

	/* A thread with no events of the zone. */
	profile_zone_summary(p, z, 77, 0, 40.5, &s, NULL);
	cr_assert_eq(s.count, 0);
	cr_assert_eq(s.p50_ns, 0);
}

Test(live, zone_window_against_overall)
{
	uint32_t z = two_threads_of_zones();
	uint32_t y = profile_zone(p, "idle");
	struct profile_zone_summary s, all[2];

	/* The last 5 s (36..40.5) hold thread 2's events only. */
	profile_zone_summary(p, z, 0, 5, 40.5, &s, NULL);
	cr_assert_eq(s.count, 100);
	cr_assert_eq(s.min_ns, 1000000);
	cr_assert_eq(s.max_ns, 1000000);
	assert_within_1pc(s.p50_ns, 1000000);
	cr_assert_float_eq(s.seconds, 4.5, 1e-9);
	cr_assert_float_eq(s.rate_per_s, 100 / 4.5, 1e-9);
	profile_zone_summary(p, z, 1, 5, 40.5, &s, NULL);
	cr_assert_eq(s.count, 0);
	profile_zone_summary(p, z, 2, 30, 40.5, &s, NULL);
	cr_assert_eq(s.count, 100);
	/* Every zone at once gives the same figures. */
	profile_zone_summaries(p, 0, 5, 40.5, all);
	cr_assert_eq(all[z].count, 100);
	cr_assert_float_eq(all[z].p99_ns, s.p99_ns, 1e-9);
	cr_assert_eq(all[y].count, 0);
	profile_zone_summaries(p, 0, 0, 40.5, all);
	cr_assert_eq(all[z].count, 200);
}

Test(live, zone_window_spanning_everything_equals_overall)
{
	uint32_t z = profile_zone(p, "step");
	struct profile_zone_summary w, o;

	for (int i = 0; i < 500; i++)
		profile_zone_event_at(p, z, 1 + i % 2, i * 0.01,
				      1000 + (uint64_t)(i * 7919 % 100000));
	for (pid_t tid = 0; tid <= 2; tid++) {
		profile_zone_summary(p, z, tid, 30, 5.0, &w, NULL);
		profile_zone_summary(p, z, tid, 0, 5.0, &o, NULL);
		cr_assert_eq(w.count, o.count);
		cr_assert_eq(w.min_ns, o.min_ns);
		cr_assert_eq(w.max_ns, o.max_ns);
		cr_assert_float_eq(w.total_ns, o.total_ns, 1e-3);
		cr_assert_float_eq(w.p50_ns, o.p50_ns, 1e-9);
		cr_assert_float_eq(w.p99_ns, o.p99_ns, 1e-9);
		cr_assert_float_eq(w.p999_ns, o.p999_ns, 1e-9);
	}
	cr_assert_eq(o.count, 250);
}

/* ---- counters ------------------------------------------------------------------ */

Test(live, counter_rate_per_second_and_minute)
{
	uint32_t c = profile_counter(p, "frames");
	struct profile_counter *pc;

	/* 1 every 1/8 s for two minutes: 8/s, 480/min; total 960. */
	for (int i = 0; i < 960; i++)
		profile_counter_update(p, c, false, 1, i * 0.125);
	pc = &p->counters[c];
	cr_assert_float_eq(pc->total, 960, 1e-9);
	cr_assert_float_eq(pc->rate_per_s, 8, 1e-9);
	cr_assert_float_eq(pc->rate_per_min, 480, 1e-9);
	cr_assert_float_eq(profile_counter_rate(p, c, 1, 120.0), 8, 1e-9);
	cr_assert_float_eq(profile_counter_rate(p, c, 60, 120.0) * 60, 480, 1e-9);
	/* One value per update second: the totals and the rates. */
	cr_assert_eq(pc->values.len, 119);
	cr_assert_eq(pc->rates.len, 119);
	cr_assert_float_eq(series_last(&pc->rates, 0), 8, 1e-6);
	/* Nothing since: the rate falls to 0 rather than staying at 8. */
	cr_assert_float_eq(profile_counter_rate(p, c, 1, 130.0), 0, 1e-9);
	cr_assert_float_eq(profile_counter_rate(p, c, 60, 200.0), 0, 1e-9);
	/* Halfway through the quiet minute: 8 of the last 60 s had updates. */
	cr_assert_float_eq(profile_counter_rate(p, c, 60, 150.0) * 60,
			   (960 - 8 * 90) * 60 / (150.0 - 90), 1e-6);
}

/* ---- reset ------------------------------------------------------------------- */

Test(live, reset_clears_counts_and_keeps_ids)
{
	uint32_t fib = profile_func(p, "prog", "fib", NULL, 0);
	uint32_t z, c, g;
	struct profile_zone_summary s;
	struct calltree *thread_top;

	forty_seconds();
	profile_add_samples(p, 2, (uint32_t[]){ m, fib, fib }, 3, 4, 40.7);
	z = two_threads_of_zones();
	c = profile_counter(p, "frames");
	g = profile_counter(p, "queue");
	profile_counter_update(p, c, false, 5, 1.0);
	profile_counter_total(p, c, 100, 2.0); /* the agent counted 100 */
	profile_counter_update(p, g, true, 7, 2.0);
	profile_zone_stats(p, z, 1, 60, 60e6, 900000, 1200000, 40.7);
	v.tid = 2;
	profile_view_update(p, &v, 40.7);
	thread_top = v.top;
	cr_assert_eq(calltree_total(v.top, CALLTREE_ROOT, CALLTREE_ALL), 4);

	profile_reset(p);

	cr_assert_eq(p->samples, 0);
	cr_assert_eq(p->funcs[m].total, 0);
	cr_assert_eq(p->funcs[fib].self, 0);
	cr_assert_eq(calltree_count(&p->top), 1);
	cr_assert_eq(calltree_count(&p->callers), 1);
	cr_assert_eq(profile_thread(p, 1)->samples, 0);
	cr_assert_eq(p->zones[z].hist.count, 0);
	cr_assert_eq(p->zones[z].exact_count, 0);
	cr_assert_float_eq(p->counters[c].total, 0, 1e-9);
	cr_assert_float_eq(p->counters[g].total, 7, 1e-9, "a gauge keeps its value");
	cr_assert_eq(p->counters[c].values.len, 0);
	/* Ids: the same function, zone and counter come back. */
	cr_assert_eq(profile_func(p, "prog", "fib", NULL, 0), fib);
	cr_assert_eq(profile_func(p, "prog", "main", NULL, 0), m);
	cr_assert_eq(profile_func_count(p), 4);
	cr_assert_eq(profile_zone(p, "parse"), z);
	cr_assert_eq(profile_counter(p, "frames"), c);
	/* Views: nothing in the window, nothing overall; the thread's tree is
	 * the same object, emptied. */
	v.tid = 0;
	v.seconds = 5;
	profile_view_update(p, &v, 40.7);
	cr_assert_eq(v.samples, 0);
	v.tid = 2;
	v.seconds = 0;
	profile_view_update(p, &v, 40.7);
	cr_assert_eq(v.top, thread_top);
	cr_assert_eq(calltree_total(v.top, CALLTREE_ROOT, CALLTREE_ALL), 0);
	profile_zone_summary(p, z, 0, 5, 40.7, &s, NULL);
	cr_assert_eq(s.count, 0);

	/* Counting starts over, recursion once per sample as before. */
	profile_add_samples(p, 2, (uint32_t[]){ m, fib, fib }, 3, 2, 41.0);
	profile_add_samples(p, 2, (uint32_t[]){ m, fib }, 2, 1, 41.1);
	cr_assert_eq(p->funcs[fib].total, 3);
	cr_assert_eq(p->funcs[m].total, 3);
	cr_assert_eq(p->top.nodes[CALLTREE_ROOT].total, 3);
	profile_view_update(p, &v, 41.1);
	cr_assert_eq(v.samples, 3);
	cr_assert_eq(v.total[fib], 3);
	cr_assert_eq(calltree_total(v.top, CALLTREE_ROOT, CALLTREE_ALL), 3);
	v.seconds = 5;
	profile_view_update(p, &v, 41.1);
	cr_assert_eq(v.samples, 3);
	cr_assert_eq(v.self[fib], 3);
	/* The agent's running totals are taken from where the reset left them. */
	profile_counter_total(p, c, 130, 42.0);
	cr_assert_float_eq(p->counters[c].total, 30, 1e-9);
	profile_zone_stats(p, z, 1, 70, 70e6, 900000, 1200000, 42.0);
	cr_assert_eq(p->zones[z].exact_count, 10);
	cr_assert_float_eq(p->zones[z].exact_sum_ns, 10e6, 1);
	profile_zone_event_at(p, z, 1, 42.0, 5000);
	profile_zone_summary(p, z, 1, 0, 42.0, &s, NULL);
	cr_assert_eq(s.count, 1);
	cr_assert_eq(s.min_ns, 5000);
}
