/* Unit tests for the Zones and Counters tabs and their detail screens
 * (tab_zones.c, tab_counters.c, detail.c) and the per-second zone percentiles of the
 * model (profile_zone_pct_series): a hand-built process 300 with zones and
 * counters whose every figure is known, drawn into line buffers. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/ui_fixture.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"

static struct profile *prof;

/* Process 300 "prog" (50 % CPU), profiled, threads 301 "render" and 302 "io". */
static void setup(void)
{
	fx_init();
	fx_readings((const struct fx_proc[]){ { 300, "prog", 50 } }, 1);
	prof = fx_agent(300, "/usr/bin/prog");
	profile_thread_name(prof, 301, "render");
	profile_thread_name(prof, 302, "io");
}

/* The index of the live window of `seconds` (0: everything). */
static int window_of(double seconds)
{
	for (int i = 0; i < TABS_NWINDOWS; i++)
		if (tabs__window_seconds[i] == seconds)
			return i;
	cr_assert_fail("no window of %g s", seconds);
	return 0;
}

/* The view at width x height on tab, scoped to every thread since the start. */
static void start(int width, int height, enum proc_tab tab)
{
	fx_start_proc(width, height, false, 300);
	tabs__set_window(&fx.ui, window_of(0));
	ui__key(&fx.ui, '1' + (int)tab);
}

/* The line starting with `name` after the column header line holding `header`. */
static const char *row_of(const char *header, const char *name)
{
	int h = fx_find(header);

	for (size_t i = h < 0 ? fx.frame.n : (size_t)h + 1; i < fx.frame.n; i++)
		if (!strncmp(fx.frame.v[i].text, name, strlen(name)) &&
		    fx.frame.v[i].text[strlen(name)] == ' ')
			return fx.frame.v[i].text;
	return NULL;
}

/* The k-th whitespace-separated word of text (0 = first), in buf. */
static const char *word(const char *text, int k, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; text && i <= k; i++) {
		size_t n;

		text += strspn(text, " ");
		n = strcspn(text, " ");
		if (i == k) {
			snprintf(buf, len, "%.*s", (int)n, text);
			break;
		}
		text += n;
	}
	return buf;
}

/* The column index of `name` in the header line holding "ZONE" or "COUNTER". */
static int column(const char *header, const char *name)
{
	int h = fx_find(header);
	char buf[32];

	for (int k = 0; h >= 0 && k < 20; k++) {
		const char *w = word(fx.frame.v[h].text, k, buf, sizeof(buf));

		if (!*w)
			break;
		if (!strcmp(w + (w[0] == 'v' || w[0] == '^'), name))
			return k;
	}
	return -1;
}

/* The name in the selected row of the current table. */
static const char *selected_name(void)
{
	for (size_t i = 0; i < fx.frame.n; i++)
		for (size_t s = 0; s < fx.frame.v[i].nspans; s++)
			if (fx.frame.v[i].spans[s].elem == TE_ROW_SELECTED)
				return fx.frame.v[i].text;
	return "";
}

TestSuite(view_zones, .init = setup, .fini = fx_release, .timeout = 20);

/* Second s (1..10) has s events of zone "tick" on thread 301 at s + 0.5. */
static void ticks(void)
{
	uint32_t z = profile_zone(prof, "tick");

	for (int s = 1; s <= 10; s++)
		for (int k = 0; k < s; k++)
			profile_zone_event_at(prof, z, 301, s + 0.5, 1000000);
}

Test(view_zones, rate_over_a_5s_window)
{
	char buf[32];
	int rate;

	ticks();
	start(160, 40, PTAB_ZONES);
	fx_draw();
	rate = column("ZONE", "RATE/s");
	cr_assert_geq(rate, 0, "a RATE/s column");
	/* Everything: 55 events from 1.5 to 10.5, 9 seconds. */
	cr_expect_str_eq(word(row_of("ZONE", "tick"), 1, buf, sizeof(buf)), "55");
	cr_expect_str_eq(word(row_of("ZONE", "tick"), rate, buf, sizeof(buf)), "6.11");
	/* Last 5 s at 10.5: seconds 6..10, 40 events over 10.5 - 6 = 4.5 s. */
	tabs__set_window(&fx.ui, window_of(5));
	fx_draw();
	cr_expect_str_eq(word(row_of("ZONE", "tick"), 1, buf, sizeof(buf)), "40");
	cr_expect_str_eq(word(row_of("ZONE", "tick"), rate, buf, sizeof(buf)), "8.89",
			 "40 / 4.5 s: '%s'", row_of("ZONE", "tick"));
}

