/*
 * model — what perftop knows about the machine and its processes.
 *
 * Plain data and the operations on it: no I/O, no curses, no threads of its
 * own. The collector fills a `struct tick_reading` from /proc and hands it to
 * model_apply() under the model's lock; the UI reads under the same lock.
 * Rates (CPU %, bytes/s, switches/s) are derived here from the raw counters of
 * two consecutive readings, so the arithmetic is testable without /proc.
 *
 * Ownership: the model owns every `struct process` and its strings. A
 * process that disappears is freed at the next full scan unless it is watched
 * (shown in a process view or named with -p) or an agent reported on it:
 * then it stays, marked exited. Of the exited agent processes nobody
 * watches, the newest MODEL_KEEP_EXITED stay, so a program that forks
 * without end (each child an agent) cannot grow perftop without end; of the
 * launched tree's members (model/proctree.h), the newest MODEL_KEEP_TREE.
 */
#ifndef PERFTOP_MODEL_MODEL_H
#define PERFTOP_MODEL_MODEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/cpu.h"
#include "model/msglog.h"
#include "model/profile.h"
#include "model/series.h"
#include "model/syswide.h"
#include "util/hashmap.h"

enum {
	MODEL_USER_LEN = 32,
	MODEL_COMM_LEN = 64,
	MODEL_WHY_LEN = 160,         /* why the agent cannot load, as text */
	MODEL_HISTORY_SECONDS = 600, /* series keep at least this much history */
	MODEL_KEEP_EXITED = 256,     /* exited, unwatched agent processes kept */
	MODEL_KEEP_TREE = 8192,      /* and exited members of the launched tree (proctree.h) */
};

/* ---- readings: raw counters, as the collector fills them ---------------- */

struct sys_reading {
	double time;                   /* CLOCK_BOOTTIME, seconds */
	int ncpu;                      /* entries in per_cpu */
	struct cpu_jiffies total;      /* the "cpu" line */
	struct cpu_jiffies *per_cpu;   /* the "cpuN" lines; owned by the reader */
	unsigned long long mem_total_kb, mem_available_kb, mem_used_kb;
	unsigned long long swap_total_kb, swap_used_kb;
	double load[3];
};

struct proc_reading {
	pid_t pid;
	pid_t ppid;                    /* parent, as /proc/PID/stat says */
	uid_t uid;
	char user[MODEL_USER_LEN];
	char comm[MODEL_COMM_LEN];
	const char *cmdline;           /* borrowed; the model copies it */
	char state;                    /* R, S, D, Z, T, ... */
	int threads;
	int fds;                       /* open fds, -1 when unreadable */
	unsigned long long start_ticks;/* identifies the process across pid reuse */
	unsigned long long ticks;      /* utime + stime, clock ticks */
	unsigned long long rss_kb, vsize_kb;
	bool io_ok;                    /* /proc/PID/io was readable */
	unsigned long long io_read_bytes, io_write_bytes;
	unsigned long long vcsw, ivcsw;/* voluntary / involuntary switches */
	bool csw_ok;                   /* vcsw and ivcsw were read (a detail process) */
	/* A detail process: why the agent cannot load into its executable
	 * (collect/execcheck.h), or NULL; borrowed, the model copies it. */
	const char *agent_why;
};

struct tick_reading {
	struct sys_reading sys;
	struct proc_reading *procs;
	size_t nprocs;
	long hz;                       /* clock ticks per second */
	bool full_scan;                /* every process was read: absent ones are gone */
	const pid_t *asked;            /* a partial scan: the pids it read, sorted; */
	size_t nasked;                 /* absent ones among them are gone */
};

/* ---- the model ------------------------------------------------------------ */

/* Per-process time series. CPU and RSS are kept for every process; the rest
 * only while a process is watched, to keep the list's memory small. */
#define PROC_METRICS(X)                                  \
	X(CPU, "cpu", "%")                               \
	X(RSS, "rss", "KiB")                             \
	X(VSIZE, "vsize", "KiB")                         \
	X(THREADS, "threads", "")                        \
	X(READ, "read", "B/s")                           \
	X(WRITE, "write", "B/s")                         \
	X(VCSW, "vcsw", "/s")                            \
	X(IVCSW, "ivcsw", "/s")                          \
	X(FDS, "fds", "")

enum proc_metric {
#define X(id, name, unit) PM_##id,
	PROC_METRICS(X)
#undef X
	PM_COUNT
};

struct process {
	pid_t pid;
	uid_t uid;
	char user[MODEL_USER_LEN];
	char comm[MODEL_COMM_LEN];
	char *cmdline;                 /* never NULL; "[comm]" for kernel threads */
	char state;
	bool exited;
	bool watched;
	int threads, fds;
	bool io_ok;
	unsigned long long start_ticks;

	/* Latest derived figures. */
	double cpu;                    /* % of one core, 0..100*threads */
	unsigned long long rss_kb, vsize_kb;
	double read_bps, write_bps, vcsw_ps, ivcsw_ps;

	struct series series[PM_COUNT];
	double first_seen;             /* model time of the first reading */
	double watch_since;            /* when watching began */
	unsigned long long watch_rss_kb; /* RSS when watching began */
	double exited_at;
	char agent_why[MODEL_WHY_LEN]; /* why the agent cannot load; "" none known */

	/* The previous raw reading, for deltas. */
	bool have_prev;
	double prev_time;
	unsigned long long prev_ticks, prev_read, prev_write, prev_vcsw, prev_ivcsw;
	bool prev_io_ok, prev_csw_ok;
	unsigned long long seen_tick;  /* last model tick that read this process */

