/* Unit tests for the process view's view-wide keys and the mouse: w (the
 * tabs' live window), t (the thread chooser), R (reset), p (pause while
 * samples keep arriving), clicks, the wheel and double clicks on the
 * tables, the tab bar and the process list, the drop meter, the snapshot
 * title and --no-mouse. The profile of process 300 is built by hand:
 *
 *   thread 301 "main":   alpha 100 at t=1; gamma1..gamma6 6,5,4,3,2,1 at t=1
 *   thread 302 "worker": alpha 10 and beta 30 at t=20
 *
 * so the last 5 s (seconds 16..20) hold alpha 10 and beta 30 (25 % and
 * 75 %), and everything holds 161 samples: alpha 110 (68.3 %), beta 30
 * (18.6 %). Thread main alone, everything: alpha 100 of 121 (82.6 %). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/options.h"
#include "support/ui_fixture.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"

static struct profile *prof;
static uint32_t alpha, beta;

static void profile_fill(void)
{
	prof = fx_agent(300, "/usr/bin/prog");
	prof->requested_hz = 1000;
	prof->achieved_hz = 990;
	profile_thread_name(prof, 301, "main");
	profile_thread_name(prof, 302, "worker");
	alpha = profile_func(prof, "prog", "alpha", "a.c", 1);
	beta = profile_func(prof, "prog", "beta", "b.c", 2);
	profile_add_samples(prof, 301, &alpha, 1, 100, 1.0);
	for (int i = 1; i <= 6; i++) {
		char name[24];
		uint32_t g;

		snprintf(name, sizeof(name), "gamma%d", i);
		g = profile_func(prof, "prog", name, "g.c", i);
		profile_add_samples(prof, 301, &g, 1, (uint64_t)(7 - i), 1.0);
	}
	profile_add_samples(prof, 302, &alpha, 1, 10, 20.0);
	profile_add_samples(prof, 302, &beta, 1, 30, 20.0);
}

/* Processes 300 "prog" (50 % CPU, profiled) and 200 "plain"; the ui on
 * process 300's view at 120 x 40, measuring text as UTF-8. */
static void setup(void)
{
	fx_init();
	fx_readings((const struct fx_proc[]){ { 300, "prog", 50 }, { 200, "plain", 0 } }, 2);
	profile_fill();
	fx_start_proc(120, 40, true, 300);
}

/* The Functions row of `name`: its line, or -1. */
static int func_line(const char *name)
{
	int h = fx_find("FUNCTION");
	char pad[40];

	snprintf(pad, sizeof(pad), " %s ", name);
	for (int i = h < 0 ? (int)fx.frame.n : h + 1; i < (int)fx.frame.n; i++)
		if (strstr(fx.frame.v[i].text, pad))
			return i;
	return -1;
}

/* SELF% of a function on the Functions tab (-1 when not shown). */
static double self_pct(const char *name)
{
	int i = func_line(name);
	double self;

	if (i < 0 || sscanf(fx.frame.v[i].text, "%lf", &self) != 1)
		return -1;
	return self;
}

/* The SAMPLES cell of a function, as drawn ("1,234"). */
static const char *samples_cell(const char *name)
{
	static char buf[32];
	int i = func_line(name);
	double a, b;

	if (i < 0 || sscanf(fx.frame.v[i].text, "%lf %lf %31s", &a, &b, buf) != 3)
		return "";
	return buf;
}

/* A key as the loop hands it: then the second half of a pause, which the
 * loop runs once it has unlocked the model. */
static int key(int k)
{
	int r = ui__key(&fx.ui, k);

	ui__pause_load(&fx.ui);
	return r;
}

static void mouse(int x, int y, enum ui_mouse_button button, bool dbl)
{
	fx.ui.mouse = (struct ui_mouse){ x, y, button, dbl };
	key(UI_KEY_MOUSE);
}

static bool selected(int line)
{
	const struct line *l = &fx.frame.v[line];

	for (size_t s = 0; s < l->nspans; s++)
		if (l->spans[s].elem == TE_ROW_SELECTED)
			return true;
	return false;
}

TestSuite(view_keys, .init = setup, .fini = fx_release, .timeout = 20);

