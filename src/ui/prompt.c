/*
 * prompt — UTF-8 line editing for every prompt of the ui (see prompt.h).
 */
#include <string.h>

#include "ui/keys.h"
#include "ui/prompt.h"

int prompt__append(char *text, size_t size, int cp)
{
	char enc[4];
	size_t k, len = strlen(text);

	if (cp < 0x80) {
		enc[0] = (char)cp, k = 1;
	} else if (cp < 0x800) {
		enc[0] = (char)(0xc0 | (cp >> 6)), enc[1] = (char)(0x80 | (cp & 0x3f)), k = 2;
	} else if (cp < 0x10000) {
		enc[0] = (char)(0xe0 | (cp >> 12));
		enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[2] = (char)(0x80 | (cp & 0x3f)), k = 3;
	} else {
		enc[0] = (char)(0xf0 | (cp >> 18));
		enc[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		enc[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[3] = (char)(0x80 | (cp & 0x3f)), k = 4;
	}
	if (len + k + 1 > size)
		return 0;
	memcpy(text + len, enc, k);
	text[len + k] = '\0';
	return 1;
}

void prompt__backspace(char *text)
{
	size_t len = strlen(text);

	while (len > 0 && ((unsigned char)text[--len] & 0xc0) == 0x80)
		;
	text[len] = '\0';
}

enum prompt_event prompt__key(char *text, size_t size, int key)
{
	switch (key) {
	case UI_KEY_ENTER:
		return PROMPT_ACCEPT;
	case UI_KEY_ESC:
		return PROMPT_CANCEL;
	case UI_KEY_BACKSPACE:
		prompt__backspace(text);
		return PROMPT_CHANGED;
	case UI_KEY_CTRL('u'):
		text[0] = '\0';
		return PROMPT_CHANGED;
	default:
		if (key < 0x20 || key >= UI_KEY_SPECIAL || key == 0x7f)
			return PROMPT_OTHER;
		prompt__append(text, size, key);
		return PROMPT_CHANGED;
	}
}
