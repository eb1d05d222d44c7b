/* Unit tests for snapshot: a hand-built model saved and loaded back with
 * every figure compared (flat tables, trees and live windows per thread,
 * zones, counters, marks, series); truncated, corrupted, foreign, empty and
 * newer files give errors and never crash; a full disk or an unwritable
 * directory leaves no file under the final name. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "snapshot/format.h"
#include "snapshot/snapshot.h"

enum { PID = 4321, TID_MAIN = 4321, TID_WORK = 4322, OTHER = 77, SECONDS = 60 };

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/perftop-snap-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "chmod -R u+w %s; rm -rf %s", dir, dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(snapshot, .init = setup, .fini = teardown, .timeout = 120);

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t xr(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Two readings' worth of processes, then a profile over SECONDS seconds on
 * two threads: a hundred stacks, samples without a stack, zones on both
 * threads, an added counter, a gauge and marks. */
static void build(struct model *m, bool big)
{
	struct cpu_jiffies cpus[2] = {{100, 900}, {200, 800}};
	struct proc_reading pr[2];
	struct tick_reading r;
	struct process *proc;
	struct profile *p;
	uint32_t f[40];
	char name[32];

	model_init(m, 0.5);
	for (int k = 0; k < 5; k++) {
		memset(&r, 0, sizeof(r));
		memset(pr, 0, sizeof(pr));
		for (int i = 0; i < 2; i++) {
			pr[i].pid = i ? OTHER : PID;
			pr[i].threads = 2;
			pr[i].fds = 5;
			pr[i].start_ticks = 1000 + (unsigned long long)i;
			pr[i].ticks = (unsigned long long)(k * 30 * (i + 1));
			pr[i].rss_kb = 1000 + (unsigned long long)k * 100;
			pr[i].vsize_kb = 5000;
			pr[i].state = 'R';
			snprintf(pr[i].comm, sizeof(pr[i].comm), i ? "other" : "worker");
			snprintf(pr[i].user, sizeof(pr[i].user), "tester");
			pr[i].cmdline = i ? "other --x" : "worker --frob 3";
		}
		cpus[0].busy += 50;
		cpus[1].busy += 20;
		r.sys.time = 100 + k * 0.5;
		r.sys.ncpu = 2;
		r.sys.per_cpu = cpus;
		r.sys.total.busy = cpus[0].busy + cpus[1].busy;
		r.sys.total.idle = cpus[0].idle + cpus[1].idle;
		r.sys.mem_total_kb = 8000000;
		r.sys.load[0] = 1.5;
		r.procs = pr;
		r.nprocs = 2;
		r.hz = 100;
		r.full_scan = true;
		if (k == 1)
			model_watch(m, PID, true);
		model_apply(m, &r);
	}
	msglog_add(&m->log, 101, MSG_WARN, "agent %d connected", PID);

	proc = model_agent_process(m, PID, "/usr/bin/worker");
	p = proc->profile;
	p->exe = strdup("/usr/bin/worker");
	p->requested_hz = 99;
	p->achieved_hz = 97.5;
	p->agent_samples = 123456;
	p->agent_dropped = 17;
	p->connected = true;
	profile_thread_name(p, TID_MAIN, "main");
	profile_thread_name(p, TID_WORK, "work er");
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "fn_%d", i);
		f[i] = profile_func(p, i % 7 ? "worker" : "libc.so.6", name,
		                    i % 3 ? "worker.c" : NULL, i % 3 ? 10 + i : 0);
	}
	for (int s = 0; s < SECONDS; s++) {
		int n = big ? 400 : 40;

		for (int k = 0; k < n; k++) {
			uint32_t st[24];
			size_t d = 2 + xr() % 20;
			pid_t tid = xr() % 3 ? TID_MAIN : TID_WORK;

			st[0] = f[0];
			st[1] = f[1 + xr() % 3];
			for (size_t i = 2; i < d; i++)
				st[i] = f[(xr() % 4 ? i : xr() % 40) % 40];
			profile_add_samples(p, tid, st, d, 1 + xr() % 3, 1000 + s + 0.01 * k);
		}
		profile_add_samples(p, TID_WORK, NULL, 0, 2, 1000 + s + 0.5);
		for (int k = 0; k < 20; k++) {
			uint32_t z = profile_zone(p, k % 2 ? "parse" : "frame");

			profile_zone_event_at(p, z, k % 3 ? TID_MAIN : TID_WORK,
			                      1000 + s + 0.05 * k, 1000 + xr() % 5000000);
		}
		profile_counter_update(p, profile_counter(p, "frames"), false, 3, 1000 + s + 0.2);
		profile_counter_update(p, profile_counter(p, "queue"), true, (double)(s % 7),
		                       1000 + s + 0.3);
		if (s % 10 == 0) {
			snprintf(name, sizeof(name), "mark %d", s);
			profile_mark(p, 1000 + s, TID_MAIN, name);
		}
	}
	profile_zone_stats(p, profile_zone(p, "frame"), TID_MAIN, 800, 1.5e9, 1000, 5001000,
	                   1000 + SECONDS);
	profile_zone(p, "never");
	profile_counter_total(p, profile_counter(p, "frames"), 200, 1000 + SECONDS);
}

static void meta_for(struct snapshot_meta *meta)
{
	snapshot_meta_init(meta);
	meta->pid = PID;
	snprintf(meta->command, sizeof(meta->command), "worker --frob 3");
	meta->start_time = 1.7e9;
	meta->end_time = 1.7e9 + 60;
}