Test(view_keys, w_cycles_the_live_window_of_the_functions_tab)
{
	fx_draw();
	cr_assert_gt(fx_find("last 5s"), 0, "the tab bar names the window");
	cr_expect_float_eq(self_pct("beta"), 75.0, 0.05, "5 s: beta 30 of 40");
	cr_expect_float_eq(self_pct("alpha"), 25.0, 0.05, "5 s: alpha 10 of 40");
	cr_expect_float_eq(self_pct("gamma1"), 0.0, 0.05, "5 s: gamma1 is older");

	key('w');
	fx_draw();
	cr_expect_gt(fx_find("last 30s"), 0);
	cr_expect_float_eq(self_pct("alpha"), 100.0 * 110 / 161, 0.05, "30 s holds t=1");
	key('w');
	fx_draw();
	cr_expect_gt(fx_find("all time"), 0);
	cr_expect_float_eq(self_pct("beta"), 100.0 * 30 / 161, 0.05);
	key('w');
	fx_draw();
	cr_expect_gt(fx_find("last 5s"), 0, "w wraps around to 5 s");
}

Test(view_keys, brackets_move_the_charts_window_not_the_tabs)
{
	int before = fx.ui.proc.window;

	key(']');
	cr_expect_eq(fx.ui.proc.window, before + 1);
	key('[');
	key('[');
	cr_expect_eq(fx.ui.proc.window, before - 1);
	cr_expect_eq(tabs__scope(&fx.ui)->window, TABS_DEFAULT_WINDOW, "the live window stays");
	key('+');
	cr_expect_eq(fx.ui.proc.window, before, "+ still works on the Functions tab");
}

Test(view_keys, t_picks_a_thread_and_the_numbers_change)
{
	int l;

	key('w');
	key('w'); /* everything */
	fx_draw();
	cr_assert_float_eq(self_pct("alpha"), 100.0 * 110 / 161, 0.05);

	key('t');
	fx_draw();
	cr_assert(threads__is_open(&fx.ui));
	cr_expect_gt(fx_find("All threads"), 0);
	l = fx_find("main ");
	cr_assert_gt(l, fx_find("All threads"), "threads after All, most samples first");
	cr_expect_gt(fx_find("worker"), l, "main (121) before worker (40)");
	cr_expect_neq(strstr(fx.frame.v[l].text, "121"), NULL, "main's samples: %s",
		      fx.frame.v[l].text);

	key(UI_KEY_DOWN);
	key(UI_KEY_ENTER);
	cr_expect_not(threads__is_open(&fx.ui));
	cr_expect_eq(tabs__scope(&fx.ui)->tid, 301);
	fx_draw();
	cr_expect_gt(fx_find("thread main"), 0, "the tab bar names the thread");
	cr_expect_float_eq(self_pct("alpha"), 100.0 * 100 / 121, 0.05, "main: alpha 100 of 121");
	cr_expect_eq(func_line("beta"), -1, "beta never ran on main");

	key('t');
	key(UI_KEY_ESC);
	cr_expect_eq(tabs__scope(&fx.ui)->tid, 301, "Esc keeps the thread");
	key('t');
	key(UI_KEY_HOME);
	key(UI_KEY_ENTER);
	cr_expect_eq(tabs__scope(&fx.ui)->tid, 0, "All threads");
}

Test(view_keys, R_zeroes_the_counts)
{
	fx_draw();
	cr_assert_gt(func_line("alpha"), 0);
	key('R');
	cr_expect_eq(prof->samples, 0);
	cr_expect_eq(prof->funcs[alpha].self, 0);
	cr_expect_neq(strstr(fx.ui.msg, "reset"), NULL, "a message says so: '%s'", fx.ui.msg);
	fx_draw();
	cr_expect_eq(func_line("alpha"), -1, "no function has samples");
	cr_expect_gt(fx_find("no samples yet"), 0);
	cr_expect_gt(fx_find("0 samples"), 0, "the agent line counts from 0");
}

