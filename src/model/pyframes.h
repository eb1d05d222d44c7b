/*
 * pyframes — how an interpreter's (Python's) frames are presented: the short
 * module name of a source file, and which native functions are the
 * interpreter's own machinery (hidden from stacks that hold Python frames
 * unless the user asks for them; see profile_show_interp()).
 *
 * Module names (pyframes_module): the file as Python has it, shortened so the
 * column names the module a Python user knows:
 *   - after the last "/site-packages/" or "/dist-packages/": the path inside
 *     the package directory ("requests/api.py");
 *   - else after "/lib/pythonX.Y/" (the standard library, any prefix):
 *     "json/decoder.py";
 *   - else a name Python made up ("<string>", "<frozen importlib._bootstrap>")
 *     as it is;
 *   - else the last component ("app.py"), or the last two when the last is a
 *     package's "__init__.py" or "__main__.py" ("pkg/__init__.py"), which
 *     alone would say nothing.
 * An empty or absent path gives "[python]".
 *
 * Machinery (pyframes_is_machinery): CPython's evaluation loop and the helpers
 * that only carry a call from one Python frame to the next or start one
 * (eval, vectorcall and call helpers, run/main/thread bootstrap, generator
 * resumption, slot wrappers that call a Python dunder). Functions that do
 * work of their own (regex matching, allocation, sorting, compression, C
 * extensions, libc) are not machinery. A compiler's suffix (".cold",
 * ".isra.0", ".constprop.0") is ignored. The list is in pyframes.c.
 */
#ifndef PERFTOP_MODEL_PYFRAMES_H
#define PERFTOP_MODEL_PYFRAMES_H

#include <stdbool.h>
#include <stddef.h>

/* The module name of source file path (see above) into buf (size bytes, cut
 * to fit); returns buf. */
const char *pyframes_module(const char *path, char *buf, size_t size);

/* Whether native function name is the interpreter's machinery. */
bool pyframes_is_machinery(const char *name);

#endif
