/*
 * budget_view — `perftop run --budget FILE`: the budget judged live.
 *
 * Every frame of the process view judges the budget (model/budget.h) on
 * the live profile and process, with the figures `perftop report --budget`
 * would use, and keeps the results in ui->budget. The view then shows one
 * header line — "budget: all 5 pass" (good), the warnings (warn) or the
 * breaches (bad): "budget: 2 breaches — zone frame p95 23.1 ms ≥ 20 ms;
 * cpu avg 7 % ≥ 5 %" — and the tabs colour the rows a rule names
 * (budget_view__style): Functions rows for `function` rules, Zones rows for
 * `zone` rules, Counters rows for `counter` rules; budget_view__func_status
 * gives the Tree, Callers and Flame tabs the colour of a function.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui_internal.h"
#include "util/xalloc.h"

void budget_view__judge(struct ui *ui, const struct process *p)
{
	const struct budget *b = ui->opt->budget;

	ui->budget.judged = false;
	if (!b)
		return;
	if (!ui->budget.res)
		ui->budget.res = xcalloc(b->nrules + 1, sizeof(*ui->budget.res));
	ui->budget.worst = budget_judge(b, p ? p->profile : NULL, p, ui->budget.res);
	ui->budget.judged = true;
}

/* The comparison a failed rule shows: the opposite of its operator. */
static const char *broken_op(enum budget_op op, bool utf8)
{
	switch (op) {
	case BO_LT:
		return utf8 ? "≥" : ">=";
	case BO_LE:
		return ">";
	case BO_GT:
		return utf8 ? "≤" : "<=";
	default:
		return "<";
	}
}

/* "zone frame p95 23.1 ms ≥ 20 ms" for a failure, "... 17 ms (limit 20 ms)"
 * for a warning, "... no data", or "function parse_hdr: not in the profile". */
static void describe(char *out, size_t len, const struct budget_rule *r,
		     const struct budget_result *res, bool utf8)
{
	int n;

	if (res->missing) {
		snprintf(out, len, "%s %s: not in the profile", budget_subject_name(r->subject),
			 r->name);
		return;
	}
	n = snprintf(out, len, "%s%s%s %s ", budget_subject_name(r->subject), r->name ? " " : "",
		     r->name ? r->name : "", budget_metric_name(r->metric));
	if (n < 0 || (size_t)n >= len)
		return;
	if (res->status == BUDGET_FAIL)
		snprintf(out + n, len - (size_t)n, "%s %s %s", res->value_text,
			 broken_op(r->op, utf8), res->limit_text);
	else if (res->status == BUDGET_NODATA)
		snprintf(out + n, len - (size_t)n, "no data");
	else
		snprintf(out + n, len - (size_t)n, "%s (limit %s)", res->value_text,
			 res->limit_text);
}

/* Appends the rules of status s (and NODATA with WARN), "; " between. */
static void list_rules(struct ui *ui, struct line *l, enum theme_element e, enum budget_status s)
{
	const struct budget *b = ui->opt->budget;
	bool first = true;
	char text[BUDGET_MAX_NAME + 128];

	for (size_t i = 0; i < b->nrules; i++) {
		enum budget_status st = ui->budget.res[i].status;

		if (st != s && !(s == BUDGET_WARN && st == BUDGET_NODATA))
			continue;
		describe(text, sizeof(text), &b->rules[i], &ui->budget.res[i], ui->utf8);
		if (!first)
			line_put(l, e, "; ");
		line_put(l, e, text);
		first = false;
	}
}

static size_t count_status(const struct ui *ui, enum budget_status s)
{
	const struct budget *b = ui->opt->budget;
	size_t n = 0;

	for (size_t i = 0; i < b->nrules; i++) {
		enum budget_status st = ui->budget.res[i].status;

		if (st == s || (s == BUDGET_WARN && st == BUDGET_NODATA))
			n++;
	}
	return n;
}

void budget_view__line(struct ui *ui, struct lines *out)
{
	const struct budget *b = ui->opt->budget;
	struct line *l;
	const char *dash = ui->utf8 ? " — " : " - ";
	size_t fails, warns;

	if (!b || !ui->budget.judged)
		return;
	l = lines_begin(out, ui->width);
	fails = count_status(ui, BUDGET_FAIL);
	warns = count_status(ui, BUDGET_WARN);
	line_put(l, TE_HEADER, " ");
	if (fails) {
		line_printf(l, TE_BAD, "budget: %zu breach%s%s", fails, fails == 1 ? "" : "es",
			    dash);
		list_rules(ui, l, TE_BAD, BUDGET_FAIL);
		if (warns) {
			line_put(l, TE_HEADER, "; ");
			list_rules(ui, l, TE_WARN, BUDGET_WARN);
		}
	} else if (warns) {
		line_printf(l, TE_WARN, "budget: %zu warning%s%s", warns, warns == 1 ? "" : "s",
			    dash);
		list_rules(ui, l, TE_WARN, BUDGET_WARN);
	} else {
		line_printf(l, TE_GOOD, "budget: all %zu pass", b->nrules);
	}
	line_fill(l, TE_HEADER);
}

enum theme_element budget_view__style(const struct ui *ui, enum budget_subject s,
				      const char *name)
{
	const struct budget *b = ui ? ui->opt->budget : NULL;
	int worst = -1;

	if (!b || !ui->budget.judged || !name)
		return TE_ROW;
	for (size_t i = 0; i < b->nrules; i++) {
		const struct budget_rule *r = &b->rules[i];

		if (r->subject == s && r->name && !strcmp(r->name, name) &&
		    (int)ui->budget.res[i].status > worst)
			worst = (int)ui->budget.res[i].status;
	}
	switch (worst) {
	case -1:
		return TE_ROW;
	case BUDGET_PASS:
		return TE_GOOD;
	case BUDGET_FAIL:
		return TE_BAD;
	default:
		return TE_WARN;
	}
}

enum theme_element budget_view__func_status(const struct ui *ui, const char *func)
{
	return budget_view__style(ui, BS_FUNCTION, func);
}

void budget_view__release(struct ui *ui)
{
	free(ui->budget.res);
	ui->budget.res = NULL;
	ui->budget.judged = false;
}
