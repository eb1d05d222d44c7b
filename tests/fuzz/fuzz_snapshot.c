/*
 * fuzz_snapshot — libFuzzer entry point for the snapshot loader.
 *
 * Each input is loaded as a snapshot file with the checksum check off, so
 * the fuzzer reaches the decoder itself (inputs are best stored
 * uncompressed: see seed_snapshot.c). A refused input must say why with
 * "offset N: ..." or a whole-file reason. A loaded one is read the way the
 * views read it (every profile's flat table, trees and a live window,
 * merged and per thread; every zone's summary), then encoded and loaded
 * again, which must succeed with the same processes, samples, functions
 * and zone counts. Any disagreement aborts. Built with clang
 * -fsanitize=fuzzer by `make fuzz`; tests/fuzz/replay.c runs it over
 * tests/fuzz/corpus/snapshot/ in `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_snapshot: %s\n", what);
		abort();
	}
}

/* Reads a profile as the views do. */
static void read_profile(struct profile *p)
{
	static const double windows[] = {0, 5, 32};
	struct profile_view v;
	size_t nz = profile_zone_count(p);
	struct profile_zone_summary *zs = calloc(nz ? nz : 1, sizeof(*zs));
	uint32_t kids[16];

	for (size_t t = 0; t <= p->nthreads && t < 4; t++) {
		for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
			profile_view_init(&v);
			v.tid = t ? p->threads[t - 1].tid : 0;
			v.seconds = windows[w];
			profile_view_update(p, &v, profile_now(p));
			calltree_children(v.top, CALLTREE_ROOT, v.scope, kids, 16);
			calltree_children(v.callers, CALLTREE_ROOT, v.scope, kids, 16);
			profile_view_release(&v);
			profile_zone_summaries(p, v.tid, windows[w], profile_now(p), zs);
		}
	}
	for (size_t c = 0; c < profile_counter_count(p); c++)
		profile_counter_rate(p, (uint32_t)c, 10, profile_now(p));
	free(zs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot_meta meta, meta2;
	struct bytebuf b = {0};
	struct model m, m2;
	char why[1024];
	unsigned char *file;

	if (snapshot_load_mem(&m, data, size, SNAPSHOT_LOAD_NO_CHECKSUM, &meta, why, sizeof(why)) <
	    0) {
		check(why[0] != '\0', "a refusal without a reason");
		return 0;
	}
	for (size_t i = 0; i < m.nprocs; i++)
		if (m.procs[i]->profile)
			read_profile(m.procs[i]->profile);

	/* Again through the encoder: it must load, the same. */
	snapshot_encode(&m, &meta, &b);
	file = calloc(1, b.len + 40);
	memcpy(file, "\x89PTSNAP\n\x01\x00\x00\x00\x00\x00\x00\x00", 16);
	for (int i = 0; i < 8; i++) {
		file[16 + i] = (unsigned char)((uint64_t)b.len >> (8 * i));
		file[24 + i] = (unsigned char)((uint64_t)b.len >> (8 * i));
	}
	memcpy(file + 40, b.data, b.len);
	if (snapshot_load_mem(&m2, file, b.len + 40, SNAPSHOT_LOAD_NO_CHECKSUM, &meta2, why,
	                      sizeof(why)) < 0) {
		fprintf(stderr, "fuzz_snapshot: re-encoded snapshot refused: %s\n", why);
		abort();
	}
	check(m2.nprocs == m.nprocs, "process count changed");
	for (size_t i = 0; i < m.nprocs; i++) {
		const struct process *a = m.procs[i], *c = model_find(&m2, a->pid);

		check(c != NULL, "a process was lost");
		check(!a->profile == !c->profile, "a profile was lost");
		if (!a->profile)
			continue;
		check(a->profile->samples == c->profile->samples, "samples changed");
		check(profile_func_count(a->profile) == profile_func_count(c->profile),
		      "functions changed");
		for (size_t z = 0; z < profile_zone_count(a->profile); z++)
			check(a->profile->zones[z].hist.count == c->profile->zones[z].hist.count,
			      "zone counts changed");
	}
	model_release(&m2);
	model_release(&m);
	bytebuf_release(&b);
	free(file);
	return 0;
}
