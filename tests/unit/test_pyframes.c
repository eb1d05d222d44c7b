/* Tests for Python frames on perftop's side: module names from source paths
 * (model/pyframes), interpreted functions' identity, the interpreter's
 * machinery left out of stacks with Python frames and shown again
 * (profile_show_interp rebuilds to what a fresh ingest gives, flat table,
 * trees, a thread's view and the window alike), the per-line table
 * (model/pylines), and a snapshot keeping all of it. */
#include <criterion/criterion.h>
#include <string.h>

#include "model/model.h"
#include "model/profile.h"
#include "model/pyframes.h"
#include "snapshot/snapshot.h"
#include "support/deadline.h"

TestSuite(pyframes, .timeout = TEST_SUITE_TIMEOUT);

static const char *module_of(const char *path)
{
	static char buf[256];

	return pyframes_module(path, buf, sizeof(buf));
}

Test(pyframes, module_names_are_short)
{
	cr_assert_str_eq(module_of("/usr/lib/python3.11/json/decoder.py"), "json/decoder.py");
	cr_assert_str_eq(module_of("/root/.pyenv/versions/3.12.1/lib/python3.12/re/_compiler.py"),
			 "re/_compiler.py");
	cr_assert_str_eq(module_of("/usr/lib/python3.11/os.py"), "os.py");
	cr_assert_str_eq(module_of("/usr/lib/python3/dist-packages/requests/api.py"),
			 "requests/api.py");
	cr_assert_str_eq(module_of("/home/u/venv/lib/python3.11/site-packages/numpy/core/a.py"),
			 "numpy/core/a.py");
	cr_assert_str_eq(module_of("/usr/lib/python3.13t/threading.py"), "threading.py");
	cr_assert_str_eq(module_of("/tmp/x/app.py"), "app.py");
	cr_assert_str_eq(module_of("app.py"), "app.py");
	cr_assert_str_eq(module_of("/srv/bot/pkg/__init__.py"), "pkg/__init__.py");
	cr_assert_str_eq(module_of("/srv/bot/pkg/__main__.py"), "pkg/__main__.py");
	cr_assert_str_eq(module_of("<frozen importlib._bootstrap>"),
			 "<frozen importlib._bootstrap>");
	cr_assert_str_eq(module_of("<string>"), "<string>");
	cr_assert_str_eq(module_of(""), "[python]");
	cr_assert_str_eq(module_of(NULL), "[python]");
	/* "python" in a directory that is no lib/pythonX.Y stays a plain path */
	cr_assert_str_eq(module_of("/opt/lib/python-tools/run.py"), "run.py");
}

