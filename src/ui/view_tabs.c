/*
 * view_tabs — the tables under a profiled process's charts: Functions
 * (self %, total %, samples, function, module, file:line), Zones (count,
 * rate, mean and percentiles), Counters (total or value, rates) and Log (the
 * program's marks and, under perftop run's screen, its last output lines,
 * with perftop's own messages, newest last).
 *
 * Each tab defines its columns once and has its own browser, so switching
 * tabs keeps every tab's position. Rows are rebuilt from the profile at
 * every frame and point into it: they are valid only under the model's lock.
 * The Functions tab keeps its order between frames and sorts again only
 * when what it sorts on changed (see funcs_order).
 * Search (`/`, then n/N) walks the current tab's names and selects the
 * matching row; it filters nothing. Functions, Zones and Counters each sort
 * by any of their columns with their own sort state; Zones show the scope
 * (thread, live window). Enter on a zone or counter opens its detail screen
 * (view_detail.c) in the tab area.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ui/fmt.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

static const char *const tab_names[PTAB_COUNT] = { "Functions", "Tree",     "Callers", "Flame",
						    "Zones",     "Counters", "Log" };
/* The same, short, for a bar that must leave room for the scope. */
static const char *const tab_short_names[PTAB_COUNT] = { "Func", "Tree", "Call", "Flame",
							  "Zone", "Ctr",  "Log" };

const double tabs__window_seconds[TABS_NWINDOWS] = { 5, 30, 0 };

const struct tab_module *tabs__module(enum proc_tab tab)
{
	switch (tab) {
	case PTAB_TREE:
	case PTAB_CALLERS:
		return &treeview__module;
	case PTAB_FLAME:
		return &flameview__module;
	default:
		return NULL;
	}
}
static const char *const sort_names[FSORT_COUNT] = { "self", "total", "name" };

static void forder_free(struct funcs_order *o);
static void forder_restart(struct funcs_order *o);

void tabs__init(struct proctabs *t)
{
	memset(t, 0, sizeof(*t));
	t->sort = FSORT_SELF;
	t->desc = true;
	t->zone_sort = ZSORT_TOTAL;
	t->zone_desc = true;
	t->counter_sort = CSORT_NAME;
	detail__init(&t->det);
	t->show_file = true;
	t->log_tail = true;
	t->scope.window = TABS_DEFAULT_WINDOW;
	profile_view_init(&t->scope.win);
	profile_view_init(&t->scope.all);
	for (int i = 0; i < PTAB_COUNT; i++) {
		const struct tab_module *m = tabs__module((enum proc_tab)i);

		browser_init(&t->br[i]);
		if (m)
			t->module_state[i] = m->create((enum proc_tab)i);
	}
}

void tabs__release(struct proctabs *t)
{
	for (int i = 0; i < PTAB_COUNT; i++) {
		const struct tab_module *m = tabs__module((enum proc_tab)i);

		browser_release(&t->br[i]);
		if (m)
			m->destroy(t->module_state[i]);
		t->module_state[i] = NULL;
	}
	profile_view_release(&t->scope.win);
	profile_view_release(&t->scope.all);
	free(t->funcs);
	forder_free(t->forder);
	free(t->counters);
	free(t->counter_vals);
	free(t->zones);
	free(t->sums);
	free(t->log);
	detail__release(&t->det);
}

void tabs__reset(struct proctabs *t)
{
	for (int i = 0; i < PTAB_COUNT; i++) {
		const struct tab_module *m = tabs__module((enum proc_tab)i);

		browser_release(&t->br[i]);
		browser_init(&t->br[i]);
		if (m)
			m->reset(t->module_state[i]);
	}
	t->scope.tid = 0;
	t->nfuncs = 0;
	forder_restart(t->forder); /* another process: its names are not these */
	t->search[0] = '\0';
	t->searching = false;
	t->log_tail = true;
	memset(t->detail, 0, sizeof(t->detail));
}

void tabs__drops_add(struct drop_meter *d, pid_t pid, double now, uint64_t dropped)
{
	unsigned last = (d->head + DROP_SLOTS - 1) % DROP_SLOTS;

	/* another process, or its counts went back (R, a new agent): start over */
	if (d->pid != pid || (d->n && dropped < d->v[last])) {
		memset(d, 0, sizeof(*d));
		d->pid = pid;
	}
	if (d->n && now - d->t[last] < 0.5) {
		d->v[last] = dropped; /* at most two slots a second: they span seconds */
		return;
	}
	d->t[d->head] = now;
	d->v[d->head] = dropped;
	d->head = (d->head + 1) % DROP_SLOTS;
	if (d->n < DROP_SLOTS)
		d->n++;
}

double tabs__drops_rate(const struct drop_meter *d, double now)
{
	unsigned newest = (d->head + DROP_SLOTS - 1) % DROP_SLOTS, base = newest;

	if (d->n < 2)
		return 0;
	/* base: the oldest slot of the recent seconds (the one before the
	 * newest when that is the only recent one) */
	for (unsigned k = 1; k < d->n; k++) {
		unsigned s = (newest + DROP_SLOTS - k) % DROP_SLOTS;

		if (d->t[s] < now - DROP_RECENT_S && k > 1)
			break;
		base = s;
		if (d->t[s] < now - DROP_RECENT_S)
			break;
	}
	if (d->v[newest] <= d->v[base] || d->t[newest] <= d->t[base])
		return 0;
	return (double)(d->v[newest] - d->v[base]) / (d->t[newest] - d->t[base]);
}

void tabs__agent_line(struct ui *ui, struct lines *out, const struct process *p, int width)
{
	const struct profile *prof = p ? p->profile : NULL;
	struct line *l = lines_begin(out, width);
	char req[32], got[48], samples[32], dropped[32], events[48], full[192], rate[32];
	char notes[256], cost[64];
	bool group = !ui->batch, idle;
	double now = ui__now(), per_s, pct = prof ? profile_cost_pct(prof) : -1;

	line_put(l, TE_HEADER, " ");
	if (!prof) {
		line_put(l, TE_ROW_DIM, "agent: not connected");
		/* Said before anyone waits: static, set-id, capabilities. */
		if (p && p->agent_why[0])
			line_printf(l, TE_WARN, " (%s)", p->agent_why);
		line_fill(l, TE_HEADER);
		return;
	}
	if (!prof->connected && (prof->outside || prof->outside_why[0])) {
		/* Sampled from outside (no agent): the source, its rate, what
		 * the kernel lost; or why it cannot be, and what to do. */
		if (prof->outside_why[0]) {
			line_printf(l, TE_WARN, "cannot sample from outside: %s", prof->outside_why);
		} else {
			fmt_count(samples, sizeof(samples), prof->samples, group);
			fmt_count(dropped, sizeof(dropped), prof->agent_dropped, group);
			line_put(l, TE_HEADER_LABEL, "Sampled from outside");
			line_printf(l, TE_HEADER, ", %.0f Hz requested, %.0f Hz achieved, %s samples, ",
				    prof->requested_hz, prof->achieved_hz, samples);
			line_printf(l, prof->agent_dropped ? TE_WARN : TE_HEADER, "%s lost", dropped);
		}
		line_fill(l, TE_HEADER);
		return;
	}
	/* No samples because no CPU was used is not a broken sampler: an
	 * achieved rate of 0 while the process uses (next to) no CPU reads
	 * "idle" (its start-up, before the agent's timers, is not sampled). */
	idle = prof->achieved_hz < 0.5 && (p->exited || p->cpu < 5.0);
	snprintf(req, sizeof(req), "%.0f", prof->requested_hz);
	snprintf(got, sizeof(got), "%.0f", prof->achieved_hz);
	fmt_count(samples, sizeof(samples), prof->samples, group);
	fmt_count(dropped, sizeof(dropped), prof->agent_dropped, group);
	/* Dropping now (the count rose in the last seconds) comes first, in the
	 * warning colour; a snapshot or a paused copy does not change. */
	tabs__drops_add(&ui->proc.drops, prof->pid, now,
			prof->agent_dropped + prof->agent_events_dropped);
	per_s = ui->opt->snapshot || ui->frozen ? 0 : tabs__drops_rate(&ui->proc.drops, now);
	if (per_s > 0) {
		fmt_rate(rate, sizeof(rate), per_s);
		line_printf(l, TE_WARN, "DROPPING %s", rate);
		line_put(l, TE_HEADER, "  ");
	}
	/* What the agent cannot sample (threads that block its signal, samples
	 * skipped for lack of stack, a replaced handler) goes after the figures,
	 * in the warning colour; the figures take their short form to make room. */
	profile_notice_summary(prof, notes, sizeof(notes));
	/* The longest form that fits: the label, then words, give way. */
	for (int form = notes[0] ? 2 : 0; form < 4; form++) {
		const char *tail = form < 3 ? " dropped" : " drop";
		const char *gone = prof->connected ? "" : form < 3 ? ", disconnected" : " off";

		/* The agent's own CPU time, of the process's, since perftop
		 * connected (an older agent or snapshot has no figure). */
		cost[0] = '\0';
		if (pct >= 0 && prof->cost.process_ns < UI_COST_MIN_TARGET_NS) {
			/* A target that has hardly run (idle, or just
			 * connected): a share of next to nothing would read as
			 * an alarm, so the agent's own time instead. */
			double ms = (double)(prof->cost.handler_ns + prof->cost.writer_ns) / 1e6;

			snprintf(cost, sizeof(cost),
				 form < 2    ? ", agent %.*f ms of CPU"
				 : form == 2 ? ", agent %.*f ms CPU"
					     : " agent %.*fms",
				 ms < 10 ? 1 : 0, ms);
		} else if (pct >= 0) {
			snprintf(cost, sizeof(cost),
				 form < 2    ? ", agent %.*f %% of the target's CPU"
				 : form == 2 ? ", agent %.*f %% CPU"
					     : " agent %.*f%%",
				 pct < 0.095 ? 2 : 1, pct);
		}

		/* zone events, counter updates and marks the agent lost */
		events[0] = '\0';
		if (prof->agent_events_dropped) {
			char n[32];

			fmt_count(n, sizeof(n), prof->agent_events_dropped, group);
			snprintf(events, sizeof(events), form < 3 ? ", %s events lost" : " +%sev", n);
		}

		if (form <= 1 && idle)
			snprintf(full, sizeof(full),
				 "%s%s Hz requested, idle (no CPU used), %s samples, ",
				 form ? "" : "Agent ", req, samples);
		else if (form <= 1)
			snprintf(full, sizeof(full),
				 "%s%s Hz requested, %s Hz achieved, %s samples, ",
				 form ? "" : "Agent ", req, got, samples);
		else if (form == 2)
			snprintf(full, sizeof(full), "%s/%s Hz, %s samples, ", idle ? "idle" : got,
				 req, samples);
		else
			snprintf(full, sizeof(full), "%s/%s Hz %s smp ", idle ? "idle" : got, req,
				 samples);
		if (form < 3 && lines_text_width(full) + lines_text_width(dropped) +
					lines_text_width(tail) + lines_text_width(events) +
					lines_text_width(gone) + lines_text_width(cost) >
				line_room(l))
			continue;
		if (form == 0) {
			line_put(l, TE_HEADER_LABEL, "Agent ");
			line_put(l, TE_HEADER, full + 6);
		} else {
			line_put(l, TE_HEADER, full);
		}
		line_printf(l, prof->agent_dropped ? TE_WARN : TE_HEADER, "%s%s", dropped, tail);
		line_put(l, TE_WARN, events);
		line_put(l, TE_ROW_DIM, gone);
		line_put(l, TE_HEADER, cost);
		break;
	}
	if (notes[0]) {
		line_put(l, TE_HEADER, "  ");
		line_printf(l, TE_WARN, "agent: %s", notes);
	}
	line_fill(l, TE_HEADER);
}

