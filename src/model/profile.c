/* profile — an agent's samples: functions, stacks, threads, the live window,
 * views and marks; zones are in profile_zones.c, counters in
 * profile_counters.c. See profile.h. */
#include "model/profile.h"
#include "model/profile_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/pyframes.h"
#include "util/check.h"
#include "util/xalloc.h"

struct profile *profile_new(pid_t pid)
{
	struct profile *p = xcalloc(1, sizeof(*p));

	p->pid = pid;
	intern_init(&p->func_keys);
	intern_init(&p->stacks);
	intern_init(&p->shown);
	pylines_init(&p->lines);
	intern_init(&p->zone_names);
	intern_init(&p->counter_names);
	hashmap_init(&p->zone_thread_stats);
	calltree_init(&p->top);
	calltree_init(&p->callers);
	calltree_init(&p->none);
	p->live.thread = -1;
	hashmap_init(&p->pair_index);
	window_init(&p->window);
	hashmap_init(&p->zone_threads);
	return p;
}

static void tview_free(struct profile_tview *tv)
{
	if (!tv)
		return;
	calltree_release(&tv->top);
	calltree_release(&tv->callers);
	free(tv->self);
	free(tv->total);
	free(tv->stamp);
	free(tv);
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nnotices; i++)
		free(p->notices[i].text);
	free(p->notices);
	profile__zones_free(p);
	profile__counters_free(p);
	for (size_t i = 0; i < p->nthreads; i++)
		tview_free(p->threads[i].view);
	calltree_release(&p->top);
	calltree_release(&p->callers);
	calltree_release(&p->none);
	free(p->live.self);
	free(p->live.total);
	free(p->live.stamp);
	free(p->live.agg);
	free(p->live.keys);
	free(p->stack_top);
	free(p->stack_callers);
	free(p->pairs);
	hashmap_release(&p->pair_index);
	window_release(&p->window);
	for (size_t i = 0; i < p->nmarks; i++)
		free(p->marks[i].text);
	free(p->marks);
	for (size_t i = 0; i < p->func_keys.count; i++)
		free((char *)p->funcs[i].file);
	free(p->funcs);
	free(p->stack_counts);
	free(p->stack_shown);
	intern_release(&p->shown);
	pylines_release(&p->lines);
	free(p->threads);
	free(p->exe);
	intern_release(&p->func_keys);
	intern_release(&p->stacks);
	free(p);
}

/* ---- functions and stacks -------------------------------------------------- */

/* The entry of function id, just interned under a key "module\0name..."
 * whose module is ml bytes: names point into the key. */
static struct profile_func *func_made(struct profile *p, uint32_t id, size_t ml,
                                      const char *file, int line)
{
	const char *k;

	p->funcs = xgrow(p->funcs, &p->funcs_alloc, id + 1, 16, sizeof(*p->funcs));
	k = intern_bytes(&p->func_keys, id, NULL);
	p->funcs[id].module = k;
	p->funcs[id].name = k + ml + 1;
	p->funcs[id].file = file && *file ? xstrdup(file) : NULL;
	p->funcs[id].line = line;
	return &p->funcs[id];
}

uint32_t profile_func(struct profile *p, const char *module, const char *name, const char *file,
		      int line)
{
	size_t ml = strlen(module), nl = strlen(name);
	char stackbuf[512];
	char *key = ml + nl + 1 <= sizeof(stackbuf) ? stackbuf : xmalloc(ml + nl + 1);
	bool added;
	uint32_t id;

	memcpy(key, module, ml);
	key[ml] = '\0';
	memcpy(key + ml + 1, name, nl);
	id = intern_put(&p->func_keys, key, ml + 1 + nl, &added);
	if (key != stackbuf)
		free(key);
	if (added) {
		struct profile_func *f = func_made(p, id, ml, file, line);

		f->machinery = pyframes_is_machinery(f->name);
	}
	return id;
}

uint32_t profile_func_interp(struct profile *p, const char *name, const char *file, int line)
{
	char module[256], num[16];
	size_t ml, nl, fl, ll;
	char *key;
	bool added;
	uint32_t id;

	pyframes_module(file, module, sizeof(module));
	if (!file)
		file = "";
	ml = strlen(module);
	nl = strlen(name);
	fl = strlen(file);
	ll = (size_t)snprintf(num, sizeof(num), "%d", line);
	/* "module\0name\0file\0line": a native key has one NUL, so never equal */
	key = xmalloc(ml + nl + fl + ll + 3);
	memcpy(key, module, ml + 1);
	memcpy(key + ml + 1, name, nl + 1);
	memcpy(key + ml + nl + 2, file, fl + 1);
	memcpy(key + ml + nl + fl + 3, num, ll);
	id = intern_put(&p->func_keys, key, ml + nl + fl + ll + 3, &added);
	free(key);
	if (added) {
		func_made(p, id, ml, file, line)->interp = true;
		p->has_interp = true;
	}
	return id;
}