Test(pyframes, machinery_is_the_eval_loop_and_call_helpers_only)
{
	static const char *const yes[] = {
		"_PyEval_EvalFrameDefault", "_PyEval_EvalFrameDefault.cold", "_PyEval_Vector",
		"PyEval_EvalCode", "_PyFunction_Vectorcall", "PyObject_Vectorcall",
		"_PyObject_VectorcallTstate.lto_priv.0", "PyObject_Call", "_PyObject_Call_Prepend",
		"_PyObject_MakeTpCall", "cfunction_vectorcall_O", "cfunction_call",
		"method_vectorcall_NOARGS", "slot_tp_call", "slot_tp_init", "run_mod",
		"run_eval_code_obj", "pyrun_file", "_PyRun_SimpleFileObject",
		"PyRun_SimpleFileExFlags", "pymain_run_python", "Py_RunMain", "Py_BytesMain",
		"thread_run", "pythread_wrapper", "gen_send_ex2", "builtin_exec_impl.isra.0",
	};
	static const char *const no[] = {
		"sre_ucs1_match", "deflate", "_PyObject_Malloc", "list_sort_impl", "memcpy",
		"main", "__libc_start_call_main", "PyObject_GetAttr", "PyObject_Hash",
		"_PyUnicode_IsAlpha", "run_module_helper", "thread_running", "Py_RunMainLoop",
		"slot_helper", "PyEval_RestoreThread", "",
	};

	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		cr_assert(pyframes_is_machinery(yes[i]), "%s is machinery", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		cr_assert(!pyframes_is_machinery(no[i]), "%s is not machinery", no[i]);
	cr_assert(!pyframes_is_machinery(NULL));
}

Test(pyframes, identity_is_name_file_and_definition_line)
{
	struct profile *p = profile_new(1);
	uint32_t a = profile_func_interp(p, "<lambda>", "/tmp/x/app.py", 30);
	uint32_t b = profile_func_interp(p, "<lambda>", "/tmp/x/app.py", 31);
	uint32_t c = profile_func_interp(p, "<lambda>", "/tmp/y/app.py", 30);
	uint32_t d = profile_func_interp(p, "__init__", "/tmp/x/app.py", 6);
	uint32_t e = profile_func_interp(p, "__init__", "/tmp/x/app.py", 13);
	uint32_t nat = profile_func(p, "app.py", "<lambda>", NULL, 0);

	cr_assert(a != b && a != c && b != c && d != e);
	cr_assert(nat != a && nat != b && nat != c, "a native function is never a Python one");
	cr_assert_eq(profile_func_interp(p, "<lambda>", "/tmp/x/app.py", 30), a);
	cr_assert_eq(profile_func_count(p), 6);
	cr_assert_str_eq(p->funcs[a].name, "<lambda>");
	cr_assert_str_eq(p->funcs[a].module, "app.py");
	cr_assert_str_eq(p->funcs[a].file, "/tmp/x/app.py");
	cr_assert_eq(p->funcs[b].line, 31);
	cr_assert(p->funcs[a].interp && !p->funcs[nat].interp && p->has_interp);
	cr_assert(!p->funcs[a].machinery);
	cr_assert(profile_func(p, "libpython3.11.so", "_PyEval_EvalFrameDefault", NULL, 0) &&
		  p->funcs[profile_func_count(p) - 1].machinery);
	profile_free(p);
}

/* ---- a small Python program's samples ------------------------------------------- */

enum { TID_A = 11, TID_B = 12 };

struct prog {
	uint32_t cmain, runmain, eval, vc, sre, deflate, module, run, parse, fib;
};

static void prog_funcs(struct profile *p, struct prog *f)
{
	f->cmain = profile_func(p, "python3", "main", NULL, 0);
	f->runmain = profile_func(p, "libpython3.11.so", "Py_RunMain", NULL, 0);
	f->eval = profile_func(p, "libpython3.11.so", "_PyEval_EvalFrameDefault", NULL, 0);
	f->vc = profile_func(p, "libpython3.11.so", "_PyFunction_Vectorcall", NULL, 0);
	f->sre = profile_func(p, "libpython3.11.so", "sre_ucs1_match", NULL, 0);
	f->deflate = profile_func(p, "libz.so.1", "deflate", NULL, 0);
	f->module = profile_func_interp(p, "<module>", "/tmp/x/app.py", 1);
	f->run = profile_func_interp(p, "run_app", "/tmp/x/app.py", 20);
	f->parse = profile_func_interp(p, "Parser.parse_line", "/tmp/x/app.py", 10);
	f->fib = profile_func_interp(p, "fib", "/tmp/x/app.py", 16);
}

/* Adds the program's samples over 8 seconds, two threads, with lines. */
static void prog_samples(struct profile *p, const struct prog *f)
{
	const uint32_t s1[] = { f->cmain, f->runmain, f->eval, f->module, f->vc, f->eval, f->run,
				f->vc, f->eval, f->parse, f->sre };
	const uint32_t l1[] = { 0, 0, 0, 35, 0, 0, 25, 0, 0, 11, 0 };
	const uint32_t s2[] = { f->cmain, f->runmain, f->eval, f->module, f->vc, f->eval, f->run,
				f->vc, f->eval, f->parse, f->eval };
	const uint32_t l2[] = { 0, 0, 0, 35, 0, 0, 26, 0, 0, 12, 0 };
	const uint32_t s3[] = { f->cmain, f->runmain, f->eval, f->module, f->vc, f->eval, f->run,
				f->eval, f->fib, f->vc, f->eval, f->fib, f->vc, f->eval, f->fib,
				f->eval };
	const uint32_t l3[] = { 0, 0, 0, 35, 0, 0, 27, 0, 17, 0, 0, 17, 0, 0, 18, 0 };
	/* no Python frame: kept whole, machinery and all */
	const uint32_t s4[] = { f->cmain, f->runmain, f->eval, f->deflate };
	const uint32_t l4[] = { 0, 0, 0, 0 };
	const struct {
		const uint32_t *f, *l;
		size_t n;
	} st[] = { { s1, l1, 11 }, { s2, l2, 11 }, { s3, l3, 16 }, { s4, l4, 4 } };

	for (int sec = 0; sec < 8; sec++)
		for (size_t k = 0; k < 4; k++) {
			pid_t tid = k % 2 ? TID_B : TID_A;
			uint64_t n = 1 + k + (uint64_t)sec % 3;

			profile_add_samples(p, tid, st[k].f, st[k].n, n, 100.0 + sec + 0.1 * (double)k);
			profile_add_lines(p, st[k].f, st[k].l, st[k].n, n);
		}
}

/* x and y agree on every figure a view reads for thread tid over seconds. */
static void same_tree(struct calltree *x, uint32_t nx, struct calltree *y, uint32_t ny,
		      enum calltree_scope sc, size_t *nodes)
{
	uint32_t cx[64], cy[64];
	size_t n = calltree_children(x, nx, sc, cx, 64), k = calltree_children(y, ny, sc, cy, 64);

	cr_assert_eq(calltree_total(x, nx, sc), calltree_total(y, ny, sc));
	cr_assert_eq(calltree_self(x, nx, sc), calltree_self(y, ny, sc));
	cr_assert_eq(n, k);
	(*nodes)++;
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(x->nodes[cx[i]].func, y->nodes[cy[i]].func);
		same_tree(x, cx[i], y, cy[i], sc, nodes);
	}
}

