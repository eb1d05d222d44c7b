/* syswide — the machine-wide Functions table; see syswide.h. */
#include "model/syswide.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void syswide_init(struct syswide *s)
{
	memset(s, 0, sizeof(*s));
}

void syswide_clear(struct syswide *s)
{
	free(s->rows);
	s->rows = NULL;
	s->nrows = s->rows_alloc = 0;
	s->total = 0;
}

void syswide_release(struct syswide *s)
{
	syswide_clear(s);
}

static uint64_t hash_str(uint64_t h, const char *t)
{
	for (; *t; t++)
		h = (h ^ (unsigned char)*t) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

void syswide_add(struct syswide *s, pid_t pid, const char *comm, const char *func,
		 const char *module)
{
	uint64_t h = hash_str(hash_str(hash_str(14695981039346656037ULL, comm), func), module);
	struct syswide_row *r;

	s->total++;
	for (size_t i = 0; i < s->nrows; i++) {
		r = &s->rows[i];
		if (r->hash == h && !strcmp(r->func, func) && !strcmp(r->comm, comm) &&
		    !strcmp(r->module, module)) {
			r->samples++;
			r->pid = pid;
			return;
		}
	}
	if (s->nrows >= SYSWIDE_MAX_ROWS)
		return;
	if (s->nrows == s->rows_alloc) {
		s->rows_alloc = s->rows_alloc ? s->rows_alloc * 2 : 64;
		s->rows = xrealloc(s->rows, s->rows_alloc * sizeof(*s->rows));
	}
	r = &s->rows[s->nrows++];
	memset(r, 0, sizeof(*r));
	strncpy(r->comm, comm, sizeof(r->comm) - 1);
	strncpy(r->func, func, sizeof(r->func) - 1);
	strncpy(r->module, module, sizeof(r->module) - 1);
	r->pid = pid;
	r->samples = 1;
	r->hash = h;
}
