/*
 * test_pyrt — CPython knowledge (src/pyrt): line tables decoded as CPython
 * itself maps instructions to lines (the fixtures are co_linetable bytes and
 * co_lines() of one function, written by CPython 3.11, 3.12 and 3.13),
 * strings, instruction indexes and which versions have a layout.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "pyrt/pyrt.h"

struct table_case {
	int first;
	size_t len;
	const uint8_t *table;
	int expect[128][2]; /* {instruction, line} (-1: no line) */
	size_t nexpect;
};

/* def f(a, b): a loop with a branch, a comprehension over two lines, a
 * try/except and a return over two lines (see the generator in the commit
 * that added this file: compile(), co_linetable, co_lines()). */
static const struct table_case cases[] = {
	/* CPython 3.11 */
	{2, 173, (const uint8_t[]){128,0,216,8,9,128,65,221,13,18,144,49,137,88,140,88,240,0,4,5,19,240,0,4,5,19,136,1,216,11,12,136,113,137,53,144,65,138,58,136,58,216,12,13,144,17,144,81,145,21,137,74,136,65,136,65,224,12,13,144,17,137,70,136,65,136,65,240,4,1,9,28,240,0,1,9,28,221,18,23,152,1,145,40,148,40,240,3,1,9,28,241,0,1,9,28,244,0,1,9,28,128,65,240,4,3,5,17,216,12,13,144,1,137,69,136,1,136,1,248,221,11,28,240,0,1,5,17,240,0,1,5,17,240,0,1,5,17,216,12,16,136,1,136,1,136,1,240,3,1,5,17,248,248,248,224,12,13,216,12,13,136,113,240,3,1,12,18,240,0,1,5,18},
	 {
	  {0, 2}, {1, 3}, {2, 3}, {3, 4}, {4, 4}, {5, 4}, {6, 4}, {7, 4}, {8, 4}, {9, 4}, {10, 4}, {11, 4}, {12, 4}, {13, 4}, {14, 4}, {15, 4}, {16, 4}, {17, 4}, {18, 4}, {19, 4}, {20, 5}, {21, 5}, {22, 5}, {23, 5}, {24, 5}, {25, 5}, {26, 5}, {27, 5}, {28, 5}, {29, 6}, {30, 6}, {31, 6}, {32, 6}, {33, 6}, {34, 6}, {35, 6}, {36, 6}, {37, 6}, {38, 8}, {39, 8}, {40, 8}, {41, 8}, {42, 8}, {43, 8}, {44, 10}, {45, 10}, {46, 11}, {47, 11}, {48, 11}, {49, 11}, {50, 11}, {51, 11}, {52, 11}, {53, 11}, {54, 11}, {55, 11}, {56, 11}, {57, 11}, {58, 11}, {59, 11}, {60, 10}, {61, 10}, {62, 10}, {63, 10}, {64, 10}, {65, 10}, {66, 10}, {67, 10}, {68, 10}, {69, 12}, {70, 13}, {71, 13}, {72, 13}, {73, 13}, {74, 13}, {75, 13}, {76, -1}, {77, 14}, {78, 14}, {79, 14}, {80, 14}, {81, 14}, {82, 14}, {83, 14}, {84, 14}, {85, 14}, {86, 15}, {87, 15}, {88, 15}, {89, 15}, {90, 14}, {91, -1}, {92, -1}, {93, -1}, {94, 16}, {95, 17}, {96, 17}, {97, 16}, {98, 16}},
	 99},
	/* CPython 3.12 */
	{2, 159, (const uint8_t[]){128,0,216,8,9,128,65,220,13,18,144,49,139,88,242,0,4,5,19,136,1,216,11,12,136,113,137,53,144,65,138,58,216,12,13,144,17,144,81,145,21,137,74,137,65,224,12,13,144,17,137,70,137,65,240,9,4,5,19,244,14,0,19,24,152,1,147,40,246,3,1,9,28,216,13,14,240,3,0,10,11,136,81,139,21,240,0,1,9,28,128,65,240,0,1,9,28,240,4,3,5,17,216,12,13,144,1,137,69,136,1,240,6,0,13,14,216,12,13,136,113,240,3,1,12,18,240,0,1,5,18,249,242,13,1,9,28,248,244,8,0,12,29,242,0,1,5,17,216,12,16,138,1,240,3,1,5,17,250},
	 {
	  {0, 2}, {1, 3}, {2, 3}, {3, 4}, {4, 4}, {5, 4}, {6, 4}, {7, 4}, {8, 4}, {9, 4}, {10, 4}, {11, 4}, {12, 4}, {13, 4}, {14, 4}, {15, 4}, {16, 4}, {17, 5}, {18, 5}, {19, 5}, {20, 5}, {21, 5}, {22, 5}, {23, 5}, {24, 5}, {25, 6}, {26, 6}, {27, 6}, {28, 6}, {29, 6}, {30, 6}, {31, 6}, {32, 6}, {33, 6}, {34, 8}, {35, 8}, {36, 8}, {37, 8}, {38, 8}, {39, 8}, {40, 4}, {41, 11}, {42, 11}, {43, 11}, {44, 11}, {45, 11}, {46, 11}, {47, 11}, {48, 11}, {49, 11}, {50, 11}, {51, 10}, {52, 10}, {53, 10}, {54, 10}, {55, 10}, {56, 10}, {57, 10}, {58, 11}, {59, 10}, {60, 10}, {61, 10}, {62, 10}, {63, 10}, {64, 10}, {65, 10}, {66, 10}, {67, 10}, {68, 12}, {69, 13}, {70, 13}, {71, 13}, {72, 13}, {73, 13}, {74, 16}, {75, 17}, {76, 17}, {77, 16}, {78, 16}, {79, -1}, {80, -1}, {81, 10}, {82, 10}, {83, 10}, {84, -1}, {85, 14}, {86, 14}, {87, 14}, {88, 14}, {89, 14}, {90, 14}, {91, 14}, {92, 14}, {93, 15}, {94, 15}, {95, 15}, {96, 15}, {97, 14}, {98, -1}, {99, -1}, {100, -1}},
	 101},
	/* CPython 3.13 */
	{2, 153, (const uint8_t[]){128,0,216,8,9,128,65,220,13,18,144,49,142,88,136,1,216,11,12,136,113,137,53,144,65,139,58,216,12,13,144,81,145,21,137,74,138,65,224,12,13,144,17,137,70,138,65,241,9,0,14,22,244,14,0,19,24,152,1,148,40,243,3,1,9,28,217,18,26,136,81,240,3,0,10,11,136,81,140,21,217,18,26,240,3,0,5,6,240,0,1,9,28,240,4,3,5,17,216,12,13,144,1,137,69,136,1,240,6,0,13,14,216,12,13,240,3,1,12,18,240,0,1,5,18,249,242,13,1,9,28,248,244,8,0,12,29,243,0,1,5,17,216,12,16,138,1,240,3,1,5,17,250},
	 {
	  {0, 2}, {1, 3}, {2, 3}, {3, 4}, {4, 4}, {5, 4}, {6, 4}, {7, 4}, {8, 4}, {9, 4}, {10, 4}, {11, 4}, {12, 4}, {13, 4}, {14, 4}, {15, 4}, {16, 4}, {17, 5}, {18, 5}, {19, 5}, {20, 5}, {21, 5}, {22, 5}, {23, 5}, {24, 5}, {25, 5}, {26, 6}, {27, 6}, {28, 6}, {29, 6}, {30, 6}, {31, 6}, {32, 6}, {33, 6}, {34, 6}, {35, 8}, {36, 8}, {37, 8}, {38, 8}, {39, 8}, {40, 8}, {41, 8}, {42, 4}, {43, 4}, {44, 11}, {45, 11}, {46, 11}, {47, 11}, {48, 11}, {49, 11}, {50, 11}, {51, 11}, {52, 11}, {53, 11}, {54, 11}, {55, 10}, {56, 10}, {57, 10}, {58, 10}, {59, 11}, {60, 11}, {61, 11}, {62, 10}, {63, 10}, {64, 10}, {65, 10}, {66, 10}, {67, 10}, {68, 10}, {69, 11}, {70, 11}, {71, 10}, {72, 10}, {73, 12}, {74, 13}, {75, 13}, {76, 13}, {77, 13}, {78, 13}, {79, 16}, {80, 17}, {81, 16}, {82, 16}, {83, -1}, {84, -1}, {85, 10}, {86, 10}, {87, 10}, {88, -1}, {89, 14}, {90, 14}, {91, 14}, {92, 14}, {93, 14}, {94, 14}, {95, 14}, {96, 14}, {97, 14}, {98, 15}, {99, 15}, {100, 15}, {101, 15}, {102, 14}, {103, -1}, {104, -1}, {105, -1}},
	 106},
};

