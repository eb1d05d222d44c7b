/*
 * pyrt — CPython's layouts by version, line tables and strings (pyrt.h).
 *
 * The offsets below were measured with offsetof() against the headers each
 * version installs (Include/cpython/pystate.h, Include/internal/
 * pycore_frame.h, Include/cpython/code.h, Include/cpython/unicodeobject.h),
 * for LP64 builds without Py_DEBUG; tests/unit/test_pyrt.c checks the line
 * table decoder against tables CPython itself wrote, and tests/python/
 * frames.test.sh checks the walk on every version the machine has.
 */
#include "pyrt/pyrt.h"

#include <stdio.h>
#include <string.h>

/* The fields every version 3.11..3.13 shares. */
#define PYRT_COMMON                                                                                \
	.major = 3, .ts_next = 8, .ts_interp = 16, .co_units = 16, .fr_size = 72, .co_filename = 112,        \
	.co_name = 120, .co_qualname = 128, .co_linetable = 136, .str_length = 16,                 \
	.str_state = 32, .bytes_size = 16, .bytes_data = 32

static const struct pyrt_layout layouts[] = {
	{
		/* 3.11: tstate->cframe->current_frame; an eval loop's first
		 * frame says so in is_entry. */
		PYRT_COMMON,
		.minor = 11,
		.rt_interp_head = 40,
		.in_next = 0,
		.in_threads_head = 16,
		.ts_cframe = 56,
		.cframe_current = 8,
		.ts_native_tid = 160,
		.fr_code = 32,
		.fr_previous = 48,
		.fr_instr = 56,
		.fr_is_entry = 68,
		.fr_owner = 69,
		.instr_is_prev = 1,
		.co_firstlineno = 72,
		.co_code_adaptive = 184,
		.co_size = 184,
		.str_ascii_size = 48,
		.str_compact_size = 72,
	},
	{
		/* 3.12: each eval loop pushes an entry frame of its own on
		 * the C stack (owner 3). */
		PYRT_COMMON,
		.minor = 12,
		.rt_interp_head = 40,
		.in_next = 0,
		.in_threads_head = 72,
		.ts_cframe = 56,
		.cframe_current = 0,
		.ts_native_tid = 144,
		.fr_code = 0,
		.fr_previous = 8,
		.fr_instr = 56,
		.fr_owner = 70,
		.instr_is_prev = 1,
		.owner_cstack = 3,
		.co_firstlineno = 68,
		.co_code_adaptive = 192,
		.co_size = 192,
		.str_ascii_size = 40,
		.str_compact_size = 56,
	},
	{
		/* 3.13: the current frame in the tstate; f_executable may
		 * be None in an entry frame; instr_ptr is the current
		 * instruction. */
		PYRT_COMMON,
		.minor = 13,
		.rt_interp_head = 632,
		.in_next = 7264,
		.in_threads_head = 7344,
		.ts_current_frame = 72,
		.ts_native_tid = 160,
		.fr_code = 0,
		.fr_previous = 8,
		.fr_instr = 56,
		.fr_owner = 70,
		.owner_cstack = 3,
		.co_firstlineno = 68,
		.co_code_adaptive = 200,
		.co_size = 200,
		.str_ascii_size = 40,
		.str_compact_size = 56,
	},
};

const struct pyrt_layout *pyrt_layout(unsigned long version_hex)
{
	unsigned major = (unsigned)(version_hex >> 24) & 0xffu;
	unsigned minor = (unsigned)(version_hex >> 16) & 0xffu;

	if (sizeof(void *) != 8)
		return NULL;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].major == major && layouts[i].minor == minor)
			return &layouts[i];
	return NULL;
}

void pyrt_version_text(unsigned long version_hex, char *out, size_t len)
{
	static const char *const levels[] = {"a", "b", "rc"};
	unsigned level = (unsigned)(version_hex >> 4) & 0xfu;
	unsigned serial = (unsigned)version_hex & 0xfu;

	if (level >= 0xa && level <= 0xc)
		snprintf(out, len, "%lu.%lu.%lu%s%u", (version_hex >> 24) & 0xff,
		         (version_hex >> 16) & 0xff, (version_hex >> 8) & 0xff, levels[level - 0xa],
		         serial);
	else
		snprintf(out, len, "%lu.%lu.%lu", (version_hex >> 24) & 0xff,
		         (version_hex >> 16) & 0xff, (version_hex >> 8) & 0xff);
}

/* Where 3.13's _Py_DebugOffsets keeps each figure (uint64_t fields in the
 * order of Include/internal/pycore_runtime.h). */
