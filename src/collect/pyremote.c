/*
 * pyremote — CPython frames of another process, read from outside
 * (pyremote.h).
 *
 * Reads: every read is process_vm_readv, which fails with EFAULT on memory
 * that is not mapped and never faults, writes or stops the target. A
 * thread's frame chain is read as one copy: the thread state and, in the
 * same call, every frame address the previous walk of that thread visited
 * (the data stack puts a frame at the same address each time the stack
 * has the same depth, so a steady stack is all there). A walk that reaches
 * a frame the call did not copy reads it on its own and is then done again
 * with the new addresses. One call is not one instant (it copies page
 * after page while the program runs, and could join frames of two
 * moments), so a sample's frames are those of two walks in a row that
 * needed no reads of their own and agree; after ATTEMPTS walks without
 * that, the race is lost and the sample gets no Python frames. Frames
 * less than a page apart are read as one range (add_range). The code
 * objects of the thread's last walk are read in that same call too, and
 * any other in one more; each is checked (its type is PyCode_Type, its
 * names and first line those the cache knows, the frame's instruction
 * inside its bytecode); what is new is named with a few more calls and
 * cached by address with a generation, so an address reused by another
 * code object is named afresh.
 *
 * Finding the interpreter: the modules of /proc/PID/maps are read (as
 * /proc/PID/root/PATH, so a process in another mount namespace works) for
 * the symbols CPython defines; the first module that defines Py_Version or
 * _PyRuntime is the interpreter. Threads: the runtime's interpreters and
 * each one's thread states, matched by native_thread_id, walked again when
 * a thread is not found (at most every RESCAN_NS for threads that run no
 * Python).
 */
#include "collect/pyremote.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "collect/procperm.h"
#include "pyrt/pyrt.h"
#include "symbols/elfsyms.h"
#include "util/intern.h"
#include "util/xalloc.h"

#define PREFETCH_MAX   (PYREMOTE_MAX_FRAMES + PYREMOTE_MAX_SEGS + 8u)
#define FRAME_BYTES    80u    /* >= every layout's fr_size */
#define TS_BYTES       256u   /* >= every layout's last thread-state field + 8 */
#define CO_BYTES       160u   /* >= every layout's last code field read + 8 */
#define CODE_SLOTS     4096u  /* power of two */
#define LINE_SLOTS     16384u /* power of two */
#define THREADS_MAX    4096u
#define INTERPS_MAX    64u
#define ATTEMPTS       6 /* walks of one sample: two in a row must agree */
#define TEXT_MAX       1023u
#define LINETABLE_MAX  (64u << 10)
#define RESCAN_NS      50000000ull
#define CO_PREFETCH    64u
#define RANGE_GAP      2048u /* < a page: no unmapped page fits between */
#define RANGE_MAX      (64u << 10)
#define PREFETCH_BYTES (256u << 10)

enum { S_VERSION, S_RUNTIME, S_CODE, S_NONE, S_STR, S_BYTES, S_EVAL, S_GETVERSION, S_COUNT };

static const char *const sym_names[S_COUNT] = {
    "Py_Version",
    "_PyRuntime",
    "PyCode_Type",
    "_Py_NoneStruct",
    "PyUnicode_Type",
    "PyBytes_Type",
    "_PyEval_EvalFrameDefault",
    "Py_GetVersion",
};

struct thread_entry {
	pid_t tid;
	uint64_t tstate;
	uint64_t cframe; /* 3.11, 3.12: the _PyCFrame read last time */
	uint32_t npf;
	uint64_t *pf; /* frame addresses the last walk visited */
	uint32_t nco;
	uint64_t co[CO_PREFETCH]; /* code objects the last walk met */
};

struct code_entry {
	uint64_t code, qual, file, table;
	int32_t first;
	uint32_t gen; /* 0: empty */
	const char *name, *fname;
};

struct line_entry {
	uint64_t code;
	uint32_t gen;
	int32_t lasti;
	int32_t line;
};

struct raw_frame {
	uint64_t code, instr;
};

