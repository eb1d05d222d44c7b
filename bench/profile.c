/* Measures the profile's derived structures: 1,000,000 samples over 50,000
 * distinct stacks of depth ~20 and 5,000 functions on 8 threads over 100 s;
 * then the real views: ui__frame of the process view at 200x60 on every tab
 * (PTAB_COUNT of them), first frame after switching and refreshes after a
 * second of new samples, for each live window. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "model/model.h"
#include "model/profile.h"
#include "ui/tabs.h"
#include "ui/ui_internal.h"

static long rss_kb(const char *field)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			kb = atol(line + strlen(field) + 1);
	if (f)
		fclose(f);
	return kb;
}

enum { NFUNCS = 5000, NSTACKS = 50000, NSAMPLES = 1000000, MAXD = 24 };
static uint32_t stacks[NSTACKS][MAXD];
static uint8_t depths[NSTACKS];

/* A row drawn by a view: walk sorted children, expand the hottest path. */
static size_t walk(struct calltree *t, enum calltree_scope c, uint32_t *buf, size_t cap)
{
	size_t rows = 0, n;
	uint32_t node = CALLTREE_ROOT;

	/* Top level (up to a screen of rows), then the hottest path to its leaf. */
	n = calltree_children(t, node, c, buf, cap);
	rows += n < 60 ? n : 60;
	while (n) {
		node = buf[0];
		n = calltree_children(t, node, c, buf, cap);
		rows += n < 5 ? n : 5;
	}
	return rows;
}

/* One more second of samples at 10,000/s, after the profile's latest. */
static void add_second(struct profile *p)
{
	double t_next = profile_now(p) + 1;

	for (int i = 0; i < 10000; i++) {
		int s = (int)((bench_rand() % NSTACKS) * (bench_rand() % 1000) / 1000);

		profile_add_samples(p, 100 + s % 8, stacks[s], depths[s], 1, t_next - 1 + i / 10000.0);
	}
}

enum { UI_W = 200, UI_H = 60, UI_REFRESHES = 5 };

/* The tabs' names as the tab bar shows them, for the rows printed. */
static const char *tab_name(int tab)
{
	return tabs__title((enum proc_tab)tab);
}

/* Times one tab in one scope: the first frame after switching to it, then
 * UI_REFRESHES frames each after a second of new samples. Prints a row;
 * returns the worst refresh. With dump, writes the last frame to stderr. */
static double bench_tab(struct ui *ui, struct lines *frame, struct profile *p, int tab,
			const char *scope, bool dump)
{
	double t[UI_REFRESHES], a, sw;

	tabs__set_tab(ui, (enum proc_tab)tab);
	a = bench_now_s();
	ui__frame(ui, frame);
	sw = bench_now_s() - a;
	for (int r = 0; r < UI_REFRESHES; r++) {
		add_second(p);
		a = bench_now_s();
		ui__frame(ui, frame);
		t[r] = bench_now_s() - a;
	}
	bench_sort(t, UI_REFRESHES);
	printf("  ui %d %-9s %-19s switch %6.2f ms, refresh median %6.2f ms, max %6.2f ms, "
	       "%zu lines\n",
	       tab, tab_name(tab), scope, sw * 1e3, t[UI_REFRESHES / 2] * 1e3,
	       t[UI_REFRESHES - 1] * 1e3, frame->n);
	if (dump) {
		fprintf(stderr, "---- tab %d %s, %s\n", tab, tab_name(tab), scope);
		lines_write(frame, stderr);
	}
	return t[UI_REFRESHES - 1];
}

/* Draws every tab of the process view through ui__frame, as the screen
 * would, for each live window with all threads merged, then for one thread
 * over everything. Returns the worst refresh. */
static double bench_views(struct model *m, pid_t pid, struct profile *p, pid_t one_tid, bool dump)
{
	struct ui_options opt;
	struct lines frame;
	struct ui ui;
	double worst = 0;
	char scope[32];

	memset(&opt, 0, sizeof(opt));
	lines_init(&frame);
	ui__init(&ui, m, &opt, ui__locale_utf8());
	ui.width = UI_W;
	ui.height = UI_H;
	ui.screen = UI_SCREEN_PROC;
	ui.proc.pid = pid;
	printf("  views through ui__frame at %dx%d, %d tabs: the first frame after switching, "
	       "then %d refreshes after 1 s of samples each\n",
	       UI_W, UI_H, (int)PTAB_COUNT, UI_REFRESHES);
	for (int w = 0; w <= TABS_NWINDOWS; w++) {
		bool thread = w == TABS_NWINDOWS;
		int win = thread ? TABS_NWINDOWS - 1 : w;

		tabs__set_window(&ui, win);
		tabs__set_tid(&ui, thread ? one_tid : 0);
		if (tabs__window_seconds[win] > 0)
			snprintf(scope, sizeof(scope), "%s, %.0f s", thread ? "1 thread" : "merged",
				 tabs__window_seconds[win]);
		else
			snprintf(scope, sizeof(scope), "%s, all", thread ? "1 thread" : "merged");
		for (int tab = 0; tab < PTAB_COUNT; tab++) {
			double t = bench_tab(&ui, &frame, p, tab, scope, dump);

			if (t > worst)
				worst = t;
		}
	}
	ui__release(&ui);
	lines_release(&frame);
	return worst;
}