size_t profile_func_count(const struct profile *p)
{
	return p->func_keys.count;
}

/* Records the shown form of new stack sid (its recorded funcs): when it
 * holds an interpreted function and machinery, the stack without the
 * machinery. */
static void stack_shown_make(struct profile *p, uint32_t sid, const uint32_t *funcs,
			     size_t depth)
{
	uint32_t kept[PROFILE_MAX_DEPTH];
	bool interp = false, machinery = false;
	size_t n = 0;

	if (sid >= p->shown_alloc) {
		size_t a = p->shown_alloc;

		p->stack_shown = xgrow(p->stack_shown, &a, sid + 1, 16, sizeof(*p->stack_shown));
		p->shown_alloc = a;
	}
	for (size_t i = 0; i < depth; i++) {
		interp |= p->funcs[funcs[i]].interp;
		machinery |= p->funcs[funcs[i]].machinery;
	}
	if (!interp || !machinery)
		return;
	for (size_t i = 0; i < depth; i++)
		if (!p->funcs[funcs[i]].machinery)
			kept[n++] = funcs[i];
	p->stack_shown[sid] = intern_put(&p->shown, kept, n * sizeof(*kept), NULL) + 1;
}

const uint32_t *profile_stack(const struct profile *p, uint32_t sid, size_t *depth)
{
	const uint32_t *f;
	size_t len;

	if (!p->show_interp && sid < p->shown_alloc && p->stack_shown[sid])
		f = intern_bytes(&p->shown, p->stack_shown[sid] - 1, &len);
	else
		f = intern_bytes(&p->stacks, sid, &len);
	*depth = len / sizeof(*f);
	return f;
}

void profile_add_lines(struct profile *p, const uint32_t *funcs, const uint32_t *lines,
		       size_t depth, uint64_t count)
{
	long self_at;

	if (depth > PROFILE_MAX_DEPTH) {
		funcs += depth - PROFILE_MAX_DEPTH;
		lines += depth - PROFILE_MAX_DEPTH;
		depth = PROFILE_MAX_DEPTH;
	}
	if (!depth || !count)
		return;
	/* self: the innermost interpreted frame, when only machinery runs in it */
	self_at = (long)depth - 1;
	while (self_at >= 0 && p->funcs[funcs[self_at]].machinery)
		self_at--;
	if (self_at >= 0 && (!p->funcs[funcs[self_at]].interp || !lines[self_at]))
		self_at = -1;
	pylines_add(&p->lines, funcs, lines, depth, self_at, count);
}

struct profile_thread *profile_thread(struct profile *p, pid_t tid)
{
	if (p->last_thread < p->nthreads && p->threads[p->last_thread].tid == tid)
		return &p->threads[p->last_thread];
	for (size_t i = 0; i < p->nthreads; i++)
		if (p->threads[i].tid == tid) {
			p->last_thread = i;
			return &p->threads[i];
		}
	p->threads = xgrow(p->threads, &p->threads_alloc, p->nthreads + 1, 16, sizeof(*p->threads));
	p->threads[p->nthreads].tid = tid;
	return &p->threads[p->nthreads++];
}

int profile_notice(struct profile *p, pid_t tid, const char *code, uint64_t count,
		   const char *text, double time)
{
	struct profile_notice *n;

	for (size_t i = 0; i < p->nnotices; i++) {
		n = &p->notices[i];
		if (n->tid == tid && !strcmp(n->code, code)) {
			n->count = count;
			n->time = time;
			if (strcmp(n->text, text)) {
				free(n->text);
				n->text = xstrdup(text);
			}
			return 0;
		}
	}
	if (p->nnotices >= PROFILE_MAX_NOTICES)
		return -1;
	p->notices = xgrow(p->notices, &p->notices_alloc, p->nnotices + 1, 16, sizeof(*p->notices));
	n = &p->notices[p->nnotices++];
	n->tid = tid;
	snprintf(n->code, sizeof(n->code), "%s", code);
	n->count = count;
	n->text = xstrdup(text);
	n->time = time;
	return 1;
}

