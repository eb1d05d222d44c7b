/* Measures the profile's derived structures: 1,000,000 samples over 50,000
 * distinct stacks of depth ~20 and 5,000 functions on 8 threads over 100 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/profile.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

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

static uint64_t rng = 88172645463325252ULL;
static uint64_t xr(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
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

int main(int argc, char **argv)
{
	int random_stacks = argc > 1 && !strcmp(argv[1], "random");
	struct profile *p = profile_new(1);
	struct profile_view v;
	uint32_t ids[NFUNCS], *buf = malloc(sizeof(uint32_t) * NFUNCS * 4), *order;
	char name[32];
	double t0, t1;
	long base = rss_kb("VmRSS");

	for (int i = 0; i < NFUNCS; i++) {
		snprintf(name, sizeof(name), "func_%d", i);
		ids[i] = profile_func(p, i % 10 ? "prog" : "libc.so.6", name, "prog.c", i);
	}
	/* Stacks: realistic ones share a prefix with an earlier stack (how real
	 * programs look: few entry points, divergence deeper down); random ones
	 * share nothing past the first frames. */
	for (int s = 0; s < NSTACKS; s++) {
		int d = 16 + (int)(xr() % 9), keep = 0;

		if (s && !random_stacks) {
			int from = (int)(xr() % s);

			keep = depths[from] - 1 - (int)(xr() % 8);
			if (keep > d - 1)
				keep = d - 1;
			if (keep < 0)
				keep = 0;
			memcpy(stacks[s], stacks[from], keep * sizeof(uint32_t));
		}
		for (int i = keep; i < d; i++)
			stacks[s][i] = ids[i == 0 ? xr() % 4 : xr() % NFUNCS];
		depths[s] = (uint8_t)d;
	}
	/* Every stack once, then a skewed draw (hot stacks get most samples). */
	t0 = now_s();
	for (int i = 0; i < NSAMPLES; i++) {
		int s = i < NSTACKS ? i : (int)((xr() % NSTACKS) * (xr() % 1000) / 1000);

		profile_add_samples(p, 100 + s % 8, stacks[s], depths[s], 1, i * (100.0 / NSAMPLES));
	}
	t1 = now_s();
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
		a = now_s();
		profile_view_update(p, &v, profile_now(p));
		b = now_s();
		rows = walk(v.top, v.scope, buf, NFUNCS * 4);
		rows += walk(v.callers, v.scope, buf, NFUNCS * 4);
		c = now_s();
		/* The flat table sorted by total (the Functions tab). */
		profile_funcs_sorted(p, true, order);
		d = now_s();
		printf("  view %-32s update %6.2f ms, tree+callers walk %5.2f ms (%zu rows), "
		       "flat sort %.2f ms, samples %llu\n",
		       cases[k].what, (b - a) * 1e3, (c - b) * 1e3, rows, (d - c) * 1e3,
		       (unsigned long long)v.samples);
		/* One more second of samples (10,000) so the next refresh has
		 * something to re-sort and a second leaves the window. */
		double t_next = profile_now(p) + 1;
		for (int i = 0; i < 10000; i++) {
			int s = (int)((xr() % NSTACKS) * (xr() % 1000) / 1000);

			profile_add_samples(p, 100 + s % 8, stacks[s], depths[s], 1,
					    t_next - 1 + i / 10000.0);
		}
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

			a = now_s();
			for (int i = 0; i < 10000; i++) {
				int s = (int)((xr() % NSTACKS) * (xr() % 1000) / 1000);

				profile_add_samples(p, 100 + s % 8, stacks[s], depths[s], 1,
						    base_t - 1 + i / 10000.0);
			}
			b = now_s();
			profile_view_update(p, &v, profile_now(p));
			walk(v.top, v.scope, buf, NFUNCS * 4);
			walk(v.callers, v.scope, buf, NFUNCS * 4);
			profile_funcs_sorted(p, true, order);
			t_add += b - a;
			t_ref += now_s() - b;
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
				      1000 + xr() % 5000000);
	for (int k = 0; k < 3; k++) {
		double secs = k == 0 ? 0 : k == 1 ? 5 : 30, a = now_s();

		profile_zone_summaries(p, 0, secs, now, sums);
		printf("  zones (20) %s: %.2f ms\n", k == 0 ? "all" : k == 1 ? "5 s" : "30 s",
		       (now_s() - a) * 1e3);
	}
	printf("  RSS at the end %ld MB (peak %ld MB)\n", (rss_kb("VmRSS") - base) / 1024,
	       rss_kb("VmHWM") / 1024);

	double a = now_s();
	profile_reset(p);
	printf("  reset %.2f ms\n", (now_s() - a) * 1e3);
	profile_view_release(&v);
	profile_free(p);
	free(buf);
	free(order);
	return 0;
}
