/* Unit tests for the scope (thread, live window) across the process view's
 * tabs: every tab counts the same samples, zones and counter additions for
 * one scope, by hand:
 *   t = 1.5 s   thread 301: main>parse 6, main>hash 4; thread 302: worker>zip 5
 *   t = 20.5 s  thread 301: main>parse 2, main>hash 1; thread 302: worker>zip 7
 *   zone "frame" with counter "frames" +1 beside each: thread 301 four at
 *   1.2 s and three at 20.3 s, thread 302 two at 20.4 s.
 * Now is 20.5 s, so the last 5 s (seconds 16 to 20) hold the second batch.
 * Samples: all 25, last 5 s 10; thread 301 13, its last 5 s 3. Zones: 9, 5,
 * 7, 3. The counter belongs to the process: 9 and 5 in every thread scope. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/ui_fixture.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"

static struct profile *prof;

static void setup(void)
{
	uint32_t f_main, f_parse, f_hash, f_worker, f_zip, z, c;

	fx_init();
	fx_readings((const struct fx_proc[]){{300, "prog", 50}}, 1);
	prof = fx_agent(300, "/usr/bin/prog");
	profile_thread_name(prof, 301, "render");
	profile_thread_name(prof, 302, "io");
	f_main = profile_func(prof, "prog", "main", "main.c", 10);
	f_parse = profile_func(prof, "prog", "parse", "parse.c", 20);
	f_hash = profile_func(prof, "prog", "hash", "hash.c", 30);
	f_worker = profile_func(prof, "prog", "worker", "worker.c", 40);
	f_zip = profile_func(prof, "prog", "zip", "zip.c", 50);
	profile_add_samples(prof, 301, (uint32_t[]){f_main, f_parse}, 2, 6, 1.5);
	profile_add_samples(prof, 301, (uint32_t[]){f_main, f_hash}, 2, 4, 1.5);
	profile_add_samples(prof, 302, (uint32_t[]){f_worker, f_zip}, 2, 5, 1.5);
	profile_add_samples(prof, 301, (uint32_t[]){f_main, f_parse}, 2, 2, 20.5);
	profile_add_samples(prof, 301, (uint32_t[]){f_main, f_hash}, 2, 1, 20.5);
	profile_add_samples(prof, 302, (uint32_t[]){f_worker, f_zip}, 2, 7, 20.5);
	z = profile_zone(prof, "frame");
	c = profile_counter(prof, "frames");
	for (int i = 0; i < 4; i++) {
		profile_zone_event_at(prof, z, 301, 1.2 + i * 0.01, 1000000);
		profile_counter_update(prof, c, false, 1, 1.2 + i * 0.01);
	}
	for (int i = 0; i < 3; i++) {
		profile_zone_event_at(prof, z, 301, 20.3 + i * 0.01, 1000000);
		profile_counter_update(prof, c, false, 1, 20.3 + i * 0.01);
	}
	for (int i = 0; i < 2; i++) {
		profile_zone_event_at(prof, z, 302, 20.4 + i * 0.01, 1000000);
		profile_counter_update(prof, c, false, 1, 20.4 + i * 0.01);
	}
}
TestSuite(view_scope, .init = setup, .fini = fx_release, .timeout = 20);

static int window_of(double seconds)
{
	for (int i = 0; i < TABS_NWINDOWS; i++)
		if (tabs__window_seconds[i] == seconds)
			return i;
	cr_assert_fail("no window of %g s", seconds);
	return 0;
}

/* Shows tab in the scope (tid, seconds) and draws it. */
static void show(int tab, pid_t tid, double seconds)
{
	ui__key(&fx.ui, '1' + tab);
	tabs__set_tid(&fx.ui, tid);
	tabs__set_window(&fx.ui, window_of(seconds));
	fx_draw();
}

/* The sum of the numbers in the column headed `head` (right-aligned, so a
 * number ends where the heading does) over the rows under the heading line;
 * top: only the rows whose name starts right after the column (a tree's
 * roots, not their indented children). */
static long column_sum(const char *head, bool top)
{
	int h = fx_find(head);
	const char *at;
	size_t end;
	long sum = 0;

	cr_assert_geq(h, 0, "no '%s' heading", head);
	at = strstr(fx.frame.v[h].text, head);
	end = (size_t)(at - fx.frame.v[h].text) + strlen(head);
	for (size_t i = (size_t)h + 1; i < fx.frame.n; i++) {
		const char *t = fx.frame.v[i].text;
		size_t b = end;
		char num[32];
		size_t k = 0;

		if (strlen(t) <= end + 1 || t[end - 1] == ' ')
			break;
		while (b > 0 && t[b - 1] != ' ')
			b--;
		for (size_t j = b; j < end && k + 1 < sizeof(num); j++)
			if (t[j] != ',')
				num[k++] = t[j];
		num[k] = '\0';
		if (top && t[end + 1] == ' ')
			continue;
		sum += atol(num);
	}
	return sum;
}