size_t profile_notice_count(const struct profile *p, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nnotices; i++)
		n += !code || !strcmp(p->notices[i].code, code);
	return n;
}

/* The name of thread tid, or "" when it has none. */
static const char *thread_name_of(const struct profile *p, pid_t tid)
{
	for (size_t i = 0; i < p->nthreads; i++)
		if (p->threads[i].tid == tid)
			return p->threads[i].name;
	return "";
}

int profile_notice_summary(const struct profile *p, char *buf, size_t size)
{
	size_t len = 0, blocked = profile_notice_count(p, "blocked");
	uint64_t low = 0;
	const char *sep = "";

#define SUMMARY_PUT(...)                                                                 \
	do {                                                                               \
		int k_ = snprintf(buf + (len < size ? len : size), len < size ? size - len : 0, \
				  __VA_ARGS__);                                            \
		if (k_ > 0)                                                                \
			len += (size_t)k_;                                                 \
	} while (0)
	if (size)
		buf[0] = '\0';
	if (blocked) {
		size_t shown = 0;
		const char *sig = "the signal";

		/* The agent's text ends with the signal: "... blocks SIGPROF". */
		for (size_t i = 0; i < p->nnotices; i++) {
			const char *q = strstr(p->notices[i].text, "blocks ");

			if (!strcmp(p->notices[i].code, "blocked") && q && q[7]) {
				sig = q + 7;
				break;
			}
		}
		SUMMARY_PUT("%zu thread%s not sampled (block%s %s): ", blocked,
			    blocked == 1 ? "" : "s", blocked == 1 ? "s" : "", sig);
		for (size_t i = 0; i < p->nnotices && shown < 4; i++) {
			const struct profile_notice *n = &p->notices[i];
			const char *name;

			if (strcmp(n->code, "blocked"))
				continue;
			name = thread_name_of(p, n->tid);
			SUMMARY_PUT("%s%s%s%ld", shown ? ", " : "", name, *name ? " " : "", (long)n->tid);
			shown++;
		}
		if (blocked > shown)
			SUMMARY_PUT(", ...");
		sep = "; ";
	}
	for (size_t i = 0; i < p->nnotices; i++)
		if (!strcmp(p->notices[i].code, "low-stack"))
			low += p->notices[i].count;
	if (low) {
		SUMMARY_PUT("%s%llu samples skipped (low stack)", sep, (unsigned long long)low);
		sep = "; ";
	}
	low = 0;
	for (size_t i = 0; i < p->nnotices; i++)
		if (!strcmp(p->notices[i].code, "odd-stack"))
			low += p->notices[i].count;
	if (low) {
		SUMMARY_PUT("%s%llu samples skipped (stack of unknown size)", sep,
			    (unsigned long long)low);
		sep = "; ";
	}
	for (size_t i = 0; i < p->nnotices; i++) {
		const struct profile_notice *n = &p->notices[i];

		if (!strcmp(n->code, "handler-replaced") || !strcmp(n->code, "no-signal")) {
			SUMMARY_PUT("%s%s", sep, n->text);
			sep = "; ";
		}
	}
#undef SUMMARY_PUT
	return (int)len;
}

void profile_thread_name(struct profile *p, pid_t tid, const char *name)
{
	struct profile_thread *t = profile_thread(p, tid);

	strncpy(t->name, name, sizeof(t->name) - 1);
	t->name[sizeof(t->name) - 1] = '\0';
}

/* Notes that something happened at time t. */
void profile__note_time(struct profile *p, double t)
{
	if (!p->have_since || t < p->since)
		p->since = t;
	p->have_since = true;
	if (t > p->latest)
		p->latest = t;
}

/* Adds count samples of one stack to a flat table: self of the leaf, total of
 * every function in it once (stamp marks the functions already counted). */
static void flat_add(uint64_t *self, uint64_t *total, uint64_t *stamp, uint64_t mark,
		     const uint32_t *funcs, size_t depth, uint64_t count)
{
	self[funcs[depth - 1]] += count;
	for (size_t i = 0; i < depth; i++)
		if (stamp[funcs[i]] != mark) {
			stamp[funcs[i]] = mark;
			total[funcs[i]] += count;
		}
}

