/* Unit tests for symbols/ehframe: FDE ranges from hand-built .eh_frame
 * sections (64-bit little-endian pc-relative, 32-bit big-endian absolute),
 * the walk's stops and skips, lookups, and the .eh_frame_hdr pointer. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "symbols/ehframe.h"

/* A section being built, and the byte order of its numbers. */
struct sec {
	uint8_t b[512];
	size_t n;
	bool big;
};

static void put(struct sec *s, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		s->b[s->n + i] = (uint8_t)(v >> (8 * (s->big ? size - 1 - i : i)));
	s->n += size;
}

static void put_bytes(struct sec *s, const void *p, size_t n)
{
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

/* Fills in the length of the entry that starts at at (its 4-byte length
 * field), padded with DW_CFA_nop to a multiple of 4. */
static void close_entry(struct sec *s, size_t at)
{
	size_t n;

	while ((s->n - at) % 4)
		s->b[s->n++] = 0;
	n = s->n;
	s->n = at;
	put(s, n - at - 4, 4);
	s->n = n;
}

/* A CIE with augmentation "zR" and FDE pointer encoding enc (version 1). */
static size_t put_cie_zr(struct sec *s, uint8_t enc)
{
	size_t at = s->n;

	put(s, 0, 4); /* length, filled in below */
	put(s, 0, 4); /* CIE id */
	put(s, 1, 1); /* version */
	put_bytes(s, "zR", 3);
	put(s, 1, 1);    /* code alignment (uleb) */
	put(s, 0x78, 1); /* data alignment -8 (sleb) */
	put(s, 16, 1);   /* return address register */
	put(s, 1, 1);    /* augmentation data length */
	put(s, enc, 1);
	close_entry(s, at);
	return at;
}

/* An FDE for cie whose pc_begin is start, pc-relative sdata4 (enc 0x1b),
 * in a section loaded at vaddr. */
static void put_fde_pcrel(struct sec *s, size_t cie, uint64_t vaddr, uint64_t start, uint32_t range)
{
	size_t at = s->n;

	put(s, 0, 4);
	put(s, s->n - cie, 4); /* CIE pointer: back from this field to the CIE */
	put(s, (uint32_t)(start - (vaddr + s->n)), 4);
	put(s, range, 4);
	put(s, 0, 1); /* augmentation data length */
	close_entry(s, at);
}

static const struct ehframe_format LE64 = {.is64 = true, .big_endian = false};

Test(ehframe, pcrel_ranges_sorted_and_found)
{
	struct sec s = {0};
	struct ehframe_table t = {0};
	const uint64_t vaddr = 0x2000;
	size_t cie = put_cie_zr(&s, 0x1b);

	put_fde_pcrel(&s, cie, vaddr, 0x1400, 0x80); /* after the next one in address */
	put_fde_pcrel(&s, cie, vaddr, 0x1000, 0x100);
	put_fde_pcrel(&s, cie, vaddr, 0x1040, 0x10); /* nested in the one before */
	put(&s, 0, 4);                               /* terminator */

	ehframe_read(&t, s.b, s.n, vaddr, LE64);
	cr_assert_eq(t.n, 3);
	cr_expect_eq(t.v[0].start, 0x1000);
	cr_expect_eq(t.v[0].end, 0x1100);
	cr_expect_eq(t.v[1].start, 0x1040);
	cr_expect_eq(t.v[1].end, 0x1050);
	cr_expect_eq(t.v[2].start, 0x1400);
	cr_expect_eq(t.v[2].end, 0x1480);

	cr_expect_eq(ehframe_find(&t, 0x1000), &t.v[0]);
	cr_expect_eq(ehframe_find(&t, 0x1045), &t.v[1], "the innermost range wins");
	cr_expect_eq(ehframe_find(&t, 0x1050), &t.v[0], "past the nested one, the outer one");
	cr_expect_eq(ehframe_find(&t, 0x10ff), &t.v[0]);
	cr_expect_null(ehframe_find(&t, 0x1100));
	cr_expect_null(ehframe_find(&t, 0xfff));
	cr_expect_eq(ehframe_find(&t, 0x147f), &t.v[2]);
	cr_expect_null(ehframe_find(&t, 0x1480));

	ehframe_release(&t);
	cr_expect_null(t.v);
	cr_expect_eq(t.n, 0);
}

Test(ehframe, stops_at_terminator_and_overlong_length)
{
	struct sec s = {0};
	struct ehframe_table t = {0};
	size_t cie = put_cie_zr(&s, 0x1b), end;

	put_fde_pcrel(&s, cie, 0, 0x500, 0x20);
	end = s.n;
	put(&s, 0, 4); /* terminator: what follows is not read */
	put_fde_pcrel(&s, cie, 0, 0x900, 0x20);
	ehframe_read(&t, s.b, s.n, 0, LE64);
	cr_expect_eq(t.n, 1);
	ehframe_release(&t);

	/* An entry whose length runs past the end ends the walk. */
	s.n = end;
	put(&s, 0x1000, 4);
	put(&s, 0, 8);
	ehframe_read(&t, s.b, s.n, 0, LE64);
	cr_assert_eq(t.n, 1);
	cr_expect_eq(t.v[0].start, 0x500);
	ehframe_release(&t);

	/* Cut anywhere, the walk keeps what came whole before the cut. */
	for (size_t cut = 0; cut <= end; cut++) {
		ehframe_read(&t, s.b, cut, 0, LE64);
		cr_expect_eq(t.n, cut == end ? 1u : 0u, "cut at %zu", cut);
		ehframe_release(&t);
	}
}

Test(ehframe, skips_what_needs_the_process)
{
	struct sec s = {0};
	struct ehframe_table t = {0};
	size_t indirect = put_cie_zr(&s, 0x9b); /* indirect | pcrel | sdata4 */
	size_t textrel = put_cie_zr(&s, 0x2b);  /* textrel: not known from the file */
	size_t good = put_cie_zr(&s, 0x1b);

	put_fde_pcrel(&s, indirect, 0, 0x100, 0x10);
	put_fde_pcrel(&s, textrel, 0, 0x200, 0x10);
	put_fde_pcrel(&s, good, 0, 0x300, 0x10);
	put_fde_pcrel(&s, good, 0, 0x400, 0); /* empty: skipped */
	ehframe_read(&t, s.b, s.n, 0, LE64);
	cr_assert_eq(t.n, 1);
	cr_expect_eq(t.v[0].start, 0x300);
	ehframe_release(&t);
}

Test(ehframe, absolute_big_endian_32bit)
{
	struct sec s = {.big = true};
	struct ehframe_table t = {0};
	const struct ehframe_format fmt = {.is64 = false, .big_endian = true};
	size_t cie = s.n, fde;

	/* A CIE without augmentation: pointers are absolute, address-sized. */
	put(&s, 0, 4);
	put(&s, 0, 4);
	put(&s, 1, 1);
	put_bytes(&s, "", 1);
	put(&s, 4, 1);
	put(&s, 0x7c, 1);
	put(&s, 65, 1);
	close_entry(&s, cie);
	fde = s.n;
	put(&s, 0, 4);
	put(&s, s.n - cie, 4);
	put(&s, 0x10000100, 4);
	put(&s, 0x40, 4);
	close_entry(&s, fde);

	ehframe_read(&t, s.b, s.n, 0x20000, fmt);
	cr_assert_eq(t.n, 1);
	cr_expect_eq(t.v[0].start, 0x10000100);
	cr_expect_eq(t.v[0].end, 0x10000140);
	ehframe_release(&t);
}

Test(ehframe, hdr_points_at_eh_frame)
{
	struct sec s = {0};
	uint64_t eh = 0;

	put(&s, 1, 1);    /* version */
	put(&s, 0x1b, 1); /* eh_frame_ptr: pcrel sdata4 */
	put(&s, 0x03, 1); /* fde_count: udata4 */
	put(&s, 0x3b, 1); /* table: datarel sdata4 */
	put(&s, (uint32_t)-0x40, 4);
	cr_assert_eq(ehframe_hdr_target(s.b, s.n, 0x5000, LE64, &eh), 0);
	cr_expect_eq(eh, 0x5000 + 4 - 0x40);

	s.b[0] = 2;
	cr_expect_eq(ehframe_hdr_target(s.b, s.n, 0x5000, LE64, &eh), -1, "another version");
	s.b[0] = 1;
	cr_expect_eq(ehframe_hdr_target(s.b, 6, 0x5000, LE64, &eh), -1, "pointer cut");
	cr_expect_eq(ehframe_hdr_target(s.b, 3, 0x5000, LE64, &eh), -1, "header cut");
	s.b[1] = 0xff;
	cr_expect_eq(ehframe_hdr_target(s.b, s.n, 0x5000, LE64, &eh), -1, "omitted");
}