static void save_load(struct model *a, struct model *b, struct snapshot_meta *got, const char *file)
{
	struct snapshot_meta meta;
	char path[128], why[512];

	meta_for(&meta);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	cr_assert_eq(snapshot_save(a, &meta, path, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(snapshot_load(b, path, got, why, sizeof(why)), 0, "%s", why);
}

static void same_series(const struct series *x, const struct series *y, const char *what)
{
	cr_assert_eq(x->len, y->len, "%s: %zu values, then %zu", what, x->len, y->len);
	for (size_t i = 0; i < x->len; i++)
		cr_assert_eq(series_at(x, i), series_at(y, i), "%s[%zu]", what, i);
}

/* The trees below node, child by child in sorted order, in one scope. */
static void same_tree(struct calltree *x, uint32_t nx, struct calltree *y, uint32_t ny,
                      enum calltree_scope sc, size_t *nodes)
{
	uint32_t cx[64], cy[64];
	size_t n = calltree_children(x, nx, sc, cx, 64), k = calltree_children(y, ny, sc, cy, 64);

	cr_assert_eq(calltree_total(x, nx, sc), calltree_total(y, ny, sc));
	cr_assert_eq(calltree_self(x, nx, sc), calltree_self(y, ny, sc));
	cr_assert_eq(n, k);
	cr_assert_leq(n, 64);
	(*nodes)++;
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(x->nodes[cx[i]].func, y->nodes[cy[i]].func);
		same_tree(x, cx[i], y, cy[i], sc, nodes);
	}
}

static void same_view(struct profile *x, struct profile *y, pid_t tid, double seconds)
{
	struct profile_view vx, vy;
	size_t nodes = 0;

	profile_view_init(&vx);
	profile_view_init(&vy);
	vx.tid = vy.tid = tid;
	vx.seconds = vy.seconds = seconds;
	profile_view_update(x, &vx, profile_now(x));
	profile_view_update(y, &vy, profile_now(y));
	cr_assert_gt(vx.samples, 0, "the view (thread %d, %g s) has samples", (int)tid, seconds);
	cr_assert_eq(vx.samples, vy.samples, "samples (thread %d, %g s)", (int)tid, seconds);
	cr_assert_eq(vx.nfuncs, vy.nfuncs);
	for (size_t i = 0; i < vx.nfuncs; i++) {
		cr_assert_eq(vx.self[i], vy.self[i], "self of %zu (thread %d, %g s)", i, (int)tid,
		             seconds);
		cr_assert_eq(vx.total[i], vy.total[i], "total of %zu", i);
	}
	cr_assert_eq(vx.scope, vy.scope);
	same_tree(vx.top, CALLTREE_ROOT, vy.top, CALLTREE_ROOT, vx.scope, &nodes);
	same_tree(vx.callers, CALLTREE_ROOT, vy.callers, CALLTREE_ROOT, vx.scope, &nodes);
	cr_assert_gt(nodes, 10);
	profile_view_release(&vx);
	profile_view_release(&vy);
}

static void same_zone(struct profile *x, struct profile *y, uint32_t z, pid_t tid, double secs)
{
	struct profile_zone_summary sx, sy;

	profile_zone_summary(x, z, tid, secs, profile_now(x), &sx, NULL);
	profile_zone_summary(y, z, tid, secs, profile_now(y), &sy, NULL);
	if (z < 2)
		cr_assert_gt(sx.count, 0, "zone %u thread %d %g s has events", z, (int)tid, secs);
	cr_assert_eq(sx.count, sy.count, "zone %u thread %d %g s: count", z, (int)tid, secs);
	cr_assert_float_eq(sx.p95_ns, sy.p95_ns, 1e-9);
	cr_assert_float_eq(sx.p50_ns, sy.p50_ns, 1e-9);
	cr_assert_float_eq(sx.mean_ns, sy.mean_ns, 1e-6);
	cr_assert_eq(sx.min_ns, sy.min_ns);
	cr_assert_eq(sx.max_ns, sy.max_ns);
	cr_assert_float_eq(sx.rate_per_s, sy.rate_per_s, 1e-9);
}

Test(snapshot, round_trip_keeps_every_figure)
{
	struct model a, b;
	struct snapshot_meta got;
	struct profile *x, *y;

	build(&a, false);
	save_load(&a, &b, &got, "rt.ptsnap");

	cr_assert_eq(got.format_major, SNAPSHOT_FORMAT_MAJOR);
	cr_assert_eq(got.pid, PID);
	cr_assert_str_eq(got.command, "worker --frob 3");
	cr_assert_float_eq(got.end_time, 1.7e9 + 60, 1e-6);
	cr_assert_gt(strlen(got.host), 0);
	cr_assert_gt(strlen(got.version), 0);

	/* The machine and the processes. */
	cr_assert_eq(b.tick_s, a.tick_s);
	cr_assert_eq(b.nprocs, a.nprocs);
	cr_assert_eq(b.sys.ncpu, 2);
	cr_assert_eq(b.sys.mem_total_kb, 8000000);
	cr_assert_float_eq(b.sys.load[0], 1.5, 1e-9);
	same_series(&a.sys.cpu_total_series, &b.sys.cpu_total_series, "machine CPU");
	cr_assert_eq(b.log.len, a.log.len);
	cr_assert_str_eq(msglog_last(&b.log)->text, msglog_last(&a.log)->text);
	for (size_t i = 0; i < a.nprocs; i++) {
		const struct process *pa = a.procs[i], *pb = model_find(&b, pa->pid);
		char what[32];

		cr_assert_not_null(pb);
		cr_assert_str_eq(pa->cmdline, pb->cmdline);
		cr_assert_str_eq(pa->comm, pb->comm);
		cr_assert_str_eq(pa->user, pb->user);
		cr_assert_eq(pa->watched, pb->watched);
		cr_assert_eq(pa->rss_kb, pb->rss_kb);
		cr_assert_float_eq(pa->cpu, pb->cpu, 1e-9);
		cr_assert_eq(!pa->profile, !pb->profile);
		for (int k = 0; k < PM_COUNT; k++) {
			snprintf(what, sizeof(what), "pid %d series %d", (int)pa->pid, k);
			same_series(&pa->series[k], &pb->series[k], what);
		}
	}
	cr_assert_gt(model_find(&b, PID)->series[PM_CPU].len, 2);
	cr_assert(model_find(&b, PID)->watched);

	/* The profile: agent figures, functions, threads. */
	x = model_find(&a, PID)->profile;
	y = model_find(&b, PID)->profile;
	cr_assert_str_eq(y->exe, "/usr/bin/worker");
	cr_assert_eq(y->samples, x->samples);
	cr_assert_float_eq(y->achieved_hz, 97.5, 1e-9);
	cr_assert_eq(y->agent_dropped, 17);
	cr_assert_eq(profile_func_count(y), profile_func_count(x));
	for (size_t i = 0; i < profile_func_count(x); i++) {
		cr_assert_str_eq(y->funcs[i].name, x->funcs[i].name);
		cr_assert_str_eq(y->funcs[i].module, x->funcs[i].module);
		cr_assert_eq(!y->funcs[i].file, !x->funcs[i].file);
		if (x->funcs[i].file)
			cr_assert_str_eq(y->funcs[i].file, x->funcs[i].file);
		cr_assert_eq(y->funcs[i].line, x->funcs[i].line);
		cr_assert_eq(y->funcs[i].self, x->funcs[i].self, "self of %s", x->funcs[i].name);
		cr_assert_eq(y->funcs[i].total, x->funcs[i].total);
	}
	cr_assert_eq(y->nthreads, 2);
	for (size_t i = 0; i < x->nthreads; i++) {
		cr_assert_eq(y->threads[i].tid, x->threads[i].tid);
		cr_assert_str_eq(y->threads[i].name, x->threads[i].name);
		cr_assert_eq(y->threads[i].samples, x->threads[i].samples);
	}
	cr_assert_float_eq(profile_now(y), profile_now(x), 1e-9);
	cr_assert_float_eq(y->first_time, x->first_time, 1e-9);

	/* Views: everything and live windows, merged and per thread. */
	same_view(x, y, 0, 0);
	same_view(x, y, 0, 5);
	same_view(x, y, 0, 30);
	same_view(x, y, TID_MAIN, 0);
	same_view(x, y, TID_WORK, 10);
	same_view(x, y, TID_MAIN, 32);

	/* Zones, overall and windowed, merged and per thread; exact figures. */
	cr_assert_eq(profile_zone_count(y), 3);
	for (uint32_t z = 0; z < 3; z++) {
		cr_assert_str_eq(y->zones[z].name, x->zones[z].name);
		cr_assert_eq(y->zones[z].exact_count, x->zones[z].exact_count);
		cr_assert_float_eq(y->zones[z].exact_sum_ns, x->zones[z].exact_sum_ns, 1e-3);
		cr_assert_eq(y->zones[z].exact_max_ns, x->zones[z].exact_max_ns);
		same_zone(x, y, z, 0, 0);
		same_zone(x, y, z, 0, 10);
		same_zone(x, y, z, TID_MAIN, 0);
		same_zone(x, y, z, TID_WORK, 20);
	}
	/* The agent's 800 on the main thread, plus the 4 frame events a second
	 * of the worker, which sent no figures. */
	cr_assert_eq(y->zones[0].exact_count, 800 + SECONDS * 4);
	cr_assert_eq(y->zones[0].hist.count, SECONDS * 10);

	/* Counters and marks. */
	cr_assert_eq(profile_counter_count(y), 2);
	for (uint32_t c = 0; c < 2; c++) {
		const struct profile_counter *cx = &x->counters[c], *cy = &y->counters[c];

		cr_assert_str_eq(cy->name, cx->name);
		cr_assert_eq(cy->gauge, cx->gauge);
		cr_assert_float_eq(cy->total, cx->total, 1e-9);
		cr_assert_float_eq(cy->rate_per_s, cx->rate_per_s, 1e-9);
		cr_assert_float_eq(profile_counter_rate(y, c, 10, profile_now(y)),
		                   profile_counter_rate(x, c, 10, profile_now(x)), 1e-9);
		same_series(&cx->values, &cy->values, "counter values");
		same_series(&cx->rates, &cy->rates, "counter rates");
	}
	cr_assert_float_eq(y->counters[0].total, 200, 1e-9);
	cr_assert_eq(y->nmarks, x->nmarks);
	for (size_t i = 0; i < x->nmarks; i++) {
		cr_assert_str_eq(profile_mark_at(y, i)->text, profile_mark_at(x, i)->text);
		cr_assert_float_eq(profile_mark_at(y, i)->time, profile_mark_at(x, i)->time, 1e-9);
	}

	model_release(&a);
	model_release(&b);
}

/* ---- broken files --------------------------------------------------------------- */

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* A file around contents body[0..n) stored as they are, with a good CRC. */
static unsigned char *pack(const unsigned char *body, size_t n, size_t *len)
{
	unsigned char *f = calloc(1, SNAPSHOT_HEADER_LEN + n + 1);
	uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), body, (uInt)n);

	memcpy(f, SNAPSHOT_MAGIC, SNAPSHOT_MAGIC_LEN);
	f[HDR_MAJOR] = SNAPSHOT_FORMAT_MAJOR;
	f[HDR_MINOR] = SNAPSHOT_FORMAT_MINOR;
	for (int i = 0; i < 8; i++) {
		f[HDR_STORED + i] = (unsigned char)((uint64_t)n >> (8 * i));
		f[HDR_RAW + i] = (unsigned char)((uint64_t)n >> (8 * i));
	}
	for (int i = 0; i < 4; i++)
		f[HDR_CRC + i] = (unsigned char)(crc >> (8 * i));
	memcpy(f + SNAPSHOT_HEADER_LEN, body, n);
	*len = SNAPSHOT_HEADER_LEN + n;
	return f;
}