/* Sizes per-function arrays (stamp may be NULL) for n functions. */
static void funcs_reserve(uint64_t **self, uint64_t **total, uint64_t **stamp, size_t *alloc,
			  size_t n)
{
	size_t a = *alloc;

	if (n <= a)
		return;
	*self = xgrow(*self, &a, n, 16, sizeof(**self));
	a = *alloc;
	*total = xgrow(*total, &a, n, 16, sizeof(**total));
	if (stamp) {
		a = *alloc;
		*stamp = xgrow(*stamp, &a, n, 16, sizeof(**stamp));
	}
	*alloc = a;
}

/* The pair (thread index, stack id), created with a zero count if new. */
static struct profile_pair *pair_get(struct profile *p, uint32_t thread, uint32_t stack)
{
	uint64_t key = (uint64_t)thread << 32 | stack;
	uintptr_t idx1 = (uintptr_t)hashmap_get(&p->pair_index, key);
	struct profile_pair *pr;

	if (idx1)
		return &p->pairs[idx1 - 1];
	XGROW(p->pairs, p->pairs_alloc, p->npairs + 1, 64);
	pr = &p->pairs[p->npairs++];
	memset(pr, 0, sizeof(*pr));
	pr->thread = thread;
	pr->stack = stack;
	hashmap_put(&p->pair_index, key, (void *)(uintptr_t)p->npairs);
	return pr;
}

/* Adds count samples of pair pr into its thread's tables (which exist),
 * wcount of them to the window counts of its trees. */
static void tview_add(struct profile *p, struct profile_tview *tv, struct profile_pair *pr,
		      uint64_t count, uint64_t wcount)
{
	size_t depth;
	const uint32_t *funcs = profile_stack(p, pr->stack, &depth);

	if (!pr->top) {
		pr->top = calltree_path(&tv->top, funcs, depth, false);
		pr->callers = calltree_path(&tv->callers, funcs, depth, true);
	}
	calltree_add(&tv->top, pr->top, count, wcount);
	calltree_add(&tv->callers, pr->callers, count, wcount);
	funcs_reserve(&tv->self, &tv->total, &tv->stamp, &tv->funcs_alloc, profile_func_count(p));
	flat_add(tv->self, tv->total, tv->stamp, ++tv->stamp_next, funcs, depth, count);
}

/* ---- the live window ----------------------------------------------------------- */

/* Whether a sample of thread index ti in second s counts in the live window. */
static bool live_takes(const struct profile *p, uint32_t ti, int64_t s)
{
	const struct profile_live *l = &p->live;

	return l->active && (l->thread < 0 || l->thread == (long)ti) && s >= l->lo;
}

/* The trees the live window counts in. */
static void live_trees(struct profile *p, struct calltree **top, struct calltree **callers)
{
	struct profile_tview *tv = p->live.thread >= 0 ? p->threads[p->live.thread].view : NULL;

	*top = tv ? &tv->top : &p->top;
	*callers = tv ? &tv->callers : &p->callers;
}

/* Adds (sign > 0) or takes out the window entries of seconds from..to that
 * the live window's thread filter lets through. Entries are first summed
 * per stack (all threads) or per pair (one thread), so each distinct one
 * walks its trees once however many seconds and threads it appears in. */
static void live_apply(struct profile *p, int64_t from, int64_t to, int sign)
{
	struct profile_live *l = &p->live;
	struct calltree *top, *callers;
	size_t keyspace = l->thread >= 0 ? p->npairs : p->stacks.count, nkeys = 0;

	if (!p->window.any)
		return;
	if (from < p->window.newest - WINDOW_SLOTS + 1)
		from = p->window.newest - WINDOW_SLOTS + 1;
	if (to > p->window.newest)
		to = p->window.newest;
	if (keyspace > l->agg_alloc) {
		free(l->agg); /* all zero between uses: nothing to keep */
		free(l->keys);
		l->agg_alloc = keyspace + keyspace / 2;
		l->agg = xcalloc(l->agg_alloc, sizeof(*l->agg));
		l->keys = xcalloc(l->agg_alloc, sizeof(*l->keys));
	}
	for (int64_t s = from; s <= to; s++) {
		const struct window_slot *slot = window_slot(&p->window, s);

		for (size_t i = 0; slot && i < slot->nentries; i++) {
			const struct window_entry *e = &slot->entries[i];
			const struct profile_pair *pr = &p->pairs[e->key];
			uint32_t key = l->thread >= 0 ? e->key : pr->stack;

			if (l->thread >= 0 && pr->thread != (uint32_t)l->thread)
				continue;
			l->samples += sign > 0 ? e->count : -(uint64_t)e->count;
			if (pr->stack == UINT32_MAX)
				continue;
			if (!l->agg[key])
				l->keys[nkeys++] = key;
			l->agg[key] += e->count;
		}
	}
	live_trees(p, &top, &callers);
	funcs_reserve(&l->self, &l->total, &l->stamp, &l->funcs_alloc, profile_func_count(p));
	for (size_t i = 0; i < nkeys; i++) {
		uint32_t key = l->keys[i], sid = l->thread >= 0 ? p->pairs[key].stack : key;
		bool one = l->thread >= 0;
		uint32_t top_leaf = one ? p->pairs[key].top : p->stack_top[sid];
		uint32_t callers_leaf = one ? p->pairs[key].callers : p->stack_callers[sid];
		uint64_t count = l->agg[key];
		size_t depth;
		const uint32_t *funcs = profile_stack(p, sid, &depth);

		l->agg[key] = 0;
		if (sign > 0) {
			flat_add(l->self, l->total, l->stamp, ++l->stamp_next, funcs, depth, count);
			calltree_add(top, top_leaf, 0, count);
			calltree_add(callers, callers_leaf, 0, count);
		} else {
			/* Adding the two's complement subtracts. */
			flat_add(l->self, l->total, l->stamp, ++l->stamp_next, funcs, depth,
				 -count);
			calltree_window_sub(top, top_leaf, count);
			calltree_window_sub(callers, callers_leaf, count);
		}
	}
}