Test(pyrt, line_tables_map_every_instruction_as_cpython_does)
{
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct table_case *k = &cases[c];

		for (size_t i = 0; i < k->nexpect; i++) {
			int want = k->expect[i][1] < 0 ? k->first : k->expect[i][1];
			int got = pyrt_line(k->table, k->len, k->first, k->expect[i][0]);

			cr_expect_eq(got, want, "case %zu instruction %d: line %d, CPython says %d", c,
			             k->expect[i][0], got, want);
		}
		/* past the end, and a table cut short, give the first line */
		cr_expect_eq(pyrt_line(k->table, k->len, k->first, 100000), k->first);
		cr_expect_eq(pyrt_line(k->table, 0, k->first, 3), k->first);
	}
}

Test(pyrt, bad_tables_never_read_past_their_end)
{
	static const uint8_t junk[] = {0x05, 0x7f, 0xff, 0x7f, 0x7f};
	static const uint8_t long_form_cut[] = {0xf0}; /* long form, no varints */

	cr_expect_eq(pyrt_line(junk, sizeof(junk), 7, 2), 7);
	cr_expect_eq(pyrt_line(long_form_cut, sizeof(long_form_cut), 9, 0), 9);
}

Test(pyrt, layouts_exist_for_3_11_to_3_13_only)
{
	cr_expect_not_null(pyrt_layout(0x030b02f0));
	cr_expect_not_null(pyrt_layout(0x030c01f0));
	cr_expect_not_null(pyrt_layout(0x030d00f0));
	cr_expect_null(pyrt_layout(0x030a0df0));
	cr_expect_null(pyrt_layout(0x030e00f0));
	cr_expect_eq(pyrt_layout(0x030b07f0)->minor, 11);
	cr_expect_eq(pyrt_layout(0x030d00f0)->ts_current_frame, 72);
}

