/*
 * export_pprof — a profile as pprof's profile.proto, gzip'd.
 *
 * Written by hand with report/pbuf.h; field numbers from
 * github.com/google/pprof/proto/profile.proto:
 *   Profile:  1 sample_type, 2 sample, 3 mapping, 4 location, 5 function,
 *             6 string_table, 9 time_nanos, 10 duration_nanos,
 *             11 period_type, 12 period, 13 comment
 *   ValueType 1 type, 2 unit            Sample   1 location_id (packed, leaf
 *   Label     1 key, 2 str, 3 num                  first), 2 value, 3 label
 *   Mapping   1 id, 5 filename, 7 has_functions, 8 has_filenames,
 *             9 has_line_numbers
 *   Location  1 id, 2 mapping_id, 4 line      Line 1 function_id, 2 line
 *   Function  1 id, 2 name, 3 system_name, 4 filename
 *
 * One location and one function per perftop function (ids = function id + 1),
 * one mapping per module; addresses are not kept (symbols were resolved when
 * the profile was made), so mappings say has_functions and locations have
 * address 0. A sample per (thread, stack) with labels "thread" (its name)
 * and "tid", and, when its process is known, "pid" (a number) and "comm".
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "report/export.h"
#include "report/pbuf.h"
#include "report/table.h"
#include "util/intern.h"
#include "util/xalloc.h"

#ifndef PERFTOP_VERSION
#define PERFTOP_VERSION "0.1.0"
#endif

/* String table: index 0 is "". Strings are made valid UTF-8 (protobuf
 * strings must be), control characters '?', as in every other format. */
static uint64_t str(struct intern *t, const char *s)
{
	size_t len;
	char *clean;
	uint64_t id;

	if (!s || !*s)
		return 0;
	len = strlen(s) * 3 + 1;
	clean = xmalloc(len);
	table_clean(clean, len, s, false);
	id = intern_put(t, clean, strlen(clean), NULL);
	free(clean);
	return id;
}

static void value_type(struct bytebuf *b, unsigned field, struct intern *st, const char *type,
		       const char *unit)
{
	struct bytebuf m;

	bytebuf_init(&m);
	pbuf_uint(&m, 1, str(st, type));
	pbuf_uint(&m, 2, str(st, unit));
	pbuf_msg(b, field, &m);
	bytebuf_release(&m);
}

/* Compresses in[0..len) as gzip into f. */
static int gzip_to(FILE *f, const unsigned char *in, size_t len, char *why, size_t why_len)
{
	unsigned char out[16384];
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		snprintf(why, why_len, "cannot start gzip compression");
		return -ENOMEM;
	}
	z.next_in = (unsigned char *)in;
	do {
		size_t chunk = len > UINT32_MAX ? UINT32_MAX : len;

		z.next_in = (unsigned char *)in;
		z.avail_in = (uInt)chunk;
		in += chunk;
		len -= chunk;
		do {
			z.next_out = out;
			z.avail_out = sizeof(out);
			rc = deflate(&z, len ? Z_NO_FLUSH : Z_FINISH);
			if (rc == Z_STREAM_ERROR) {
				deflateEnd(&z);
				snprintf(why, why_len, "gzip compression failed");
				return -EIO;
			}
			fwrite(out, 1, sizeof(out) - z.avail_out, f);
		} while (z.avail_out == 0);
	} while (len);
	deflateEnd(&z);
	if (rc != Z_STREAM_END || ferror(f)) {
		snprintf(why, why_len, "write error");
		return -EIO;
	}
	return 0;
}

