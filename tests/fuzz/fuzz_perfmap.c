/*
 * fuzz_perfmap — libFuzzer entry point for the perf map parser
 * (src/symbols/perfmap.c: /tmp/perf-PID.map, JIT names).
 *
 * Each input is parsed twice: in one piece, and in chunks split where its
 * first bytes say (bytes a call leaves unconsumed are handed back with the
 * next chunk, as the reader does with a line still being written). Both
 * must consume everything, count the same entries and malformed lines, and
 * answer the same for every probe pc: each number at the start of a line,
 * one below and one past it. A name found must be non-empty, without
 * control characters and without blanks at either end, and the entry's
 * first byte must not lie above the pc. Any disagreement aborts. Built with
 * clang -fsanitize=fuzzer by `make fuzz`; tests/fuzz/replay.c runs it over
 * tests/fuzz/corpus/perfmap/ in `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/perfmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_PROBES = 4096, MAX_CHUNKS = 8 };

static void check_name(const char *name, uint64_t start, uint64_t pc)
{
	size_t n;

	if (!name)
		return;
	n = strlen(name);
	if (!n || name[0] == ' ' || name[0] == '\t' || name[n - 1] == ' ' || name[n - 1] == '\t')
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			abort();
	if (start > pc)
		abort();
}

/* The hex numbers at the start of lines (optional blanks and 0x). */
static size_t probes_of(const char *s, size_t len, uint64_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 3 <= MAX_PROBES;) {
		uint64_t v = 0;
		int digits = 0;

		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
			i += 2;
		for (; i < len && digits < 16; i++, digits++) {
			char c = s[i];
			int d = c >= '0' && c <= '9'   ? c - '0'
			        : c >= 'a' && c <= 'f' ? c - 'a' + 10
			        : c >= 'A' && c <= 'F' ? c - 'A' + 10
			                               : -1;

			if (d < 0)
				break;
			v = v << 4 | (uint64_t)d;
		}
		if (digits) {
			out[n++] = v;
			out[n++] = v - 1;
			out[n++] = v + 1;
		}
		while (i < len && s[i] != '\n')
			i++;
		i++;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t probes[MAX_PROBES];
	struct perfmap *one = perfmap_new(1, 0), *parts = perfmap_new(1, 0);
	const char *text = (const char *)data;
	size_t cuts[MAX_CHUNKS + 1], ncuts = 0, done = 0, nprobes;
	struct perfmap_stats a, b;

	/* The first bytes choose the chunk boundaries (ascending). */
	for (size_t i = 0; i < MAX_CHUNKS && i < size; i++) {
		size_t at = size ? (size_t)data[i] * size / 256 : 0;

		if (!ncuts || at > cuts[ncuts - 1])
			cuts[ncuts++] = at;
	}
	cuts[ncuts++] = size;

	if (perfmap_parse(one, text, size, true) != size)
		abort();
	for (size_t c = 0; c < ncuts; c++) {
		bool final = c + 1 == ncuts;
		size_t end = cuts[c];

		if (end < done)
			continue;
		done += perfmap_parse(parts, text + done, end - done, final);
		if (final && done != size)
			abort();
	}

	perfmap_get_stats(one, &a);
	perfmap_get_stats(parts, &b);
	if (a.entries != b.entries || a.malformed != b.malformed || a.dropped != b.dropped)
		abort();

	nprobes = probes_of(text, size, probes);
	for (size_t i = 0; i < nprobes; i++) {
		uint64_t s1 = 0, s2 = 0;
		const char *n1 = perfmap_lookup(one, probes[i], &s1);
		const char *n2 = perfmap_lookup(parts, probes[i], &s2);

		if (!n1 != !n2 || (n1 && (strcmp(n1, n2) || s1 != s2)))
			abort();
		check_name(n1, s1, probes[i]);
	}
	perfmap_free(one);
	perfmap_free(parts);
	return 0;
}
