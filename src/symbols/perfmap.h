/*
 * perfmap — names of JIT-compiled code from a process's /tmp/perf-PID.map.
 *
 * JIT runtimes (node --perf-basic-prof, Java agents, LuaJIT, .NET) write one
 * line per compiled function: "START SIZE name", START and SIZE in hex with
 * or without "0x", the name running to the end of the line (spaces
 * included). Such code lives in anonymous executable mappings that no ELF
 * file describes; perftop names a pc there after the entry that covers it,
 * with the module label "[jit]" (PERFMAP_MODULE: one label for every process
 * and run, so diffs and budgets match a JIT function across runs).
 *
 * The file is in /tmp, where anyone can create it, so it is read warily:
 * opened with O_NOFOLLOW|O_NONBLOCK (a symlink or a FIFO is refused), and it
 * must be a regular file with one link, owned by the target's uid or root,
 * at most PERFMAP_MAX_BYTES long. A line longer than PERFMAP_MAX_LINE or not
 * of the form above is skipped and counted, never fatal.
 *
 * Runtimes append while they run: a lookup that misses may re-read the file
 * from where the last read stopped (complete lines only), at most once per
 * recheck interval. A file that shrank or was replaced is read again from
 * the start. Entries are kept as sorted, non-overlapping ranges for binary
 * search; where entries overlap, the later line wins (code re-JITted at the
 * same address).
 *
 * perfmap_parse() is pure; only perfmap_refresh() touches the file system.
 * A struct perfmap owns every name it hands out (valid until the next
 * perfmap_refresh() or perfmap_parse() call that adds entries, or
 * perfmap_free()). Not thread-safe.
 */
#ifndef PERFTOP_SYMBOLS_PERFMAP_H
#define PERFTOP_SYMBOLS_PERFMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PERFMAP_MODULE "[jit]"

/* Named limits. */
enum {
	PERFMAP_MAX_BYTES = 64 << 20,  /* bytes of the file read, in all */
	PERFMAP_MAX_LINE = 4096,       /* bytes in one line, newline excluded */
	PERFMAP_MAX_ENTRIES = 1 << 20, /* entries kept; more are counted as dropped */
	PERFMAP_RECHECK_MS = 1000,     /* default interval between re-reads */
};

struct perfmap_stats {
	uint64_t entries;   /* good lines kept */
	uint64_t malformed; /* lines skipped: bad numbers, empty name, too long */
	uint64_t dropped;   /* good lines beyond PERFMAP_MAX_ENTRIES */
	uint64_t reads;     /* times the file was opened and read */
	uint64_t refused;   /* times the file was there but not trusted */
	uint64_t bytes;     /* bytes consumed (complete lines) */
};

struct perfmap;

/* A perf map for process pid whose file must be owned by uid (or root).
 * Nothing is read yet. Never NULL. */
struct perfmap *perfmap_new(pid_t pid, uid_t uid);
void perfmap_free(struct perfmap *pm);

/* Where the file is read from instead of /tmp/perf-PID.map (tests). */
void perfmap_set_path(struct perfmap *pm, const char *path);
/* The least time between two re-reads, in milliseconds (0: every call). */
void perfmap_set_recheck_ms(struct perfmap *pm, unsigned ms);

/* Parses text[0..len) as lines of a perf map and adds the good ones (later
 * ones win over earlier ones they overlap). Only complete lines (ending in
 * '\n') are consumed unless final is true; returns the bytes consumed. A
 * line beyond PERFMAP_MAX_LINE is skipped, also across calls. */
size_t perfmap_parse(struct perfmap *pm, const char *text, size_t len, bool final);

/* Reads what was appended to the file since the last read, when the recheck
 * interval has passed (or force). Returns the number of entries added (at
 * least 1 when the file was replaced or truncated, so names cached from it
 * must go; 0 when nothing new, not due, or no file), or a negative errno when the file
 * is there but cannot be used (symlink, not regular, foreign owner, ...),
 * with the reason, quoting the file, in perfmap_error(). */
int perfmap_refresh(struct perfmap *pm, bool force);

/* The name of the entry that covers pc, or NULL; *start gets its first
 * byte when start is not NULL. Binary search; reads nothing. */
const char *perfmap_lookup(const struct perfmap *pm, uint64_t pc, uint64_t *start);

/* True when perfmap_refresh(pm, false) would look at the file now. */
bool perfmap_due(const struct perfmap *pm);

/* Name lookup with a re-read on a miss (perfmap_refresh(pm, false) then
 * perfmap_lookup again). */
const char *perfmap_find(struct perfmap *pm, uint64_t pc, uint64_t *start);

/* The reason of the last refusal ("" if none). */
const char *perfmap_error(const struct perfmap *pm);
void perfmap_get_stats(const struct perfmap *pm, struct perfmap_stats *out);

#endif
