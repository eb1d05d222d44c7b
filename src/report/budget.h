/*
 * budget — the report's table of a budget's results: status, rule, value,
 * limit and warning level (text and markdown), and the rule's parts and
 * numbers in base units (JSON). The rules, their parser and the judge are
 * model/budget.h's; this only writes.
 */
#ifndef PERFTOP_REPORT_BUDGET_H
#define PERFTOP_REPORT_BUDGET_H

#include "model/budget.h"
#include "report/table.h"

/* Fills t (not initialised; release with table_release) with the results
 * table of b judged into res (b->nrules entries). */
void budget_table(struct table *t, const struct budget *b, const struct budget_result *res);

#endif
