/* Unit tests for the ui's frames without a terminal: a hand-built model is
 * drawn into line buffers at several sizes, and keys are fed as events, the
 * way the TUI and golden tests see it. The model, ui and frame are the
 * shared fixture's (support/ui_fixture.h); the readings are this file's own:
 * three processes of different sizes on two CPUs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support/ui_fixture.h"
#include "ui/ui_internal.h"

static struct cpu_jiffies cpus[2];

/* A sleeping single-threaded process using rss_kb. */
static struct proc_reading proc(pid_t pid, const char *comm, unsigned long long ticks,
				unsigned long long rss_kb)
{
	struct proc_reading r = fx_proc_reading(pid, comm, ticks);

	r.threads = 1;
	r.rss_kb = rss_kb;
	r.state = 'S';
	return r;
}

/* Two readings one second apart: burner at 50 %, idle at 0 %, big at 10 %. */
static void readings(void)
{
	for (int t = 1; t <= 2; t++) {
		struct proc_reading p[3] = {
			proc(300, "burner --load 50", 50u * (unsigned)t, 2048),
			proc(200, "idle", 0, 1024),
			proc(100, "big", 10u * (unsigned)t, 512 * 1024),
		};
		struct tick_reading r;

		cpus[0].busy += 50, cpus[0].idle += 50;
		cpus[1].busy += 10, cpus[1].idle += 90;
		memset(&r, 0, sizeof(r));
		r.sys.time = t;
		r.sys.ncpu = 2;
		r.sys.per_cpu = cpus;
		r.sys.total.busy = cpus[0].busy + cpus[1].busy;
		r.sys.total.idle = cpus[0].idle + cpus[1].idle;
		r.sys.mem_total_kb = 8 * 1024 * 1024;
		r.sys.mem_used_kb = 2 * 1024 * 1024;
		r.sys.mem_available_kb = 6 * 1024 * 1024;
		r.procs = p;
		r.nprocs = 3;
		r.hz = 100;
		r.full_scan = true;
		model_apply(&fx.m, &r);
	}
}

static void setup(void)
{
	fx_init();
	memset(cpus, 0, sizeof(cpus));
	readings();
}

TestSuite(ui, .init = setup, .fini = fx_release);

Test(ui, list_rows_sorted_by_cpu)
{
	int hdr, first;

	fx_start(80, 24, false);
	fx_draw();
	fx_expect_fits();
	hdr = fx_find("    PID USER");
	cr_assert_geq(hdr, 0, "column header");
	cr_expect(strstr(fx.frame.v[hdr].text, "vCPU%") != NULL, "sorted column marked: '%s'",
		  fx.frame.v[hdr].text);
	first = hdr + 1;
	cr_expect(strstr(fx.frame.v[first].text, "    300 tester") == fx.frame.v[first].text,
		  "busiest first: '%s'", fx.frame.v[first].text);
	cr_expect(strstr(fx.frame.v[first].text, " 50.0 ") != NULL, "cpu %% as a number");
	cr_expect(strstr(fx.frame.v[first + 1].text, "    100 ") != NULL);
	cr_expect(strstr(fx.frame.v[first + 2].text, "    200 ") != NULL);
	cr_expect(fx_find("F1Help") == 23, "status line last");
	cr_expect(fx_find("Load") >= 0 && fx_find("Mem[") >= 0, "header figures");
}

Test(ui, sizes_from_the_smallest_up_never_overflow)
{
	static const int sizes[][2] = { { 40, 10 }, { 41, 11 }, { 60, 15 }, { 80, 24 },
					{ 100, 30 }, { 200, 60 } };

	fx_start(80, 24, false);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fx.ui.width = sizes[i][0];
		fx.ui.height = sizes[i][1];
		fx.ui.screen = UI_SCREEN_LIST;
		fx_draw();
		fx_expect_fits();
		cr_expect_geq(fx_find("PID"), 0);
		fx.ui.screen = UI_SCREEN_PROC;
		fx.ui.proc.pid = 300;
		fx_draw();
		fx_expect_fits();
		cr_expect_geq(fx_find("CPU now 50.0%"), 0, "cpu figure at %dx%d", fx.ui.width,
			      fx.ui.height);
	}
}

Test(ui, too_small_and_back)
{
	fx_start(39, 10, false);
	fx_draw();
	cr_expect_str_eq(fx.frame.v[0].text, "terminal too small");
	fx.ui.width = 40;
	fx.ui.height = 9;
	fx_draw();
	cr_expect_str_eq(fx.frame.v[0].text, "terminal too small");
	fx.ui.height = 10;
	ui__key(&fx.ui, UI_KEY_RESIZE);
	fx_draw();
	cr_expect_lt(fx_find("terminal too small"), 0);
	cr_expect_geq(fx_find("PID"), 0);
}

