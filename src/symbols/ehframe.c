/*
 * ehframe — function bounds from .eh_frame; see ehframe.h.
 *
 * The walk is our own rather than libdw's dwarf_cfi_addrframe(): that call
 * answers with the bounds of one row of the unwind table (a part of the
 * function between two CFA changes), while naming an unnamed function needs
 * the whole FDE, whose pc_begin is the function's first byte. Only what an
 * FDE's range needs is read: each CIE's augmentation, for the FDE pointer
 * encoding ('R'), and the FDE's pc_begin and pc_range. CIEs are looked up by
 * offset in a small round-robin cache during one walk.
 */
#include "symbols/ehframe.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct cursor {
	const uint8_t *buf;
	size_t pos, end;
	bool big_endian;
	bool bad;
};

static uint64_t rd_fixed(struct cursor *c, unsigned n)
{
	uint64_t v = 0;

	if (c->bad || c->pos > c->end || c->end - c->pos < n) {
		c->bad = true;
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned shift = c->big_endian ? (n - 1 - i) * 8 : i * 8;

		v |= (uint64_t)c->buf[c->pos + i] << shift;
	}
	c->pos += n;
	return v;
}

static uint64_t rd_leb(struct cursor *c, bool sign)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;

	do {
		if (c->bad || c->pos >= c->end || shift >= 64) {
			c->bad = true;
			return 0;
		}
		b = c->buf[c->pos++];
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (sign && shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return v;
}

/* Reads a DW_EH_PE-encoded pointer. vaddr is the address of buf[0], for
 * pc-relative values; datarel the base of data-relative ones (0 = none).
 * Returns -1 for encodings that need the running process. */
static int rd_encoded(struct cursor *c, uint8_t enc, unsigned addr_size, uint64_t vaddr,
                      uint64_t datarel, uint64_t *out)
{
	uint64_t field = vaddr + c->pos, v;

	/* 0xff: omitted; 0x80: indirect, a pointer to read in the process. */
	if (enc == 0xff || (enc & 0x80))
		return -1;
	switch (enc &
	        0x0f) { /* the value's format: absptr, uleb128, udata2..8, sleb128, sdata2..8 */
	case 0x00:
		v = rd_fixed(c, addr_size);
		break;
	case 0x01:
		v = rd_leb(c, false);
		break;
	case 0x02:
		v = rd_fixed(c, 2);
		break;
	case 0x03:
		v = rd_fixed(c, 4);
		break;
	case 0x04:
		v = rd_fixed(c, 8);
		break;
	case 0x09:
		v = rd_leb(c, true);
		break;
	case 0x0a:
		v = (uint64_t)(int64_t)(int16_t)rd_fixed(c, 2);
		break;
	case 0x0b:
		v = (uint64_t)(int64_t)(int32_t)rd_fixed(c, 4);
		break;
	case 0x0c:
		v = rd_fixed(c, 8);
		break;
	default:
		return -1;
	}
	switch (enc & 0x70) { /* what it is relative to: nothing, pc, datarel */
	case 0x00:
		break;
	case 0x10:
		v += field;
		break;
	case 0x30:
		if (!datarel)
			return -1;
		v += datarel;
		break;
	default:
		return -1;
	}
	if (addr_size == 4)
		v &= 0xffffffffu;
	*out = v;
	return c->bad ? -1 : 0;
}

/* The FDE pointer encoding a CIE declares (augmentation 'R'), or -1. */
static int cie_fde_encoding(const uint8_t *buf, size_t size, size_t off, struct ehframe_format fmt)
{
	struct cursor c = {.buf = buf, .pos = off, .end = size, .big_endian = fmt.big_endian};
	unsigned addr_size = fmt.is64 ? 8 : 4, idsize = 4;
	uint64_t len, id, version, ignored;
	const char *aug;
	const uint8_t *nul;

	len = rd_fixed(&c, 4);
	if (len == 0xffffffffu) {
		len = rd_fixed(&c, 8);
		idsize = 8;
	}
	if (c.bad || len == 0 || len > size - c.pos)
		return -1;
	c.end = c.pos + len;
	id = rd_fixed(&c, idsize);
	version = rd_fixed(&c, 1);
	if (c.bad || id != 0 || (version != 1 && version != 3 && version != 4))
		return -1;
	aug = (const char *)buf + c.pos;
	nul = memchr(buf + c.pos, 0, c.end - c.pos);
	if (!nul)
		return -1;
	c.pos = (size_t)(nul - buf) + 1;
	if (strstr(aug, "eh"))
		rd_fixed(&c, addr_size);
	if (version == 4)
		rd_fixed(&c, 2); /* address size, segment selector size */
	rd_leb(&c, false);       /* code alignment */
	rd_leb(&c, true);        /* data alignment */
	if (version == 1)
		rd_fixed(&c, 1);
	else
		rd_leb(&c, false); /* return address register */
	if (aug[0] != 'z')
		return c.bad ? -1 : 0x00; /* absolute pointers */
	rd_leb(&c, false);                /* augmentation data length */
	for (const char *a = aug + 1; *a && !c.bad; a++) {
		switch (*a) {
		case 'R': {
			uint64_t enc = rd_fixed(&c, 1);

			return c.bad ? -1 : (int)enc;
		}
		case 'L':
			rd_fixed(&c, 1);
			break;
		case 'P': {
			uint8_t penc = (uint8_t)rd_fixed(&c, 1);

			if (rd_encoded(&c, penc & 0x0f, addr_size, 0, 0, &ignored) < 0)
				return -1;
			break;
		}
		case 'S':
		case 'B':
		case 'G':
			break;
		default:
			return -1;
		}
	}
	return c.bad ? -1 : 0x00;
}

static int range_cmp(const void *pa, const void *pb)
{
	const struct ehframe_range *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (a->end > b->end) - (a->end < b->end);
}

void ehframe_read(struct ehframe_table *t, const uint8_t *buf, size_t size, uint64_t vaddr,
                  struct ehframe_format fmt)
{
	struct {
		size_t off;
		int enc;
	} cies[EHFRAME_CIE_CACHE];
	size_t ncies = 0, next_cie = 0, off = 0;
	unsigned addr_size = fmt.is64 ? 8 : 4;

	while (size - off >= 4) {
		struct cursor c = {
		    .buf = buf, .pos = off, .end = size, .big_endian = fmt.big_endian};
		uint64_t len, id, start, range;
		unsigned idsize = 4;
		size_t body, cie_off;
		int enc = -1;

		len = rd_fixed(&c, 4);
		if (len == 0)
			break; /* terminator */
		if (len == 0xffffffffu) {
			len = rd_fixed(&c, 8);
			idsize = 8;
		}
		body = c.pos;
		if (c.bad || len > size - body)
			break;
		off = body + len;
		c.end = off;
		id = rd_fixed(&c, idsize);
		if (c.bad || id == 0 || id > body)
			continue; /* a CIE, or a broken FDE */
		cie_off = body - id;
		for (size_t i = 0; i < ncies; i++)
			if (cies[i].off == cie_off)
				enc = cies[i].enc;
		if (enc < 0) {
			enc = cie_fde_encoding(buf, size, cie_off, fmt);
			cies[next_cie].off = cie_off;
			cies[next_cie].enc = enc;
			next_cie = (next_cie + 1) % EHFRAME_CIE_CACHE;
			if (ncies < EHFRAME_CIE_CACHE)
				ncies++;
		}
		if (enc < 0 || rd_encoded(&c, (uint8_t)enc, addr_size, vaddr, 0, &start) < 0 ||
		    rd_encoded(&c, (uint8_t)enc & 0x0f, addr_size, 0, 0, &range) < 0)
			continue;
		if (!start || !range || start + range < start)
			continue;
		XGROW(t->v, t->alloc, t->n + 1, 256);
		t->v[t->n++] = (struct ehframe_range){start, start + range};
	}
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), range_cmp);
}

int ehframe_hdr_target(const uint8_t *buf, size_t size, uint64_t vaddr, struct ehframe_format fmt,
                       uint64_t *eh_vaddr)
{
	struct cursor c = {.buf = buf, .end = size, .big_endian = fmt.big_endian};
	uint8_t enc;

	if (size < 4 || rd_fixed(&c, 1) != 1) /* version */
		return -1;
	enc = (uint8_t)rd_fixed(&c, 1); /* eh_frame_ptr's encoding */
	c.pos = 4;
	return rd_encoded(&c, enc, fmt.is64 ? 8 : 4, vaddr, vaddr, eh_vaddr);
}

const struct ehframe_range *ehframe_find(const struct ehframe_table *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i > 0 && lo - i < EHFRAME_WALKBACK; i--)
		if (addr < t->v[i - 1].end)
			return &t->v[i - 1];
	return NULL;
}

void ehframe_release(struct ehframe_table *t)
{
	free(t->v);
	*t = (struct ehframe_table){0};
}
