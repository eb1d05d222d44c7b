/*
 * resolve — one agent connection's program counters to profile functions.
 *
 * Keeps the connection's module mappings (from the agent's MAPS frames, or
 * /proc/PID/maps when it sent none), and those of the last few sets a RESET
 * replaced (a pc no current mapping holds is looked up there: a fallback; the
 * agent itself puts the mappings of modules unloaded since its last flush in
 * the set ahead of the samples taken in them), and a cache from pc to the profile's
 * function id, so a stack of 32 frames costs 32 hash lookups once warm. On a
 * miss it asks the symbolizer, with the model's lock released meanwhile
 * (symbolizing may read ELF and DWARF files), then interns the function.
 * A pc in anonymous code (no module file: JIT-compiled) is named from the
 * process's /tmp/perf-PID.map when it has one (symbols/perfmap.h), module
 * "[jit]"; those pcs are cached apart and looked up again whenever the map
 * file gains entries (re-read at most once a second).
 */
#ifndef PERFTOP_COLLECT_RESOLVE_H
#define PERFTOP_COLLECT_RESOLVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/model.h"
#include "symbols/symbolizer.h"

struct resolve;

/* A resolver for process pid running as uid (the owner its perf map must
 * have, or root), using sym (shared by every connection; the collector
 * thread is its only user). */
struct resolve *resolve_new(struct model *m, struct symbolizer *sym, pid_t pid, uid_t uid);
void resolve_free(struct resolve *r);

/* Mappings: start a new set (the current one is kept aside, see above), or
 * add one [start, end) at file offset of path to the current set. */
void resolve_reset_maps(struct resolve *r);
void resolve_add_map(struct resolve *r, uint64_t start, uint64_t end, uint64_t offset,
		     const char *path, const uint8_t *build_id, size_t build_id_len);

/* The profile function id of pc (already adjusted: a return address minus
 * one). Caller holds the model lock; it may be released and retaken inside. */
uint32_t resolve_pc(struct resolve *r, uint64_t pc);

/* The profile function id of a named frame (an interpreter's function:
 * profile_func_interp(), identity (name, file, definition line)), cached per
 * (name id, file id): name is the FUNCTION's text and line its definition
 * line (the NAME's), file the FILE's text or NULL. Caller holds the model
 * lock. */
uint32_t resolve_named(struct resolve *r, uint32_t name_id, uint32_t file_id, const char *name,
		       const char *file, int line);
/* Drops cached entries that may involve a NAME id that was redefined. */
void resolve_forget_named(struct resolve *r, uint32_t name_id);

#endif
