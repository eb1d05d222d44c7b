/*
 * agent — the in-process profiling agent (libperftop.so): shared state and
 * the subsystem-private functions its files call across each other.
 *
 *   agent.c    start (constructor), stop (destructor), configuration, fork
 *   threads.c  the thread registry: one slot per sampled thread, attach on
 *              thread start (interposed pthread_create), adopt threads it did
 *              not start (/proc/self/task), release on exit
 *   sampler.c  the profiling signal, its handler, per-thread sampling
 *              sources (perf task-clock events or POSIX CPU-time timers),
 *              the exec interposers
 *   signals.c  the program's view of the profiling signal: interposed
 *              sigaction/signal/sigset and sigprocmask/pthread_sigmask,
 *              signals that are not the agent's passed to the program
 *   phdr.c     the cached dl_iterate_phdr the handler unwinds with, module
 *              mappings and build-ids for MAPS
 *   unwmem.c   libunwind's memory checks, with no descriptor
 *   pywalk.c   CPython in the process: its frames read in the handler and
 *              spliced into the native stack
 *   pynames.c  the writer's side of Python frames: names, files and lines
 *   pythreads.c Python's names for the threads it starts
 *   api.c      include/perftop.h: names, zones, counters, gauges, marks
 *   writer.c   the writer thread: its loop, flushes asked for by exec and
 *              exit, the clock, the agent's cost (writer.h: its private
 *              parts, shared with the two files below)
 *   transport.c the socket to perftop: connect, reconnect, descriptor
 *              checks, sends, HELLO, control frames
 *   frames.c   one flush: the rings and the rest encoded into wire frames
 *
 * Ownership. Every thread slot is allocated once with mmap and never
 * unmapped (slots are recycled), so a signal handler scanning the table never
 * touches freed memory. Slot allocation, sampling sources and arming are
 * under agent__g.lock, which only normal code takes, never the handler. The
 * per-thread rings are single-producer single-consumer (ring.h); the writer
 * thread consumes all of them.
 */
#ifndef PERFTOP_AGENT_AGENT_H
#define PERFTOP_AGENT_AGENT_H

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "agent/ring.h"

#ifndef PERFTOP_VERSION
#define PERFTOP_VERSION "0.1.0"
#endif

#define AGENT_MAX_THREADS   4096u /* sampled threads alive at once */
#define AGENT_MAX_DEPTH     128u  /* frames kept per stack sample */
#define AGENT_MAX_NAMES     4096u /* interned zone and counter names */
#define AGENT_MAX_ZONES     1024u
#define AGENT_MAX_COUNTERS  1024u
#define AGENT_NAME_MAX      255u  /* bytes of one name; longer names are cut */
#define AGENT_MARK_MAX      1024u /* bytes of one mark's text */
#define AGENT_EVENT_RING    (64u << 10)
#define AGENT_THREAD_NAME   64u
#define AGENT_EXEC_FLUSH_MS 50u /* the most exec waits for the writer's flush */
#define AGENT_EXIT_FLUSH_MS 30u /* the most _exit waits for the writer's flush */
#define AGENT_WRITER_WAKE_MS 1000u /* ... once the writer has started it; before, at most this */
#define AGENT_PERF_BUDGET   8u  /* perf-event descriptors at most; more threads get POSIX timers */

/* Record kinds in the rings (RING_PAD is 0). */
enum {
	AGENT_REC_SAMPLE = 1, /* arg: depth | weight << 16; ticks; pcs... */
	AGENT_REC_ZONE = 2,   /* arg: zone index; begin ticks; end ticks */
	AGENT_REC_MARK = 3,   /* arg: text length; ticks; text... */
	/* arg: frames | weight << 16; ticks; frames, leaf first: a pc (one
	 * word) or a Python frame (four words, the first with AGENT_PY_TAG) */
	AGENT_REC_PYSAMPLE = 4,
};

#define AGENT_PY_MAX_FRAMES 256u /* Python frames kept per sample (leaf-most) */
#define AGENT_PY_MAX_SEGS   64u  /* eval-loop runs told apart per sample */
#define AGENT_PY_TAG        (1ull << 63) /* marks a Python frame's first word */

enum agent_source {
	AGENT_SOURCE_NONE = 0,
	AGENT_SOURCE_PERF,  /* perf_event task-clock, one fd per thread */
	AGENT_SOURCE_POSIX, /* timer_create(CLOCK_THREAD_CPUTIME_ID), tick-limited */
};