static void same_view(struct profile *x, struct profile *y, pid_t tid, double seconds)
{
	struct profile_view vx, vy;
	size_t nodes = 0;

	profile_view_init(&vx);
	profile_view_init(&vy);
	vx.tid = vy.tid = tid;
	vx.seconds = vy.seconds = seconds;
	profile_view_update(x, &vx, profile_now(x));
	profile_view_update(y, &vy, profile_now(y));
	cr_assert_gt(vx.samples, 0);
	cr_assert_eq(vx.samples, vy.samples);
	cr_assert_eq(vx.nfuncs, vy.nfuncs);
	for (size_t i = 0; i < vx.nfuncs; i++) {
		cr_assert_eq(vx.self[i], vy.self[i], "self of %s (thread %d, %g s)",
			     x->funcs[i].name, (int)tid, seconds);
		cr_assert_eq(vx.total[i], vy.total[i], "total of %s (thread %d, %g s)",
			     x->funcs[i].name, (int)tid, seconds);
	}
	same_tree(vx.top, CALLTREE_ROOT, vy.top, CALLTREE_ROOT, vx.scope, &nodes);
	same_tree(vx.callers, CALLTREE_ROOT, vy.callers, CALLTREE_ROOT, vx.scope, &nodes);
	cr_assert_gt(nodes, 4);
	profile_view_release(&vx);
	profile_view_release(&vy);
}

static void same_profile(struct profile *x, struct profile *y)
{
	cr_assert_eq(x->samples, y->samples);
	for (size_t i = 0; i < profile_func_count(x); i++) {
		cr_assert_eq(x->funcs[i].self, y->funcs[i].self, "self of %s", x->funcs[i].name);
		cr_assert_eq(x->funcs[i].total, y->funcs[i].total, "total of %s",
			     x->funcs[i].name);
	}
	same_view(x, y, 0, 0);
	same_view(x, y, TID_A, 0);
	same_view(x, y, TID_B, 0);
	same_view(x, y, 0, 5);
	same_view(x, y, TID_A, 30);
}

