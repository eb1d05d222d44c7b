/* syswide — the machine-wide Functions table; see syswide.h. */
#include "model/syswide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void syswide_init(struct syswide *s)
{
	memset(s, 0, sizeof(*s));
	hashmap_init(&s->by_hash);
}

void syswide_clear(struct syswide *s)
{
	free(s->rows);
	s->rows = NULL;
	s->nrows = s->rows_alloc = 0;
	s->total = s->lost = 0;
	hashmap_release(&s->by_hash);
	hashmap_init(&s->by_hash);
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

void syswide_add(struct syswide *s, pid_t pid, const char *comm_in, const char *func_in,
		 const char *module_in)
{
	char comm[SYSWIDE_COMM_LEN], func[SYSWIDE_NAME_LEN], module[SYSWIDE_MODULE_LEN];
	uint64_t h;
	uintptr_t idx;
	struct syswide_row *r;

	/* cut as the row keeps them, so a long name finds its row again */
	snprintf(comm, sizeof(comm), "%s", comm_in);
	snprintf(func, sizeof(func), "%s", func_in);
	snprintf(module, sizeof(module), "%s", module_in);
	h = hash_str(hash_str(hash_str(14695981039346656037ULL, comm), func), module);
	s->total++;
	idx = (uintptr_t)hashmap_get(&s->by_hash, h);
	for (size_t i = idx ? idx - 1 : s->nrows; i < s->nrows; i++) {
		r = &s->rows[i]; /* from the first row with this hash: a collision scans on */
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
	if (!idx)
		hashmap_put(&s->by_hash, h, (void *)(uintptr_t)(s->nrows + 1));
	r = &s->rows[s->nrows++];
	memcpy(r->comm, comm, sizeof(comm));
	memcpy(r->func, func, sizeof(func));
	memcpy(r->module, module, sizeof(module));
	r->pid = pid;
	r->samples = 1;
	r->hash = h;
}
