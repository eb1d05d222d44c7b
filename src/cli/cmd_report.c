/*
 * cmd_report — `perftop report`, `perftop export` and `perftop diff`: load
 * snapshots (snapshot/snapshot.h), pick the profiled process, judge a budget
 * or compare two profiles (model/budget.h, model/diff.h), and hand the
 * results to src/report. Output goes through report/outfile.h, so a file named with -o
 * appears whole or not at all; "-" (the default for reports) is stdout.
 */
#include "cli/cmd_report.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/budget.h"
#include "model/diff.h"
#include "model/model.h"
#include "report/budget.h"
#include "report/diff.h"
#include "report/export.h"
#include "report/outfile.h"
#include "report/report.h"
#include "report/report_procs.h"
#include "model/proctree.h"
#include "report/table.h"
#include "snapshot/snapshot.h"
#include "ui/theme.h"
#include "ui/ui.h"
#include "util/xalloc.h"

/* The options the three commands share; each takes the ones it documents. */
struct args {
	const char *files[2];
	int nfiles;
	const char *format;
	const char *out;
	const char *budget;
	size_t top, depth;
	bool top_set;               /* --top given (0 means all for diff) */
	pid_t pid;
	bool report, help;
	bool interp;                /* --interp: keep the interpreter's machinery */
	bool folded_comm;           /* export --folded-comm: the command first in each stack */
};

static int usage_error(const char *cmd, const char *fmt, const char *what)
{
	fprintf(stderr, "perftop %s: ", cmd);
	fprintf(stderr, fmt, what);
	fprintf(stderr, " (try 'perftop %s --help')\n", cmd);
	return 2;
}

static bool parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > 1000000)
		return false;
	*out = (size_t)v;
	return true;
}

/* Parses argv[1..]: options anywhere, up to max_files operands. */
static int parse_args(const char *cmd, int argc, char **argv, int max_files, struct args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL, *eq;
		char name[32];

		if (arg[0] != '-' || !strcmp(arg, "-")) {
			if (a->nfiles == max_files)
				return usage_error(cmd, "unexpected argument '%s'", arg);
			a->files[a->nfiles++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			for (i++; i < argc; i++) {
				if (a->nfiles == max_files)
					return usage_error(cmd, "unexpected argument '%s'",
							   argv[i]);
				a->files[a->nfiles++] = argv[i];
			}
			break;
		}
		eq = strchr(arg, '=');
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
		if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
			a->help = true;
			continue;
		}
		if (!strcmp(name, "--report")) {
			a->report = true;
			continue;
		}
		if (!strcmp(name, "--interp")) {
			a->interp = true;
			continue;
		}
		if (!strcmp(name, "--folded-comm") && !strcmp(cmd, "export")) {
			a->folded_comm = true;
			continue;
		}
		if (strcmp(name, "--format") && strcmp(name, "-f") && strcmp(name, "-o") &&
		    strcmp(name, "--output") && strcmp(name, "--top") && strcmp(name, "--depth") &&
		    strcmp(name, "--pid") && strcmp(name, "-p") && strcmp(name, "--budget"))
			return usage_error(cmd, "unknown option '%s'", arg);
		if (eq) {
			val = eq + 1;
		} else {
			if (i + 1 >= argc)
				return usage_error(cmd, "option '%s' needs a value", arg);
			val = argv[++i];
		}
		if (!strcmp(name, "--format") || !strcmp(name, "-f")) {
			a->format = val;
		} else if (!strcmp(name, "-o") || !strcmp(name, "--output")) {
			a->out = val;
		} else if (!strcmp(name, "--budget")) {
			a->budget = val;
		} else if (!strcmp(name, "--top")) {
			if (!parse_size(val, &a->top))
				return usage_error(cmd, "--top wants a number, not '%s'", val);
			a->top_set = true;
		} else if (!strcmp(name, "--depth")) {
			if (!parse_size(val, &a->depth) || !a->depth)
				return usage_error(cmd, "--depth wants a number from 1, not '%s'",
						   val);
		} else {
			size_t pid;

			if (!parse_size(val, &pid) || !pid)
				return usage_error(cmd, "--pid wants a process id, not '%s'", val);
			a->pid = (pid_t)pid;
		}
	}
	return 0;
}

