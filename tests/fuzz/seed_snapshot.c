/*
 * seed_snapshot — writes the seed corpus of fuzz_snapshot into a directory:
 * small valid snapshots stored uncompressed (so the fuzzer can mutate the
 * sections themselves), one compressed as perftop writes them, and broken
 * ones (cut, flipped, foreign, newer major). Run: seed_snapshot DIR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "snapshot/format.h"
#include "snapshot/snapshot.h"

static const char *outdir;

static void save_bytes(const char *name, const void *data, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "seed_snapshot: cannot write '%s': %s\n", path, strerror(errno));
		exit(1);
	}
}

/* A file around contents body[0..n), stored as they are. */
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

/* A small model: two processes, one profiled on two threads over 40 s
 * (so the window ring has wrapped), with zones, counters and marks. */
static void build(struct model *m, bool profile)
{
	struct cpu_jiffies cpus[1] = {{10, 90}};
	struct proc_reading pr[2];
	struct tick_reading r;
	struct profile *p;
	uint32_t f[6], st[6];

	model_init(m, 1.0);
	for (int k = 0; k < 3; k++) {
		memset(&r, 0, sizeof(r));
		memset(pr, 0, sizeof(pr));
		for (int i = 0; i < 2; i++) {
			pr[i].pid = 10 + i;
			pr[i].start_ticks = 5;
			pr[i].ticks = (unsigned long long)(k * 50);
			pr[i].rss_kb = 2000 + (unsigned long long)k;
			pr[i].threads = 2;
			pr[i].state = 'R';
			snprintf(pr[i].comm, sizeof(pr[i].comm), "p%d", i);
			pr[i].cmdline = "prog --arg";
		}
		cpus[0].busy += 10;
		cpus[0].idle += 10;
		r.sys.time = k;
		r.sys.ncpu = 1;
		r.sys.per_cpu = cpus;
		r.sys.total = cpus[0];
		r.procs = pr;
		r.nprocs = 2;
		r.hz = 100;
		r.full_scan = true;
		model_watch(m, 10, true);
		model_apply(m, &r);
	}
	if (!profile)
		return;
	p = model_agent_process(m, 10, "/bin/prog")->profile;
	p->requested_hz = p->achieved_hz = 100;
	profile_thread_name(p, 10, "main");
	for (int i = 0; i < 6; i++) {
		char name[16];

		snprintf(name, sizeof(name), "f%d", i);
		f[i] = profile_func(p, i == 5 ? "libc.so.6" : "prog", name, i < 3 ? "prog.c" : NULL,
		                    i * 3);
	}
	for (int s = 0; s < 40; s++) {
		for (int k = 0; k < 3; k++) {
			size_t d = 2 + (size_t)((s + k) % 4);

			for (size_t i = 0; i < d; i++)
				st[i] = f[(i + (size_t)k * (i > 1)) % 6];
			profile_add_samples(p, k == 2 ? 11 : 10, st, d, 1 + (unsigned)k,
			                    s + 0.1 * k);
		}
		if (s % 5 == 0)
			profile_add_samples(p, 11, NULL, 0, 1, s + 0.5);
		profile_zone_event_at(p, profile_zone(p, s % 2 ? "parse" : "draw"), s % 3 ? 10 : 11,
		                      s + 0.7, 1000u * (unsigned)(s + 1));
		profile_counter_update(p, profile_counter(p, "frames"), false, 1, s + 0.2);
		profile_counter_update(p, profile_counter(p, "queue"), true, s % 4, s + 0.3);
		if (s % 20 == 0)
			profile_mark(p, s, 10, "checkpoint");
	}
	profile_zone_stats(p, 0, 10, 20, 2e5, 1000, 39000, 40.0);
}

int main(int argc, char **argv)
{
	struct snapshot_meta meta;
	struct bytebuf b = {0}, small = {0};
	struct model m;
	unsigned char *f, *copy;
	size_t len;
	char path[4096], why[512];

	if (argc != 2) {
		fprintf(stderr, "usage: seed_snapshot DIR\n");
		return 2;
	}
	outdir = argv[1];
	snapshot_meta_init(&meta);
	snprintf(meta.host, sizeof(meta.host), "seed");
	snprintf(meta.command, sizeof(meta.command), "prog --arg");
	meta.pid = 10;
	meta.start_time = 1.7e9;
	meta.end_time = 1.7e9 + 40;

	build(&m, true);
	snapshot_encode(&m, &meta, &b);
	f = pack(b.data, b.len, &len);
	save_bytes("valid-profile", f, len);
	/* Broken ones: cut inside a section, a few bytes changed. */
	save_bytes("cut-half", f, len / 2 + SNAPSHOT_HEADER_LEN / 2);
	copy = malloc(len);
	memcpy(copy, f, len);
	copy[len / 3] ^= 0x55;
	copy[len / 2] = 0xff;
	save_bytes("flipped", copy, len);
	memcpy(copy, f, len);
	copy[HDR_MAJOR] = 2;
	save_bytes("newer-major", copy, len);
	memcpy(copy, f, len);
	copy[HDR_MINOR] = 7;
	save_bytes("newer-minor", copy, len);
	free(copy);
	free(f);
	/* As perftop writes it: compressed. */
	snprintf(path, sizeof(path), "%s/valid-compressed", outdir);
	if (snapshot_write(&b, path, why, sizeof(why)) < 0) {
		fprintf(stderr, "seed_snapshot: %s\n", why);
		return 1;
	}
	model_release(&m);

	/* A Python program: interpreted functions (two <lambda> of one file),
	 * the interpreter's machinery between them, and their lines. */
	{
		struct bytebuf py = {0};
		struct profile *p;
		uint32_t st[4], ln[4] = {0, 12, 0, 30};

		build(&m, false);
		p = model_agent_process(&m, 10, "/usr/bin/python3")->profile;
		st[0] = profile_func_interp(p, "<module>", "/srv/app.py", 1);
		st[1] = profile_func_interp(p, "Parser.parse_line", "/srv/app.py", 10);
		st[2] = profile_func(p, "libpython3.11.so", "_PyEval_EvalFrameDefault", NULL, 0);
		st[3] = profile_func_interp(p, "<lambda>", "/srv/app.py", 30);
		for (int s = 0; s < 8; s++) {
			profile_add_samples(p, 10, st, 4, 2, s + 0.5);
			profile_add_lines(p, st, ln, 4, 2);
		}
		st[3] = profile_func_interp(p, "<lambda>", "/srv/app.py", 31);
		ln[3] = 31;
		profile_add_samples(p, 10, st, 4, 1, 9.5);
		profile_add_lines(p, st, ln, 4, 1);
		snapshot_encode(&m, &meta, &py);
		f = pack(py.data, py.len, &len);
		save_bytes("valid-python", f, len);
		free(f);
		bytebuf_release(&py);
		model_release(&m);
	}

	build(&m, false);
	snapshot_encode(&m, &meta, &small);
	f = pack(small.data, small.len, &len);
	save_bytes("valid-no-profile", f, len);
	free(f);
	model_release(&m);
	save_bytes("foreign", "GIF89a\x01\x00\x01\x00", 10);
	save_bytes("empty", "", 0);
	bytebuf_release(&b);
	bytebuf_release(&small);
	return 0;
}
