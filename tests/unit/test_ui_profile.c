/* Unit tests for the process view of a profiled process and the profile's
 * --batch tables: a hand-built model whose process 300 has a profile with
 * known functions (50/30/20 % of 100 samples), zones with exact statistics,
 * counters and marks is drawn into line buffers and printed by ui_batch. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "support/ui_fixture.h"
#include "util/fmt.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"
#include "util/waitstatus.h"

static struct profile *prof;

/* 100 samples on thread 301 ("render"): main → hot 50, main → warm 30,
 * main → cold 20; a C++-like name with spaces gets none of its own. */
static void profile_fill(void)
{
	uint32_t main_f, hot, warm, cold, z, zp, c, g;

	prof = fx_agent(300, "/usr/bin/prog");
	prof->requested_hz = 1000;
	prof->achieved_hz = 992;
	main_f = profile_func(prof, "prog", "main", "src/main.c", 10);
	hot = profile_func(prof, "prog", "hot", "src/hot.c", 20);
	warm = profile_func(prof, "prog", "warm  up(int, long)", NULL, 0);
	cold = profile_func(prof, "libc.so.6", "cold", "cold.c", 7);
	profile_thread_name(prof, 301, "render");
	profile_thread_name(prof, 302, "idle one");
	profile_add_samples(prof, 301, (uint32_t[]){ main_f, hot }, 2, 50, 1.0);
	profile_add_samples(prof, 301, (uint32_t[]){ main_f, warm }, 2, 30, 1.5);
	profile_add_samples(prof, 301, (uint32_t[]){ main_f, cold }, 2, 20, 2.0);

	/* Three events arrived (1, 2, 3 ms); the agent counted ten, 40 ms in
	 * all, 1 ms to 9 ms. */
	z = profile_zone(prof, "frame");
	profile_zone_event_at(prof, z, 301, 1.0, 1000000);
	profile_zone_event_at(prof, z, 301, 1.5, 2000000);
	profile_zone_event_at(prof, z, 301, 2.0, 3000000);
	profile_zone_stats(prof, z, 301, 10, 40e6, 1000000, 9000000, 2.0);
	zp = profile_zone(prof, "parse");
	profile_zone_stats(prof, zp, 301, 4, 2000, 400, 700, 2.0); /* no events arrived */

	c = profile_counter(prof, "frames");
	for (int i = 0; i < 1234; i++)
		profile_counter_update(prof, c, false, 1, 1.0 + i / 1000.0);
	g = profile_counter(prof, "queue");
	profile_counter_update(prof, g, true, 17, 2.0);

	profile_mark(prof, 1.0, 301, "first mark");
	profile_mark(prof, 2.0, 301, "second mark");
	msglog_add(&fx.m.log, fx.m.now, MSG_WARN, "agent pid 300: a warning");
}

/* Processes 300 "prog" (50 % CPU, profiled) and 200 "plain". */
static void setup(void)
{
	fx_init();
	fx_readings((const struct fx_proc[]){ { 300, "prog", 50 }, { 200, "plain", 0 } }, 2);
	profile_fill();
}

TestSuite(ui_profile, .init = setup, .fini = fx_release);

