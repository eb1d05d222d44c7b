/*
 * pyremote — the Python frames of a thread of another process, read from
 * outside with process_vm_readv (no agent, no ptrace, nothing written or
 * stopped), named, and spliced into that thread's native stack.
 *
 * pyremote_open finds CPython in the process by the symbols its modules
 * define (Py_Version, _PyRuntime, PyCode_Type, ...; never by file names)
 * and picks the version's layout from pyrt (3.13's own debug offsets must
 * agree with it). pyremote_frames reads one thread's frame chain as one
 * consistent copy: the frames and code objects read for that thread last
 * time are read again in the same system call as its thread state, and
 * two such copies in a row must agree, so a stack that kept its shape
 * costs two calls (a code object not seen on that thread before, one
 * more); names, files and line tables are read once per code object and
 * cached.
 * A read that fails or races with the running program gives no Python
 * frames for that sample and counts a failure: never a guessed frame.
 * pyremote_splice merges the frames into the native stack with the rule
 * the agent uses (pyrt_splice_anchors).
 *
 * One context per process, used by one thread at a time. Strings handed
 * out stay valid until pyremote_close.
 */
#ifndef PERFTOP_COLLECT_PYREMOTE_H
#define PERFTOP_COLLECT_PYREMOTE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PYREMOTE_MAX_FRAMES 256u /* Python frames kept per sample (leaf-most) */
#define PYREMOTE_MAX_SEGS   64u  /* eval-loop runs told apart per sample */
/* The function name of the frame that marks outer frames left out. */
#define PYREMOTE_CUT_NAME "<outer Python frames not read>"

struct pyremote;

/* One Python frame. code and gen together name one code object for the
 * life of the context (an address reused by another code object gets a
 * new gen). The mark of a cut has code 0, name PYREMOTE_CUT_NAME, no file. */
struct pyremote_frame {
	uint64_t code;    /* the code object's address in the target */
	uint32_t gen;     /* the reader's generation of that address */
	int32_t first;    /* co_firstlineno: the line of the def */
	int32_t line;     /* the line running (the def line when unknown) */
	const char *name; /* co_qualname, UTF-8 */
	const char *file; /* co_filename, UTF-8 ("" for the cut mark) */
};

/* A thread's Python stack, leaf first, in segments: one per run of the
 * eval loop, seg_end[k] the index one past the k-th segment's last frame. */
struct pyremote_stack {
	uint32_t n;
	uint32_t nseg;
	int cut; /* frames beyond PYREMOTE_MAX_FRAMES were left out: the last
	          * frame is the cut mark */
	uint16_t seg_end[PYREMOTE_MAX_SEGS];
	struct pyremote_frame frame[PYREMOTE_MAX_FRAMES + 1];
};

/* What the reader counted since open. */
struct pyremote_stats {
	uint64_t samples;      /* pyremote_frames calls */
	uint64_t failed;       /* of them: a failed or racing read (no Python frames) */
	uint64_t syscalls;     /* process_vm_readv calls, all of them */
	uint64_t code_learned; /* code objects named (cache misses) */
	uint64_t rescans;      /* walks of the interpreters' thread lists */
};

/* Opens pid for reading its Python frames. Returns 0 with *out set, or a
 * negative errno with a message for a person in err (what, and what to do):
 *   -ESRCH            no such process (or it exited while opening);
 *   -ENOEXEC          not a CPython process (no module defines its symbols);
 *   -EPROTONOSUPPORT  a CPython perftop cannot read (the version is said:
 *                     older than 3.11, newer than 3.13, another build);
 *   -EPERM, -EACCES   its memory may not be read: the cause (another user,
 *                     a process that is not dumpable, Yama's ptrace_scope,
 *                     no CAP_SYS_PTRACE) and what to do.
 * Nothing is written to the process and it is not stopped. */
int pyremote_open(struct pyremote **out, pid_t pid, char *err, size_t err_len);
/* Releases the context (NULL allowed); the target is left as it was. */
void pyremote_close(struct pyremote *ctx);

/* "3.11.2": the version found. */
const char *pyremote_version(const struct pyremote *ctx);

/* Reads thread tid's Python frames into out (leaf first, segments marked).
 * Returns the number of frames: 0 when the thread runs no Python (no
 * thread state, or an empty chain), or -EAGAIN for a read that raced with
 * the program or found something that is not a frame, -ESRCH when the
 * process is gone, -EFAULT for memory that could not be read (these count
 * in stats.failed; out->n is 0). */
int pyremote_frames(struct pyremote *ctx, pid_t tid, struct pyremote_stack *out);

/* Every thread of the process that has a Python thread state, as kernel
 * tids into tids (up to max). Returns how many, or a negative errno. */
int pyremote_threads(struct pyremote *ctx, pid_t *tids, size_t max);

/* One entry of a merged stack: a native frame (the index of its pc) or a
 * Python frame (the index in the pyremote_stack). */
struct pyremote_slot {
	uint8_t python; /* 1: index is a Python frame's */
	uint32_t index;
};

/* Merges py into the native stack pcs[0..n) (leaf first; pcs[i] for i > 0
 * are return addresses) of the same thread: each segment goes just
 * leaf-side of its eval-loop frame (_PyEval_EvalFrameDefault, found by
 * address), the cut mark after the outermost Python frame.
 * native_cut: the native stack was cut short (copy size, depth). Writes at
 * most max slots to out and returns how many. */
uint32_t pyremote_splice(const struct pyremote *ctx, const uint64_t *pcs, uint32_t n,
                         int native_cut, const struct pyremote_stack *py, struct pyremote_slot *out,
                         uint32_t max);

/* Where the eval loop's function (_PyEval_EvalFrameDefault) lies in the
 * target: [*lo, *hi); 0 and 0 when the interpreter does not say (then
 * pyremote_splice puts Python frames at the root end). */
void pyremote_eval_range(const struct pyremote *ctx, uint64_t *lo, uint64_t *hi);

/* The counters (see struct pyremote_stats). */
void pyremote_stats(const struct pyremote *ctx, struct pyremote_stats *st);

#endif