/* ---- rows ------------------------------------------------------------------------- */

/* v with room for n entries of size bytes (*alloc of them). */
static void *reserve(void *v, size_t *alloc, size_t n, size_t size)
{
	if (*alloc >= n)
		return v;
	*alloc = n + 64;
	return xreallocarray(v, *alloc, size);
}

/* ---- the Functions tab's order ---------------------------------------------------
 *
 * Rows are ordered by one key per function (a count in the live window, or
 * the rank of its name), bigger or smaller first, then by name, module and
 * id. Names never change, so their order is ranked once and merged with the
 * functions added since: a tie then costs one integer comparison. The keys
 * and the rows listed at the last sort are kept; a frame whose keys are the
 * same keeps the order, and one whose keys moved re-sorts from the last
 * order with a merge sort of its ascending runs (few when little moved). */

/* A row being sorted: its key, its name's rank and its function id. */
struct func_entry {
	uint64_t key;
	uint32_t rank, id;
};

struct funcs_order {
	/* The names' ranking, for the profile p (and its funcs array). */
	const struct profile *p;
	const struct profile_func *funcs;
	size_t nranked;             /* functions ranked: ids below it */
	uint32_t *by_name;          /* ids by (name, module, id) */
	uint32_t *rank;             /* by id: its index in by_name */
	uint32_t *group;            /* by id: the rank of its name alone (ties share it) */
	uint32_t *merge;            /* scratch for merging new names in */
	size_t names_alloc;
	/* The last sort: its direction, keys and rows listed, by id. */
	bool sorted;
	bool ranks_moved;           /* names were ranked since: the rows sort again */
	bool desc;
	size_t n;                   /* ids the keys cover */
	uint64_t *keys, *keys_new;
	unsigned char *listed, *listed_new;
	size_t keys_alloc;
	struct func_entry *ent, *tmp;
	size_t ent_alloc;
	unsigned long sorts, name_ranks;
};

/* Name, then module, then id: the order ties fall back to. */
static int compare_names(const struct profile *p, uint32_t ia, uint32_t ib)
{
	const struct profile_func *a = &p->funcs[ia], *b = &p->funcs[ib];
	int r = strcmp(a->name, b->name);

	if (!r)
		r = strcmp(a->module ? a->module : "", b->module ? b->module : "");
	return r ? r : ia < ib ? -1 : ia > ib;
}

static int compare_names_qsort(const void *pa, const void *pb, void *arg)
{
	return compare_names(arg, *(const uint32_t *)pa, *(const uint32_t *)pb);
}

/* Forgets the ranking and the last sort (another profile, or R). */
static void forder_forget(struct funcs_order *o)
{
	o->p = NULL;
	o->funcs = NULL;
	o->nranked = 0;
	o->sorted = false;
}

/* Forgets everything, the counts of tabs__funcs_sort_stats too. */
static void forder_restart(struct funcs_order *o)
{
	if (!o)
		return;
	forder_forget(o);
	o->sorts = o->name_ranks = 0;
}

static void forder_free(struct funcs_order *o)
{
	if (!o)
		return;
	free(o->by_name);
	free(o->rank);
	free(o->group);
	free(o->merge);
	free(o->keys);
	free(o->keys_new);
	free(o->listed);
	free(o->listed_new);
	free(o->ent);
	free(o->tmp);
	free(o);
}

/* Ranks the names of functions [0, n) of p: those added since the last
 * ranking are sorted and merged in; another profile starts over. */
static void forder_rank_names(struct funcs_order *o, const struct profile *p, size_t n)
{
	size_t old, i, j, k;

	if (o->p != p || o->funcs != p->funcs || n < o->nranked) {
		forder_forget(o);
		o->p = p;
		o->funcs = p->funcs;
	}
	old = o->nranked;
	if (n == old)
		return;
	if (o->names_alloc < n) {
		o->names_alloc = n + n / 2 + 64;
		o->by_name = xreallocarray(o->by_name, o->names_alloc, sizeof(*o->by_name));
		o->rank = xreallocarray(o->rank, o->names_alloc, sizeof(*o->rank));
		o->group = xreallocarray(o->group, o->names_alloc, sizeof(*o->group));
		o->merge = xreallocarray(o->merge, o->names_alloc, sizeof(*o->merge));
	}
	for (i = old; i < n; i++)
		o->merge[i] = (uint32_t)i;
	qsort_r(o->merge + old, n - old, sizeof(*o->merge), compare_names_qsort, (void *)p);
	/* merge by_name[0, old) and merge[old, n) into merge[0, n) */
	memcpy(o->merge, o->by_name, old * sizeof(*o->merge));
	for (i = 0, j = old, k = 0; k < n; k++)
		o->by_name[k] = j >= n || (i < old && compare_names(p, o->merge[i], o->merge[j]) < 0)
					? o->merge[i++]
					: o->merge[j++];
	for (k = 0; k < n; k++) {
		uint32_t id = o->by_name[k];
		bool same = k && !strcmp(p->funcs[id].name, p->funcs[o->by_name[k - 1]].name);

		o->rank[id] = (uint32_t)k;
		o->group[id] = k ? o->group[o->by_name[k - 1]] + !same : 0;
	}
	o->nranked = n;
	o->name_ranks++;
	o->ranks_moved = true;
}

/* The key function id sorts on in the view v. */
static uint64_t func_key(const struct funcs_order *o, const struct profile_view *v,
			 enum func_sort sort, size_t id)
{
	switch (sort) {
	case FSORT_SELF:
		return v->self[id];
	case FSORT_TOTAL:
		return v->total[id];
	default:
		return o->group[id];
	}
}

/* Fills keys_new and listed_new for [0, n); returns whether they differ
 * from the last sort's. */
