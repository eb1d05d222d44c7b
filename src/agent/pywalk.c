/*
 * pywalk — the Python frames of a sampled thread, read in the signal handler
 * and spliced into its native stack.
 *
 * At start the agent looks for CPython in the process by its exported
 * symbols (Py_Version, PyGILState_GetThisThreadState, PyCode_Type, the eval
 * loop's function), never by file names, and picks the version's layout
 * (pyrt.h). A version it does not know is said once (notice "python-version")
 * and its stacks stay native.
 *
 * In the handler, on the interrupted thread: its thread state (the gilstate
 * one: still set while the thread runs C code with the GIL released),
 * checked to be this thread's; then its frame chain, leaf first. Every page
 * a read touches is first checked to be readable without a fault
 * (agent__unwmem_readable: a system call that takes no descriptor), every
 * code object's type is checked, depth is bounded: a read that fails drops
 * the sample's Python part (counted in agent__py.unread, shown as a notice),
 * never the program. Nothing is decoded here: each frame becomes four words
 * (code, qualified name and file objects, first line and instruction), which
 * the writer turns into names and lines (pynames.c).
 *
 * The splice: the rule of pyrt_splice_anchors (pyrt.h, shared with the
 * reader outside the process): the k-th segment of Python frames goes just
 * leaf-side of the k-th eval-loop frame of the native stack (the eval frame
 * stays, perftop hides the interpreter's own frames by default); this file
 * finds the eval frames by address and moves the words in place.
 * Python frames beyond AGENT_PY_MAX_FRAMES (the leaf-most are kept) are
 * marked by a frame of their own (code 0) after the outermost one kept, so
 * a view shows the cut instead of a wrong root.
 */
#include "agent/agent.h"

#include <dlfcn.h>
#include <link.h>
#include <stdbool.h>
#include <string.h>

#include "pyrt/pyrt.h"

struct agent_py agent__py;

/* ---- finding the interpreter ------------------------------------------- */

static void *sym(const char *name)
{
	return dlsym(RTLD_DEFAULT, name);
}

/* The version of a CPython older than 3.11 (no Py_Version): from the text
 * Py_GetVersion() returns ("3.10.13 (main, ..."). */
