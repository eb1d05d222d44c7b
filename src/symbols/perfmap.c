/*
 * perfmap — parse and re-read /tmp/perf-PID.map; see perfmap.h.
 *
 * Every good line is kept as a raw entry in file order (its index is its
 * age) with its name in one byte arena, and in an index sorted by start
 * (new entries are sorted apart and merged in, so re-reading a few appended
 * lines does not sort the whole file again). After lines are added, the raw
 * entries are swept in address order into non-overlapping segments, each
 * naming the newest raw entry that covers it: a max-heap by index holds the
 * entries open at the sweep position, expired ones leave it lazily.
 */
#include "symbols/perfmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/scan.h"
#include "util/xalloc.h"

struct raw {
	uint64_t start, end;
	uint32_t name; /* offset in names */
};

struct seg {
	uint64_t start, end;
	uint32_t raw; /* the newest entry covering [start, end) */
};

struct perfmap {
	pid_t pid;
	uid_t uid;
	char *path;
	unsigned recheck_ms;

	struct raw *raw; /* file order */
	size_t nraw, raw_alloc;
	uint32_t *ord; /* indices of raw sorted by start; the first nsorted */
	size_t nsorted;
	char *names;
	size_t names_len, names_alloc;
	struct seg *segs; /* sorted by start, not overlapping */
	size_t nsegs;

	bool skipping;  /* inside a line longer than PERFMAP_MAX_LINE */
	bool have_file; /* dev and ino below are those of the file read */
	dev_t dev;
	ino_t ino;
	uint64_t offset; /* bytes of the file consumed */
	bool checked;
	uint64_t last_check_ms;

	struct perfmap_stats stats;
	char err[512];
};

struct perfmap *perfmap_new(pid_t pid, uid_t uid)
{
	struct perfmap *pm = xcalloc(1, sizeof(*pm));
	char path[64];

	pm->pid = pid;
	pm->uid = uid;
	snprintf(path, sizeof(path), "/tmp/perf-%ld.map", (long)pid);
	pm->path = xstrdup(path);
	pm->recheck_ms = PERFMAP_RECHECK_MS;
	return pm;
}

void perfmap_free(struct perfmap *pm)
{
	if (!pm)
		return;
	free(pm->path);
	free(pm->raw);
	free(pm->ord);
	free(pm->names);
	free(pm->segs);
	free(pm);
}

void perfmap_set_path(struct perfmap *pm, const char *path)
{
	free(pm->path);
	pm->path = xstrdup(path);
}

void perfmap_set_recheck_ms(struct perfmap *pm, unsigned ms)
{
	pm->recheck_ms = ms;
}

const char *perfmap_error(const struct perfmap *pm)
{
	return pm->err;
}

void perfmap_get_stats(const struct perfmap *pm, struct perfmap_stats *out)
{
	*out = pm->stats;
}

/* Forgets everything read (the file was replaced or truncated). */
static void clear(struct perfmap *pm)
{
	pm->nraw = pm->names_len = pm->nsegs = pm->nsorted = 0;
	pm->offset = 0;
	pm->skipping = false;
	pm->have_file = false;
}

/* ---- parsing ----------------------------------------------------------- */

/* One hexadecimal number, optional "0x", at most 16 digits; advances *p. */
static bool scan_hex_0x(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;

	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (scan_hex(&s, end, out) < 0)
		return false;
	*p = s;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool skip_blanks(const char **p, const char *end)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	if (s == *p)
		return false;
	*p = s;
	return true;
}

