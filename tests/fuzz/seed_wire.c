/*
 * seed_wire — writes the seed corpus of fuzz_wire (valid streams from the
 * encoder and a few hostile ones) into a directory, or with --dump prints the
 * hex dumps docs/protocol.md shows. Run: seed_wire DIR | seed_wire --dump.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

static uint8_t mem[1 << 20];
static struct wire_buf b;
static const char *outdir;

static struct wire_str str(const char *s)
{
	return (struct wire_str){s, (uint32_t)strlen(s)};
}

static void must(int rc, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "seed_wire: %s: %s\n", what, strerror(-rc));
		exit(1);
	}
}

/* Writes the buffer (or raw bytes) as corpus file NAME and empties it. */
static void save_bytes(const char *name, const void *data, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "seed_wire: cannot write '%s': %s\n", path, strerror(errno));
		exit(1);
	}
}

static void save(const char *name)
{
	save_bytes(name, b.data, b.len);
	b.len = 0;
}

static void put_hello(uint32_t major, uint32_t minor)
{
	static struct wire_str argv[3];
	argv[0] = str("./demo");
	argv[1] = str("--threads");
	argv[2] = str("4");
	struct wire_hello h = {
	    .major = major,
	    .minor = minor,
	    .pid = 31337,
	    .exe = str("/usr/bin/demo"),
	    .argv = {argv, 3},
	    .requested_hz = 1000,
	    .achieved_hz = 0,
	    .clock_id = 1,
	    .agent_version = str("0.3.0"),
	};
	must(wire_put_hello(&b, &h), "hello");
}

static void put_samples(uint32_t tid, int named, uint32_t depth, int count)
{
	static uint64_t pcs[WIRE_MAX_STACK_DEPTH];
	static struct wire_frame frames[WIRE_MAX_STACK_DEPTH];
	struct wire_batch w;

	for (uint32_t i = 0; i < WIRE_MAX_STACK_DEPTH; i++) {
		pcs[i] = 0x55555555a000ull + i * 0x40;
		frames[i] =
		    (struct wire_frame){.name = 1 + i % 5, .file = i % 3, .line = i % 4 * 10};
		if (i % 4 == 3)
			frames[i] = (struct wire_frame){.pc = pcs[i]};
	}
	must(wire_samples_begin(&b, &w, tid, 1000000000ull), "samples");
	for (int s = 0; s < count; s++) {
		uint64_t ts = 1000000000ull + (uint64_t)s * 1000000;
		if (named) {
			struct wire_samples item = {.ts = ts, .stack = {frames, depth}};
			must(wire_batch_add(&b, &w, &item), "sample");
		} else {
			must(wire_samples_add_pcs(&b, &w, ts, pcs, depth), "sample");
		}
	}
	wire_batch_end(&b, &w);
}

static void put_names(void)
{
	static const char *names[] = {"parse", "render", "frames", "eval_loop", "main.py"};
	for (uint32_t i = 0; i < 5; i++)
		must(wire_put_name(&b, &(struct wire_name){.id = i + 1,
		                                           .kind = i < 3 ? i : 2,
		                                           .text = str(names[i])}),
		     "name");
}

static void put_zones(void)
{
	struct wire_batch w;
	must(wire_batch_begin(&b, &w, WIRE_ZONES, &(struct wire_zones){.tid = 2, .base_ts = 5000}),
	     "zones");
	for (int i = 0; i < 6; i++) {
		struct wire_zones z = {.event = (uint32_t)(i % 3),
		                       .zone = 1,
		                       .ts = 5000 + (uint64_t)i * 70,
		                       .dur = i % 3 == 2 ? 40 : 0};
		must(wire_batch_add(&b, &w, &z), "zone");
	}
	wire_batch_end(&b, &w);
}