Test(ui, filter_live_keep_and_clear)
{
	fx_start(80, 24, false);
	ui__key(&fx.ui, '/');
	ui__key(&fx.ui, 'B');
	ui__key(&fx.ui, 'i');
	fx_draw();
	cr_expect_geq(fx_find("Filter: Bi_"), 0, "the prompt");
	cr_expect_geq(fx_find("    100 tester"), 0, "'big' matches");
	cr_expect_lt(fx_find("    300 tester"), 0, "'burner' does not");
	ui__key(&fx.ui, UI_KEY_ENTER);
	fx_draw();
	cr_expect_geq(fx_find("filter 'Bi'"), 0, "kept, shown in the status line");
	cr_expect_lt(fx_find("    300 tester"), 0);
	ui__key(&fx.ui, '/');
	ui__key(&fx.ui, UI_KEY_ESC);
	fx_draw();
	cr_expect_geq(fx_find("    300 tester"), 0, "Esc cleared it");
}

Test(ui, warning_keeps_the_filter_in_view)
{
	int row;

	fx_start(80, 24, false);
	ui__key(&fx.ui, '/');
	ui__key(&fx.ui, 'B');
	ui__key(&fx.ui, 'i');
	ui__key(&fx.ui, UI_KEY_ENTER);
	/* A warning arriving after the filter was set (a flood's drops are
	 * logged every few seconds) takes the hints' place, not the filter's. */
	ui__message(&fx.ui, TE_STATUS_WARN, "agent pid 9 dropped 0 samples and 12922419 events so far");
	fx_draw();
	row = fx_find("agent pid 9 dropped");
	cr_assert_geq(row, 0, "the warning is shown");
	cr_expect_eq(fx_find("filter 'Bi'"), row, "the filter stays on the same line");
	cr_expect_eq(fx_elem_at(row, "agent pid"), TE_STATUS_WARN);
	fx_expect_fits();
	/* Where both do not fit, the warning is shown whole (up to the
	 * screen's width), as before. */
	fx.ui.width = 60;
	fx_draw();
	cr_expect_geq(fx_find(" agent pid 9 dropped 0 samples and 12922419 events"), 0);
	cr_expect_lt(fx_find("filter 'Bi'"), 0);
	fx_expect_fits();
}

Test(ui, filter_without_match_says_so)
{
	fx_start(80, 24, false);
	ui__key(&fx.ui, '/');
	ui__key(&fx.ui, 'z');
	ui__key(&fx.ui, 'q');
	fx_draw();
	cr_expect_geq(fx_find("no process matches 'zq'"), 0);
}

Test(ui, sort_keys_and_chooser)
{
	int hdr;

	fx_start(80, 24, false);
	ui__key(&fx.ui, '>');
	fx_draw();
	hdr = fx_find("    PID USER");
	cr_expect(strstr(fx.frame.v[hdr].text, "vRSS") != NULL, "'>' goes to RSS: '%s'",
		  fx.frame.v[hdr].text);
	cr_expect(strstr(fx.frame.v[hdr + 1].text, "    100 ") != NULL, "biggest first");
	ui__key(&fx.ui, 'I');
	fx_draw();
	cr_expect(strstr(fx.frame.v[hdr + 1].text, "    200 ") != NULL, "inverted: smallest first");
	ui__key(&fx.ui, UI_KEY_F(6));
	fx_draw();
	cr_expect_geq(fx_find("Sort by"), 0, "the chooser");
	ui__key(&fx.ui, UI_KEY_UP); /* RSS -> CPU% */
	ui__key(&fx.ui, UI_KEY_ENTER);
	fx_draw();
	cr_expect_lt(fx_find("Sort by"), 0, "closed");
	{
		enum proc_sort sort;
		bool desc;

		listview__sort(&fx.ui, &sort, &desc);
		cr_expect_eq(sort, PROC_SORT_CPU);
		cr_expect(desc);
	}
}

Test(ui, enter_opens_the_view_and_esc_comes_back)
{
	fx_start(100, 30, false);
	fx_draw(); /* rows exist: the top one (pid 300) is selected */
	ui__key(&fx.ui, UI_KEY_ENTER);
	cr_expect_eq(fx.ui.screen, UI_SCREEN_PROC);
	cr_expect_eq(fx.ui.proc.pid, 300);
	cr_expect_not(fx.m.list_visible, "only the watched process is read");
	cr_expect(model_find(&fx.m, 300)->watched);
	fx_draw();
	fx_expect_fits();
	cr_expect_geq(fx_find("PID 300"), 0);
	cr_expect_geq(fx_find("CPU now 50.0%"), 0);
	cr_expect_geq(fx_find("RSS now 2.00 MiB"), 0);
	cr_expect_geq(fx_find("100% +"), 0, "y axis top label");
	cr_expect_geq(fx_find("-1m"), 0, "x axis");
	cr_expect_geq(fx_find("now"), 0);
	ui__key(&fx.ui, '+');
	fx_draw();
	cr_expect_geq(fx_find("-5m"), 0, "a longer window");
	ui__key(&fx.ui, UI_KEY_ESC);
	cr_expect_eq(fx.ui.screen, UI_SCREEN_LIST);
	cr_expect(fx.m.list_visible);
	cr_expect_not(model_find(&fx.m, 300)->watched);
}

