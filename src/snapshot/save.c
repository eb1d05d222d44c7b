/*
 * save — encodes a model into a snapshot and writes it safely; see
 * snapshot.h for the contract and format.h for the layout.
 *
 * Encoding only reads the model (under the caller's lock) into a growing
 * buffer; compression, the temporary file, fsync and rename happen in
 * snapshot_write() without the model.
 */
#include "snapshot/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "snapshot/format.h"
#include "util/intern.h"
#include "util/outpath.h"
#include "util/xalloc.h"

#ifndef PERFTOP_VERSION
#define PERFTOP_VERSION "0.1.0"
#endif

/* ---- the buffer and its primitives ------------------------------------------ */

static void put_sv(struct bytebuf *b, int64_t v)
{
	bytebuf_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void put_f64(struct bytebuf *b, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	bytebuf_reserve(b, 8);
	for (int i = 0; i < 8; i++)
		b->data[b->len++] = (unsigned char)(bits >> (8 * i));
}

static void put_f32(struct bytebuf *b, float v)
{
	uint32_t bits;

	memcpy(&bits, &v, sizeof(bits));
	bytebuf_reserve(b, 4);
	for (int i = 0; i < 4; i++)
		b->data[b->len++] = (unsigned char)(bits >> (8 * i));
}

/* A string, cut to the loader's limit; NULL is written as "". */
static void put_str(struct bytebuf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > SNAPSHOT_MAX_STRING)
		n = SNAPSHOT_MAX_STRING;
	bytebuf_varint(b, n);
	bytebuf_put(b, s, n);
}

/* Starts a length-prefixed block; returns where its payload starts. */
static size_t begin(struct bytebuf *b)
{
	return b->len;
}

