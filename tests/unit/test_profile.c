/* Unit tests for model/profile: self/total from hand-built stacks (with
 * recursion), threads, zones with exact statistics, counters and marks. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model/profile.h"

static struct profile *p;
static void setup(void)
{
	p = profile_new(42);
}
static void teardown(void)
{
	profile_free(p);
}
TestSuite(profile, .init = setup, .fini = teardown);

Test(profile, self_and_total_from_stacks)
{
	uint32_t main_ = profile_func(p, "prog", "main", "prog.c", 10);
	uint32_t a = profile_func(p, "prog", "a", NULL, 0);
	uint32_t b = profile_func(p, "prog", "b", NULL, 0);
	uint32_t s1[] = { main_, a }, s2[] = { main_, a, b }, s3[] = { main_, b };

	profile_add_samples(p, 1, s1, 2, 5, 0.1);
	profile_add_samples(p, 1, s2, 3, 3, 0.2);
	profile_add_samples(p, 2, s3, 2, 2, 0.3);
	cr_assert_eq(p->samples, 10);
	cr_assert_eq(p->funcs[main_].self, 0);
	cr_assert_eq(p->funcs[main_].total, 10);
	cr_assert_eq(p->funcs[a].self, 5);
	cr_assert_eq(p->funcs[a].total, 8);
	cr_assert_eq(p->funcs[b].self, 5);
	cr_assert_eq(p->funcs[b].total, 5);
	cr_assert_str_eq(p->funcs[main_].file, "prog.c");
	cr_assert_eq(p->funcs[main_].line, 10);
	cr_assert_eq(p->nthreads, 2);
	cr_assert_eq(profile_thread(p, 1)->samples, 8);
	cr_assert_eq(p->stacks.count, 3);
	/* The same stack again is interned, not added. */
	profile_add_samples(p, 1, s1, 2, 1, 0.4);
	cr_assert_eq(p->stacks.count, 3);
	cr_assert_eq(p->stack_counts[intern_find(&p->stacks, s1, sizeof(s1))], 6);
}

Test(profile, recursion_counts_total_once)
{
	uint32_t m = profile_func(p, "prog", "main", NULL, 0);
	uint32_t f = profile_func(p, "prog", "fib", NULL, 0);
	uint32_t deep[] = { m, f, f, f, f };

	profile_add_samples(p, 1, deep, 5, 7, 0);
	cr_assert_eq(p->funcs[f].total, 7);
	cr_assert_eq(p->funcs[f].self, 7);
	cr_assert_eq(p->funcs[m].total, 7);
}

Test(profile, same_name_in_two_modules_are_two_functions)
{
	uint32_t x = profile_func(p, "liba.so", "init", NULL, 0);
	uint32_t y = profile_func(p, "libb.so", "init", NULL, 0);

	cr_assert_neq(x, y);
	cr_assert_eq(profile_func(p, "liba.so", "init", NULL, 0), x);
	cr_assert_str_eq(p->funcs[y].module, "libb.so");
}

Test(profile, sorted_by_self_and_total)
{
	uint32_t r = profile_func(p, "m", "root", NULL, 0);
	uint32_t h = profile_func(p, "m", "hot", NULL, 0);
	uint32_t c = profile_func(p, "m", "cold", NULL, 0);
	uint32_t s1[] = { r, h }, s2[] = { r, c }, order[3];

	profile_add_samples(p, 1, s1, 2, 9, 0);
	profile_add_samples(p, 1, s2, 2, 1, 0);
	profile_funcs_sorted(p, false, order);
	cr_assert_eq(order[0], h);
	cr_assert_eq(order[1], c);
	profile_funcs_sorted(p, true, order);
	cr_assert_eq(order[0], r);
}

Test(profile, zones_exact_stats_sum_over_threads)
{
	uint32_t z = profile_zone(p, "parse");

	for (int i = 0; i < 100; i++)
		profile_zone_event(p, z, 1000000 + (uint64_t)i * 1000);
	cr_assert_eq(p->zones[z].hist.count, 100);
	profile_zone_stats(p, z, 1, 60, 60e6, 900000, 1200000, 0);
	profile_zone_stats(p, z, 2, 50, 50e6, 950000, 1500000, 0);
	/* Cumulative per thread: a later report replaces, not adds. */
	profile_zone_stats(p, z, 1, 70, 70e6, 900000, 1200000, 0);
	cr_assert_eq(p->zones[z].exact_count, 120);
	cr_assert_float_eq(p->zones[z].exact_sum_ns, 120e6, 1);
	cr_assert_eq(p->zones[z].exact_min_ns, 900000);
	cr_assert_eq(p->zones[z].exact_max_ns, 1500000);
	cr_assert_eq(profile_zone(p, "parse"), z);
}

/* The agent reads a thread's figures once a second: the events that ended
 * after that reading count on top of them, so "all time" never lags the
 * window, and a process stopped before its last figures loses nothing. */
