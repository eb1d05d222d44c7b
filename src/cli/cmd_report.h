/*
 * cmd_report — the headless subcommands that read snapshots:
 * `perftop report`, `perftop export` and `perftop diff`.
 *
 * Each takes argv with argv[0] the subcommand's name and returns the exit
 * status: 0 success, 1 a file could not be read or written, 2 a usage
 * error, and for report 3 when a budget limit failed.
 */
#ifndef PERFTOP_CLI_CMD_REPORT_H
#define PERFTOP_CLI_CMD_REPORT_H

#include <stdio.h>

enum { CMD_REPORT_BUDGET_FAILED = 3 };

int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_diff(int argc, char **argv);

struct budget;
struct model;

/* perftop run --budget at exit: judges b on process pid of m (model
 * unlocked: the collector has stopped), prints the pass/warn/fail table as
 * `perftop report --budget` does to f, and returns CMD_REPORT_BUDGET_FAILED
 * when a rule failed, else 0. */
int cmd_report_budget_verdict(const struct budget *b, const struct model *m, int pid, FILE *f);

#endif