/* A loaded snapshot and the process to report on. */
struct loaded {
	struct model m;
	struct snapshot_meta meta;
	const struct process *proc;
	const struct profile *prof;
	struct profile *merged;     /* the tree's merged profile, when prof is it */
	bool ok;
};

static int load(struct loaded *l, const char *path, pid_t pid, bool need_profile, bool interp)
{
	char why[512];
	int rc;

	bool tree = !pid; /* no --pid: the whole tree, when there is one */

	memset(l, 0, sizeof(*l));
	rc = snapshot_load(&l->m, path, &l->meta, why, sizeof(why));
	if (rc < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return 1;
	}
	l->ok = true;
	model_show_interp(&l->m, interp);
	if (tree && l->m.tree_root && model_find(&l->m, l->m.tree_root) &&
	    proctree_count(&l->m) > 1) {
		/* The tree is the program: every member's samples, merged. */
		l->proc = model_find(&l->m, l->m.tree_root);
		l->merged = proctree_merge(&l->m);
		l->prof = l->merged;
		return 0;
	}
	if (!pid && l->meta.pid > 0 && model_find(&l->m, l->meta.pid))
		pid = l->meta.pid;
	l->proc = report_pick(&l->m, pid);
	if (!l->proc && pid > 0) {
		fprintf(stderr, "perftop: snapshot '%s' has no process %d\n", path, (int)pid);
		return 1;
	}
	if (!l->proc) {
		fprintf(stderr,
			"perftop: snapshot '%s' holds %zu processes and no profile: "
			"name one with --pid\n",
			path, l->m.nprocs);
		return 1;
	}
	l->prof = l->proc->profile;
	if (need_profile && !l->prof) {
		fprintf(stderr, "perftop: snapshot '%s': process %d has no profile (no agent)\n",
			path, (int)l->proc->pid);
		return 1;
	}
	return 0;
}

static void unload(struct loaded *l)
{
	profile_free(l->merged);
	l->merged = NULL;
	if (l->ok)
		model_release(&l->m);
	l->ok = false;
}