enum agent_thread_state {
	AGENT_THREAD_FREE = 0,
	AGENT_THREAD_LIVE,
	AGENT_THREAD_DEAD, /* exited; the writer drains it, then frees it */
};

/* Exact zone statistics of one zone on one thread, in clock ticks. Written by
 * the owning thread only, inside the thread's zseq seqlock. */
struct agent_zstat {
	uint64_t count, sum, min, max;
};

struct agent_thread {
	_Atomic int32_t tid; /* 0 when free */
	_Atomic int state;   /* enum agent_thread_state */
	int owned;           /* attached by the thread itself (its key destructor detaches) */

	/* Sampling source; under agent__g.lock. perf_fd is checked to be the
	 * event with perf_id (PERF_EVENT_IOC_ID) before each use. */
	int perf_fd;
	dev_t perf_dev;
	ino_t perf_ino;
	uint64_t perf_id;
	timer_t timer;
	int has_timer;
	int timed;   /* sampled by a timer at some point: its weight is settled at the end */
	_Atomic uint64_t exit_cpu_ns; /* its CPU clock when it exited (0: running) */

	/* Producer: the signal handler on this thread. */
	struct ring samples;
	_Atomic uint64_t taken, dropped;
	_Atomic uint64_t low_stack; /* samples skipped: too little stack left */
	_Atomic uint64_t odd_stack; /* samples skipped: on a stack of unknown size */
	/* Weight of every sample taken (handler), and periods of CPU time the
	 * sources missed that the next sample carries (writer, sampler.c). */
	_Atomic uint64_t weighed;
	_Atomic uint32_t debt;
	/* Time the handler ran on this thread, in agent__ticks() units, from
	 * its entry to its exit for the agent's own signals. On-CPU time: the
	 * handler never sleeps (no lock, no blocking call; its futex checks of
	 * memory return at once). Written by the handler only (relaxed), read
	 * by the writer for STATS. */
	_Atomic uint64_t handler_ticks;
	/* The thread's own stack [stack_lo, stack_hi), 0 when unknown (set by
	 * the thread itself at attach). */
	uintptr_t stack_lo, stack_hi;
	/* The thread blocks the profiling signal: its source is disarmed
	 * (signals.c); since when, CLOCK_MONOTONIC ns. */
	_Atomic int blocked;
	_Atomic uint64_t blocked_since;

	/* Producer: this thread's own code (zones, marks). */
	struct ring events;
	_Atomic uint64_t ev_dropped;
	volatile int busy; /* an API call is running on this thread (re-entry guard) */
	_Atomic uint32_t zseq;
	_Atomic uint32_t zused; /* zone indexes below this may have statistics */
	struct agent_zstat *zstats;

	char name[AGENT_THREAD_NAME];
	_Atomic uint32_t name_gen;

	/* Writer-private, per connection. */
	uint64_t w_low_stack; /* low_stack last reported */
	uint64_t w_odd_stack; /* odd_stack last reported */
	int w_cpu_valid;      /* w_cpu and w_weighed hold the last tick's */
	uint64_t w_cpu, w_weighed;
	int64_t w_cpu_carry;
	uint64_t w_requeued;  /* weight the writer put back into debt (so counted twice in weighed) */
	uint32_t w_settle;    /* periods owed at the thread's end, for its next drained sample */
	uint64_t w_blocked_s;     /* stretches of blocking reported */
	uint64_t w_blocked_since; /* blocked_since of the last one */
	/* Re-checks of a blocked thread's mask (sampler.c): how many in a row
	 * found it open, and its voluntary switches and run time then. */
	uint32_t w_open_seen;
	uint64_t w_open_vcsw, w_open_run;
	uint32_t w_name_gen;
	int w_announced;
	uint32_t w_zseq;

	size_t map_len; /* bytes mapped for this slot */
	/* The handler's scratch for Python frames (4 words each,
	 * AGENT_PY_MAX_FRAMES), in the slot's mapping. */
	uint64_t *py_scratch;
	uintptr_t py_tstate; /* the handler's: its CPython thread state, checked */
};

struct agent_config {
	unsigned hz; /* 0: no sampling */
	int signo;   /* asked for */
	unsigned flush_ms;
	int quiet;
	int verbose; /* PERFTOP_VERBOSE: notices also on stderr */
	int source;  /* enum agent_source wanted, NONE = automatic */
	unsigned depth;
	int python; /* PERFTOP_PYTHON: read CPython's frames */
	char socket[108];
};

struct agent {
	struct agent_config cfg;
	_Atomic int started;
	pid_t pid;

