/* Unit tests for ui/lines, the styled line buffer: widths, cutting, cells,
 * spans, and the sanitising that keeps control bytes off the terminal. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ui/lines.h"

static struct lines ls;

static void setup(void)
{
	lines_init(&ls);
	lines_set_utf8(false);
}

static void teardown(void)
{
	lines_release(&ls);
}

TestSuite(lines, .init = setup, .fini = teardown);

Test(lines, text_is_cut_at_the_width)
{
	struct line *l = lines_begin(&ls, 5);

	cr_expect_eq(line_put(l, TE_ROW, "abcdefgh"), 5);
	cr_expect_str_eq(l->text, "abcde");
	cr_expect_eq(line_room(l), 0);
	cr_expect_eq(line_put(l, TE_ROW, "x"), 0);
}

Test(lines, control_bytes_become_question_marks)
{
	struct line *l = lines_begin(&ls, 40);

	line_put(l, TE_ROW, "a\033[2Jb\tc\nd\x7f");
	cr_expect_str_eq(l->text, "a?[2Jb c d?");
}

Test(lines, non_ascii_without_utf8_is_replaced)
{
	struct line *l = lines_begin(&ls, 40);

	line_put(l, TE_ROW, "caf\xc3\xa9");
	cr_expect_str_eq(l->text, "caf??");
	cr_expect_eq(l->cols, 5);
}

Test(lines, utf8_counts_columns_not_bytes)
{
	struct line *l;

	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	lines_set_utf8(true);
	l = lines_begin(&ls, 4);
	line_put(l, TE_ROW, "é▁█\xe2\xa3\xbfzz"); /* é, two blocks, a braille cell, zz */
	cr_expect_eq(l->cols, 4);
	cr_expect_str_eq(l->text, "é▁█⣿");
	cr_expect_eq(lines_text_width("日本"), 4, "wide characters take two columns");
	l = lines_begin(&ls, 10);
	line_put(l, TE_ROW, "bad\xff\xfe");
	cr_expect_str_eq(l->text, "bad??");
}

Test(lines, cells_pad_align_and_mark_cuts)
{
	struct line *l = lines_begin(&ls, 40);

	line_cell(l, TE_ROW, "42", 5, ALIGN_RIGHT);
	line_cell(l, TE_ROW, "ab", 4, ALIGN_LEFT);
	line_cell(l, TE_ROW, "toolong", 5, ALIGN_LEFT);
	cr_expect_str_eq(l->text, "   42ab  tool~");
	cr_expect_eq(l->cols, 14);
}

Test(lines, spans_merge_and_override)
{
	struct line *l = lines_begin(&ls, 40);

	line_put(l, TE_ROW, "ab");
	line_put(l, TE_ROW, "cd");
	line_put(l, TE_MATCH, "ef");
	cr_expect_eq(l->nspans, 2);
	cr_expect_eq(l->spans[0].end, 4);
	cr_expect_eq(l->spans[1].elem, TE_MATCH);
	line_set_override(l, TE_ROW_SELECTED);
	line_put(l, TE_MATCH, "gh");
	cr_expect_eq(l->spans[l->nspans - 1].elem, TE_ROW_SELECTED);
}

Test(lines, fill_and_append)
{
	struct line *a = lines_begin(&ls, 6), *b;

	line_put(a, TE_TITLE, "ab");
	line_fill(a, TE_ROW);
	cr_expect_str_eq(a->text, "ab    ");
	b = lines_begin(&ls, 4);
	a = &ls.v[0]; /* lines_begin may move the array */
	line_append(b, a);
	cr_expect_str_eq(b->text, "ab  ");
	cr_expect_eq(b->spans[0].elem, TE_TITLE);
}

Test(lines, write_trims_trailing_spaces)
{
	char buf[64] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct line *l = lines_begin(&ls, 8);

	line_put(l, TE_ROW, "x");
	line_fill(l, TE_ROW);
	l = lines_begin(&ls, 8);
	line_put(l, TE_ROW, "y z");
	lines_write(&ls, f);
	fclose(f);
	cr_expect_str_eq(buf, "x\ny z\n");
}