static void put_counters(void)
{
	struct wire_batch w;
	must(wire_batch_begin(&b, &w, WIRE_COUNTERS, &(struct wire_counters){.base_ts = 9000}),
	     "counters");
	struct wire_counters c[] = {
	    {.counter = 3, .op = WIRE_COUNTER_ADD, .value = {.i = 1}, .ts = 9001},
	    {.counter = 3, .op = WIRE_COUNTER_TOTAL, .value = {.i = 12}, .ts = 9001},
	    {.counter = 4, .op = WIRE_COUNTER_SET, .value = {.f = 0.75, .is_float = 1}, .ts = 8000},
	};
	for (int i = 0; i < 3; i++)
		must(wire_batch_add(&b, &w, &c[i]), "counter");
	wire_batch_end(&b, &w);
}

static void put_rest(void)
{
	struct wire_batch w;

	must(wire_put_thread(&b, &(struct wire_thread){.tid = 2, .name = str("worker")}), "thread");
	must(
	    wire_batch_begin(&b, &w, WIRE_ZONE_STATS, &(struct wire_zone_stats){.tid = 2, .ts = 7}),
	    "zone_stats");
	must(wire_batch_add(&b, &w,
	                    &(struct wire_zone_stats){
	                        .zone = 1, .count = 3, .sum = 120, .min = 40, .max = 40}),
	     "zone stat");
	wire_batch_end(&b, &w);
	must(wire_put_mark(
	         &b, &(struct wire_mark){.tid = 2, .ts = 77, .text = str("checkpoint \xc3\xa9")}),
	     "mark");
	must(wire_put_stats(&b, &(struct wire_stats){.ts = 1,
	                                             .samples = 2000,
	                                             .samples_dropped = 5,
	                                             .events_dropped = 1,
	                                             .bytes_sent = 65536,
	                                             .achieved_hz = 998.0}),
	     "stats");
	must(wire_batch_begin(&b, &w, WIRE_MAPS, &(struct wire_maps){.flags = WIRE_MAPS_RESET}),
	     "maps");
	must(wire_batch_add(
	         &b, &w,
	         &(struct wire_maps){.start = 0x400000,
	                             .end = 0x452000,
	                             .offset = 0,
	                             .path = str("/usr/bin/demo"),
	                             .build_id = {"\x8f\x12\x9a\x00\x41\x77\x01\x02", 8}}),
	     "map");
	wire_batch_end(&b, &w);
	must(wire_put_notice(&b, &(struct wire_notice){.ts = 2,
	                                               .tid = 2,
	                                               .code = str("blocked"),
	                                               .count = 1,
	                                               .text = str("not sampled: the thread blocks SIGPROF")}),
	     "notice");
}

static void dump(const char *title)
{
	printf("%s (%zu bytes):\n\n```\n", title, b.len);
	for (size_t i = 0; i < b.len; i += 16) {
		printf("%04zx ", i);
		for (size_t k = i; k < i + 16; k++)
			printf(k < b.len ? " %02x" : "   ", k < b.len ? b.data[k] : 0);
		printf("  ");
		for (size_t k = i; k < i + 16 && k < b.len; k++)
			putchar(b.data[k] >= 0x20 && b.data[k] < 0x7f ? b.data[k] : '.');
		putchar('\n');
	}
	printf("```\n\n");
	b.len = 0;
}