	/* What is recorded now. */
	_Atomic int active;   /* zones, counters, marks */
	_Atomic int sampling; /* stack samples */

	/* Registry and sampling; normal code only. */
	pthread_mutex_t lock;
	_Atomic uint32_t nslots; /* slots[0..nslots) have been used */
	struct agent_thread *_Atomic slots[AGENT_MAX_THREADS];
	pthread_key_t key;
	int signo;            /* the signal in use, 0 when sampling is off */
	int source;           /* enum agent_source */
	int armed;            /* sources ticking */
	unsigned perf_fds;    /* perf-event descriptors open now */
	unsigned perf_budget; /* ... at most (agent__perf_budget at start) */
	unsigned posix_extra; /* threads given a POSIX timer for want of budget */
	unsigned thread_timers; /* threads started later, given a POSIX timer */
	uint64_t period_ns;
	size_t sample_ring_bytes;

	/* Clock: raw ticks (TSC or CLOCK_MONOTONIC ns) and their origin. */
	int use_tsc;
	uint64_t ticks0, ns0;
	/* ns per tick as the writer last calibrated it (0: not yet), for
	 * pt_zone_record_ns, which turns a duration in ns into ticks. */
	_Atomic double ns_per_tick;

	/* Writer thread. */
	pthread_t writer;
	int writer_running;
	_Atomic int stop;
	_Atomic pid_t writer_tid;
	_Atomic uint32_t wake;       /* futex: bumped to wake the writer */
	_Atomic int writer_private;  /* the writer has a descriptor table of its own */
	_Atomic uint32_t flush_req;  /* flushes asked for (agent__writer_flush) */
	_Atomic uint32_t flush_started; /* the writer has begun flush number flush_started */
	_Atomic uint32_t flush_done; /* futex: flushes done */
	/* The writer's pidfd of this process, in the writer's own table, for
	 * pidfd_getfd() copies of the program's perf events; -1 when the kernel
	 * refused that and the writer keeps the copies its table was made with. */
	int writer_pidfd;
	/* Perf events may be opened: only while the process has one thread (the
	 * constructor, a fork child's handler), so no number the kernel hands
	 * out can be one a thread of the program is opening at that moment. */
	int perf_open_ok;
};

/* Hidden by -fvisibility=hidden: internal to the library. */
extern struct agent agent__g;
extern __thread struct agent_thread *agent__self __attribute__((tls_model("initial-exec")));
extern __thread int agent__in_handler __attribute__((tls_model("initial-exec")));
/* agent__in_handler while the handler runs libunwind's fast trace
 * (sampler.c): unwmem.c then checks every read. */
#define AGENT_IN_TRACE 2

/* ---- clock ---- */
static inline uint64_t agent__ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
	if (__builtin_expect(agent__g.use_tsc, 1))
		return __builtin_ia32_rdtsc();
#endif
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
/* Chooses the tick source and records its origin. */
void agent__clock_init(void);
/* CLOCK_MONOTONIC now, in ns. */
uint64_t agent__now_ns(void);

/* ---- agent.c ---- */
/* Prints "perftop: <message>" on stderr unless PERFTOP_QUIET is set. Only
 * for what the user asked for (a bad PERFTOP_* variable) or asked to see
 * (PERFTOP_VERBOSE); everything about sampling goes to perftop as a notice. */
void agent__say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Records a notice for perftop: what the agent cannot do, on which thread
 * (tid 0: the whole process) and why. code is a short machine-readable word
 * (AGENT_NOTICE_CODE bytes at most), count a number the code gives a meaning
 * to. A notice with the same tid and code replaces the older one. Normal
 * code only (takes a lock); at most AGENT_MAX_NOTICES are kept. With
 * PERFTOP_VERBOSE the text also goes to stderr. */