/* Moves the live window's start up to second s - length + 1: the seconds
 * before it leave the counts. Runs before any second is claimed in the
 * ring, so a slot is never recycled while the window still counts it. */
void profile__live_advance(struct profile *p, int64_t s)
{
	struct profile_live *l = &p->live;
	int64_t lo = s - l->seconds + 1;

	if (!l->active || lo <= l->lo)
		return;
	live_apply(p, l->lo, lo - 1, -1);
	l->lo = lo;
}

/* Starts tracking a window of `seconds` from second lo on thread index ti
 * (-1: all), counting what the ring holds. */
static void live_start(struct profile *p, long ti, int64_t seconds, int64_t lo)
{
	struct profile_live *l = &p->live;
	struct calltree *top, *callers;

	l->active = true;
	l->thread = ti;
	l->seconds = seconds;
	l->lo = lo;
	l->samples = 0;
	if (l->funcs_alloc) {
		memset(l->self, 0, l->funcs_alloc * sizeof(*l->self));
		memset(l->total, 0, l->funcs_alloc * sizeof(*l->total));
	}
	live_trees(p, &top, &callers);
	calltree_window_clear(top);
	calltree_window_clear(callers);
	if (p->window.any)
		live_apply(p, lo, p->window.newest, 1);
}

void profile_add_samples(struct profile *p, pid_t tid, const uint32_t *funcs, size_t depth,
			 uint64_t count, double t)
{
	uint64_t stamp = p->samples + 1; /* unique per call: marks "counted" */
	struct profile_thread *th;
	struct profile_pair *pr;
	uint32_t ti, sid = UINT32_MAX;
	int64_t second = window_second(t);
	uint64_t wc, mwc; /* how many the live window counts; in the merged trees */

	if (!count)
		return;
	if (depth > PROFILE_MAX_DEPTH) {
		funcs += depth - PROFILE_MAX_DEPTH;
		depth = PROFILE_MAX_DEPTH;
	}
	th = profile_thread(p, tid);
	th->samples += count;
	ti = (uint32_t)(th - p->threads);
	if (!p->samples)
		p->first_time = t;
	if (t > p->last_time)
		p->last_time = t;
	p->samples += count;
	profile__note_time(p, t);
	profile__zone_series_fold(p, second);
	profile__live_advance(p, second);
	wc = live_takes(p, ti, second) ? count : 0;
	mwc = p->live.thread < 0 ? wc : 0;
	if (depth) {
		bool added;

		sid = intern_put(&p->stacks, funcs, depth * sizeof(*funcs), &added);
		if (added)
			stack_shown_make(p, sid, funcs, depth);
		/* from here on, the stack as the views show it */
		funcs = profile_stack(p, sid, &depth);
	}
	if (wc) {
		p->live.samples += wc;
		if (depth) {
			funcs_reserve(&p->live.self, &p->live.total, &p->live.stamp,
				      &p->live.funcs_alloc, profile_func_count(p));
			flat_add(p->live.self, p->live.total, p->live.stamp, ++p->live.stamp_next,
				 funcs, depth, wc);
		}
	}

	if (depth) {
		p->stack_counts =
		    xgrow(p->stack_counts, &p->stacks_alloc, sid + 1, 16, sizeof(*p->stack_counts));
		p->stack_counts[sid] += count;
		p->funcs[funcs[depth - 1]].self += count;
		/* A recursive function appears more than once but counts once per sample. */
		for (size_t i = 0; i < depth; i++) {
			struct profile_func *f = &p->funcs[funcs[i]];

			if (f->stamp != stamp) {
				f->stamp = stamp;
				f->total += count;
			}
		}
		/* Trees: the leaf nodes are found once per stack, then only walked up. */
		if (sid >= p->stack_leaf_alloc) {
			size_t a = p->stack_leaf_alloc;

			p->stack_top = xgrow(p->stack_top, &a, sid + 1, 16, sizeof(*p->stack_top));
			a = p->stack_leaf_alloc;
			p->stack_callers =
			    xgrow(p->stack_callers, &a, sid + 1, 16, sizeof(*p->stack_callers));
			p->stack_leaf_alloc = a;
		}
		if (!p->stack_top[sid]) {
			p->stack_top[sid] = calltree_path(&p->top, funcs, depth, false);
			p->stack_callers[sid] = calltree_path(&p->callers, funcs, depth, true);
		}
		calltree_add(&p->top, p->stack_top[sid], count, mwc);
		calltree_add(&p->callers, p->stack_callers[sid], count, mwc);
	}

	pr = pair_get(p, ti, sid);
	pr->count += count;
	window_sample(&p->window, second, (uint32_t)(pr - p->pairs), count, &pr->hint);
	if (depth && p->threads[ti].view)
		tview_add(p, p->threads[ti].view, pr, count, p->live.thread == (long)ti ? wc : 0);
}