Test(ui_profile, functions_sorted_by_self_with_percentages)
{
	int r;

	fx_start_proc(120, 40, false, 300);
	fx_draw();
	fx_expect_fits();
	cr_assert_geq(fx_find("Functions"), 0, "the tab bar");
	r = fx_row_after("SAMPLES FUNCTION", 0);
	cr_assert_geq(r, 1, "the column header");
	cr_expect(strstr(fx.frame.v[r].text, "  50.0    50.0        50 hot ") == fx.frame.v[r].text,
		  "hottest first with self %%, total %%, samples: '%s'", fx.frame.v[r].text);
	cr_expect(strstr(fx.frame.v[r].text, "prog") && strstr(fx.frame.v[r].text, "hot.c:20"),
		  "module and file:line: '%s'", fx.frame.v[r].text);
	cr_expect(strstr(fx.frame.v[r + 1].text, "  30.0    30.0        30 warm up(int, long)") ||
			  strstr(fx.frame.v[r + 1].text, "warm  up"),
		  "'%s'", fx.frame.v[r + 1].text);
	cr_expect(strstr(fx.frame.v[r + 2].text, " cold ") != NULL, "'%s'", fx.frame.v[r + 2].text);
	cr_expect(strstr(fx.frame.v[r + 3].text, "   0.0   100.0         0 main ") ==
			  fx.frame.v[r + 3].text,
		  "main: no self, all the total: '%s'", fx.frame.v[r + 3].text);
	cr_expect_eq(fx_elem_at(r, "50.0"), TE_ROW_SELECTED, "the top row is selected");
	cr_expect_eq(fx_elem_at(r + 1, "30.0"), TE_BAD, "a hot function stands out");

	ui__key(&fx.ui, '>'); /* by total */
	fx_draw();
	r = fx_row_after("SAMPLES FUNCTION", 0);
	cr_expect(strstr(fx.frame.v[r].text, " main ") != NULL, "main first by total: '%s'",
		  fx.frame.v[r].text);
	cr_expect(strstr(fx.frame.v[r - 1].text, "vTOTAL%") != NULL, "sorted column marked: '%s'",
		  fx.frame.v[r - 1].text);
	ui__key(&fx.ui, UI_KEY_F(6)); /* by name, A to Z */
	fx_draw();
	cr_expect(strstr(fx.frame.v[r].text, " cold ") != NULL, "'%s'", fx.frame.v[r].text);
	cr_expect(strstr(fx.frame.v[r + 3].text, " warm") != NULL, "'%s'", fx.frame.v[r + 3].text);
	ui__key(&fx.ui, 'I');
	fx_draw();
	cr_expect(strstr(fx.frame.v[r].text, " warm") != NULL, "inverted: '%s'",
	          fx.frame.v[r].text);
	ui__key(&fx.ui, '<');
	ui__key(&fx.ui, '<'); /* back to self */
	fx_draw();
	cr_expect(strstr(fx.frame.v[r].text, " hot ") != NULL, "'%s'", fx.frame.v[r].text);
}

Test(ui_profile, file_column_toggles_with_L)
{
	fx_start_proc(80, 24, false, 300);
	fx_draw();
	fx_expect_fits();
	cr_expect_geq(fx_find("FILE:LINE"), 0, "shown at first, MODULE gives way at 80 columns");
	cr_expect_lt(fx_find("MODULE"), 0);
	ui__key(&fx.ui, 'L');
	fx_draw();
	cr_expect_lt(fx_find("FILE:LINE"), 0);
	cr_expect_geq(fx_find("MODULE"), 0, "MODULE back in its place");
}

Test(ui_profile, agent_figures_and_drops_in_warning_colour)
{
	int i;

	fx_start_proc(120, 40, false, 300);
	fx_draw();
	i = fx_find("1000 Hz requested, 992 Hz achieved, 100 samples, 0 dropped");
	cr_assert_geq(i, 0, "the agent's figures");
	cr_expect_neq(fx_elem_at(i, "0 dropped"), TE_WARN);
	prof->agent_dropped = 12345;
	fx_draw();
	i = fx_find("12,345 dropped");
	cr_assert_geq(i, 0);
	cr_expect_eq(fx_elem_at(i, "12,345 dropped"), TE_WARN);

	fx.ui.proc.pid = 200; /* no agent */
	fx_draw();
	fx_expect_fits();
	cr_expect_geq(fx_find("agent: not connected"), 0);
	cr_expect_lt(fx_find("Functions"), 0, "no tabs without a profile");
	cr_expect_geq(fx_find("CPU now"), 0);
}

/* The agent's own cost: absent until an agent says it (an older agent or
 * snapshot shows nothing, not 0 %), then its share of the process's CPU,
 * in the long form when the line has room and shorter forms when not. */
