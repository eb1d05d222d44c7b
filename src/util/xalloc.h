/*
 * xalloc — allocation that never returns NULL, and the one fatal-error path.
 *
 * perftop treats running out of memory as fatal: the wrappers print a message
 * and exit. Before exiting, fatal() runs the cleanup hook that the UI installs
 * (it restores the terminal), so no fatal path leaves curses residue behind.
 */
#ifndef PERFTOP_UTIL_XALLOC_H
#define PERFTOP_UTIL_XALLOC_H

#include <stddef.h>

/* Each returns memory or exits through fatal(); never NULL. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
/* xreallocarray: like xrealloc(ptr, count * size), failing on overflow. */
void *xreallocarray(void *ptr, size_t count, size_t size);

/* xgrow: makes the array arr, *alloc entries of elem bytes, hold at least
 * need entries: its size doubles from first (>= 1; used when *alloc is 0)
 * until need fits. New entries are zeroed. Returns the array (perhaps
 * moved) and updates *alloc; returns arr untouched when need already fits. */
void *xgrow(void *arr, size_t *alloc, size_t need, size_t first, size_t elem);
/* XGROW(arr, alloc, need, first): xgrow on an array and its size_t capacity. */
#define XGROW(arr, alloc, need, first)                                                             \
	((arr) = xgrow((arr), &(alloc), (need), (first), sizeof(*(arr))))

/* A function fatal() calls once before printing, e.g. to leave curses. */
typedef void (*fatal_hook_fn)(void);
void fatal_set_hook(fatal_hook_fn hook);

/* Prints "perftop: <message>" on stderr after the hook ran, and exits 1. */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