enum {
	DO_VERSION = 8,
	DO_FREE_THREADED = 16,
	DO_RT_INTERP_HEAD = 40,
	DO_IN_NEXT = 64,
	DO_IN_THREADS_HEAD = 72,
	DO_TS_NEXT = 168,
	DO_TS_INTERP = 176,
	DO_TS_CURRENT_FRAME = 184,
	DO_TS_NATIVE_TID = 200,
	DO_FR_PREVIOUS = 232,
	DO_FR_EXECUTABLE = 240,
	DO_FR_INSTR_PTR = 248,
	DO_FR_OWNER = 264,
	DO_CO_FILENAME = 280,
	DO_CO_NAME = 288,
	DO_CO_QUALNAME = 296,
	DO_CO_LINETABLE = 304,
	DO_CO_FIRSTLINENO = 312,
	DO_CO_CODE_ADAPTIVE = 344,
};

static uint64_t word_at(const uint8_t *buf, size_t off)
{
	uint64_t v;

	memcpy(&v, buf + off, sizeof(v));
	return v;
}

int pyrt_check_debug_offsets(const struct pyrt_layout *L, unsigned long version_hex,
                             const uint8_t *buf, size_t len, const char **why)
{
	static const struct {
		size_t at;
		size_t field;
		const char *name;
	} fields[] = {
	    {DO_RT_INTERP_HEAD, offsetof(struct pyrt_layout, rt_interp_head),
	     "runtime_state.interpreters_head"},
	    {DO_IN_NEXT, offsetof(struct pyrt_layout, in_next), "interpreter_state.next"},
	    {DO_IN_THREADS_HEAD, offsetof(struct pyrt_layout, in_threads_head),
	     "interpreter_state.threads_head"},
	    {DO_TS_NEXT, offsetof(struct pyrt_layout, ts_next), "thread_state.next"},
	    {DO_TS_INTERP, offsetof(struct pyrt_layout, ts_interp), "thread_state.interp"},
	    {DO_TS_CURRENT_FRAME, offsetof(struct pyrt_layout, ts_current_frame),
	     "thread_state.current_frame"},
	    {DO_TS_NATIVE_TID, offsetof(struct pyrt_layout, ts_native_tid),
	     "thread_state.native_thread_id"},
	    {DO_FR_PREVIOUS, offsetof(struct pyrt_layout, fr_previous), "interpreter_frame.previous"},
	    {DO_FR_EXECUTABLE, offsetof(struct pyrt_layout, fr_code), "interpreter_frame.executable"},
	    {DO_FR_INSTR_PTR, offsetof(struct pyrt_layout, fr_instr), "interpreter_frame.instr_ptr"},
	    {DO_FR_OWNER, offsetof(struct pyrt_layout, fr_owner), "interpreter_frame.owner"},
	    {DO_CO_FILENAME, offsetof(struct pyrt_layout, co_filename), "code_object.filename"},
	    {DO_CO_NAME, offsetof(struct pyrt_layout, co_name), "code_object.name"},
	    {DO_CO_QUALNAME, offsetof(struct pyrt_layout, co_qualname), "code_object.qualname"},
	    {DO_CO_LINETABLE, offsetof(struct pyrt_layout, co_linetable), "code_object.linetable"},
	    {DO_CO_FIRSTLINENO, offsetof(struct pyrt_layout, co_firstlineno),
	     "code_object.firstlineno"},
	    {DO_CO_CODE_ADAPTIVE, offsetof(struct pyrt_layout, co_code_adaptive),
	     "code_object.co_code_adaptive"},
	};

	*why = NULL;
	if (L->minor != 13)
		return 1;
	if (len < PYRT_DEBUG_OFFSETS_BYTES || memcmp(buf, "xdebugpy", 8) != 0) {
		*why = "no debug offsets at the start of _PyRuntime";
		return -1;
	}
	if ((word_at(buf, DO_VERSION) >> 16) != (version_hex >> 16)) {
		*why = "the debug offsets are of another version";
		return -1;
	}
	if (word_at(buf, DO_FREE_THREADED)) {
		*why = "a free-threaded build";
		return -1;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint16_t mine;

		memcpy(&mine, (const uint8_t *)L + fields[i].field, sizeof(mine));
		if (word_at(buf, fields[i].at) != mine) {
			*why = fields[i].name;
			return -1;
		}
	}
	return 0;
}

int pyrt_lasti(const struct pyrt_layout *L, uintptr_t code, uintptr_t instr)
{
	uintptr_t start = code + L->co_code_adaptive;
	intptr_t units;

	if (instr < start)
		return 0;
	units = (intptr_t)((instr - start) / 2);
	if (units > (1 << 24))
		return 0;
	return (int)units;
}

/* ---- line tables (Objects/locations.md) ------------------------------ */