int export_pprof(FILE *f, const struct export_source *src, char *why, size_t why_len)
{
	const struct profile *p = src->p;
	size_t nfuncs = profile_func_count(p);
	uint64_t nostack_fn = nfuncs + 1; /* function and location id of "[no stack]" */
	struct intern st, modules;
	struct bytebuf out, m, sub;
	uint32_t *func_mapping = xcalloc(nfuncs + 1, sizeof(*func_mapping));
	uint32_t *mod_first = xcalloc(nfuncs + 1, sizeof(*mod_first));
	uint64_t *locs = xcalloc(PROFILE_MAX_DEPTH + 1, sizeof(*locs));
	const struct process **procs; /* by thread index: its process, or NULL */
	double period = export_period_ns(p);
	bool have_lines = false, nostack = false;
	char comment[256];
	int rc;

	intern_init(&st);
	intern_init(&modules);
	intern_put(&st, "", 0, NULL);
	bytebuf_init(&out);
	bytebuf_init(&m);
	bytebuf_init(&sub);

	value_type(&out, 1, &st, "samples", "count");
	value_type(&out, 1, &st, "cpu", "nanoseconds");

	procs = xcalloc(p->nthreads ? p->nthreads : 1, sizeof(*procs));
	for (size_t t = 0; t < p->nthreads; t++)
		procs[t] = export_thread_process(src, p->threads[t].tid);
	/* Samples: one per (thread, stack) pair, leaf first. */
	for (size_t i = 0; i < p->npairs; i++) {
		const struct profile_pair *pr = &p->pairs[i];
		const struct profile_thread *th = &p->threads[pr->thread];
		size_t n = 0;
		char tname[PROFILE_THREAD_NAME_LEN + 16];

		if (!pr->count)
			continue;
		if (pr->stack == UINT32_MAX) {
			locs[n++] = nostack_fn;
			nostack = true;
		} else {
			size_t len;
			const uint32_t *funcs = profile_stack(p, pr->stack, &len);

			for (size_t k = len; k-- > 0;)
				locs[n++] = (uint64_t)funcs[k] + 1;
		}
		bytebuf_clear(&m);
		pbuf_packed(&m, 1, locs, n);
		{
			uint64_t v[2] = { pr->count,
					  (uint64_t)llround((double)pr->count * period) };

			pbuf_packed(&m, 2, v, 2);
		}
		if (th->name[0])
			snprintf(tname, sizeof(tname), "%s", th->name);
		else
			snprintf(tname, sizeof(tname), "tid %d", (int)th->tid);
		bytebuf_clear(&sub);
		pbuf_uint(&sub, 1, str(&st, "thread"));
		pbuf_uint(&sub, 2, str(&st, tname));
		pbuf_msg(&m, 3, &sub);
		bytebuf_clear(&sub);
		pbuf_uint(&sub, 1, str(&st, "tid"));
		pbuf_int(&sub, 3, th->tid);
		pbuf_msg(&m, 3, &sub);
		if (procs[pr->thread]) {
			/* Which process: `go tool pprof -tagfocus pid=N` picks one. */
			bytebuf_clear(&sub);
			pbuf_uint(&sub, 1, str(&st, "pid"));
			pbuf_int(&sub, 3, procs[pr->thread]->pid);
			pbuf_msg(&m, 3, &sub);
			bytebuf_clear(&sub);
			pbuf_uint(&sub, 1, str(&st, "comm"));
			pbuf_uint(&sub, 2, str(&st, procs[pr->thread]->comm));
			pbuf_msg(&m, 3, &sub);
		}
		pbuf_msg(&out, 2, &m);
	}

	/* Mappings: one per module, in order of first use. */
	for (size_t i = 0; i < nfuncs; i++) {
		const char *mod = p->funcs[i].module ? p->funcs[i].module : "";
		bool added;

		func_mapping[i] = intern_put(&modules, mod, strlen(mod), &added) + 1;
		if (added)
			mod_first[func_mapping[i] - 1] = (uint32_t)i;
		if (p->funcs[i].line > 0)
			have_lines = true;
	}
	for (uint32_t i = 0; i < modules.count; i++) {
		bytebuf_clear(&m);
		pbuf_uint(&m, 1, i + 1);
		pbuf_uint(&m, 5, str(&st, p->funcs[mod_first[i]].module));
		pbuf_uint(&m, 7, 1);
		pbuf_uint(&m, 8, 1);
		if (have_lines)
			pbuf_uint(&m, 9, 1);
		pbuf_msg(&out, 3, &m);
	}

	/* Locations and functions: one each per function. */
	for (size_t i = 0; i <= nfuncs; i++) {
		bool ns = i == nfuncs;

		if (ns && !nostack)
			break;
		bytebuf_clear(&m);
		pbuf_uint(&m, 1, i + 1);
		if (!ns)
			pbuf_uint(&m, 2, func_mapping[i]);
		bytebuf_clear(&sub);
		pbuf_uint(&sub, 1, i + 1);
		if (!ns && p->funcs[i].line > 0)
			pbuf_int(&sub, 2, p->funcs[i].line);
		pbuf_msg(&m, 4, &sub);
		pbuf_msg(&out, 4, &m);

		bytebuf_clear(&m);
		pbuf_uint(&m, 1, i + 1);
		pbuf_uint(&m, 2, str(&st, ns ? EXPORT_NO_STACK : p->funcs[i].name));
		pbuf_uint(&m, 3, str(&st, ns ? EXPORT_NO_STACK : p->funcs[i].name));
		if (!ns && p->funcs[i].file)
			pbuf_uint(&m, 4, str(&st, p->funcs[i].file));
		pbuf_msg(&out, 5, &m);
	}

	snprintf(comment, sizeof(comment), "perftop %s", PERFTOP_VERSION);
	{
		uint64_t c = str(&st, comment);
		uint64_t prog = src->program ? str(&st, src->program) : 0;

		if (src->start_unix > 0)
			pbuf_int(&out, 9, (int64_t)llround(src->start_unix * 1e9));
		if (p->have_since && p->latest > p->since)
			pbuf_int(&out, 10, (int64_t)llround((p->latest - p->since) * 1e9));
		value_type(&out, 11, &st, "cpu", "nanoseconds");
		pbuf_int(&out, 12, (int64_t)llround(period));
		pbuf_int(&out, 13, (int64_t)c);
		if (prog)
			pbuf_int(&out, 13, (int64_t)prog);
	}
	/* The string table last: every string is known by now. */
	for (uint32_t i = 0; i < st.count; i++) {
		size_t len;
		const void *s = intern_bytes(&st, i, &len);

		pbuf_bytes(&out, 6, s, len);
	}

	rc = gzip_to(f, out.data, out.len, why, why_len);
	bytebuf_release(&out);
	bytebuf_release(&m);
	bytebuf_release(&sub);
	intern_release(&st);
	intern_release(&modules);
	free(func_mapping);
	free(mod_first);
	free(locs);
	free(procs);
	return rc;
}