static int open_out(struct outfile *o, const char *path)
{
	char why[512];

	if (outfile_open(o, path, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return 1;
	}
	return 0;
}

/* Before any work: an -o path perftop will not write is an error now. */
static int check_out(const char *path)
{
	char why[PATH_MAX + 512];

	if (path && outfile_check(path, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return 1;
	}
	return 0;
}

static int commit_out(struct outfile *o)
{
	char why[512];

	if (outfile_commit(o, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return 1;
	}
	return 0;
}

/* ---- report ------------------------------------------------------------------- */

static void report_usage(FILE *f)
{
	fputs("usage: perftop report FILE [--format text|markdown|json] [--top N] [--depth N]\n"
	      "                           [--pid PID] [--budget BUDGET] [--interp] [-o OUT]\n"
	      "A report of a snapshot: summary, hottest functions, hot paths, zones and\n"
	      "counters. With --budget, a pass/warn/fail table too, and exit status 3\n"
	      "when a limit fails (docs/budgets.md). --interp keeps the Python\n"
	      "interpreter's own frames (eval loop, call helpers) in stacks with Python\n"
	      "frames (left out by default). A recorded process tree is reported whole,\n"
	      "its processes listed (--pid PID: one process alone).\n",
	      f);
}

int cmd_report(int argc, char **argv)
{
	struct report_opts ro = { 0 };
	enum report_format fmt = REPORT_TEXT;
	struct budget b = { 0 };
	struct budget_result *res = NULL;
	enum budget_status worst = BUDGET_PASS;
	struct report_procs procs = { 0 };
	struct loaded l;
	struct outfile o;
	struct report r;
	struct args a;
	char why[512];
	int rc;

	setlocale(LC_NUMERIC, "C");
	if ((rc = parse_args("report", argc, argv, 1, &a)))
		return rc;
	if (a.help) {
		report_usage(stdout);
		return 0;
	}
	if (a.nfiles != 1)
		return usage_error("report", "%s", "a snapshot file is needed");
	if (a.format && report_format_parse(a.format, &fmt) < 0)
		return usage_error("report", "unknown format '%s' (text, markdown or json)",
				   a.format);
	if (a.budget && budget_load(&b, a.budget, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return 1;
	}
	if (check_out(a.out)) {
		budget_release(&b);
		return 1;
	}
	if ((rc = load(&l, a.files[0], a.pid, false, a.interp))) {
		unload(&l);
		budget_release(&b);
		return rc;
	}
	ro.top = a.top;
	ro.depth = a.depth;
	report_compute(&r, l.proc, l.prof, l.m.tick_s, &ro);
	if (l.merged && report_procs_init(&procs, &l.m))
		r.extra = &procs.t;
	if (l.meta.command[0] && l.meta.pid == l.proc->pid)
		r.cmdline = l.meta.command; /* the command as recorded, arguments and all */
	if (a.budget) {
		res = xcalloc(b.nrules + 1, sizeof(*res));
		worst = budget_judge(&b, l.prof, l.proc, res);
		r.budget = &b;
		r.results = res;
	}
	rc = open_out(&o, a.out ? a.out : "-");
	if (!rc) {
		if (report_write(o.f, &r, fmt) < 0) {
			outfile_abort(&o);
			fprintf(stderr, "perftop: cannot write the report: %s\n", strerror(EIO));
			rc = 1;
		} else {
			rc = commit_out(&o);
		}
	}
	report_release(&r);
	report_procs_release(&procs);
	free(res);
	budget_release(&b);
	unload(&l);
	if (!rc && worst == BUDGET_FAIL)
		rc = CMD_REPORT_BUDGET_FAILED;
	return rc;
}

int cmd_report_budget_verdict(const struct budget *b, const struct model *m, int pid, FILE *f)
{
	const struct process *proc = model_find(m, (pid_t)pid);
	struct budget_result *res = xcalloc(b->nrules + 1, sizeof(*res));
	enum budget_status worst;
	struct table t;

	worst = budget_judge(b, proc ? proc->profile : NULL, proc, res);
	table_init(&t, "Budget", "budget", NULL, 0);
	budget_table(&t, b, res);
	table_write_text(f, &t);
	table_release(&t);
	free(res);
	return worst == BUDGET_FAIL ? CMD_REPORT_BUDGET_FAILED : 0;
}

/* ---- export ------------------------------------------------------------------- */

static void export_usage(FILE *f)
{
	fputs("usage: perftop export FILE --format folded|pprof|speedscope|chrome -o OUT\n"
	      "                           [--pid PID] [--interp] [--folded-comm]\n"
	      "Writes a snapshot's profile for flamegraph.pl/inferno (folded), go tool pprof,\n"
	      "Pyroscope and Parca (pprof), speedscope, or Perfetto and chrome://tracing\n"
	      "(chrome). OUT '-' is standard output. --interp keeps the Python\n"
	      "interpreter's own frames in stacks with Python frames (left out by default).\n"
	      "A recorded process tree is exported whole (--pid PID: one process);\n"
	      "--folded-comm starts each folded stack with its process's command.\n",
	      f);
}

int cmd_export(int argc, char **argv)
{
	struct export_source src = { 0 };
	enum export_format fmt;
	struct loaded l;
	struct outfile o;
	struct args a;
	char why[512];
	int rc;

	setlocale(LC_NUMERIC, "C");
	if ((rc = parse_args("export", argc, argv, 1, &a)))
		return rc;
	if (a.help) {
		export_usage(stdout);
		return 0;
	}
	if (a.nfiles != 1)
		return usage_error("export", "%s", "a snapshot file is needed");
	if (!a.format)
		return usage_error("export", "%s",
				   "--format is needed (folded, pprof, speedscope or chrome)");
	if (export_format_parse(a.format, &fmt) < 0)
		return usage_error("export",
				   "unknown format '%s' (folded, pprof, speedscope or chrome)",
				   a.format);
	if (!a.out)
		return usage_error("export", "%s", "-o OUT is needed ('-' for standard output)");
	if (a.folded_comm && fmt != EXPORT_FOLDED)
		return usage_error("export", "%s", "--folded-comm goes with --format folded");
	if (fmt == EXPORT_PPROF && !strcmp(a.out, "-") && isatty(STDOUT_FILENO))
		return usage_error("export", "%s", "pprof is binary: name a file with -o");
	if (check_out(a.out))
		return 1;
	if ((rc = load(&l, a.files[0], a.pid, true, a.interp))) {
		unload(&l);
		return rc;
	}
	src.p = l.prof;
	src.proc = l.proc;
	src.program = l.proc->comm;
	src.start_unix = l.meta.start_time;
	src.tree = l.merged ? &l.m : NULL;
	src.folded_comm = a.folded_comm;
	if ((rc = open_out(&o, a.out)) == 0) {
		if (export_write(o.f, fmt, &src, why, sizeof(why)) < 0) {
			outfile_abort(&o);
			fprintf(stderr, "perftop: cannot write '%s': %s\n", a.out, why);
			rc = 1;
		} else {
			rc = commit_out(&o);
		}
	}
	if (!rc && fmt == EXPORT_CHROME)
		fprintf(stderr, "perftop: note: zones in the trace are per-second totals of the "
				"last seconds recorded (perftop keeps no per-event zone times)\n");
	unload(&l);
	return rc;
}

/* ---- diff --------------------------------------------------------------------- */

static void diff_usage(FILE *f)
{
	fputs("usage: perftop diff BASE NEW [--report] [--format text|markdown|json] [--top N]\n"
	      "                           [--pid PID] [-o OUT]\n"
	      "What got slower or faster from snapshot BASE to NEW: each function's own CPU\n"
	      "time (ms per second of run) and its change in percent, its self and total\n"
	      "share in points, each zone's p50 and p95 in percent, largest regression\n"
	      "first. Shown on a screen (Tab: functions / zones, / searches, q quits); with\n"
	      "--report (or --format, -o) printed as text instead. --top 0 lists every\n"
	      "function that changed (default 20).\n",
	      f);
}

/* The diff on screen (ui/diffview.c), in the default theme. */
static int diff_screen(const struct diff *d, const char *base_path, const char *new_path)
{
	struct ui_options uo = { 0 };
	struct theme theme;

	theme_default(&theme);
	uo.theme = &theme;
	return ui_diff_run(d, base_path, new_path, &uo);
}

int cmd_diff(int argc, char **argv)
{
	enum report_format fmt = REPORT_TEXT;
	struct loaded base, new_;
	struct outfile o;
	struct diff d;
	struct args a;
	int rc;

	setlocale(LC_NUMERIC, "C");
	if ((rc = parse_args("diff", argc, argv, 2, &a)))
		return rc;
	if (a.help) {
		diff_usage(stdout);
		return 0;
	}
	if (a.nfiles != 2)
		return usage_error("diff", "%s", "two snapshot files are needed: BASE NEW");
	if (a.format && report_format_parse(a.format, &fmt) < 0)
		return usage_error("diff", "unknown format '%s' (text, markdown or json)",
				   a.format);
	if (a.format || a.out)
		a.report = true; /* a format or a file means the text */
	if (!a.report && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "perftop diff: the diff screen needs a terminal; --report prints "
				"the diff as text (try 'perftop diff --help')\n");
		return 2;
	}
	memset(&new_, 0, sizeof(new_));
	if (a.report && check_out(a.out))
		return 1;
	if ((rc = load(&base, a.files[0], a.pid, true, a.interp)) ||
	    (rc = load(&new_, a.files[1], a.pid, true, a.interp))) {
		unload(&base);
		unload(&new_);
		return rc;
	}
	diff_compute(&d, base.prof, base.proc->comm, new_.prof, new_.proc->comm);
	d.base_label = a.files[0];
	d.new_label = a.files[1];
	if (!a.report) {
		rc = diff_screen(&d, a.files[0], a.files[1]);
		diff_release(&d);
		unload(&base);
		unload(&new_);
		return rc;
	}
	if (d.different_programs)
		fprintf(stderr, "perftop: warning: '%s' and '%s' are different programs\n",
			d.base_program, d.new_program);
	if ((rc = open_out(&o, a.out ? a.out : "-")) == 0) {
		if (diff_write(o.f, &d, fmt, a.top_set ? a.top : 20) < 0) {
			outfile_abort(&o);
			fprintf(stderr, "perftop: cannot write the diff\n");
			rc = 1;
		} else {
			rc = commit_out(&o);
		}
	}
	diff_release(&d);
	unload(&base);
	unload(&new_);
	return rc;
}
