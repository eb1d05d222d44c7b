/*
 * load — reads a snapshot back into a model; see snapshot.h for the
 * contract and format.h for the layout.
 *
 * The reader never trusts the file. A cursor over the contents checks each
 * field against the bytes left in its section; counts are checked against
 * the named limits and the bytes left before anything is allocated; every
 * id is checked against what was read before it. The first problem stops
 * the load with "offset N: reason", N counting from the start of the file
 * as if the contents were stored uncompressed.
 *
 * Profiles are rebuilt by replaying their samples: each (stack, thread)
 * pair's whole count goes through profile_add_samples() at a second older
 * than any window reaches, then the live window's per-second counts go back
 * into its ring (profile_window_restore()); so the flat table, the trees
 * and the windows are built by the profile's own code, not copied.
 */
#include "snapshot/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "snapshot/format.h"
#include "util/infile.h"
#include "util/xalloc.h"

_Static_assert(SNAPSHOT_MAX_DEPTH <= PROFILE_MAX_DEPTH, "a loaded stack is never cut");

#define TIME_LIMIT 1e12 /* |seconds| of any time: keeps floor() casts defined */
#define TICK_MIN   0.01 /* the model's tick, seconds */
#define TICK_MAX   3600.0

/* Bytes inflated between two checks of what came out (see inflate_contents). */
#define SNAPSHOT_INFLATE_STEP ((size_t)1 << 20)

/* The load's outcome, shared by every cursor. */
struct status {
	bool bad;
	char *why;
	size_t why_len;
	const atomic_bool *stop; /* set by another thread: give up (may be NULL) */
};

/* A cursor over one section or part: [p, p + len), at file offset base. */
struct rd {
	const unsigned char *p;
	size_t len, pos, base;
	struct status *st;
};