struct pyremote {
	pid_t pid;
	const struct pyrt_layout *L;
	unsigned long hex;
	char version[32];
	uint64_t sym[S_COUNT];
	uint64_t eval_lo, eval_hi;
	struct thread_entry *threads;
	size_t nthreads;
	uint64_t last_scan_ns;
	struct code_entry *codes;
	struct line_entry *lines;
	uint32_t gens;
	struct intern text;
	struct pyremote_stats st;
	/* scratch of one walk */
	uint8_t tsbuf[TS_BYTES];
	uint8_t cfbuf[16];
	uint8_t pfbuf[PREFETCH_BYTES];
	uint8_t missbuf[FRAME_BYTES];
	struct raw_frame raw[PYREMOTE_MAX_FRAMES];
	struct raw_frame prev_raw[PYREMOTE_MAX_FRAMES]; /* the copy before */
	uint16_t prev_seg[PYREMOTE_MAX_SEGS];
	uint32_t prev_nseg;
	int prev_cut;
	uint8_t cobuf[PYREMOTE_MAX_FRAMES * CO_BYTES];
	uint32_t nco_pre;
	uint64_t co_pre_addr[CO_PREFETCH];  /* code objects the walk's call read */
	const uint8_t *co_pre[CO_PREFETCH]; /* their copies, NULL: not read whole */
	uint8_t table[LINETABLE_MAX];
};

/* ---- reads ------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t word(const uint8_t *b, size_t off)
{
	uint64_t v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

/* Copies len bytes at addr in the target: 0, or -EFAULT (not all
 * readable), -ESRCH (gone), -EPERM. */
static int rd(struct pyremote *c, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};
	ssize_t got;

	if (addr < 4096 || addr + len < addr)
		return -EFAULT;
	c->st.syscalls++;
	got = process_vm_readv(c->pid, &local, 1, &remote, 1, 0);
	if (got == (ssize_t)len)
		return 0;
	if (got >= 0)
		return -EFAULT;
	return errno == ESRCH ? -ESRCH : errno == EPERM ? -EPERM : -EFAULT;
}

/* The text of the string object at addr as UTF-8 into out; -1 when it is
 * not a readable string. */
static int read_str(struct pyremote *c, uint64_t addr, char *out, size_t max)
{
	const struct pyrt_layout *L = c->L;
	uint8_t hdr[128];
	uint8_t data[4 * (TEXT_MAX + 1)];
	size_t off, length, want;
	unsigned width;

	if (L->str_compact_size > sizeof(hdr) || rd(c, addr, hdr, L->str_compact_size) < 0)
		return -1;
	if (word(hdr, 8) != c->sym[S_STR] || pyrt_str_shape(L, hdr, &off, &length, &width) < 0)
		return -1;
	if (length > TEXT_MAX)
		length = TEXT_MAX;
	want = length * width;
	if (want && rd(c, addr + off, data, want) < 0)
		return -1;
	return (int)pyrt_str_utf8(data, length, width, out, max);
}

static const char *keep(struct pyremote *c, const char *s)
{
	uint32_t id = intern_put(&c->text, s, strlen(s) + 1, NULL);

	return intern_bytes(&c->text, id, NULL);
}

/* ---- /proc ---------------------------------------------------------------- */

static int read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

/* ---- finding CPython ---------------------------------------------------------- */

/* Looks through the modules of pid's maps for CPython's symbols: 1 when a
 * module defines them (c->sym set), 0 when none does, or a negative errno
 * (the maps could not be read). *nmods: modules looked at. */
static int find_python(struct pyremote *c, int *nmods, char *err, size_t err_len)
{
	char path[64], line[4352], last[4096] = "";
	FILE *f;
	int found = 0;

	*nmods = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)c->pid);
	f = fopen(path, "re");
	if (!f) {
		int e = errno;

		if (e == ENOENT)
			snprintf(err, err_len, "no process %d", (int)c->pid);
		else if (e == EACCES || e == EPERM)
			procperm_explain(c->pid, "its memory map", err, err_len);
		else
			snprintf(err, err_len, "cannot read %s: %s", path, strerror(e));
		return e == ENOENT ? -ESRCH : -e;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long start, end, offset;
		char perms[8], file[4096], full[4200];
		int at = 0;
		struct elfsyms_want want[S_COUNT];

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &offset,
		           &at) < 4 ||
		    !at)
			continue;
		if (sscanf(line + at, "%4095[^\n]", file) != 1 || file[0] != '/')
			continue;
		if (strcmp(file, last) == 0)
			continue; /* the module's other mappings */
		snprintf(last, sizeof(last), "%s", file);
		(*nmods)++;
		for (int k = 0; k < S_COUNT; k++)
			want[k].name = sym_names[k];
		snprintf(full, sizeof(full), "/proc/%d/root%s", (int)c->pid, file);
		if (elfsyms_lookup(full, start, offset, want, S_COUNT, NULL, 0) < 0 &&
		    elfsyms_lookup(file, start, offset, want, S_COUNT, NULL, 0) < 0) {
			/* a file replaced since it was mapped ("... (deleted)"):
			 * the mapping itself, where the kernel lets us open it */
			snprintf(full, sizeof(full), "/proc/%d/map_files/%llx-%llx", (int)c->pid,
			         start, end);
			if (elfsyms_lookup(full, start, offset, want, S_COUNT, NULL, 0) < 0)
				continue;
		}
		if (!want[S_VERSION].found && !want[S_RUNTIME].found && !want[S_GETVERSION].found)
			continue;
		for (int k = 0; k < S_COUNT; k++)
			c->sym[k] = want[k].found ? want[k].addr : 0;
		if (want[S_EVAL].found && want[S_EVAL].size) {
			c->eval_lo = want[S_EVAL].addr;
			c->eval_hi = want[S_EVAL].addr + want[S_EVAL].size;
		}
		found = 1;
	}
	fclose(f);
	return found;
}

