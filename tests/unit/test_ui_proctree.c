/* Unit tests for the process view of a tree (procview.c, tab_processes.c):
 * a root (pid 10, root_work 20 samples) and its child (pid 20, child_work
 * 80 samples): the tabs read the tree's merged profile, the Processes tab
 * lists both with the child indented, Enter narrows every tab to the child,
 * `a` brings back the whole tree, the figures line has the tree's totals;
 * a lone process offers no Processes tab. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "model/proctree.h"
#include "support/ui_fixture.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"

/* Process pid running exe with n samples of main;work. */
static struct process *member(pid_t pid, const char *exe, const char *work, uint64_t n)
{
	struct process *p = model_agent_process(&fx.m, pid, exe);
	uint32_t s[2];

	cr_assert(p && p->profile);
	p->profile->connected = true;
	s[0] = profile_func(p->profile, exe, "main", NULL, 0);
	s[1] = profile_func(p->profile, exe, work, NULL, 0);
	profile_add_samples(p->profile, pid, s, 2, n, 1.0);
	return p;
}

static void setup(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	fx_init();
}

static void teardown(void)
{
	fx_release();
}

/* The tree: root 10, child 20; tree_profile live as under perftop run. */
static void start_tree(void)
{
	struct process *child;

	member(10, "/usr/bin/demo", "root_work", 20);
	child = member(20, "/usr/bin/helper", "child_work", 80);
	proctree_note_parent(&fx.m, child, 10);
	fx.m.tree_root = 10;
	proctree_update(&fx.m);
	proctree_live_on(&fx.m);
	fx_start_proc(120, 40, true, 10);
}

TestSuite(ui_proctree, .init = setup, .fini = teardown);

Test(ui_proctree, the_tabs_show_the_whole_tree)
{
	int bar;

	start_tree();
	fx_draw();
	fx_expect_fits();
	bar = fx_find(" Processes 2 ");
	cr_assert_geq(bar, 0, "the Processes tab on the bar");
	cr_expect(strstr(fx.frame.v[bar].text, "whole tree"), "%s", fx.frame.v[bar].text);
	cr_expect_geq(fx_find("root_work"), 0, "the root's function");
	cr_expect_geq(fx_find("child_work"), 0, "the child's function");
	cr_expect_geq(fx_find(" Tree CPU "), 0, "the tree's figures");
	cr_expect_geq(fx_find("of 2 running"), 0, "members counted");
}

Test(ui_proctree, enter_narrows_to_a_process_and_a_goes_back)
{
	int h, r0, r1;

	start_tree();
	fx_draw();
	ui__key(&fx.ui, '8');
	fx_draw();
	cr_assert_eq(tabs__current(&fx.ui), PTAB_PROCESSES);
	h = fx_find("PID COMMAND");
	cr_assert_geq(h, 0, "the Processes tab's header");
	r0 = h + 1, r1 = h + 2;
	cr_expect(strstr(fx.frame.v[r0].text, "10 demo"), "root row: %s", fx.frame.v[r0].text);
	cr_expect(strstr(fx.frame.v[r1].text, "20   helper"), "child row, indented: %s",
		  fx.frame.v[r1].text);
	ui__key(&fx.ui, UI_KEY_DOWN);
	ui__key(&fx.ui, UI_KEY_ENTER);
	ui__key(&fx.ui, '1');
	fx_draw();
	cr_assert_geq(fx_find("pid 20 helper"), 0, "the scope names the process");
	cr_expect_geq(fx_find("child_work"), 0);
	cr_expect_lt(fx_find("root_work"), 0, "the root's function is not the child's");
	ui__key(&fx.ui, 'a');
	fx_draw();
	cr_expect_geq(fx_find("whole tree"), 0);
	cr_expect_geq(fx_find("root_work"), 0, "the whole tree again");
	cr_expect_geq(fx_find("child_work"), 0);
}

Test(ui_proctree, tab_walks_to_the_processes_tab_of_a_tree_only)
{
	start_tree();
	fx_draw();
	for (int i = 0; i < PTAB_PROCESSES; i++)
		ui__key(&fx.ui, UI_KEY_TAB);
	cr_expect_eq(tabs__current(&fx.ui), PTAB_PROCESSES);
	ui__key(&fx.ui, UI_KEY_TAB);
	cr_expect_eq(tabs__current(&fx.ui), PTAB_FUNCTIONS, "Tab cycles round");
}

Test(ui_proctree, a_lone_process_has_no_processes_tab)
{
	member(10, "/usr/bin/demo", "root_work", 20);
	fx.m.tree_root = 10;
	proctree_update(&fx.m);
	proctree_live_on(&fx.m);
	fx_start_proc(120, 40, true, 10);
	fx_draw();
	cr_expect_lt(fx_find("Processes"), 0, "no Processes tab");
	cr_expect_lt(fx_find("whole tree"), 0, "no tree scope");
	cr_expect_lt(fx_find(" Tree CPU "), 0, "no tree figures");
	ui__key(&fx.ui, '8');
	cr_expect_neq(tabs__current(&fx.ui), PTAB_PROCESSES, "8 does not open a hidden tab");
	for (int i = 0; i < PTAB_PROCESSES; i++)
		ui__key(&fx.ui, UI_KEY_TAB);
	cr_expect_eq(tabs__current(&fx.ui), PTAB_FUNCTIONS, "Tab skips the hidden tab");
}