void profile_window_restore(struct profile *p, pid_t tid, uint32_t stack, uint64_t count,
			    int64_t s)
{
	struct profile_thread *th = profile_thread(p, tid);
	struct profile_pair *pr = pair_get(p, (uint32_t)(th - p->threads), stack);

	profile__zone_series_fold(p, s);
	window_sample(&p->window, s, (uint32_t)(pr - p->pairs), count, &pr->hint);
}

long profile__thread_index(const struct profile *p, pid_t tid)
{
	for (size_t i = 0; i < p->nthreads; i++)
		if (p->threads[i].tid == tid)
			return (long)i;
	return -1;
}

/* ---- marks ---------------------------------------------------------------------- */

void profile_mark(struct profile *p, double t, pid_t tid, const char *text)
{
	struct profile_mark *m;

	if (!p->marks)
		p->marks = xcalloc(PROFILE_MAX_MARKS, sizeof(*p->marks));
	if (p->nmarks < PROFILE_MAX_MARKS) {
		m = &p->marks[p->nmarks++];
	} else {
		m = &p->marks[p->marks_head];
		p->marks_head = (p->marks_head + 1) % PROFILE_MAX_MARKS;
		free(m->text);
	}
	m->time = t;
	m->tid = tid;
	m->text = xstrdup(text);
}

const struct profile_mark *profile_mark_at(const struct profile *p, size_t i)
{
	PT_ASSERT(i < p->nmarks);
	return &p->marks[(p->marks_head + i) % PROFILE_MAX_MARKS];
}

/* ---- sorted views ------------------------------------------------------------ */

/* The profile and key qsort_r() sorts functions by. */
struct sort_ctx {
	const struct profile *p;
	bool by_total;
};

static int compare_funcs(const void *pa, const void *pb, void *ctx)
{
	const struct sort_ctx *o = ctx;
	const struct profile_func *a = &o->p->funcs[*(const uint32_t *)pa];
	const struct profile_func *b = &o->p->funcs[*(const uint32_t *)pb];
	uint64_t ka = o->by_total ? a->total : a->self, kb = o->by_total ? b->total : b->self;

	if (ka != kb)
		return ka > kb ? -1 : 1;
	return strcmp(a->name, b->name);
}

size_t profile_funcs_sorted(const struct profile *p, bool by_total, uint32_t *out)
{
	size_t n = profile_func_count(p);
	struct sort_ctx o = {p, by_total};

	for (size_t i = 0; i < n; i++)
		out[i] = (uint32_t)i;
	qsort_r(out, n, sizeof(*out), compare_funcs, &o);
	return n;
}

double profile_now(const struct profile *p)
{
	return p->latest;
}

/* ---- views: one thread or all, everything or the window ------------------------ */