Test(ui, selection_follows_the_pid_once_moved)
{
	fx_start(80, 24, false);
	fx_draw();
	ui__key(&fx.ui, UI_KEY_DOWN); /* pid 100, second by CPU */
	ui__key(&fx.ui, '<');         /* sort by PID: 100 is now first */
	fx_draw();
	cr_expect_eq(browser_selected_id(listview__browser(&fx.ui)), 100);
	ui__key(&fx.ui, UI_KEY_ENTER);
	cr_expect_eq(fx.ui.proc.pid, 100);
}

Test(ui, help_lists_keys_and_any_key_closes)
{
	fx_start(80, 24, false);
	ui__key(&fx.ui, '?');
	fx_draw();
	cr_expect_geq(fx_find("keys of the process list"), 0);
	cr_expect_geq(fx_find("F6"), 0);
	cr_expect_geq(fx_find("Filter by"), 0);
	ui__key(&fx.ui, 'x');
	fx_draw();
	cr_expect_lt(fx_find("keys of the process list"), 0);
	cr_expect_geq(fx_find("PID USER"), 0);
}

Test(ui, standalone_view_quits_with_q)
{
	fx.opt.pid = 200;
	fx_start(80, 24, false);
	fx_draw();
	cr_expect_geq(fx_find("PID 200"), 0);
	cr_expect_eq(ui__key(&fx.ui, UI_KEY_ESC) & UI_QUIT, 0, "Esc does not quit");
	cr_expect_eq(fx.ui.screen, UI_SCREEN_PROC, "no list to go back to");
	cr_expect(ui__key(&fx.ui, 'q') & UI_QUIT);
}

Test(ui, message_shown_once_then_hints)
{
	fx.opt.message = "cannot open theme 'nope': no such file";
	fx_start(80, 24, false);
	fx_draw();
	cr_expect_geq(fx_find("cannot open theme 'nope'"), 0);
	ui__key(&fx.ui, UI_KEY_DOWN); /* any key dismisses it */
	fx_draw();
	cr_expect_lt(fx_find("cannot open theme"), 0);
	cr_expect_geq(fx_find("F1Help"), 0);
}

Test(ui, quit_keys)
{
	fx_start(80, 24, false);
	cr_expect(ui__key(&fx.ui, 'q') & UI_QUIT);
	cr_expect(ui__key(&fx.ui, UI_KEY_F(10)) & UI_QUIT);
}

Test(ui, system_wide_view_rows_enter_and_why)
{
	struct syswide *s = &fx.m.syswide;
	int hdr;

	fx_start(80, 24, false);
	ui__key(&fx.ui, 'W');
	cr_assert_eq(fx.ui.screen, UI_SCREEN_SYS);
	cr_expect(s->want, "the view asks the collector for every CPU");
	for (int i = 0; i < 3; i++)
		syswide_add(s, 100, "big", "hash_block", "big");
	for (int i = 0; i < 7; i++)
		syswide_add(s, 300, "burner", "spin_loop", "burner");
	fx_draw();
	fx_expect_fits();
	hdr = fx_find("SELF%");
	cr_assert_geq(hdr, 0, "column header");
	cr_expect(strstr(fx.frame.v[hdr + 1].text, "spin_loop") != NULL, "most samples first: '%s'",
		  fx.frame.v[hdr + 1].text);
	cr_expect(strstr(fx.frame.v[hdr + 1].text, " 70.0 ") != NULL, "its share: '%s'",
		  fx.frame.v[hdr + 1].text);
	cr_expect(strstr(fx.frame.v[hdr + 2].text, "hash_block") != NULL);
	for (int w = 40; w <= 200; w += 40) {
		fx.ui.width = w;
		fx.ui.height = w / 4 < 10 ? 10 : w / 4;
		fx_draw();
		fx_expect_fits();
	}
	fx.ui.width = 80;
	fx.ui.height = 24;
	/* Enter opens the selected row's process (the top row: burner, 300) */
	ui__key(&fx.ui, UI_KEY_ENTER);
	cr_expect_eq(fx.ui.screen, UI_SCREEN_PROC);
	cr_expect_eq(fx.ui.proc.pid, 300);
	cr_expect(!s->want, "leaving the view stops the sampling");
	ui__key(&fx.ui, UI_KEY_ESC);
	cr_expect_eq(fx.ui.screen, UI_SCREEN_LIST);
	/* refused: the reason instead of a table; Esc back */
	ui__key(&fx.ui, 'W');
	snprintf(s->why, sizeof(s->why), "sampling every CPU needs root or CAP_PERFMON");
	fx_draw();
	fx_expect_fits();
	cr_expect_geq(fx_find(" Cannot sample every CPU:"), 0);
	cr_expect_geq(fx_find(" sampling every CPU needs root"), 0);
	cr_expect_lt(fx_find("SELF%"), 0, "no table");
	ui__key(&fx.ui, 'q');
	cr_expect_eq(fx.ui.screen, UI_SCREEN_LIST, "q goes back, not out");
	cr_expect(!s->want);
}
