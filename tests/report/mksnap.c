/*
 * mksnap — writes a snapshot of a made-up, fully known profile, for the
 * report, export, budget and diff suites (tests/report/ shell suites).
 *
 *   mksnap OUT [--slow] [--hostile] [--program NAME] [--beta-x K]
 *
 * The profile (pid 4242, "demo", 99 Hz requested) has two threads and these
 * stacks (root first) with these sample counts, spread over 10 seconds:
 *
 *   main;run;parse           400   (--slow: 800, parse made 2x slower)
 *   main;run;parse;memcpy    100
 *   main;run;hash            250
 *   main;read_input          150
 *   worker_main;compress     300   (thread "worker")
 *   worker_main;compress;memcpy 50
 *   (no stack)                20
 *
 * zones "frame" (600 events, 1.00..5.95 ms) and "parse" (400 events,
 * 200..299 us; --slow: doubled), counter "frames" (+1 per frame: 60/s),
 * gauge "queue", three marks, and CPU (40..58 %) and RSS (10000 KiB growing
 * 100 KiB a second) series. --hostile adds functions, a zone, a thread name
 * and a mark with quotes, ';', control characters and invalid UTF-8.
 * --beta-x K replaces the main thread's stacks with main;alpha 300 and
 * main;beta 100 x K (K = 3: only beta got 3x slower; same 10 s, same rate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "snapshot/snapshot.h"

enum { PID = 4242, MAIN_TID = 4242, WORKER_TID = 4243 };

static double t0 = 1000.0;

/* Adds count samples of the stack named by names[0..n), in ten pieces over 10 s. */
static void stack(struct profile *p, pid_t tid, const char *module, const char *const *names,
		  size_t n, unsigned count)
{
	uint32_t ids[16];

	for (size_t i = 0; i < n; i++)
		ids[i] = profile_func(p, strcmp(names[i], "memcpy") ? module : "libc.so.6", names[i],
				      strcmp(names[i], "memcpy") ? "demo.c" : NULL,
				      strcmp(names[i], "memcpy") ? 10 + (int)i : 0);
	for (unsigned k = 0; k < 10; k++) {
		unsigned piece = count / 10 + (k < count % 10 ? 1 : 0);

		if (piece)
			profile_add_samples(p, tid, ids, n, piece, t0 + k + 0.5);
	}
}

int main(int argc, char **argv)
{
	const char *out = NULL, *program = "/usr/bin/demo";
	bool slow = false, hostile = false;
	unsigned beta_x = 0;
	struct snapshot_meta meta;
	struct process *proc;
	struct profile *p;
	struct model m;
	char why[512];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--slow"))
			slow = true;
		else if (!strcmp(argv[i], "--hostile"))
			hostile = true;
		else if (!strcmp(argv[i], "--program") && i + 1 < argc)
			program = argv[++i];
		else if (!strcmp(argv[i], "--beta-x") && i + 1 < argc)
			beta_x = (unsigned)atoi(argv[++i]);
		else if (!out)
			out = argv[i];
		else {
			fprintf(stderr, "usage: mksnap OUT [--slow] [--hostile] [--program NAME] [--beta-x K]\n");
			return 2;
		}
	}
	if (!out) {
		fprintf(stderr, "usage: mksnap OUT [--slow] [--hostile] [--program NAME] [--beta-x K]\n");
		return 2;
	}

	model_init(&m, 1.0);
	proc = model_agent_process(&m, PID, program);
	p = proc->profile;
	free(p->exe);
	p->exe = strdup(program);
	p->requested_hz = 99;
	p->achieved_hz = 97.5;
	p->agent_dropped = 3;
	profile_thread_name(p, MAIN_TID, "main");
	profile_thread_name(p, WORKER_TID, hostile ? "w\"\x7f\x01orker" : "worker");

	{
		const char *s1[] = { "main", "run", "parse" };
		const char *s2[] = { "main", "run", "parse", "memcpy" };
		const char *s3[] = { "main", "run", "hash" };
		const char *s4[] = { "main", "read_input" };
		const char *s5[] = { "worker_main", "compress" };
		const char *s6[] = { "worker_main", "compress", "memcpy" };

		const char *a1[] = { "main", "alpha" };
		const char *b1[] = { "main", "beta" };

		if (beta_x) {
			stack(p, MAIN_TID, "demo", a1, 2, 300);
			stack(p, MAIN_TID, "demo", b1, 2, 100 * beta_x);
		} else {
			stack(p, MAIN_TID, "demo", s1, 3, slow ? 800 : 400);
			stack(p, MAIN_TID, "demo", s2, 4, 100);
			stack(p, MAIN_TID, "demo", s3, 3, 250);
			stack(p, MAIN_TID, "demo", s4, 2, 150);
		}
		stack(p, WORKER_TID, "demo", s5, 2, 300);
		stack(p, WORKER_TID, "demo", s6, 3, 50);
		for (unsigned k = 0; k < 10; k++)
			profile_add_samples(p, MAIN_TID, NULL, 0, 2, t0 + k + 0.25);
	}
	if (hostile) {
		const char *h1[] = { "main", "evil\"quote\\back", "semi;colon name" };
		const char *h2[] = { "main", "ctl\x01\x1b[31mred", "bad\xff\xfe utf8 \xc0\x80" };
		const char *h3[] = { "main", "new\nline\ttab", "\xe2\x82\xac euro ok" };

		stack(p, MAIN_TID, "de\"mo", h1, 3, 30);
		stack(p, MAIN_TID, "demo", h2, 3, 20);
		stack(p, MAIN_TID, "demo", h3, 3, 10);
	}

	{
		uint32_t frame = profile_zone(p, "frame");
		uint32_t parse = profile_zone(p, "parse");
		uint32_t frames = profile_counter(p, "frames");
		uint32_t queue = profile_counter(p, "queue");

		for (unsigned i = 0; i < 600; i++) {
			double t = t0 + (double)i / 60.0;

			profile_zone_event_at(p, frame, MAIN_TID, t,
					      (uint64_t)(1000000 + (i % 100) * 50000));
			profile_counter_update(p, frames, false, 1, t);
			if (i % 60 == 0)
				profile_counter_update(p, queue, true, (double)(i / 60), t);
		}
		for (unsigned i = 0; i < 400; i++)
			profile_zone_event_at(p, parse, MAIN_TID, t0 + (double)i / 40.0,
					      (uint64_t)((200000 + (i % 100) * 1000) * (slow ? 2 : 1)));
		if (hostile) {
			uint32_t z = profile_zone(p, "zone \"x\"\n\x01\xff");

			profile_zone_event_at(p, z, WORKER_TID, t0 + 1, 12345);
		}
	}
	profile_mark(p, t0 + 0.1, MAIN_TID, "start");
	profile_mark(p, t0 + 5, MAIN_TID, "half way");
	profile_mark(p, t0 + 9.9, WORKER_TID, hostile ? "m\"\\\x02\xc0\x80" : "done");

	for (unsigned i = 0; i < 10; i++) {
		series_push(&proc->series[PM_CPU], (float)(40 + 2 * i));
		series_push(&proc->series[PM_RSS], (float)(10000 + 100 * i));
	}

	snapshot_meta_init(&meta);
	meta.pid = PID;
	meta.start_time = 1700000000.0;
	meta.end_time = 1700000010.0;
	snprintf(meta.command, sizeof(meta.command), "%s --fixture", program);
	if (snapshot_save(&m, &meta, out, why, sizeof(why)) < 0) {
		fprintf(stderr, "mksnap: %s\n", why);
		model_release(&m);
		return 1;
	}
	model_release(&m);
	return 0;
}
