/*
 * report_procs — the process tree of a snapshot as a report table: one row
 * per member of the launched tree, depth first and indented by parent (pid,
 * parent, depth, command, status, agent status, CPU time, samples and share
 * of the tree's samples). report.c writes it after its own tables (struct
 * report.extra) in text, markdown and JSON ("processes": [...],
 * docs/report-schema.md).
 *
 * Ownership: the table borrows commands from the model (which must outlive
 * it) and owns the status words it made.
 */
#ifndef PERFTOP_REPORT_REPORT_PROCS_H
#define PERFTOP_REPORT_REPORT_PROCS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "report/table.h"

struct report_procs {
	struct table t;
	char (*words)[MODEL_WHY_LEN + 32]; /* per row: status, then agent status */
	size_t nrows;
};

/* Fills rp with m's tree members; returns false (rp empty but initialised)
 * when m has no tree. Caller holds m's lock if it is live. */
bool report_procs_init(struct report_procs *rp, const struct model *m);
void report_procs_release(struct report_procs *rp);

#endif