/* Thread ti's own tables, built from its pairs on the first request. */
static struct profile_tview *tview_get(struct profile *p, size_t ti)
{
	struct profile_tview *tv = p->threads[ti].view;

	if (tv)
		return tv;
	tv = xcalloc(1, sizeof(*tv));
	calltree_init(&tv->top);
	calltree_init(&tv->callers);
	funcs_reserve(&tv->self, &tv->total, &tv->stamp, &tv->funcs_alloc, profile_func_count(p));
	p->threads[ti].view = tv;
	for (size_t i = 0; i < p->npairs; i++) {
		struct profile_pair *pr = &p->pairs[i];

		if (pr->thread == ti && pr->stack != UINT32_MAX && pr->count)
			tview_add(p, tv, pr, pr->count, 0);
	}
	return tv;
}

void profile_view_init(struct profile_view *v)
{
	memset(v, 0, sizeof(*v));
}

void profile_view_release(struct profile_view *v)
{
	free(v->self);
	free(v->total);
	profile_view_init(v);
}

/* The live window for thread index ti (-1: all) and v->seconds at now. */
static void view_window(struct profile *p, struct profile_view *v, long ti, double now)
{
	struct profile_live *l = &p->live;
	int64_t first, last;

	window_range(v->seconds, now, &first, &last);
	if (!l->active || l->thread != ti || l->seconds != last - first + 1 || first < l->lo) {
		live_start(p, ti, last - first + 1, first);
	} else if (first > l->lo) {
		live_apply(p, l->lo, first - 1, -1);
		l->lo = first;
	}
	funcs_reserve(&l->self, &l->total, &l->stamp, &l->funcs_alloc, v->nfuncs ? v->nfuncs : 1);
	memcpy(v->self, l->self, v->nfuncs * sizeof(*v->self));
	memcpy(v->total, l->total, v->nfuncs * sizeof(*v->total));
	v->samples = l->samples;
	v->first = (double)first;
	v->scope = CALLTREE_WINDOW;
}

void profile_view_update(struct profile *p, struct profile_view *v, double now)
{
	size_t n = profile_func_count(p);
	long ti = v->tid ? profile__thread_index(p, v->tid) : -1;
	struct profile_tview *tv = NULL;

	funcs_reserve(&v->self, &v->total, NULL, &v->funcs_alloc, n ? n : 1);
	memset(v->self, 0, n * sizeof(*v->self));
	memset(v->total, 0, n * sizeof(*v->total));
	v->nfuncs = n;
	v->samples = 0;
	v->first = p->since;
	v->last = now;
	v->top = &p->top;
	v->callers = &p->callers;
	v->scope = CALLTREE_ALL;

	if (v->tid && ti < 0) {
		/* A thread the profile never saw: nothing, in trees of nothing. */
		v->top = v->callers = &p->none;
		return;
	}
	if (ti >= 0) {
		tv = tview_get(p, (size_t)ti);
		v->top = &tv->top;
		v->callers = &tv->callers;
	}
	if (v->seconds > 0) {
		view_window(p, v, ti, now);
	} else if (tv) {
		funcs_reserve(&tv->self, &tv->total, &tv->stamp, &tv->funcs_alloc, n ? n : 1);
		v->samples = p->threads[ti].samples;
		memcpy(v->self, tv->self, n * sizeof(*v->self));
		memcpy(v->total, tv->total, n * sizeof(*v->total));
	} else {
		v->samples = p->samples;
		for (size_t i = 0; i < n; i++) {
			v->self[i] = p->funcs[i].self;
			v->total[i] = p->funcs[i].total;
		}
	}
}

/* ---- showing the interpreter's machinery ---------------------------------------- */

/* Empties thread view tv (kept: views point at its trees). */
static void tview_clear(struct profile_tview *tv)
{
	calltree_clear(&tv->top);
	calltree_clear(&tv->callers);
	memset(tv->self, 0, tv->funcs_alloc * sizeof(*tv->self));
	memset(tv->total, 0, tv->funcs_alloc * sizeof(*tv->total));
	memset(tv->stamp, 0, tv->funcs_alloc * sizeof(*tv->stamp));
	tv->stamp_next = 0;
}