Test(view_keys, pause_freezes_while_samples_arrive_and_resume_shows_them)
{
	fx_draw();
	cr_assert_str_eq(samples_cell("beta"), "30");
	key('p');
	cr_assert_not_null(fx.ui.frozen, "paused");
	cr_assert_eq(fx.ui.live, &fx.m);

	/* The collector goes on filling the live model. */
	profile_add_samples(prof, 302, &beta, 1, 50, 20.5);
	fx_draw();
	cr_expect_str_eq(samples_cell("beta"), "30", "the shown rows do not move");
	cr_expect_gt(fx_find("PAUSED"), -1);
	cr_expect_gt(fx_find("+50 samples waiting"), -1, "title: '%s'", fx.frame.v[0].text);
	profile_add_samples(prof, 302, &beta, 1, 25, 20.6);
	fx_draw();
	cr_expect_gt(fx_find("+75 samples waiting"), -1, "title: '%s'", fx.frame.v[0].text);

	key(' ');
	cr_expect_null(fx.ui.frozen, "Space resumes");
	fx_draw();
	cr_expect_str_eq(samples_cell("beta"), "105", "nothing received was lost");
	cr_expect_eq(fx_find("PAUSED"), -1);
}

Test(view_keys, R_while_paused_resets_both)
{
	key('p');
	profile_add_samples(prof, 302, &beta, 1, 5, 20.5);
	key('R');
	cr_expect_eq(prof->samples, 0, "the live profile");
	fx_draw();
	cr_expect_eq(func_line("beta"), -1, "the copy shown too");
	key('p');
	cr_expect_null(fx.ui.frozen);
}

Test(view_keys, click_selects_wheel_moves_and_tabs_switch)
{
	struct browser *b = tabs__browser(&fx.ui, PTAB_FUNCTIONS);
	int l, bar;

	fx_draw();
	l = func_line("alpha");
	cr_assert_gt(l, 0);
	cr_assert_not(selected(l));
	mouse(20, l, UI_MOUSE_LEFT, false);
	fx_draw();
	cr_expect(selected(func_line("alpha")), "the clicked row is selected");
	cr_expect_eq(b->sel, 1, "beta, alpha, gamma1...");

	mouse(20, 2, UI_MOUSE_WHEEL_DOWN, false);
	cr_expect_eq(b->sel, 1 + UI_MOUSE_WHEEL_ROWS);
	mouse(20, 2, UI_MOUSE_WHEEL_UP, false);
	cr_expect_eq(b->sel, 1);

	fx_draw();
	mouse(20, func_line("FUNCTION") + 40, UI_MOUSE_LEFT, false);
	cr_expect_eq(b->sel, 1, "a click under the last row selects nothing");

	bar = fx_find("Log");
	cr_assert_gt(bar, 0);
	mouse((int)(strstr(fx.frame.v[bar].text, "Log") - fx.frame.v[bar].text), bar, UI_MOUSE_LEFT,
	      false);
	cr_expect_eq(tabs__current(&fx.ui), PTAB_LOG, "a click on a tab switches to it");
}

Test(view_keys, double_click_is_enter)
{
	int l;

	key('t');
	fx_draw();
	l = fx_find("worker");
	cr_assert_gt(l, 0);
	mouse(3, l, UI_MOUSE_LEFT, false);
	cr_expect(threads__is_open(&fx.ui), "one click only selects");
	mouse(3, l, UI_MOUSE_LEFT, true);
	cr_expect_not(threads__is_open(&fx.ui), "a double click picks");
	cr_expect_eq(tabs__scope(&fx.ui)->tid, 302);

	/* On the process list, a double click opens the process. */
	fx.ui.screen = UI_SCREEN_LIST;
	fx_draw();
	l = fx_find("plain");
	cr_assert_gt(l, 0);
	mouse(3, l, UI_MOUSE_LEFT, true);
	cr_expect_eq(fx.ui.screen, UI_SCREEN_PROC);
	cr_expect_eq(fx.ui.proc.pid, 200);
}

Test(view_keys, drop_meter_tells_dropping_now)
{
	struct drop_meter d;

	memset(&d, 0, sizeof(d));
	agent_line__drops_add(&d, 300, 0.0, 0);
	agent_line__drops_add(&d, 300, 1.0, 0);
	cr_expect_eq(agent_line__drops_rate(&d, 1.0), 0);
	agent_line__drops_add(&d, 300, 2.0, 100);
	cr_expect_float_eq(agent_line__drops_rate(&d, 2.0), 50.0, 1e-9, "100 over 2 s");
	agent_line__drops_add(&d, 300, 3.0, 100);
	agent_line__drops_add(&d, 300, 10.0, 100);
	cr_expect_eq(agent_line__drops_rate(&d, 10.0), 0, "dropped once, not now");
	agent_line__drops_add(&d, 300, 11.0, 130);
	cr_expect_float_eq(agent_line__drops_rate(&d, 11.0), 30.0, 1e-9);
	agent_line__drops_add(&d, 301, 12.0, 5);
	cr_expect_eq(agent_line__drops_rate(&d, 12.0), 0, "another process starts over");
}

