/*
 * export_json — the two JSON exports: speedscope's file format and Chrome's
 * trace event format. Every string goes through json_string(), so hostile
 * names (quotes, control characters, invalid UTF-8) stay valid JSON.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/window.h"
#include "report/export.h"
#include "report/json.h"
#include "util/xalloc.h"

#ifndef PERFTOP_VERSION
#define PERFTOP_VERSION "0.1.0"
#endif

static int finish(FILE *f, char *why, size_t why_len)
{
	if (ferror(f)) {
		snprintf(why, why_len, "write error");
		return -EIO;
	}
	return 0;
}

static void thread_label(char *out, size_t len, const struct profile_thread *th)
{
	if (th->name[0])
		snprintf(out, len, "%s (tid %d)", th->name, (int)th->tid);
	else
		snprintf(out, len, "tid %d", (int)th->tid);
}

/* ---- speedscope ----------------------------------------------------------------- */

int export_speedscope(FILE *f, const struct export_source *src, char *why, size_t why_len)
{
	const struct profile *p = src->p;
	size_t nfuncs = profile_func_count(p);
	bool first_profile = true;

	fputs("{\n\"$schema\": \"https://www.speedscope.app/file-format-schema.json\",\n", f);
	fputs("\"exporter\": \"perftop " PERFTOP_VERSION "\",\n\"name\": ", f);
	json_string(f, src->program ? src->program : p->exe ? p->exe : "perftop");
	fputs(",\n\"activeProfileIndex\": 0,\n\"shared\": {\"frames\": [", f);
	for (size_t i = 0; i < nfuncs; i++) {
		const struct profile_func *fn = &p->funcs[i];

		fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", f);
		json_string(f, fn->name);
		fputs(", \"file\": ", f);
		json_string(f, fn->file ? fn->file : fn->module);
		if (fn->file && fn->line > 0)
			fprintf(f, ", \"line\": %d", fn->line);
		fputc('}', f);
	}
	/* The "[no stack]" frame has index nfuncs. */
	fprintf(f, "%s  {\"name\": \"%s\"}\n]},\n\"profiles\": [", nfuncs ? ",\n" : "\n",
		EXPORT_NO_STACK);

	for (size_t t = 0; t < p->nthreads; t++) {
		const struct profile_thread *th = &p->threads[t];
		char plain[PROFILE_THREAD_NAME_LEN + 32];
		char label[MODEL_COMM_LEN + sizeof(plain) + 32];
		const struct process *proc;
		uint64_t total = 0;
		bool first = true;

		for (size_t i = 0; i < p->npairs; i++)
			if (p->pairs[i].thread == t)
				total += p->pairs[i].count;
		if (!total)
			continue;
		thread_label(plain, sizeof(plain), th);
		proc = export_thread_process(src, th->tid);
		if (proc)
			snprintf(label, sizeof(label), "%s (pid %d): %s", proc->comm, (int)proc->pid,
			         plain);
		else
			snprintf(label, sizeof(label), "%s", plain);
		fputs(first_profile ? "\n{\"type\": \"sampled\", \"name\": "
				    : ",\n{\"type\": \"sampled\", \"name\": ",
		      f);
		first_profile = false;
		json_string(f, label);
		fprintf(f, ", \"unit\": \"none\", \"startValue\": 0, \"endValue\": %llu,\n"
			   " \"samples\": [",
			(unsigned long long)total);
		for (size_t i = 0; i < p->npairs; i++) {
			const struct profile_pair *pr = &p->pairs[i];

			if (pr->thread != t || !pr->count)
				continue;
			fputs(first ? "[" : ",[", f);
			first = false;
			if (pr->stack == UINT32_MAX) {
				fprintf(f, "%zu", nfuncs);
			} else {
				size_t len;
				const uint32_t *funcs = profile_stack(p, pr->stack, &len);

				for (size_t k = 0; k < len; k++)
					fprintf(f, k ? ",%u" : "%u", funcs[k]);
			}
			fputc(']', f);
		}
		fputs("],\n \"weights\": [", f);
		first = true;
		for (size_t i = 0; i < p->npairs; i++) {
			const struct profile_pair *pr = &p->pairs[i];

			if (pr->thread != t || !pr->count)
				continue;
			fprintf(f, first ? "%llu" : ",%llu", (unsigned long long)pr->count);
			first = false;
		}
		fputs("]}", f);
	}
	fputs("\n]\n}\n", f);
	return finish(f, why, why_len);
}

/* ---- Chrome trace events -------------------------------------------------------- */

struct trace {
	FILE *f;
	bool first;
	double base;      /* seconds on the profile's clock that become ts 0 */
	pid_t pid;
};

static void ev_begin(struct trace *t, const char *ph, const char *name, pid_t tid)
{
	fputs(t->first ? "\n{\"ph\": \"" : ",\n{\"ph\": \"", t->f);
	t->first = false;
	fputs(ph, t->f);
	fputs("\", \"name\": ", t->f);
	json_string(t->f, name);
	fprintf(t->f, ", \"pid\": %d, \"tid\": %d", (int)t->pid, (int)tid);
}

