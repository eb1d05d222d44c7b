/* Unit tests for the ui's frames without a terminal: a hand-built model is
 * drawn into line buffers at several sizes, and keys are fed as events, the
 * way the TUI and golden tests see it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ui/ui_internal.h"

static struct model m;
static struct ui ui;
static struct ui_options opt;
static struct lines frame;
static struct cpu_jiffies cpus[2];

static struct proc_reading proc(pid_t pid, const char *comm, unsigned long long ticks,
				unsigned long long rss_kb)
{
	struct proc_reading r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	r.threads = 1;
	r.fds = 4;
	r.start_ticks = 5;
	r.ticks = ticks;
	r.rss_kb = rss_kb;
	r.state = 'S';
	snprintf(r.comm, sizeof(r.comm), "%s", comm);
	snprintf(r.user, sizeof(r.user), "tester");
	r.cmdline = comm;
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
		model_apply(&m, &r);
	}
}

static void setup(void)
{
	model_init(&m, 1.0);
	readings();
	memset(&opt, 0, sizeof(opt));
	lines_init(&frame);
}

static void start(int width, int height)
{
	ui__init(&ui, &m, &opt, false);
	ui.width = width;
	ui.height = height;
}

static void teardown(void)
{
	ui__release(&ui);
	lines_release(&frame);
	model_release(&m);
}

static void draw(void)
{
	ui__frame(&ui, &frame);
}

/* The index of the first line containing text, or -1. */
static int find(const char *text)
{
	for (size_t i = 0; i < frame.n; i++)
		if (strstr(frame.v[i].text, text))
			return (int)i;
	return -1;
}

static void expect_fits(void)
{
	cr_expect_eq(frame.n, (size_t)ui.height, "%zu lines for a height of %d", frame.n,
		     ui.height);
	for (size_t i = 0; i < frame.n; i++)
		cr_expect_leq(frame.v[i].cols, ui.width, "line %zu: %d columns of %d: '%s'", i,
			      frame.v[i].cols, ui.width, frame.v[i].text);
}

TestSuite(ui, .init = setup, .fini = teardown);

Test(ui, list_rows_sorted_by_cpu)
{
	int hdr, first;

	start(80, 24);
	draw();
	expect_fits();
	hdr = find("    PID USER");
	cr_assert_geq(hdr, 0, "column header");
	cr_expect(strstr(frame.v[hdr].text, "vCPU%") != NULL, "sorted column marked: '%s'",
		  frame.v[hdr].text);
	first = hdr + 1;
	cr_expect(strstr(frame.v[first].text, "    300 tester") == frame.v[first].text,
		  "busiest first: '%s'", frame.v[first].text);
	cr_expect(strstr(frame.v[first].text, " 50.0 ") != NULL, "cpu %% as a number");
	cr_expect(strstr(frame.v[first + 1].text, "    100 ") != NULL);
	cr_expect(strstr(frame.v[first + 2].text, "    200 ") != NULL);
	cr_expect(find("F1Help") == 23, "status line last");
	cr_expect(find("Load") >= 0 && find("Mem[") >= 0, "header figures");
}

Test(ui, sizes_from_the_smallest_up_never_overflow)
{
	static const int sizes[][2] = { { 40, 10 }, { 41, 11 }, { 60, 15 }, { 80, 24 },
					{ 100, 30 }, { 200, 60 } };

	start(80, 24);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ui.width = sizes[i][0];
		ui.height = sizes[i][1];
		ui.screen = UI_SCREEN_LIST;
		draw();
		expect_fits();
		cr_expect_geq(find("PID"), 0);
		ui.screen = UI_SCREEN_PROC;
		ui.proc.pid = 300;
		draw();
		expect_fits();
		cr_expect_geq(find("CPU now 50.0%"), 0, "cpu figure at %dx%d", ui.width,
			      ui.height);
	}
}

Test(ui, too_small_and_back)
{
	start(39, 10);
	draw();
	cr_expect_str_eq(frame.v[0].text, "terminal too small");
	ui.width = 40;
	ui.height = 9;
	draw();
	cr_expect_str_eq(frame.v[0].text, "terminal too small");
	ui.height = 10;
	ui__key(&ui, UI_KEY_RESIZE);
	draw();
	cr_expect_lt(find("terminal too small"), 0);
	cr_expect_geq(find("PID"), 0);
}

Test(ui, filter_live_keep_and_clear)
{
	start(80, 24);
	ui__key(&ui, '/');
	ui__key(&ui, 'B');
	ui__key(&ui, 'i');
	draw();
	cr_expect_geq(find("Filter: Bi_"), 0, "the prompt");
	cr_expect_geq(find("    100 tester"), 0, "'big' matches");
	cr_expect_lt(find("    300 tester"), 0, "'burner' does not");
	ui__key(&ui, UI_KEY_ENTER);
	draw();
	cr_expect_geq(find("filter 'Bi'"), 0, "kept, shown in the status line");
	cr_expect_lt(find("    300 tester"), 0);
	ui__key(&ui, '/');
	ui__key(&ui, UI_KEY_ESC);
	draw();
	cr_expect_geq(find("    300 tester"), 0, "Esc cleared it");
}