static bool forder_changed(struct funcs_order *o, const struct profile_view *win,
			   const struct profile_view *all, enum func_sort sort, size_t n)
{
	bool changed = !o->sorted || n != o->n;

	if (o->keys_alloc < n) {
		o->keys_alloc = n + n / 2 + 64;
		o->keys = xreallocarray(o->keys, o->keys_alloc, sizeof(*o->keys));
		o->keys_new = xreallocarray(o->keys_new, o->keys_alloc, sizeof(*o->keys_new));
		o->listed = xreallocarray(o->listed, o->keys_alloc, sizeof(*o->listed));
		o->listed_new = xreallocarray(o->listed_new, o->keys_alloc, sizeof(*o->listed_new));
		changed = true;
	}
	for (size_t i = 0; i < n; i++) {
		o->keys_new[i] = func_key(o, win, sort, i);
		o->listed_new[i] = all->total[i] || all->self[i];
	}
	if (!changed && n) /* n == 0: the arrays may not exist yet */
		changed = memcmp(o->keys, o->keys_new, n * sizeof(*o->keys)) ||
			  memcmp(o->listed, o->listed_new, n * sizeof(*o->listed));
	return changed;
}

static bool entry_before(const struct func_entry *a, const struct func_entry *b, bool desc)
{
	if (a->key != b->key)
		return desc ? a->key > b->key : a->key < b->key;
	return a->rank < b->rank;
}

/* Sorts e[0, n) (tmp as scratch) by merging its ascending runs pairwise
 * until one is left: O(n) when already in order, O(n log n) at worst. */
static void entries_sort(struct func_entry *e, struct func_entry *tmp, size_t n, bool desc)
{
	for (;;) {
		size_t runs = 0, lo = 0;

		while (lo < n) {
			size_t mid = lo + 1, hi, i, j, k;

			while (mid < n && !entry_before(&e[mid], &e[mid - 1], desc))
				mid++;
			runs++;
			if (mid >= n)
				break;
			hi = mid + 1;
			while (hi < n && !entry_before(&e[hi], &e[hi - 1], desc))
				hi++;
			runs++;
			for (i = lo, j = mid, k = 0; i < mid || j < hi; k++)
				tmp[k] = j >= hi || (i < mid && !entry_before(&e[j], &e[i], desc))
						 ? e[i++]
						 : e[j++];
			memcpy(e + lo, tmp, k * sizeof(*e));
			lo = hi;
		}
		if (runs <= 1 || (runs <= 2 && lo >= n))
			return;
	}
}

/* Rebuilds out (the rows, *nout of them) from the last order: rows still
 * listed keep their place, new ones go last, then the whole is sorted. */
static void forder_sort(struct funcs_order *o, uint32_t *out, size_t *nout, size_t n, bool desc)
{
	size_t k = 0;
	void *swap;

	if (o->ent_alloc < n) {
		o->ent_alloc = n + n / 2 + 64;
		o->ent = xreallocarray(o->ent, o->ent_alloc, sizeof(*o->ent));
		o->tmp = xreallocarray(o->tmp, o->ent_alloc, sizeof(*o->tmp));
	}
	if (o->sorted) {
		for (size_t i = 0; i < *nout; i++)
			if (out[i] < n && o->listed_new[out[i]])
				o->ent[k++] = (struct func_entry){ 0, 0, out[i] };
		for (size_t i = 0; i < n; i++)
			if (o->listed_new[i] && (i >= o->n || !o->listed[i]))
				o->ent[k++] = (struct func_entry){ 0, 0, (uint32_t)i };
	} else {
		for (size_t i = 0; i < n; i++)
			if (o->listed_new[i])
				o->ent[k++] = (struct func_entry){ 0, 0, (uint32_t)i };
	}
	for (size_t i = 0; i < k; i++) {
		o->ent[i].key = o->keys_new[o->ent[i].id];
		o->ent[i].rank = o->rank[o->ent[i].id];
	}
	entries_sort(o->ent, o->tmp, k, desc);
	for (size_t i = 0; i < k; i++)
		out[i] = o->ent[i].id;
	*nout = k;
	swap = o->keys, o->keys = o->keys_new, o->keys_new = swap;
	swap = o->listed, o->listed = o->listed_new, o->listed_new = swap;
	o->n = n;
	o->desc = desc;
	o->sorted = true;
	o->ranks_moved = false;
	o->sorts++;
}

void tabs__funcs_sort_stats(const struct proctabs *t, unsigned long *sorts,
			    unsigned long *name_ranks)
{
	*sorts = t->forder ? t->forder->sorts : 0;
	*name_ranks = t->forder ? t->forder->name_ranks : 0;
}

static long long id_of_u32(const void *rows, size_t i)
{
	return ((const uint32_t *)rows)[i];
}

static long long id_of_zone(const void *rows, size_t i)
{
	return ((const struct tabs_zone_row *)rows)[i].id;
}

static long long id_of_index(const void *rows, size_t i)
{
	(void)rows;
	return (long long)i;
}

/* The view over everything in the scope: win itself when the window is
 * everything (update_scope leaves all alone then). */
static const struct profile_view *scope_all(const struct proctabs *t)
{
	return tabs__window_seconds[t->scope.window] > 0 ? &t->scope.all : &t->scope.win;
}

/* Functions with samples in the scope, over everything (so a function the
 * window no longer sees stays listed, at 0 %), in the sort's order; sorted
 * again only when what it sorts on changed (see funcs_order). */
static void rebuild_funcs(struct proctabs *t, const struct profile *p)
{
	const struct profile_view *all = scope_all(t), *win = &t->scope.win;
	size_t n = all->nfuncs < win->nfuncs ? all->nfuncs : win->nfuncs;
	struct funcs_order *o = t->forder;

	if (!o)
		o = t->forder = xcalloc(1, sizeof(*o));
	t->funcs = reserve(t->funcs, &t->funcs_alloc, n, sizeof(*t->funcs));
	forder_rank_names(o, p, n);
	if (forder_changed(o, win, all, t->sort, n) || o->desc != t->desc || o->ranks_moved)
		forder_sort(o, t->funcs, &t->nfuncs, n, t->desc);
	browser_sync(&t->br[PTAB_FUNCTIONS], t->nfuncs, id_of_u32, t->funcs);
}

/* A zone figure by sort key (the name sorts apart). */
static double zone_key(const struct zone_figures *f, enum zone_sort key)
{
	switch (key) {
	case ZSORT_COUNT:
		return (double)f->count;
	case ZSORT_RATE:
		return f->rate_per_s;
	case ZSORT_TOTAL:
		return f->total_ns;
	case ZSORT_MEAN:
		return f->count ? f->mean_ns : -1;
	case ZSORT_MIN:
		return f->count ? f->min_ns : -1;
	case ZSORT_P50:
		return f->have_pcts ? f->p50_ns : -1;
	case ZSORT_P90:
		return f->have_pcts ? f->p90_ns : -1;
	case ZSORT_P95:
		return f->have_pcts ? f->p95_ns : -1;
	case ZSORT_P99:
		return f->have_pcts ? f->p99_ns : -1;
	case ZSORT_P999:
		return f->have_pcts ? f->p999_ns : -1;
	default:
		return f->count ? f->max_ns : -1;
	}
}

static int compare_zones(const void *pa, const void *pb, void *arg)
{
	const struct proctabs *t = arg;
	const struct tabs_zone_row *a = pa, *b = pb;
	int r;

	if (t->zone_sort == ZSORT_NAME) {
		r = strcmp(a->name, b->name);
	} else {
		double ka = zone_key(&a->f, t->zone_sort), kb = zone_key(&b->f, t->zone_sort);

		r = ka < kb ? -1 : ka > kb;
	}
	if (t->zone_desc)
		r = -r;
	if (!r)
		r = strcmp(a->name, b->name);
	return r ? r : a->id < b->id ? -1 : a->id > b->id;
}

/* The zones over the scope: the thread (or all) over the live window (or
 * everything). The agent's exact count, mean, min and max cover every
 * thread since the start, so only that scope shows them. */
static void rebuild_zones(struct proctabs *t, struct profile *p)
{
	size_t n = profile_zone_count(p);
	double seconds = tabs__window_seconds[t->scope.window];
	bool exact = !t->scope.tid && seconds <= 0;

	t->zones = reserve(t->zones, &t->zones_alloc, n, sizeof(*t->zones));
	t->sums = reserve(t->sums, &t->sums_alloc, n, sizeof(*t->sums));
	if (n)
		profile_zone_summaries(p, t->scope.tid, seconds, profile_now(p), t->sums);
	for (size_t i = 0; i < n; i++) {
		t->zones[i].id = (uint32_t)i;
		t->zones[i].name = p->zones[i].name;
		if (exact)
			figures_zone_scoped(&p->zones[i], &t->sums[i], &t->zones[i].f);
		else
			figures_zone_summary(&t->sums[i], &t->zones[i].f);
	}
	qsort_r(t->zones, n, sizeof(*t->zones), compare_zones, t);
	t->nzones = n;
	browser_sync(&t->br[PTAB_ZONES], n, id_of_zone, t->zones);
}

