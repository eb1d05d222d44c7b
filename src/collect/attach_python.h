/*
 * attach_python — the hook through which Python frames, read from outside
 * the process, join the native stacks of the outside sampler (attach.h).
 *
 * The sampler calls attach_python_frames() once per sample, after the
 * native unwind and before symbolizing, with the native frames leaf first.
 * The hook may insert interpreter frames among them (where the interpreter's
 * evaluation function runs) and returns the new count. In this build it is
 * backed by pyremote (CPython's memory read with process_vm_readv); its
 * per-process state lives behind struct attach_python.
 */
#ifndef PERFTOP_COLLECT_ATTACH_PYTHON_H
#define PERFTOP_COLLECT_ATTACH_PYTHON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One frame of a stack sampled from outside: native (name NULL: pc is a
 * program counter, already moved back into the call for all but the leaf)
 * or interpreted (name set: pc is 0). The strings belong to the hook and
 * stay valid until its next call for the same process. */
struct attach_frame {
	uint64_t pc;
	const char *name; /* qualified function name, e.g. "Parser.parse" */
	const char *file; /* its source file, or NULL */
	int def_line;     /* the function's first line, 0 when unknown */
	int line;         /* the line executing in it, 0 when unknown */
};

struct attach_python;

/* The hook's state for process pid, or NULL when it has none: not a CPython
 * process (why stays ""), or one perftop cannot read (why says the cause and
 * what to do, for the log). Called when the outside sampler starts on pid
 * and again after it execs. */
struct attach_python *attach_python_new(pid_t pid, char *why, size_t why_len);
/* Frees what attach_python_new() returned (NULL is fine). */
void attach_python_free(struct attach_python *py);

/* "3.11.2": the interpreter found, or NULL for no state. */
const char *attach_python_version(const struct attach_python *py);
/* Samples whose Python frames could not be read (a failed or racing read:
 * they kept their native frames only). */
uint64_t attach_python_failed(const struct attach_python *py);

/* One sample of thread tid of process pid: frames[0..n) are its native
 * frames, leaf first, in an array of cap entries. May insert interpreted
 * frames (never guessed: on a failed or racing read it leaves the native
 * frames as they are) and returns the number of frames now in frames. */
size_t attach_python_frames(struct attach_python *py, pid_t pid, pid_t tid,
			    struct attach_frame *frames, size_t n, size_t cap);

#endif
