/* Measures the perf map reader (src/symbols/perfmap.c) on a file like the
 * one `node --perf-basic-prof` writes for a large program: NLINES lines of
 * "START SIZE JS:*name file:line:col", addresses in the order code is
 * allocated, a few re-JITted over older ones. Times, median of RUNS: the
 * first read of the whole file; a re-read after APPEND more lines (the
 * entries are swept again into segments); a check that finds nothing new;
 * one lookup (a hit, random pcs). Prints one line of figures.
 * Usage: perfmap DIR   (the file is written there and removed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "symbols/perfmap.h"

enum { NLINES = 200000, APPEND = 1000, RUNS = 5, LOOKUPS = 1000000 };

static uint64_t next_addr = 0x7f0000000000ULL;

static void write_lines(const char *path, const char *mode, int n, int first)
{
	FILE *f = fopen(path, mode);

	if (!f) {
		perror(path);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		uint64_t size = 0x40 + bench_rand() % 0x800;
		uint64_t at = next_addr;

		if (bench_rand() % 50 == 0 && next_addr > 0x7f0000100000ULL)
			at =
			    next_addr - 0x100000 + (bench_rand() % 0x80000); /* re-JITted over older code */
		else
			next_addr += (size + 0x3f) & ~0x3fULL;
		fprintf(f, "%llx %llx JS:*function_%d /srv/app/src/module_%d.js:%d:%d\n",
		        (unsigned long long)at, (unsigned long long)size, first + i,
		        (first + i) % 997, (int)(bench_rand() % 5000), (int)(bench_rand() % 80));
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	double first[RUNS], reread[RUNS], nothing[RUNS], lookup[RUNS], t;
	char path[4096];
	long bytes = 0;
	volatile size_t sink = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: perfmap DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/perf-bench.map", argv[1]);
	for (int r = 0; r < RUNS; r++) {
		struct perfmap *pm = perfmap_new(getpid(), getuid());
		uint64_t lo = 0x7f0000000000ULL, span;

		next_addr = lo;
		write_lines(path, "w", NLINES, 0);
		perfmap_set_path(pm, path);
		t = bench_now_s();
		if (perfmap_refresh(pm, true) != NLINES) {
			fprintf(stderr, "perfmap: the first read did not add %d entries\n", NLINES);
			return 1;
		}
		first[r] = bench_now_s() - t;
		t = bench_now_s();
		perfmap_refresh(pm, true);
		nothing[r] = bench_now_s() - t;
		write_lines(path, "a", APPEND, NLINES);
		t = bench_now_s();
		if (perfmap_refresh(pm, true) != APPEND) {
			fprintf(stderr, "perfmap: the re-read did not add %d entries\n", APPEND);
			return 1;
		}
		reread[r] = bench_now_s() - t;
		span = next_addr - lo;
		t = bench_now_s();
		for (int i = 0; i < LOOKUPS; i++)
			sink += perfmap_lookup(pm, lo + bench_rand() % span, NULL) != NULL;
		lookup[r] = (bench_now_s() - t) / LOOKUPS;
		{
			struct perfmap_stats st;

			perfmap_get_stats(pm, &st);
			bytes = (long)st.bytes;
		}
		perfmap_free(pm);
	}
	unlink(path);
	printf("lines %d bytes %ld append %d first %.4f s reread %.4f s nothing %.1f us "
	       "lookup %.0f ns hits %zu\n",
	       NLINES, bytes, APPEND, bench_median(first, RUNS), bench_median(reread, RUNS), bench_median(nothing, RUNS) * 1e6,
	       bench_median(lookup, RUNS) * 1e9, (size_t)sink);
	return 0;
}