/* Loads; returns the result, releasing the model when it loaded. */
static int try_load(const void *data, size_t len, unsigned flags, char *why, size_t why_len)
{
	struct snapshot_meta meta;
	struct model m;
	int rc = snapshot_load_mem(&m, data, len, flags, &meta, why, why_len);

	if (rc == 0)
		model_release(&m);
	else
		cr_assert_gt(strlen(why), 5, "an error says why");
	return rc;
}

static unsigned char *real_file(size_t *len, bool big)
{
	struct snapshot_meta meta;
	struct model m;
	char path[128], why[512];
	unsigned char *buf;

	build(&m, big);
	meta_for(&meta);
	snprintf(path, sizeof(path), "%s/real.ptsnap", dir);
	cr_assert_eq(snapshot_save(&m, &meta, path, why, sizeof(why)), 0, "%s", why);
	model_release(&m);
	buf = slurp(path, len);
	return buf;
}

static unsigned char *real_body(size_t *len)
{
	struct snapshot_meta meta;
	struct bytebuf b = {0};
	struct model m;

	build(&m, false);
	meta_for(&meta);
	snapshot_encode(&m, &meta, &b);
	model_release(&m);
	*len = b.len;
	return b.data;
}

Test(snapshot, truncated_files_are_refused)
{
	size_t len, blen, plen;
	unsigned char *f = real_file(&len, true), *body, *packed;
	char why[512];

	cr_assert_gt(len, 10000);
	for (int k = 0; k < 10; k++) {
		size_t cut = len * (size_t)k / 10;

		cr_assert_lt(try_load(f, cut, 0, why, sizeof(why)), 0, "cut at %zu of %zu", cut,
		             len);
		if (k > 1)
			cr_assert(strstr(why, "truncated"), "cut at %zu: %s", cut, why);
	}
	cr_assert_eq(try_load(f, len, 0, why, sizeof(why)), 0, "%s", why);
	/* Every prefix of the header and of a small file. */
	for (size_t cut = 0; cut < len && cut < 3000; cut++)
		cr_assert_lt(try_load(f, cut, 0, why, sizeof(why)), 0);
	free(f);

	/* The contents cut at every byte and stored with a good header: the
	 * decoder itself meets every end. A cut between two sections is a
	 * smaller, valid snapshot; anything else must be refused. */
	body = real_body(&blen);
	{
		unsigned refused = 0;

		for (size_t cut = 0; cut < blen; cut++) {
			packed = pack(body, cut, &plen);
			refused += try_load(packed, plen, 0, why, sizeof(why)) < 0;
			free(packed);
		}
		cr_assert_gt(refused, blen * 9 / 10, "%u of %zu cuts refused", refused, blen);
	}
	packed = pack(body, blen, &plen);
	cr_assert_eq(try_load(packed, plen, 0, why, sizeof(why)), 0, "%s", why);
	free(packed);
	free(body);
}