Test(pyframes, machinery_is_left_out_of_python_stacks_only)
{
	struct profile *p = profile_new(1);
	struct prog f;
	size_t depth;
	const uint32_t *s;

	prog_funcs(p, &f);
	prog_samples(p, &f);
	/* stack 0 is s1: main, <module>, run_app, parse, sre_ucs1_match */
	s = profile_stack(p, 0, &depth);
	cr_assert_eq(depth, 5);
	cr_assert(s[0] == f.cmain && s[1] == f.module && s[2] == f.run && s[3] == f.parse &&
		  s[4] == f.sre);
	/* s4 has no Python frame: whole */
	s = profile_stack(p, 3, &depth);
	cr_assert_eq(depth, 4);
	cr_assert_eq(s[2], f.eval);
	/* the eval loop only counts where no Python frame is: s4's samples */
	cr_assert_eq(p->funcs[f.eval].self, 0);
	cr_assert_eq(p->funcs[f.eval].total, p->stack_counts[3]);
	cr_assert_eq(p->funcs[f.vc].total, 0);
	/* the interpreter running parse_line's bytecode is parse_line's self */
	cr_assert_eq(p->funcs[f.parse].self, p->stack_counts[1]);
	cr_assert_eq(p->funcs[f.parse].total, p->stack_counts[0] + p->stack_counts[1]);
	cr_assert_eq(p->funcs[f.fib].self, p->stack_counts[2]);
	cr_assert_eq(p->funcs[f.fib].total, p->stack_counts[2], "recursion counts once");
	cr_assert_eq(p->funcs[f.cmain].total, p->samples);

	profile_show_interp(p, true);
	s = profile_stack(p, 0, &depth);
	cr_assert_eq(depth, 11);
	cr_assert_eq(p->funcs[f.eval].total, p->samples);
	cr_assert_eq(p->funcs[f.eval].self, p->stack_counts[1] + p->stack_counts[2]);
	cr_assert_eq(p->funcs[f.parse].self, 0);
	profile_free(p);
}

/* Toggling rebuilds what a fresh ingest with that setting gives: the flat
 * table, the merged and per-thread trees and the live window, and new
 * samples after the toggle land as they would have. */
Test(pyframes, toggling_rebuilds_what_a_fresh_ingest_gives)
{
	for (int show = 0; show < 2; show++) {
		struct profile *x = profile_new(1), *y = profile_new(1);
		struct profile_view v;
		struct prog fx, fy;

		profile_show_interp(y, show);
		prog_funcs(x, &fx);
		prog_funcs(y, &fy);
		/* x has views made (thread tables and a window tracked) before
		 * the toggle, so they are rebuilt too */
		profile_view_init(&v);
		v.tid = TID_A;
		v.seconds = 5;
		prog_samples(x, &fx);
		profile_view_update(x, &v, profile_now(x));
		profile_view_release(&v);
		profile_show_interp(x, !show);
		profile_show_interp(x, show);
		if (!show)
			profile_show_interp(x, true), profile_show_interp(x, false);
		prog_samples(y, &fy);
		/* first the window x tracked before the toggle */
		same_view(x, y, TID_A, 5);
		same_profile(x, y);
		/* and after more samples */
		prog_samples(x, &fx);
		prog_samples(y, &fy);
		same_profile(x, y);
		profile_free(x);
		profile_free(y);
	}
}

