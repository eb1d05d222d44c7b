/*
 * report — computes a report's figures once and writes them through tables;
 * see report.h. The hot path tree is built here from the profile's interned
 * stacks into a private calltree, so the profile's own trees (which sort on
 * read) are never touched.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "model/hist.h"
#include "report/budget.h"
#include "report/json.h"
#include "report/table.h"
#include "util/waitstatus.h"
#include "util/xalloc.h"

int report_format_parse(const char *s, enum report_format *out)
{
#define X(id, name)                      \
	if (!strcmp(s, name)) {          \
		*out = REPORT_##id;      \
		return 0;                \
	}
	REPORT_FORMATS(X)
#undef X
	if (!strcmp(s, "md")) {
		*out = REPORT_MARKDOWN;
		return 0;
	}
	return -EINVAL;
}

const struct process *report_pick(const struct model *m, pid_t pid)
{
	const struct process *best = NULL;

	if (pid > 0)
		return model_find(m, pid);
	for (size_t i = 0; i < m->nprocs; i++) {
		const struct process *pr = m->procs[i];

		if (!pr->profile)
			continue;
		if (!best || pr->profile->samples > best->profile->samples)
			best = pr;
	}
	if (!best && m->nprocs == 1)
		best = m->procs[0];
	return best;
}

/* CPU and RSS figures of proc into fig/have (RS_CPU_* and RS_RSS_*). */
static void process_figures(const struct process *proc, double *fig, bool *have)
{
	struct process_figures pf;

	figures_process(proc, &pf);
	if (pf.have_cpu) {
		fig[RS_CPU_AVG] = pf.cpu_avg;
		fig[RS_CPU_MAX] = pf.cpu_max;
		have[RS_CPU_AVG] = have[RS_CPU_MAX] = true;
	}
	if (pf.have_rss) {
		fig[RS_RSS_START] = pf.rss_start;
		fig[RS_RSS_END] = pf.rss_end;
		fig[RS_RSS_GROWTH] = pf.rss_growth;
		fig[RS_RSS_MAX] = pf.rss_max;
		have[RS_RSS_START] = have[RS_RSS_END] = have[RS_RSS_GROWTH] = have[RS_RSS_MAX] =
			true;
	}
}

/* ---- compute ------------------------------------------------------------------ */

static double pct(uint64_t n, uint64_t of)
{
	return of ? 100.0 * (double)n / (double)of : 0;
}

static void compute_funcs(struct report *r, const struct profile *p, size_t top)
{
	size_t n = profile_func_count(p);
	uint32_t *order = xcalloc(n ? n : 1, sizeof(*order));

	r->by_self = xcalloc(top, sizeof(*r->by_self));
	r->by_total = xcalloc(top, sizeof(*r->by_total));
	profile_funcs_sorted(p, false, order);
	for (size_t i = 0; i < n && r->nby_self < top; i++)
		if (p->funcs[order[i]].self)
			figures_function(p, order[i], &r->by_self[r->nby_self++]);
	profile_funcs_sorted(p, true, order);
	for (size_t i = 0; i < n && r->nby_total < top; i++)
		if (p->funcs[order[i]].total)
			figures_function(p, order[i], &r->by_total[r->nby_total++]);
	free(order);
}

struct tree_walk {
	const struct profile *p;
	struct calltree t;
	struct report *r;
	size_t alloc;
	uint64_t min_total;
};

static void tree_visit(struct tree_walk *w, uint32_t node, unsigned depth)
{
	size_t n = calltree_children(&w->t, node, CALLTREE_ALL, NULL, 0);
	uint32_t *kids;

	if (!n)
		return;
	kids = xcalloc(n, sizeof(*kids));
	calltree_children(&w->t, node, CALLTREE_ALL, kids, n);
	for (size_t i = 0; i < n && w->r->ntree < REPORT_MAX_TREE_ROWS; i++) {
		const struct calltree_node *k = &w->t.nodes[kids[i]];
		const struct profile_func *f = &w->p->funcs[k->func];
		struct report_node *rn;

		if (k->total < w->min_total)
			break; /* children come biggest first */
		if (w->r->ntree == w->alloc) {
			w->alloc = w->alloc ? w->alloc * 2 : 32;
			w->r->tree = xreallocarray(w->r->tree, w->alloc, sizeof(*w->r->tree));
		}
		rn = &w->r->tree[w->r->ntree++];
		rn->depth = depth;
		rn->func = k->func;
		rn->name = f->name;
		rn->module = f->module;
		rn->total = k->total;
		rn->self = calltree_self(&w->t, kids[i], CALLTREE_ALL);
		rn->total_pct = pct(rn->total, w->p->samples);
		rn->self_pct = pct(rn->self, w->p->samples);
		if (depth < w->r->tree_depth)
			tree_visit(w, kids[i], depth + 1);
	}
	free(kids);
}

