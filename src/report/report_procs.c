/* report_procs — the process tree as a report table; see report_procs.h. */
#include "report/report_procs.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "model/proctree.h"
#include "util/xalloc.h"

#define PROC_COLUMNS(X)                                                     \
	X(PC_PID, "pid", "pid", INT, 0)                                     \
	X(PC_PPID, "ppid", "ppid", INT, 0)                                  \
	X(PC_DEPTH, "depth", "depth", INT, TABLE_JSON_ONLY)                 \
	X(PC_COMMAND, "command", "command", STR, 0)                         \
	X(PC_STATUS, "status", "status", STR, 0)                            \
	X(PC_EXIT, "exit", "exit_status", INT, TABLE_JSON_ONLY)             \
	X(PC_SIGNAL, "signal", "exit_signal", INT, TABLE_JSON_ONLY)         \
	X(PC_CPU, "CPU", "cpu_s", SECONDS, 0)                               \
	X(PC_SAMPLES, "samples", "samples", COUNT, 0)                       \
	X(PC_SHARE, "share", "samples_pct", PCT, 0)                         \
	X(PC_AGENT, "agent", "agent", STR, 0)

#define PC_ENTRY(id, title, key, kind, flags) id,
enum { PROC_COLUMNS(PC_ENTRY) PC_COUNT };
static const struct table_col proc_cols[] = { PROC_COLUMNS(TABLE_COLUMN) };

bool report_procs_init(struct report_procs *rp, const struct model *m)
{
	struct proctree_entry *e;
	size_t n;
	uint64_t total = 0;

	memset(rp, 0, sizeof(*rp));
	table_init(&rp->t, "Processes", "processes", proc_cols, PC_COUNT);
	rp->t.empty = "no process tree";
	if (!m->tree_root)
		return false;
	n = proctree_list(m, NULL, 0);
	if (!n)
		return false;
	e = xcalloc(n, sizeof(*e));
	proctree_list(m, e, n);
	rp->words = xcalloc(2 * n, sizeof(*rp->words));
	rp->nrows = n;
	for (size_t i = 0; i < n; i++)
		total += proctree_samples(e[i].p);
	for (size_t i = 0; i < n; i++) {
		const struct process *p = e[i].p;
		struct table_cell *c = table_row(&rp->t);
		uint64_t s = proctree_samples(p);

		table_num(&c[PC_PID], p->pid);
		if (p->ppid)
			table_num(&c[PC_PPID], p->ppid);
		table_num(&c[PC_DEPTH], e[i].depth);
		table_str(&c[PC_COMMAND], p->cmdline && *p->cmdline ? p->cmdline : p->comm);
		c[PC_COMMAND].indent = e[i].depth;
		proctree_status(p, rp->words[2 * i], sizeof(rp->words[0]));
		table_str(&c[PC_STATUS], rp->words[2 * i]);
		if (p->exit_status >= 0 && WIFEXITED(p->exit_status))
			table_num(&c[PC_EXIT], WEXITSTATUS(p->exit_status));
		if (p->exit_status >= 0 && WIFSIGNALED(p->exit_status))
			table_num(&c[PC_SIGNAL], WTERMSIG(p->exit_status));
		table_num(&c[PC_CPU], proctree_cpu_seconds(p));
		table_num(&c[PC_SAMPLES], (double)s);
		if (total)
			table_num(&c[PC_SHARE], 100.0 * (double)s / (double)total);
		proctree_agent_status(p, rp->words[2 * i + 1], sizeof(rp->words[0]));
		table_str(&c[PC_AGENT], rp->words[2 * i + 1]);
	}
	free(e);
	return true;
}

void report_procs_release(struct report_procs *rp)
{
	table_release(&rp->t);
	free(rp->words);
	memset(rp, 0, sizeof(*rp));
}