/* The number N in a line holding "N samples" (the Tree, Callers and Flame
 * headings). */
static long samples_heading(void)
{
	for (size_t i = 0; i < fx.frame.n; i++) {
		const char *t = strstr(fx.frame.v[i].text, " samples");
		long n;

		if (!t || strstr(fx.frame.v[i].text, "Agent"))
			continue;
		while (t > fx.frame.v[i].text && t[-1] >= '0' && t[-1] <= '9')
			t--;
		if (sscanf(t, "%ld samples", &n) == 1)
			return n;
	}
	cr_assert_fail("no 'N samples' line");
	return -1;
}

/* The number in the column headed head on the row of name. */
static long cell(const char *head, const char *name)
{
	int h = fx_find(head), r = fx_find(name);
	const char *at;
	size_t end, b;

	cr_assert(h >= 0 && r > h, "no '%s' row under '%s'", name, head);
	at = strstr(fx.frame.v[h].text, head);
	end = (size_t)(at - fx.frame.v[h].text) + strlen(head);
	b = end;
	while (b > 0 && fx.frame.v[r].text[b - 1] != ' ')
		b--;
	return atol(fx.frame.v[r].text + b);
}

struct scope_case {
	pid_t tid;
	double seconds;
	long samples, zones, counter;
};

static const struct scope_case cases[] = {
    {0, 0, 25, 9, 9},   {0, 5, 10, 5, 5},  {0, 30, 25, 9, 9},
    {301, 0, 13, 7, 9}, {301, 5, 3, 3, 5}, {302, 5, 7, 2, 5},
};

Test(view_scope, every_tab_counts_the_same_scope)
{
	fx_start_proc(120, 30, false, 300);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct scope_case *c = &cases[i];

		show(PTAB_FUNCTIONS, c->tid, c->seconds);
		cr_expect_eq(column_sum("SAMPLES", false), c->samples,
		             "Functions, thread %d, %g s: %ld samples, want %ld", (int)c->tid,
		             c->seconds, column_sum("SAMPLES", false), c->samples);
		show(PTAB_TREE, c->tid, c->seconds);
		cr_expect_eq(samples_heading(), c->samples, "Tree heading, thread %d, %g s",
		             (int)c->tid, c->seconds);
		cr_expect_eq(column_sum("SAMPLES", true), c->samples,
		             "Tree roots, thread %d, %g s: %ld", (int)c->tid, c->seconds,
		             column_sum("SAMPLES", true));
		show(PTAB_CALLERS, c->tid, c->seconds);
		cr_expect_eq(samples_heading(), c->samples, "Callers heading, thread %d, %g s",
		             (int)c->tid, c->seconds);
		cr_expect_eq(column_sum("SAMPLES", true), c->samples,
		             "Callers' functions, thread %d, %g s: %ld", (int)c->tid, c->seconds,
		             column_sum("SAMPLES", true));
		show(PTAB_FLAME, c->tid, c->seconds);
		cr_expect_eq(samples_heading(), c->samples, "Flame, thread %d, %g s", (int)c->tid,
		             c->seconds);
		show(PTAB_ZONES, c->tid, c->seconds);
		cr_expect_eq(cell("COUNT", "frame"), c->zones, "Zones, thread %d, %g s: %ld",
		             (int)c->tid, c->seconds, cell("COUNT", "frame"));
		show(PTAB_COUNTERS, c->tid, c->seconds);
		cr_expect_eq(cell("TOTAL", "frames"), c->counter, "Counters, thread %d, %g s: %ld",
		             (int)c->tid, c->seconds, cell("TOTAL", "frames"));
	}
}

/* The scope says what the numbers under it cover: it stays on the tab bar
 * at 80 columns (the tabs' names shorten) and at 40 (one tab between
 * arrows). */
Test(view_scope, the_scope_label_stays_on_narrow_bars)
{
	static const int widths[] = {120, 80, 40};

	for (size_t k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
		fx_start_proc(widths[k], 24, false, 300);
		for (int tab = 0; tab < PTAB_COUNT; tab++) {
			int bar;

			show(tab, 301, 5);
			bar = fx_find("Tree") >= 0 ? fx_find("Tree") : fx_find(" >");
			cr_assert_geq(bar, 0, "no tab bar at %d columns", widths[k]);
			cr_expect(strstr(fx.frame.v[bar].text, "last 5s, thread render"),
			          "%d columns, tab %d: '%s'", widths[k], tab, fx.frame.v[bar].text);
		}
	}
}