Test(ui_profile, agent_line_shows_the_agents_cost)
{
	struct profile_cost c = { .handler_ns = 9000000, .writer_ns = 4000000,
				  .process_ns = 1000000000 };
	int i;

	fx_start_proc(120, 40, false, 300);
	fx_draw();
	i = fx_find("1000 Hz requested, 992 Hz achieved, 100 samples, 0 dropped");
	cr_assert_geq(i, 0);
	cr_expect_null(strstr(fx.frame.v[i].text, "agent"), "no figure yet: '%s'",
		       fx.frame.v[i].text);
	cr_expect_null(strstr(fx.frame.v[i].text, "%"), "'%s'", fx.frame.v[i].text);

	profile_cost_connect(prof);
	profile_cost_update(prof, &c);
	fx_draw();
	fx_expect_fits();
	i = fx_find("0 dropped, agent 1.3 % of the target's CPU");
	cr_assert_geq(i, 0, "the cost after the figures");
	cr_expect_eq(fx_elem_at(i, "agent 1.3 %"), TE_HEADER);

	c.handler_ns = 300000; /* 0.07 %: two decimals below 0.1 */
	c.writer_ns = 400000;
	profile_cost_update(prof, &c);
	fx_draw();
	cr_expect_geq(fx_find("agent 0.07 % of the target's CPU"), 0);

	/* Narrow: the short form keeps the figure. */
	fx_start_proc(60, 24, false, 300);
	fx_draw();
	fx_expect_fits();
	cr_expect_geq(fx_find("agent 0.07 % CPU"), 0, "short form at 60 columns");
}

/* A target that has hardly used any CPU since perftop connected (an idle
 * service): the agent's own time, not a share that reads as an alarm. */
Test(ui_profile, agent_line_cost_of_an_idle_target_is_a_time)
{
	struct profile_cost c = { .handler_ns = 200000, .writer_ns = 9800000,
				  .process_ns = 10100000 };
	int i;

	fx_start_proc(120, 40, false, 300);
	profile_cost_connect(prof);
	profile_cost_update(prof, &c);
	fx_draw();
	fx_expect_fits();
	i = fx_find("agent 10 ms of CPU");
	cr_assert_geq(i, 0, "the agent's time, not 99 %%");
	cr_expect_null(strstr(fx.frame.v[i].text, "%"), "'%s'", fx.frame.v[i].text);
	c.writer_ns = 1300000;
	profile_cost_update(prof, &c);
	fx_draw();
	cr_expect_geq(fx_find("agent 1.5 ms of CPU"), 0, "one decimal below 10 ms");
}

Test(ui_profile, zones_from_exact_statistics)
{
	int r;

	fx_start_proc(120, 40, false, 300);
	ui__key(&fx.ui, '1' + PTAB_ZONES);
	/* The agent's exact figures are those of every thread since the start. */
	tabs__set_window(&fx.ui, TABS_NWINDOWS - 1);
	cr_assert_eq(tabs__window_seconds[tabs__scope(&fx.ui)->window], 0);
	fx_draw();
	fx_expect_fits();
	r = fx_row_after("ZONE", 0);
	cr_assert_geq(r, 1);
	cr_expect(strstr(fx.frame.v[r - 1].text, "COUNT") && strstr(fx.frame.v[r - 1].text, "P99"),
		  "'%s'", fx.frame.v[r - 1].text);
	/* count 10 and mean 4 ms exact, max 9 ms exact; p50 of 1, 2, 3 ms */
	cr_expect(strstr(fx.frame.v[r].text, "frame") == fx.frame.v[r].text, "'%s'",
	          fx.frame.v[r].text);
	cr_expect(strstr(fx.frame.v[r].text, "     10 "), "exact count: '%s'", fx.frame.v[r].text);
	cr_expect(strstr(fx.frame.v[r].text, " 4.00ms "), "exact mean: '%s'", fx.frame.v[r].text);
	cr_expect(strstr(fx.frame.v[r].text, " 2.00ms ") ||
	              strstr(fx.frame.v[r].text, " 1.99ms ") ||
	              strstr(fx.frame.v[r].text, " 2.01ms "),
	          "p50 from the histogram: '%s'", fx.frame.v[r].text);
	cr_expect(strstr(fx.frame.v[r].text, " 9.00ms") != NULL, "exact max: '%s'",
	          fx.frame.v[r].text);
	cr_expect(strstr(fx.frame.v[r + 1].text, "parse") == fx.frame.v[r + 1].text);
	cr_expect(strstr(fx.frame.v[r + 1].text, " 500ns ") != NULL, "'%s'",
	          fx.frame.v[r + 1].text);
	cr_expect(strstr(fx.frame.v[r + 1].text, "      - ") != NULL,
		  "no percentile without events: '%s'", fx.frame.v[r + 1].text);
}

