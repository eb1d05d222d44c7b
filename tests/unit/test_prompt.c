/* Unit tests for ui/prompt.c, the line editor of every prompt (the list
 * filter, the tabs' and the diff screen's search, the save prompt): UTF-8
 * appended and removed by whole characters, the buffer's size never
 * exceeded nor a character split, Ctrl-U, Enter and Esc, and the keys that
 * are not its own left alone. */
#include <criterion/criterion.h>
#include <string.h>

#include "ui/keys.h"
#include "ui/prompt.h"

Test(prompt, appends_utf8_and_backspaces_whole_characters)
{
	char t[32] = "";

	cr_expect_eq(prompt__key(t, sizeof(t), 'a'), PROMPT_CHANGED);
	cr_expect_eq(prompt__key(t, sizeof(t), 0xe9), PROMPT_CHANGED);    /* é: 2 bytes */
	cr_expect_eq(prompt__key(t, sizeof(t), 0x4e2d), PROMPT_CHANGED);  /* 中: 3 bytes */
	cr_expect_eq(prompt__key(t, sizeof(t), 0x1f600), PROMPT_CHANGED); /* 4 bytes */
	cr_expect_str_eq(t, "a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80");
	cr_expect_eq(prompt__key(t, sizeof(t), UI_KEY_BACKSPACE), PROMPT_CHANGED);
	cr_expect_str_eq(t, "a\xc3\xa9\xe4\xb8\xad");
	prompt__key(t, sizeof(t), UI_KEY_BACKSPACE);
	cr_expect_str_eq(t, "a\xc3\xa9");
	prompt__key(t, sizeof(t), UI_KEY_BACKSPACE);
	cr_expect_str_eq(t, "a");
	prompt__key(t, sizeof(t), UI_KEY_BACKSPACE);
	cr_expect_str_eq(t, "");
	cr_expect_eq(prompt__key(t, sizeof(t), UI_KEY_BACKSPACE), PROMPT_CHANGED);
	cr_expect_str_eq(t, "", "Backspace on nothing leaves nothing");
}

Test(prompt, never_exceeds_the_buffer_nor_splits_a_character)
{
	char t[5] = "";

	prompt__key(t, sizeof(t), 'a');
	prompt__key(t, sizeof(t), 'b');
	prompt__key(t, sizeof(t), 0x4e2d); /* 3 bytes: 2 + 3 + NUL > 5 */
	cr_expect_str_eq(t, "ab", "a character that does not fit is left out whole");
	cr_expect_eq(prompt__append(t, sizeof(t), 0xe9), 1, "2 + 2 + NUL fits");
	cr_expect_str_eq(t, "ab\xc3\xa9");
	cr_expect_eq(prompt__append(t, sizeof(t), 'c'), 0);
	cr_expect_str_eq(t, "ab\xc3\xa9");
}

Test(prompt, ctrl_u_enter_esc_and_other_keys)
{
	char t[16] = "abc";

	cr_expect_eq(prompt__key(t, sizeof(t), UI_KEY_ENTER), PROMPT_ACCEPT);
	cr_expect_str_eq(t, "abc", "Enter leaves the text to the caller");
	cr_expect_eq(prompt__key(t, sizeof(t), UI_KEY_ESC), PROMPT_CANCEL);
	cr_expect_str_eq(t, "abc", "Esc too");
	cr_expect_eq(prompt__key(t, sizeof(t), UI_KEY_DOWN), PROMPT_OTHER);
	cr_expect_eq(prompt__key(t, sizeof(t), UI_KEY_F(6)), PROMPT_OTHER);
	cr_expect_eq(prompt__key(t, sizeof(t), UI_KEY_TAB), PROMPT_OTHER);
	cr_expect_eq(prompt__key(t, sizeof(t), 0x7f), PROMPT_OTHER);
	cr_expect_str_eq(t, "abc", "other keys leave the text alone");
	cr_expect_eq(prompt__key(t, sizeof(t), UI_KEY_CTRL('u')), PROMPT_CHANGED);
	cr_expect_str_eq(t, "");
}