Test(pyframes, lines_count_self_and_total_once_per_sample)
{
	struct profile *p = profile_new(1);
	struct prog f;
	uint32_t idx[32];
	size_t n;
	uint64_t c1, c2, c3;

	prog_funcs(p, &f);
	prog_samples(p, &f);
	c1 = p->stack_counts[0], c2 = p->stack_counts[1], c3 = p->stack_counts[2];
	/* parse_line: line 11 calls real work (no self), line 12 runs in the eval loop */
	n = pylines_of(&p->lines, f.parse, idx);
	cr_assert_eq(n, 2);
	cr_assert_eq(p->lines.e[idx[0]].line, c1 >= c2 ? 11u : 12u, "hottest first");
	for (size_t i = 0; i < n; i++) {
		const struct pylines_entry *e = &p->lines.e[idx[i]];

		if (e->line == 11)
			cr_assert(e->self == 0 && e->total == c1);
		else
			cr_assert(e->line == 12 && e->self == c2 && e->total == c2);
	}
	/* fib: line 17 twice in one stack counts once */
	n = pylines_of(&p->lines, f.fib, idx);
	cr_assert_eq(n, 2);
	for (size_t i = 0; i < n; i++) {
		const struct pylines_entry *e = &p->lines.e[idx[i]];

		cr_assert_eq(e->total, c3);
		cr_assert_eq(e->self, e->line == 18 ? c3 : 0);
	}
	cr_assert_eq(pylines_of(&p->lines, f.sre, idx), 0, "a native function has no lines");
	cr_assert_eq(pylines_of(&p->lines, f.module, idx), 1);
	cr_assert_eq(p->lines.e[idx[0]].total, c1 + c2 + c3);
	/* the lines do not depend on the setting */
	profile_show_interp(p, true);
	cr_assert_eq(pylines_of(&p->lines, f.parse, idx), 2);
	profile_reset(p);
	cr_assert_eq(pylines_of(&p->lines, f.parse, idx), 0, "a reset forgets them");
	profile_free(p);
}

Test(pyframes, a_snapshot_keeps_python_functions_and_lines)
{
	struct model a, b;
	struct snapshot_meta meta, got;
	struct bytebuf buf;
	struct profile *p, *q;
	struct prog f;
	char why[256];
	uint32_t l1, l2;

	model_init(&a, 1);
	p = model_agent_process(&a, 4242, "/usr/bin/python3")->profile;
	prog_funcs(p, &f);
	l1 = profile_func_interp(p, "<lambda>", "/tmp/x/app.py", 30);
	l2 = profile_func_interp(p, "<lambda>", "/tmp/x/app.py", 31);
	{
		const uint32_t s[] = { f.cmain, f.module, f.eval, l1 }, t[] = { f.cmain, f.module, l2 };
		const uint32_t ls[] = { 0, 40, 0, 30 }, lt[] = { 0, 41, 31 };

		profile_add_samples(p, TID_A, s, 4, 3, 100.5);
		profile_add_lines(p, s, ls, 4, 3);
		profile_add_samples(p, TID_A, t, 3, 2, 100.7);
		profile_add_lines(p, t, lt, 3, 2);
	}
	prog_samples(p, &f);
	snapshot_meta_init(&meta);
	meta.pid = 4242;
	snapshot_encode(&a, &meta, &buf);
	cr_assert_eq(snapshot_load_buf(&b, &buf, &got, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(got.format_minor, SNAPSHOT_FORMAT_MINOR);
	q = model_find(&b, 4242)->profile;
	cr_assert_eq(profile_func_count(q), profile_func_count(p));
	for (size_t i = 0; i < profile_func_count(p); i++) {
		cr_assert_str_eq(q->funcs[i].name, p->funcs[i].name);
		cr_assert_str_eq(q->funcs[i].module, p->funcs[i].module);
		cr_assert_eq(q->funcs[i].interp, p->funcs[i].interp);
		cr_assert_eq(q->funcs[i].line, p->funcs[i].line);
	}
	cr_assert_eq(q->lines.n, p->lines.n);
	for (size_t i = 0; i < p->lines.n; i++) {
		uint32_t idx[32];
		size_t n = pylines_of(&q->lines, p->lines.e[i].func, idx), k;

		for (k = 0; k < n && q->lines.e[idx[k]].line != p->lines.e[i].line; k++)
			;
		cr_assert_lt(k, n, "line %u kept", p->lines.e[i].line);
		cr_assert_eq(q->lines.e[idx[k]].self, p->lines.e[i].self);
		cr_assert_eq(q->lines.e[idx[k]].total, p->lines.e[i].total);
	}
	same_profile(p, q);
	/* shown in both: the same again */
	profile_show_interp(p, true);
	profile_show_interp(q, true);
	same_profile(p, q);
	bytebuf_release(&buf);
	model_release(&a);
	model_release(&b);
}