/* The mean of a counter's last UI_SPARK_SAMPLES rates (values for a gauge):
 * what its HISTORY sparkline shows. */
static double counter_recent(const struct profile_counter *c)
{
	float v[UI_SPARK_SAMPLES];
	size_t n = series_copy_last(c->gauge ? &c->values : &c->rates, UI_SPARK_SAMPLES, v);
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return n ? sum / (double)n : 0;
}

static double counter_key(const struct proctabs *t, const struct profile_counter *c, uint32_t id,
			  enum counter_sort key)
{
	switch (key) {
	case CSORT_KIND:
		return c->gauge;
	case CSORT_TOTAL:
		return t->counter_vals[id];
	case CSORT_RATE:
		return c->gauge ? -1 : c->rate_per_s;
	case CSORT_RATE_MIN:
		return c->gauge ? -1 : c->rate_per_min;
	default:
		return counter_recent(c);
	}
}

struct counter_sort_ctx {
	const struct profile *p;
	const struct proctabs *t;
};

static int compare_counters(const void *pa, const void *pb, void *arg)
{
	const struct counter_sort_ctx *c = arg;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	const struct profile_counter *a = &c->p->counters[ia], *b = &c->p->counters[ib];
	int r;

	if (c->t->counter_sort == CSORT_NAME) {
		r = strcmp(a->name, b->name);
	} else {
		double ka = counter_key(c->t, a, ia, c->t->counter_sort);
		double kb = counter_key(c->t, b, ib, c->t->counter_sort);

		r = ka < kb ? -1 : ka > kb;
	}
	if (c->t->counter_desc)
		r = -r;
	if (!r)
		r = strcmp(a->name, b->name);
	return r ? r : ia < ib ? -1 : ia > ib;
}

/* The counters, each with its total over the scope's window (the samples'
 * and zones' seconds; counters belong to the process, so every thread scope
 * shows them whole). */
