/*
 * pycalls — the zone and counter calls as CPython builtin functions, for
 * python/perftop: a ctypes call costs several times a builtin call, more
 * than the pure-Python timers the module replaces.
 *
 * pt_python_calls() is called only by the module, through ctypes with the
 * GIL held, so CPython is in the process: its functions are looked up
 * (dlsym, default namespace) on that first call, never before, and only
 * through the stable ABI (no structure of CPython's is read or written, so
 * every CPython 3 from 3.7 on takes them). A program that never imports the
 * module never reaches this file.
 *
 * The builtins run under the GIL like any other, allocate only what CPython
 * allocates for the ints they return, and never raise: an argument they
 * cannot take makes them return 1 (0 otherwise), for the module to fall
 * back on its ctypes path.
 */
#include "agent/agent.h"
#include "perftop.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Only opaque pointers and the stable ABI's PyMethodDef layout. */
typedef struct pt_pyobject pyobj;
struct pt_pymethoddef {
	const char *name;
	void *meth;
	int flags;
	const char *doc;
};
#define PT_METH_FASTCALL 0x0080

typedef pyobj *(*fastcall_fn)(pyobj *self, pyobj *const *args, ssize_t nargs);

static struct {
	pyobj *(*long_from_u64)(unsigned long long);
	unsigned long long (*long_as_u64_mask)(pyobj *);
	long long (*long_as_i64)(pyobj *);
	pyobj *(*err_occurred)(void);
	void (*err_clear)(void);
	pyobj *(*cfunction_new)(struct pt_pymethoddef *, pyobj *, pyobj *);
	pyobj *(*tuple_pack)(ssize_t, ...);
	void (*decref)(pyobj *);
} py;

/* begin() -> start ticks, or 0 when perftop is not connected. */
static pyobj *py_begin(pyobj *self, pyobj *const *args, ssize_t nargs)
{
	(void)self;
	(void)args;
	(void)nargs;
	return py.long_from_u64(
	    atomic_load_explicit(&agent__g.active, memory_order_relaxed) ? agent__ticks() : 0);
}

/* end(zone_id, t0): ends the zone begin() started at t0 (0: nothing). */
static pyobj *py_end(pyobj *self, pyobj *const *args, ssize_t nargs)
{
	unsigned long long zone, t0;

	(void)self;
	if (nargs != 2)
		return py.long_from_u64(1);
	zone = py.long_as_u64_mask(args[0]);
	t0 = py.long_as_u64_mask(args[1]);
	if ((zone == (unsigned long long)-1 || t0 == (unsigned long long)-1) && py.err_occurred()) {
		py.err_clear();
		return py.long_from_u64(1);
	}
	if (t0 && zone && zone <= UINT32_MAX)
		pt_zone_end((pt_zone_ctx){.t0 = t0, .zone = (uint32_t)zone});
	return py.long_from_u64(0);
}

/* count(counter_id, delta): pt_counter_add_id. */
static pyobj *py_count(pyobj *self, pyobj *const *args, ssize_t nargs)
{
	unsigned long long counter;
	long long delta;

	(void)self;
	if (nargs != 2)
		return py.long_from_u64(1);
	counter = py.long_as_u64_mask(args[0]);
	delta = py.long_as_i64(args[1]);
	if ((counter == (unsigned long long)-1 || delta == -1) && py.err_occurred()) {
		py.err_clear();
		return py.long_from_u64(1);
	}
	if (counter <= UINT32_MAX)
		pt_counter_add_id((uint32_t)counter, delta);
	return py.long_from_u64(0);
}

static struct pt_pymethoddef defs[] = {
    {"begin", (void *)(fastcall_fn)py_begin, PT_METH_FASTCALL, NULL},
    {"end", (void *)(fastcall_fn)py_end, PT_METH_FASTCALL, NULL},
    {"count", (void *)(fastcall_fn)py_count, PT_METH_FASTCALL, NULL},
};

#define LOOKUP(field, name)                                                                        \
	do {                                                                                       \
		*(void **)&py.field = dlsym(RTLD_DEFAULT, name);                                   \
		if (!py.field)                                                                     \
			return NULL;                                                               \
	} while (0)

__attribute__((visibility("default"))) void *pt_python_calls(void);

/* A new tuple (begin, end, count) of builtins, or NULL (nothing raised)
 * when CPython's functions are not all there. Call with the GIL held. */
void *pt_python_calls(void)
{
	pyobj *f[3], *t;

	LOOKUP(long_from_u64, "PyLong_FromUnsignedLongLong");
	LOOKUP(long_as_u64_mask, "PyLong_AsUnsignedLongLongMask");
	LOOKUP(long_as_i64, "PyLong_AsLongLong");
	LOOKUP(err_occurred, "PyErr_Occurred");
	LOOKUP(err_clear, "PyErr_Clear");
	LOOKUP(cfunction_new, "PyCFunction_NewEx");
	LOOKUP(tuple_pack, "PyTuple_Pack");
	LOOKUP(decref, "Py_DecRef");
	for (int i = 0; i < 3; i++) {
		f[i] = py.cfunction_new(&defs[i], NULL, NULL);
		if (!f[i]) {
			while (i-- > 0)
				py.decref(f[i]);
			py.err_clear();
			return NULL;
		}
	}
	t = py.tuple_pack(3, f[0], f[1], f[2]);
	for (int i = 0; i < 3; i++)
		py.decref(f[i]);
	if (!t)
		py.err_clear();
	return t;
}