Test(pyrt, version_text)
{
	char b[32];

	pyrt_version_text(0x030b02f0, b, sizeof(b));
	cr_expect_str_eq(b, "3.11.2");
	pyrt_version_text(0x030d00c1, b, sizeof(b));
	cr_expect_str_eq(b, "3.13.0rc1");
}

Test(pyrt, lasti_counts_code_units_and_never_goes_negative)
{
	const struct pyrt_layout *L = pyrt_layout(0x030b02f0);
	uintptr_t code = 0x10000;

	cr_expect_eq(pyrt_lasti(L, code, code + L->co_code_adaptive + 10), 5);
	cr_expect_eq(pyrt_lasti(L, code, code + L->co_code_adaptive - 2), 0);
	cr_expect_eq(pyrt_lasti(L, code, 0), 0);
}

/* A string object's first bytes as 3.12 lays them out. */
static void str_header(uint8_t *hdr, int64_t len, unsigned kind, int ascii)
{
	uint32_t state = kind << 2 | 1u << 5 | (ascii ? 1u << 6 : 0);

	memset(hdr, 0, 64);
	memcpy(hdr + 16, &len, 8);
	memcpy(hdr + 32, &state, 4);
}

Test(pyrt, strings_of_every_width_become_utf8)
{
	const struct pyrt_layout *L = pyrt_layout(0x030c01f0);
	uint8_t hdr[64];
	size_t off, len;
	unsigned width;
	char out[32];
	static const uint16_t two[] = {0x3b1, 0x3b2, 'x'};   /* αβx */
	static const uint32_t four[] = {0x1f600, 'y'};       /* 😀y */

	str_header(hdr, 5, 1, 1);
	cr_assert_eq(pyrt_str_shape(L, hdr, &off, &len, &width), 0);
	cr_expect_eq(off, L->str_ascii_size);
	cr_expect_eq(len, 5);
	cr_expect_eq(width, 1);
	str_header(hdr, 3, 2, 0);
	cr_assert_eq(pyrt_str_shape(L, hdr, &off, &len, &width), 0);
	cr_expect_eq(off, L->str_compact_size);
	cr_expect_eq(width, 2);
	cr_expect_eq(pyrt_str_utf8((const uint8_t *)two, 3, 2, out, sizeof(out)), 5);
	cr_expect_str_eq(out, "\xce\xb1\xce\xb2x");
	cr_expect_eq(pyrt_str_utf8((const uint8_t *)four, 2, 4, out, sizeof(out)), 5);
	cr_expect_str_eq(out, "\xf0\x9f\x98\x80y");
	/* cut at a character boundary */
	cr_expect_eq(pyrt_str_utf8((const uint8_t *)two, 3, 2, out, 4), 2);
	cr_expect_str_eq(out, "\xce\xb1");
	/* not compact, or a kind that does not exist */
	str_header(hdr, 3, 1, 1);
	hdr[32] &= (uint8_t)~(1u << 5);
	cr_expect_eq(pyrt_str_shape(L, hdr, &off, &len, &width), -1);
	str_header(hdr, 3, 3, 0);
	cr_expect_eq(pyrt_str_shape(L, hdr, &off, &len, &width), -1);
}

