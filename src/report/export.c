/* export — format dispatch and the folded-stacks writer; see export.h. */
#include "report/export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/table.h"
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

int export_folded(FILE *f, const struct export_source *src, char *why, size_t why_len)
{
	const struct profile *p = src->p;
	uint64_t with_stack = 0;
	char *buf = NULL;
	size_t alloc = 0;

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