Test(ui_profile, counters_totals_and_gauges)
{
	int r;

	fx_start_proc(120, 40, false, 300);
	ui__key(&fx.ui, '1' + PTAB_COUNTERS);
	fx_draw();
	r = fx_row_after("COUNTER", 0);
	cr_assert_geq(r, 1);
	cr_expect(strstr(fx.frame.v[r].text, "frames") == fx.frame.v[r].text);
	cr_expect(strstr(fx.frame.v[r].text, " count ") && strstr(fx.frame.v[r].text, " 1,234 "),
		  "'%s'", fx.frame.v[r].text);
	cr_expect(strstr(fx.frame.v[r + 1].text, "queue") == fx.frame.v[r + 1].text);
	cr_expect(strstr(fx.frame.v[r + 1].text, " gauge ") &&
	              strstr(fx.frame.v[r + 1].text, " 17 "),
	          "'%s'", fx.frame.v[r + 1].text);
}

Test(ui_profile, log_has_marks_in_order_and_messages)
{
	int a, b;

	fx_start_proc(120, 40, false, 300);
	ui__key(&fx.ui, UI_KEY_BTAB); /* Functions -> Log, backwards */
	fx_draw();
	fx_expect_fits();
	cr_expect_geq(fx_find("MESSAGE"), 0);
	a = fx_find("first mark");
	b = fx_find("second mark");
	cr_assert(a >= 0 && b >= 0);
	cr_expect_lt(a, b, "oldest first");
	cr_expect(strstr(fx.frame.v[a].text, "render") != NULL, "the thread's name: '%s'",
		  fx.frame.v[a].text);
	a = fx_find("agent pid 300: a warning");
	cr_assert_geq(a, 0, "perftop's own messages");
	cr_expect(strstr(fx.frame.v[a].text, "perftop") != NULL);
}

Test(ui_profile, tabs_at_the_smallest_and_a_large_size)
{
	/* A lone process: every tab but Processes (a tree's) is offered. */
	static const char *const tab_names[PTAB_LOG + 1] = { " Functions ", " Tree ",	" Callers ",
							   " Flame ",	  " Zones",	" Counters",
							   " Log" };
	static const int sizes[][2] = { { 40, 10 }, { 200, 60 }, { 63, 12 }, { 64, 30 } };

	fx_start_proc(40, 10, false, 300);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		fx.ui.width = sizes[s][0];
		fx.ui.height = sizes[s][1];
		for (int t = 0; t <= PTAB_LOG; t++) {
			fx_draw();
			fx_expect_fits();
			cr_expect_geq(fx_find(tab_names[t]), 0, "tab bar at %dx%d", fx.ui.width,
				      fx.ui.height);
			cr_expect_geq(fx_find("CPU now"), 0, "CPU at %dx%d", fx.ui.width,
			              fx.ui.height);
			cr_expect_geq(fx_find("samples"), 0, "agent at %dx%d", fx.ui.width,
			              fx.ui.height);
			if (tabs__current(&fx.ui) == PTAB_FUNCTIONS)
				cr_expect_geq(fx_find(" hot"), 0, "a row at %dx%d", fx.ui.width,
					      fx.ui.height);
			ui__key(&fx.ui, UI_KEY_TAB);
		}
		cr_expect_eq(tabs__current(&fx.ui), PTAB_FUNCTIONS, "Tab cycles round");
	}
	fx.ui.width = 200;
	fx.ui.height = 60;
	fx_draw();
	cr_expect_geq(fx_find("100% +"), 0, "charts at 200x60");
}