Test(view_zones, thread_filter_changes_counts_and_leaves_exact_figures_out)
{
	uint32_t z = profile_zone(prof, "load");
	char buf[32];

	for (int i = 0; i < 6; i++)
		profile_zone_event_at(prof, z, 301, 1.0 + i * 0.1, 2000000);
	for (int i = 0; i < 4; i++)
		profile_zone_event_at(prof, z, 302, 1.0 + i * 0.1, 8000000);
	/* The agent counted 50 on thread 301 and sent no figures for 302 yet:
	 * 50 + 302's 4 events, and only the all-threads, since-start scope says so. */
	profile_zone_stats(prof, z, 301, 50, 50 * 3e6, 1000000, 9000000, 2.0);
	start(160, 40, PTAB_ZONES);
	fx_draw();
	cr_expect_str_eq(word(row_of("ZONE", "load"), 1, buf, sizeof(buf)), "54");
	tabs__set_tid(&fx.ui, 302);
	fx_draw();
	cr_expect_str_eq(word(row_of("ZONE", "load"), 1, buf, sizeof(buf)), "4",
			 "'%s'", row_of("ZONE", "load"));
	cr_expect_str_eq(word(row_of("ZONE", "load"), column("ZONE", "MAX"), buf, sizeof(buf)),
			 "8.00ms");
	tabs__set_tid(&fx.ui, 301);
	fx_draw();
	cr_expect_str_eq(word(row_of("ZONE", "load"), 1, buf, sizeof(buf)), "6");
	cr_expect_str_eq(word(row_of("ZONE", "load"), column("ZONE", "MAX"), buf, sizeof(buf)),
			 "2.00ms", "the events received, not the agent's 9 ms");
}

/* Zones a (30 events of 1 ms), b (10 of 5 ms), c (20 of 3 ms). */
static void three_zones(void)
{
	static const struct {
		const char *name;
		int n;
		uint64_t ns;
	} z[] = { { "alpha", 30, 1000000 }, { "bravo", 10, 5000000 }, { "charlie", 20, 3000000 } };

	for (size_t i = 0; i < 3; i++) {
		uint32_t id = profile_zone(prof, z[i].name);

		for (int k = 0; k < z[i].n; k++)
			profile_zone_event_at(prof, id, 301, 1.0 + k * 0.01, z[i].ns);
	}
}

/* The table's first three names, as "a b c". */
static const char *order(const char *header)
{
	static char out[96];
	int h = fx_find(header);
	char buf[32];

	out[0] = '\0';
	for (int k = 1; h >= 0 && k <= 3 && (size_t)(h + k) < fx.frame.n; k++) {
		strcat(out, word(fx.frame.v[h + k].text, 0, buf, sizeof(buf)));
		if (k < 3)
			strcat(out, " ");
	}
	return out;
}