int main(int argc, char **argv)
{
	wire_buf_init(&b, mem, sizeof(mem));
	if (argc == 2 && strcmp(argv[1], "--dump") == 0) {
		put_hello(WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
		dump("HELLO");
		static const uint64_t pcs[2][3] = {{0x401136, 0x401182, 0x7f3a1c02a1ca},
		                                   {0x401140, 0x401182, 0x7f3a1c02a1ca}};
		struct wire_batch w;
		must(wire_samples_begin(&b, &w, 31338, 5000000000ull), "samples");
		must(wire_samples_add_pcs(&b, &w, 5000000000ull, pcs[0], 3), "sample");
		must(wire_samples_add_pcs(&b, &w, 5001000250ull, pcs[1], 3), "sample");
		wire_batch_end(&b, &w);
		dump("SAMPLES");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: seed_wire DIR | seed_wire --dump\n");
		return 2;
	}
	outdir = argv[1];

	/* one of each, alone */
	put_hello(WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	save("seed-hello");
	put_names();
	save("seed-names");
	put_samples(2, 0, 3, 4);
	save("seed-samples-pcs");
	put_samples(2, 1, 6, 4);
	save("seed-samples-named");
	put_zones();
	save("seed-zones");
	put_counters();
	save("seed-counters");
	put_rest();
	save("seed-rest");
	must(wire_put_pause(&b, &(struct wire_pause){.what = WIRE_PAUSE_SAMPLES}), "pause");
	must(wire_put_resume(&b, &(struct wire_resume){.what = 3}), "resume");
	must(wire_put_set_rate(&b, &(struct wire_set_rate){.hz = 4000}), "set_rate");
	save("seed-control");

	/* whole sessions */
	put_hello(WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	put_names();
	put_rest();
	put_samples(2, 0, 12, 20);
	put_zones();
	put_counters();
	put_samples(3, 1, 9, 5);
	save("seed-session");
	put_hello(WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	put_samples(2, 0, WIRE_MAX_STACK_DEPTH, 3);
	save("seed-deepest-stack");
	put_hello(WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	put_samples(2, 1, WIRE_MAX_STACK_DEPTH, 2);
	save("seed-deepest-named");
	put_hello(WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	put_samples(2, 0, 1, 2000);
	save("seed-many-samples");
	for (uint32_t i = 0; i < 8; i++) {
		put_hello(WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
		put_samples(i + 1, (int)(i & 1), 1 + i * 3, (int)(1 + i));
		if (i & 2)
			put_zones();
		if (i & 4)
			put_counters();
		char name[32];
		snprintf(name, sizeof(name), "seed-mix-%u", i);
		save(name);
	}

	/* versions */
	put_hello(WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR + 3);
	put_names();
	save("seed-newer-minor");
	put_hello(WIRE_PROTO_MAJOR + 1, 0);
	save("seed-other-major");

	/* hostile */
	static const uint8_t garbage[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	save_bytes("bad-garbage", garbage, sizeof(garbage) - 1);
	put_hello(WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	put_rest();
	save_bytes("bad-truncated", b.data, b.len - 3);
	b.len = 0;
	static const uint8_t huge_array[] = {0xce, 0, 0,    0,    9,    0x94, 4,
	                                     1,    0, 0xdd, 0xff, 0xff, 0xff, 0xff};
	save_bytes("bad-huge-array", huge_array, sizeof(huge_array));
	static const uint8_t huge_frame[] = {0xce, 0xff, 0xff, 0xff, 0xff, 0x94, 4};
	save_bytes("bad-huge-frame", huge_frame, sizeof(huge_frame));
	static const uint8_t huge_map[] = {0xce, 0,    0,    0,    7,    0x92,
	                                   0x50, 0xdf, 0xff, 0xff, 0xff, 0xff};
	save_bytes("bad-huge-map-unknown", huge_map, sizeof(huge_map));
	static const uint8_t long_str[] = {0xce, 0, 0, 0, 6, 0x93, 2, 1, 0xdb, 0x7f, 0xff};
	save_bytes("bad-long-string", long_str, sizeof(long_str));
	static const uint8_t unknown[] = {0xce, 0, 0,    0,    8,    0x93, 0x60, 0xc7,
	                                  1,    5, 0xaa, 0xc3, 0xc0, 0xce, 0,    0,
	                                  0,    4, 0x92, 0x42, 0xcd, 0x03, 0xe8};
	save_bytes("seed-unknown-then-set-rate", unknown, sizeof(unknown));
	static const uint8_t named_zero[] = {0xce, 0,    0,    0, 10,   0x94, 4, 1,
	                                     0,    0x91, 0x92, 0, 0x91, 0x91, 0};
	save_bytes("bad-name-zero", named_zero, sizeof(named_zero));
	static const uint8_t trailing[] = {0xce, 0, 0, 0, 4, 0x92, 0x42, 7, 0xc0};
	save_bytes("bad-trailing", trailing, sizeof(trailing));
	static const uint8_t invalid[] = {0xce, 0, 0, 0, 3, 0x92, 0x50, 0xc1};
	save_bytes("bad-c1", invalid, sizeof(invalid));
	return 0;
}