/* Ends the block begun at start: inserts its length before it. */
static void end(struct bytebuf *b, size_t start)
{
	unsigned char len[10];
	size_t n = 0, payload = b->len - start;
	uint64_t v = payload;

	while (v >= 0x80) {
		len[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	len[n++] = (unsigned char)v;
	bytebuf_reserve(b, n);
	memmove(b->data + start + n, b->data + start, payload);
	memcpy(b->data + start, len, n);
	b->len += n;
}

static void put_series(struct bytebuf *b, const struct series *s)
{
	size_t n = s->len > SNAPSHOT_MAX_SERIES ? SNAPSHOT_MAX_SERIES : s->len;

	bytebuf_varint(b, n);
	bytebuf_reserve(b, 4 * n);
	for (size_t i = s->len - n; i < s->len; i++)
		put_f32(b, series_at(s, i));
}

/* A histogram: count, sum, min, max, then its non-empty buckets as
 * (distance from the previous one, count). */
static void put_hist(struct bytebuf *b, const struct hist *h)
{
	size_t nb = 0;
	int prev = 0;

	bytebuf_varint(b, h->count);
	put_f64(b, h->sum_ns);
	bytebuf_varint(b, h->min_ns);
	bytebuf_varint(b, h->max_ns);
	for (int i = 0; h->buckets && i < HIST_BUCKETS; i++)
		nb += h->buckets[i] != 0;
	bytebuf_varint(b, nb);
	for (int i = 0; h->buckets && i < HIST_BUCKETS; i++)
		if (h->buckets[i]) {
			bytebuf_varint(b, (uint64_t)(i - prev));
			bytebuf_varint(b, h->buckets[i]);
			prev = i;
		}
}

/* ---- sections ------------------------------------------------------------------ */

static void put_meta(struct bytebuf *b, const struct model *m,
                     const struct snapshot_meta *meta)
{
	size_t s;

	bytebuf_varint(b, SEC_META);
	s = begin(b);
	put_str(b, PERFTOP_VERSION);
	put_str(b, meta->host);
	put_str(b, meta->command);
	put_sv(b, meta->pid);
	put_f64(b, meta->start_time);
	put_f64(b, meta->end_time);
	put_f64(b, m->tick_s);
	end(b, s);
}

static void put_machine(struct bytebuf *b, const struct model *m)
{
	const struct sys_state *sys = &m->sys;
	size_t s, pos = 0, n;
	uint64_t key;

	bytebuf_varint(b, SEC_MACHINE);
	s = begin(b);
	put_f64(b, m->now);
	bytebuf_varint(b, m->tick);
	bytebuf_put_u8(b, m->list_visible);
	bytebuf_put_u8(b, m->child_exited);
	put_sv(b, m->child_status);
	bytebuf_varint(b, (uint64_t)(sys->ncpu > 0 ? sys->ncpu : 0));
	for (int i = 0; i < sys->ncpu; i++)
		put_f32(b, (float)sys->cpu_busy[i]);
	put_f64(b, sys->cpu_total);
	bytebuf_varint(b, sys->mem_total_kb);
	bytebuf_varint(b, sys->mem_available_kb);
	bytebuf_varint(b, sys->mem_used_kb);
	bytebuf_varint(b, sys->swap_total_kb);
	bytebuf_varint(b, sys->swap_used_kb);
	for (int i = 0; i < 3; i++)
		put_f64(b, sys->load[i]);
	put_series(b, &sys->cpu_total_series);
	n = 0;
	while (hashmap_next(&m->watch_pids, &pos, NULL, NULL))
		n++;
	bytebuf_varint(b, n);
	pos = 0;
	while (hashmap_next(&m->watch_pids, &pos, &key, NULL))
		put_sv(b, (int64_t)(pid_t)key);
	bytebuf_varint(b, m->log.len);
	for (size_t i = 0; i < m->log.len; i++) {
		const struct msglog_entry *e = msglog_at(&m->log, i);

		put_f64(b, e->time);
		bytebuf_varint(b, (uint64_t)e->level);
		put_str(b, e->text);
	}
	/* Since 1.3: the launched tree's root and perftop as its reaper. */
	put_sv(b, m->tree_root);
	put_sv(b, m->tree_reaper);
	end(b, s);
}

static void put_process(struct bytebuf *b, const struct process *p)
{
	size_t s;

	bytebuf_varint(b, SEC_PROCESS);
	s = begin(b);
	put_sv(b, p->pid);
	bytebuf_varint(b, p->uid);
	put_str(b, p->user);
	put_str(b, p->comm);
	put_str(b, p->cmdline);
	bytebuf_put_u8(b, (unsigned char)p->state);
	bytebuf_varint(b, (p->exited ? PROC_F_EXITED : 0) | (p->watched ? PROC_F_WATCHED : 0) |
	              (p->io_ok ? PROC_F_IO_OK : 0));
	put_sv(b, p->threads);
	put_sv(b, p->fds);
	bytebuf_varint(b, p->start_ticks);
	put_f64(b, p->cpu);
	bytebuf_varint(b, p->rss_kb);
	bytebuf_varint(b, p->vsize_kb);
	put_f64(b, p->read_bps);
	put_f64(b, p->write_bps);
	put_f64(b, p->vcsw_ps);
	put_f64(b, p->ivcsw_ps);
	put_f64(b, p->first_seen);
	put_f64(b, p->watch_since);
	bytebuf_varint(b, p->watch_rss_kb);
	put_f64(b, p->exited_at);
	put_sv(b, p->exit_status);
	bytebuf_varint(b, PM_COUNT);
	for (int i = 0; i < PM_COUNT; i++)
		put_series(b, &p->series[i]);
	/* Since 1.3: its parent, tree membership, CPU time and why the agent
	 * cannot load into it. */
	put_sv(b, p->ppid);
	bytebuf_put_u8(b, p->in_tree);
	put_f64(b, p->cpu_s);
	put_str(b, p->agent_why);
	end(b, s);
}

/* ---- a profile -------------------------------------------------------------------- */

static void part_head(struct bytebuf *b, const struct profile *p)
{
	put_sv(b, p->pid);
	bytebuf_put_u8(b, p->exe != NULL);
	put_str(b, p->exe);
	bytebuf_varint(b, p->proto_major);
	bytebuf_varint(b, p->proto_minor);
	put_f64(b, p->requested_hz);
	put_f64(b, p->achieved_hz);
	bytebuf_varint(b, p->agent_samples);
	bytebuf_varint(b, p->agent_dropped);
	bytebuf_varint(b, p->agent_bytes);
	bytebuf_varint(b, p->samples);
	bytebuf_varint(b, p->decode_errors);
	bytebuf_put_u8(b, p->connected);
	put_f64(b, p->first_time);
	put_f64(b, p->last_time);
	put_f64(b, p->since);
	put_f64(b, p->latest);
	bytebuf_put_u8(b, p->have_since);
	bytebuf_varint(b, p->agent_events_dropped);
	/* Since 1.1: the agent's cost, when an agent said it. */
	bytebuf_put_u8(b, p->cost_known);
	bytebuf_varint(b, p->cost.handler_ns);
	bytebuf_varint(b, p->cost.writer_ns);
	bytebuf_varint(b, p->cost.process_ns);
	/* Since 1.3: sampled from outside (no agent), and why not if it failed. */
	bytebuf_put_u8(b, p->outside);
	put_str(b, p->outside_why);
}

/* Modules and source files, each written once: the functions refer to them
 * by index. */
static void part_strings_funcs(struct bytebuf *b, const struct profile *p)
{
	size_t n = profile_func_count(p), s;
	uint32_t *mod = xreallocarray(NULL, n ? n : 1, sizeof(*mod));
	uint32_t *file = xreallocarray(NULL, n ? n : 1, sizeof(*file));
	struct intern strs;

	intern_init(&strs);
	for (size_t i = 0; i < n; i++) {
		const struct profile_func *f = &p->funcs[i];

		mod[i] = intern_put(&strs, f->module, strlen(f->module), NULL);
		file[i] = f->file ? intern_put(&strs, f->file, strlen(f->file), NULL) + 1 : 0;
	}
	s = begin(b);
	bytebuf_varint(b, strs.count);
	for (size_t i = 0; i < strs.count; i++) {
		size_t len;
		const char *str = intern_bytes(&strs, (uint32_t)i, &len);

		len = len > SNAPSHOT_MAX_STRING ? SNAPSHOT_MAX_STRING : len;
		bytebuf_varint(b, len);
		bytebuf_put(b, str, len);
	}
	end(b, s);
	s = begin(b);
	bytebuf_varint(b, n);
	for (size_t i = 0; i < n; i++) {
		put_str(b, p->funcs[i].name);
		bytebuf_varint(b, mod[i]);
		bytebuf_varint(b, file[i]);
		put_sv(b, p->funcs[i].line);
	}
	end(b, s);
	intern_release(&strs);
	free(mod);
	free(file);
}

/* Stacks root first, each as the frames it shares with the previous stack
 * and the rest. */
static void part_stacks(struct bytebuf *b, const struct profile *p)
{
	const uint32_t *prev = NULL;
	size_t prev_depth = 0;

	bytebuf_varint(b, p->stacks.count);
	for (size_t i = 0; i < p->stacks.count; i++) {
		size_t depth, same = 0;
		const uint32_t *f = intern_bytes(&p->stacks, (uint32_t)i, &depth);

		depth /= sizeof(*f);
		while (same < depth && same < prev_depth && f[same] == prev[same])
			same++;
		bytebuf_varint(b, same);
		bytebuf_varint(b, depth - same);
		for (size_t k = same; k < depth; k++)
			bytebuf_varint(b, f[k]);
		prev = f;
		prev_depth = depth;
	}
}

static void part_threads(struct bytebuf *b, const struct profile *p)
{
	bytebuf_varint(b, p->nthreads);
	for (size_t i = 0; i < p->nthreads; i++) {
		put_sv(b, p->threads[i].tid);
		put_str(b, p->threads[i].name);
	}
}

static void part_zones(struct bytebuf *b, const struct profile *p)
{
	size_t n = profile_zone_count(p);

	bytebuf_varint(b, n);
	for (size_t z = 0; z < n; z++) {
		const struct profile_zone *zone = &p->zones[z];
		size_t nt = 0;

		put_str(b, zone->name);
		bytebuf_varint(b, zone->exact_count);
		put_f64(b, zone->exact_sum_ns);
		bytebuf_varint(b, zone->exact_min_ns);
		bytebuf_varint(b, zone->exact_max_ns);
		put_hist(b, &zone->hist);
		for (size_t t = 0; t < p->nthreads; t++) {
			const struct hist *h = profile_zone_hist(p, (uint32_t)z, p->threads[t].tid);

			nt += h && h->count;
		}
		bytebuf_varint(b, nt);
		for (size_t t = 0; t < p->nthreads; t++) {
			const struct hist *h = profile_zone_hist(p, (uint32_t)z, p->threads[t].tid);

			if (!h || !h->count)
				continue;
			bytebuf_varint(b, t);
			put_hist(b, h);
		}
	}
}

static void part_counters(struct bytebuf *b, const struct profile *p)
{
	size_t n = profile_counter_count(p);

	bytebuf_varint(b, n);
	for (size_t i = 0; i < n; i++) {
		const struct profile_counter *c = &p->counters[i];

		put_str(b, c->name);
		bytebuf_put_u8(b, c->gauge);
		put_f64(b, c->total);
		put_f64(b, c->first_time);
		put_f64(b, c->last_time);
		put_f64(b, c->rate_per_s);
		put_f64(b, c->bucket_start);
		put_f64(b, c->bucket_base);
		put_f64(b, c->rate_per_min);
		put_f64(b, c->reset_base);
		put_f64(b, c->agent_total);
		put_series(b, &c->values);
		put_series(b, &c->rates);
		bytebuf_varint(b, c->nsnaps);
		for (unsigned k = 0; k < c->nsnaps; k++) {
			unsigned at = (c->snap_head + k) % PROFILE_COUNTER_SNAPS;

			put_f64(b, c->snap_time[at]);
			put_f64(b, c->snap_total[at]);
		}
	}
}

static void part_marks(struct bytebuf *b, const struct profile *p)
{
	bytebuf_varint(b, p->nmarks);
	for (size_t i = 0; i < p->nmarks; i++) {
		const struct profile_mark *mk = profile_mark_at(p, i);

		put_f64(b, mk->time);
		put_sv(b, mk->tid);
		put_str(b, mk->text);
	}
}

static void part_pairs(struct bytebuf *b, const struct profile *p)
{
	bytebuf_varint(b, p->npairs);
	for (size_t i = 0; i < p->npairs; i++) {
		const struct profile_pair *pr = &p->pairs[i];

		bytebuf_varint(b, pr->thread);
		bytebuf_varint(b, pr->stack == UINT32_MAX ? 0 : (uint64_t)pr->stack + 1);
		bytebuf_varint(b, pr->count);
	}
}

static int compare_buckets(const void *a, const void *b)
{
	const struct window_zone_bucket *x = a, *y = b;

	if (x->cell != y->cell)
		return x->cell < y->cell ? -1 : 1;
	return x->bucket < y->bucket ? -1 : x->bucket > y->bucket;
}

/* One slot's zone cells, each as a histogram of its events in that second. */
static void put_cells(struct bytebuf *b, const struct window_slot *slot)
{
	struct window_zone_bucket *sorted =
	    xreallocarray(NULL, slot->nbuckets ? slot->nbuckets : 1, sizeof(*sorted));
	size_t k = 0;

	if (slot->nbuckets)
		memcpy(sorted, slot->buckets, slot->nbuckets * sizeof(*sorted));
	qsort(sorted, slot->nbuckets, sizeof(*sorted), compare_buckets);
	bytebuf_varint(b, slot->ncells);
	for (size_t c = 0; c < slot->ncells; c++) {
		const struct window_zone_cell *cell = &slot->cells[c];
		size_t from, nb = 0;
		uint32_t prev = 0;

		while (k < slot->nbuckets && sorted[k].cell < c)
			k++;
		from = k;
		while (k + nb < slot->nbuckets && sorted[k + nb].cell == c)
			nb++;
		bytebuf_varint(b, cell->zone);
		bytebuf_varint(b, cell->thread);
		bytebuf_varint(b, cell->count);
		put_f64(b, cell->sum_ns);
		bytebuf_varint(b, cell->min_ns);
		bytebuf_varint(b, cell->max_ns);
		bytebuf_varint(b, nb);
		for (size_t i = from; i < from + nb; i++) {
			bytebuf_varint(b, sorted[i].bucket - prev);
			bytebuf_varint(b, sorted[i].count);
			prev = sorted[i].bucket;
		}
	}
	free(sorted);
}

/* The live window: the seconds the ring holds, oldest first. */
static void part_window(struct bytebuf *b, const struct profile *p)
{
	const struct window *w = &p->window;
	size_t n = 0;

	bytebuf_put_u8(b, w->any);
	put_sv(b, w->newest);
	for (int64_t s = w->newest - WINDOW_SLOTS + 1; w->any && s <= w->newest; s++)
		n += window_slot(w, s) != NULL;
	bytebuf_varint(b, n);
	for (int64_t s = w->newest - WINDOW_SLOTS + 1; w->any && s <= w->newest; s++) {
		const struct window_slot *slot = window_slot(w, s);

		if (!slot)
			continue;
		bytebuf_varint(b, (uint64_t)(w->newest - s));
		bytebuf_varint(b, slot->nentries);
		for (size_t i = 0; i < slot->nentries; i++) {
			bytebuf_varint(b, slot->entries[i].key);
			bytebuf_varint(b, slot->entries[i].count);
		}
		put_cells(b, slot);
	}
}

/* The interpreted functions' ids, increasing. */
static void part_interp(struct bytebuf *b, const struct profile *p)
{
	size_t n = profile_func_count(p), k = 0;

	for (size_t i = 0; i < n; i++)
		k += p->funcs[i].interp;
	bytebuf_varint(b, k);
	for (size_t i = 0; i < n; i++)
		if (p->funcs[i].interp)
			bytebuf_varint(b, i);
}

/* Samples per (interpreted function, line). */
static void part_lines(struct bytebuf *b, const struct profile *p)
{
	bytebuf_varint(b, p->lines.n);
	for (size_t i = 0; i < p->lines.n; i++) {
		const struct pylines_entry *e = &p->lines.e[i];

		bytebuf_varint(b, e->func);
		bytebuf_varint(b, e->line);
		bytebuf_varint(b, e->self);
		bytebuf_varint(b, e->total);
	}
}

static void put_profile(struct bytebuf *b, const struct profile *p)
{
	static void (*const parts[])(struct bytebuf *, const struct profile *) = {
	    [PART_HEAD] = part_head,         [PART_STACKS] = part_stacks,
	    [PART_THREADS] = part_threads,   [PART_ZONES] = part_zones,
	    [PART_COUNTERS] = part_counters, [PART_MARKS] = part_marks,
	    [PART_PAIRS] = part_pairs,       [PART_WINDOW] = part_window,
	    [PART_INTERP] = part_interp,     [PART_LINES] = part_lines,
	};
	size_t s, ps;

	bytebuf_varint(b, SEC_PROFILE);
	s = begin(b);
	for (int i = 0; i < PART_COUNT; i++) {
		if (i == PART_STRINGS) {
			part_strings_funcs(b, p); /* writes PART_STRINGS and PART_FUNCS */
			i++;
			continue;
		}
		ps = begin(b);
		parts[i](b, p);
		end(b, ps);
	}
	end(b, s);
}

/* ---- the public functions ------------------------------------------------------- */

void snapshot_meta_init(struct snapshot_meta *meta)
{
	struct timespec ts;

	memset(meta, 0, sizeof(*meta));
	meta->format_major = SNAPSHOT_FORMAT_MAJOR;
	meta->format_minor = SNAPSHOT_FORMAT_MINOR;
	snprintf(meta->version, sizeof(meta->version), "%s", PERFTOP_VERSION);
	if (gethostname(meta->host, sizeof(meta->host) - 1) < 0)
		snprintf(meta->host, sizeof(meta->host), "unknown");
	clock_gettime(CLOCK_REALTIME, &ts);
	meta->start_time = meta->end_time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void snapshot_encode(const struct model *m, const struct snapshot_meta *meta,
                     struct bytebuf *out)
{
	out->len = 0;
	put_meta(out, m, meta);
	put_machine(out, m);
	for (size_t i = 0; i < m->nprocs; i++) {
		const struct process *p = m->procs[i];

		/* A pid reused while its old process was kept: only the current one. */
		if (model_find(m, p->pid) != p)
			continue;
		put_process(out, p);
		if (p->profile)
			put_profile(out, p->profile);
	}
}


static void put_le(unsigned char *at, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		at[i] = (unsigned char)(v >> (8 * i));
}

/* Writes all of n bytes; returns 0 or a negative errno. */
static int write_all(int fd, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Deflates b into *out (allocated); returns its length, or 0 when it did
 * not pay off or failed (then the contents are stored as they are). */
static size_t deflate_contents(const struct bytebuf *b, unsigned char **out)
{
	uLongf n = compressBound((uLong)b->len);

	*out = xmalloc(n);
	if (compress2(*out, &n, b->data, (uLong)b->len, Z_BEST_SPEED) != Z_OK || n >= b->len) {
		free(*out);
		*out = NULL;
		return 0;
	}
	return n;
}

int snapshot_write(const struct bytebuf *b, const char *path, char *why, size_t why_len)
{
	unsigned char hdr[SNAPSHOT_HEADER_LEN] = {0}, *packed = NULL;
	const unsigned char *stored = b->data;
	size_t stored_len = b->len, packed_len;
	char tmp[PATH_MAX], target[PATH_MAX], reason[PATH_MAX + 256];
	int fd, rc = 0;
	const char *step = "cannot write";

	if (b->len > SNAPSHOT_MAX_FILE_BYTES) {
		snprintf(why, why_len, "cannot save snapshot '%s': %zu bytes over the limit (%llu)",
		         path, b->len, (unsigned long long)SNAPSHOT_MAX_FILE_BYTES);
		return -EFBIG;
	}
	packed_len = deflate_contents(b, &packed);
	if (packed) {
		stored = packed;
		stored_len = packed_len;
	}
	memcpy(hdr, SNAPSHOT_MAGIC, SNAPSHOT_MAGIC_LEN);
	put_le(hdr + HDR_MAJOR, SNAPSHOT_FORMAT_MAJOR, 2);
	put_le(hdr + HDR_MINOR, SNAPSHOT_FORMAT_MINOR, 2);
	put_le(hdr + HDR_FLAGS, packed ? SNAPSHOT_FLAG_DEFLATE : 0, 4);
	put_le(hdr + HDR_STORED, stored_len, 8);
	put_le(hdr + HDR_RAW, b->len, 8);
	put_le(hdr + HDR_CRC, crc32(crc32(0, NULL, 0), stored, (uInt)stored_len), 4);

	/* Only a regular file (util/outpath.h): never rename over a device,
	 * a FIFO or a /proc file; a link to a regular file is written through. */
	rc = outpath_check(path, target, sizeof(target), reason, sizeof(reason));
	if (rc < 0) {
		free(packed);
		snprintf(why, why_len, "cannot save snapshot '%s': %s", path, reason);
		return rc;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", target) >= (int)sizeof(tmp)) {
		free(packed);
		snprintf(why, why_len, "cannot save snapshot '%s': path too long", path);
		return -ENAMETOOLONG;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		free(packed);
		snprintf(why, why_len, "cannot save snapshot '%s': cannot create a file there: %s",
		         path, strerror(-rc));
		return rc;
	}
	rc = write_all(fd, hdr, sizeof(hdr));
	if (!rc)
		rc = write_all(fd, stored, stored_len);
	if (!rc && fsync(fd) < 0) {
		rc = -errno;
		step = "cannot flush";
	}
	if (close(fd) < 0 && !rc) {
		rc = -errno;
		step = "cannot close";
	}
	if (!rc && rename(tmp, target) < 0) {
		rc = -errno;
		step = "cannot rename the temporary file onto it";
	}
	free(packed);
	if (rc) {
		unlink(tmp);
		snprintf(why, why_len, "cannot save snapshot '%s': %s: %s", path, step,
		         strerror(-rc));
		return rc;
	}
	/* Make the rename itself durable: fsync the directory (best effort). */
	{
		char dir[PATH_MAX];
		const char *slash = strrchr(target, '/');
		int dfd;

		if (slash)
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - target) + (slash == target),
			         target);
		else
			snprintf(dir, sizeof(dir), ".");
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	return 0;
}

int snapshot_save(const struct model *m, const struct snapshot_meta *meta, const char *path,
                  char *why, size_t why_len)
{
	struct bytebuf b = {0};
	int rc;

	snapshot_encode(m, meta, &b);
	rc = snapshot_write(&b, path, why, why_len);
	bytebuf_release(&b);
	return rc;
}

int snapshot_default_path(char *out, size_t len, const char *comm, pid_t pid, time_t when)
{
	char name[MODEL_COMM_LEN], stamp[32];
	struct tm tm;
	size_t i = 0;
	int n;

	for (const char *c = comm ? comm : "machine"; *c && i < sizeof(name) - 1; c++, i++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		          (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-';

		name[i] = ok ? *c : '_';
	}
	name[i] = '\0';
	if (!localtime_r(&when, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm))
		snprintf(stamp, sizeof(stamp), "%lld", (long long)when);
	if (comm)
		n = snprintf(out, len, "perftop-%s-%d-%s.ptsnap", name, (int)pid, stamp);
	else
		n = snprintf(out, len, "perftop-%s-%s.ptsnap", name, stamp);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : n;
}