__attribute__((format(printf, 3, 4))) static void fail_at(struct rd *r, size_t pos, const char *fmt,
                                                          ...)
{
	va_list ap;
	int n;

	if (r->st->bad)
		return;
	r->st->bad = true;
	n = snprintf(r->st->why, r->st->why_len, "offset %zu: ", r->base + pos);
	if (n < 0 || (size_t)n >= r->st->why_len)
		return;
	va_start(ap, fmt);
	vsnprintf(r->st->why + n, r->st->why_len - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Whether the caller asked the load to stop; fails the load when it did. */
static bool stopped(struct rd *r)
{
	if (!r->st->stop || !atomic_load_explicit(r->st->stop, memory_order_relaxed))
		return false;
	fail_at(r, r->pos, "cancelled");
	return true;
}

static size_t left(const struct rd *r)
{
	return r->len - r->pos;
}

static uint64_t rd_uv(struct rd *r, const char *what)
{
	size_t at = r->pos;
	uint64_t v = 0;

	if (r->st->bad)
		return 0;
	for (int shift = 0; shift < 64; shift += 7) {
		unsigned char c;

		if (r->pos >= r->len) {
			fail_at(r, at, "%s cut short", what);
			return 0;
		}
		c = r->p[r->pos++];
		if (shift == 63 && c > 1) {
			fail_at(r, at, "%s: number too large", what);
			return 0;
		}
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	fail_at(r, at, "%s: number too large", what);
	return 0;
}

static int64_t rd_sv(struct rd *r, const char *what)
{
	uint64_t u = rd_uv(r, what);

	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* An unsigned number at most hi. */
static uint64_t rd_uv_max(struct rd *r, const char *what, uint64_t hi)
{
	size_t at = r->pos;
	uint64_t v = rd_uv(r, what);

	if (!r->st->bad && v > hi) {
		fail_at(r, at, "%s %llu over the limit (%llu)", what, (unsigned long long)v,
		        (unsigned long long)hi);
		return 0;
	}
	return v;
}

/* A signed number within lo..hi. */
static int64_t rd_range(struct rd *r, const char *what, int64_t lo, int64_t hi)
{
	size_t at = r->pos;
	int64_t v = rd_sv(r, what);

	if (!r->st->bad && (v < lo || v > hi)) {
		fail_at(r, at, "%s %lld out of range (%lld to %lld)", what, (long long)v,
		        (long long)lo, (long long)hi);
		return lo;
	}
	return v;
}

static unsigned rd_u8(struct rd *r, const char *what)
{
	if (r->st->bad)
		return 0;
	if (r->pos >= r->len) {
		fail_at(r, r->pos, "%s cut short", what);
		return 0;
	}
	return r->p[r->pos++];
}

static bool rd_bool(struct rd *r, const char *what)
{
	size_t at = r->pos;
	unsigned v = rd_u8(r, what);

	if (v > 1)
		fail_at(r, at, "%s: %u is not 0 or 1", what, v);
	return v == 1;
}

static uint64_t rd_fixed(struct rd *r, int bytes, const char *what)
{
	uint64_t v = 0;

	if (r->st->bad)
		return 0;
	if (left(r) < (size_t)bytes) {
		fail_at(r, r->pos, "%s cut short", what);
		return 0;
	}
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[r->pos + (size_t)i] << (8 * i);
	r->pos += (size_t)bytes;
	return v;
}

/* A finite double within +-limit. */
static double rd_f64_in(struct rd *r, const char *what, double limit)
{
	size_t at = r->pos;
	uint64_t bits = rd_fixed(r, 8, what);
	double v;

	memcpy(&v, &bits, sizeof(v));
	if (r->st->bad)
		return 0;
	if (!isfinite(v) || fabs(v) > limit) {
		fail_at(r, at, "%s is not a number in range", what);
		return 0;
	}
	return v;
}

static double rd_f64(struct rd *r, const char *what)
{
	return rd_f64_in(r, what, 1e300);
}

static double rd_time(struct rd *r, const char *what)
{
	return rd_f64_in(r, what, TIME_LIMIT);
}

static float rd_f32(struct rd *r, const char *what)
{
	size_t at = r->pos;
	uint32_t bits = (uint32_t)rd_fixed(r, 4, what);
	float v;

	memcpy(&v, &bits, sizeof(v));
	if (r->st->bad)
		return 0;
	if (!isfinite(v)) {
		fail_at(r, at, "%s is not a number", what);
		return 0;
	}
	return v;
}

/* A count of things each taking at least `each` bytes, within limit. */
static size_t rd_count(struct rd *r, const char *what, uint64_t limit, size_t each)
{
	size_t at = r->pos;
	uint64_t n = rd_uv(r, what);

	if (r->st->bad)
		return 0;
	if (n > limit) {
		fail_at(r, at, "%s %llu over the limit (%llu)", what, (unsigned long long)n,
		        (unsigned long long)limit);
		return 0;
	}
	if (each && n > left(r) / each) {
		fail_at(r, at, "%s %llu: more than the %zu bytes left can hold", what,
		        (unsigned long long)n, left(r));
		return 0;
	}
	return (size_t)n;
}

/* A string: points into the file, *len bytes, no NUL inside. */
static const char *rd_strn(struct rd *r, const char *what, size_t *len)
{
	size_t at = r->pos, n = rd_count(r, what, SNAPSHOT_MAX_STRING, 1);
	const char *s = (const char *)r->p + r->pos;

	*len = 0;
	if (r->st->bad)
		return "";
	if (memchr(s, '\0', n)) {
		fail_at(r, at, "%s contains a NUL byte", what);
		return "";
	}
	r->pos += n;
	*len = n;
	return s;
}

/* A string copied into a buffer of size cap (cut to fit). */
static void rd_str_into(struct rd *r, const char *what, char *out, size_t cap)
{
	size_t n;
	const char *s = rd_strn(r, what, &n);

	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* A string in a new allocation. */
static char *rd_strdup(struct rd *r, const char *what)
{
	size_t n;
	const char *s = rd_strn(r, what, &n);
	char *out = xmalloc(n + 1);

	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* A length-prefixed block inside r: a cursor over it, r moved past it. An
 * absent block (r at its end) is an empty one when optional. */
static struct rd rd_block(struct rd *r, const char *what, bool optional)
{
	struct rd sub = {r->p, 0, 0, r->base, r->st};
	size_t n;

	if (optional && !left(r))
		return sub;
	n = rd_count(r, what, SIZE_MAX, 1);
	sub.p = r->p + r->pos;
	sub.len = n;
	sub.base = r->base + r->pos;
	r->pos += n;
	return sub;
}

static void rd_series(struct rd *r, const char *what, struct series *s)
{
	size_t n = rd_count(r, what, SNAPSHOT_MAX_SERIES, 4);

	series_release(s);
	for (size_t i = 0; i < n && !r->st->bad; i++) {
		float v = rd_f32(r, what);

		if (s)
			series_push(s, v);
	}
}

/* A histogram into h (its buckets allocated, all zero on entry). */
static void rd_hist(struct rd *r, const char *what, struct hist *h)
{
	size_t at = r->pos, nb;
	uint64_t sum = 0;
	int bucket = 0;

	h->count = rd_uv(r, what);
	h->sum_ns = rd_f64(r, what);
	h->min_ns = rd_uv(r, what);
	h->max_ns = rd_uv(r, what);
	nb = rd_count(r, "histogram buckets", HIST_BUCKETS, 2);
	for (size_t i = 0; i < nb && !r->st->bad; i++) {
		size_t bat = r->pos;
		uint64_t step = rd_uv(r, "histogram bucket"), n;

		if (step > HIST_BUCKETS || (i && !step) || bucket + (int)step >= HIST_BUCKETS) {
			fail_at(r, bat, "%s: histogram bucket out of order or range", what);
			break;
		}
		bucket += (int)step;
		n = rd_uv(r, "histogram bucket count");
		if (!n || n > UINT32_MAX || n > UINT64_MAX - sum) {
			fail_at(r, bat, "%s: histogram bucket count %llu out of range", what,
			        (unsigned long long)n);
			break;
		}
		h->buckets[bucket] = (uint32_t)n;
		sum += n;
	}
	if (!r->st->bad && (sum != h->count || (h->count && h->min_ns > h->max_ns)))
		fail_at(r, at, "%s: histogram counts do not add up (%llu in buckets, %llu in all)",
		        what, (unsigned long long)sum, (unsigned long long)h->count);
}

static void hist_clear(struct hist *h)
{
	uint32_t *b = h->buckets;

	memset(b, 0, HIST_BUCKETS * sizeof(*b));
	memset(h, 0, sizeof(*h));
	h->buckets = b;
}

/* ---- sections ------------------------------------------------------------------- */

static void sec_meta(struct rd *r, struct snapshot_meta *meta, double *tick_s)
{
	size_t at;

	rd_str_into(r, "version", meta->version, sizeof(meta->version));
	rd_str_into(r, "host name", meta->host, sizeof(meta->host));
	rd_str_into(r, "command", meta->command, sizeof(meta->command));
	meta->pid = (pid_t)rd_range(r, "pid", 0, INT_MAX);
	meta->start_time = rd_time(r, "start time");
	meta->end_time = rd_time(r, "end time");
	at = r->pos;
	*tick_s = rd_f64(r, "tick");
	if (!r->st->bad && (*tick_s < TICK_MIN || *tick_s > TICK_MAX))
		fail_at(r, at, "tick %g s out of range (%g to %g)", *tick_s, TICK_MIN, TICK_MAX);
}

static void sec_machine(struct rd *r, struct model *m)
{
	struct sys_state *sys = &m->sys;
	size_t n;

	m->now = rd_time(r, "time");
	m->tick = rd_uv(r, "readings");
	m->list_visible = rd_bool(r, "list flag");
	m->child_exited = rd_bool(r, "exit flag");
	m->child_status = (int)rd_range(r, "exit status", INT_MIN, INT_MAX);
	n = rd_count(r, "CPUs", SNAPSHOT_MAX_CPUS, 4);
	free(sys->cpu_busy);
	free(sys->prev_cpu);
	sys->cpu_busy = xcalloc(n ? n : 1, sizeof(*sys->cpu_busy));
	sys->prev_cpu = xcalloc(n ? n : 1, sizeof(*sys->prev_cpu));
	sys->ncpu = (int)n;
	for (size_t i = 0; i < n; i++)
		sys->cpu_busy[i] = rd_f32(r, "CPU busy");
	sys->cpu_total = rd_f64(r, "CPU total");
	sys->mem_total_kb = rd_uv(r, "memory");
	sys->mem_available_kb = rd_uv(r, "memory");
	sys->mem_used_kb = rd_uv(r, "memory");
	sys->swap_total_kb = rd_uv(r, "swap");
	sys->swap_used_kb = rd_uv(r, "swap");
	for (int i = 0; i < 3; i++)
		sys->load[i] = rd_f64(r, "load");
	rd_series(r, "CPU series", &sys->cpu_total_series);
	n = rd_count(r, "watched pids", SNAPSHOT_MAX_PROCESSES, 1);
	for (size_t i = 0; i < n && !r->st->bad; i++) {
		pid_t pid = (pid_t)rd_range(r, "watched pid", 1, INT_MAX);

		if (!r->st->bad)
			model_watch(m, pid, true);
	}
	n = rd_count(r, "log lines", MSGLOG_CAP, 10);
	for (size_t i = 0; i < n && !r->st->bad; i++) {
		double t = rd_time(r, "log time");
		uint64_t level = rd_uv_max(r, "log level", MSG_ERROR);
		char text[MSGLOG_LEN];

		rd_str_into(r, "log line", text, sizeof(text));
		if (!r->st->bad)
			msglog_add(&m->log, t, (enum msglog_level)level, "%s", text);
	}
	if (left(r) && !r->st->bad) { /* since 1.3 */
		m->tree_root = (pid_t)rd_range(r, "tree root", 0, INT_MAX);
		m->tree_reaper = (pid_t)rd_range(r, "tree reaper", 0, INT_MAX);
	}
}

static struct process *sec_process(struct rd *r, struct model *m)
{
	size_t at = r->pos, nseries;
	pid_t pid = (pid_t)rd_range(r, "pid", 1, INT_MAX);
	struct process *p;
	unsigned flags;

	if (r->st->bad)
		return NULL;
	if (model_find(m, pid)) {
		fail_at(r, at, "process %d listed twice", (int)pid);
		return NULL;
	}
	p = model_agent_process(m, pid, NULL);
	profile_free(p->profile);
	p->profile = NULL;
	p->uid = (uid_t)rd_uv(r, "uid");
	rd_str_into(r, "user", p->user, sizeof(p->user));
	rd_str_into(r, "command name", p->comm, sizeof(p->comm));
	free(p->cmdline);
	p->cmdline = rd_strdup(r, "command line");
	p->state = (char)rd_u8(r, "state");
	flags = (unsigned)rd_uv(r, "process flags");
	p->exited = flags & PROC_F_EXITED;
	p->watched = flags & PROC_F_WATCHED;
	p->io_ok = flags & PROC_F_IO_OK;
	p->threads = (int)rd_range(r, "threads", INT_MIN, INT_MAX);
	p->fds = (int)rd_range(r, "fds", INT_MIN, INT_MAX);
	p->start_ticks = rd_uv(r, "start time");
	p->cpu = rd_f64(r, "CPU");
	p->rss_kb = rd_uv(r, "RSS");
	p->vsize_kb = rd_uv(r, "virtual size");
	p->read_bps = rd_f64(r, "read rate");
	p->write_bps = rd_f64(r, "write rate");
	p->vcsw_ps = rd_f64(r, "switch rate");
	p->ivcsw_ps = rd_f64(r, "switch rate");
	p->first_seen = rd_time(r, "first seen");
	p->watch_since = rd_time(r, "watched since");
	p->watch_rss_kb = rd_uv(r, "RSS");
	p->exited_at = rd_time(r, "exit time");
	p->exit_status = (int)rd_range(r, "exit status", INT_MIN, INT_MAX);
	nseries = rd_count(r, "series", SNAPSHOT_MAX_METRICS, 1);
	for (size_t i = 0; i < nseries && !r->st->bad; i++) {
		struct series skip;

		series_init(&skip, 1);
		rd_series(r, "series", i < PM_COUNT ? &p->series[i] : &skip);
		series_release(&skip);
	}
	if (left(r) && !r->st->bad) { /* since 1.3 */
		p->ppid = (pid_t)rd_range(r, "parent pid", 0, INT_MAX);
		p->in_tree = rd_bool(r, "tree flag");
		p->cpu_s = rd_f64_in(r, "CPU time", 1e12);
		if (p->cpu_s < 0)
			p->cpu_s = 0;
		rd_str_into(r, "agent reason", p->agent_why, sizeof(p->agent_why));
	}
	return p;
}

/* ---- a profile ------------------------------------------------------------------ */

/* What a profile section holds until its samples are replayed. */
struct pload {
	struct profile *p;
	uint64_t samples; /* the header's count, checked after the replay */
	double first_time, last_time, since, latest;
	bool have_since;
	char **strs; /* modules and files */
	size_t nstrs;
	size_t *stack_at; /* stack i's frames: frames[stack_at[i] .. stack_at[i+1]) */
	uint32_t *frames;
	size_t nstacks, nframes;
	uint32_t *interp; /* interpreted function ids, increasing (PART_INTERP) */
	size_t ninterp;
	bool have_interp; /* the file has PART_INTERP (1.2 and later) */
	struct {
		uint32_t thread, stack;
		uint64_t count, in_window;
	} * pairs;
	size_t npairs;
	bool any;
	int64_t newest;
	struct wslot {
		int64_t second;
		size_t entry0, nentries, cell0, ncells;
	} slots[WINDOW_SLOTS];
	size_t nslots;
	struct {
		uint32_t pair, count;
	} * entries;
	size_t nentries, entries_alloc;
	struct wcell {
		uint32_t zone, thread;
		struct hist h;
		size_t b0, nb;
	} * cells;
	size_t ncells, cells_alloc;
	struct {
		uint16_t bucket;
		uint32_t count;
	} * cbuckets;
	size_t ncbuckets, cbuckets_alloc;
	struct hist scratch; /* a histogram being read */
};

static void pload_release(struct pload *l)
{
	for (size_t i = 0; i < l->nstrs; i++)
		free(l->strs[i]);
	free(l->strs);
	free(l->stack_at);
	free(l->frames);
	free(l->interp);
	free(l->pairs);
	free(l->entries);
	free(l->cells);
	free(l->cbuckets);
	free(l->scratch.buckets);
}

static void *grow_to(void *arr, size_t *alloc, size_t want, size_t elem)
{
	if (want <= *alloc)
		return arr;
	*alloc = want < 64 ? 64 : want + want / 2;
	return xreallocarray(arr, *alloc, elem);
}

static void part_head(struct rd *r, struct pload *l)
{
	struct profile *p = l->p;
	bool has_exe;
	size_t at = r->pos;

	if (rd_range(r, "profile pid", 1, INT_MAX) != p->pid && !r->st->bad)
		fail_at(r, at, "profile's pid is not its process's");
	has_exe = rd_bool(r, "executable flag");
	free(p->exe);
	p->exe = rd_strdup(r, "executable");
	if (!has_exe) {
		free(p->exe);
		p->exe = NULL;
	}
	p->proto_major = (unsigned)rd_uv_max(r, "protocol version", UINT16_MAX);
	p->proto_minor = (unsigned)rd_uv_max(r, "protocol version", UINT16_MAX);
	p->requested_hz = rd_f64_in(r, "requested rate", 1e9);
	p->achieved_hz = rd_f64_in(r, "achieved rate", 1e9);
	p->agent_samples = rd_uv(r, "agent samples");
	p->agent_dropped = rd_uv(r, "agent drops");
	p->agent_bytes = rd_uv(r, "agent bytes");
	l->samples = rd_uv(r, "samples");
	p->decode_errors = rd_uv(r, "decode errors");
	p->connected = rd_bool(r, "connected flag");
	l->first_time = rd_time(r, "first sample time");
	l->last_time = rd_time(r, "last sample time");
	l->since = rd_time(r, "start time");
	l->latest = rd_time(r, "latest time");
	l->have_since = rd_bool(r, "start flag");
	p->agent_events_dropped = rd_uv(r, "agent event drops");
	/* Since 1.1; an older file has no figure (unknown, not 0 %). */
	if (left(r)) {
		p->cost_known = rd_bool(r, "agent cost flag");
		p->cost.handler_ns = rd_uv(r, "agent handler time");
		p->cost.writer_ns = rd_uv(r, "agent writer time");
		p->cost.process_ns = rd_uv(r, "process CPU time");
		p->cost_done = p->cost;
	}
	/* Since 1.3; an older file's samples came from an agent. */
	if (left(r)) {
		p->outside = rd_bool(r, "outside flag");
		rd_str_into(r, "outside reason", p->outside_why, sizeof(p->outside_why));
	}
}

static void part_strings(struct rd *r, struct pload *l)
{
	size_t n = rd_count(r, "strings", SNAPSHOT_MAX_COUNT, 1);

	l->strs = xcalloc(n ? n : 1, sizeof(*l->strs));
	for (size_t i = 0; i < n && !r->st->bad; i++) {
		l->strs[i] = rd_strdup(r, "module or file name");
		l->nstrs++;
	}
}

/* Read before the functions: which are an interpreter's. */
static void part_interp(struct rd *r, struct pload *l)
{
	size_t n = rd_count(r, "interpreted functions", SNAPSHOT_MAX_COUNT, 1);

	l->have_interp = true;
	l->interp = xcalloc(n ? n : 1, sizeof(*l->interp));
	for (size_t i = 0; i < n && !r->st->bad; i++) {
		size_t at = r->pos;
		uint64_t id = rd_uv_max(r, "interpreted function", SNAPSHOT_MAX_COUNT);

		if (!r->st->bad && i && id <= l->interp[i - 1])
			fail_at(r, at, "interpreted function %llu out of order",
			        (unsigned long long)id);
		l->interp[l->ninterp++] = (uint32_t)id;
	}
}

static void part_funcs(struct rd *r, struct pload *l)
{
	size_t n = rd_count(r, "functions", SNAPSHOT_MAX_COUNT, 4), k = 0;

	for (size_t i = 0; i < n && !r->st->bad; i++) {
		size_t at = r->pos, mi, fi;
		char *name = rd_strdup(r, "function name");
		const char *file;
		bool interp;
		int line;

		mi = (size_t)rd_uv(r, "module index");
		fi = (size_t)rd_uv(r, "file index");
		line = (int)rd_range(r, "line", INT_MIN, INT_MAX);
		if (!r->st->bad && (mi >= l->nstrs || fi > l->nstrs))
			fail_at(r, at,
			        "function '%s': module or file index out of range (%zu strings)",
			        name, l->nstrs);
		if (r->st->bad) {
			free(name);
			break;
		}
		file = fi ? l->strs[fi - 1] : NULL;
		/* Before 1.2, named frames were module "[named]". */
		interp = l->have_interp ? k < l->ninterp && l->interp[k] == i
		                        : !strcmp(l->strs[mi], "[named]");
		k += l->have_interp && interp;
		if ((interp ? profile_func_interp(l->p, name, file, line)
		            : profile_func(l->p, l->strs[mi], name, file, line)) != i)
			fail_at(r, at, "function '%s' in '%s' listed twice", name, l->strs[mi]);
		free(name);
	}
	if (!r->st->bad && k < l->ninterp)
		fail_at(r, 0, "interpreted function %u out of range (%zu functions)",
		        l->interp[k], profile_func_count(l->p));
}

static void part_lines(struct rd *r, struct pload *l)
{
	size_t n = rd_count(r, "lines", SNAPSHOT_MAX_COUNT, 4), nfuncs = profile_func_count(l->p);

	for (size_t i = 0; i < n && !r->st->bad; i++) {
		size_t at = r->pos;
		uint64_t f = rd_uv(r, "line function"), line = rd_uv_max(r, "line", UINT32_MAX);
		uint64_t self = rd_uv(r, "line self"), total = rd_uv(r, "line total");

		if (r->st->bad)
			break;
		if (f >= nfuncs || !l->p->funcs[f].interp || !line || self > total)
			fail_at(r, at, "line %llu of function %llu: not an interpreted function's, "
			        "or self over total", (unsigned long long)line, (unsigned long long)f);
		else
			pylines_restore(&l->p->lines, (uint32_t)f, (uint32_t)line, self, total);
	}
}

static void part_stacks(struct rd *r, struct pload *l)
{
	size_t n = rd_count(r, "stacks", SNAPSHOT_MAX_COUNT, 2), nfuncs = profile_func_count(l->p);
	size_t frames_alloc = 0, prev = 0;

	l->stack_at = xcalloc(n + 1, sizeof(*l->stack_at));
	for (size_t i = 0; i < n && !r->st->bad; i++) {
		size_t at = r->pos;
		uint64_t same = rd_uv(r, "stack prefix"), rest = rd_uv(r, "stack depth");
		size_t start = l->nframes;

		if (r->st->bad)
			break;
		if (same > prev || rest > SNAPSHOT_MAX_DEPTH || same + rest > SNAPSHOT_MAX_DEPTH ||
		    same + rest == 0) {
			fail_at(r, at, "stack depth %llu over the limit (%u) or empty",
			        (unsigned long long)(same + rest), SNAPSHOT_MAX_DEPTH);
			break;
		}
		if (l->nframes + same + rest > SNAPSHOT_MAX_FRAMES) {
			fail_at(r, at, "stack frames over the limit (%u)", SNAPSHOT_MAX_FRAMES);
			break;
		}
		if (rest > left(r)) {
			fail_at(r, at, "stack of %llu frames: more than the bytes left",
			        (unsigned long long)rest);
			break;
		}
		l->frames =
		    grow_to(l->frames, &frames_alloc, l->nframes + same + rest, sizeof(*l->frames));
		if (same)
			memcpy(l->frames + start, l->frames + l->stack_at[i - 1],
			       same * sizeof(uint32_t));
		l->nframes += same;
		for (uint64_t k = 0; k < rest && !r->st->bad; k++) {
			size_t fat = r->pos;
			uint64_t f = rd_uv(r, "stack frame");

			if (!r->st->bad && f >= nfuncs)
				fail_at(r, fat, "function id %llu out of range (%zu functions)",
				        (unsigned long long)f, nfuncs);
			l->frames[l->nframes++] = (uint32_t)f;
		}
		l->stack_at[i] = start;
		l->stack_at[i + 1] = l->nframes;
		prev = (size_t)(same + rest);
		l->nstacks++;
	}
}

static void part_threads(struct rd *r, struct pload *l)
{
	size_t n = rd_count(r, "threads", SNAPSHOT_MAX_COUNT, 2);

	for (size_t i = 0; i < n && !r->st->bad; i++) {
		size_t at = r->pos;
		pid_t tid = (pid_t)rd_range(r, "thread id", 1, INT_MAX);
		char name[PROFILE_THREAD_NAME_LEN];

		rd_str_into(r, "thread name", name, sizeof(name));
		if (r->st->bad)
			break;
		profile_thread_name(l->p, tid, name);
		if (l->p->nthreads != i + 1)
			fail_at(r, at, "thread %d listed twice", (int)tid);
	}
}

static void part_zones(struct rd *r, struct pload *l)
{
	size_t n = rd_count(r, "zones", SNAPSHOT_MAX_COUNT, 25);
	struct profile *p = l->p;

	for (size_t z = 0; z < n && !r->st->bad; z++) {
		size_t at = r->pos, nt;
		char *name = rd_strdup(r, "zone name");
		struct profile_zone *zone;

		if (!r->st->bad && profile_zone(p, name) != z)
			fail_at(r, at, "zone '%s' listed twice", name);
		free(name);
		if (r->st->bad)
			break;
		zone = &p->zones[z];
		zone->exact_count = rd_uv(r, "zone count");
		zone->exact_sum_ns = rd_f64(r, "zone sum");
		zone->exact_min_ns = rd_uv(r, "zone min");
		zone->exact_max_ns = rd_uv(r, "zone max");
		hist_clear(&l->scratch);
		rd_hist(r, "zone histogram", &l->scratch);
		if (!r->st->bad)
			profile_zone_restore(p, (uint32_t)z, 0, &l->scratch);
		nt = rd_count(r, "zone threads", SNAPSHOT_MAX_COUNT, 13);
		for (size_t i = 0; i < nt && !r->st->bad; i++) {
			size_t tat = r->pos;
			uint64_t t = rd_uv(r, "zone thread");

			if (!r->st->bad && t >= p->nthreads)
				fail_at(r, tat, "thread index %llu out of range (%zu threads)",
				        (unsigned long long)t, p->nthreads);
			hist_clear(&l->scratch);
			rd_hist(r, "zone histogram", &l->scratch);
			if (!r->st->bad)
				profile_zone_restore(p, (uint32_t)z, p->threads[t].tid,
				                     &l->scratch);
		}
	}
}

static void part_counters(struct rd *r, struct pload *l)
{
	size_t n = rd_count(r, "counters", SNAPSHOT_MAX_COUNT, 80);

	for (size_t i = 0; i < n && !r->st->bad; i++) {
		size_t at = r->pos, ns;
		char *name = rd_strdup(r, "counter name");
		struct profile_counter *c;

		if (!r->st->bad && profile_counter(l->p, name) != i)
			fail_at(r, at, "counter '%s' listed twice", name);
		free(name);
		if (r->st->bad)
			break;
		c = &l->p->counters[i];
		c->gauge = rd_bool(r, "gauge flag");
		c->total = rd_f64(r, "counter total");
		c->first_time = rd_time(r, "counter time");
		c->last_time = rd_time(r, "counter time");
		c->rate_per_s = rd_f64(r, "counter rate");
		c->bucket_start = rd_time(r, "counter time");
		c->bucket_base = rd_f64(r, "counter total");
		c->rate_per_min = rd_f64(r, "counter rate");
		c->reset_base = rd_f64(r, "counter total");
		c->agent_total = rd_f64(r, "counter total");
		rd_series(r, "counter series", &c->values);
		rd_series(r, "counter series", &c->rates);
		ns = rd_count(r, "counter history", PROFILE_COUNTER_SNAPS, 16);
		for (size_t k = 0; k < ns && !r->st->bad; k++) {
			c->snap_time[k] = rd_time(r, "counter time");
			c->snap_total[k] = rd_f64(r, "counter total");
		}
		c->nsnaps = (unsigned)ns;
		c->snap_head = 0;
	}
}

static void part_marks(struct rd *r, struct pload *l)
{
	size_t n = rd_count(r, "marks", PROFILE_MAX_MARKS, 10);

	for (size_t i = 0; i < n && !r->st->bad; i++) {
		double t = rd_time(r, "mark time");
		pid_t tid = (pid_t)rd_range(r, "mark thread", INT_MIN, INT_MAX);
		char *text = rd_strdup(r, "mark");

		if (!r->st->bad)
			profile_mark(l->p, t, tid, text);
		free(text);
	}
}

static void part_pairs(struct rd *r, struct pload *l)
{
	size_t n = rd_count(r, "sample groups", SNAPSHOT_MAX_COUNT, 3);
	uint64_t total = 0;

	l->pairs = xcalloc(n ? n : 1, sizeof(*l->pairs));
	for (size_t i = 0; i < n && !r->st->bad; i++) {
		size_t at = r->pos;
		uint64_t t = rd_uv(r, "sample thread"), s = rd_uv(r, "sample stack"),
		         c = rd_uv(r, "sample count");

		if (r->st->bad)
			break;
		if (t >= l->p->nthreads || s > l->nstacks) {
			fail_at(r, at,
			        "samples of thread index %llu, stack %llu: out of range "
			        "(%zu threads, %zu stacks)",
			        (unsigned long long)t, (unsigned long long)s, l->p->nthreads,
			        l->nstacks);
			break;
		}
		if (!c || c > UINT64_MAX / 2 - total) {
			fail_at(r, at, "sample count %llu out of range", (unsigned long long)c);
			break;
		}
		total += c;
		l->pairs[i].thread = (uint32_t)t;
		l->pairs[i].stack = s ? (uint32_t)(s - 1) : UINT32_MAX;
		l->pairs[i].count = c;
		l->npairs++;
	}
}

static void window_cells(struct rd *r, struct pload *l, struct wslot *ws)
{
	size_t n = rd_count(r, "zone cells", SNAPSHOT_MAX_COUNT, 14);

	ws->cell0 = l->ncells;
	for (size_t i = 0; i < n && !r->st->bad; i++) {
		size_t at = r->pos;
		uint64_t zone = rd_uv(r, "cell zone"), thread = rd_uv(r, "cell thread");
		struct wcell *c;

		if (!r->st->bad && (zone >= profile_zone_count(l->p) || thread >= l->p->nthreads)) {
			fail_at(r, at, "zone cell of zone %llu, thread index %llu: out of range",
			        (unsigned long long)zone, (unsigned long long)thread);
			break;
		}
		hist_clear(&l->scratch);
		rd_hist(r, "zone cell", &l->scratch);
		if (r->st->bad)
			break;
		l->cells = grow_to(l->cells, &l->cells_alloc, l->ncells + 1, sizeof(*l->cells));
		c = &l->cells[l->ncells++];
		c->zone = (uint32_t)zone;
		c->thread = (uint32_t)thread;
		c->h = l->scratch;
		c->h.buckets = NULL;
		c->b0 = l->ncbuckets;
		c->nb = 0;
		for (int b = 0; b < HIST_BUCKETS; b++) {
			if (!l->scratch.buckets[b])
				continue;
			l->cbuckets = grow_to(l->cbuckets, &l->cbuckets_alloc, l->ncbuckets + 1,
			                      sizeof(*l->cbuckets));
			l->cbuckets[l->ncbuckets].bucket = (uint16_t)b;
			l->cbuckets[l->ncbuckets++].count = l->scratch.buckets[b];
			c->nb++;
		}
		ws->ncells++;
	}
}

static void part_window(struct rd *r, struct pload *l)
{
	size_t at = r->pos, n;
	int64_t prev_back = WINDOW_SLOTS;

	l->any = rd_bool(r, "window flag");
	l->newest = rd_range(r, "window second", -(int64_t)TIME_LIMIT, (int64_t)TIME_LIMIT);
	n = rd_count(r, "window seconds", WINDOW_SLOTS, 3);
	if (n && !l->any)
		fail_at(r, at, "an empty window with %zu seconds", n);
	for (size_t i = 0; i < n && !r->st->bad; i++) {
		struct wslot *ws = &l->slots[l->nslots];
		size_t sat = r->pos, ne;
		uint64_t back = rd_uv(r, "window second");

		if (!r->st->bad && (int64_t)back >= prev_back) {
			fail_at(r, sat, "window second %lld out of order or range",
			        (long long)(l->newest - (int64_t)back));
			break;
		}
		prev_back = (int64_t)back;
		memset(ws, 0, sizeof(*ws));
		ws->second = l->newest - (int64_t)back;
		ne = rd_count(r, "window entries", SNAPSHOT_MAX_COUNT, 2);
		ws->entry0 = l->nentries;
		l->entries =
		    grow_to(l->entries, &l->entries_alloc, l->nentries + ne, sizeof(*l->entries));
		for (size_t k = 0; k < ne && !r->st->bad; k++) {
			size_t eat = r->pos;
			uint64_t pair = rd_uv(r, "window entry"), c = rd_uv(r, "window count");

			if (r->st->bad)
				break;
			if (pair >= l->npairs || !c || c > UINT32_MAX ||
			    l->pairs[pair].in_window + c > l->pairs[pair].count) {
				fail_at(r, eat,
				        "window entry of group %llu: count %llu out of range",
				        (unsigned long long)pair, (unsigned long long)c);
				break;
			}
			l->pairs[pair].in_window += c;
			l->entries[l->nentries].pair = (uint32_t)pair;
			l->entries[l->nentries++].count = (uint32_t)c;
			ws->nentries++;
		}
		window_cells(r, l, ws);
		l->nslots++;
	}
}

/* Rebuilds the profile's tables from the pairs and the window: each pair's
 * whole count at a second older than any window reaches (totals, flat
 * table, trees), then the window's seconds as they were. Returns false,
 * the profile half built, when stop became true (checked every
 * REPLAY_STOP_EVERY pairs). */
enum { REPLAY_STOP_EVERY = 1024 };
static bool replay(struct pload *l, const atomic_bool *stop)
{
	struct profile *p = l->p;
	int64_t base = l->any ? l->newest : (int64_t)floor(l->latest);
	double old;

	/* The ring's newest second once restored is that of its newest slot
	 * with anything in it, which a file may put below the newest second it
	 * names: the whole counts go where no window of the restored ring
	 * reaches. */
	if (l->any) {
		bool found = false;

		for (size_t i = 0; i < l->nslots; i++)
			if ((l->slots[i].nentries || l->slots[i].ncells) &&
			    (!found || l->slots[i].second > base)) {
				base = l->slots[i].second;
				found = true;
			}
	}
	old = (double)(base - WINDOW_SLOTS - 1);

	for (size_t i = 0; i < l->npairs; i++) {
		uint32_t s = l->pairs[i].stack;

		if (stop && i % REPLAY_STOP_EVERY == 0 &&
		    atomic_load_explicit(stop, memory_order_relaxed))
			return false;
		const uint32_t *f = s == UINT32_MAX ? NULL : l->frames + l->stack_at[s];
		size_t depth = s == UINT32_MAX ? 0 : l->stack_at[s + 1] - l->stack_at[s];

		profile_add_samples(p, p->threads[l->pairs[i].thread].tid, f, depth,
		                    l->pairs[i].count, old);
		/* From now on the pair names the profile's own stack id. */
		l->pairs[i].stack =
		    depth ? intern_find(&p->stacks, f, depth * sizeof(*f)) : UINT32_MAX;
	}
	for (size_t i = 0; i < l->nslots; i++) {
		const struct wslot *ws = &l->slots[i];

		for (size_t k = ws->entry0; k < ws->entry0 + ws->nentries; k++) {
			uint32_t pi = l->entries[k].pair;

			profile_window_restore(p, p->threads[l->pairs[pi].thread].tid,
			                       l->pairs[pi].stack, l->entries[k].count, ws->second);
		}
		for (size_t k = ws->cell0; k < ws->cell0 + ws->ncells; k++) {
			const struct wcell *c = &l->cells[k];

			hist_clear(&l->scratch);
			l->scratch.count = c->h.count;
			l->scratch.sum_ns = c->h.sum_ns;
			l->scratch.min_ns = c->h.min_ns;
			l->scratch.max_ns = c->h.max_ns;
			for (size_t b = c->b0; b < c->b0 + c->nb; b++)
				l->scratch.buckets[l->cbuckets[b].bucket] = l->cbuckets[b].count;
			profile_zone_window_restore(p, c->zone, p->threads[c->thread].tid,
			                            ws->second, &l->scratch);
		}
	}
	if (!l->any)
		window_clear(&p->window);
	p->first_time = l->first_time;
	p->last_time = l->last_time;
	p->since = l->since;
	p->latest = l->latest;
	p->have_since = l->have_since;
	return true;
}

static void sec_profile(struct rd *r, struct model *m)
{
	static void (*const parts[PART_COUNT])(struct rd *, struct pload *) = {
	    part_head,  part_strings,  part_funcs, part_stacks, part_threads,
	    part_zones, part_counters, part_marks, part_pairs,  part_window,
	    part_interp, part_lines,
	};
	static const char *const names[PART_COUNT] = {
	    "profile header", "strings",  "functions", "stacks",        "threads",
	    "zones",          "counters", "marks",     "sample groups", "window",
	    "interpreted functions", "lines",
	};
	struct rd blocks[PART_COUNT];
	size_t at = r->pos;
	struct rd head = rd_block(r, names[PART_HEAD], false);
	pid_t pid = (pid_t)rd_range(&head, "profile pid", 1, INT_MAX);
	struct process *proc = r->st->bad ? NULL : model_find(m, pid);
	struct pload l;

	if (r->st->bad)
		return;
	if (!proc || proc->profile) {
		fail_at(r, at, "profile of process %d: %s", (int)pid,
		        proc ? "listed twice" : "no such process before it");
		return;
	}
	memset(&l, 0, sizeof(l));
	l.p = proc->profile = profile_new(pid);
	profile_show_interp(l.p, m->show_interp);
	l.scratch.buckets = xcalloc(HIST_BUCKETS, sizeof(*l.scratch.buckets));
	head.pos = 0; /* the head starts with the pid: read it again */
	part_head(&head, &l);
	/* The parts' blocks first: the interpreted functions are read before
	 * the functions they mark. */
	for (int i = PART_HEAD + 1; i < PART_COUNT && !r->st->bad; i++)
		blocks[i] = rd_block(r, names[i], true);
	if (!r->st->bad && blocks[PART_INTERP].len)
		part_interp(&blocks[PART_INTERP], &l);
	for (int i = PART_HEAD + 1; i < PART_COUNT && !r->st->bad && !stopped(r); i++)
		if (i != PART_INTERP && blocks[i].len) /* an absent part (an older minor's file) is empty */
			parts[i](&blocks[i], &l);
	if (!r->st->bad && !replay(&l, r->st->stop))
		fail_at(r, at, "cancelled");
	if (!r->st->bad) {
		if (l.p->samples != l.samples)
			fail_at(r, at,
			        "profile of process %d: %llu samples in the groups, %llu in "
			        "its header",
			        (int)pid, (unsigned long long)l.p->samples,
			        (unsigned long long)l.samples);
	}
	pload_release(&l);
}

/* ---- the file --------------------------------------------------------------------- */

static uint64_t le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The sections of the contents into m (initialised here after META). */
static int load_contents(struct model *m, struct rd *r, struct snapshot_meta *meta)
{
	bool inited = false, machine = false;
	unsigned nsec = 0;

	while (left(r) && !r->st->bad && !stopped(r)) {
		size_t at = r->pos;
		uint64_t tag = rd_uv(r, "section tag");
		struct rd sec = rd_block(r, "section", false);

		if (r->st->bad)
			break;
		if (nsec++ == 0 && tag != SEC_META) {
			fail_at(r, at, "the first section is %llu, not the description (%d)",
			        (unsigned long long)tag, SEC_META);
			break;
		}
		switch (tag) {
		case SEC_META: {
			double tick_s = 1;

			if (inited) {
				fail_at(r, at, "a second description section");
				break;
			}
			sec_meta(&sec, meta, &tick_s);
			if (!r->st->bad) {
				model_init(m, tick_s);
				inited = true;
			}
			break;
		}
		case SEC_MACHINE:
			if (machine)
				fail_at(r, at, "a second machine section");
			machine = true;
			sec_machine(&sec, m);
			break;
		case SEC_PROCESS:
			sec_process(&sec, m);
			break;
		case SEC_PROFILE:
			sec_profile(&sec, m);
			break;
		default:
			break; /* a newer minor's section */
		}
	}
	if (!r->st->bad && !inited)
		fail_at(r, r->pos, "no description section (an empty snapshot)");
	if (r->st->bad) {
		if (inited)
			model_release(m);
		return -EINVAL;
	}
	return 0;
}

/* The contents' sections as the inflated bytes arrive: tags and lengths
 * are checked before more is inflated, so a stream that inflates to
 * something other than sections (a zlib bomb of zeros) fails within the
 * first step. */
struct framing {
	size_t next;   /* where the next section's tag starts */
	unsigned nsec; /* sections framed so far */
};

/* A varint at *pos in p[0, have): 1 and *pos moved past it, 0 when it is
 * not all there yet, -1 when it is too long to be a number. */
static int peek_uv(const unsigned char *p, size_t have, size_t *pos, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*pos >= have)
			return 0;
		*v |= (uint64_t)(p[*pos] & 0x7f) << shift;
		if (!(p[(*pos)++] & 0x80))
			return 1;
	}
	return -1;
}

static int framing_check(struct framing *f, const unsigned char *p, size_t have, uint64_t rawlen,
                         char *why, size_t why_len)
{
	while (f->next < have) {
		size_t at = f->next, pos = at;
		uint64_t tag = 0, n = 0;
		int a = peek_uv(p, have, &pos, &tag), b = a > 0 ? peek_uv(p, have, &pos, &n) : 0;

		if (a < 0 || b < 0) {
			snprintf(why, why_len, "offset %zu: section %s: number too large",
			         SNAPSHOT_HEADER_LEN + at, a < 0 ? "tag" : "length");
			return -EINVAL;
		}
		if (!a || !b)
			return 0; /* the rest of the header is still compressed */
		if (f->nsec == 0 && tag != SEC_META) {
			snprintf(why, why_len,
			         "offset %zu: the first section is %llu, not the description (%d)",
			         SNAPSHOT_HEADER_LEN + at, (unsigned long long)tag, SEC_META);
			return -EINVAL;
		}
		if (n > rawlen - pos) {
			snprintf(why, why_len,
			         "offset %zu: section of %llu bytes runs past the end of the "
			         "contents (%llu bytes)",
			         SNAPSHOT_HEADER_LEN + at, (unsigned long long)n,
			         (unsigned long long)rawlen);
			return -EINVAL;
		}
		f->nsec++;
		f->next = pos + (size_t)n;
	}
	return 0;
}

/* Inflates stored bytes of a zlib stream that should give rawlen bytes
 * into *out (allocated), in steps of SNAPSHOT_INFLATE_STEP: the buffer
 * grows with what actually comes out (never to the header's word alone),
 * the sections are framed after each step, and the first byte past rawlen
 * stops it. So a bomb costs one step of time and memory, not the size it
 * claims. Returns 0, or -EINVAL with "offset N: reason" in why. */
static int inflate_contents(const unsigned char *in, size_t stored, uint64_t rawlen,
                            unsigned char **out, char *why, size_t why_len)
{
	size_t cap = rawlen + 1 < SNAPSHOT_INFLATE_STEP ? (size_t)rawlen + 1 : SNAPSHOT_INFLATE_STEP;
	struct framing fr = {0, 0};
	unsigned char *raw = xmalloc(cap);
	const char *bad = NULL;
	z_stream zs;
	int zr = Z_OK;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK) {
		free(raw);
		snprintf(why, why_len, "cannot inflate: out of memory");
		return -ENOMEM;
	}
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (uInt)stored;
	for (;;) {
		size_t have = (size_t)zs.total_out, room;

		if (have > rawlen) {
			bad = "the contents inflate past the size the header gives";
			break;
		}
		if (have == cap) { /* grow by what came out, up to rawlen + 1 */
			cap = cap > (size_t)rawlen + 1 - cap ? (size_t)rawlen + 1 : cap * 2;
			raw = xrealloc(raw, cap);
		}
		room = cap - have;
		zs.next_out = raw + have;
		zs.avail_out = (uInt)(room < SNAPSHOT_INFLATE_STEP ? room : SNAPSHOT_INFLATE_STEP);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			bad = zs.msg ? zs.msg : "damaged";
			break;
		}
		if ((size_t)zs.total_out > rawlen) {
			bad = "the contents inflate past the size the header gives";
			break;
		}
		if (framing_check(&fr, raw, (size_t)zs.total_out, rawlen, why, why_len) < 0) {
			inflateEnd(&zs);
			free(raw);
			return -EINVAL;
		}
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_BUF_ERROR && !zs.avail_in) {
			bad = "cut short";
			break;
		}
	}
	if (!bad && (zs.total_out != rawlen || zs.avail_in))
		bad = "wrong length";
	if (bad) {
		snprintf(why, why_len, "offset %lu: compressed contents are damaged (%s)",
		         (unsigned long)(SNAPSHOT_HEADER_LEN + zs.total_in), bad);
		inflateEnd(&zs);
		free(raw);
		return -EINVAL;
	}
	inflateEnd(&zs);
	*out = raw;
	return 0;
}

int snapshot_load_mem(struct model *m, const void *data, size_t len, unsigned flags,
                      struct snapshot_meta *meta, char *why, size_t why_len)
{
	const unsigned char *d = data;
	struct status st = {false, why, why_len};
	struct rd r = {d, len, 0, 0, &st};
	unsigned char *raw = NULL;
	uint64_t stored, rawlen;
	unsigned major, minor, fl;
	int rc;

	memset(meta, 0, sizeof(*meta));
	if (!len) {
		snprintf(why, why_len, "empty file (not a perftop snapshot)");
		return -EINVAL;
	}
	if (memcmp(d, SNAPSHOT_MAGIC, len < SNAPSHOT_MAGIC_LEN ? len : SNAPSHOT_MAGIC_LEN)) {
		snprintf(why, why_len, "not a perftop snapshot (bad magic)");
		return -EINVAL;
	}
	if (len < HDR_FLAGS) {
		snprintf(why, why_len, "offset %zu: file ends inside the header (%zu of %d bytes)",
		         len, len, SNAPSHOT_HEADER_LEN);
		return -EINVAL;
	}
	major = (unsigned)le(d + HDR_MAJOR, 2);
	minor = (unsigned)le(d + HDR_MINOR, 2);
	if (major != SNAPSHOT_FORMAT_MAJOR) {
		snprintf(why, why_len, "snapshot format %u.x is %s this perftop (reads %d.x)",
		         major, major > SNAPSHOT_FORMAT_MAJOR ? "newer than" : "older than",
		         SNAPSHOT_FORMAT_MAJOR);
		return -EPROTONOSUPPORT;
	}
	if (len < SNAPSHOT_HEADER_LEN) {
		snprintf(why, why_len, "offset %zu: file ends inside the header (%zu of %d bytes)",
		         len, len, SNAPSHOT_HEADER_LEN);
		return -EINVAL;
	}
	fl = (unsigned)le(d + HDR_FLAGS, 4);
	stored = le(d + HDR_STORED, 8);
	rawlen = le(d + HDR_RAW, 8);
	if (fl & ~(unsigned)SNAPSHOT_KNOWN_FLAGS) {
		snprintf(why, why_len, "offset %d: unknown flags 0x%x", HDR_FLAGS, fl);
		return -EINVAL;
	}
	if (stored > SNAPSHOT_MAX_FILE_BYTES || rawlen > SNAPSHOT_MAX_FILE_BYTES) {
		snprintf(why, why_len, "offset %d: contents of %llu bytes over the limit (%llu)",
		         HDR_STORED, (unsigned long long)(stored > rawlen ? stored : rawlen),
		         (unsigned long long)SNAPSHOT_MAX_FILE_BYTES);
		return -EINVAL;
	}
	if (stored != len - SNAPSHOT_HEADER_LEN) {
		snprintf(why, why_len,
		         "offset %zu: file %s (%zu bytes of contents, the header says %llu)", len,
		         stored > len - SNAPSHOT_HEADER_LEN ? "is truncated"
		                                            : "has bytes past its end",
		         len - SNAPSHOT_HEADER_LEN, (unsigned long long)stored);
		return -EINVAL;
	}
	if (!(fl & SNAPSHOT_FLAG_DEFLATE) && rawlen != stored) {
		snprintf(why, why_len, "offset %d: uncompressed contents of two sizes (%llu, %llu)",
		         HDR_RAW, (unsigned long long)rawlen, (unsigned long long)stored);
		return -EINVAL;
	}
	/* deflate cannot expand more than about 1032 times */
	if ((fl & SNAPSHOT_FLAG_DEFLATE) && rawlen > stored * 1100 + 1024) {
		snprintf(why, why_len, "offset %d: %llu bytes cannot inflate to %llu", HDR_RAW,
		         (unsigned long long)stored, (unsigned long long)rawlen);
		return -EINVAL;
	}
	if (!(flags & SNAPSHOT_LOAD_NO_CHECKSUM) &&
	    crc32(crc32(0, NULL, 0), d + SNAPSHOT_HEADER_LEN, (uInt)stored) != le(d + HDR_CRC, 4)) {
		snprintf(why, why_len,
		         "offset %d: contents do not match their checksum (corrupted)",
		         SNAPSHOT_HEADER_LEN);
		return -EINVAL;
	}
	r.p = d + SNAPSHOT_HEADER_LEN;
	r.len = (size_t)stored;
	r.base = SNAPSHOT_HEADER_LEN;
	if (fl & SNAPSHOT_FLAG_DEFLATE) {
		rc = inflate_contents(r.p, (size_t)stored, rawlen, &raw, why, why_len);
		if (rc < 0)
			return rc;
		r.p = raw;
		r.len = (size_t)rawlen;
	}
	rc = load_contents(m, &r, meta);
	free(raw);
	meta->format_major = major;
	meta->format_minor = minor;
	return rc;
}

int snapshot_load_buf_stoppable(struct model *m, const struct bytebuf *b,
                                struct snapshot_meta *meta, const atomic_bool *stop, char *why,
                                size_t why_len)
{
	struct status st = {false, why, why_len, stop};
	struct rd r = {b->data, b->len, 0, 0, &st};
	int rc;

	memset(meta, 0, sizeof(*meta));
	rc = load_contents(m, &r, meta);
	meta->format_major = SNAPSHOT_FORMAT_MAJOR;
	meta->format_minor = SNAPSHOT_FORMAT_MINOR;
	if (rc < 0 && stop && atomic_load(stop))
		return -ECANCELED;
	return rc;
}

int snapshot_load_buf(struct model *m, const struct bytebuf *b, struct snapshot_meta *meta,
                      char *why, size_t why_len)
{
	return snapshot_load_buf_stoppable(m, b, meta, NULL, why, why_len);
}

int snapshot_load(struct model *m, const char *path, struct snapshot_meta *meta, char *why,
                  size_t why_len)
{
	char reason[512];
	unsigned char *buf = NULL;
	size_t len = 0;
	struct stat sb;
	int fd, rc;

	/* A FIFO, device or terminal is refused without waiting at the open. */
	fd = infile_open(path, reason, sizeof(reason));
	if (fd < 0) {
		snprintf(why, why_len, "cannot open snapshot '%s': %s", path, reason);
		return fd;
	}
	if (fstat(fd, &sb) < 0)
		memset(&sb, 0, sizeof(sb));
	if ((uint64_t)sb.st_size > SNAPSHOT_MAX_FILE_BYTES + SNAPSHOT_HEADER_LEN) {
		snprintf(why, why_len,
		         "cannot open snapshot '%s': %lld bytes over the limit (%llu)", path,
		         (long long)sb.st_size, (unsigned long long)SNAPSHOT_MAX_FILE_BYTES);
		close(fd);
		return -EFBIG;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (len < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)sb.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			snprintf(why, why_len, "cannot open snapshot '%s': %s", path,
			         strerror(-rc));
			free(buf);
			close(fd);
			return rc;
		}
		if (n == 0)
			break; /* shrank while reading: judge what was there */
		len += (size_t)n;
	}
	close(fd);
	rc = snapshot_load_mem(m, buf, len, 0, meta, reason, sizeof(reason));
	free(buf);
	if (rc < 0)
		snprintf(why, why_len, "cannot open snapshot '%s': %s", path, reason);
	return rc;
}
