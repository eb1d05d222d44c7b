/* budget — a budget's results as a report table; see budget.h. */
#include "report/budget.h"

#define BUDGET_COLUMNS(X)                                                     \
	X(STATUS, "status", "status", STATUS, 0)                              \
	X(RULE, "rule", "rule", STR, 0)                                       \
	X(VALUE_TEXT, "value", "value_text", STR, TABLE_TEXT_ONLY)            \
	X(LIMIT_TEXT, "limit", "limit_text", STR, TABLE_TEXT_ONLY)            \
	X(WARN_TEXT, "warn at", "warn_text", STR, TABLE_TEXT_ONLY)            \
	X(LINE, "line", "line", INT, TABLE_JSON_ONLY)                         \
	X(SUBJECT, "subject", "subject", STR, TABLE_JSON_ONLY)                \
	X(NAME, "name", "name", STR, TABLE_JSON_ONLY)                         \
	X(METRIC, "metric", "metric", STR, TABLE_JSON_ONLY)                   \
	X(OP, "op", "op", STR, TABLE_JSON_ONLY)                               \
	X(UNIT, "unit", "unit", STR, TABLE_JSON_ONLY)                         \
	X(VALUE, "value", "value", NUM, TABLE_JSON_ONLY)                      \
	X(LIMIT, "limit", "limit", NUM, TABLE_JSON_ONLY)                      \
	X(WARN, "warn", "warn", NUM, TABLE_JSON_ONLY)

enum {
#define X(id, title, key, kind, flags) BC_##id,
	BUDGET_COLUMNS(X)
#undef X
	BC_COUNT
};

static const struct table_col budget_cols[] = {
#define X(id, title, key, kind, flags) { title, key, TK_##kind, flags },
	BUDGET_COLUMNS(X)
#undef X
};

void budget_table(struct table *t, const struct budget *b, const struct budget_result *res)
{
	table_init(t, "Budget", "budget", budget_cols, BC_COUNT);
	t->empty = "no rules";
	for (size_t i = 0; i < b->nrules; i++) {
		const struct budget_rule *r = &b->rules[i];
		struct table_cell *c = table_row(t);
		const char *base = budget_unit_base(budget_metric_unit(r->metric));

		table_str(&c[BC_STATUS], budget_status_name(res[i].status));
		table_str(&c[BC_RULE], r->text);
		table_str(&c[BC_VALUE_TEXT], res[i].value_text);
		table_str(&c[BC_LIMIT_TEXT], res[i].limit_text);
		table_str(&c[BC_WARN_TEXT], res[i].warn_text);
		table_num(&c[BC_LINE], r->line);
		table_str(&c[BC_SUBJECT], budget_subject_name(r->subject));
		table_str(&c[BC_NAME], r->name);
		table_str(&c[BC_METRIC], budget_metric_name(r->metric));
		table_str(&c[BC_OP], budget_op_text(r->op));
		table_str(&c[BC_UNIT], *base ? base : "count");
		if (res[i].have)
			table_num(&c[BC_VALUE], res[i].value);
		table_num(&c[BC_LIMIT], r->limit);
		table_num(&c[BC_WARN], r->warn);
	}
}