static void rebuild_counters(struct proctabs *t, const struct profile *p)
{
	size_t n = profile_counter_count(p);
	struct counter_sort_ctx c = { p, t };
	double seconds = tabs__window_seconds[t->scope.window], now = profile_now(p);

	t->counters = reserve(t->counters, &t->counters_alloc, n, sizeof(*t->counters));
	t->counter_vals = reserve(t->counter_vals, &t->counter_vals_alloc, n,
				  sizeof(*t->counter_vals));
	for (size_t i = 0; i < n; i++) {
		t->counters[i] = (uint32_t)i;
		t->counter_vals[i] = profile_counter_in_window(p, (uint32_t)i, seconds, now);
	}
	qsort_r(t->counters, n, sizeof(*t->counters), compare_counters, &c);
	t->ncounters = n;
	browser_sync(&t->br[PTAB_COUNTERS], n, id_of_u32, t->counters);
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Marks carry the agent's CLOCK_MONOTONIC and perftop's messages the
 * collector's CLOCK_BOOTTIME: both become wall time, then merge in order. */
static void rebuild_log(struct ui *ui, struct proctabs *t, const struct profile *p)
{
	const struct msglog *log = &ui->m->log;
	double wall = clock_s(CLOCK_REALTIME);
	double off_mono = wall - clock_s(CLOCK_MONOTONIC);
	double off_boot = wall - clock_s(CLOCK_BOOTTIME);

	/* A snapshot has its own clock: its end is the newest time the
	 * profile saw (marks) and the model's last reading (messages). */
	if (ui->opt->snapshot && ui->opt->snapshot_end > 0) {
		off_mono = ui->opt->snapshot_end - profile_now(p);
		off_boot = ui->m->now > 0 ? ui->opt->snapshot_end - ui->m->now : off_mono;
	}
	const struct msglog *out = &ui->m->output;
	size_t nm = p->nmarks, nl = log->len, no = out->len, i = 0, j = 0, o = 0, k = 0;
	struct browser *b = &t->br[PTAB_LOG];

	t->log = reserve(t->log, &t->log_alloc, nm + nl + no, sizeof(*t->log));
	while (i < nm || j < nl || o < no) {
		const struct profile_mark *mk = i < nm ? profile_mark_at(p, i) : NULL;
		const struct msglog_entry *e = j < nl ? msglog_at(log, j) : NULL;
		const struct msglog_entry *oe = o < no ? msglog_at(out, o) : NULL;
		double tm = mk ? mk->time + off_mono : 0, te = e ? e->time + off_boot : 0;
		double to = oe ? oe->time + off_boot : 0;
		struct tabs_log_row *r = &t->log[k++];

		if (mk && (!e || tm <= te) && (!oe || tm <= to)) {
			*r = (struct tabs_log_row){ tm, TABS_LOG_MARK, mk->tid, mk->text };
			i++;
		} else if (e && (!oe || te <= to)) {
			*r = (struct tabs_log_row){ te, (int)e->level, 0, e->text };
			j++;
		} else {
			*r = (struct tabs_log_row){ to, TABS_LOG_OUTPUT, 0, oe->text };
			o++;
		}
	}
	t->nlog = k;
	browser_sync(b, k, id_of_index, t->log);
	if (t->log_tail && k)
		b->sel = k - 1, b->sel_id = (long long)(k - 1);
}

/* Brings the scope's views up to date with the profile: the window, and
 * everything when the Functions tab needs it apart (see scope_all). */
static void update_scope(struct proctabs *t, struct profile *p)
{
	struct tabs_scope *s = &t->scope;
	double now = profile_now(p);

	s->win.tid = s->all.tid = s->tid;
	s->win.seconds = tabs__window_seconds[s->window];
	s->all.seconds = 0;
	profile_view_update(p, &s->win, now);
	if (t->tab == PTAB_FUNCTIONS && scope_all(t) == &s->all)
		profile_view_update(p, &s->all, now);
}

void tabs__rebuild(struct ui *ui, struct profile *p)
{
	struct proctabs *t = &ui->proc.tabs;
	const struct tab_module *m = tabs__module(t->tab);

	update_scope(t, p);
	if (m) {
		m->rebuild(ui, t->module_state[t->tab], p);
		return;
	}
	switch (t->tab) {
	case PTAB_FUNCTIONS:
		rebuild_funcs(t, p);
		break;
	case PTAB_ZONES:
		rebuild_zones(t, p);
		break;
	case PTAB_COUNTERS:
		rebuild_counters(t, p);
		break;
	default:
		rebuild_log(ui, t, p);
		break;
	}
}

/* ---- cells ------------------------------------------------------------------------ */

/* What a column's draw callback gets as ctx. */
struct draw_ctx {
	const struct ui *ui;
	const struct profile *p;
};

void tabs__cell_match(struct line *l, enum theme_element e, const char *text, int width,
		       const char *needle)
{
	size_t flen = strlen(needle);
	int end = l->cols + width;

	if (flen) {
		for (const char *s = text; *s; s++) {
			if (strncasecmp(s, needle, flen))
				continue;
			line_putn(l, e, text, (size_t)(s - text));
			if (l->cols < end)
				line_putn(l, TE_MATCH, s, flen);
			text = s + flen;
			break;
		}
	}
	if (l->cols < end)
		line_cell(l, e, text, end - l->cols, ALIGN_LEFT);
	line_pad_to(l, TE_ROW, end);
}

void tabs__cell_percent(struct line *l, uint64_t n, uint64_t of, int width)
{
	double pct = of ? 100.0 * (double)n / (double)of : 0;
	enum theme_element e = pct >= 10 ? TE_BAD : pct >= 1 ? TE_WARN : TE_ROW;
	char buf[16];

	snprintf(buf, sizeof(buf), "%.1f", pct);
	line_cell(l, e, buf, width, ALIGN_RIGHT);
}

static void draw_self(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	size_t id = (size_t)((const struct profile_func *)row - c->p->funcs);

	tabs__cell_percent(l, c->ui->proc.tabs.scope.win.self[id], c->ui->proc.tabs.scope.win.samples,
			   width);
}

static void draw_total(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	size_t id = (size_t)((const struct profile_func *)row - c->p->funcs);

	tabs__cell_percent(l, c->ui->proc.tabs.scope.win.total[id],
			   c->ui->proc.tabs.scope.win.samples, width);
}

/* Self samples in the scope (thread and window), as the % columns and the
 * Tree tab count them. */
static void draw_samples(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;
	size_t id = (size_t)((const struct profile_func *)row - c->p->funcs);
	char buf[32];

	fmt_count(buf, sizeof(buf), c->ui->proc.tabs.scope.win.self[id], true);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_function(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	tabs__cell_match(l, TE_ROW, ((const struct profile_func *)row)->name, width,
		   c->ui->proc.tabs.search);
}

static void draw_module(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_func *f = row;

	(void)ctx;
	line_cell(l, TE_ROW_DIM, f->module ? f->module : "", width, ALIGN_LEFT);
}

static void draw_file(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_func *f = row;
	char buf[256];

	(void)ctx;
	buf[0] = '\0';
	if (f->file) {
		const char *base = strrchr(f->file, '/');

		base = base ? base + 1 : f->file;
		if (f->line > 0)
			snprintf(buf, sizeof(buf), "%s:%d", base, f->line);
		else
			snprintf(buf, sizeof(buf), "%s", base);
	}
	line_cell(l, TE_ROW_DIM, buf, width, ALIGN_LEFT);
}

/* Two tables: with FILE:LINE (L), which then stays when MODULE has to go,
 * and without. FUNCTION keeps FUNC_MIN columns before the others show. */
enum { FUNC_MIN = 24 };
static const struct browser_column func_columns[] = {
	{ "SELF%", 6, ALIGN_RIGHT, 0, FSORT_SELF, draw_self },
	{ "TOTAL%", 7, ALIGN_RIGHT, 0, FSORT_TOTAL, draw_total },
	{ "SAMPLES", 9, ALIGN_RIGHT, 2, -1, draw_samples },
	{ "FUNCTION", -FUNC_MIN, ALIGN_LEFT, 0, FSORT_NAME, draw_function },
	{ "MODULE", 16, ALIGN_LEFT, 3, -1, draw_module },
};
static const struct browser_column func_file_columns[] = {
	{ "SELF%", 6, ALIGN_RIGHT, 0, FSORT_SELF, draw_self },
	{ "TOTAL%", 7, ALIGN_RIGHT, 0, FSORT_TOTAL, draw_total },
	{ "SAMPLES", 9, ALIGN_RIGHT, 2, -1, draw_samples },
	{ "FUNCTION", -FUNC_MIN, ALIGN_LEFT, 0, FSORT_NAME, draw_function },
	{ "MODULE", 16, ALIGN_LEFT, 4, -1, draw_module },
	{ "FILE:LINE", 24, ALIGN_LEFT, 3, -1, draw_file },
};

static const void *func_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->p->funcs[c->ui->proc.tabs.funcs[i]];
}

/* A duration cell; "-" when there is nothing to show. */
static void cell_duration(struct line *l, double ns, bool have, int width)
{
	char buf[32];

	if (have)
		fmt_duration_ns(buf, sizeof(buf), ns, lines_utf8());
	else
		snprintf(buf, sizeof(buf), "-");
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_zone_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	tabs__cell_match(l, TE_ROW, ((const struct tabs_zone_row *)row)->name, width,
		   c->ui->proc.tabs.search);
}

static void draw_zone_count(struct line *l, const void *row, int width, const void *ctx)
{
	char buf[32];

	(void)ctx;
	fmt_count(buf, sizeof(buf), ((const struct tabs_zone_row *)row)->f.count, true);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

/* A rate per second as a plain number: "0.25", "12.5", "1,234". */
static void cell_rate(struct line *l, double r, int width)
{
	char buf[32];

	if (r < 0)
		r = 0;
	if (r < 10)
		snprintf(buf, sizeof(buf), "%.2f", r);
	else if (r < 1000)
		snprintf(buf, sizeof(buf), "%.1f", r);
	else
		fmt_count(buf, sizeof(buf), (unsigned long long)(r + 0.5), true);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_zone_rate(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	cell_rate(l, ((const struct tabs_zone_row *)row)->f.rate_per_s, width);
}

/* A duration of the zone's figures: "-" when it has no events (or, for a
 * percentile, no histogram). */
static void zone_duration(struct line *l, const void *row, int width, double ns, bool pct)
{
	const struct zone_figures *f = &((const struct tabs_zone_row *)row)->f;

	cell_duration(l, ns, pct ? f->have_pcts : f->count > 0, width);
}

/* One draw callback per duration column, from one list. */
#define ZONE_DURATIONS(X)                                                   \
	X(total, total_ns, false) X(mean, mean_ns, false) X(min, min_ns, false) \
	X(p50, p50_ns, true) X(p90, p90_ns, true) X(p95, p95_ns, true)          \
	X(p99, p99_ns, true) X(p999, p999_ns, true) X(max, max_ns, false)
#define X(name, field, pct)                                                                \
	static void draw_zone_##name(struct line *l, const void *row, int width,          \
				     const void *ctx)                                      \
	{                                                                                  \
		(void)ctx;                                                                 \
		zone_duration(l, row, width, ((const struct tabs_zone_row *)row)->f.field, pct); \
	}
ZONE_DURATIONS(X)
#undef X

/* Narrow screens drop the least telling columns first: P99.9, MIN, TOTAL, P90,
 * RATE/s, then MEAN and P99, P50, MAX; ZONE, COUNT and P95 stay. */
static const struct browser_column zone_columns[] = {
	{ "ZONE", 0, ALIGN_LEFT, 0, ZSORT_NAME, draw_zone_name },
	{ "COUNT", 10, ALIGN_RIGHT, 0, ZSORT_COUNT, draw_zone_count },
	{ "RATE/s", 8, ALIGN_RIGHT, 5, ZSORT_RATE, draw_zone_rate },
	{ "TOTAL", 8, ALIGN_RIGHT, 7, ZSORT_TOTAL, draw_zone_total },
	{ "MEAN", 8, ALIGN_RIGHT, 4, ZSORT_MEAN, draw_zone_mean },
	{ "MIN", 8, ALIGN_RIGHT, 8, ZSORT_MIN, draw_zone_min },
	{ "P50", 8, ALIGN_RIGHT, 2, ZSORT_P50, draw_zone_p50 },
	{ "P90", 8, ALIGN_RIGHT, 6, ZSORT_P90, draw_zone_p90 },
	{ "P95", 8, ALIGN_RIGHT, 0, ZSORT_P95, draw_zone_p95 },
	{ "P99", 8, ALIGN_RIGHT, 3, ZSORT_P99, draw_zone_p99 },
	{ "P99.9", 8, ALIGN_RIGHT, 9, ZSORT_P999, draw_zone_p999 },
	{ "MAX", 8, ALIGN_RIGHT, 1, ZSORT_MAX, draw_zone_max },
};

static const void *zone_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->ui->proc.tabs.zones[i];
}

static void draw_counter_name(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	tabs__cell_match(l, TE_ROW, ((const struct profile_counter *)row)->name, width,
		   c->ui->proc.tabs.search);
}

static void draw_counter_kind(struct line *l, const void *row, int width, const void *ctx)
{
	(void)ctx;
	line_cell(l, TE_ROW_DIM, ((const struct profile_counter *)row)->gauge ? "gauge" : "count",
		  width, ALIGN_LEFT);
}

static void draw_counter_total(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;
	double v = c->ui->proc.tabs.counter_vals[(const struct profile_counter *)row - c->p->counters];
	char buf[48];

	if (v >= 0 && v < 1e18 && v == (double)(unsigned long long)v)
		fmt_count(buf, sizeof(buf), (unsigned long long)v, true);
	else
		snprintf(buf, sizeof(buf), "%.2f", v);
	line_cell(l, TE_ROW, buf, width, ALIGN_RIGHT);
}

static void draw_counter_rate(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_counter *c = row;

	(void)ctx;
	if (c->gauge)
		line_cell(l, TE_ROW_DIM, "-", width, ALIGN_RIGHT);
	else
		cell_rate(l, c->rate_per_s, width);
}

static void draw_counter_rate_min(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_counter *c = row;

	(void)ctx;
	if (c->gauge)
		line_cell(l, TE_ROW_DIM, "-", width, ALIGN_RIGHT);
	else
		cell_rate(l, c->rate_per_min, width);
}

/* The last UI_SPARK_SAMPLES rates per second (values for a gauge), scaled to
 * their own highest. */
static void draw_counter_history(struct line *l, const void *row, int width, const void *ctx)
{
	const struct profile_counter *c = row;
	float v[UI_SPARK_SAMPLES];
	char buf[UI_SPARK_SAMPLES * 4 + 1];
	size_t n = series_copy_last(c->gauge ? &c->values : &c->rates, UI_SPARK_SAMPLES, v);
	double top = 0;

	(void)ctx;
	for (size_t i = 0; i < n; i++)
		if (v[i] > top)
			top = v[i];
	chart_sparkline(buf, sizeof(buf), v, n, width < UI_SPARK_SAMPLES ? width : UI_SPARK_SAMPLES,
			top > 0 ? top : 1, lines_utf8());
	line_cell(l, TE_SPARKLINE, buf, width, ALIGN_LEFT);
}

static const struct browser_column counter_columns[] = {
	{ "COUNTER", 0, ALIGN_LEFT, 0, CSORT_NAME, draw_counter_name },
	{ "KIND", 5, ALIGN_LEFT, 2, CSORT_KIND, draw_counter_kind },
	{ "TOTAL", 14, ALIGN_RIGHT, 0, CSORT_TOTAL, draw_counter_total },
	{ "RATE/s", 10, ALIGN_RIGHT, 0, CSORT_RATE, draw_counter_rate },
	{ "RATE/min", 10, ALIGN_RIGHT, 3, CSORT_RATE_MIN, draw_counter_rate_min },
	{ "HISTORY", UI_SPARK_SAMPLES, ALIGN_LEFT, 4, CSORT_HISTORY, draw_counter_history },
};

static const void *counter_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->p->counters[c->ui->proc.tabs.counters[i]];
}