Test(view_zones, sort_by_any_column_and_invert)
{
	int h;

	three_zones();
	start(160, 40, PTAB_ZONES);
	fx_draw();
	/* By total by default: alpha 30 ms, charlie 60 ms, bravo 50 ms. */
	cr_expect_str_eq(order("ZONE"), "charlie bravo alpha");
	h = fx_find("ZONE");
	cr_expect(strstr(fx.frame.v[h].text, "vTOTAL") != NULL, "marked: '%s'", fx.frame.v[h].text);
	/* > walks the columns left to right: MEAN MIN P50 P90 P95 */
	for (int i = 0; i < 5; i++)
		ui__key(&fx.ui, '>');
	fx_draw();
	cr_expect_str_eq(order("ZONE"), "bravo charlie alpha", "by p95, slowest first");
	cr_expect(strstr(fx.frame.v[fx_find("ZONE")].text, "vP95") != NULL);
	cr_expect_geq(fx_find("by p95"), 0, "the tab bar names the sort");
	ui__key(&fx.ui, 'I');
	fx_draw();
	cr_expect_str_eq(order("ZONE"), "alpha charlie bravo", "inverted");
	cr_expect(strstr(fx.frame.v[fx_find("ZONE")].text, "^P95") != NULL);
	cr_expect_geq(fx_find("by p95 (inverted)"), 0);
	ui__key(&fx.ui, UI_KEY_F(6)); /* p99 */
	/* < walks back: P95 P90 P50 MIN MEAN TOTAL RATE/s COUNT */
	for (int i = 0; i < 8; i++)
		ui__key(&fx.ui, '<');
	fx_draw();
	cr_expect_str_eq(order("ZONE"), "alpha charlie bravo", "by count, most first");
	cr_expect(strstr(fx.frame.v[fx_find("ZONE")].text, "vCOUNT") != NULL, "'%s'",
		  fx.frame.v[fx_find("ZONE")].text);
	ui__key(&fx.ui, 'I');
	fx_draw();
	cr_expect_str_eq(order("ZONE"), "bravo charlie alpha", "by count, fewest first");
}

Test(view_zones, selection_stays_on_its_zone_through_a_sort)
{
	three_zones();
	start(160, 40, PTAB_ZONES);
	fx_draw();
	ui__key(&fx.ui, UI_KEY_DOWN);
	ui__key(&fx.ui, UI_KEY_DOWN);
	fx_draw();
	cr_assert(!strncmp(selected_name(), "alpha ", 6), "'%s'", selected_name());
	ui__key(&fx.ui, '<'); /* by rate: alpha first */
	fx_draw();
	cr_expect(!strncmp(selected_name(), "alpha ", 6), "'%s'", selected_name());
	cr_expect(!strncmp(order("ZONE"), "alpha", 5), "re-sorted: %s", order("ZONE"));
}

Test(view_zones, counters_sort_too)
{
	uint32_t a = profile_counter(prof, "aaa"), b = profile_counter(prof, "bbb");

	profile_counter_update(prof, a, false, 5, 1.0);
	profile_counter_update(prof, b, false, 50, 1.0);
	start(160, 40, PTAB_COUNTERS);
	fx_draw();
	cr_expect(!strncmp(order("COUNTER"), "aaa bbb", 7), "by name: %s", order("COUNTER"));
	ui__key(&fx.ui, '>'); /* kind */
	ui__key(&fx.ui, '>'); /* total */
	fx_draw();
	cr_expect(!strncmp(order("COUNTER"), "bbb aaa", 7), "by total: %s", order("COUNTER"));
	cr_expect(strstr(fx.frame.v[fx_find("COUNTER")].text, "vTOTAL") != NULL);
	ui__key(&fx.ui, 'I');
	fx_draw();
	cr_expect(!strncmp(order("COUNTER"), "aaa bbb", 7), "%s", order("COUNTER"));
}

/* 1 ms x3, 2 ms x5, 4 ms x2: on a log scale 2 ms is half way. */
static void hist_zone(void)
{
	uint32_t z = profile_zone(prof, "frame");

	for (int i = 0; i < 3; i++)
		profile_zone_event_at(prof, z, 301, 1.1, 1000000);
	for (int i = 0; i < 5; i++)
		profile_zone_event_at(prof, z, 301, 1.2, 2000000);
	for (int i = 0; i < 2; i++)
		profile_zone_event_at(prof, z, 301, 1.3, 4000000);
}

