/*
 * fuzz_budget — libFuzzer entry point for the budget file parser.
 *
 * Each input is parsed as a budget file. An accepted one must come back the
 * same through its canonical form: every rule is written with
 * budget_rule_format(), parsed again, and must give the same subject,
 * metric, name, comparison, limit and warning level. Every rule is then
 * judged on a small profile and process, and the results table built; a
 * rejected input must say "line N: ..." or name a limit. Any disagreement
 * aborts. Built with clang -fsanitize=fuzzer by `make fuzz`;
 * tests/fuzz/replay.c runs it over tests/fuzz/corpus/budget/ in `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/budget.h"
#include "report/budget.h"
#include "report/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct model model;
static struct process *proc;

/* A profile with a function, a zone, a counter and a gauge, and a process
 * with CPU and RSS series: every kind of rule has something to measure. */
static void setup(void)
{
	struct profile *p;
	uint32_t f, s[1];

	model_init(&model, 1.0);
	proc = model_agent_process(&model, 7, "/bin/fuzz");
	p = proc->profile;
	f = profile_func(p, "fuzz", "parse", NULL, 0);
	s[0] = f;
	profile_add_samples(p, 7, s, 1, 10, 1.0);
	profile_zone_event_at(p, profile_zone(p, "parse"), 7, 1.5, 2000000);
	profile_counter_update(p, profile_counter(p, "frames"), false, 30, 2.0);
	profile_counter_update(p, profile_counter(p, "queue"), true, 4, 2.0);
	series_push(&proc->series[PM_CPU], 3);
	series_push(&proc->series[PM_RSS], 1000);
}

static bool same(const struct budget_rule *a, const struct budget_rule *b)
{
	return a->subject == b->subject && a->metric == b->metric && a->op == b->op &&
	       a->limit == b->limit && a->warn == b->warn &&
	       !strcmp(a->name ? a->name : "", b->name ? b->name : "") &&
	       (a->name == NULL) == (b->name == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct budget b, again;
	struct budget_result *res;
	struct table t;
	char why[256], line[BUDGET_MAX_NAME * 2 + 256], why2[256];

	if (!proc)
		setup();
	if (budget_parse(&b, (const char *)data, size, why, sizeof(why)) < 0) {
		if (strncmp(why, "line ", 5) && strncmp(why, "larger than", 11))
			abort();
		if (b.nrules || b.rules)
			abort();
		return 0;
	}
	if (b.nrules > BUDGET_MAX_RULES)
		abort();
	for (size_t i = 0; i < b.nrules; i++) {
		int n = budget_rule_format(&b.rules[i], line, sizeof(line));

		if (n < 0 || (size_t)n >= sizeof(line))
			abort();
		if (budget_parse(&again, line, (size_t)n, why2, sizeof(why2)) < 0) {
			fprintf(stderr, "canonical form refused: %s: %s\n", line, why2);
			abort();
		}
		if (again.nrules != 1 || !same(&b.rules[i], &again.rules[0])) {
			fprintf(stderr, "canonical form differs: %s\n", line);
			abort();
		}
		budget_release(&again);
	}
	res = calloc(b.nrules + 1, sizeof(*res));
	if (!res)
		abort();
	budget_judge(&b, proc->profile, proc, res);
	budget_judge(&b, NULL, NULL, res);
	budget_table(&t, &b, res);
	table_release(&t);
	free(res);
	budget_release(&b);
	return 0;
}