static void draw_log_time(struct line *l, const void *row, int width, const void *ctx)
{
	const struct tabs_log_row *r = row;
	time_t secs = (time_t)r->wall;
	struct tm tm;
	char buf[32];

	(void)ctx;
	if (localtime_r(&secs, &tm))
		snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min,
			 tm.tm_sec, (int)((r->wall - (double)secs) * 1000) % 1000);
	else
		snprintf(buf, sizeof(buf), "?");
	line_cell(l, TE_ROW_DIM, buf, width, ALIGN_LEFT);
}

static void draw_log_source(struct line *l, const void *row, int width, const void *ctx)
{
	const struct tabs_log_row *r = row;
	const struct draw_ctx *c = ctx;
	char buf[PROFILE_THREAD_NAME_LEN + 16];

	if (r->kind == TABS_LOG_OUTPUT) {
		line_cell(l, TE_ROW, "output", width, ALIGN_LEFT);
		return;
	}
	if (r->kind != TABS_LOG_MARK) {
		line_cell(l, TE_ROW, "perftop", width, ALIGN_LEFT);
		return;
	}
	snprintf(buf, sizeof(buf), "tid %d", (int)r->tid);
	for (size_t i = 0; i < c->p->nthreads; i++)
		if (c->p->threads[i].tid == r->tid && c->p->threads[i].name[0])
			snprintf(buf, sizeof(buf), "%s", c->p->threads[i].name);
	line_cell(l, TE_ROW, buf, width, ALIGN_LEFT);
}

static void draw_log_text(struct line *l, const void *row, int width, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	tabs__cell_match(l, TE_ROW, ((const struct tabs_log_row *)row)->text, width,
		   c->ui->proc.tabs.search);
}

static const struct browser_column log_columns[] = {
	{ "TIME", 12, ALIGN_LEFT, 2, -1, draw_log_time },
	{ "SOURCE", 12, ALIGN_LEFT, 1, -1, draw_log_source },
	{ "MESSAGE", 0, ALIGN_LEFT, 0, -1, draw_log_text },
};

static const void *log_at(const void *ctx, size_t i)
{
	const struct draw_ctx *c = ctx;

	return &c->ui->proc.tabs.log[i];
}

static enum theme_element log_style(const void *row, const void *ctx)
{
	const struct tabs_log_row *r = row;

	(void)ctx;
	switch (r->kind) {
	case MSG_WARN:
		return TE_WARN;
	case MSG_ERROR:
		return TE_BAD;
	case MSG_INFO:
		return TE_ROW_DIM;
	default:
		return TE_ROW;
	}
}

/* ---- budget colours (perftop run --budget, budget_view.c) ------------------------ */

/* The budget's colour of a row, from the ui in the draw context. */
static enum theme_element func_budget_style(const void *row, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	return budget_view__style(c->ui, BS_FUNCTION, ((const struct profile_func *)row)->name);
}

static enum theme_element zone_budget_style(const void *row, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	return budget_view__style(c->ui, BS_ZONE, ((const struct tabs_zone_row *)row)->name);
}

static enum theme_element counter_budget_style(const void *row, const void *ctx)
{
	const struct draw_ctx *c = ctx;

	return budget_view__style(c->ui, BS_COUNTER, ((const struct profile_counter *)row)->name);
}

/* ---- drawing ------------------------------------------------------------------------ */

static size_t tab_count(const struct ui *ui, const struct profile *p, enum proc_tab tab)
{
	switch (tab) {
	case PTAB_FUNCTIONS:
		return profile_func_count(p);
	case PTAB_ZONES:
		return profile_zone_count(p);
	case PTAB_COUNTERS:
		return profile_counter_count(p);
	case PTAB_LOG:
		return p->nmarks + ui->m->log.len + ui->m->output.len;
	default:
		return 0; /* the module tabs show no count */
	}
}

/* The tab bar's text for tab i: " Zones 2 ", or " Zones " without counts. */
static void tab_label(char *buf, size_t len, const struct ui *ui, const struct profile *p, int i,
		      bool counts, bool brief)
{
	size_t n = counts ? tab_count(ui, p, (enum proc_tab)i) : 0;
	const char *name = brief ? tab_short_names[i] : tab_names[i];

	if (i == PTAB_FUNCTIONS || !n)
		snprintf(buf, len, " %s ", name);
	else
		snprintf(buf, len, " %s %zu ", name, n);
}

static const char *const zone_sort_names[ZSORT_KEYS] = {
	"name", "count", "rate", "total", "mean", "min", "p50", "p90", "p95", "p99", "p99.9", "max"
};
static const char *const counter_sort_names[CSORT_KEYS] = {
	"name", "kind", "total", "rate/s", "rate/min", "history"
};

void tabs__sort_label(const struct proctabs *t, char *buf, size_t len)
{
	const char *name = NULL;
	bool desc = false, natural = true; /* natural: names A to Z, figures biggest first */

	switch (t->tab) {
	case PTAB_FUNCTIONS:
		name = sort_names[t->sort], desc = t->desc, natural = t->sort != FSORT_NAME;
		break;
	case PTAB_ZONES:
		name = zone_sort_names[t->zone_sort], desc = t->zone_desc;
		natural = t->zone_sort != ZSORT_NAME;
		break;
	case PTAB_COUNTERS:
		name = counter_sort_names[t->counter_sort], desc = t->counter_desc;
		natural = t->counter_sort != CSORT_NAME;
		break;
	default:
		break;
	}
	if (name)
		snprintf(buf, len, "by %s%s ", name, desc == natural ? "" : " (inverted)");
	else if (len)
		buf[0] = '\0';
}

void tabs__scope_text(char *buf, size_t len, const struct ui *ui, const struct profile *p)
{
	const struct tabs_scope *s = &ui->proc.tabs.scope;
	const char *dot = ui->utf8 ? " · " : ", ";
	double secs = tabs__window_seconds[s->window];
	char win[32], thr[PROFILE_THREAD_NAME_LEN + 32];

	if (secs > 0)
		snprintf(win, sizeof(win), "last %.0fs", secs);
	else
		snprintf(win, sizeof(win), "all time");
	if (!s->tid) {
		snprintf(thr, sizeof(thr), "all threads");
	} else {
		snprintf(thr, sizeof(thr), "thread %d", (int)s->tid);
		for (size_t i = 0; i < p->nthreads; i++)
			if (p->threads[i].tid == s->tid && p->threads[i].name[0])
				snprintf(thr, sizeof(thr), "thread %s", p->threads[i].name);
	}
	if (p->has_interp) /* Python frames: say whether the interpreter's are shown (i) */
		snprintf(buf, len, "%s%s%s%s%s", win, dot, thr, dot,
			 p->show_interp ? "interp shown" : "interp hidden");
	else
		snprintf(buf, len, "%s%s%s", win, dot, thr);
}

/* Records where tab i was drawn on the bar: columns [start, end). */
static void bar_mark(struct proctabs *t, int i, int start, int end)
{
	if (i < 0 || i >= PTAB_COUNT)
		return;
	t->bar_start[i] = start;
	t->bar_end[i] = end;
}