static void compute_tree(struct report *r, const struct profile *p)
{
	struct tree_walk w = { .p = p, .r = r };
	double min = r->tree_min_pct / 100.0 * (double)p->samples;

	w.min_total = min > 1 ? (uint64_t)(min + 0.999999) : 1;
	calltree_init(&w.t);
	for (uint32_t sid = 0; sid < p->stacks.count; sid++) {
		size_t len;
		const uint32_t *funcs = profile_stack(p, sid, &len);
		uint32_t node;

		if (!p->stack_counts[sid])
			continue;
		node = calltree_path(&w.t, funcs, len, false);
		calltree_add(&w.t, node, p->stack_counts[sid], 0);
	}
	tree_visit(&w, CALLTREE_ROOT, 1);
	calltree_release(&w.t);
}

static int zone_cmp(const void *a, const void *b)
{
	const struct zone_figures *x = a, *y = b;

	if (x->total_ns != y->total_ns)
		return x->total_ns > y->total_ns ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int counter_cmp(const void *a, const void *b)
{
	const struct counter_figures *x = a, *y = b;

	return strcmp(x->name, y->name);
}

void report_compute(struct report *r, const struct process *proc, const struct profile *p,
		    double tick_s, const struct report_opts *opts)
{
	struct report_opts o = { 0 };
	uint64_t with_stack = 0;

	memset(r, 0, sizeof(*r));
	if (opts)
		o = *opts;
	if (!o.top)
		o.top = REPORT_DEFAULT_TOP;
	if (!o.depth)
		o.depth = REPORT_DEFAULT_DEPTH;
	if (o.tree_min_pct <= 0)
		o.tree_min_pct = REPORT_DEFAULT_TREE_PCT;
	r->tree_depth = o.depth;
	r->tree_min_pct = o.tree_min_pct;
	if (!p && proc)
		p = proc->profile;
	r->wait_status = -1;
	if (proc) {
		r->pid = proc->pid;
		r->wait_status = proc->exit_status;
		r->program = proc->comm;
		r->cmdline = proc->cmdline;
		process_figures(proc, r->fig, r->have);
	}
	if (p && p->exe) {
		const char *slash = strrchr(p->exe, '/');

		r->program = slash && slash[1] ? slash + 1 : p->exe;
		if (!r->pid)
			r->pid = p->pid;
	}
	if (!r->program)
		r->program = "?";

	if (p && p->have_since) {
		r->fig[RS_DURATION] = figures_duration(p);
		r->have[RS_DURATION] = true;
	} else if (proc && proc->series[PM_CPU].len) {
		r->fig[RS_DURATION] = (double)proc->series[PM_CPU].len * (tick_s > 0 ? tick_s : 1);
		r->have[RS_DURATION] = true;
	}
	if (!p)
		return;
	r->source = p->outside ? "outside" : "agent";

	for (uint32_t sid = 0; sid < p->stacks.count; sid++)
		with_stack += p->stack_counts[sid];
	r->fig[RS_SAMPLES] = (double)p->samples;
	r->fig[RS_NO_STACK] = (double)(p->samples - with_stack);
	r->fig[RS_DROPPED] = (double)p->agent_dropped;
	r->fig[RS_THREADS] = (double)p->nthreads;
	r->fig[RS_MARKS] = (double)p->nmarks;
	r->have[RS_SAMPLES] = r->have[RS_NO_STACK] = r->have[RS_DROPPED] = true;
	r->have[RS_THREADS] = r->have[RS_MARKS] = true;
	if (p->requested_hz > 0) {
		r->fig[RS_REQUESTED_HZ] = p->requested_hz;
		r->have[RS_REQUESTED_HZ] = true;
	}
	if (p->achieved_hz > 0) {
		r->fig[RS_ACHIEVED_HZ] = p->achieved_hz;
		r->have[RS_ACHIEVED_HZ] = true;
	}
	/* The agent's own CPU time and its share of the process's (an older
	 * agent or snapshot: absent, not 0). */
	if (!p->outside && profile_cost_pct(p) >= 0) {
		r->fig[RS_AGENT_COST] = profile_cost_pct(p);
		r->have[RS_AGENT_COST] = true;
		r->fig[RS_AGENT_HANDLER] = (double)p->cost.handler_ns / 1e9;
		r->fig[RS_AGENT_WRITER] = (double)p->cost.writer_ns / 1e9;
		r->have[RS_AGENT_HANDLER] = r->have[RS_AGENT_WRITER] = true;
	}

	compute_funcs(r, p, o.top);
	compute_tree(r, p);

	r->nzones = profile_zone_count(p);
	r->zones = xcalloc(r->nzones ? r->nzones : 1, sizeof(*r->zones));
	for (uint32_t z = 0; z < r->nzones; z++)
		figures_zone(p, z, &r->zones[z]);
	qsort(r->zones, r->nzones, sizeof(*r->zones), zone_cmp);

	r->ncounters = profile_counter_count(p);
	r->counters = xcalloc(r->ncounters ? r->ncounters : 1, sizeof(*r->counters));
	for (uint32_t c = 0; c < r->ncounters; c++)
		figures_counter(p, c, &r->counters[c]);
	qsort(r->counters, r->ncounters, sizeof(*r->counters), counter_cmp);
}

void report_release(struct report *r)
{
	free(r->by_self);
	free(r->by_total);
	free(r->tree);
	free(r->zones);
	free(r->counters);
	memset(r, 0, sizeof(*r));
}

/* ---- tables ------------------------------------------------------------------- */

static const struct table_col summary_cols[] = {
#define X(id, label, key, kind) { label, key, TK_##kind, 0 },
	REPORT_SUMMARY(X)
#undef X
};

/* The functions tables' columns, from model/fields.h. */
static const struct table_pick func_picks[] = {
	{ FF_SELF_PCT, 0 }, { FF_SELF, 0 }, { FF_TOTAL_PCT, 0 },
	{ FF_TOTAL, 0 },    { FF_MODULE, 0 }, { FF_NAME, 0 },
	{ FF_FILE, TABLE_JSON_ONLY }, { FF_LINE, TABLE_JSON_ONLY },
};

#define TREE_COLUMNS(X)                                                       \
	X(TOTAL_PCT, "total %", "total_pct", PCT, 0)                          \
	X(SELF_PCT, "self %", "self_pct", PCT, 0)                             \
	X(TOTAL, "total", "total", COUNT, 0)                                  \
	X(SELF, "self", "self", COUNT, 0)                                     \
	X(DEPTH, "depth", "depth", INT, TABLE_JSON_ONLY)                      \
	X(NAME, "function", "name", STR, 0)                                   \
	X(MODULE, "module", "module", STR, 0)

#define TC_ENTRY(id, ...) TC_##id,
enum { TREE_COLUMNS(TC_ENTRY) TC_COUNT };

static const struct table_col tree_cols[] = { TREE_COLUMNS(TABLE_COLUMN) };

static const struct table_pick zone_picks[] = {
	{ ZF_NAME, 0 }, { ZF_COUNT, 0 }, { ZF_RATE, 0 }, { ZF_MEAN, 0 },  { ZF_MIN, 0 },
	{ ZF_P50, 0 },  { ZF_P90, 0 },   { ZF_P95, 0 },  { ZF_P99, 0 },   { ZF_P999, 0 },
	{ ZF_MAX, 0 },  { ZF_TOTAL, 0 },
};

static const struct table_pick counter_picks[] = {
	{ CF_NAME, 0 }, { CF_KIND, 0 }, { CF_TOTAL, 0 }, { CF_RATE_AVG, 0 }, { CF_RATE_LAST, 0 },
};

#define NPICKS(a) (sizeof(a) / sizeof((a)[0]))

static void func_table(struct table *t, const char *title, const char *key,
		       const struct function_figures *fs, size_t n)
{
	table_init_fields(t, title, key, function_fields, func_picks, NPICKS(func_picks));
	t->empty = "no samples with a stack";
	for (size_t i = 0; i < n; i++)
		table_row_of(t, &fs[i]);
}

enum { T_SUMMARY, T_SELF, T_TOTAL, T_TREE, T_ZONES, T_COUNTERS, T_BUDGET, T_COUNT };

/* The summary's columns for r into cols: a profile sampled from outside has
 * no agent, so the agent's own rows are left out of text and markdown (null
 * in JSON, as ever) and its drops are the kernel's lost samples. */
static const struct table_col *summary_columns(const struct report *r,
					       struct table_col cols[RS_COUNT])
{
	if (!r->source || strcmp(r->source, "outside") != 0)
		return summary_cols;
	memcpy(cols, summary_cols, sizeof(summary_cols));
	cols[RS_AGENT_COST].flags |= TABLE_JSON_ONLY;
	cols[RS_AGENT_HANDLER].flags |= TABLE_JSON_ONLY;
	cols[RS_AGENT_WRITER].flags |= TABLE_JSON_ONLY;
	cols[RS_DROPPED].title = "lost by the kernel's ring";
	return cols;
}

/* "sampled from outside at N Hz" or "agent, N Hz" into buf: the header's
 * source line, as the live view says it. */
static void source_line(const struct report *r, char *buf, size_t len)
{
	bool outside = r->source && strcmp(r->source, "outside") == 0;

	if (r->have[RS_REQUESTED_HZ])
		snprintf(buf, len, outside ? "sampled from outside at %.0f Hz" : "agent, %.0f Hz",
			 r->fig[RS_REQUESTED_HZ]);
	else
		snprintf(buf, len, outside ? "sampled from outside" : "agent");
}

static void build_tables(const struct report *r, struct table *t, char *note, size_t note_len,
			 struct table_col cols[RS_COUNT])
{
	struct table_cell *c;

	table_init(&t[T_SUMMARY], "Summary", "summary", summary_columns(r, cols), RS_COUNT);
	t[T_SUMMARY].object = true;
	c = table_row(&t[T_SUMMARY]);
	for (int i = 0; i < RS_COUNT; i++)
		if (r->have[i])
			table_num(&c[i], r->fig[i]);

	func_table(&t[T_SELF], "Hottest functions by self", "functions_by_self", r->by_self,
		   r->nby_self);
	func_table(&t[T_TOTAL], "Hottest functions by total", "functions_by_total", r->by_total,
		   r->nby_total);

	table_init(&t[T_TREE], "Hot paths", "hot_paths", tree_cols, TC_COUNT);
	t[T_TREE].empty = "no samples with a stack";
	snprintf(note, note_len, "Paths with at least %g%% of the samples, to depth %zu.",
		 r->tree_min_pct, r->tree_depth);
	t[T_TREE].note = note;
	for (size_t i = 0; i < r->ntree; i++) {
		const struct report_node *n = &r->tree[i];

		c = table_row(&t[T_TREE]);
		table_num(&c[TC_TOTAL_PCT], n->total_pct);
		table_num(&c[TC_SELF_PCT], n->self_pct);
		table_num(&c[TC_TOTAL], (double)n->total);
		table_num(&c[TC_SELF], (double)n->self);
		table_num(&c[TC_DEPTH], n->depth);
		table_str(&c[TC_NAME], n->name);
		c[TC_NAME].indent = n->depth - 1;
		table_str(&c[TC_MODULE], n->module);
	}

	table_init_fields(&t[T_ZONES], "Zones", "zones", zone_fields, zone_picks,
			  NPICKS(zone_picks));
	t[T_ZONES].empty = "no zones";
	for (size_t i = 0; i < r->nzones; i++)
		table_row_of(&t[T_ZONES], &r->zones[i]);

	table_init_fields(&t[T_COUNTERS], "Counters", "counters", counter_fields, counter_picks,
			  NPICKS(counter_picks));
	t[T_COUNTERS].empty = "no counters";
	for (size_t i = 0; i < r->ncounters; i++)
		table_row_of(&t[T_COUNTERS], &r->counters[i]);

	table_init(&t[T_BUDGET], "Budget", "budget", NULL, 0);
	if (r->budget)
		budget_table(&t[T_BUDGET], r->budget, r->results);
}

int report_write(FILE *f, const struct report *r, enum report_format fmt)
{
	/* The budget, when there is one, right after the summary: it is the verdict. */
	static const int order[] = { T_SUMMARY, T_BUDGET, T_SELF, T_TOTAL, T_TREE, T_ZONES,
				     T_COUNTERS };
	struct table t[T_COUNT];
	struct table_col cols[RS_COUNT];
	char note[128], prog[256], cmd[1024], src[96] = "";
	const int n = (int)(sizeof(order) / sizeof(order[0]));

	build_tables(r, t, note, sizeof(note), cols);
	if (r->source)
		source_line(r, src, sizeof(src));
	switch (fmt) {
	case REPORT_TEXT:
		fprintf(f, "perftop report: %s (pid %d)\n",
			table_clean(prog, sizeof(prog), r->program, false), (int)r->pid);
		if (r->cmdline)
			fprintf(f, "command: %s\n",
				table_clean(cmd, sizeof(cmd), r->cmdline, false));
		if (r->wait_status >= 0) {
			waitstatus_describe(cmd, sizeof(cmd), r->wait_status);
			fprintf(f, "%s\n", cmd);
		}
		if (src[0])
			fprintf(f, "source: %s\n", src);
		for (int i = 0; i < n; i++) {
			if (order[i] == T_BUDGET && !r->budget)
				continue;
			fputc('\n', f);
			table_write_text(f, &t[order[i]]);
		}
		if (r->extra) {
			fputc('\n', f);
			table_write_text(f, r->extra);
		}
		break;
	case REPORT_MARKDOWN:
		fprintf(f, "## perftop report: %s (pid %d)\n\n",
			table_clean(prog, sizeof(prog), r->program, true), (int)r->pid);
		if (r->cmdline)
			fprintf(f, "Command: %s\n\n",
				table_clean(cmd, sizeof(cmd), r->cmdline, true));
		if (src[0])
			fprintf(f, "Source: %s\n\n", src);
		if (r->budget)
			fprintf(f, "**Budget: %s**\n\n",
				budget_status_name(budget_worst(r->budget, r->results)));
		for (int i = 0; i < n; i++)
			if (order[i] != T_BUDGET || r->budget)
				table_write_markdown(f, &t[order[i]]);
		if (r->extra)
			table_write_markdown(f, r->extra);
		break;
	case REPORT_JSON:
		fputs("{\n  \"schema\": ", f);
		json_string(f, REPORT_SCHEMA);
		fputs(",\n  \"program\": ", f);
		json_string(f, r->program);
		fputs(",\n  \"pid\": ", f);
		json_uint(f, (uint64_t)(r->pid > 0 ? r->pid : 0));
		fputs(",\n  \"source\": ", f);
		if (r->source)
			json_string(f, r->source);
		else
			fputs("null", f);
		fputs(",\n  \"command\": ", f);
		if (r->cmdline)
			json_string(f, r->cmdline);
		else
			fputs("null", f);
		/* How it ended: exit_status for an exit, exit_signal for a kill. */
		fputs(",\n  \"exit_status\": ", f);
		if (r->wait_status >= 0 && WIFEXITED(r->wait_status))
			json_uint(f, (uint64_t)WEXITSTATUS(r->wait_status));
		else
			fputs("null", f);
		fputs(",\n  \"exit_signal\": ", f);
		if (r->wait_status >= 0 && WIFSIGNALED(r->wait_status)) {
			const char *abbrev = sigabbrev_np(WTERMSIG(r->wait_status));
			char name[32];

			snprintf(name, sizeof(name), "SIG%s", abbrev ? abbrev : "?");
			json_string(f, name);
		} else {
			fputs("null", f);
		}
		fputs(",\n  \"hot_paths_min_pct\": ", f);
		json_number(f, r->tree_min_pct);
		fputs(",\n  \"hot_paths_depth\": ", f);
		json_uint(f, r->tree_depth);
		for (int i = 0; i < n; i++) {
			if (order[i] == T_BUDGET && !r->budget)
				continue;
			fputs(",\n  ", f);
			table_write_json(f, &t[order[i]], 2);
		}
		if (r->extra) {
			fputs(",\n  ", f);
			table_write_json(f, r->extra, 2);
		}
		if (r->budget) {
			fputs(",\n  \"budget_status\": ", f);
			json_string(f, budget_status_name(budget_worst(r->budget, r->results)));
		}
		fputs("\n}\n", f);
		break;
	}
	for (int i = 0; i < T_COUNT; i++)
		table_release(&t[i]);
	return ferror(f) ? -EIO : 0;
}