Test(profile, zones_exact_count_the_events_after_the_agents_figures)
{
	uint32_t z = profile_zone(p, "step");
	uint32_t c = profile_counter(p, "steps");
	struct profile_zone_summary all, win;
	int n = 0;

	/* 50 events end before the agent reads its figures at 1.495 s ... */
	for (int i = 0; i < 50; i++, n++) {
		profile_zone_event_at(p, z, 1, 1.00 + i * 0.01, 1000);
		profile_counter_update(p, c, false, 1, 1.00 + i * 0.01);
	}
	cr_assert_eq(p->zones[z].exact_count, 50, "no figures yet: the events themselves");
	/* ... which count 51: one more ended at 1.492 and arrives after them. */
	profile_zone_stats(p, z, 1, 51, 51000, 1000, 1000, 1.495);
	cr_assert_eq(p->zones[z].exact_count, 51);
	profile_zone_event_at(p, z, 1, 1.492, 1000);
	profile_counter_update(p, c, false, 1, 1.492);
	n++;
	cr_assert_eq(p->zones[z].exact_count, 51, "an event the figures cover counts once");
	/* 49 more end after the reading, the last second of the process: no
	 * figures cover them. */
	for (int i = 0; i < 49; i++, n++) {
		profile_zone_event_at(p, z, 1, 1.50 + i * 0.01, 3000);
		profile_counter_update(p, c, false, 1, 1.50 + i * 0.01);
	}
	cr_assert_eq(n, 100);
	profile_zone_summary(p, z, 0, 0, 2.0, &all, NULL);
	profile_zone_summary(p, z, 0, 30, 2.0, &win, NULL);
	cr_assert_eq(p->zones[z].exact_count, 100);
	cr_assert_float_eq(p->zones[z].exact_sum_ns, 51 * 1000.0 + 49 * 3000.0, 1e-6);
	cr_assert_eq(p->zones[z].exact_max_ns, 3000);
	cr_assert_eq(win.count, 100, "the last 30 s: every event received");
	cr_assert_eq(all.count, 100, "the histogram: every event received");
	cr_assert_float_eq(p->counters[c].total, 100, 1e-9);
	/* The final figures replace the events they cover. */
	profile_zone_stats(p, z, 1, 100, 51 * 1000.0 + 49 * 3000.0, 1000, 3000, 2.0);
	cr_assert_eq(p->zones[z].exact_count, 100);
	/* A thread that never sent figures counts its events. */
	for (int i = 0; i < 10; i++)
		profile_zone_event_at(p, z, 2, 2.1 + i * 0.01, 500);
	cr_assert_eq(p->zones[z].exact_count, 110);
	cr_assert_eq(p->zones[z].exact_min_ns, 500);
}

Test(profile, counters_add_and_gauge)
{
	uint32_t c = profile_counter(p, "frames");
	uint32_t g = profile_counter(p, "queue");

	for (int i = 0; i <= 30; i++)
		profile_counter_update(p, c, false, 2, i * 0.1); /* 20/s over 3 s */
	cr_assert_float_eq(p->counters[c].total, 62, 1e-9);
	cr_assert_float_eq(p->counters[c].rate_per_s, 20, 0.5);
	profile_counter_update(p, g, true, 7, 0);
	profile_counter_update(p, g, true, 3, 0.5);
	cr_assert_float_eq(p->counters[g].total, 3, 1e-9);
	cr_assert(p->counters[g].gauge);
}

Test(profile, marks_ring_keeps_newest)
{
	char buf[32];

	for (int i = 0; i < PROFILE_MAX_MARKS + 10; i++) {
		snprintf(buf, sizeof(buf), "mark %d", i);
		profile_mark(p, i, 1, buf);
	}
	cr_assert_eq(p->nmarks, PROFILE_MAX_MARKS);
	cr_assert_str_eq(profile_mark_at(p, 0)->text, "mark 10");
	snprintf(buf, sizeof(buf), "mark %d", PROFILE_MAX_MARKS + 9);
	cr_assert_str_eq(profile_mark_at(p, PROFILE_MAX_MARKS - 1)->text, buf);
}

/* The agent's cost: each STATS counts from its connection's start, so an
 * update replaces the connection's part and a new connection adds to what
 * the earlier ones left; the percentage is of the process's CPU time. */
Test(profile, agent_cost_accumulates_over_connections)
{
	struct profile_cost c = { .handler_ns = 2000, .writer_ns = 1000, .process_ns = 100000 };

	cr_assert_not(p->cost_known);
	cr_assert_lt(profile_cost_pct(p), 0, "unknown before any figure");
	profile_cost_connect(p);
	profile_cost_update(p, &c);
	cr_assert_float_eq(profile_cost_pct(p), 3.0, 1e-12);
	c.handler_ns = 4000; /* the same connection, a second later */
	c.process_ns = 200000;
	profile_cost_update(p, &c);
	cr_assert_eq(p->cost.handler_ns, 4000);
	cr_assert_float_eq(profile_cost_pct(p), 2.5, 1e-12);
	profile_cost_connect(p); /* reconnected: figures from 0 again */
	c = (struct profile_cost){ .handler_ns = 1000, .writer_ns = 0, .process_ns = 50000 };
	profile_cost_update(p, &c);
	cr_assert_eq(p->cost.handler_ns, 5000);
	cr_assert_eq(p->cost.writer_ns, 1000);
	cr_assert_eq(p->cost.process_ns, 250000);
	cr_assert_float_eq(profile_cost_pct(p), 2.4, 1e-12);
	profile_reset(p); /* R clears the samples, not what the agent cost */
	cr_assert_float_eq(profile_cost_pct(p), 2.4, 1e-12);
}

Test(profile, agent_cost_without_cpu_time_is_unknown)
{
	struct profile_cost c = { .handler_ns = 0, .writer_ns = 5, .process_ns = 0 };

	profile_cost_connect(p);
	profile_cost_update(p, &c);
	cr_assert(p->cost_known);
	cr_assert_lt(profile_cost_pct(p), 0, "no CPU time yet: no share to give");
}

Test(profile, agent_cost_is_at_most_all_of_the_process)
{
	/* Clocks read a moment apart: an idle process's agent can come out
	 * a hair over the process's own CPU time. */
	struct profile_cost c = { .handler_ns = 0, .writer_ns = 117530, .process_ns = 117440 };

	profile_cost_connect(p);
	profile_cost_update(p, &c);
	cr_assert_float_eq(profile_cost_pct(p), 100.0, 1e-12);
}
