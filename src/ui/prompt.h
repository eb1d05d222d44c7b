/*
 * prompt — one line of text typed at the keyboard, in a buffer of the
 * caller's: the list filter, the tabs' search, the diff screen's search and
 * the save prompt all edit their text through prompt__key.
 *
 * Keys are Unicode code points (screen.c decodes the terminal's UTF-8) and
 * the text is kept as UTF-8: a printable key appends its encoding when it
 * fits (the text never exceeds size - 1 bytes, nor splits a character),
 * Backspace removes the last whole character, Ctrl-U clears, Enter accepts
 * and Esc cancels. What accepting or cancelling does (keep the text, clear
 * it, act on it) is the caller's.
 */
#ifndef PERFTOP_UI_PROMPT_H
#define PERFTOP_UI_PROMPT_H

#include <stddef.h>

enum prompt_event {
	PROMPT_OTHER,   /* not an editing key: text untouched, the caller decides */
	PROMPT_CHANGED, /* a character typed (kept when it fits), Backspace or Ctrl-U */
	PROMPT_ACCEPT,  /* Enter */
	PROMPT_CANCEL,  /* Esc */
};

/* Applies key to text (a NUL-terminated string in a buffer of size bytes,
 * size >= 1) and says what it was. */
enum prompt_event prompt__key(char *text, size_t size, int key);
/* Appends the UTF-8 encoding of code point cp when it fits in size bytes
 * with the NUL; returns whether it did. */
int prompt__append(char *text, size_t size, int cp);
/* Removes the last UTF-8 character (all its bytes) of text. */
void prompt__backspace(char *text);

#endif