int pyremote_open(struct pyremote **out, pid_t pid, char *err, size_t err_len)
{
	struct pyremote *c = xcalloc(1, sizeof(*c));
	char comm[64] = "", path[64];
	uint64_t hex = 0;
	int nmods, rc;

	*out = NULL;
	c->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (read_small(path, comm, sizeof(comm)) == 0)
		comm[strcspn(comm, "\n")] = '\0';
	rc = find_python(c, &nmods, err, err_len);
	if (rc < 0)
		goto bad;
	if (rc == 0) {
		snprintf(err, err_len,
		         "pid %d (%s) is not a CPython process: none of its %d modules defines "
		         "Py_Version or _PyRuntime",
		         (int)pid, comm, nmods);
		rc = -ENOEXEC;
		goto bad;
	}
	if (!c->sym[S_VERSION]) {
		snprintf(err, err_len,
		         "pid %d (%s) runs a CPython older than 3.11 (it has no Py_Version): "
		         "perftop reads the frames of CPython 3.11 to 3.13",
		         (int)pid, comm);
		rc = -EPROTONOSUPPORT;
		goto bad;
	}
	rc = rd(c, c->sym[S_VERSION], &hex, sizeof(hex));
	if (rc == -EPERM) {
		procperm_explain(pid, comm, err, err_len);
		goto bad;
	}
	if (rc < 0) {
		if (rc == -ESRCH)
			snprintf(err, err_len, "pid %d (%s) exited", (int)pid, comm);
		else
			snprintf(err, err_len, "pid %d (%s): cannot read Py_Version", (int)pid,
			         comm);
		goto bad;
	}
	c->hex = (unsigned long)hex;
	pyrt_version_text(c->hex, c->version, sizeof(c->version));
	c->L = pyrt_layout(c->hex);
	if (!c->L) {
		snprintf(err, err_len,
		         "pid %d (%s) runs CPython %s: perftop reads the frames of CPython 3.11 to "
		         "3.13",
		         (int)pid, comm, c->version);
		rc = -EPROTONOSUPPORT;
		goto bad;
	}
	if (!c->sym[S_RUNTIME] || !c->sym[S_CODE] || !c->sym[S_STR] || !c->sym[S_BYTES]) {
		snprintf(err, err_len,
		         "pid %d (%s) runs CPython %s, but it does not define _PyRuntime, "
		         "PyCode_Type, PyUnicode_Type and PyBytes_Type, which frames are read with",
		         (int)pid, comm, c->version);
		rc = -EPROTONOSUPPORT;
		goto bad;
	}
	if (c->L->minor >= 13) {
		uint8_t dbg[PYRT_DEBUG_OFFSETS_BYTES];
		const char *why;

		rc = rd(c, c->sym[S_RUNTIME], dbg, sizeof(dbg));
		if (rc < 0) {
			snprintf(err, err_len, "pid %d (%s): cannot read _PyRuntime", (int)pid,
			         comm);
			goto bad;
		}
		if (pyrt_check_debug_offsets(c->L, c->hex, dbg, sizeof(dbg), &why) < 0) {
			snprintf(
			    err, err_len,
			    "pid %d (%s) runs CPython %s in a build whose layout differs from the "
			    "one perftop knows (%s)",
			    (int)pid, comm, c->version, why);
			rc = -EPROTONOSUPPORT;
			goto bad;
		}
	}
	c->codes = xcalloc(CODE_SLOTS, sizeof(*c->codes));
	c->lines = xcalloc(LINE_SLOTS, sizeof(*c->lines));
	intern_init(&c->text);
	*out = c;
	return 0;
bad:
	free(c);
	return rc;
}

void pyremote_close(struct pyremote *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nthreads; i++)
		free(c->threads[i].pf);
	free(c->threads);
	free(c->codes);
	free(c->lines);
	intern_release(&c->text);
	free(c);
}