static void tab_bar(struct ui *ui, struct lines *out, const struct profile *p)
{
	struct proctabs *t = &ui->proc.tabs;
	struct line *l = lines_begin(out, ui->width);
	char right[UI_FILTER_MAX + 160], label[64], scope[PROFILE_THREAD_NAME_LEN + 64], sort[64];
	bool counts = true, brief = false;
	int need = 0;

	t->bar_line = (int)out->n - 1;
	for (int i = 0; i < PTAB_COUNT; i++)
		bar_mark(t, i, -1, -1);

	/* Every tab with its count; without counts; with short names (with
	 * and without counts): the first that leaves room for the scope (what
	 * the numbers below the bar cover must always show); else only the
	 * current tab between its neighbours' arrows. */
	tabs__scope_text(scope, sizeof(scope), ui, p);
	for (int pass = 0; pass < 4; pass++) {
		counts = pass % 2 == 0;
		brief = pass >= 2;
		need = 0;
		for (int i = 0; i < PTAB_COUNT; i++) {
			tab_label(label, sizeof(label), ui, p, i, counts, brief);
			need += lines_text_width(label) + 1;
		}
		if (need + lines_text_width(scope) + 1 <= ui->width)
			break;
	}
	if (need + lines_text_width(scope) + 1 > ui->width) {
		int cur = (int)t->tab, x;

		tab_label(label, sizeof(label), ui, p, cur, true, false);
		bar_mark(t, (cur + PTAB_COUNT - 1) % PTAB_COUNT, 0, 2);
		line_put(l, TE_ROW_DIM, "< ");
		x = l->cols;
		line_put(l, TE_TAB_ACTIVE, label);
		bar_mark(t, cur, x, l->cols);
		bar_mark(t, (cur + 1) % PTAB_COUNT, l->cols, l->cols + 2);
		line_put(l, TE_ROW_DIM, " >");
	} else {
		for (int i = 0; i < PTAB_COUNT; i++) {
			int x = l->cols;

			tab_label(label, sizeof(label), ui, p, i, counts, brief);
			line_put(l, i == (int)t->tab ? TE_TAB_ACTIVE : TE_TAB_INACTIVE, label);
			bar_mark(t, i, x, l->cols);
			line_put(l, TE_DEFAULT, " ");
		}
	}
	/* The scope, then the sort and search: the scope stays longest. */
	tabs__sort_label(t, sort, sizeof(sort));
	snprintf(right, sizeof(right), "%s%s%s", scope, sort[0] ? "   " : " ", sort);
	if (t->search[0] && !t->searching)
		snprintf(right + strlen(right), sizeof(right) - strlen(right), " /%s ", t->search);
	if (line_room(l) <= lines_text_width(right))
		snprintf(right, sizeof(right), "%s ", scope);
	if (line_room(l) > lines_text_width(right)) {
		line_pad_to(l, TE_DEFAULT, ui->width - lines_text_width(right));
		line_put(l, TE_ROW_DIM, right);
	}
	line_fill(l, TE_DEFAULT);
}

static const char *empty_text(enum proc_tab tab)
{
	switch (tab) {
	case PTAB_FUNCTIONS:
		return " no samples yet";
	case PTAB_ZONES:
		return " no zones yet: PT_ZONE(\"name\") in the program times one";
	case PTAB_COUNTERS:
		return " no counters yet: pt_counter_add(\"name\", 1) counts";
	default:
		return " no marks or messages yet";
	}
}

void tabs__draw(struct ui *ui, struct lines *out, struct profile *p, int rows)
{
	struct proctabs *t = &ui->proc.tabs;
	struct draw_ctx c = { ui, p };
	struct browser *b = &t->br[t->tab];
	size_t start = out->n, ncols;
	const struct browser_column *cols;
	const void *(*row_at)(const void *ctx, size_t i);
	browser_style_fn style_of = NULL;
	int sort = -1;
	bool desc = t->desc;

	if (rows < 1)
		return;
	tab_bar(ui, out, p);
	if (tabs__module(t->tab) || tabs__detail_open(ui)) {
		if (tabs__module(t->tab))
			tabs__module(t->tab)->draw(ui, t->module_state[t->tab], out, p, rows - 1);
		else
			detail__draw(ui, out, p, rows - 1);
		while ((int)(out->n - start) < rows)
			lines_begin(out, ui->width);
		return;
	}
	switch (t->tab) {
	case PTAB_FUNCTIONS:
		cols = t->show_file ? func_file_columns : func_columns;
		ncols = t->show_file ? sizeof(func_file_columns) / sizeof(*cols)
				     : sizeof(func_columns) / sizeof(*cols);
		row_at = func_at;
		sort = (int)t->sort;
		style_of = func_budget_style;
		break;
	case PTAB_ZONES:
		cols = zone_columns;
		ncols = sizeof(zone_columns) / sizeof(zone_columns[0]);
		row_at = zone_at;
		style_of = zone_budget_style;
		sort = (int)t->zone_sort;
		desc = t->zone_desc;
		break;
	case PTAB_COUNTERS:
		cols = counter_columns;
		ncols = sizeof(counter_columns) / sizeof(counter_columns[0]);
		row_at = counter_at;
		style_of = counter_budget_style;
		sort = (int)t->counter_sort;
		desc = t->counter_desc;
		break;
	default:
		cols = log_columns;
		ncols = sizeof(log_columns) / sizeof(log_columns[0]);
		row_at = log_at;
		style_of = log_style;
		break;
	}
	if (rows >= 2) {
		browser_draw(b, out, ui->width, rows - 2, cols, ncols, sort, desc, row_at,
			     style_of, &c);
		if (!b->n && rows >= 3) {
			struct line *l = &out->v[out->n - (size_t)(rows - 2)];

			line_put(l, TE_ROW_DIM, empty_text(t->tab));
		}
	}
	while ((int)(out->n - start) < rows)
		lines_begin(out, ui->width);
}

/* ---- search ------------------------------------------------------------------------ */

/* The text search looks at in row i of the current tab. */
static const char *row_text(const struct ui *ui, const struct profile *p, size_t i)
{
	const struct proctabs *t = &ui->proc.tabs;

	switch (t->tab) {
	case PTAB_FUNCTIONS:
		return p->funcs[t->funcs[i]].name;
	case PTAB_ZONES:
		return t->zones[i].name;
	case PTAB_COUNTERS:
		return p->counters[t->counters[i]].name;
	default:
		return t->log[i].text;
	}
}

static bool contains(const char *text, const char *needle)
{
	size_t n = strlen(needle);

	for (; text && *text; text++)
		if (!strncasecmp(text, needle, n))
			return true;
	return false;
}

/* Selects the first row matching the search from row `from` (included when
 * `inclusive`) in direction dir (+1 / -1), wrapping. Returns whether one did. */
static bool search_jump(struct ui *ui, const struct profile *p, size_t from, int dir,
			bool inclusive)
{
	struct proctabs *t = &ui->proc.tabs;
	struct browser *b = &t->br[t->tab];
	const struct tab_module *m = tabs__module(t->tab);
	size_t n = b->n;

	if (m && t->search[0]) /* the module searches from its own selection */
		return m->search(ui, t->module_state[t->tab], (struct profile *)p, t->search, dir,
				 inclusive);
	if (!n || !t->search[0])
		return false;
	if (from >= n)
		from = 0;
	for (size_t k = inclusive ? 0 : 1; k <= n; k++) {
		size_t i = dir > 0 ? (from + k) % n : (from + n - k % n) % n;

		if (contains(row_text(ui, p, i), t->search)) {
			browser_select(b, i);
			if (t->tab == PTAB_LOG)
				t->log_tail = i + 1 == n;
			return true;
		}
	}
	return false;
}

static void no_match(struct ui *ui)
{
	char msg[UI_FILTER_MAX + 32];

	snprintf(msg, sizeof(msg), "no match for '%s'", ui->proc.tabs.search);
	ui__message(ui, TE_STATUS_WARN, msg);
}