Test(ui_profile, search_jumps_and_n_wraps)
{
	int r;

	fx_start_proc(120, 40, false, 300);
	fx_draw();
	ui__key(&fx.ui, '/');
	ui__key(&fx.ui, 'C');
	ui__key(&fx.ui, 'o');
	fx_draw();
	cr_expect_geq(fx_find("Search: Co_"), 0, "the prompt");
	r = fx_row_after("SAMPLES FUNCTION", 2);
	cr_expect_eq(fx_elem_at(r, "20.0"), TE_ROW_SELECTED, "jumped to cold: '%s'",
	             fx.frame.v[r].text);
	ui__key(&fx.ui, UI_KEY_ENTER);
	ui__key(&fx.ui, '/');
	ui__key(&fx.ui, 'm');
	ui__key(&fx.ui, 'a');
	ui__key(&fx.ui, UI_KEY_ENTER);
	cr_expect_eq(tabs__browser(&fx.ui, PTAB_FUNCTIONS)->sel, 3, "main");
	ui__key(&fx.ui, 'n'); /* "ma" is only in main: wraps back to it */
	cr_expect_eq(tabs__browser(&fx.ui, PTAB_FUNCTIONS)->sel, 3);
	ui__key(&fx.ui, '/');
	ui__key(&fx.ui, 't');
	ui__key(&fx.ui, UI_KEY_ENTER); /* from main: hot is next, wrapping */
	cr_expect_eq(tabs__browser(&fx.ui, PTAB_FUNCTIONS)->sel, 0, "hot");
	ui__key(&fx.ui, 'n');
	cr_expect_eq(tabs__browser(&fx.ui, PTAB_FUNCTIONS)->sel, 1, "warm up(int, ...)");
	ui__key(&fx.ui, 'n');
	cr_expect_eq(tabs__browser(&fx.ui, PTAB_FUNCTIONS)->sel, 0, "past cold and main to hot");
	ui__key(&fx.ui, 'N');
	cr_expect_eq(tabs__browser(&fx.ui, PTAB_FUNCTIONS)->sel, 1, "backwards, wrapping");
	ui__key(&fx.ui, '/');
	ui__key(&fx.ui, 'z');
	ui__key(&fx.ui, UI_KEY_ENTER);
	fx_draw();
	cr_expect_geq(fx_find("no match for 'z'"), 0);
	ui__key(&fx.ui, 'x'); /* dismisses the message */
	ui__key(&fx.ui, UI_KEY_ESC);
	cr_expect_str_eq(tabs__search(&fx.ui), "", "Esc clears the search first");
	cr_expect_eq(fx.ui.screen, UI_SCREEN_PROC, "and stays");
}

Test(ui_profile, run_view_shows_output_and_exit_status)
{
	int i;

	fx.opt.pid = 300;
	fx.opt.output_path = "/tmp/perftop-run-abcdef/a-long-program-name.out";
	fx_start_proc(100, 30, false, 300);
	fx_draw();
	fx_expect_fits();
	cr_expect_geq(fx_find("output /tmp/perftop-run-abcdef/a-long-program-name.out"), 0);
	fx.m.child_exited = true;
	fx.m.child_status = SIGSEGV; /* a wait status: killed by the signal */
	fx_draw();
	i = fx_find("killed by SIGSEGV");
	cr_assert_eq(i, 0, "in the title");
	cr_expect_eq(fx_elem_at(i, "killed by"), TE_WARN);
	cr_expect_geq(fx_find("50.0"), 0, "the data stays");
	model_find(&fx.m, 300)->exit_status = 3 << 8;
	fx.ui.width = 40;
	fx.ui.height = 10;
	fx_draw();
	fx_expect_fits();
	cr_expect_geq(fx_find("exited with status 3"), 0, "at 40x10: '%s'", fx.frame.v[0].text);
	cr_expect_geq(fx_find("output ~"), 0, "the path's end");
	cr_expect_geq(fx_find("a-long-program-name.out"), 0);
}

Test(ui_profile, list_marks_connected_agents)
{
	int i;

	fx_start_proc(100, 30, false, 300);
	fx.ui.screen = UI_SCREEN_LIST;
	fx_draw();
	i = fx_find("    300 tester");
	cr_assert_geq(i, 0);
	cr_expect(strstr(fx.frame.v[i].text, " * ") != NULL, "marked: '%s'", fx.frame.v[i].text);
	cr_expect(strstr(fx.frame.v[fx_find("    200 tester")].text, " * ") == NULL);
	prof->connected = false;
	fx_draw();
	cr_expect(strstr(fx.frame.v[i].text, " - ") != NULL, "gone: '%s'", fx.frame.v[i].text);
}

/* ---- --batch ------------------------------------------------------------------ */

static int wake[2];

