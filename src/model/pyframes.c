/* pyframes — Python frames' module names and the interpreter's machinery; see pyframes.h. */
#include "model/pyframes.h"

#include <stdio.h>
#include <string.h>

/* The interpreter's machinery: exact names (prefix false) and prefixes. */
static const struct {
	const char *name;
	bool prefix;
} machinery[] = {
	/* the evaluation loop and its entry points */
	{ "_PyEval_Eval", true },          /* _PyEval_EvalFrameDefault, _PyEval_EvalFrame, ... */
	{ "PyEval_Eval", true },           /* PyEval_EvalCode, PyEval_EvalCodeEx */
	{ "_PyEval_Vector", false },
	/* calls: vectorcall and the generic call helpers */
	{ "_PyFunction_Vectorcall", false },
	{ "PyObject_Vectorcall", true },
	{ "_PyObject_Vectorcall", true },
	{ "PyObject_Call", true },         /* PyObject_Call, ..CallOneArg, ..CallMethod.. */
	{ "_PyObject_Call", true },        /* _PyObject_Call, _PyObject_Call_Prepend */
	{ "_PyObject_FastCall", true },
	{ "_PyObject_MakeTpCall", false },
	{ "PyVectorcall_Call", false },
	{ "_PyVectorcall_Call", false },
	{ "cfunction_vectorcall", true },  /* cfunction_vectorcall_O, _FASTCALL, ... */
	{ "cfunction_call", false },
	{ "method_vectorcall", true },     /* method_vectorcall, _O, _NOARGS, _VARARGS... */
	{ "vectorcall_method", false },
	{ "vectorcall_unbound", false },
	{ "call_unbound", true },
	{ "object_vacall", false },
	{ "type_call", false },
	{ "partial_call", false },
	{ "partial_vectorcall", false },
	{ "slot_tp_", true },              /* slot_tp_call, slot_tp_init, ... */
	{ "slot_nb_", true },
	{ "slot_sq_", true },
	{ "slot_mp_", true },
	{ "gen_send_ex", true },           /* gen_send_ex, gen_send_ex2 */
	{ "gen_iternext", false },
	/* running a module, the main program, a thread */
	{ "builtin_exec", true },
	{ "builtin_eval", true },
	{ "run_mod", false },
	{ "run_eval_code_obj", false },
	{ "pyrun_file", false },
	{ "PyRun_", true },
	{ "_PyRun_", true },
	{ "pymain_", true },
	{ "Py_RunMain", false },
	{ "Py_BytesMain", false },
	{ "Py_Main", false },
	{ "thread_run", false },
	{ "pythread_wrapper", false },
	{ "t_bootstrap", false },
};

bool pyframes_is_machinery(const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strcspn(name, "."); /* "_PyEval_EvalFrameDefault.cold" */
	for (size_t i = 0; i < sizeof(machinery) / sizeof(machinery[0]); i++) {
		size_t ml = strlen(machinery[i].name);

		if (machinery[i].prefix ? len >= ml && !strncmp(name, machinery[i].name, ml)
					: len == ml && !strncmp(name, machinery[i].name, ml))
			return true;
	}
	return false;
}

/* The part of path after the last "/NAME-packages/" or the first
 * "/lib/pythonX.Y/", or NULL. */
static const char *after_lib(const char *path)
{
	static const char *const pkgs[] = { "/site-packages/", "/dist-packages/" };
	const char *best = NULL, *q;

	for (size_t i = 0; i < 2; i++)
		for (q = strstr(path, pkgs[i]); q; q = strstr(q + 1, pkgs[i]))
			if (!best || q + strlen(pkgs[i]) > best)
				best = q + strlen(pkgs[i]);
	if (best)
		return best;
	for (q = strstr(path, "/lib/python"); q; q = strstr(q + 1, "/lib/python")) {
		const char *v = q + strlen("/lib/python");

		/* "3", "3.11", "3.13t": digits, dots and a build letter */
		while ((*v >= '0' && *v <= '9') || *v == '.' || (*v >= 'a' && *v <= 'z'))
			v++;
		if (*v == '/' && v > q + strlen("/lib/python"))
			return v + 1;
	}
	return NULL;
}

const char *pyframes_module(const char *path, char *buf, size_t size)
{
	const char *m, *last;

	if (!size)
		return buf;
	if (!path || !*path) {
		snprintf(buf, size, "[python]");
		return buf;
	}
	m = path[0] == '<' ? path : after_lib(path);
	if (!m || !*m) {
		last = strrchr(path, '/');
		m = last && last[1] ? last + 1 : path;
		if (last && last > path && (!strcmp(m, "__init__.py") || !strcmp(m, "__main__.py"))) {
			const char *q = last;

			while (q > path && q[-1] != '/')
				q--;
			m = q;
		}
	}
	snprintf(buf, size, "%s", m);
	return buf;
}