/* An unsigned varint: 6 bits a byte, bit 6 set when another follows. */
static unsigned read_varint(const uint8_t *t, size_t n, size_t *i)
{
	unsigned v = 0, shift = 0;
	uint8_t b;

	do {
		if (*i >= n || shift > 30)
			return v;
		b = t[(*i)++];
		v |= (unsigned)(b & 63u) << shift;
		shift += 6;
	} while (b & 64u);
	return v;
}

static int read_svarint(const uint8_t *t, size_t n, size_t *i)
{
	unsigned u = read_varint(t, n, i);

	return (u & 1u) ? -(int)(u >> 1) : (int)(u >> 1);
}

int pyrt_line(const uint8_t *table, size_t n, int firstlineno, int lasti)
{
	long line = firstlineno;
	long addr = 0; /* code units */
	size_t i = 0;

	if (lasti < 0)
		lasti = 0;
	while (i < n) {
		uint8_t first = table[i];
		unsigned code = (first >> 3) & 15u;
		long units = (first & 7u) + 1;
		int has_line = code != 15;
		size_t next;

		if (!(first & 128u))
			return firstlineno; /* not an entry's first byte: a bad table */
		i++;
		next = i;
		switch (code) {
		case 15: /* no location */
			break;
		case 14: /* long form */
		case 13: /* no column */
			line += read_svarint(table, n, &next);
			break;
		case 12:
		case 11:
		case 10: /* one line form: the line moves by code - 10 */
			line += code - 10;
			break;
		default: /* short form: same line */
			break;
		}
		if (lasti >= addr && lasti < addr + units)
			return has_line && line > 0 && line < (1L << 30) ? (int)line : firstlineno;
		addr += units;
		/* The next entry starts at the next byte with bit 7 set. */
		while (i < n && !(table[i] & 128u))
			i++;
	}
	return firstlineno;
}

/* ---- strings -------------------------------------------------------------- */

int pyrt_str_shape(const struct pyrt_layout *L, const uint8_t *hdr, size_t *data_off,
                   size_t *length, unsigned *width)
{
	uint32_t state;
	int64_t len;
	unsigned kind;

	memcpy(&len, hdr + L->str_length, sizeof(len));
	memcpy(&state, hdr + L->str_state, sizeof(state));
	kind = (state >> 2) & 7u;
	if (!(state & (1u << 5)) || len < 0 || (kind != 1 && kind != 2 && kind != 4))
		return -1;
	*length = (size_t)len;
	*width = kind;
	*data_off = (state & (1u << 6)) ? L->str_ascii_size : L->str_compact_size;
	return 0;
}

size_t pyrt_str_utf8(const uint8_t *data, size_t length, unsigned width, char *out, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return 0;
	for (size_t i = 0; i < length; i++) {
		uint32_t c;
		uint8_t buf[4];
		size_t k;

		if (width == 1) {
			c = data[i];
		} else if (width == 2) {
			uint16_t v;

			memcpy(&v, data + 2 * i, 2);
			c = v;
		} else {
			memcpy(&c, data + 4 * i, 4);
		}
		if (c < 0x80) {
			buf[0] = (uint8_t)c;
			k = 1;
		} else if (c < 0x800) {
			buf[0] = (uint8_t)(0xc0 | (c >> 6));
			buf[1] = (uint8_t)(0x80 | (c & 0x3f));
			k = 2;
		} else if (c < 0x10000 && (c < 0xd800 || c > 0xdfff)) {
			buf[0] = (uint8_t)(0xe0 | (c >> 12));
			buf[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			buf[2] = (uint8_t)(0x80 | (c & 0x3f));
			k = 3;
		} else if (c >= 0x10000 && c <= 0x10ffff) {
			buf[0] = (uint8_t)(0xf0 | (c >> 18));
			buf[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
			buf[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			buf[3] = (uint8_t)(0x80 | (c & 0x3f));
			k = 4;
		} else {
			buf[0] = '?';
			k = 1;
		}
		if (o + k + 1 > len)
			break;
		memcpy(out + o, buf, k);
		o += k;
	}
	out[o] = '\0';
	return o;
}

/* ---- the splice ------------------------------------------------------------- */

void pyrt_splice_anchors(const uint16_t *evals, uint32_t ne, uint32_t ns, uint32_t n,
                         int from_leaf, uint16_t *anchor)
{
	uint32_t pairs = ne < ns ? ne : ns, k;

	for (k = 0; k < ns; k++)
		anchor[k] = (uint16_t)n;
	if (ne == ns || from_leaf) {
		for (k = 0; k < pairs; k++)
			anchor[k] = evals[k];
	} else {
		for (k = 0; k < pairs; k++)
			anchor[ns - 1 - k] = evals[ne - 1 - k];
		/* leaf-side segments with no eval frame join the first paired one */
		for (k = 0; k + pairs < ns; k++)
			anchor[k] = pairs ? anchor[ns - pairs] : (uint16_t)n;
	}
}