static unsigned long long ack(void *ctx)
{
	char buf[16];

	(void)ctx;
	while (read(wake[0], buf, sizeof(buf)) > 0)
		;
	return 2; /* two readings: rates exist */
}

/* Runs ui_batch once on the model and returns what it printed (malloc'd). */
static char *run_batch(void)
{
	struct ui_source src = { 0, ack, NULL };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	cr_assert(pipe2(wake, O_NONBLOCK) == 0);
	cr_assert(write(wake[1], "x", 1) == 1);
	src.wake_fd = wake[0];
	setenv("COLUMNS", "100", 1);
	cr_expect_eq(ui_batch(&fx.m, &src, &fx.opt, out), 0);
	fclose(out);
	close(wake[0]);
	close(wake[1]);
	return text;
}

/* Splits line into fields separated by two or more spaces. */
static int split(const char *line, char fields[][128], int max)
{
	int n = 0;

	while (*line == ' ')
		line++;
	while (*line && n < max) {
		const char *end = strstr(line, "  ");
		size_t len = end ? (size_t)(end - line) : strlen(line);

		snprintf(fields[n++], 128, "%.*s", (int)len, line);
		line += len;
		while (*line == ' ')
			line++;
	}
	return n;
}

/* The line after the one starting with heading, within text. */
static const char *line_after(const char *text, const char *heading, int k)
{
	const char *at = strstr(text, heading);

	for (int i = 0; at && i <= k; i++) {
		at = strchr(at, '\n');
		at = at ? at + 1 : NULL;
	}
	return at;
}

static int fields_of(const char *text, const char *heading, int k, char fields[][128])
{
	const char *at = line_after(text, heading, k);
	char line[512];

	if (!at)
		return 0;
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(at, "\n"), at);
	return split(line, fields, 16);
}

Test(ui_profile, batch_tables_parse)
{
	char f[16][128];
	char *text;

	fx.opt.pid = 300;
	fx.opt.iterations = 1;
	text = run_batch();
	cr_assert(strstr(text, "Functions: 100 samples, 1000 Hz requested, 992 Hz achieved, "
			       "0 dropped\n"
			       "  SELF%  TOTAL%  SAMPLES  FUNCTION  MODULE  FILE:LINE\n"),
		  "%s", text);
	cr_assert_eq(fields_of(text, "Functions:", 1, f), 6);
	cr_expect_str_eq(f[0], "50.00");
	cr_expect_str_eq(f[1], "50.00");
	cr_expect_str_eq(f[2], "50");
	cr_expect_str_eq(f[3], "hot");
	cr_expect_str_eq(f[4], "prog");
	cr_expect_str_eq(f[5], "src/hot.c:20");
	cr_assert_eq(fields_of(text, "Functions:", 2, f), 6);
	cr_expect_str_eq(f[3], "warm up(int, long)", "spaces squeezed: '%s'", f[3]);
	cr_expect_str_eq(f[5], "-", "no file");
	cr_assert_eq(fields_of(text, "Functions:", 4, f), 6);
	cr_expect_str_eq(f[3], "main");
	cr_expect_str_eq(f[1], "100.00");

	cr_assert(strstr(text, "\nThreads:\n  TID  NAME  SAMPLES  SHARE%\n"), "%s", text);
	cr_assert_eq(fields_of(text, "Threads:", 1, f), 4);
	cr_expect_str_eq(f[0], "301");
	cr_expect_str_eq(f[1], "render");
	cr_expect_str_eq(f[2], "100");
	cr_expect_str_eq(f[3], "100.00");
	cr_assert_eq(fields_of(text, "Threads:", 2, f), 4);
	cr_expect_str_eq(f[1], "idle one");

	cr_assert(strstr(text, "\nZones:\n  ZONE  COUNT  MEAN  P50  P95  P99  MAX\n"), "%s", text);
	cr_assert_eq(fields_of(text, "Zones:", 1, f), 7);
	cr_expect_str_eq(f[0], "frame");
	cr_expect_str_eq(f[1], "10");
	cr_expect_str_eq(f[2], "4.00ms");
	cr_expect_str_eq(f[6], "9.00ms");
	cr_assert_eq(fields_of(text, "Zones:", 2, f), 7);
	cr_expect_str_eq(f[2], "500ns");
	cr_expect_str_eq(f[3], "-");

	cr_assert(strstr(text, "\nCounters:\n  COUNTER  TOTAL  RATE/S\n"), "%s", text);
	cr_assert_eq(fields_of(text, "Counters:", 1, f), 3);
	cr_expect_str_eq(f[0], "frames");
	cr_expect_str_eq(f[1], "1234");
	cr_assert_eq(fields_of(text, "Counters:", 2, f), 3);
	cr_expect_str_eq(f[0], "queue");
	cr_expect_str_eq(f[1], "17");
	cr_expect_str_eq(f[2], "-");
	cr_expect(strstr(text, "12,") == NULL, "no thousands separators in batch");
	free(text);
}