/* A 3.13 _Py_DebugOffsets as the layout table says it should read. */
static void debug_offsets_313(uint8_t *buf, const struct pyrt_layout *L)
{
	static const struct {
		size_t at;
		uint64_t v;
	} w[] = {{8, 0x030d00f0}, {16, 0}};
	uint64_t v;

	memset(buf, 0, PYRT_DEBUG_OFFSETS_BYTES);
	memcpy(buf, "xdebugpy", 8);
	for (size_t i = 0; i < 2; i++)
		memcpy(buf + w[i].at, &w[i].v, 8);
#define PUT(at, field) (v = L->field, memcpy(buf + (at), &v, 8))
	PUT(40, rt_interp_head);
	PUT(64, in_next);
	PUT(72, in_threads_head);
	PUT(168, ts_next);
	PUT(176, ts_interp);
	PUT(184, ts_current_frame);
	PUT(200, ts_native_tid);
	PUT(232, fr_previous);
	PUT(240, fr_code);
	PUT(248, fr_instr);
	PUT(264, fr_owner);
	PUT(280, co_filename);
	PUT(288, co_name);
	PUT(296, co_qualname);
	PUT(304, co_linetable);
	PUT(312, co_firstlineno);
	PUT(344, co_code_adaptive);
#undef PUT
}

Test(pyrt, debug_offsets_of_3_13_confirm_the_table_or_refuse_it)
{
	const struct pyrt_layout *L = pyrt_layout(0x030d00f0);
	uint8_t buf[PYRT_DEBUG_OFFSETS_BYTES];
	const char *why;
	uint64_t v;

	debug_offsets_313(buf, L);
	cr_expect_eq(pyrt_check_debug_offsets(L, 0x030d01f0, buf, sizeof(buf), &why), 0);
	/* one field moved (a build with other options) */
	v = L->co_qualname + 8;
	memcpy(buf + 296, &v, 8);
	cr_expect_eq(pyrt_check_debug_offsets(L, 0x030d00f0, buf, sizeof(buf), &why), -1);
	cr_expect_str_eq(why, "code_object.qualname");
	/* free-threaded */
	debug_offsets_313(buf, L);
	buf[16] = 1;
	cr_expect_eq(pyrt_check_debug_offsets(L, 0x030d00f0, buf, sizeof(buf), &why), -1);
	/* no cookie */
	debug_offsets_313(buf, L);
	buf[0] = 'X';
	cr_expect_eq(pyrt_check_debug_offsets(L, 0x030d00f0, buf, sizeof(buf), &why), -1);
	/* 3.11 and 3.12 have none: nothing to check */
	cr_expect_eq(pyrt_check_debug_offsets(pyrt_layout(0x030b02f0), 0x030b02f0, buf, sizeof(buf),
	                                      &why),
	             1);
}