Test(view_zones, histogram_screen_and_back)
{
	int h, rows = 0, last = -1;
	char buf[32];

	hist_zone();
	three_zones();
	start(120, 40, PTAB_ZONES);
	ui__key(&fx.ui, UI_KEY_END); /* frame: 21 ms in all, the least */
	fx_draw();
	cr_assert(!strncmp(selected_name(), "frame ", 6), "'%s'", selected_name());
	ui__key(&fx.ui, UI_KEY_ENTER);
	fx_draw();
	fx_expect_fits();
	cr_expect_lt(fx_find("COUNT"), 0, "the table gave way");
	h = fx_find("Latency histogram");
	cr_assert_geq(h, 0);
	cr_expect(strstr(fx.frame.v[h].text, "(10 events)") != NULL, "'%s'", fx.frame.v[h].text);
	cr_expect_geq(fx_find(" frame "), 0, "the name in the header");
	cr_expect_geq(fx_find("count 10"), 0);
	cr_expect_geq(fx_find("thread all"), 0);
	cr_expect_geq(fx_find("window since start"), 0);
	for (int i = h + 1; i < (int)fx.frame.n && strchr(fx.frame.v[i].text, '%'); i++, rows++) {
		const char *t = fx.frame.v[i].text;
		int n = atoi(word(t, 2, buf, sizeof(buf)));

		if (i == h + 1) {
			cr_expect(!strncmp(t + strspn(t, " "), "1.0ms-", 6), "'%s'", t);
			cr_expect_eq(n, 3, "'%s'", t);
			cr_expect(strstr(t, " 30.0%") != NULL, "'%s'", t);
		} else if (n == 5) {
			cr_expect(strstr(t, " 50.0% p50") != NULL, "p50 marked: '%s'", t);
			cr_expect(strstr(t, "2.0ms") != NULL || strstr(t, "1.9ms") != NULL ||
					  strstr(t, "2.1ms") != NULL, "'%s'", t);
		} else if (n) {
			last = i;
			cr_expect_eq(n, 2, "'%s'", t);
			cr_expect(strstr(t, " 20.0% p95 p99") != NULL, "'%s'", t);
			cr_expect(strstr(t, "-4.0ms") != NULL, "ends at the max: '%s'", t);
		}
	}
	cr_expect_geq(rows, 3, "rows");
	cr_expect_eq(last, h + rows, "the 4 ms events in the last row");
	cr_expect_geq(fx_find("p95 per second"), 0, "the p95 chart");
	cr_expect_geq(fx_find("p50 per second"), 0, "the p50 chart beside it");

	ui__key(&fx.ui, UI_KEY_ESC);
	fx_draw();
	cr_expect_lt(fx_find("Latency histogram"), 0, "back to the table");
	cr_expect(!strncmp(selected_name(), "frame ", 6), "same selection: '%s'",
		  selected_name());
	cr_expect_eq(fx.ui.screen, UI_SCREEN_PROC, "Esc did not leave the view");
	ui__key(&fx.ui, UI_KEY_ENTER);
	ui__key(&fx.ui, UI_KEY_UP); /* the previous zone's detail */
	fx_draw();
	cr_expect_geq(fx_find(" alpha "), 0, "Up shows the previous zone");
	ui__key(&fx.ui, 'q');
	fx_draw();
	cr_expect(!strncmp(selected_name(), "alpha ", 6), "'%s'", selected_name());
}

static void expect_near(float got, double want, const char *what)
{
	cr_expect(fabs(got - want) <= want * 0.011, "%s: %g, expected %g within 1 %%", what,
		  (double)got, want);
}