void agent__notice(pid_t tid, const char *code, uint64_t count, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Calls fn for every notice changed after generation gen (0: all) and
 * returns the newest generation. fn returns 0, or < 0 to stop (the notice
 * and later ones go again next time). Writer thread only. */
struct agent_notice_view {
	pid_t tid;
	const char *code, *text;
	uint64_t count;
};
uint32_t agent__notices_send(uint32_t gen, int (*fn)(void *ctx, const struct agent_notice_view *n),
                             void *ctx);
#define AGENT_MAX_NOTICES 256u
#define AGENT_NOTICE_CODE 24u
#define AGENT_NOTICE_TEXT 200u
/* Starts the agent once (constructor, or lazily from the API). */
void agent__start(void);
/* Moves a descriptor the agent just created to a high number, close-on-exec
 * (see agent.c); returns the new number, or -1 (fd closed) when there is no
 * room up there. */
int agent__fd_high(int fd);
/* How many perf-event descriptors the agent may hold under the current
 * RLIMIT_NOFILE (AGENT_PERF_BUDGET, fewer under a small limit). */
unsigned agent__perf_budget(void);

/* ---- threads.c ---- */
/* The calling thread's slot, attaching it if needed; NULL when the agent is
 * not running or no slot is free. Not for signal handlers. */
struct agent_thread *agent__thread_get(void);
/* Names thread t (what THREAD sends); from_python: a name Python gave it,
 * which does not replace one the program set. Normal code, on any thread. */
void agent__thread_set_name(struct agent_thread *t, const char *name, int from_python);
/* The slot of the calling thread, whose id is tid, for the signal handler:
 * TLS when it names tid, else a lock-free scan. NULL when it has none.
 * Async-signal-safe. */
struct agent_thread *agent__thread_find(pid_t tid);
/* Attaches the calling thread (start of a thread, the constructor). */
struct agent_thread *agent__thread_attach(void);
/* Adopts every thread in /proc/self/task the agent has no slot for, and
 * marks adopted slots whose thread is gone as dead. Never the writer. */
void agent__threads_scan(void);
/* 1 when some thread's rings hold records the writer has not taken. */
int agent__threads_pending(void);
/* Turns every slot's sampling source on or off (period agent__g.period_ns). */
void agent__threads_arm(int on);
/* Frees a dead slot once the writer has drained it. */
void agent__thread_free(struct agent_thread *t);
/* After fork, in the child: only the calling thread survives. */
void agent__threads_after_fork(void);
/* Resolves the real pthread_create and friends. */
void agent__threads_init(void);

/* ---- sampler.c ---- */
/* Chooses the signal, installs the handler, probes the source. Returns 0 or
 * a negative errno (sampling then stays off). */
int agent__sampler_init(void);
/* Creates the sampling source of t for thread tid (self or another of this
 * process); under agent__g.lock. Returns 0 or a negative errno. */
int agent__source_open(struct agent_thread *t, pid_t tid);
/* Arms (period_ns > 0) or disarms t's source; under agent__g.lock. */
void agent__source_arm(struct agent_thread *t, uint64_t period_ns);
/* Closes t's source; under agent__g.lock. */
void agent__source_close(struct agent_thread *t);
/* In a forked child: closes the child's copy of t's perf descriptor when the
 * number still holds that event, and forgets the source (timers are not
 * inherited). */
void agent__source_forget(struct agent_thread *t);
/* From the writer, when a timer-sampled thread ends (or the process does):
 * the periods of its CPU time that its samples have not yet carried (up to
 * its exit's CPU clock when it is dead), for the writer to put on the
 * samples still queued; the thread is no longer weighed after. */
uint32_t agent__sampler_settle(struct agent_thread *t, pid_t tid);
/* 1 while the handler is still installed for agent__g.signo. */
int agent__sampler_check(void);
/* Each flush, from the writer: when the handler was replaced behind
 * sigaction's back, stops sampling for good and says so. Returns 1 then. */
int agent__sampler_watch(void);
/* Once a second, from the writer: notices for threads that block the
 * signal and samples skipped for lack of stack; re-checks blocked threads'
 * masks in /proc. */
void agent__sampler_tick(uint64_t now_ns);
/* Each flush, from the writer: re-checks the masks of threads marked
 * blocked within the last second, and says at once when a thread first
 * skipped samples for lack of stack (the tick says the later counts). */
void agent__sampler_flush_check(uint64_t now_ns);
/* Records the calling thread's stack bounds and signal mask in t (attach). */
void agent__thread_signal_state(struct agent_thread *t);
/* One unwind outside any handler, to initialise libunwind for this thread. */
void agent__unwind_warmup(void);
/* Writer thread, once: finds whether the handler may take libunwind's fast
 * trace (sampler.c), at the cost of a trace cache for the writer. */
void agent__unwind_trace_probe(void);
/* Turns sampling off and waits until no handler runs on any thread (before
 * fork). Returns the previous agent__g.sampling. */
int agent__sampler_quiesce(void);
extern pthread_mutex_t agent__unwind_lock;

/* ---- signals.c ---- */
/* The real sigaction and sigprocmask, past the interposers. */
int agent__real_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int agent__real_sigmask(int how, const sigset_t *set, sigset_t *old);
/* Resolves the real functions. */
void agent__signals_init(void);
/* From now on the program's view of sig is virtual: act is what it had
 * before the agent took the signal. */
void agent__signals_take(int sig, const struct sigaction *act);
/* Gives the signal back: the interposers pass straight through again (the
 * handler was replaced behind their back). */
void agent__signals_release(void);
/* When the program ignores the agent's signal, makes the real disposition
 * SIG_IGN (so a child or an exec'd image inherits it, as without the agent)
 * and returns the signal, its handler saved in *ours; else returns 0.
 * agent__signals_unlend(sig, ours) puts the handler back. */
int agent__signals_lend_ign(struct sigaction *ours);
void agent__signals_unlend(int sig, const struct sigaction *ours);
/* Non-zero while a lend is in progress (the handler is not ours on purpose). */
int agent__signals_borrowed(void);
/* 1 when the program has a handler of its own for the agent's signal (its
 * view), 0 for SIG_DFL and SIG_IGN. Async-signal-safe. */
int agent__signals_program_handles(void);
/* In the handler, for a signal that is not the agent's: does what the
 * program's disposition says (its handler with its mask and flags, ignore,
 * or the default action). Async-signal-safe. */
void agent__signals_forward(int sig, siginfo_t *si, void *uc);
/* Arms or disarms t's source without the lock, from t's own thread (the
 * mask interposers) or under the lock; honours t->blocked. */
void agent__source_pause(struct agent_thread *t, int pause);

/* ---- phdr.c ---- */
/* Builds the first module table. */
void agent__phdr_init(void);
/* Rebuilds the table when modules were loaded or unloaded since the last
 * call (or always when force). Returns 1 when it changed. Normal code only. */
int agent__phdr_refresh(int force);
/* 1 when pc lies in libunwind's code (known after agent__phdr_init). */
int agent__phdr_in_unwinder(uintptr_t pc);
/* Generation of the table; changes with every rebuild. */
uint32_t agent__phdr_generation(void);

/* One executable mapping, for MAPS. */
struct agent_map {
	uint64_t start, end, offset;
	const char *path;
	const uint8_t *build_id;
	uint32_t build_id_len;
};
/* Calls fn for each executable mapping of the current table, in order,
 * starting at the first'th. When fn returns non-zero it stops and returns
 * that mapping's index (to start from next time); UINT32_MAX when it went
 * through them all. Writer thread only. */
uint32_t agent__phdr_maps(uint32_t first, int (*fn)(void *ctx, const struct agent_map *m),
                          void *ctx);
/* The departed log: each executable mapping of a module that a rebuild found
 * gone (dlclose) is appended, numbered from 0 for the process; the last
 * AGENT_PHDR_GONE are kept. agent__phdr_gone_end is the next number.
 * agent__phdr_gone calls fn for those numbered [first, end) still kept
 * (stopping when fn returns non-zero). Writer thread only. */
#define AGENT_PHDR_GONE 256u
uint32_t agent__phdr_gone_end(void);
void agent__phdr_gone(uint32_t first, uint32_t end, int (*fn)(void *ctx, const struct agent_map *m),
                      void *ctx);

/* ---- unwmem.c ---- */
/* Replaces libunwind's descriptor-based memory checks (after
 * agent__phdr_init, before any unwind). Returns 0 or a negative errno. */
int agent__unwmem_init(void);
/* Starts one unwind: forgets the pages found readable. Async-signal-safe. */
void agent__unwmem_begin(void);
/* 1 when [addr, addr + len) can be read, checked with no descriptor.
 * Async-signal-safe. */
int agent__unwmem_readable(uintptr_t addr, size_t len);

/* ---- api.c (names) ---- */
struct agent_name {
	uint32_t kind;  /* enum wire_name_kind */
	uint32_t index; /* zone or counter index */
	uint32_t hash, len;
	const char *text;
};
/* Names with ids 1..agent__name_count() are complete (acquire). */
uint32_t agent__name_count(void);
const struct agent_name *agent__name(uint32_t id);
uint32_t agent__zone_name(uint32_t zone_index);
uint32_t agent__zone_count(void);

struct agent_counter {
	uint32_t name;
	_Atomic int64_t total;
	_Atomic uint64_t gauge_bits; /* double */
	_Atomic uint64_t gauge_ticks;
	_Atomic uint32_t gauge_seq; /* bumped by every pt_gauge_set */
	_Atomic uint32_t used;      /* 1 counter, 2 gauge */
};
uint32_t agent__counter_count(void);
struct agent_counter *agent__counter(uint32_t index);
/* After fork in the child: totals back to zero; names kept. */
void agent__api_after_fork(void);
/* The name table's lock, for fork. */
extern pthread_mutex_t agent__names_lock;

/* ---- pywalk.c ---- */
struct pyrt_layout;
/* CPython in this process, found at start (agent__py_init); L NULL: no
 * Python frames are read. */
struct agent_py {
	const struct pyrt_layout *L;
	unsigned long version;                 /* Py_Version, 0 when no CPython */
	void *(*this_tstate)(void);            /* PyGILState_GetThisThreadState */
	int (*initialized)(void), (*finalizing)(void);
	uintptr_t code_type, str_type, bytes_type, none;
	uintptr_t eval_lo, eval_hi;            /* _PyEval_EvalFrameDefault */
	_Atomic uint64_t unread;     /* samples whose Python frames could not be read */
	_Atomic uint64_t unresolved; /* Python frames the writer could not name */
};
extern struct agent_py agent__py;
/* Where each eval-loop run's frames end in a walk's output (frame counts,
 * leaf first); cut: frames or segments were left out; bad: a read failed. */
struct agent_py_segs {
	uint16_t end[AGENT_PY_MAX_SEGS];
	uint32_t n;
	int cut, bad;
};
/* Looks for CPython in the process (constructor, normal code). */
void agent__py_init(void);
/* Signal handler: thread t's (the caller's) Python frames, leaf first, four words
 * each into out (at most max frames); 0 when it runs none, or when a read
 * failed (segs->bad). */
uint32_t agent__py_walk(struct agent_thread *t, uint64_t *out, uint32_t max,
                        struct agent_py_segs *segs);
/* Signal handler: splices p Python frames (py, with segs) into the n
 * native pcs found at out + agent__py_words(0, p, segs) (an unwind of at
 * most depth_max), writing the stack at out (agent__py_words(n, p, segs)
 * words: n + 4p, and 4 more when Python frames were cut). Returns its
 * frames. */
uint32_t agent__py_splice(uint64_t *out, uint32_t n, uint32_t depth_max, const uint64_t *py,
                          uint32_t p, const struct agent_py_segs *segs);
uint32_t agent__py_words(uint32_t n, uint32_t p, const struct agent_py_segs *segs);

/* ---- pynames.c (writer thread) ---- */
/* A NAME for perftop: id, kind (enum wire_name_kind), text, line. */
typedef int (*agent_py_name_fn)(void *ctx, uint32_t id, uint32_t kind, const char *text,
                                uint32_t len, uint32_t line);
/* The named frame for the Python frame at w (four words of a
 * AGENT_REC_PYSAMPLE record): ids of its function and file, its line.
 * Names perftop has not had on this connection go out first through
 * put_name. Returns 0, or < 0 when put_name failed (nothing sent). */
int agent__py_frame(const uint64_t *w, uint32_t *name, uint32_t *file, uint32_t *line,
                    agent_py_name_fn put_name, void *ctx);
/* A new connection: every name is sent again before it is used. */
void agent__py_connected(void);

/* ---- pythreads.c ---- */
/* In pthread_create, on the calling thread: when it is Python's
 * Thread.start() running with the GIL, the new thread's Python name into
 * out; returns 1 then, else 0 (out ""). Normal code only. */
int agent__pythreads_starting(char *out, size_t len);

/* ---- writer.c ---- */
/* Starts the writer thread. Returns 0 or a negative errno. */
int agent__writer_start(void);
/* Stops it after a last flush (bounded). */
void agent__writer_stop(void);
/* Has the writer send everything recorded so far and waits for it: at most
 * AGENT_WRITER_WAKE_MS for the writer thread to get the CPU and begin (on a
 * loaded machine it may wait its turn like any thread of the program), then
 * at most max_ms more (the part perftop can delay: the writer bounds its own
 * wait for the socket). At once when there is no writer or the caller is
 * the writer. Normal code only. */
void agent__writer_flush(unsigned max_ms);
/* After fork in the child: forget the parent's connection. */
void agent__writer_after_fork(void);

/* ---- creds.c ---- */
/* Writer thread only, in its loop: copies the capabilities and secure bits
 * a set*id caller asked for onto the writer (last: the writer is ending,
 * and no caller must wait for it any more). */
void agent__creds_serve(int last);
/* After fork in the child: no request pending. */
void agent__creds_after_fork(void);

#endif