Test(snapshot, flipped_bytes_never_crash)
{
	size_t len, blen, plen;
	unsigned char *f = real_file(&len, false), *body = real_body(&blen), *packed;
	char why[512];
	unsigned refused = 0;

	rng = 12345;
	for (int i = 0; i < 2000; i++) {
		size_t at = xr() % len;
		unsigned char was = f[at];

		f[at] ^= (unsigned char)(1 + xr() % 255);
		refused += try_load(f, len, 0, why, sizeof(why)) < 0;
		f[at] = was;
	}
	cr_assert_gt(refused, 1990, "the checksum or the decoder catches a flipped byte");
	/* Past the checksum: flips straight into the decoder. */
	packed = pack(body, blen, &plen);
	for (int i = 0; i < 3000; i++) {
		size_t at = SNAPSHOT_HEADER_LEN + xr() % blen;
		unsigned char was = packed[at];

		packed[at] ^= (unsigned char)(1 + xr() % 255);
		try_load(packed, plen, SNAPSHOT_LOAD_NO_CHECKSUM, why, sizeof(why));
		packed[at] = was;
	}
	/* Several at once. */
	for (int i = 0; i < 500; i++) {
		unsigned char *copy = malloc(plen);

		memcpy(copy, packed, plen);
		for (int k = 0; k < 8; k++)
			copy[SNAPSHOT_HEADER_LEN + xr() % blen] = (unsigned char)xr();
		try_load(copy, plen, SNAPSHOT_LOAD_NO_CHECKSUM, why, sizeof(why));
		free(copy);
	}
	free(packed);
	free(body);
	free(f);
}

Test(snapshot, foreign_empty_and_newer_files)
{
	static const char text[] = "#!/bin/sh\necho hello\n";
	size_t len;
	unsigned char *f = real_file(&len, false);
	char path[128], why[512];
	struct snapshot_meta meta;
	struct model m;
	FILE *o;

	cr_assert_lt(try_load(text, sizeof(text) - 1, 0, why, sizeof(why)), 0);
	cr_assert_str_eq(why, "not a perftop snapshot (bad magic)");
	cr_assert_lt(try_load("", 0, 0, why, sizeof(why)), 0);
	cr_assert(strstr(why, "empty"), "%s", why);

	/* Through the file API: the message names the file. */
	snprintf(path, sizeof(path), "%s/empty.ptsnap", dir);
	o = fopen(path, "w");
	fclose(o);
	cr_assert_lt(snapshot_load(&m, path, &meta, why, sizeof(why)), 0);
	cr_assert(strstr(why, "cannot open snapshot '") && strstr(why, "empty.ptsnap"), "%s", why);
	snprintf(path, sizeof(path), "%s/missing.ptsnap", dir);
	cr_assert_eq(snapshot_load(&m, path, &meta, why, sizeof(why)), -ENOENT);
	cr_assert_eq(snapshot_load(&m, dir, &meta, why, sizeof(why)), -EISDIR);

	/* A newer major is refused by name; a newer minor opens. */
	f[HDR_MAJOR] = 2;
	cr_assert_eq(try_load(f, len, 0, why, sizeof(why)), -EPROTONOSUPPORT);
	cr_assert_str_eq(why, "snapshot format 2.x is newer than this perftop (reads 1.x)");
	f[HDR_MAJOR] = 1;
	f[HDR_MINOR] = 9;
	cr_assert_eq(try_load(f, len, 0, why, sizeof(why)), 0, "%s", why);
	f[HDR_FLAGS] |= 0x80;
	cr_assert_lt(try_load(f, len, 0, why, sizeof(why)), 0);
	free(f);
}