/* Microseconds since the base, never negative. */
static void ev_ts(struct trace *t, const char *key, double seconds)
{
	double us = (seconds - t->base) * 1e6;

	fprintf(t->f, ", \"%s\": ", key);
	json_number(t->f, us > 0 ? round(us * 1000) / 1000 : 0);
}

int export_chrome(FILE *f, const struct export_source *src, char *why, size_t why_len)
{
	const struct profile *p = src->p;
	struct trace t = { f, true, 0, p->pid };
	size_t zone_events = 0;
	char label[PROFILE_THREAD_NAME_LEN + 32];

	if (p->have_since)
		t.base = floor(p->since);
	fputs("{\"displayTimeUnit\": \"ms\",\n\"traceEvents\": [", f);

	/* Metadata: the process and its threads. */
	ev_begin(&t, "M", "process_name", p->pid);
	fputs(", \"args\": {\"name\": ", f);
	json_string(f, src->program ? src->program : p->exe ? p->exe : "perftop");
	fputs("}}", f);
	for (size_t i = 0; i < p->nthreads; i++) {
		const struct profile_thread *th = &p->threads[i];

		thread_label(label, sizeof(label), th);
		ev_begin(&t, "M", "thread_name", th->tid);
		fputs(", \"args\": {\"name\": ", f);
		json_string(f, th->name[0] ? th->name : label);
		fputs("}}", f);
	}

	/* Zones: each (second, zone, thread) cell of the window as one complete
	 * event starting at the second, as long as the zone's time in it. */
	for (int64_t s = p->window.newest - WINDOW_SLOTS + 1;
	     p->window.any && s <= p->window.newest; s++) {
		size_t slot = (size_t)(((s % WINDOW_SLOTS) + WINDOW_SLOTS) % WINDOW_SLOTS);
		const struct window_slot *sl = &p->window.slots[slot];

		if (!sl->used || sl->second != s)
			continue;
		for (size_t c = 0; c < sl->ncells; c++) {
			const struct window_zone_cell *cell = &sl->cells[c];
			pid_t tid = cell->thread < p->nthreads ? p->threads[cell->thread].tid
							       : p->pid;

			if (cell->zone >= profile_zone_count(p) || !cell->count)
				continue;
			ev_begin(&t, "X", p->zones[cell->zone].name, tid);
			fputs(", \"cat\": \"zone\"", f);
			ev_ts(&t, "ts", (double)s);
			fputs(", \"dur\": ", f);
			json_number(f, round(cell->sum_ns) / 1000);
			fputs(", \"args\": {\"events\": ", f);
			json_uint(f, cell->count);
			fputs(", \"mean_ns\": ", f);
			json_number(f, round(cell->sum_ns / (double)cell->count));
			fputs(", \"min_ns\": ", f);
			json_uint(f, cell->min_ns);
			fputs(", \"max_ns\": ", f);
			json_uint(f, cell->max_ns);
			fputs("}}", f);
			zone_events++;
		}
	}

	/* Counters: the kept (time, total) points, then the latest. */
	for (size_t c = 0; c < profile_counter_count(p); c++) {
		const struct profile_counter *k = &p->counters[c];

		for (unsigned i = 0; i < k->nsnaps; i++) {
			unsigned at = (k->snap_head + i) % PROFILE_COUNTER_SNAPS;

			ev_begin(&t, "C", k->name, p->pid);
			ev_ts(&t, "ts", k->snap_time[at]);
			fputs(", \"args\": {\"value\": ", f);
			json_number(f, k->snap_total[at]);
			fputs("}}", f);
		}
		if (k->nsnaps) {
			ev_begin(&t, "C", k->name, p->pid);
			ev_ts(&t, "ts", k->last_time);
			fputs(", \"args\": {\"value\": ", f);
			json_number(f, k->total);
			fputs("}}", f);
		}
	}

	/* Marks: thread-scoped instant events. */
	for (size_t i = 0; i < p->nmarks; i++) {
		const struct profile_mark *mk = profile_mark_at(p, i);

		ev_begin(&t, "i", mk->text, mk->tid ? mk->tid : p->pid);
		fputs(", \"s\": \"t\"", f);
		ev_ts(&t, "ts", mk->time);
		fputs("}", f);
	}

	fputs("\n],\n\"otherData\": {\"exporter\": \"perftop " PERFTOP_VERSION "\", ", f);
	fputs("\"zones\": \"perftop keeps no per-event zone times: each zone event here is the "
	      "zone's total time on one thread in one second (args.events says how many it "
	      "stands for), for the last seconds of the profile only\", ",
	      f);
	fprintf(f, "\"zone_events\": %zu, \"samples\": %llu}\n}\n", zone_events,
		(unsigned long long)p->samples);
	return finish(f, why, why_len);
}