void profile_show_interp(struct profile *p, bool show)
{
	size_t n = profile_func_count(p);

	if (p->show_interp == show)
		return;
	p->show_interp = show;
	if (!p->has_interp)
		return; /* no stack has a Python frame: nothing changes */
	p->layout++;
	for (size_t i = 0; i < n; i++)
		p->funcs[i].self = p->funcs[i].total = p->funcs[i].stamp = 0;
	if (p->stack_leaf_alloc) {
		memset(p->stack_top, 0, p->stack_leaf_alloc * sizeof(*p->stack_top));
		memset(p->stack_callers, 0, p->stack_leaf_alloc * sizeof(*p->stack_callers));
	}
	calltree_clear(&p->top);
	calltree_clear(&p->callers);
	for (uint32_t sid = 0; sid < p->stacks.count && sid < p->stacks_alloc; sid++) {
		uint64_t count = p->stack_counts[sid];
		size_t depth;
		const uint32_t *funcs;

		if (!count)
			continue;
		funcs = profile_stack(p, sid, &depth);
		p->funcs[funcs[depth - 1]].self += count;
		for (size_t i = 0; i < depth; i++) {
			struct profile_func *f = &p->funcs[funcs[i]];

			if (f->stamp != (uint64_t)sid + 1) {
				f->stamp = (uint64_t)sid + 1;
				f->total += count;
			}
		}
		/* stack_leaf_alloc covers every stack with a count */
		p->stack_top[sid] = calltree_path(&p->top, funcs, depth, false);
		p->stack_callers[sid] = calltree_path(&p->callers, funcs, depth, true);
		calltree_add(&p->top, p->stack_top[sid], count, 0);
		calltree_add(&p->callers, p->stack_callers[sid], count, 0);
	}
	/* profile_add_samples() marks with samples + 1, never 0 */
	for (size_t i = 0; i < n; i++)
		p->funcs[i].stamp = 0;
	for (size_t i = 0; i < p->nthreads; i++)
		if (p->threads[i].view)
			tview_clear(p->threads[i].view);
	for (size_t i = 0; i < p->npairs; i++)
		p->pairs[i].top = p->pairs[i].callers = 0;
	for (size_t i = 0; i < p->npairs; i++) {
		struct profile_pair *pr = &p->pairs[i];
		struct profile_tview *tv = p->threads[pr->thread].view;

		if (tv && pr->stack != UINT32_MAX && pr->count)
			tview_add(p, tv, pr, pr->count, 0);
	}
	/* the next view of a window starts it again from the ring */
	p->live.active = false;
}

/* ---- reset ---------------------------------------------------------------------- */

void profile_reset(struct profile *p)
{
	size_t n = profile_func_count(p);

	for (size_t i = 0; i < n; i++)
		p->funcs[i].self = p->funcs[i].total = p->funcs[i].stamp = 0;
	if (p->stacks_alloc)
		memset(p->stack_counts, 0, p->stacks_alloc * sizeof(*p->stack_counts));
	if (p->stack_leaf_alloc) {
		memset(p->stack_top, 0, p->stack_leaf_alloc * sizeof(*p->stack_top));
		memset(p->stack_callers, 0, p->stack_leaf_alloc * sizeof(*p->stack_callers));
	}
	calltree_clear(&p->top);
	calltree_clear(&p->callers);
	for (size_t i = 0; i < p->nthreads; i++) {
		struct profile_tview *tv = p->threads[i].view;

		p->threads[i].samples = 0;
		if (tv)
			tview_clear(tv);
	}
	p->npairs = 0;
	pylines_clear(&p->lines);
	hashmap_release(&p->pair_index);
	window_clear(&p->window);
	p->live.active = false;
	p->samples = 0;
	p->first_time = 0;
	p->have_since = false;
	p->since = 0;
	profile__zones_reset(p);
	profile__counters_reset(p);
}

void profile_cost_connect(struct profile *p)
{
	p->cost_done = p->cost;
}

void profile_cost_update(struct profile *p, const struct profile_cost *c)
{
	p->cost.handler_ns = p->cost_done.handler_ns + c->handler_ns;
	p->cost.writer_ns = p->cost_done.writer_ns + c->writer_ns;
	p->cost.process_ns = p->cost_done.process_ns + c->process_ns;
	p->cost_known = true;
}

double profile_cost_pct(const struct profile *p)
{
	if (!p->cost_known || p->cost.process_ns == 0)
		return -1;
	/* The agent's clocks and the process's are read a moment apart: on a
	 * process that did nothing but the agent's work, the agent's share can
	 * come out a hair over all of it. */
	if (p->cost.handler_ns + p->cost.writer_ns >= p->cost.process_ns)
		return 100.0;
	return 100.0 * (double)(p->cost.handler_ns + p->cost.writer_ns) /
	       (double)p->cost.process_ns;
}