Test(view_zones, p95_series_per_second)
{
	uint32_t z = profile_zone(prof, "step");
	float v[64];
	size_t n;

	/* second 100: 1..100 us; 101: 10 ms; 102: nothing; 103: 1 ms on thread 302 */
	for (int i = 1; i <= 100; i++)
		profile_zone_event_at(prof, z, 301, 100.5, (uint64_t)i * 1000);
	for (int i = 0; i < 10; i++)
		profile_zone_event_at(prof, z, 301, 101.5, 10000000);
	for (int i = 0; i < 20; i++)
		profile_zone_event_at(prof, z, 302, 103.5, 1000000);
	profile_zone_event_at(prof, z, 301, 106.2, 3000000);
	/* Folded: the seconds two older than the newest, 100 .. 104. */
	cr_expect_eq(prof->zones[z].pct[PZ_P95].len, 5);
	n = profile_zone_pct_series(prof, z, 0, PZ_P95, profile_now(prof), v, 64);
	cr_assert_eq(n, 7, "100 .. 106, the last two from the ring");
	expect_near(v[0], 95000, "p95 of 1..100 us");
	expect_near(v[1], 10e6, "p95 of 10 ms");
	cr_expect_eq(v[2], 0, "a second without events");
	expect_near(v[3], 1e6, "second 103");
	cr_expect_eq(v[4], 0);
	cr_expect_eq(v[5], 0);
	expect_near(v[6], 3e6, "the current second");
	n = profile_zone_pct_series(prof, z, 0, PZ_P50, profile_now(prof), v, 64);
	expect_near(v[0], 50000, "p50 of 1..100 us");
	n = profile_zone_pct_series(prof, z, 0, PZ_P95, profile_now(prof), v, 3);
	cr_expect_eq(n, 3, "the newest three");
	cr_expect_eq(v[0], 0);
	expect_near(v[2], 3e6, "newest last");
	/* One thread: from the ring. */
	n = profile_zone_pct_series(prof, z, 302, PZ_P95, profile_now(prof), v, 64);
	cr_assert_eq(n, 7, "100 .. 106, what the ring holds");
	cr_expect_eq(v[0], 0, "thread 302 had nothing at 100");
	expect_near(v[3], 1e6, "thread 302 at 103");
	cr_expect_eq(v[6], 0, "thread 302 had nothing at 106");
	profile_reset(prof);
	cr_expect_eq(profile_zone_pct_series(prof, z, 0, PZ_P95, 106.2, v, 64), 0,
		     "R forgets the series");
}

Test(view_zones, series_stays_bounded)
{
	uint32_t z = profile_zone(prof, "long");
	float v[8];

	for (int s = 0; s < PROFILE_ZONE_SERIES + 500; s += 7)
		profile_zone_event_at(prof, z, 301, s + 0.5, 1000);
	cr_expect_leq(prof->zones[z].pct[PZ_P95].len, (size_t)PROFILE_ZONE_SERIES);
	cr_expect_eq(prof->zones[z].pct[PZ_P95].len, (size_t)PROFILE_ZONE_SERIES, "full");
	profile_zone_event_at(prof, z, 301, 1e6, 1000); /* a jump far ahead */
	cr_expect_eq(prof->zones[z].pct[PZ_P95].len, (size_t)PROFILE_ZONE_SERIES);
	cr_expect_eq(profile_zone_pct_series(prof, z, 0, PZ_P95, profile_now(prof), v, 8), 8);
}

/* frames: second i of 1..12 adds i (so its rate climbs); queue: a gauge. */
static void counters(void)
{
	uint32_t c = profile_counter(prof, "frames"), g = profile_counter(prof, "queue");

	for (int i = 1; i <= 12; i++) {
		profile_counter_update(prof, c, false, i, (double)i);
		profile_counter_update(prof, g, true, 100 - i, (double)i);
	}
}

Test(view_zones, counter_sparkline_and_chart)
{
	const char *r;
	char buf[64];
	float v[16];
	size_t n;

	counters();
	n = series_copy_last(&prof->counters[0].rates, 16, v);
	cr_assert_geq(n, (size_t)UI_SPARK_SAMPLES);
	start(120, 40, PTAB_COUNTERS);
	fx_draw();
	cr_assert_geq(column("COUNTER", "HISTORY"), 0, "a HISTORY column");
	r = row_of("COUNTER", "frames");
	cr_assert(r != NULL);
	/* Rates rising to the last: the sparkline ends at the top level. */
	word(r, column("COUNTER", "HISTORY"), buf, sizeof(buf));
	cr_expect_eq(strlen(buf), (size_t)UI_SPARK_SAMPLES, "'%s' in '%s'", buf, r);
	cr_expect_eq(buf[UI_SPARK_SAMPLES - 1], '@', "'%s'", buf);
	cr_expect_neq(buf[0], '@', "'%s'", buf);

	ui__key(&fx.ui, UI_KEY_ENTER);
	fx_draw();
	fx_expect_fits();
	cr_expect_geq(fx_find("rate/s, each second of updates"), 0);
	cr_expect_geq(fx_find("value, each second of updates"), 0);
	cr_expect_geq(fx_find(" frames "), 0);
	snprintf(buf, sizeof(buf), "total %d", 78);
	cr_expect_geq(fx_find(buf), 0, "1 + .. + 12 = 78");
	snprintf(buf, sizeof(buf), "%g", chart_nice_ceil(v[n - 1]));
	cr_expect_geq(fx_find(buf), 0, "the rate axis tops at %s", buf);
	ui__key(&fx.ui, UI_KEY_LEFT);
	fx_draw();
	cr_expect_geq(fx_find("HISTORY"), 0, "back to the table");

	ui__key(&fx.ui, UI_KEY_DOWN);
	ui__key(&fx.ui, UI_KEY_ENTER);
	fx_draw();
	cr_expect_geq(fx_find("kind gauge"), 0);
	cr_expect_geq(fx_find("value 88"), 0);
	cr_expect_lt(fx_find("rate/s, each"), 0, "a gauge has no rate chart");
}