static unsigned long version_from_text(const char *(*get)(void))
{
	const char *s = get ? get() : NULL;
	unsigned long major = 0, minor = 0, micro = 0;

	if (!s)
		return 0;
	while (*s >= '0' && *s <= '9')
		major = major * 10 + (unsigned long)(*s++ - '0');
	if (*s++ != '.')
		return 0;
	while (*s >= '0' && *s <= '9')
		minor = minor * 10 + (unsigned long)(*s++ - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			micro = micro * 10 + (unsigned long)(*s - '0');
	return major << 24 | minor << 16 | micro << 8 | 0xf0;
}

void agent__py_init(void)
{
	const unsigned long *version = sym("Py_Version");
	const char *(*get_version)(void) = (const char *(*)(void))sym("Py_GetVersion");
	void *eval = sym("_PyEval_EvalFrameDefault");
	const struct pyrt_layout *L;
	unsigned long hex;
	char vtext[32];
	Dl_info info;
	const ElfW(Sym) *esym = NULL;

	memset(&agent__py, 0, sizeof(agent__py));
	if (!version && !get_version)
		return; /* not a Python process */
	hex = version ? *version : version_from_text(get_version);
	if (!hex)
		return;
	pyrt_version_text(hex, vtext, sizeof(vtext));
	agent__py.version = hex;
	L = pyrt_layout(hex);
	if (!L) {
		agent__notice(0, "python-version", hex,
		              "CPython %s: this agent reads the frames of CPython 3.11 to 3.13, so "
		              "this program's stacks show the interpreter's C functions only",
		              vtext);
		return;
	}
	/* 3.13 describes its own layout: the table must agree with it (a
	 * debug or free-threaded build does not). */
	if (sym("_PyRuntime")) {
		const char *why;

		if (pyrt_check_debug_offsets(L, hex, sym("_PyRuntime"), PYRT_DEBUG_OFFSETS_BYTES,
		                             &why) < 0) {
			agent__notice(0, "python-layout", hex,
			              "CPython %s: this build's layout differs from the one the agent "
			              "knows (%s), so stacks show its C functions only",
			              vtext, why);
			return;
		}
	}
	agent__py.this_tstate = (void *(*)(void))sym("PyGILState_GetThisThreadState");
	agent__py.initialized = (int (*)(void))sym("Py_IsInitialized");
	agent__py.finalizing = (int (*)(void))sym(L->minor >= 13 ? "Py_IsFinalizing"
	                                                           : "_Py_IsFinalizing");
	agent__py.code_type = (uintptr_t)sym("PyCode_Type");
	agent__py.none = (uintptr_t)sym("_Py_NoneStruct");
	agent__py.str_type = (uintptr_t)sym("PyUnicode_Type");
	agent__py.bytes_type = (uintptr_t)sym("PyBytes_Type");
	if (eval && dladdr1(eval, &info, (void **)&esym, RTLD_DL_SYMENT) && esym &&
	    esym->st_size) {
		agent__py.eval_lo = (uintptr_t)eval;
		agent__py.eval_hi = (uintptr_t)eval + esym->st_size;
	}
	if (!agent__py.this_tstate || !agent__py.initialized || !agent__py.code_type ||
	    !agent__py.str_type || !agent__py.bytes_type || !agent__py.eval_lo) {
		agent__notice(0, "python-symbols", hex,
		              "CPython %s: the interpreter does not export what the agent reads "
		              "frames with, so stacks show its C functions only",
		              vtext);
		return;
	}
	agent__py.L = L;
	agent__notice(0, "python", hex, "CPython %s: Python functions and lines are sampled",
	              vtext);
}

/* ---- the walk (signal handler) ------------------------------------------ */

static inline uintptr_t load_ptr(uintptr_t addr)
{
	return *(const uintptr_t *)addr;
}

/* The thread's own stack, below its top and above the handler's frame: in
 * use, so mapped, for as long as the handler runs (3.11's C frames and
 * 3.12's entry frames live there). Set by each walk, on its thread. */
static __thread uintptr_t stack_lo __attribute__((tls_model("initial-exec")));
static __thread uintptr_t stack_hi __attribute__((tls_model("initial-exec")));

/* addr..addr+len readable, addr aligned to align: on the live part of the
 * thread's own stack, or on pages the system call says are mapped. */
static inline bool readable(uintptr_t addr, size_t len, uintptr_t align)
{
	if (addr < 4096 || (addr & (align - 1)) != 0 || addr + len < addr)
		return false;
	if (addr >= stack_lo && addr + len <= stack_hi)
		return true;
	return agent__unwmem_readable(addr, len);
}

uint32_t agent__py_walk(struct agent_thread *t, uint64_t *out, uint32_t max,
                        struct agent_py_segs *segs)
{
	const struct pyrt_layout *L = agent__py.L;
	pid_t tid = atomic_load_explicit(&t->tid, memory_order_relaxed);
	uintptr_t ts, frame;
	uint32_t n = 0, steps = 0;

	segs->n = 0;
	segs->cut = 0;
	segs->bad = 0;
	if (!L || !agent__py.initialized() ||
	    (agent__py.finalizing && agent__py.finalizing()))
		return 0;
	ts = (uintptr_t)agent__py.this_tstate();
	if (!ts)
		return 0;
	agent__unwmem_begin();
	stack_lo = stack_hi = 0;
	if (t->stack_lo && (uintptr_t)__builtin_frame_address(0) > t->stack_lo &&
	    (uintptr_t)__builtin_frame_address(0) < t->stack_hi) {
		stack_lo = (uintptr_t)__builtin_frame_address(0);
		stack_hi = t->stack_hi;
	}
	/* The thread state lives as long as the thread: checked once. */
	if (ts != t->py_tstate &&
	    !readable(ts, (size_t)L->ts_native_tid + 8, 8))
		return 0;
	if ((long)load_ptr(ts + L->ts_native_tid) != (long)tid)
		return 0; /* not this thread's (a deleted key reused): no Python here */
	t->py_tstate = ts;
	if (L->ts_cframe) {
		uintptr_t cf = load_ptr(ts + L->ts_cframe);

		if (!readable(cf, (size_t)L->cframe_current + 8, 8))
			goto bad;
		frame = load_ptr(cf + L->cframe_current);
	} else {
		frame = load_ptr(ts + L->ts_current_frame);
	}
	while (frame) {
		uintptr_t code, instr;
		uint8_t owner;
		int32_t first;

		if (++steps > 4 * AGENT_PY_MAX_FRAMES || !readable(frame, L->fr_size, 8))
			goto bad;
		owner = *(const uint8_t *)(frame + L->fr_owner);
		if (L->owner_cstack && owner == L->owner_cstack) {
			/* an eval loop's own entry frame: its segment ends */
			if (segs->n < AGENT_PY_MAX_SEGS)
				segs->end[segs->n++] = (uint16_t)n;
			else
				segs->cut = 1;
			frame = load_ptr(frame + L->fr_previous);
			continue;
		}
		if (owner > 3)
			goto bad;
		if (n == max) {
			segs->cut = 1;
			break;
		}
		code = load_ptr(frame + L->fr_code) & ~L->code_tag_mask;
		if (!readable(code, L->co_size, 8) || load_ptr(code + 8) != agent__py.code_type)
			goto bad;
		instr = load_ptr(frame + L->fr_instr);
		memcpy(&first, (const void *)(code + L->co_firstlineno), sizeof(first));
		out[4 * n + 0] = (uint64_t)code | AGENT_PY_TAG;
		out[4 * n + 1] = load_ptr(code + L->co_qualname);
		out[4 * n + 2] = load_ptr(code + L->co_filename);
		out[4 * n + 3] = (uint64_t)(uint32_t)pyrt_lasti(L, code, instr) << 32 | (uint32_t)first;
		n++;
		if (L->fr_is_entry && *(const uint8_t *)(frame + L->fr_is_entry)) {
			if (segs->n < AGENT_PY_MAX_SEGS)
				segs->end[segs->n++] = (uint16_t)n;
			else
				segs->cut = 1;
		}
		frame = load_ptr(frame + L->fr_previous);
	}
	/* Frames after the last entry (a chain cut short) form a segment too. */
	if (n && (segs->n == 0 || segs->end[segs->n - 1] != n) && segs->n < AGENT_PY_MAX_SEGS)
		segs->end[segs->n++] = (uint16_t)n;
	return n;
bad:
	segs->n = 0;
	segs->bad = 1;
	return 0;
}

/* ---- the splice (signal handler) ---------------------------------------- */

static inline bool is_eval(uint64_t pc, uint32_t i)
{
	/* a return address (i > 0) may sit just past the function's end */
	uint64_t at = i ? pc - 1 : pc;

	return at >= agent__py.eval_lo && at < agent__py.eval_hi;
}

uint32_t agent__py_splice(uint64_t *out, uint32_t n, uint32_t depth_max, const uint64_t *py,
                          uint32_t p, const struct agent_py_segs *segs)
{
	const uint64_t *natives = out + agent__py_words(0, p, segs);
	uint16_t evals[AGENT_MAX_DEPTH];
	/* anchor[k]: the native index segment k goes before; n: the root end */
	uint16_t anchor[AGENT_PY_MAX_SEGS];
	uint32_t ne = 0, ns = segs->n, k, w = 0, frames = 0, seg = 0, from = 0;
	bool from_leaf = segs->cut || n >= depth_max;

	for (uint32_t i = 0; i < n && ne < AGENT_MAX_DEPTH; i++)
		if (is_eval(natives[i], i))
			evals[ne++] = (uint16_t)i;
	pyrt_splice_anchors(evals, ne, ns, n, from_leaf, anchor);
	/* Forward, in place: the output never passes the next native unread
	 * (words written <= i + 4p, plus 4 for the mark of a cut). */
	for (uint32_t i = 0; i <= n; i++) {
		while (seg < ns && anchor[seg] == i) {
			for (k = from; k < segs->end[seg]; k++) {
				memcpy(out + w, py + 4 * (size_t)k, 4 * sizeof(uint64_t));
				w += 4;
				frames++;
			}
			from = segs->end[seg];
			seg++;
			if (seg == ns && segs->cut) {
				/* the outer Python frames left out: said, not hidden */
				out[w] = AGENT_PY_TAG;
				out[w + 1] = out[w + 2] = out[w + 3] = 0;
				w += 4;
				frames++;
			}
		}
		if (i < n) {
			out[w++] = natives[i];
			frames++;
		}
	}
	return frames;
}

/* Words of a spliced stack of n natives and p Python frames (and the
 * mark of a cut: four words). */
uint32_t agent__py_words(uint32_t n, uint32_t p, const struct agent_py_segs *segs)
{
	return n + 4 * p + (segs->cut && segs->n ? 4 : 0);
}
