/* attach_unwind — libdw over a copied user stack; see attach_unwind.h. */
#include "collect/attach_unwind.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* perf_regs order (ATTACH_UNWIND_REGS_MASK) */
enum { PR_AX, PR_BX, PR_CX, PR_DX, PR_SI, PR_DI, PR_BP, PR_SP, PR_IP, PR_R8 };

struct attach_unwind {
	pid_t pid;
	Dwfl *dwfl;
	bool dirty, attached;
	char *debuginfo_path;
	Dwfl_Callbacks callbacks; /* libdw keeps a pointer to them */
	/* the sample being unwound: the callbacks read these */
	const struct attach_unwind_sample *s;
	uint64_t sp;
	bool beyond; /* a read above a full copy was refused */
	uint64_t *pcs;
	size_t n, cap;
};

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

static pid_t cb_next_thread(Dwfl *dwfl, void *arg, void **thread_arg)
{
	(void)dwfl;
	(void)arg;
	(void)thread_arg;
	return 0; /* threads are asked for by tid, one sample at a time */
}

static bool cb_get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_arg)
{
	(void)dwfl;
	(void)tid;
	*thread_arg = arg;
	return true;
}

/* Words of the copied stack only. */
static bool cb_memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct attach_unwind *u = arg;
	const struct attach_unwind_sample *s = u->s;

	(void)dwfl;
	if (!s || addr < u->sp || addr + sizeof(*result) > u->sp + s->stack_size) {
		if (s && s->stack_full && addr >= u->sp + s->stack_size &&
		    addr < u->sp + s->stack_size + (1u << 20))
			u->beyond = true;
		return false;
	}
	memcpy(result, s->stack + (addr - u->sp), sizeof(*result));
	return true;
}

static bool cb_set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct attach_unwind *u = arg;
	const uint64_t *r = u->s->regs;
	/* DWARF x86-64 order: rax rdx rcx rbx rsi rdi rbp rsp r8..r15 */
	Dwarf_Word d[16] = {
		r[PR_AX], r[PR_DX], r[PR_CX], r[PR_BX], r[PR_SI], r[PR_DI], r[PR_BP], r[PR_SP],
		r[PR_R8], r[PR_R8 + 1], r[PR_R8 + 2], r[PR_R8 + 3],
		r[PR_R8 + 4], r[PR_R8 + 5], r[PR_R8 + 6], r[PR_R8 + 7],
	};

	if (!dwfl_thread_state_registers(thread, 0, 16, d))
		return false;
	dwfl_thread_state_register_pc(thread, r[PR_IP]);
	return true;
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = cb_next_thread,
	.get_thread = cb_get_thread,
	.memory_read = cb_memory_read,
	.set_initial_registers = cb_set_initial_registers,
};

/* Reports the modules from /proc/PID/maps (again) and attaches once. */
static int report(struct attach_unwind *u, char *why, size_t why_len)
{
	int rc;

	dwfl_report_begin(u->dwfl);
	rc = dwfl_linux_proc_report(u->dwfl, u->pid);
	if (dwfl_report_end(u->dwfl, NULL, NULL) != 0 || rc != 0) {
		snprintf(why, why_len, "cannot read the mappings of pid %ld: %s", (long)u->pid,
			 rc > 0 ? strerror(rc) : dwfl_errmsg(-1));
		return rc > 0 ? -rc : -EINVAL;
	}
	u->dirty = false;
	if (!u->attached) {
		if (!dwfl_attach_state(u->dwfl, NULL, u->pid, &thread_callbacks, u)) {
			snprintf(why, why_len, "cannot unwind pid %ld: %s", (long)u->pid,
				 dwfl_errmsg(-1));
			return -EINVAL;
		}
		u->attached = true;
	}
	return 0;
}

static int open_dwfl(struct attach_unwind *u, char *why, size_t why_len)
{
	u->callbacks = proc_callbacks;
	u->callbacks.debuginfo_path = &u->debuginfo_path;
	u->dwfl = dwfl_begin(&u->callbacks);
	if (!u->dwfl) {
		snprintf(why, why_len, "libdw: %s", dwfl_errmsg(-1));
		return -ENOMEM;
	}
	u->attached = false;
	return report(u, why, why_len);
}

static void close_dwfl(struct attach_unwind *u)
{
	if (u->dwfl) {
		dwfl_end(u->dwfl);
		u->dwfl = NULL;
	}
}

struct attach_unwind *attach_unwind_new(pid_t pid, char *why, size_t why_len)
{
	struct attach_unwind *u = xcalloc(1, sizeof(*u));

	u->pid = pid;
	if (open_dwfl(u, why, why_len) < 0) {
		attach_unwind_free(u);
		return NULL;
	}
	return u;
}

void attach_unwind_free(struct attach_unwind *u)
{
	if (!u)
		return;
	close_dwfl(u);
	free(u);
}

void attach_unwind_maps_changed(struct attach_unwind *u, bool exec)
{
	char why[256];

	if (exec) {
		close_dwfl(u);
		if (open_dwfl(u, why, sizeof(why)) < 0)
			close_dwfl(u);
		return;
	}
	u->dirty = true;
}

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct attach_unwind *u = arg;
	Dwarf_Addr pc;
	bool activation;

	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	if (!activation && pc > 0)
		pc--;
	if (u->n && pc == 0)
		return DWARF_CB_ABORT;
	u->pcs[u->n++] = pc;
	return u->n < u->cap ? DWARF_CB_OK : DWARF_CB_ABORT;
}

size_t attach_unwind_stack(struct attach_unwind *u, const struct attach_unwind_sample *s,
			   uint64_t *pcs, size_t cap, bool *truncated)
{
	char why[256];

	*truncated = false;
	if (!cap)
		return 0;
	if (u->dwfl && u->dirty && report(u, why, sizeof(why)) < 0)
		u->dirty = false; /* the process may be gone: keep what was reported */
	if (!u->dwfl || s->nregs < ATTACH_UNWIND_NREGS || !s->stack_size) {
		/* in the kernel, the user registers say where the call came from */
		pcs[0] = s->nregs >= ATTACH_UNWIND_NREGS ? s->regs[PR_IP] : s->ip;
		return 1;
	}
	u->s = s;
	u->sp = s->regs[PR_SP];
	u->beyond = false;
	u->pcs = pcs;
	u->n = 0;
	u->cap = cap;
	(void)dwfl_getthread_frames(u->dwfl, s->tid, frame_cb, u);
	u->s = NULL;
	if (u->n == 0)
		pcs[u->n++] = s->regs[PR_IP];
	*truncated = u->beyond && u->n < cap;
	return u->n;
}