Test(view_zones, detail_screens_fit_small_and_large)
{
	static const int sizes[][2] = { { 40, 10 }, { 250, 80 }, { 60, 16 }, { 80, 24 } };

	hist_zone();
	counters();
	start(40, 10, PTAB_ZONES);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		fx.ui.width = sizes[s][0];
		fx.ui.height = sizes[s][1];
		for (int tab = PTAB_ZONES; tab <= PTAB_COUNTERS; tab++) {
			ui__key(&fx.ui, '1' + tab);
			fx_draw();
			fx_expect_fits();
			cr_expect_geq(fx_find(tab == PTAB_ZONES ? "frame" : "frames"), 0,
				      "a row at %dx%d", fx.ui.width, fx.ui.height);
			ui__key(&fx.ui, UI_KEY_ENTER);
			fx_draw();
			fx_expect_fits();
			cr_expect_geq(fx_find(tab == PTAB_ZONES ? " frame " : " frames "), 0,
				      "the detail's name at %dx%d", fx.ui.width, fx.ui.height);
			if (fx.ui.height >= 24 && tab == PTAB_ZONES)
				cr_expect_geq(fx_find("Latency histogram"), 0, "at %dx%d",
				              fx.ui.width, fx.ui.height);
			ui__key(&fx.ui, UI_KEY_ESC);
		}
	}
	fx_draw();
	cr_expect_geq(fx_find("COUNTER"), 0, "Esc went back to the table");
}

/* Snapshots do not store the series: a reopened one rebuilds them from the
 * window ring it restores, second by second. */
Test(view_zones, reopened_snapshot_rebuilds_the_series)
{
	uint32_t z = profile_zone(prof, "step");
	struct snapshot_meta meta;
	struct bytebuf b = { 0 };
	struct model m2;
	struct profile *p2;
	float v[16], w[16];
	size_t n, n2;
	char why[256];

	for (int s = 0; s < 8; s++)
		for (int i = 1; i <= 20; i++)
			profile_zone_event_at(prof, z, 301, 200.5 + s,
					      (uint64_t)(i * 1000 * (s % 3 + 1)));
	n = profile_zone_pct_series(prof, z, 0, PZ_P95, profile_now(prof), v, 16);
	cr_assert_eq(n, 8);
	snapshot_meta_init(&meta);
	snapshot_encode(&fx.m, &meta, &b);
	cr_assert_eq(snapshot_load_buf(&m2, &b, &meta, why, sizeof(why)), 0, "%s", why);
	p2 = model_find(&m2, 300)->profile;
	cr_assert(p2 != NULL);
	cr_expect_eq(p2->zones[z].pct[PZ_P95].len, prof->zones[z].pct[PZ_P95].len,
		     "the same seconds folded");
	n2 = profile_zone_pct_series(p2, z, 0, PZ_P95, profile_now(p2), w, 16);
	cr_assert_eq(n2, n);
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(w[i], v[i], "second %zu: %g, saved %g", i, (double)w[i], (double)v[i]);
	model_release(&m2);
	bytebuf_release(&b);
}