const char *pyremote_version(const struct pyremote *c)
{
	return c->version;
}

void pyremote_eval_range(const struct pyremote *c, uint64_t *lo, uint64_t *hi)
{
	*lo = c->eval_lo;
	*hi = c->eval_hi;
}

void pyremote_stats(const struct pyremote *c, struct pyremote_stats *st)
{
	*st = c->st;
}

/* ---- threads ------------------------------------------------------------------- */

/* Walks the interpreters' thread lists again; keeps what it knew of the
 * threads still there. Returns 0 or a negative errno. */
static int rescan(struct pyremote *c)
{
	const struct pyrt_layout *L = c->L;
	struct thread_entry *list = NULL;
	size_t n = 0, alloc = 0;
	uint64_t interp, ts;
	int rc;

	c->st.rescans++;
	c->last_scan_ns = now_ns();
	rc = rd(c, c->sym[S_RUNTIME] + L->rt_interp_head, &interp, sizeof(interp));
	for (unsigned i = 0; rc == 0 && interp && i < INTERPS_MAX; i++) {
		uint64_t next;

		if ((rc = rd(c, interp + L->in_threads_head, &ts, sizeof(ts))) < 0 ||
		    (rc = rd(c, interp + L->in_next, &next, sizeof(next))) < 0)
			break;
		for (unsigned k = 0; ts && n < THREADS_MAX; k++) {
			uint8_t buf[TS_BYTES];
			size_t j;

			if ((rc = rd(c, ts, buf, (size_t)L->ts_native_tid + 8)) < 0)
				break;
			if (n == alloc) {
				alloc = alloc ? 2 * alloc : 16;
				list = xreallocarray(list, alloc, sizeof(*list));
			}
			memset(&list[n], 0, sizeof(list[n]));
			list[n].tid = (pid_t)word(buf, L->ts_native_tid);
			list[n].tstate = ts;
			for (j = 0; j < c->nthreads; j++)
				if (c->threads[j].tid == list[n].tid &&
				    c->threads[j].tstate == ts && c->threads[j].pf) {
					list[n] = c->threads[j];
					c->threads[j].pf = NULL;
					break;
				}
			n++;
			ts = word(buf, L->ts_next);
		}
		interp = next;
	}
	for (size_t j = 0; j < c->nthreads; j++)
		free(c->threads[j].pf);
	free(c->threads);
	c->threads = list;
	c->nthreads = n;
	return rc == -ESRCH ? rc : 0;
}

static struct thread_entry *thread_of(struct pyremote *c, pid_t tid)
{
	for (size_t i = 0; i < c->nthreads; i++)
		if (c->threads[i].tid == tid)
			return &c->threads[i];
	return NULL;
}

int pyremote_threads(struct pyremote *c, pid_t *tids, size_t max)
{
	int rc = rescan(c);
	size_t n = 0;

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < c->nthreads && n < max; i++)
		tids[n++] = c->threads[i].tid;
	return (int)n;
}

/* ---- the walk -------------------------------------------------------------------- */

/* A part of the target read in one piece. */
struct range {
	uint64_t lo, hi;
	size_t buf; /* where in pfbuf */
};

/* The copy of the frame at addr, prefetched in range k; NULL when that
 * range was not read whole. */
static const uint8_t *frame_in(struct pyremote *c, const struct range *rg, uint32_t rgok,
                               uint32_t k, uint64_t addr)
{
	return k < rgok ? c->pfbuf + rg[k].buf + (addr - rg[k].lo) : NULL;
}

/* Adds len bytes at a to the ranges rg[0..*nrg): into the last one when
 * they are less than RANGE_GAP apart (no unmapped page fits between, so
 * the bytes between are read along: a data stack chunk becomes one
 * range), else as a new one. Returns the range's index. */
static uint16_t add_range(struct range *rg, uint32_t *nrg, uint64_t a, size_t len)
{
	uint64_t e = a + len;
	struct range *r = *nrg ? &rg[*nrg - 1] : NULL;

	if (r && a < r->hi + RANGE_GAP && e + RANGE_GAP > r->lo &&
	    (e > r->hi ? e : r->hi) - (a < r->lo ? a : r->lo) <= RANGE_MAX) {
		if (a < r->lo)
			r->lo = a;
		if (e > r->hi)
			r->hi = e;
	} else {
		r = &rg[(*nrg)++];
		r->lo = a;
		r->hi = e;
	}
	return (uint16_t)(*nrg - 1);
}

