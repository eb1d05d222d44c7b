/*
 * waitstatus — a wait(2) status in words, shared by the collector's log and
 * the screen: "exited with status 3", "killed by SIGSEGV (core dumped)".
 */
#ifndef PERFTOP_UTIL_WAITSTATUS_H
#define PERFTOP_UTIL_WAITSTATUS_H

#include <stddef.h>

/* Writes the description of status into out (always NUL-terminated). */
void waitstatus_describe(char *out, size_t outsz, int status);

#endif
