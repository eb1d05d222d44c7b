/*
 * fuzz_ehframe — libFuzzer entry point for the .eh_frame decoder
 * (src/symbols/ehframe.c: function bounds of stripped modules).
 *
 * An input is one header byte (bit 0: ELFCLASS64, bit 1: big-endian), the
 * section's load address (8 bytes, little-endian), then the section's
 * contents. They are read as .eh_frame twice, into two tables that must
 * come out the same, and as .eh_frame_hdr once. Every range must be
 * non-empty, start above 0 and come sorted by start, then end. Looking up a
 * range's first byte must find a range starting there; any range found for
 * a probe (each range's first and last byte, one below and one past it)
 * must cover the probe. Any failure aborts. Built with clang
 * -fsanitize=fuzzer by `make fuzz`; tests/fuzz/replay.c runs it over
 * tests/fuzz/corpus/ehframe/ in `make test`. tests/fuzz/seed_ehframe.sh
 * made the seeds from real binaries' sections.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/ehframe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { HEAD = 9 };

static void check_probe(const struct ehframe_table *t, uint64_t addr)
{
	const struct ehframe_range *r = ehframe_find(t, addr);

	if (r && (r < t->v || r >= t->v + t->n || addr < r->start || addr >= r->end))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ehframe_table a = {0}, b = {0};
	struct ehframe_format fmt;
	uint64_t vaddr = 0, eh;
	const uint8_t *buf;
	size_t n;

	if (size < HEAD)
		return 0;
	fmt.is64 = data[0] & 1;
	fmt.big_endian = (data[0] & 2) != 0;
	for (int i = 0; i < 8; i++)
		vaddr |= (uint64_t)data[1 + i] << (8 * i);
	/* A copy of exactly the section's size, so ASan sees any read past it. */
	n = size - HEAD;
	buf = n ? malloc(n) : NULL;
	if (n && !buf)
		return 0;
	if (n)
		memcpy((void *)buf, data + HEAD, n);

	ehframe_read(&a, buf, n, vaddr, fmt);
	ehframe_read(&b, buf, n, vaddr, fmt);
	if (a.n != b.n || (a.n && memcmp(a.v, b.v, a.n * sizeof(*a.v))))
		abort();
	for (size_t i = 0; i < a.n; i++) {
		const struct ehframe_range *r = &a.v[i], *f;

		if (!r->start || r->end <= r->start)
			abort();
		if (i && (r->start < r[-1].start || (r->start == r[-1].start && r->end < r[-1].end)))
			abort();
		f = ehframe_find(&a, r->start);
		if (!f || f->start != r->start)
			abort();
		check_probe(&a, r->start - 1);
		check_probe(&a, r->end - 1);
		check_probe(&a, r->end);
	}
	check_probe(&a, 0);
	check_probe(&a, UINT64_MAX);

	if (ehframe_hdr_target(buf, n, vaddr, fmt, &eh) == 0 && !fmt.is64 && eh > UINT32_MAX)
		abort();

	ehframe_release(&a);
	ehframe_release(&b);
	if (a.v || a.n || a.alloc)
		abort();
	free((void *)buf);
	return 0;
}