/* One try at thread th's frame chain: raw frames into c->raw, segments
 * into out. Returns the number of raw frames, -ENOENT when the thread
 * state is no longer th's, or another negative errno; *missed: some frame
 * was not in the one copy (the walk must be done again). */
static int walk(struct pyremote *c, struct thread_entry *th, struct pyremote_stack *out,
                int *missed)
{
	const struct pyrt_layout *L = c->L;
	struct iovec loc[2 + PREFETCH_MAX + CO_PREFETCH], rem[2 + PREFETCH_MAX + CO_PREFETCH];
	uint64_t newpf[PREFETCH_MAX];
	struct range rg[PREFETCH_MAX + CO_PREFETCH];
	uint16_t pf_rg[PREFETCH_MAX], co_rg[CO_PREFETCH];
	uint32_t npf = 0, cursor = 0, n = 0, steps = 0, pfbase, nrg = 0, rgok;
	size_t tslen = (size_t)L->ts_native_tid + 8, used = 0;
	uint64_t frame;
	int cf_read = 0, niov = 0;
	ssize_t got;

	*missed = 0;
	out->nseg = 0;
	out->cut = 0;
	if (L->ts_cframe + 8u > tslen)
		tslen = L->ts_cframe + 8u;
	if (L->ts_current_frame + 8u > tslen)
		tslen = L->ts_current_frame + 8u;
	loc[niov] = (struct iovec){c->tsbuf, tslen};
	rem[niov++] = (struct iovec){(void *)(uintptr_t)th->tstate, tslen};
	if (L->ts_cframe && th->cframe) {
		loc[niov] = (struct iovec){c->cfbuf, (size_t)L->cframe_current + 8};
		rem[niov++] =
		    (struct iovec){(void *)(uintptr_t)th->cframe, (size_t)L->cframe_current + 8};
		cf_read = 1;
	}
	/* the frames of last time, as few ranges as may be (add_range) */
	pfbase = (uint32_t)niov;
	for (uint32_t i = 0; i < th->npf; i++)
		pf_rg[i] = add_range(rg, &nrg, th->pf[i], L->fr_size);
	/* and the code objects of last time, checked in the same call */
	for (uint32_t j = 0; j < th->nco; j++)
		co_rg[j] = add_range(rg, &nrg, th->co[j], CO_BYTES);
	for (uint32_t k = 0; k < nrg; k++) {
		size_t len = rg[k].hi - rg[k].lo;

		if (used + len > sizeof(c->pfbuf)) {
			nrg = k; /* what does not fit is read when met */
			break;
		}
		rg[k].buf = used;
		used += len;
		loc[niov] = (struct iovec){c->pfbuf + rg[k].buf, len};
		rem[niov++] = (struct iovec){(void *)(uintptr_t)rg[k].lo, len};
	}
	c->st.syscalls++;
	got = process_vm_readv(c->pid, loc, (unsigned long)niov, rem, (unsigned long)niov, 0);
	if (got < 0)
		return errno == ESRCH ? -ESRCH : errno == EPERM ? -EPERM : -ENOENT;
	/* which copies are whole: the call stops at the first it cannot read */
	{
		size_t acc = 0;
		int whole = 0;

		while (whole < niov && acc + loc[whole].iov_len <= (size_t)got)
			acc += loc[whole++].iov_len;
		if (whole < 1)
			return -ENOENT;
		if (cf_read && whole < 2)
			cf_read = 0;
		rgok = whole > (int)pfbase ? (uint32_t)whole - pfbase : 0;
	}
	c->nco_pre = th->nco;
	for (uint32_t j = 0; j < th->nco; j++) {
		c->co_pre_addr[j] = th->co[j];
		c->co_pre[j] = frame_in(c, rg, rgok, co_rg[j], th->co[j]);
	}
	if ((pid_t)word(c->tsbuf, L->ts_native_tid) != th->tid)
		return -ENOENT;
	if (L->ts_cframe) {
		uint64_t cf = word(c->tsbuf, L->ts_cframe);

		if (!(cf_read && cf == th->cframe)) {
			int rc;

			*missed = 1;
			th->cframe = cf;
			if ((rc = rd(c, cf, c->cfbuf, (size_t)L->cframe_current + 8)) < 0)
				return rc == -ESRCH ? rc : -EAGAIN;
		}
		frame = word(c->cfbuf, L->cframe_current);
	} else {
		frame = word(c->tsbuf, L->ts_current_frame);
	}
	while (frame) {
		const uint8_t *fb = NULL;
		uint8_t owner;

		if (++steps > 4 * PYREMOTE_MAX_FRAMES || (frame & 7) || frame < 4096)
			return -EAGAIN;
		if (cursor < th->npf && th->pf[cursor] == frame) {
			fb = frame_in(c, rg, rgok, pf_rg[cursor], frame);
			cursor++;
		} else {
			for (uint32_t i = 0; i < th->npf; i++)
				if (th->pf[i] == frame) {
					fb = frame_in(c, rg, rgok, pf_rg[i], frame);
					cursor = i + 1;
					break;
				}
		}
		if (!fb) {
			int rc = rd(c, frame, c->missbuf, L->fr_size);

			if (rc < 0)
				return rc == -ESRCH ? rc : -EAGAIN;
			*missed = 1;
			fb = c->missbuf;
		}
		if (npf < PREFETCH_MAX)
			newpf[npf++] = frame;
		owner = fb[L->fr_owner];
		if (L->owner_cstack && owner == L->owner_cstack) {
			/* an eval loop's own entry frame: its segment ends */
			if (out->nseg == PYREMOTE_MAX_SEGS) {
				out->cut = 1;
				break;
			}
			out->seg_end[out->nseg++] = (uint16_t)n;
			frame = word(fb, L->fr_previous);
			continue;
		}
		if (owner > 3)
			return -EAGAIN;
		if (n == PYREMOTE_MAX_FRAMES) {
			out->cut = 1;
			break;
		}
		c->raw[n].code = word(fb, L->fr_code) & ~(uint64_t)L->code_tag_mask;
		c->raw[n].instr = word(fb, L->fr_instr);
		n++;
		if (L->fr_is_entry && fb[L->fr_is_entry]) {
			if (out->nseg == PYREMOTE_MAX_SEGS) {
				out->cut = 1;
				break;
			}
			out->seg_end[out->nseg++] = (uint16_t)n;
		}
		frame = word(fb, L->fr_previous);
	}
	/* the frames after the last entry (a chain cut short) form a segment too */
	if (n && (out->nseg == 0 || out->seg_end[out->nseg - 1] != n)) {
		if (out->nseg < PYREMOTE_MAX_SEGS)
			out->seg_end[out->nseg++] = (uint16_t)n;
		else
			n = out->seg_end[out->nseg - 1];
	}
	memcpy(th->pf, newpf, npf * sizeof(newpf[0]));
	th->npf = npf;
	return (int)n;
}