	struct profile *profile;       /* what its agent reported, or NULL */
	int exit_status;               /* wait status when known (perftop run), else -1 */

	/* The process tree (model/proctree.h). */
	pid_t ppid;                    /* the parent it was born to (first known), 0 unknown */
	pid_t ppid_now;                /* its parent now (re-parented orphans: the reaper) */
	bool in_tree;                  /* a member of the launched tree (m->tree_root) */
	double cpu_s;                  /* user + system CPU time, seconds, latest reading */
	uint32_t *tree_fids;           /* internal (proctree.c): profile -> tree function ids */
	size_t tree_nfids;
};

struct sys_state {
	int ncpu;
	double *cpu_busy;              /* per CPU, % */
	double cpu_total;              /* all CPUs, % */
	struct cpu_jiffies *prev_cpu;  /* previous jiffies, ncpu entries */
	struct cpu_jiffies prev_total;
	bool have_prev;
	unsigned long long mem_total_kb, mem_available_kb, mem_used_kb;
	unsigned long long swap_total_kb, swap_used_kb;
	double load[3];
	struct series cpu_total_series;
};

struct model {
	pthread_mutex_t lock;
	double tick_s;                 /* collector interval */
	size_t series_cap;             /* samples per series: >= 600 s at tick_s */
	double now;                    /* time of the latest reading */
	unsigned long long tick;       /* readings applied so far */
	struct sys_state sys;
	struct hashmap by_pid;         /* pid -> struct process * */
	struct process **procs;        /* every process, in no order */
	size_t nprocs, procs_alloc;
	struct hashmap watch_pids;     /* pids to watch, seen yet or not (set) */
	bool list_visible;             /* the UI shows every process: scan all */
	struct msglog log;             /* perftop's own messages */
	unsigned long long agents_no_fds; /* agents turned away: perftop out of descriptors */
	bool proc_no_fds;              /* the last /proc reading failed for lack of them */
	long fd_limit;                 /* perftop's descriptor limit, when one of the two */
	bool child_exited;             /* perftop run: the command has exited */
	int child_status;              /* and its wait status */
	struct msglog output;          /* perftop run's screen: the command's last output lines */
	unsigned long long output_bytes;   /* bytes of output the command wrote (captured) */
	unsigned long long output_dropped; /* of which the output file did not take (cap, error) */
	int output_error;              /* why the file stopped taking output: errno, or 0 */
	bool show_interp;              /* profiles show the interpreter's machinery */
	pid_t tree_root;               /* the launched (or -p) process whose tree is the program, 0 none */
	pid_t tree_reaper;             /* perftop's pid when it is the tree's child subreaper, else 0 */
	struct profile *tree_profile;  /* the tree's merged profile kept live (proctree_live_on), or NULL */
	struct syswide syswide;        /* the machine-wide Functions table (its view is open) */
};

/* Prepares an empty model for a collector ticking every tick_s (> 0) seconds. */
void model_init(struct model *m, double tick_s);
/* Frees every process and the model's own storage. */
void model_release(struct model *m);

void model_lock(struct model *m);
void model_unlock(struct model *m);

/* Applies one reading: updates system figures, adds, updates and (on a full
 * scan) retires processes. Caller holds the lock. */
void model_apply(struct model *m, const struct tick_reading *r);

/* Shows or hides the interpreter's machinery in every profile, now and in
 * those created later (profile_show_interp()). Caller holds the lock. */
void model_show_interp(struct model *m, bool show);

/* The process with this pid, or NULL. Caller holds the lock. */
struct process *model_find(const struct model *m, pid_t pid);

/* Marks pid watched (kept after exit, full series) or not. A pid not seen
 * yet is watched from its first reading. Returns the process, or NULL if the
 * model has not seen it yet. Caller holds the lock. */
struct process *model_watch(struct model *m, pid_t pid, bool watched);

/* The process an agent with this pid reports on: found, or created from
 * what the agent said (comm from exe's basename) until /proc fills it in.
 * Gives it a profile if it has none. Caller holds the lock. */
struct process *model_agent_process(struct model *m, pid_t pid, const char *exe);

/* Sets p's name, command line and user from what its agent said in its
 * hello (the executable and argv it runs, the peer's uid): they are taken
 * after exec, so they replace a /proc reading taken between fork and exec
 * (perftop's own name and command line). NULL arguments are left alone.
 * Caller holds the lock. */
void model_process_identity(struct process *p, const char *exe, const char *cmdline, uid_t uid,
			    const char *user);

/* What to say of p's agent when it has no samples, in buf: "" when it has
 * samples; "agent connected, 0 samples: the program used no CPU time" when
 * an agent connected; "agent cannot load: REASON" when the executable says
 * why (static, set-id, capabilities); else "no agent connected". p may be
 * NULL. Caller holds the lock. */
void model_agent_status(const struct process *p, char *buf, size_t len);

/* Fills out with up to cap watched pids; returns how many there are.
 * Caller holds the lock. */
size_t model_watched_pids(const struct model *m, pid_t *out, size_t cap);

/* Fills out with up to cap pids a partial scan must read: the watched ones
 * and every process an agent reported on that has not exited yet (so one
 * that dies is marked exited even while no view lists it). Returns how many
 * there are, each once, in no order. The collector reads only these when
 * !m->list_visible. Caller holds the lock. */
size_t model_scan_pids(const struct model *m, pid_t *out, size_t cap);

/* Number of samples of `seconds` at the model's tick (at least 1). */
size_t model_samples_for(const struct model *m, double seconds);

#endif