Test(snapshot, newer_minor_sections_and_fields_are_skipped)
{
	size_t blen, plen;
	unsigned char *body = real_body(&blen), *more, *packed;
	char why[512];
	struct snapshot_meta meta;
	struct model m;

	/* An unknown section at the end, and one right after the description. */
	more = malloc(blen + 16);
	memcpy(more, body, blen);
	memcpy(more + blen, "\x63\x03\x01\x02\x03", 5);
	packed = pack(more, blen + 5, &plen);
	cr_assert_eq(snapshot_load_mem(&m, packed, plen, 0, &meta, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(meta.pid, PID);
	cr_assert_not_null(model_find(&m, PID)->profile);
	model_release(&m);
	free(packed);
	free(more);
	free(body);
}

/* A tiny encoder for hand-made files. */
struct hb {
	unsigned char d[512];
	size_t n;
};

static void h_uv(struct hb *b, uint64_t v)
{
	while (v >= 0x80) {
		b->d[b->n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b->d[b->n++] = (unsigned char)v;
}

static void h_sv(struct hb *b, int64_t v)
{
	h_uv(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void h_f64(struct hb *b, double v)
{
	memcpy(b->d + b->n, &v, 8); /* the tests run little-endian */
	b->n += 8;
}

static void h_str(struct hb *b, const char *s)
{
	h_uv(b, strlen(s));
	memcpy(b->d + b->n, s, strlen(s));
	b->n += strlen(s);
}

/* Appends tag and the block part[0..n) as a section or part. */
static void h_block(struct hb *b, int tag, const struct hb *part)
{
	if (tag >= 0)
		h_uv(b, (uint64_t)tag);
	h_uv(b, part->n);
	memcpy(b->d + b->n, part->d, part->n);
	b->n += part->n;
}

static void h_meta_process(struct hb *b)
{
	struct hb s = {.n = 0};

	h_str(&s, "0.1.0");
	h_str(&s, "host");
	h_str(&s, "");
	h_sv(&s, 9);
	h_f64(&s, 0);
	h_f64(&s, 0);
	h_f64(&s, 1.0);
	h_block(b, SEC_META, &s);
	s.n = 0;
	h_sv(&s, 9); /* pid */
	h_uv(&s, 0); /* uid */
	h_str(&s, "u");
	h_str(&s, "c");
	h_str(&s, "c --x");
	s.d[s.n++] = 'R';
	h_uv(&s, 0); /* flags */
	h_sv(&s, 1);
	h_sv(&s, 3);
	h_uv(&s, 0);
	h_f64(&s, 0); /* cpu */
	h_uv(&s, 0);
	h_uv(&s, 0);
	for (int i = 0; i < 4; i++)
		h_f64(&s, 0);
	h_f64(&s, 0);
	h_f64(&s, 0);
	h_uv(&s, 0);
	h_f64(&s, 0);
	h_sv(&s, -1);
	h_uv(&s, 0); /* no series */
	h_block(b, SEC_PROCESS, &s);
}

/* A profile section for pid 9 whose stacks part is stacks[0..n). */
static void h_profile(struct hb *b, const struct hb *stacks)
{
	struct hb prof = {.n = 0}, part = {.n = 0};

	h_sv(&part, 9);
	part.d[part.n++] = 0;
	h_str(&part, "");
	h_uv(&part, 1);
	h_uv(&part, 0);
	h_f64(&part, 99);
	h_f64(&part, 99);
	for (int i = 0; i < 5; i++)
		h_uv(&part, 0);
	part.d[part.n++] = 0;
	for (int i = 0; i < 4; i++)
		h_f64(&part, 0);
	part.d[part.n++] = 0;
	h_uv(&part, 0);
	h_block(&prof, -1, &part);
	part.n = 0;
	h_uv(&part, 1);
	h_str(&part, "mod");
	h_block(&prof, -1, &part);
	part.n = 0;
	h_uv(&part, 1);
	h_str(&part, "fn");
	h_uv(&part, 0);
	h_uv(&part, 0);
	h_sv(&part, 0);
	h_block(&prof, -1, &part);
	h_block(&prof, -1, stacks);
	h_block(b, SEC_PROFILE, &prof);
}

static int hand_made(const struct hb *b, char *why, size_t why_len)
{
	size_t plen;
	unsigned char *packed = pack(b->d, b->n, &plen);
	int rc = try_load(packed, plen, 0, why, why_len);

	free(packed);
	return rc;
}

Test(snapshot, hand_made_files_name_the_problem)
{
	struct hb b = {.n = 0}, st = {.n = 0};
	char why[512];

	/* A valid one first: one stack of depth 1. */
	h_meta_process(&b);
	h_uv(&st, 1);
	h_uv(&st, 0);
	h_uv(&st, 1);
	h_uv(&st, 0);
	h_profile(&b, &st);
	cr_assert_eq(hand_made(&b, why, sizeof(why)), 0, "%s", why);

	/* A stack 9000 deep. */
	b.n = st.n = 0;
	h_meta_process(&b);
	h_uv(&st, 1);
	h_uv(&st, 0);
	h_uv(&st, 9000);
	h_profile(&b, &st);
	cr_assert_lt(hand_made(&b, why, sizeof(why)), 0);
	cr_assert(strstr(why, "stack depth 9000 over the limit (512)"), "%s", why);
	cr_assert(!strncmp(why, "offset ", 7), "%s", why);

	/* A frame naming a function that does not exist. */
	b.n = st.n = 0;
	h_meta_process(&b);
	h_uv(&st, 1);
	h_uv(&st, 0);
	h_uv(&st, 1);
	h_uv(&st, 5);
	h_profile(&b, &st);
	cr_assert_lt(hand_made(&b, why, sizeof(why)), 0);
	cr_assert(strstr(why, "function id 5 out of range (1 functions)"), "%s", why);

	/* A count far beyond the bytes left. */
	b.n = st.n = 0;
	h_meta_process(&b);
	h_uv(&st, 1000000);
	h_profile(&b, &st);
	cr_assert_lt(hand_made(&b, why, sizeof(why)), 0);
	cr_assert(strstr(why, "stacks 1000000"), "%s", why);

	/* A profile before its process; a section before the description. */
	b.n = st.n = 0;
	h_uv(&st, 0);
	h_profile(&b, &st);
	cr_assert_lt(hand_made(&b, why, sizeof(why)), 0);
	cr_assert(strstr(why, "not the description"), "%s", why);
}

/* ---- writing ----------------------------------------------------------------------- */

static int count_entries(const char *d)
{
	char cmd[160];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", d);
	p = popen(cmd, "r");
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

Test(snapshot, full_disk_leaves_the_old_file)
{
	char path[128], why[512];
	pid_t pid;
	int status;
	FILE *o;

	snprintf(path, sizeof(path), "%s/full.ptsnap", dir);
	o = fopen(path, "w");
	fputs("old", o);
	fclose(o);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct rlimit rl = {4096, 4096};
		struct snapshot_meta meta;
		struct model m;
		int rc;

		signal(SIGXFSZ, SIG_IGN);
		build(&m, true);
		meta_for(&meta);
		setrlimit(RLIMIT_FSIZE, &rl);
		rc = snapshot_save(&m, &meta, path, why, sizeof(why));
		model_release(&m);
		if (rc == 0)
			_exit(10);
		if (!strstr(why, "cannot save snapshot '") || !strstr(why, "full.ptsnap"))
			_exit(11);
		if (!strstr(why, "File too large"))
			_exit(12);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %d", WEXITSTATUS(status));
	{
		size_t len;
		unsigned char *old = slurp(path, &len);

		cr_assert_eq(len, 3);
		cr_assert_eq(memcmp(old, "old", 3), 0, "the old file is intact");
		free(old);
	}
	cr_assert_eq(count_entries(dir), 1, "no temporary file is left");
}

Test(snapshot, unwritable_directory_is_a_clear_error)
{
	char sub[128], path[160], why[512];
	struct snapshot_meta meta;
	struct model m;
	int rc;

	build(&m, false);
	meta_for(&meta);
	snprintf(path, sizeof(path), "%s/no/such/dir/x.ptsnap", dir);
	rc = snapshot_save(&m, &meta, path, why, sizeof(why));
	cr_assert_eq(rc, -ENOENT);
	cr_assert(strstr(why, "cannot save snapshot '") && strstr(why, "x.ptsnap"), "%s", why);
	if (geteuid() != 0) {
		snprintf(sub, sizeof(sub), "%s/ro", dir);
		cr_assert_eq(mkdir(sub, 0500), 0);
		snprintf(path, sizeof(path), "%s/x.ptsnap", sub);
		rc = snapshot_save(&m, &meta, path, why, sizeof(why));
		cr_assert_eq(rc, -EACCES, "%s", why);
		cr_assert(strstr(why, "Permission denied"), "%s", why);
		cr_assert_eq(count_entries(sub), 0);
	} else {
		rc = snapshot_save(&m, &meta, "/proc/perftop-test.ptsnap", why, sizeof(why));
		cr_assert_lt(rc, 0);
		cr_assert(strstr(why, "cannot save snapshot '/proc/perftop-test.ptsnap'"), "%s",
		          why);
	}
	model_release(&m);
}

Test(snapshot, default_path_names_the_process_and_time)
{
	char out[128];
	struct tm tm = {.tm_year = 124,
	                .tm_mon = 2,
	                .tm_mday = 5,
	                .tm_hour = 14,
	                .tm_min = 3,
	                .tm_sec = 9,
	                .tm_isdst = -1};
	time_t when = mktime(&tm);

	cr_assert_gt(snapshot_default_path(out, sizeof(out), "my prog/x", 42, when), 0);
	cr_assert_str_eq(out, "perftop-my_prog_x-42-20240305-140309.ptsnap");
	cr_assert_gt(snapshot_default_path(out, sizeof(out), NULL, 0, when), 0);
	cr_assert_str_eq(out, "perftop-machine-20240305-140309.ptsnap");
	cr_assert_eq(snapshot_default_path(out, 10, "p", 1, when), -ENAMETOOLONG);
}

/* ---- zlib bombs ----------------------------------------------------------------------- */

/* A file whose deflated contents are copies MiB of zeros, with a good CRC
 * and the header saying they inflate to rawlen. Built without compressing
 * all of it: after a full flush, deflate's output for the next MiB of zeros
 * no longer depends on what came before, so that block is repeated. */
static unsigned char *zero_bomb(unsigned copies, uint64_t rawlen, size_t *len)
{
	enum { MIB = 1 << 20 };
	unsigned char *zeros = calloc(1, MIB), *first = malloc(2 * MIB), *again = malloc(2 * MIB);
	size_t nfirst, nagain, stored, at;
	unsigned char *f;
	uint32_t crc, adler;
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	cr_assert_eq(deflateInit(&zs, 9), Z_OK);
	zs.next_in = zeros;
	zs.avail_in = MIB;
	zs.next_out = first;
	zs.avail_out = 2 * MIB;
	cr_assert_eq(deflate(&zs, Z_FULL_FLUSH), Z_OK);
	nfirst = 2 * MIB - zs.avail_out;
	zs.next_in = zeros;
	zs.avail_in = MIB;
	zs.next_out = again;
	zs.avail_out = 2 * MIB;
	cr_assert_eq(deflate(&zs, Z_FULL_FLUSH), Z_OK);
	nagain = 2 * MIB - zs.avail_out;
	deflateEnd(&zs);
	cr_assert(nagain > 4 && nagain < 4096, "a MiB of zeros deflates to %zu bytes", nagain);

	/* zlib header + first MiB, the same block again and again, a last empty
	 * fixed-Huffman block, and the Adler-32 of copies MiB of zeros. */
	stored = nfirst + (size_t)(copies - 1) * nagain + 2 + 4;
	f = malloc(SNAPSHOT_HEADER_LEN + stored);
	at = SNAPSHOT_HEADER_LEN;
	memcpy(f + at, first, nfirst);
	at += nfirst;
	for (unsigned i = 1; i < copies; i++, at += nagain)
		memcpy(f + at, again, nagain);
	f[at++] = 0x03;
	f[at++] = 0x00;
	adler = (uint32_t)((((uint64_t)copies * MIB) % 65521u) << 16) | 1u;
	for (int i = 0; i < 4; i++)
		f[at++] = (unsigned char)(adler >> (24 - 8 * i));
	crc = (uint32_t)crc32(crc32(0, NULL, 0), f + SNAPSHOT_HEADER_LEN, (uInt)stored);
	memset(f, 0, SNAPSHOT_HEADER_LEN);
	memcpy(f, SNAPSHOT_MAGIC, SNAPSHOT_MAGIC_LEN);
	f[HDR_MAJOR] = SNAPSHOT_FORMAT_MAJOR;
	f[HDR_MINOR] = SNAPSHOT_FORMAT_MINOR;
	f[HDR_FLAGS] = SNAPSHOT_FLAG_DEFLATE;
	for (int i = 0; i < 8; i++) {
		f[HDR_STORED + i] = (unsigned char)((uint64_t)stored >> (8 * i));
		f[HDR_RAW + i] = (unsigned char)(rawlen >> (8 * i));
	}
	for (int i = 0; i < 4; i++)
		f[HDR_CRC + i] = (unsigned char)(crc >> (8 * i));
	*len = SNAPSHOT_HEADER_LEN + stored;
	free(zeros);
	free(first);
	free(again);
	return f;
}

/* Kilobytes of this process's peak resident memory. */
static long peak_rss_kb(void)
{
	struct rusage ru;

	cr_assert_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_maxrss;
}

Test(snapshot, zlib_bombs_fail_with_bounded_memory)
{
	const uint64_t gib = 1ull << 30;
	char why[512], path[128];
	unsigned char *f;
	size_t len;
	FILE *out;
	int rc;

	/* The stream is sound: zlib itself inflates it to 1 GiB of zeros (checked
	 * by the length test below). The header claims all of it, the limit. */
	f = zero_bomb(1024, gib, &len);
	cr_assert_lt(len, 2u << 20, "a small file: %zu bytes", len);
	rc = try_load(f, len, 0, why, sizeof(why));
	cr_assert_eq(rc, -EINVAL, "%s", why);
	cr_assert(strstr(why, "offset 40: the first section is 0, not the description"), "%s",
	          why);

	/* The same from a file, through perftop's reader. */
	snprintf(path, sizeof(path), "%s/bomb.ptsnap", dir);
	out = fopen(path, "wb");
	cr_assert_not_null(out);
	cr_assert_eq(fwrite(f, 1, len, out), len);
	fclose(out);
	{
		struct snapshot_meta meta;
		struct model m;

		rc = snapshot_load(&m, path, &meta, why, sizeof(why));
		cr_assert_eq(rc, -EINVAL, "%s", why);
		cr_assert(strstr(why, "cannot open snapshot '") && strstr(why, "offset 40: "),
		          "%s", why);
	}
	free(f);

	/* A header that claims less than the stream gives: stopped at the
	 * first byte past it. */
	f = zero_bomb(1024, 4096, &len);
	rc = try_load(f, len, 0, why, sizeof(why));
	cr_assert_eq(rc, -EINVAL, "%s", why);
	cr_assert(strstr(why, "inflate past the size the header gives"), "%s", why);
	free(f);

	/* The stream is what it claims: a tail cut off is "cut short". */
	f = zero_bomb(4, 4u << 20, &len);
	rc = try_load(f, len, SNAPSHOT_LOAD_NO_CHECKSUM, why, sizeof(why));
	cr_assert(strstr(why, "the first section is 0"), "4 MiB of zeros inflate: %s", why);
	free(f);

	/* 1 GiB claimed and given, but never held: well under 200 MB at peak. */
	cr_assert_lt(peak_rss_kb(), 200 * 1024, "peak RSS %ld kB", peak_rss_kb());
}

/* snapshot_write (record's end and the S key) writes only regular files:
 * a FIFO or a directory stays what it was; a link to a regular file is
 * followed, the target replaced and the link kept. */
Test(snapshot, only_regular_files_are_written)
{
	char fifo[128], sub[128], target[128], link[128], why[1024];
	struct snapshot_meta meta;
	struct stat before, after;
	struct model m, back;

	build(&m, false);
	meta_for(&meta);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert_eq(lstat(fifo, &before), 0);
	cr_assert_lt(snapshot_save(&m, &meta, fifo, why, sizeof(why)), 0);
	cr_assert(strstr(why, "cannot save snapshot '") &&
	              strstr(why, "': it is a FIFO (named pipe), and perftop writes only regular files"),
	          "%s", why);
	cr_assert_eq(lstat(fifo, &after), 0);
	cr_assert(S_ISFIFO(after.st_mode) && after.st_ino == before.st_ino);

	snprintf(sub, sizeof(sub), "%s/sub", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	cr_assert_eq(snapshot_save(&m, &meta, sub, why, sizeof(why)), -EISDIR, "%s", why);
	cr_assert(strstr(why, "it is a directory"), "%s", why);

	snprintf(target, sizeof(target), "%s/target.ptsnap", dir);
	snprintf(link, sizeof(link), "%s/link.ptsnap", dir);
	cr_assert_eq(close(open(target, O_CREAT | O_WRONLY, 0600)), 0);
	cr_assert_eq(symlink("target.ptsnap", link), 0);
	cr_assert_eq(snapshot_save(&m, &meta, link, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(lstat(link, &after), 0);
	cr_assert(S_ISLNK(after.st_mode), "the link stays a link");
	cr_assert_eq(stat(target, &after), 0);
	cr_assert_gt(after.st_size, 0, "the target got the snapshot");
	cr_assert_eq(snapshot_load(&back, link, &meta, why, sizeof(why)), 0, "%s", why);
	model_release(&back);
	model_release(&m);
}

/* ---- the agent's cost (format 1.1) ------------------------------------------------- */

Test(snapshot, agent_cost_round_trips)
{
	struct model a, b;
	struct snapshot_meta got;
	struct profile_cost c = {.handler_ns = 12345678901ull, .writer_ns = 3456789,
	                         .process_ns = 987654321012ull};
	struct profile *y;

	build(&a, false);
	profile_cost_connect(model_find(&a, PID)->profile);
	profile_cost_update(model_find(&a, PID)->profile, &c);
	save_load(&a, &b, &got, "cost.ptsnap");
	cr_assert_eq(got.format_minor, SNAPSHOT_FORMAT_MINOR);
	y = model_find(&b, PID)->profile;
	cr_assert(y->cost_known);
	cr_assert_eq(y->cost.handler_ns, c.handler_ns);
	cr_assert_eq(y->cost.writer_ns, c.writer_ns);
	cr_assert_eq(y->cost.process_ns, c.process_ns);
	cr_assert_float_eq(profile_cost_pct(y), profile_cost_pct(model_find(&a, PID)->profile),
	                   1e-12);
	model_release(&a);
	model_release(&b);
}

Test(snapshot, no_cost_stays_no_cost)
{
	struct model a, b;
	struct snapshot_meta got;

	build(&a, false);
	cr_assert_not(model_find(&a, PID)->profile->cost_known);
	save_load(&a, &b, &got, "nocost.ptsnap");
	cr_assert_not(model_find(&b, PID)->profile->cost_known);
	cr_assert_lt(profile_cost_pct(model_find(&b, PID)->profile), 0);
	model_release(&a);
	model_release(&b);
}

/* A 1.0 file (hand-made by the 1.0 layout: the profile head ends with the
 * agent event drops) opens, and its profile has no cost figure: unknown,
 * not 0 %. */
Test(snapshot, a_1_0_file_opens_with_no_cost)
{
	struct hb b = {.n = 0}, st = {.n = 0};
	struct snapshot_meta meta;
	struct model m;
	char why[512];
	size_t plen;
	unsigned char *packed;
	struct process *p;

	h_meta_process(&b);
	h_uv(&st, 1);
	h_uv(&st, 0);
	h_uv(&st, 1);
	h_uv(&st, 0);
	h_profile(&b, &st);
	packed = pack(b.d, b.n, &plen);
	packed[HDR_MINOR] = 0;
	cr_assert_eq(snapshot_load_mem(&m, packed, plen, 0, &meta, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(meta.format_minor, 0);
	p = model_find(&m, 9);
	cr_assert(p && p->profile);
	cr_assert_eq(profile_func_count(p->profile), 1, "the rest of the profile loaded");
	cr_assert_not(p->profile->cost_known);
	cr_assert_lt(profile_cost_pct(p->profile), 0);
	model_release(&m);
	free(packed);
}

Test(snapshot, process_tree_round_trips)
{
	struct model a, b;
	struct snapshot_meta got;
	struct process *p, *q;

	build(&a, false);
	a.tree_root = PID;
	a.tree_reaper = 4242;
	p = model_find(&a, PID);
	p->ppid = 77;
	p->in_tree = true;
	p->cpu_s = 12.5;
	q = model_agent_process(&a, PID + 1, "/bin/static_tool");
	q->ppid = PID;
	q->in_tree = true;
	q->cpu_s = 0.25;
	q->exit_status = 3 << 8;
	snprintf(q->agent_why, sizeof(q->agent_why), "static executable (no PT_INTERP)");
	save_load(&a, &b, &got, "tree.ptsnap");
	cr_assert_eq(got.format_minor, 3);
	cr_assert_eq(b.tree_root, PID);
	cr_assert_eq(b.tree_reaper, 4242);
	p = model_find(&b, PID);
	q = model_find(&b, PID + 1);
	cr_assert_eq(p->ppid, 77);
	cr_assert(p->in_tree);
	cr_assert_float_eq(p->cpu_s, 12.5, 1e-12);
	cr_assert_eq(q->ppid, PID);
	cr_assert(q->in_tree);
	cr_assert_float_eq(q->cpu_s, 0.25, 1e-12);
	cr_assert_eq(q->exit_status, 3 << 8);
	cr_assert_str_eq(q->agent_why, "static executable (no PT_INTERP)");
	model_release(&a);
	model_release(&b);
}