/* ---- code objects and lines ---------------------------------------------------------- */

static uint32_t hash64(uint64_t v)
{
	v *= 0x9e3779b97f4a7c15ull;
	return (uint32_t)(v >> 32);
}

/* The cache entry of the code object whose first CO_BYTES are co (at
 * address code): named afresh when the address now holds another one.
 * NULL when its names cannot be read. */
static struct code_entry *code_of(struct pyremote *c, uint64_t code, const uint8_t *co)
{
	const struct pyrt_layout *L = c->L;
	uint64_t qual = word(co, L->co_qualname), file = word(co, L->co_filename);
	int32_t first;
	uint32_t h = hash64(code);
	struct code_entry *slot = NULL, *e;
	char name[TEXT_MAX + 1], path[TEXT_MAX + 1];

	memcpy(&first, co + L->co_firstlineno, sizeof(first));
	for (uint32_t i = 0; i < 8; i++) {
		e = &c->codes[(h + i) & (CODE_SLOTS - 1)];
		if (e->gen && e->code == code) {
			if (e->qual == qual && e->file == file && e->first == first)
				return e;
			slot = e; /* the address holds another code object now */
			break;
		}
		if (!e->gen && !slot)
			slot = e;
	}
	if (!slot)
		slot = &c->codes[h & (CODE_SLOTS - 1)]; /* full here: the first one goes */
	if (read_str(c, qual, name, sizeof(name)) < 0 || read_str(c, file, path, sizeof(path)) < 0)
		return NULL;
	c->st.code_learned++;
	slot->code = code;
	slot->qual = qual;
	slot->file = file;
	slot->first = first;
	slot->table = word(co, L->co_linetable);
	slot->gen = ++c->gens;
	slot->name = keep(c, name);
	slot->fname = keep(c, path);
	return slot;
}

