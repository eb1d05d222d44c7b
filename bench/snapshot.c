/* Measures snapshots of a large profile: 1,000,000 samples over 50,000
 * distinct stacks (depth 16-24, sharing prefixes as real programs do) and
 * 5,000 functions on 8 threads over 100 s, plus zones and counters, in a
 * model with 300 processes. Times encode (the part under the model's
 * lock), write (compress, fsync, rename), save and load, median of 3, and
 * prints the file size per sample, compressed and not.
 * Usage: snapshot DIR   (the file is written there and removed, unless
 * BENCH_KEEP=1: then it stays as DIR/bench.ptsnap, for `perftop open`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "snapshot/snapshot.h"

enum { NFUNCS = 5000, NSTACKS = 50000, NSAMPLES = 1000000, MAXD = 24, RUNS = 3 };

static uint32_t stacks[NSTACKS][MAXD];
static uint8_t depths[NSTACKS];

static void build(struct model *m)
{
	struct cpu_jiffies cpus[1] = {{0, 0}};
	struct proc_reading *pr = calloc(300, sizeof(*pr));
	struct tick_reading r;
	struct profile *p;
	uint32_t ids[NFUNCS];
	char name[32];

	model_init(m, 1.0);
	/* 300 processes with 10 minutes of CPU and RSS series. */
	for (int k = 0; k < 600; k++) {
		memset(&r, 0, sizeof(r));
		for (int i = 0; i < 300; i++) {
			pr[i].pid = 1000 + i;
			pr[i].start_ticks = 1;
			pr[i].ticks = (unsigned long long)(k * (i % 7));
			pr[i].rss_kb = 10000 + (unsigned long long)(i * 13 + k % 5);
			pr[i].threads = 1;
			pr[i].state = 'S';
			snprintf(pr[i].comm, sizeof(pr[i].comm), "proc%d", i);
			pr[i].cmdline = "/usr/bin/something --with arguments";
		}
		cpus[0].busy += 30;
		cpus[0].idle += 70;
		r.sys.time = k;
		r.sys.ncpu = 1;
		r.sys.per_cpu = cpus;
		r.sys.total = cpus[0];
		r.procs = pr;
		r.nprocs = 300;
		r.hz = 100;
		r.full_scan = true;
		model_apply(m, &r);
	}
	free(pr);
	p = model_agent_process(m, 1000, "/usr/bin/prog")->profile;
	for (int i = 0; i < NFUNCS; i++) {
		snprintf(name, sizeof(name), "func_%d", i);
		ids[i] = profile_func(p, i % 10 ? "prog" : "libc.so.6", name, "prog.c", i);
	}
	for (int s = 0; s < NSTACKS; s++) {
		int d = 16 + (int)(bench_rand() % 9), keep = 0;

		if (s) {
			int from = (int)(bench_rand() % s);

			keep = depths[from] - 1 - (int)(bench_rand() % 8);
			keep = keep > d - 1 ? d - 1 : keep < 0 ? 0 : keep;
			memcpy(stacks[s], stacks[from], (size_t)keep * sizeof(uint32_t));
		}
		for (int i = keep; i < d; i++)
			stacks[s][i] = ids[i == 0 ? bench_rand() % 4 : bench_rand() % NFUNCS];
		depths[s] = (uint8_t)d;
	}
	for (int i = 0; i < NSAMPLES; i++) {
		int s = i < NSTACKS ? i : (int)((bench_rand() % NSTACKS) * (bench_rand() % 1000) / 1000);
		double t = i * (100.0 / NSAMPLES);

		profile_add_samples(p, 100 + s % 8, stacks[s], depths[s], 1, t);
		if (i % 100 == 0)
			profile_zone_event_at(p, profile_zone(p, i % 300 ? "frame" : "parse"),
			                      100 + s % 8, t, 1000 + bench_rand() % 10000000);
		if (i % 1000 == 0)
			profile_counter_update(p, profile_counter(p, "frames"), false, 1, t);
	}
}

int main(int argc, char **argv)
{
	double enc[RUNS], wr[RUNS], save[RUNS], load[RUNS];
	struct bytebuf b = {0};
	struct snapshot_meta meta;
	struct model m;
	char path[4096], why[512];
	long size = 0;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: snapshot DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/bench.ptsnap", argv[1]);
	build(&m);
	snapshot_meta_init(&meta);
	meta.pid = 1000;
	for (int i = 0; i < RUNS; i++) {
		double t0 = bench_now_s(), t1, t2, t3;

		snapshot_encode(&m, &meta, &b);
		t1 = bench_now_s();
		if (snapshot_write(&b, path, why, sizeof(why)) < 0) {
			fprintf(stderr, "%s\n", why);
			return 1;
		}
		t2 = bench_now_s();
		if (snapshot_save(&m, &meta, path, why, sizeof(why)) < 0) {
			fprintf(stderr, "%s\n", why);
			return 1;
		}
		t3 = bench_now_s();
		enc[i] = t1 - t0;
		wr[i] = t2 - t1;
		save[i] = t3 - t2;
	}
	f = fopen(path, "rb");
	if (f && fseek(f, 0, SEEK_END) == 0)
		size = ftell(f);
	if (f)
		fclose(f);
	for (int i = 0; i < RUNS; i++) {
		struct model l;
		struct snapshot_meta got;
		double t0 = bench_now_s();

		if (snapshot_load(&l, path, &got, why, sizeof(why)) < 0) {
			fprintf(stderr, "%s\n", why);
			return 1;
		}
		load[i] = bench_now_s() - t0;
		if (model_find(&l, 1000)->profile->samples != NSAMPLES) {
			fprintf(stderr, "loaded %llu samples, not %d\n",
			        (unsigned long long)model_find(&l, 1000)->profile->samples,
			        NSAMPLES);
			return 1;
		}
		model_release(&l);
	}
	if (!getenv("BENCH_KEEP"))
		unlink(path);
	/* The profile alone: the same model without its 300 processes' series. */
	printf("samples %d, stacks %d, functions %d, threads 8, processes %zu\n", NSAMPLES, NSTACKS,
	       NFUNCS, m.nprocs);
	printf("encode (under the lock) %.3f s, write %.3f s, save %.3f s, load %.3f s\n",
	       bench_median(enc, RUNS), bench_median(wr, RUNS), bench_median(save, RUNS), bench_median(load, RUNS));
	printf("file %ld bytes (%.2f bytes/sample); uncompressed contents %zu bytes (%.2f "
	       "bytes/sample)\n",
	       size, (double)size / NSAMPLES, b.len, (double)b.len / NSAMPLES);
	bytebuf_release(&b);
	model_release(&m);
	return 0;
}