Test(view_keys, agent_line_shows_event_drops_and_dropping_now)
{
	int l;

	prof->agent_dropped = 3;
	prof->agent_events_dropped = 7;
	fx_draw();
	l = fx_find("Agent");
	cr_assert_geq(l, 0);
	cr_expect_neq(strstr(fx.frame.v[l].text, "7 events lost"), NULL, "%s", fx.frame.v[l].text);
	cr_expect_eq(strstr(fx.frame.v[l].text, "DROPPING"), NULL, "no history yet");
	/* Counts that rise between two draws a second apart: dropping now. */
	agent_line__drops_backdate(&fx.ui.proc.drops, 1.0);
	prof->agent_dropped = 1003;
	fx_draw();
	l = fx_find("Agent");
	cr_expect_neq(strstr(fx.frame.v[l].text, "DROPPING"), NULL, "%s", fx.frame.v[l].text);
}

Test(view_keys, snapshot_title_and_read_only_reset)
{
	setenv("TZ", "UTC", 1);
	tzset();
	fx.opt.snapshot = true;
	fx.opt.snapshot_path = "/some/dir/demo.ptsnap";
	fx.opt.snapshot_end = 1700000010.0;
	fx_draw();
	cr_expect_neq(strstr(fx.frame.v[0].text, "snapshot demo.ptsnap"), NULL, "%s",
		      fx.frame.v[0].text);
	cr_expect_neq(strstr(fx.frame.v[0].text, "to 2023-11-14 22:13:30"), NULL, "%s",
		      fx.frame.v[0].text);
	cr_expect_eq(strstr(fx.frame.v[0].text, "running"), NULL, "no state for a recording");
	cr_expect_eq(strstr(fx.frame.v[0].text, "watched"), NULL);
	cr_expect_gt(fx_find("CPU last"), 0);
	key('R');
	cr_expect_eq(prof->samples, 161, "a snapshot is not reset");
	cr_expect_neq(strstr(fx.ui.msg, "read-only"), NULL, "'%s'", fx.ui.msg);
	key('p');
	cr_expect_null(fx.ui.frozen, "nothing to pause");
}

Test(view_keys, help_lists_the_keys)
{
	key('?');
	fx_draw();
	cr_expect_gt(fx_find("p Space"), 0);
	cr_expect_gt(fx_find("Mouse"), 0);
	key('x');
	key('1' + PTAB_TREE);
	cr_assert_eq(tabs__current(&fx.ui), PTAB_TREE);
	key('?');
	fx_draw();
	if (treeview__module.nbindings) {
		cr_expect_gt(fx_find("keys of the Tree tab"), 0);
		cr_expect_gt(fx_find("Help: this list of keys"), fx_find("keys of the Tree tab"),
			     "the tab's own keys come first");
	}
}

Test(view_keys_options, no_mouse_is_parsed)
{
	char *top[] = { "perftop", "--no-mouse", NULL };
	char *plain[] = { "perftop", NULL };
	char *run[] = { "run", "--no-mouse", "--", "true", NULL };
	struct options o;
	char why[256];

	cr_assert_eq(options_parse(&o, 1, plain, why, sizeof(why)), OPTIONS_OK);
	cr_expect_not(o.no_mouse, "the mouse is on by default");
	cr_assert_eq(options_parse(&o, 2, top, why, sizeof(why)), OPTIONS_OK, "%s", why);
	cr_expect(o.no_mouse);
	cr_assert_eq(options_parse_mode(&o, OPTIONS_RUN, 4, run, why, sizeof(why)), OPTIONS_OK,
		     "%s", why);
	cr_expect(o.no_mouse);
	cr_expect_str_eq(o.command[0], "true");
}
