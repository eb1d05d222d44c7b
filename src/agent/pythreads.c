/*
 * pythreads — Python's names for the program's threads (`threading`'s
 * Thread.name: "worker-1", "Thread-3 (fetch)", "ThreadPoolExecutor-0_1")
 * on the threads perftop lists.
 *
 * A Python thread is started by Thread.start(), which ends in the
 * pthread_create the agent interposes (threads.c). There, when the calling
 * thread holds the GIL (its thread state is the attached one) and its
 * current Python frame is threading's Thread.start, the name is read
 * through CPython's own API: the frame's `self`, its `_name`. That is code
 * the program was already running under the GIL; no Python code of the
 * program runs, nothing is imported, no lock is taken, and the exception
 * state the program had is put back untouched. The new thread takes the name
 * when it attaches, unless the program names it itself later
 * (pt_thread_name, perftop.thread_name win). A name set after start()
 * is not seen.
 *
 * CPython's functions are looked up (dlsym) on first use, only once CPython
 * 3.11 or later was found (pywalk.c); stable ABI functions only, plus the
 * unchecked thread-state getter that tells whether the GIL is held.
 */
#include "agent/agent.h"

#include <dlfcn.h>
#include <string.h>
#include <sys/types.h>

typedef struct pt_pyobject pyobj;

static struct {
	void *(*attached)(void); /* this thread's attached tstate (3.11: the GIL holder's) */
	pyobj *(*get_frame)(void);
	pyobj *(*frame_code)(pyobj *);
	pyobj *(*frame_locals)(pyobj *);
	pyobj *(*mapping_get)(pyobj *, const char *);
	pyobj *(*getattr)(pyobj *, const char *);
	const char *(*utf8)(pyobj *);
	void (*fetch)(pyobj **, pyobj **, pyobj **);
	void (*restore)(pyobj *, pyobj *, pyobj *);
	void (*clear)(void);
	void (*decref)(pyobj *);
} py;
static _Atomic int found; /* 0 not looked up, 1 found, -1 missing */

#define LOOKUP(field, name) (*(void **)&py.field = dlsym(RTLD_DEFAULT, name))

static int lookup(void)
{
	int f = atomic_load(&found);

	if (f)
		return f;
	f = -1;
	if ((LOOKUP(attached, "PyThreadState_GetUnchecked") ||
	     LOOKUP(attached, "_PyThreadState_UncheckedGet")) &&
	    LOOKUP(get_frame, "PyEval_GetFrame") && LOOKUP(frame_code, "PyFrame_GetCode") &&
	    LOOKUP(frame_locals, "PyFrame_GetLocals") &&
	    LOOKUP(mapping_get, "PyMapping_GetItemString") &&
	    LOOKUP(getattr, "PyObject_GetAttrString") && LOOKUP(utf8, "PyUnicode_AsUTF8") &&
	    LOOKUP(fetch, "PyErr_Fetch") && LOOKUP(restore, "PyErr_Restore") &&
	    LOOKUP(clear, "PyErr_Clear") && LOOKUP(decref, "Py_DecRef"))
		f = 1;
	atomic_store(&found, f);
	return f;
}

/* The text of attribute attr of o, into out; 1 when it was a string. */
static int attr_text(pyobj *o, const char *attr, char *out, size_t len)
{
	pyobj *v = o ? py.getattr(o, attr) : NULL;
	const char *s = v ? py.utf8(v) : NULL;
	int ok = 0;

	if (s && len) {
		size_t n = strnlen(s, len - 1);

		memcpy(out, s, n);
		out[n] = '\0';
		ok = 1;
	}
	if (v)
		py.decref(v);
	return ok;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

int agent__pythreads_starting(char *out, size_t len)
{
	void *mine;
	pyobj *et, *ev, *etb, *frame, *code, *locals = NULL, *self = NULL;
	char text[64];
	int named = 0;

	out[0] = '\0';
	if (!agent__py.L || !agent__py.initialized() ||
	    (agent__py.finalizing && agent__py.finalizing()) || lookup() < 0)
		return 0;
	/* Only with the GIL: this thread's state is the attached one. */
	mine = agent__py.this_tstate();
	if (!mine || py.attached() != mine)
		return 0;
	py.fetch(&et, &ev, &etb);
	frame = py.get_frame(); /* borrowed */
	code = frame ? py.frame_code(frame) : NULL;
	if (code && attr_text(code, "co_name", text, sizeof(text)) && strcmp(text, "start") == 0 &&
	    attr_text(code, "co_filename", text, sizeof(text)) && ends_with(text, "threading.py")) {
		locals = py.frame_locals(frame);
		self = locals ? py.mapping_get(locals, "self") : NULL;
		named = attr_text(self, "_name", out, len);
	}
	if (self)
		py.decref(self);
	if (locals)
		py.decref(locals);
	if (code)
		py.decref(code);
	py.clear();
	py.restore(et, ev, etb);
	return named;
}