/* Appends the UTF-8 encoding of code point cp to s (size n) if it fits. */
static void utf8_append(char *s, size_t n, int cp)
{
	char enc[4];
	size_t k, len = strlen(s);

	if (cp < 0x80) {
		enc[0] = (char)cp, k = 1;
	} else if (cp < 0x800) {
		enc[0] = (char)(0xc0 | (cp >> 6)), enc[1] = (char)(0x80 | (cp & 0x3f)), k = 2;
	} else if (cp < 0x10000) {
		enc[0] = (char)(0xe0 | (cp >> 12));
		enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[2] = (char)(0x80 | (cp & 0x3f)), k = 3;
	} else {
		enc[0] = (char)(0xf0 | (cp >> 18));
		enc[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		enc[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[3] = (char)(0x80 | (cp & 0x3f)), k = 4;
	}
	if (len + k + 1 > n)
		return;
	memcpy(s + len, enc, k);
	s[len + k] = '\0';
}

static void utf8_backspace(char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		unsigned char c = (unsigned char)s[--len];

		if ((c & 0xc0) != 0x80)
			break;
	}
	s[len] = '\0';
}

static int key_searching(struct ui *ui, struct profile *p, int key)
{
	struct proctabs *t = &ui->proc.tabs;
	struct browser *b = &t->br[t->tab];

	switch (key) {
	case UI_KEY_ENTER:
		t->searching = false;
		if (t->search[0] && !search_jump(ui, p, b->sel, 1, true))
			no_match(ui);
		return UI_REDRAW;
	case UI_KEY_ESC:
		t->searching = false;
		t->search[0] = '\0';
		if (!tabs__module(t->tab))
			browser_select(b, t->search_origin);
		return UI_REDRAW;
	case UI_KEY_BACKSPACE:
		utf8_backspace(t->search);
		break;
	case UI_KEY_CTRL('u'):
		t->search[0] = '\0';
		break;
	default:
		if (key >= 0x20 && key < UI_KEY_SPECIAL && key != 0x7f) {
			utf8_append(t->search, sizeof(t->search), key);
			break;
		}
		t->searching = false; /* a move ends the prompt and moves */
		return tabs__key(ui, p, key);
	}
	/* Incremental: the first match from where the prompt opened. */
	if ((!t->search[0] || !search_jump(ui, p, t->search_origin, 1, true)) &&
	    !tabs__module(t->tab))
		browser_select(b, t->search_origin);
	return UI_REDRAW;
}

bool tabs__editing(const struct ui *ui)
{
	return ui->proc.tabs.searching;
}

bool tabs__status(struct ui *ui, struct lines *out)
{
	struct line *l;

	if (!ui->proc.tabs.searching)
		return false;
	l = lines_begin(out, ui->width);
	line_put(l, TE_FILTER, " Search: ");
	line_put(l, TE_FILTER, ui->proc.tabs.search);
	line_put(l, TE_FILTER, "_");
	line_put(l, TE_FILTER, "   Enter keep  Esc cancel  n/N next/previous");
	line_fill(l, TE_FILTER);
	return true;
}

/* ---- keys ---------------------------------------------------------------------------- */

static void switch_tab(struct ui *ui, struct profile *p, int step)
{
	struct proctabs *t = &ui->proc.tabs;

	t->tab = (enum proc_tab)(((int)t->tab + step + PTAB_COUNT) % PTAB_COUNT);
	tabs__rebuild(ui, p);
}

/* `<` `>` F6 walk the current tab's sort columns (figures biggest first,
 * names A to Z); I inverts. */
static void sort_key(struct proctabs *t, int key)
{
	int step = key == '<' ? -1 : 1;

	switch (t->tab) {
	case PTAB_FUNCTIONS:
		if (key == 'I') {
			t->desc = !t->desc;
			break;
		}
		t->sort = (enum func_sort)((t->sort + FSORT_COUNT + step) % FSORT_COUNT);
		t->desc = t->sort != FSORT_NAME;
		break;
	case PTAB_ZONES:
		if (key == 'I') {
			t->zone_desc = !t->zone_desc;
			break;
		}
		t->zone_sort = (enum zone_sort)((t->zone_sort + ZSORT_KEYS + step) % ZSORT_KEYS);
		t->zone_desc = t->zone_sort != ZSORT_NAME;
		break;
	default:
		if (key == 'I') {
			t->counter_desc = !t->counter_desc;
			break;
		}
		t->counter_sort =
			(enum counter_sort)((t->counter_sort + CSORT_KEYS + step) % CSORT_KEYS);
		t->counter_desc = t->counter_sort != CSORT_NAME;
		break;
	}
}

bool tabs__detail_open(const struct ui *ui)
{
	const struct proctabs *t = &ui->proc.tabs;

	return (t->tab == PTAB_ZONES || t->tab == PTAB_COUNTERS || t->tab == PTAB_FUNCTIONS) &&
	       t->detail[t->tab] && !tabs__module(t->tab);
}

/* A module that does not read the mouse still scrolls with the wheel. */
static int module_wheel(struct ui *ui, struct profile *p)
{
	struct proctabs *t = &ui->proc.tabs;
	const struct tab_module *m = tabs__module(t->tab);
	int r = UI_NONE;

	if (ui->mouse.button != UI_MOUSE_WHEEL_UP && ui->mouse.button != UI_MOUSE_WHEEL_DOWN)
		return UI_NONE;
	for (int i = 0; i < UI_MOUSE_WHEEL_ROWS; i++)
		r |= m->key(ui, t->module_state[t->tab], p,
			    ui->mouse.button == UI_MOUSE_WHEEL_UP ? UI_KEY_UP : UI_KEY_DOWN);
	return r;
}

int tabs__mouse(struct ui *ui, struct profile *p)
{
	struct proctabs *t = &ui->proc.tabs;
	const struct ui_mouse *ms = &ui->mouse;
	const struct tab_module *m = tabs__module(t->tab);
	struct browser *b = &t->br[t->tab];
	bool activate;
	int r;

	if (ms->y == t->bar_line) {
		for (int i = 0; i < PTAB_COUNT && ms->button == UI_MOUSE_LEFT; i++) {
			if (ms->x < t->bar_start[i] || ms->x >= t->bar_end[i])
				continue;
			t->tab = (enum proc_tab)i;
			tabs__rebuild(ui, p);
			return UI_REDRAW;
		}
		return UI_NONE;
	}
	if (m) {
		r = m->key(ui, t->module_state[t->tab], p, UI_KEY_MOUSE);
		return r != UI_NONE ? r : module_wheel(ui, p);
	}
	if (tabs__detail_open(ui))
		return UI_NONE;
	r = ui__mouse_browser(ui, b, &activate);
	if (r != UI_NONE && t->tab == PTAB_LOG)
		t->log_tail = b->n && b->sel + 1 == b->n;
	if (activate)
		r |= tabs__key(ui, p, UI_KEY_ENTER);
	return r;
}

int tabs__key(struct ui *ui, struct profile *p, int key)
{
	struct proctabs *t = &ui->proc.tabs;
	struct browser *b = &t->br[t->tab];
	int r;

	if (t->searching)
		return key_searching(ui, p, key);
	if (tabs__detail_open(ui) && (r = detail__key(ui, p, key)) != UI_NONE)
		return r;
	switch (key) {
	case UI_KEY_MOUSE:
		return tabs__mouse(ui, p);
	case UI_KEY_TAB:
		switch_tab(ui, p, 1);
		return UI_REDRAW;
	case UI_KEY_BTAB:
		switch_tab(ui, p, -1);
		return UI_REDRAW;
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		if (key - '1' < PTAB_COUNT) {
			t->tab = (enum proc_tab)(key - '1');
			tabs__rebuild(ui, p);
			return UI_REDRAW;
		}
		break;
	case '/':
		tabs__rebuild(ui, p);
		t->searching = true;
		t->search[0] = '\0';
		t->search_origin = b->sel;
		return UI_REDRAW;
	case 'n':
	case 'N':
		if (!t->search[0]) {
			ui__message(ui, TE_STATUS_WARN, "no search yet: / searches");
			return UI_REDRAW;
		}
		tabs__rebuild(ui, p);
		if (!search_jump(ui, p, b->sel, key == 'n' ? 1 : -1, false))
			no_match(ui);
		return UI_REDRAW;
	default:
		break;
	}
	if (tabs__module(t->tab)) {
		r = tabs__module(t->tab)->key(ui, t->module_state[t->tab], p, key);
		if (r != UI_NONE || key != 'L')
			return r;
	}
	switch (key) {
	case '<':
	case '>':
	case UI_KEY_F(6):
	case 'I':
		if (t->tab != PTAB_FUNCTIONS && t->tab != PTAB_ZONES && t->tab != PTAB_COUNTERS) {
			ui__message(ui, TE_STATUS_WARN, "the Log keeps its order (Tab to a table)");
			return UI_REDRAW;
		}
		if (b->n) /* the selection stays on its row through the new order */
			browser_select(b, b->sel);
		sort_key(t, key);
		tabs__rebuild(ui, p);
		return UI_REDRAW | UI_RESORT;
	case 'f':
		if (t->tab != PTAB_FUNCTIONS || !b->n)
			break;
		return treeview__show_callers(ui, p, t->funcs[b->sel]);
	case UI_KEY_ENTER:
	case UI_KEY_RIGHT:
		if (t->tab == PTAB_FUNCTIONS && b->n)
			return treeview__show_callers(ui, p, t->funcs[b->sel]);
		if ((t->tab != PTAB_ZONES && t->tab != PTAB_COUNTERS) || !b->n)
			break;
		browser_select(b, b->sel);
		t->detail[t->tab] = true;
		return UI_REDRAW;
	case 'L':
		t->show_file = !t->show_file;
		return UI_REDRAW;
	case 'l':
		if (t->tab != PTAB_FUNCTIONS || !b->n)
			break;
		if (!p->funcs[t->funcs[b->sel]].interp) {
			ui__message(ui, TE_STATUS_WARN,
				    "no lines: a native function (lines are known for Python functions)");
			return UI_REDRAW;
		}
		browser_select(b, b->sel);
		t->detail[t->tab] = true;
		return UI_REDRAW;
	default:
		break;
	}
	r = browser_key(b, key);
	if (r != UI_NONE && t->tab == PTAB_LOG)
		t->log_tail = b->n && b->sel + 1 == b->n;
	return r;
}