Test(ui_profile, batch_until_the_child_exits_ends_with_its_status)
{
	char *text;
	const char *at;
	int refreshes = 0;

	fx.opt.pid = 300;
	fx.opt.until_child_exits = true;
	fx.m.child_exited = true;
	fx.m.child_status = 2 << 8;
	prof->connected = false; /* its agent has gone: no wait */
	text = run_batch();
	for (at = text; (at = strstr(at, " PID 300 ")); at++)
		refreshes++;
	cr_expect_eq(refreshes, 1, "one final refresh: %s", text);
	cr_expect(strstr(text, "exited with status 2") != NULL, "%s", text);
	cr_expect(strstr(text, "Functions: 100 samples") != NULL);
	free(text);
}

/* ---- formatting ------------------------------------------------------------------ */

Test(ui_fmt, durations_counts_statuses)
{
	char b[64];

	fmt_duration_ns(b, sizeof(b), 850, false);
	cr_expect_str_eq(b, "850ns");
	fmt_duration_ns(b, sizeof(b), 12345, false);
	cr_expect_str_eq(b, "12.3us");
	fmt_duration_ns(b, sizeof(b), 12345, true);
	cr_expect_str_eq(b, "12.3µs");
	fmt_duration_ns(b, sizeof(b), 2.01e6, false);
	cr_expect_str_eq(b, "2.01ms");
	fmt_duration_ns(b, sizeof(b), 999.7e3, false);
	cr_expect_str_eq(b, "1.00ms", "rounding promotes the unit");
	fmt_duration_ns(b, sizeof(b), 1.5e9, false);
	cr_expect_str_eq(b, "1.50s");
	fmt_duration_ns(b, sizeof(b), 4000e9, false);
	cr_expect_str_eq(b, "4000s");
	fmt_duration_ns(b, sizeof(b), -5, false);
	cr_expect_str_eq(b, "0ns");
	fmt_count(b, sizeof(b), 1234567, true);
	cr_expect_str_eq(b, "1,234,567");
	fmt_count(b, sizeof(b), 123, true);
	cr_expect_str_eq(b, "123");
	fmt_count(b, sizeof(b), 1234567, false);
	cr_expect_str_eq(b, "1234567");
	fmt_count(b, 4, 1234567, true);
	cr_expect_eq(strlen(b), 3u, "cut to the buffer");
	waitstatus_describe(b, sizeof(b), 3 << 8);
	cr_expect_str_eq(b, "exited with status 3");
	waitstatus_describe(b, sizeof(b), SIGSEGV);
	cr_expect_str_eq(b, "killed by SIGSEGV");
	waitstatus_describe(b, sizeof(b), SIGABRT | 0x80);
	cr_expect_str_eq(b, "killed by SIGABRT (core dumped)");
}

Test(ui_fmt, browser_keeps_a_flexible_minimum)
{
	static const struct browser_column cols[] = {
		{ "A", 10, ALIGN_LEFT, 0, -1, NULL },
		{ "NAME", -24, ALIGN_LEFT, 0, -1, NULL },
		{ "B", 20, ALIGN_LEFT, 1, -1, NULL },
	};
	int w[3];

	browser_layout(cols, 3, 50, w);
	cr_expect_eq(w[2], 0, "B goes so that NAME keeps 24");
	cr_expect_eq(w[1], 39);
	browser_layout(cols, 3, 60, w);
	cr_expect_eq(w[2], 20);
	cr_expect_eq(w[1], 28);
}