/* Adds the line [s, end) (newline excluded) when it is good; false when not. */
static bool add_line(struct perfmap *pm, const char *s, const char *end)
{
	uint64_t start, size;
	size_t len;
	char *name;

	while (s < end && is_blank(*s))
		s++;
	if (!scan_hex_0x(&s, end, &start) || !skip_blanks(&s, end) || !scan_hex_0x(&s, end, &size) ||
	    !skip_blanks(&s, end))
		return false;
	while (end > s && (end[-1] == '\r' || is_blank(end[-1])))
		end--;
	if (s == end || size == 0 || start + size < start)
		return false;
	if (pm->nraw >= PERFMAP_MAX_ENTRIES) {
		pm->stats.dropped++;
		return true;
	}
	len = (size_t)(end - s);
	XGROW(pm->names, pm->names_alloc, pm->names_len + len + 1, 4096);
	name = pm->names + pm->names_len;
	/* Names reach the terminal: no control characters. */
	for (size_t i = 0; i < len; i++)
		name[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	name[len] = '\0';
	XGROW(pm->raw, pm->raw_alloc, pm->nraw + 1, 256);
	pm->raw[pm->nraw++] = (struct raw){start, start + size, (uint32_t)pm->names_len};
	pm->names_len += len + 1;
	pm->stats.entries++;
	return true;
}

/* ---- the sweep into segments --------------------------------------------- */

static const struct raw *sort_base;

static int by_start(const void *a, const void *b)
{
	const struct raw *x = &sort_base[*(const uint32_t *)a],
	                 *y = &sort_base[*(const uint32_t *)b];

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Brings pm->ord up to date: the entries added since are sorted apart and
 * merged in, so a re-read of a few lines does not sort the whole file. */
static void sort_new(struct perfmap *pm)
{
	size_t old = pm->nsorted, add = pm->nraw - old, i, j, k;
	uint32_t *fresh = xreallocarray(NULL, add ? add : 1, sizeof(*fresh));
	uint32_t *merged;

	for (k = 0; k < add; k++)
		fresh[k] = (uint32_t)(old + k);
	sort_base = pm->raw;
	qsort(fresh, add, sizeof(*fresh), by_start);
	merged = xreallocarray(NULL, pm->nraw ? pm->nraw : 1, sizeof(*merged));
	for (i = j = k = 0; i < old || j < add;) {
		if (j == add || (i < old && pm->raw[pm->ord[i]].start <= pm->raw[fresh[j]].start))
			merged[k++] = pm->ord[i++];
		else
			merged[k++] = fresh[j++];
	}
	free(pm->ord);
	free(fresh);
	pm->ord = merged;
	pm->nsorted = pm->nraw;
}

/* Max-heap of raw indices (newest on top). */
static void heap_push(uint32_t *h, size_t *n, uint32_t v)
{
	size_t i = (*n)++;

	while (i && h[(i - 1) / 2] < v) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

static void heap_pop(uint32_t *h, size_t *n)
{
	uint32_t v = h[--*n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1] > h[c])
			c++;
		if (h[c] <= v)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = v;
}

static void add_seg(struct perfmap *pm, size_t *alloc, uint64_t start, uint64_t end, uint32_t raw)
{
	struct seg *last = pm->nsegs ? &pm->segs[pm->nsegs - 1] : NULL;

	if (last && last->end == start && last->raw == raw) {
		last->end = end;
		return;
	}
	pm->segs = xgrow(pm->segs, alloc, pm->nsegs + 1, 256, sizeof(*pm->segs));
	pm->segs[pm->nsegs++] = (struct seg){start, end, raw};
}

static void rebuild(struct perfmap *pm)
{
	size_t n = pm->nraw, i = 0, nheap = 0, alloc = 0;
	uint32_t *ord, *heap = xreallocarray(NULL, n ? n : 1, sizeof(*heap));
	uint64_t x = 0;

	sort_new(pm);
	ord = pm->ord;
	free(pm->segs);
	pm->segs = NULL;
	pm->nsegs = 0;
	while (i < n || nheap) {
		const struct raw *top;
		uint64_t next;

		if (!nheap)
			x = pm->raw[ord[i]].start;
		while (i < n && pm->raw[ord[i]].start <= x)
			heap_push(heap, &nheap, ord[i++]);
		while (nheap && pm->raw[heap[0]].end <= x)
			heap_pop(heap, &nheap);
		if (!nheap)
			continue;
		top = &pm->raw[heap[0]];
		next = top->end;
		if (i < n && pm->raw[ord[i]].start < next)
			next = pm->raw[ord[i]].start;
		add_seg(pm, &alloc, x, next, heap[0]);
		x = next;
	}
	free(heap);
}

size_t perfmap_parse(struct perfmap *pm, const char *text, size_t len, bool final)
{
	const char *p = text, *stop = text + len;
	size_t before = pm->nraw;

	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		const char *end = nl ? nl : stop;

		if (!nl && !final && !pm->skipping && end - p <= PERFMAP_MAX_LINE)
			break; /* the rest of the line is still to be written */
		if (pm->skipping) {
			/* the tail of a line already counted as too long */
			pm->skipping = !nl;
		} else if (end - p > PERFMAP_MAX_LINE) {
			pm->stats.malformed++;
			pm->skipping = !nl && !final;
		} else if (end > p && !add_line(pm, p, end)) {
			pm->stats.malformed++;
		}
		p = nl ? nl + 1 : stop;
	}
	if (pm->nraw != before)
		rebuild(pm);
	pm->stats.bytes += (uint64_t)(p - text);
	return (size_t)(p - text);
}

/* ---- the file ---------------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool perfmap_due(const struct perfmap *pm)
{
	return !pm->checked || now_ms() - pm->last_check_ms >= pm->recheck_ms;
}

static int refuse(struct perfmap *pm, int fd, int code, const char *why)
{
	if (fd >= 0)
		close(fd);
	pm->stats.refused++;
	snprintf(pm->err, sizeof(pm->err), "ignored '%s': %s", pm->path, why);
	return code;
}

int perfmap_refresh(struct perfmap *pm, bool force)
{
	struct stat st;
	uint64_t limit, want, got = 0;
	size_t before;
	bool cleared = false;
	char why[128], *buf;
	int fd;

	if (!force && !perfmap_due(pm))
		return 0;
	pm->checked = true;
	pm->last_check_ms = now_ms();
	fd = open(pm->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP)
			return refuse(pm, -1, -ELOOP, "a symbolic link");
		snprintf(why, sizeof(why), "cannot open: %s", strerror(errno));
		return refuse(pm, -1, -errno, why);
	}
	if (fstat(fd, &st) < 0) {
		snprintf(why, sizeof(why), "cannot stat: %s", strerror(errno));
		return refuse(pm, fd, -errno, why);
	}
	if (!S_ISREG(st.st_mode))
		return refuse(pm, fd, -EPERM, "not a regular file");
	if (st.st_uid != pm->uid && st.st_uid != 0) {
		snprintf(why, sizeof(why), "owned by uid %u, not by the process's uid %u or root",
		         (unsigned)st.st_uid, (unsigned)pm->uid);
		return refuse(pm, fd, -EPERM, why);
	}
	if (st.st_nlink != 1)
		return refuse(pm, fd, -EPERM, "more than one hard link");
	pm->err[0] = '\0';
	if (pm->have_file &&
	    (st.st_dev != pm->dev || st.st_ino != pm->ino || (uint64_t)st.st_size < pm->offset)) {
		clear(pm);
		cleared = true;
	}
	before = pm->nraw;
	pm->have_file = true;
	pm->dev = st.st_dev;
	pm->ino = st.st_ino;
	limit = (uint64_t)st.st_size < PERFMAP_MAX_BYTES ? (uint64_t)st.st_size : PERFMAP_MAX_BYTES;
	if (limit <= pm->offset) {
		close(fd);
		return cleared;
	}
	want = limit - pm->offset;
	buf = xmalloc((size_t)want);
	while (got < want) {
		ssize_t n = pread(fd, buf + got, (size_t)(want - got), (off_t)(pm->offset + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (uint64_t)n;
	}
	close(fd);
	pm->stats.reads++;
	/* At the size cap nothing more will be read: a last partial line counts. */
	pm->offset += perfmap_parse(pm, buf, (size_t)got, pm->offset + got >= PERFMAP_MAX_BYTES);
	free(buf);
	if (pm->nraw == before)
		return cleared;
	return (int)(pm->nraw - before);
}

const char *perfmap_lookup(const struct perfmap *pm, uint64_t pc, uint64_t *start)
{
	size_t lo = 0, hi = pm->nsegs;
	const struct raw *r;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pm->segs[mid].start <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || pc >= pm->segs[lo - 1].end)
		return NULL;
	r = &pm->raw[pm->segs[lo - 1].raw];
	if (start)
		*start = r->start;
	return pm->names + r->name;
}

const char *perfmap_find(struct perfmap *pm, uint64_t pc, uint64_t *start)
{
	const char *name = perfmap_lookup(pm, pc, start);

	if (name || perfmap_refresh(pm, false) <= 0)
		return name;
	return perfmap_lookup(pm, pc, start);
}
