/* export — format dispatch and the folded-stacks writer; see export.h. */
#include "report/export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/proctree.h"
#include "report/table.h"
#include "util/hashmap.h"
#include "util/xalloc.h"

static const struct {
	const char *name;
	int (*write)(FILE *, const struct export_source *, char *, size_t);
} formats[] = {
#define X(id, name, fn) { name, fn },
	EXPORT_FORMATS(X)
#undef X
};

int export_format_parse(const char *s, enum export_format *out)
{
	for (int i = 0; i < EXPORT_COUNT; i++) {
		if (!strcmp(s, formats[i].name)) {
			*out = (enum export_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *export_format_name(enum export_format f)
{
	return formats[f].name;
}

int export_write(FILE *f, enum export_format fmt, const struct export_source *src, char *why,
		 size_t why_len)
{
	return formats[fmt].write(f, src, why, why_len);
}

double export_period_ns(const struct profile *p)
{
	if (p->requested_hz > 0)
		return 1e9 / p->requested_hz;
	if (p->achieved_hz > 0)
		return 1e9 / p->achieved_hz;
	return 1e7;
}

/* A frame for a folded line: cleaned, and ';' (the separator) made ':'. */
static void folded_frame(FILE *f, const char *name, char **buf, size_t *alloc)
{
	size_t need = strlen(name) * 3 + 8;

	if (need > *alloc) {
		*alloc = need;
		*buf = xrealloc(*buf, need);
	}
	table_clean(*buf, *alloc, name, false);
	for (char *c = *buf; *c; c++)
		if (*c == ';')
			*c = ':';
	fputs(*buf, f);
}

const struct process *export_thread_process(const struct export_source *src, pid_t tid)
{
	const struct process *p = src->tree ? proctree_thread_pid(src->tree, tid) : NULL;

	return p ? p : src->proc;
}

/* folded_comm: one line per (process, stack), the comm first. */
static void folded_comm(FILE *f, const struct export_source *src, char **buf, size_t *alloc)
{
	const struct profile *p = src->p;
	struct hashmap at;          /* pid << 32 | stack + 1 -> line + 1 */
	struct line { const struct process *proc; uint32_t stack; uint64_t count; } *lines;
	const struct process **procs = xcalloc(p->nthreads ? p->nthreads : 1, sizeof(*procs));
	size_t n = 0;

	lines = xcalloc(p->npairs ? p->npairs : 1, sizeof(*lines));
	hashmap_init(&at);
	for (size_t t = 0; t < p->nthreads; t++)
		procs[t] = export_thread_process(src, p->threads[t].tid);
	for (size_t i = 0; i < p->npairs; i++) {
		const struct profile_pair *pr = &p->pairs[i];
		const struct process *proc = procs[pr->thread];
		uint64_t key = ((uint64_t)(proc ? (uint32_t)proc->pid : 0) << 32) |
		               (uint64_t)(uint32_t)(pr->stack + 1);
		uintptr_t k = (uintptr_t)hashmap_get(&at, key);

		if (!pr->count)
			continue;
		if (!k) {
			lines[n].proc = proc;
			lines[n].stack = pr->stack;
			k = ++n;
			hashmap_put(&at, key, (void *)k);
		}
		lines[k - 1].count += pr->count;
	}
	for (size_t i = 0; i < n; i++) {
		folded_frame(f, lines[i].proc ? lines[i].proc->comm : "?", buf, alloc);
		if (lines[i].stack == UINT32_MAX) {
			fputs(";" EXPORT_NO_STACK, f);
		} else {
			size_t len;
			const uint32_t *funcs = profile_stack(p, lines[i].stack, &len);

			for (size_t k = 0; k < len; k++) {
				fputc(';', f);
				folded_frame(f, p->funcs[funcs[k]].name, buf, alloc);
			}
		}
		fprintf(f, " %" PRIu64 "\n", lines[i].count);
	}
	hashmap_release(&at);
	free(lines);
	free(procs);
}

int export_folded(FILE *f, const struct export_source *src, char *why, size_t why_len)
{
	const struct profile *p = src->p;
	uint64_t with_stack = 0;
	char *buf = NULL;
	size_t alloc = 0;

	if (src->folded_comm) {
		folded_comm(f, src, &buf, &alloc);
		free(buf);
		return ferror(f) ? (snprintf(why, why_len, "write error"), -EIO) : 0;
	}
	for (uint32_t sid = 0; sid < p->stacks.count; sid++) {
		size_t len;
		const uint32_t *funcs = profile_stack(p, sid, &len);

		if (!p->stack_counts[sid])
			continue;
		with_stack += p->stack_counts[sid];
		for (size_t i = 0; i < len; i++) {
			if (i)
				fputc(';', f);
			folded_frame(f, p->funcs[funcs[i]].name, &buf, &alloc);
		}
		fprintf(f, " %" PRIu64 "\n", p->stack_counts[sid]);
	}
	if (p->samples > with_stack)
		fprintf(f, "%s %" PRIu64 "\n", EXPORT_NO_STACK, p->samples - with_stack);
	free(buf);
	if (ferror(f)) {
		snprintf(why, why_len, "write error");
		return -EIO;
	}
	return 0;
}
