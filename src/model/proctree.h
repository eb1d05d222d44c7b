/*
 * proctree — the launched process's whole tree, taken as one program.
 *
 * `perftop run`, `record` and `-p PID` profile a tree of processes: the
 * root (m->tree_root) and every descendant, including orphans re-parented
 * to perftop when it is their child subreaper (m->tree_reaper). Membership
 * (struct process.in_tree) is decided from each process's parent as /proc
 * (or the agent's connection) first told it, and never taken back: a child
 * that outlives its parent stays in the tree. Members are kept after they
 * exit (model.h's retention rule for agent processes applies to them too).
 *
 * Each agent process keeps its own profile (struct process.profile): the
 * samples of a process are those of its pid, whatever images it exec'd, so
 * a sample belongs to exactly one process and nothing is counted twice. The
 * tree's profile is the merge of its members' profiles (proctree_merge()):
 * the same functions (by module and name) and stacks, every thread kept
 * apart by its tid (thread ids are unique across processes), so the views
 * can narrow the merged profile to one thread as they narrow one process's,
 * and proctree_thread_pid() tells which process a thread belongs to.
 *
 * Views choose their scope through struct proctree_scope: the whole tree
 * (pid 0) or one process, each combinable with a thread.
 *
 * Everything here runs under the model's lock, like the rest of the model.
 */
#ifndef PERFTOP_MODEL_PROCTREE_H
#define PERFTOP_MODEL_PROCTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/model.h"

/* One member as the Processes tab and reports list it. */
struct proctree_entry {
	struct process *p;
	int depth;                  /* 0 for the root (and for orphans whose parent left no trace) */
	pid_t parent;               /* the member listed as its parent, 0 for a top entry */
};

/* Marks the members of m->tree_root's tree (in_tree): the root, every
 * process whose first known parent is a member, and every process born to
 * or re-parented to m->tree_reaper. Idempotent; the collector calls it after
 * each model_apply() and each agent's hello. Cost: the processes times the
 * depth of the tree. */
void proctree_update(struct model *m);

/* Records what the collector learnt of pid outside a reading (an agent's
 * hello): its parent, so a process that lives shorter than a tick joins
 * the tree. ppid 0 is ignored; a known parent is kept. */
void proctree_note_parent(struct model *m, struct process *p, pid_t ppid);

/* perftop reaped member p (an orphan it adopted) with wait status status:
 * records it and marks p exited. */
void proctree_reaped(struct model *m, struct process *p, int status);

/* Whether some member has not exited yet. */
bool proctree_alive(const struct model *m);
/* Whether some member's agent is still connected (its last frames may be
 * on the way). */
bool proctree_connected(const struct model *m);

/* The members in tree order (depth first from the root, children by start
 * then pid), with their depth, into out (cap entries). Returns how many
 * there are (possibly more than cap). Processes whose parent is not a
 * member (orphans whose parent was never seen) are listed at depth 0 after
 * the root's subtree. */
size_t proctree_list(const struct model *m, struct proctree_entry *out, size_t cap);

/* The number of members. */
size_t proctree_count(const struct model *m);

/* A member's status in words into buf: "running", "exited with status 0",
 * "killed by SIGSEGV (core dumped)", or "exited" when its parent (not
 * perftop) reaped it and the status is not known. */
void proctree_status(const struct process *p, char *buf, size_t len);

/* A member's profiling status in words: "profiled" when its agent sent
 * samples, "exited before an agent connected" for one that left without a
 * profile or a known reason, else model_agent_status()'s words ("agent
 * cannot load: static executable ...", "agent connected, 0 samples: ..."). */
void proctree_agent_status(const struct process *p, char *buf, size_t len);

/* A member's CPU time in seconds: /proc's figure, or, for a process that
 * never was read, the one its agent last reported (0 when neither). */
double proctree_cpu_seconds(const struct process *p);

/* The header's tree figures: the members' CPU % (of one core, summed) and
 * RSS (KiB, summed) of the latest reading, live members only; *alive gets
 * how many members are running (any pointer may be NULL). */
void proctree_totals(const struct model *m, double *cpu, unsigned long long *rss_kb,
                     size_t *alive);

/* Samples of the process (its profile's, 0 without one). */
uint64_t proctree_samples(const struct process *p);

/* The merged profile of every member with a profile (a new profile, pid
 * m->tree_root; the caller frees it with profile_free()). Functions are
 * matched by module and name (interpreted ones by name, file and line),
 * threads kept apart by tid, zone histograms merged by zone name (overall
 * and per thread). The totals, flat table and trees are exact; the live
 * window starts empty (the merge is for a whole run: reports, exports, a
 * snapshot's views). Cost: the members' distinct (thread, stack) pairs
 * times their depth. */
struct profile *proctree_merge(const struct model *m);

/* The merge of one profile into another (for proctree_merge and tests):
 * adds every sample and zone histogram of src to dst as described above,
 * at time t (seconds; older than any window that will be read). */
void proctree_merge_into(struct profile *dst, const struct profile *src, double t);

/* The member whose profile has thread tid, or NULL. */
struct process *proctree_thread_pid(const struct model *m, pid_t tid);

/* ---- the live tree profile ----
 * For the live views: m->tree_profile, the merged profile kept up to date
 * as samples arrive (so a view of the tree costs what a view of one process
 * does), instead of proctree_merge() at each refresh. Off until asked for;
 * the collector feeds it through the calls below, which do nothing while it
 * is off or for a process that is not a member. A process that joins the
 * tree after its agent sent samples (its parent learnt at the next reading)
 * has them merged in when it joins (proctree_update()). */

/* Starts m->tree_profile (idempotent), merging what the members sent so far. */
void proctree_live_on(struct model *m);
/* Process p's agent sent count samples of funcs (p's own function ids, root
 * first) on thread tid at time t (after profile_add_samples() on p's). */
void proctree_add_samples(struct model *m, struct process *p, pid_t tid, const uint32_t *funcs,
                          size_t depth, uint64_t count, double t);
/* Process p's zone event (p's own zone id) as profile_zone_event_at(). */
void proctree_add_zone_event(struct model *m, struct process *p, uint32_t zone, pid_t tid,
                             double t, uint64_t duration_ns);
/* Process p named thread tid. */
void proctree_thread_name(struct model *m, struct process *p, pid_t tid, const char *name);

/* What a view shows: the tree (pid 0) or one process, and a thread (0: all). */
struct proctree_scope {
	pid_t pid;
	pid_t tid;
};

/* The profile a scope reads: one process's own profile (NULL when it has
 * none) or, for pid 0, the live m->tree_profile when it is on, else *merged
 * (built by proctree_merge() on first use and kept there; the caller frees
 * it when done). */
struct profile *proctree_scope_profile(const struct model *m, const struct proctree_scope *s,
				       struct profile **merged);

#endif
