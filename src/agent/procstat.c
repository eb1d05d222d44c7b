/*
 * procstat — the program's count of its own threads, without the agent's.
 *
 * CPython 3.12 and later warn on os.fork() in a process with more than one
 * thread ("DeprecationWarning: This process is multi-threaded, use of fork()
 * may lead to deadlocks"), and count the threads from field 20 of
 * /proc/self/stat read with fopen(). The agent's writer thread would make
 * every such program print that warning under perftop. So fopen() (and
 * fopen64) of exactly "/proc/self/stat" for reading, in a process running
 * CPython 3.12 or later, gives the file's content with the writer left out
 * of that one field; every other open goes straight to the C library. The
 * stream is an in-memory one (fmemopen): it takes no descriptor of the
 * program's (fileno() says -1).
 */
#include "agent/agent.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyrt/pyrt.h"

typedef FILE *(*fopen_fn)(const char *, const char *);

static fopen_fn real_fopen, real_fopen64;

#define STAT_MAX 1024

/* The real function, looked up on first use (the program may call fopen
 * before the agent's constructor). */
static fopen_fn real(fopen_fn *slot, const char *name)
{
	if (!*slot)
		*slot = (fopen_fn)dlsym(RTLD_NEXT, name);
	return *slot;
}

static int wanted(const char *path, const char *mode)
{
	return agent__py.L && agent__py.L->minor >= 12 && atomic_load(&agent__g.writer_tid) &&
	       path && mode && strcmp(path, "/proc/self/stat") == 0 && mode[0] == 'r' &&
	       !strchr(mode, '+');
}

/* text (n bytes) with its 20th field (num_threads) lowered by one; returns
 * the new length, or 0 when the field is not found. */
static size_t drop_one_thread(char *text, size_t n, size_t cap)
{
	char *p = strrchr(text, ')'); /* the command name may hold spaces */
	char num[24];
	long threads;
	size_t field = 2, start, end;

	if (!p)
		return 0;
	for (p++; *p && field < 20; p++)
		if (*p == ' ')
			field++;
	start = (size_t)(p - text);
	end = start;
	while (end < n && text[end] >= '0' && text[end] <= '9')
		end++;
	if (field != 20 || end == start)
		return 0;
	threads = strtol(text + start, NULL, 10);
	if (threads <= 1)
		return 0;
	snprintf(num, sizeof(num), "%ld", threads - 1);
	if (n - (end - start) + strlen(num) >= cap)
		return 0;
	memmove(text + start + strlen(num), text + end, n - end + 1);
	memcpy(text + start, num, strlen(num));
	return n - (end - start) + strlen(num);
}

static FILE *stat_without_agent(fopen_fn open_fn, const char *path, const char *mode)
{
	char text[STAT_MAX];
	FILE *f = open_fn(path, mode), *mem;
	size_t n, m;

	if (!f)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	if (!feof(f) || (m = drop_one_thread(text, n, sizeof(text))) == 0) {
		rewind(f); /* as the C library gave it */
		return f;
	}
	mem = fmemopen(NULL, m + 1, "w+");
	if (!mem || fwrite(text, 1, m, mem) != m) {
		if (mem)
			fclose(mem);
		rewind(f);
		return f;
	}
	fclose(f);
	rewind(mem);
	return mem;
}

/* Interposed. Contract as fopen(3). */
__attribute__((visibility("default"))) FILE *fopen(const char *path, const char *mode)
{
	fopen_fn f = real(&real_fopen, "fopen");

	if (!f)
		return NULL;
	return wanted(path, mode) ? stat_without_agent(f, path, mode) : f(path, mode);
}

/* Interposed. Contract as fopen64(3). */
__attribute__((visibility("default"))) FILE *fopen64(const char *path, const char *mode)
{
	fopen_fn f = real(&real_fopen64, "fopen64");

	if (!f)
		return NULL;
	return wanted(path, mode) ? stat_without_agent(f, path, mode) : f(path, mode);
}