/* The line instruction lasti of e runs; -1 when its table cannot be read. */
static int line_of(struct pyremote *c, const struct code_entry *e, int lasti)
{
	const struct pyrt_layout *L = c->L;
	struct line_entry *le =
	    &c->lines[(hash64(e->code ^ ((uint64_t)e->gen << 40)) ^ (uint32_t)lasti * 2654435761u) &
	              (LINE_SLOTS - 1)];
	uint8_t hdr[64];
	int64_t size;

	if (le->line && le->code == e->code && le->gen == e->gen && le->lasti == lasti)
		return le->line;
	if (L->bytes_data > sizeof(hdr) || rd(c, e->table, hdr, L->bytes_data) < 0)
		return -1;
	memcpy(&size, hdr + L->bytes_size, sizeof(size));
	if (word(hdr, 8) != c->sym[S_BYTES] || size < 0 || size > (int64_t)LINETABLE_MAX ||
	    (size && rd(c, e->table + L->bytes_data, c->table, (size_t)size) < 0))
		return -1;
	le->code = e->code;
	le->gen = e->gen;
	le->lasti = lasti;
	le->line = pyrt_line(c->table, (size_t)size, e->first, lasti);
	if (le->line <= 0)
		le->line = e->first;
	return le->line;
}

/* The copy of code object code that the walk's call read, or NULL. */
static const uint8_t *code_prefetched(const struct pyremote *c, uint64_t code)
{
	for (uint32_t j = 0; j < c->nco_pre; j++)
		if (c->co_pre_addr[j] == code)
			return c->co_pre[j];
	return NULL;
}

/* Names the n raw frames of th into out->frame, checking each code
 * object: copies the walk's call made, the others read in one more call.
 * Returns 0 or a negative errno. */
static int name_frames(struct pyremote *c, struct thread_entry *th, uint32_t n,
                       struct pyremote_stack *out)
{
	const uint8_t *pre[PYREMOTE_MAX_FRAMES];
	const struct pyrt_layout *L = c->L;
	struct iovec loc[PYREMOTE_MAX_FRAMES], rem[PYREMOTE_MAX_FRAMES];
	struct iovec mloc[PYREMOTE_MAX_FRAMES], mrem[PYREMOTE_MAX_FRAMES];
	uint16_t slot_of[PYREMOTE_MAX_FRAMES];
	uint32_t nco = 0, nmiss = 0;
	size_t want = 0;
	ssize_t got;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t k;

		/* a recursion reads its code object once */
		for (k = (nco > 4 ? nco - 4 : 0); k < nco; k++)
			if ((uint64_t)(uintptr_t)rem[k].iov_base == c->raw[i].code)
				break;
		if (k == nco) {
			if (c->raw[i].code < 4096 || (c->raw[i].code & 7))
				return -EAGAIN;
			pre[nco] = code_prefetched(c, c->raw[i].code);
			loc[nco] = (struct iovec){c->cobuf + (size_t)nco * CO_BYTES, CO_BYTES};
			rem[nco] = (struct iovec){(void *)(uintptr_t)c->raw[i].code, CO_BYTES};
			nco++;
		}
		slot_of[i] = (uint16_t)k;
	}
	if (!n)
		return 0;
	/* the ones the walk's call did not read, in one call */
	for (uint32_t k = 0; k < nco; k++)
		if (!pre[k]) {
			mloc[nmiss] = loc[k];
			mrem[nmiss++] = rem[k];
			want += CO_BYTES;
		}
	if (nmiss) {
		c->st.syscalls++;
		got = process_vm_readv(c->pid, mloc, nmiss, mrem, nmiss, 0);
		if (got < 0 && errno == ESRCH)
			return -ESRCH;
		if (got != (ssize_t)want)
			return -EAGAIN; /* a code object gone since the walk */
	}
	th->nco = nco < CO_PREFETCH ? nco : CO_PREFETCH;
	for (uint32_t k = 0; k < th->nco; k++)
		th->co[k] = (uint64_t)(uintptr_t)rem[k].iov_base;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *co =
		    pre[slot_of[i]] ? pre[slot_of[i]] : c->cobuf + (size_t)slot_of[i] * CO_BYTES;
		struct code_entry *e;
		int64_t units;
		int lasti, line;

		if (word(co, 8) != c->sym[S_CODE])
			return -EAGAIN;
		memcpy(&units, co + L->co_units, sizeof(units));
		lasti = pyrt_lasti(L, c->raw[i].code, c->raw[i].instr);
		if (units <= 0 || lasti >= units)
			return -EAGAIN; /* the instruction is not this code's */
		if (!(e = code_of(c, c->raw[i].code, co)) || (line = line_of(c, e, lasti)) < 0)
			return -EAGAIN;
		out->frame[i] = (struct pyremote_frame){
		    .code = e->code,
		    .gen = e->gen,
		    .first = e->first,
		    .line = line,
		    .name = e->name,
		    .file = e->fname,
		};
	}
	return 0;
}

/* The walk before and this one saw the same frames: the same code
 * objects, and the same instructions in every frame but the leaf (the one
 * running: it moves on between two copies; its callers wait at a call). */
