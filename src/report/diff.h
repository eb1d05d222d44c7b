/*
 * diff — a diff of two profiles (model/diff.h computes it) written as a
 * report: a summary, the functions that changed most, the zones; as text,
 * markdown or JSON through report/table.h.
 */
#ifndef PERFTOP_REPORT_DIFF_H
#define PERFTOP_REPORT_DIFF_H

#include <stddef.h>
#include <stdio.h>

#include "model/diff.h"
#include "report/report.h"

/* Writes d as a report in format fmt: a summary, the functions (top rows;
 * 0: all that changed), the zones. Returns 0 or -EIO. */
int diff_write(FILE *f, const struct diff *d, enum report_format fmt, size_t top);

#endif