int main(int argc, char **argv)
{
	int random_stacks = argc > 1 && !strcmp(argv[1], "random");
	bool dump = argc > 1 && !strcmp(argv[argc - 1], "dump");
	struct model m;
	struct profile *p;
	struct profile_view v;
	uint32_t ids[NFUNCS], *buf = malloc(sizeof(uint32_t) * NFUNCS * 4), *order;
	char name[32];
	double t0, t1;
	long base = rss_kb("VmRSS");
	pid_t pid = 4242;

	setlocale(LC_ALL, "");

	model_init(&m, 1.0);
	p = model_agent_process(&m, pid, "/usr/bin/prog")->profile;
	p->connected = true;
	p->requested_hz = 10000;
	p->achieved_hz = 10000;
	for (int t = 0; t < 8; t++) {
		snprintf(name, sizeof(name), "worker-%d", t);
		profile_thread_name(p, 100 + t, name);
	}
	for (int i = 0; i < NFUNCS; i++) {
		snprintf(name, sizeof(name), "func_%d", i);
		ids[i] = profile_func(p, i % 10 ? "prog" : "libc.so.6", name, "prog.c", i);
	}
	/* Stacks: realistic ones share a prefix with an earlier stack (how real
	 * programs look: few entry points, divergence deeper down); random ones
	 * share nothing past the first frames. */
	for (int s = 0; s < NSTACKS; s++) {
		int d = 16 + (int)(bench_rand() % 9), keep = 0;

		if (s && !random_stacks) {
			int from = (int)(bench_rand() % s);

			keep = depths[from] - 1 - (int)(bench_rand() % 8);
			if (keep > d - 1)
				keep = d - 1;
			if (keep < 0)
				keep = 0;
			memcpy(stacks[s], stacks[from], keep * sizeof(uint32_t));
		}
		for (int i = keep; i < d; i++)
			stacks[s][i] = ids[i == 0 ? bench_rand() % 4 : bench_rand() % NFUNCS];
		depths[s] = (uint8_t)d;
	}
	/* Every stack once, then a skewed draw (hot stacks get most samples). */
	t0 = bench_now_s();
	for (int i = 0; i < NSAMPLES; i++) {
		int s = i < NSTACKS ? i : (int)((bench_rand() % NSTACKS) * (bench_rand() % 1000) / 1000);

		profile_add_samples(p, 100 + s % 8, stacks[s], depths[s], 1, i * (100.0 / NSAMPLES));
	}
	t1 = bench_now_s();
	printf("%s stacks: add 1M samples %.3f s (%.2f us/sample)\n",
	       random_stacks ? "random" : "shared-prefix", t1 - t0, (t1 - t0) / NSAMPLES * 1e6);
	printf("  stacks %zu, pairs %zu, top nodes %zu, callers nodes %zu\n", p->stacks.count,
	       p->npairs, calltree_count(&p->top), calltree_count(&p->callers));
	printf("  RSS %ld MB (peak %ld MB)\n", (rss_kb("VmRSS") - base) / 1024,
	       rss_kb("VmHWM") / 1024);

	profile_view_init(&v);
	order = malloc(sizeof(*order) * NFUNCS);
	struct {
		const char *what;
		pid_t tid;
		double seconds;
	} cases[] = {
		{ "all, merged", 0, 0 },
		{ "30 s window, merged (switch: rebuild)", 0, 30 }, { "30 s window, merged (refresh)", 0, 30 },
		{ "5 s window, merged (switch: rebuild)", 0, 5 }, { "5 s window, merged (refresh)", 0, 5 },
		{ "all, one thread (first: builds)", 103, 0 },
		{ "all, one thread", 103, 0 },    { "5 s window, one thread", 103, 5 },
		{ "30 s window, one thread", 103, 30 },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		double a, b, c, d;
		size_t rows;

		v.tid = cases[k].tid;
		v.seconds = cases[k].seconds;
		a = bench_now_s();
		profile_view_update(p, &v, profile_now(p));
		b = bench_now_s();
		rows = walk(v.top, v.scope, buf, NFUNCS * 4);
		rows += walk(v.callers, v.scope, buf, NFUNCS * 4);
		c = bench_now_s();
		/* The flat table sorted by total (the Functions tab). */
		profile_funcs_sorted(p, true, order);
		d = bench_now_s();
		printf("  view %-32s update %6.2f ms, tree+callers walk %5.2f ms (%zu rows), "
		       "flat sort %.2f ms, samples %llu\n",
		       cases[k].what, (b - a) * 1e3, (c - b) * 1e3, rows, (d - c) * 1e3,
		       (unsigned long long)v.samples);
		/* One more second of samples (10,000) so the next refresh has
		 * something to re-sort and a second leaves the window. */
		add_second(p);
	}
	/* Steady state with the merged 30 s window tracked: 10 s at 10,000
	 * samples/s, a view refresh after each second. */
	{
		double t_add = 0, t_ref = 0, a, b;

		v.tid = 0;
		v.seconds = 30;
		profile_view_update(p, &v, profile_now(p));
		for (int sec = 0; sec < 10; sec++) {
			double base_t = profile_now(p) + 1;

			a = bench_now_s();
			for (int i = 0; i < 10000; i++) {
				int s = (int)((bench_rand() % NSTACKS) * (bench_rand() % 1000) / 1000);

				profile_add_samples(p, 100 + s % 8, stacks[s], depths[s], 1,
						    base_t - 1 + i / 10000.0);
			}
			b = bench_now_s();
			profile_view_update(p, &v, profile_now(p));
			walk(v.top, v.scope, buf, NFUNCS * 4);
			walk(v.callers, v.scope, buf, NFUNCS * 4);
			profile_funcs_sorted(p, true, order);
			t_add += b - a;
			t_ref += bench_now_s() - b;
		}
		printf("  steady, 30 s window tracked: add %.2f us/sample (expiry included), "
		       "refresh %.2f ms\n", t_add / 100000 * 1e6, t_ref / 10 * 1e3);
	}
	printf("  RSS after views %ld MB (peak %ld MB)\n", (rss_kb("VmRSS") - base) / 1024,
	       rss_kb("VmHWM") / 1024);

	/* Zones: 20 zones x 8 threads, 200,000 events over the last 30 s. */
	uint32_t z[20];
	struct profile_zone_summary sums[20];
	double now = profile_now(p);

	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "zone_%d", i);
		z[i] = profile_zone(p, name);
	}
	for (int i = 0; i < 200000; i++)
		profile_zone_event_at(p, z[i % 20], 100 + i % 8, now - 30 + i * (30.0 / 200000),
				      1000 + bench_rand() % 5000000);
	for (int k = 0; k < 3; k++) {
		double secs = k == 0 ? 0 : k == 1 ? 5 : 30, a = bench_now_s();

		profile_zone_summaries(p, 0, secs, now, sums);
		printf("  zones (20) %s: %.2f ms\n", k == 0 ? "all" : k == 1 ? "5 s" : "30 s",
		       (bench_now_s() - a) * 1e3);
	}
	/* Counters: 10, updated 1,000 times each over the last 10 s. */
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "counter_%d", i);
		uint32_t c = profile_counter(p, name);

		for (int k = 0; k < 1000; k++)
			profile_counter_update(p, c, i % 3 == 0, k, now - 10 + k / 100.0);
	}
	printf("  RSS before the views %ld MB (peak %ld MB)\n", (rss_kb("VmRSS") - base) / 1024,
	       rss_kb("VmHWM") / 1024);

	double worst = bench_views(&m, pid, p, 103, dump);

	printf("  worst view refresh %.2f ms\n", worst * 1e3);
	printf("  RSS at the end %ld MB (peak %ld MB)\n", (rss_kb("VmRSS") - base) / 1024,
	       rss_kb("VmHWM") / 1024);

	/* i: the interpreter's frames shown then hidden again: every derived
	 * table rebuilt from the kept stacks and pairs (threads' views too);
	 * one Python function makes it a Python profile (else only a flag) */
	profile_func_interp(p, "f", "/x/app.py", 1);
	double a = bench_now_s();
	profile_show_interp(p, true);
	double b_ = bench_now_s();
	profile_show_interp(p, false);
	printf("  interp toggle (rebuild) %.2f ms, back %.2f ms\n", (b_ - a) * 1e3,
	       (bench_now_s() - b_) * 1e3);
	a = bench_now_s();
	profile_reset(p);
	printf("  reset %.2f ms\n", (bench_now_s() - a) * 1e3);
	profile_view_release(&v);
	model_release(&m);
	free(buf);
	free(order);
	return 0;
}