static bool same_frames(const struct pyremote *c, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (c->prev_raw[i].code != c->raw[i].code ||
		    (i > 0 && c->prev_raw[i].instr != c->raw[i].instr))
			return false;
	return true;
}

int pyremote_frames(struct pyremote *c, pid_t tid, struct pyremote_stack *out)
{
	struct thread_entry *th;
	int n = 0, missed = 1, rescanned = 0, rc, prev_n = -1, stable = 0;

	c->st.samples++;
	out->n = 0;
	out->nseg = 0;
	out->cut = 0;
	th = thread_of(c, tid);
	for (int attempt = 0; attempt < ATTEMPTS && !stable; attempt++) {
		if (!th) {
			if (rescanned || now_ns() - c->last_scan_ns < RESCAN_NS)
				return 0; /* no thread state: no Python on this thread */
			if ((rc = rescan(c)) < 0)
				goto failed;
			rescanned = 1;
			if (!(th = thread_of(c, tid)))
				return 0;
		}
		if (!th->pf)
			th->pf = xcalloc(PREFETCH_MAX, sizeof(*th->pf));
		n = walk(c, th, out, &missed);
		if (n == -ENOENT) {
			/* the thread state is not this thread's any more */
			th->tid = 0;
			th = NULL;
			prev_n = -1;
			continue;
		}
		if (n < 0) {
			rc = n;
			goto failed;
		}
		if (missed) {
			prev_n = -1;
			continue;
		}
		/* One call copies page after page while the program runs: a
		 * copy whose leaf end is later than its root end can join
		 * frames of two moments. Two copies in a row that agree are
		 * the stack as it was (same_frames). */
		if (prev_n == n && c->prev_nseg == out->nseg && c->prev_cut == out->cut &&
		    same_frames(c, (uint32_t)n) &&
		    memcmp(c->prev_seg, out->seg_end, out->nseg * sizeof(out->seg_end[0])) == 0) {
			stable = 1;
			break;
		}
		prev_n = n;
		c->prev_nseg = out->nseg;
		c->prev_cut = out->cut;
		memcpy(c->prev_raw, c->raw, (size_t)n * sizeof(c->raw[0]));
		memcpy(c->prev_seg, out->seg_end, out->nseg * sizeof(out->seg_end[0]));
	}
	if (!stable) {
		rc = th ? -EAGAIN : 0; /* still changing under us: a race lost */
		if (!rc)
			return 0;
		goto failed;
	}
	if ((rc = name_frames(c, th, (uint32_t)n, out)) < 0)
		goto failed;
	if (out->cut) {
		out->frame[n] = (struct pyremote_frame){.name = PYREMOTE_CUT_NAME, .file = ""};
		n++;
	}
	out->n = (uint32_t)n;
	return n;
failed:
	c->st.failed++;
	out->n = 0;
	out->nseg = 0;
	out->cut = 0;
	return rc == -ESRCH ? -ESRCH : rc == -EAGAIN ? -EAGAIN : -EFAULT;
}

/* ---- the splice ---------------------------------------------------------------------- */

uint32_t pyremote_splice(const struct pyremote *c, const uint64_t *pcs, uint32_t n, int native_cut,
                         const struct pyremote_stack *py, struct pyremote_slot *out, uint32_t max)
{
	uint16_t evals[1024], anchor[PYREMOTE_MAX_SEGS];
	uint32_t ne = 0, ns = py ? py->nseg : 0, w = 0, seg = 0, from = 0;

	if (n > UINT16_MAX)
		n = UINT16_MAX;
	for (uint32_t i = 0; i < n && ne < 1024; i++) {
		uint64_t at = i ? pcs[i] - 1 : pcs[i];

		if (at >= c->eval_lo && at < c->eval_hi)
			evals[ne++] = (uint16_t)i;
	}
	pyrt_splice_anchors(evals, ne, ns, n, py && py->cut ? 1 : native_cut, anchor);
	for (uint32_t i = 0; i <= n; i++) {
		while (seg < ns && anchor[seg] == i) {
			for (uint32_t k = from; k < py->seg_end[seg] && w < max; k++)
				out[w++] = (struct pyremote_slot){.python = 1, .index = k};
			from = py->seg_end[seg];
			seg++;
			if (seg == ns && py->cut && w < max)
				out[w++] = (struct pyremote_slot){.python = 1, .index = py->n - 1};
		}
		if (i < n && w < max)
			out[w++] = (struct pyremote_slot){.python = 0, .index = i};
	}
	return w;
}
