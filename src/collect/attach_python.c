/*
 * attach_python — the Python frames hook of the outside sampler (see
 * attach_python.h): CPython's frames read from outside by pyremote, spliced
 * into each sample's native stack with the rule the agent uses.
 *
 * A process that is not CPython, or one whose memory may not be read, gets
 * no state: its samples keep their native frames, and why is said once.
 * After an exec the state is rebuilt (attach_python_exec), since the new
 * program may or may not be an interpreter.
 */
#include "collect/attach_python.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/pyremote.h"
#include "util/xalloc.h"

struct attach_python {
	struct pyremote *rd;
	struct pyremote_stack st;   /* about 10 KB: kept here, not on a stack */
	size_t alloc;               /* entries in the three arrays below */
	uint64_t *pcs;
	struct attach_frame *native;
	struct pyremote_slot *slots;
};

struct attach_python *attach_python_new(pid_t pid, char *why, size_t why_len)
{
	struct attach_python *py;
	struct pyremote *rd;
	char err[512];
	int rc;

	if (why_len)
		why[0] = '\0';
	rc = pyremote_open(&rd, pid, err, sizeof(err));
	if (rc < 0) {
		/* not an interpreter is the common case, not worth a word */
		if (rc != -ENOEXEC && rc != -ESRCH && why_len)
			snprintf(why, why_len, "%s", err);
		return NULL;
	}
	py = xcalloc(1, sizeof(*py));
	py->rd = rd;
	return py;
}

void attach_python_free(struct attach_python *py)
{
	if (!py)
		return;
	pyremote_close(py->rd);
	free(py->pcs);
	free(py->native);
	free(py->slots);
	free(py);
}

const char *attach_python_version(const struct attach_python *py)
{
	return py ? pyremote_version(py->rd) : NULL;
}

uint64_t attach_python_failed(const struct attach_python *py)
{
	struct pyremote_stats st;

	if (!py)
		return 0;
	pyremote_stats(py->rd, &st);
	return st.failed;
}

size_t attach_python_frames(struct attach_python *py, pid_t pid, pid_t tid,
			    struct attach_frame *frames, size_t n, size_t cap)
{
	uint32_t w;

	(void)pid;
	if (!py || n == 0 || cap == 0 || pyremote_frames(py->rd, tid, &py->st) <= 0)
		return n;
	if (py->alloc < cap) {
		py->pcs = xreallocarray(py->pcs, cap, sizeof(*py->pcs));
		py->native = xreallocarray(py->native, cap, sizeof(*py->native));
		py->slots = xreallocarray(py->slots, cap, sizeof(*py->slots));
		py->alloc = cap;
	}
	for (size_t i = 0; i < n; i++) {
		py->pcs[i] = frames[i].pc;
		py->native[i] = frames[i];
	}
	w = pyremote_splice(py->rd, py->pcs, (uint32_t)n, n >= cap, &py->st, py->slots,
			    (uint32_t)cap);
	for (uint32_t k = 0; k < w; k++) {
		const struct pyremote_slot *s = &py->slots[k];

		if (s->python) {
			const struct pyremote_frame *f = &py->st.frame[s->index];

			frames[k] = (struct attach_frame){
				.pc = 0,
				.name = f->name,
				.file = f->file && f->file[0] ? f->file : NULL,
				.def_line = f->first > 0 ? f->first : 0,
				.line = f->line > 0 ? f->line : 0,
			};
		} else {
			frames[k] = py->native[s->index];
		}
	}
	return w;
}
