/* xalloc — allocation wrappers and fatal(); see xalloc.h. */
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fatal_hook_fn fatal_hook;

void fatal_set_hook(fatal_hook_fn hook)
{
	fatal_hook = hook;
}

void fatal(const char *fmt, ...)
{
	fatal_hook_fn hook = fatal_hook;
	va_list ap;

	fatal_hook = NULL; /* a failing hook must not recurse */
	if (hook)
		hook();
	fputs("perftop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		fatal("out of memory (allocating %zu bytes)", size);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (!p)
		fatal("out of memory (allocating %zu x %zu bytes)", count, size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		fatal("out of memory (reallocating to %zu bytes)", size);
	return p;
}

void *xreallocarray(void *ptr, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		fatal("allocation overflow (%zu x %zu bytes)", count, size);
	return xrealloc(ptr, count * size);
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void *xgrow(void *arr, size_t *alloc, size_t need, size_t first, size_t elem)
{
	size_t n = *alloc ? *alloc : first;

	if (need <= *alloc)
		return arr;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			fatal("out of memory (growing an array to %zu entries)", need);
		n *= 2;
	}
	arr = xreallocarray(arr, n, elem);
	memset((char *)arr + *alloc * elem, 0, (n - *alloc) * elem);
	*alloc = n;
	return arr;
}