Test(ui, filter_without_match_says_so)
{
	start(80, 24);
	ui__key(&ui, '/');
	ui__key(&ui, 'z');
	ui__key(&ui, 'q');
	draw();
	cr_expect_geq(find("no process matches 'zq'"), 0);
}

Test(ui, sort_keys_and_chooser)
{
	int hdr;

	start(80, 24);
	ui__key(&ui, '>');
	draw();
	hdr = find("    PID USER");
	cr_expect(strstr(frame.v[hdr].text, "vRSS") != NULL, "'>' goes to RSS: '%s'",
		  frame.v[hdr].text);
	cr_expect(strstr(frame.v[hdr + 1].text, "    100 ") != NULL, "biggest first");
	ui__key(&ui, 'I');
	draw();
	cr_expect(strstr(frame.v[hdr + 1].text, "    200 ") != NULL, "inverted: smallest first");
	ui__key(&ui, UI_KEY_F(6));
	draw();
	cr_expect_geq(find("Sort by"), 0, "the chooser");
	ui__key(&ui, UI_KEY_UP); /* RSS -> CPU% */
	ui__key(&ui, UI_KEY_ENTER);
	draw();
	cr_expect_lt(find("Sort by"), 0, "closed");
	cr_expect_eq(ui.list.sort, PROC_SORT_CPU);
	cr_expect(ui.list.desc);
}

Test(ui, enter_opens_the_view_and_esc_comes_back)
{
	start(100, 30);
	draw(); /* rows exist: the top one (pid 300) is selected */
	ui__key(&ui, UI_KEY_ENTER);
	cr_expect_eq(ui.screen, UI_SCREEN_PROC);
	cr_expect_eq(ui.proc.pid, 300);
	cr_expect_not(m.list_visible, "only the watched process is read");
	cr_expect(model_find(&m, 300)->watched);
	draw();
	expect_fits();
	cr_expect_geq(find("PID 300"), 0);
	cr_expect_geq(find("CPU now 50.0%"), 0);
	cr_expect_geq(find("RSS now 2.00 MiB"), 0);
	cr_expect_geq(find("100% +"), 0, "y axis top label");
	cr_expect_geq(find("-1m"), 0, "x axis");
	cr_expect_geq(find("now"), 0);
	ui__key(&ui, '+');
	draw();
	cr_expect_geq(find("-5m"), 0, "a longer window");
	ui__key(&ui, UI_KEY_ESC);
	cr_expect_eq(ui.screen, UI_SCREEN_LIST);
	cr_expect(m.list_visible);
	cr_expect_not(model_find(&m, 300)->watched);
}

Test(ui, selection_follows_the_pid_once_moved)
{
	start(80, 24);
	draw();
	ui__key(&ui, UI_KEY_DOWN); /* pid 100, second by CPU */
	ui__key(&ui, '<');         /* sort by PID: 100 is now first */
	draw();
	cr_expect_eq(browser_selected_id(&ui.list.br), 100);
	ui__key(&ui, UI_KEY_ENTER);
	cr_expect_eq(ui.proc.pid, 100);
}

Test(ui, help_lists_keys_and_any_key_closes)
{
	start(80, 24);
	ui__key(&ui, '?');
	draw();
	cr_expect_geq(find("keys of the process list"), 0);
	cr_expect_geq(find("F6"), 0);
	cr_expect_geq(find("Filter by"), 0);
	ui__key(&ui, 'x');
	draw();
	cr_expect_lt(find("keys of the process list"), 0);
	cr_expect_geq(find("PID USER"), 0);
}

Test(ui, standalone_view_quits_with_q)
{
	opt.pid = 200;
	start(80, 24);
	draw();
	cr_expect_geq(find("PID 200"), 0);
	cr_expect_eq(ui__key(&ui, UI_KEY_ESC) & UI_QUIT, 0, "Esc does not quit");
	cr_expect_eq(ui.screen, UI_SCREEN_PROC, "no list to go back to");
	cr_expect(ui__key(&ui, 'q') & UI_QUIT);
}

Test(ui, message_shown_once_then_hints)
{
	opt.message = "cannot open theme 'nope': no such file";
	start(80, 24);
	draw();
	cr_expect_geq(find("cannot open theme 'nope'"), 0);
	ui__key(&ui, UI_KEY_DOWN); /* any key dismisses it */
	draw();
	cr_expect_lt(find("cannot open theme"), 0);
	cr_expect_geq(find("F1Help"), 0);
}

Test(ui, quit_keys)
{
	start(80, 24);
	cr_expect(ui__key(&ui, 'q') & UI_QUIT);
	cr_expect(ui__key(&ui, UI_KEY_F(10)) & UI_QUIT);
}