Test(pyrt, debug_offsets_of_3_13_confirm_the_thread_list_offsets)
{
	const struct pyrt_layout *L = pyrt_layout(0x030d00f0);
	uint8_t buf[PYRT_DEBUG_OFFSETS_BYTES];
	const char *why;
	uint64_t v = 7344 + 8;

	cr_expect_eq(L->rt_interp_head, 632);
	cr_expect_eq(L->in_threads_head, 7344);
	debug_offsets_313(buf, L);
	memcpy(buf + 72, &v, 8);
	cr_expect_eq(pyrt_check_debug_offsets(L, 0x030d00f0, buf, sizeof(buf), &why), -1);
	cr_expect_str_eq(why, "interpreter_state.threads_head");
	debug_offsets_313(buf, L);
	v = 16;
	memcpy(buf + 168, &v, 8);
	cr_expect_eq(pyrt_check_debug_offsets(L, 0x030d00f0, buf, sizeof(buf), &why), -1);
	cr_expect_str_eq(why, "thread_state.next");
}

Test(pyrt, layouts_know_where_the_thread_lists_are)
{
	cr_expect_eq(pyrt_layout(0x030b02f0)->rt_interp_head, 40);
	cr_expect_eq(pyrt_layout(0x030b02f0)->in_threads_head, 16);
	cr_expect_eq(pyrt_layout(0x030c01f0)->in_threads_head, 72);
	cr_expect_eq(pyrt_layout(0x030c01f0)->ts_native_tid, 144);
	cr_expect_eq(pyrt_layout(0x030d00f0)->ts_next, 8);
}

/* anchors of ns segments in n natives with eval frames at ev[] */
static void anchors(const uint16_t *ev, uint32_t ne, uint32_t ns, uint32_t n, int leaf,
                    uint16_t *out)
{
	pyrt_splice_anchors(ev, ne, ns, n, leaf, out);
}

Test(pyrt, splice_pairs_segments_with_eval_frames_leaf_first)
{
	uint16_t ev[] = {2, 5, 9}, a[3];

	anchors(ev, 3, 3, 12, 0, a);
	cr_expect(a[0] == 2 && a[1] == 5 && a[2] == 9);
}

Test(pyrt, splice_matches_from_the_root_when_counts_differ)
{
	uint16_t ev[] = {2, 5, 9}, a[3];

	/* one eval frame more than segments (a sample in the prologue): the
	 * segments pair with the root-most eval frames */
	anchors(ev, 3, 2, 12, 0, a);
	cr_expect(a[0] == 5 && a[1] == 9);
	/* one segment more: the leaf-most one joins the first paired one */
	anchors(ev, 2, 3, 12, 0, a);
	cr_expect(a[0] == 2 && a[1] == 2 && a[2] == 5);
}

Test(pyrt, splice_matches_from_the_leaf_when_a_stack_was_cut)
{
	uint16_t ev[] = {2, 5, 9}, a[3];

	anchors(ev, 3, 2, 12, 1, a);
	cr_expect(a[0] == 2 && a[1] == 5);
	anchors(ev, 2, 3, 12, 1, a);
	cr_expect(a[0] == 2 && a[1] == 5 && a[2] == 12);
}

Test(pyrt, splice_without_eval_frames_puts_python_at_the_root_end)
{
	uint16_t a[2];

	anchors(NULL, 0, 2, 7, 0, a);
	cr_expect(a[0] == 7 && a[1] == 7);
	anchors(NULL, 0, 2, 7, 1, a);
	cr_expect(a[0] == 7 && a[1] == 7);
}
