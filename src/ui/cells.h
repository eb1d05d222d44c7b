/*
 * cells — one table cell of a given kind, drawn into a line in exactly the
 * width given: text with the search's match highlighted, a percentage
 * coloured by size, a count with thousands separators, a duration in
 * nanoseconds, a rate per second. Every table of the ui (the tabs, the
 * thread chooser, the diff screen) draws its cells through these, so a kind
 * of figure looks the same everywhere.
 */
#ifndef PERFTOP_UI_CELLS_H
#define PERFTOP_UI_CELLS_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/lines.h"

/* Text in exactly width columns in element e, with the first
 * case-insensitive match of needle highlighted (needle may be ""). */
void cells__match(struct line *l, enum theme_element e, const char *text, int width,
		  const char *needle);
/* n of `of` as a percentage with one decimal, coloured by size (>= 10 %
 * bad, >= 1 % warn), right-aligned in width columns. */
void cells__percent(struct line *l, uint64_t n, uint64_t of, int width);
/* A count with thousands separators, right-aligned. */
void cells__count(struct line *l, unsigned long long n, int width);
/* A duration of ns nanoseconds ("2.01ms"), right-aligned; "-" when !have. */
void cells__duration(struct line *l, double ns, bool have, int width);
/* A rate per second as a plain number ("0.25", "12.5", "1,234"; below 0
 * reads 0), right-aligned. */
void cells__rate(struct line *l, double r, int width);

/* A browser_cell_fn: field arg (a struct field of model/fields.h) of row
 * (its figures struct) drawn by kind in the screen's style (FMT_SCREEN, or
 * FMT_SCREEN_UTF8 on a UTF-8 terminal): numbers right-aligned, percentages
 * coloured by size as cells__percent's, text left-aligned and dim. A number
 * a row does not have is a dim "-", text it does not have blank. */
void cells__field(struct line *l, const void *row, int width, const void *ctx, const void *arg);

#endif
