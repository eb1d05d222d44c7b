/*
 * procfs — the machine and its processes through libproc2; see procfs.h.
 *
 * Two pids handles live as long as the struct: `list` asks only for items
 * /proc/PID/stat holds (full scans), `detail` adds the I/O counters (listed
 * and detail pids). Context switches (status), the fd count (fd/) and the
 * command line are not libproc2 items we can afford per tick, so they are
 * read here with one reused buffer. Readings, per-CPU figures and the
 * command-line cache are kept between reads so a steady tick allocates
 * nothing of its own.
 */
#include "collect/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libproc2/meminfo.h>
#include <libproc2/misc.h>
#include <libproc2/pids.h>
#include <libproc2/stat.h>

#include "collect/execcheck.h"
#include "util/hashmap.h"
#include "util/xalloc.h"

/* libproc2 selects at most this many pids per call. */
enum { SELECT_MAX = 255 };
/* Cache entries of processes not seen for this long are dropped. */
enum { CACHE_SWEEP_S = 10 };
/* /proc/PID/status is read whole up to this size. */
enum { STATUS_MAX = 64 * 1024 };

/* Items of the pids handles, in this order; `list` stops at PI_LIST_COUNT. */
#define PIDS_ITEMS(X)                  \
	X(PID, PIDS_ID_PID)            \
	X(PPID, PIDS_ID_PPID)          \
	X(UID, PIDS_ID_EUID)           \
	X(USER, PIDS_ID_EUSER)         \
	X(COMM, PIDS_CMD)              \
	X(STATE, PIDS_STATE)           \
	X(THREADS, PIDS_NLWP)          \
	X(START, PIDS_TICS_BEGAN)      \
	X(TICKS, PIDS_TICS_ALL)        \
	X(RSS, PIDS_RSS)               \
	X(VSIZE, PIDS_VSIZE_BYTES)     \
	X(IO_READ, PIDS_IO_READ_BYTES) \
	X(IO_WRITE, PIDS_IO_WRITE_BYTES)

enum {
#define X(id, item) PI_##id,
	PIDS_ITEMS(X)
#undef X
	PI_COUNT,
	PI_LIST_COUNT = PI_IO_READ,
};

static enum pids_item pids_items[PI_COUNT] = {
#define X(id, item) item,
	PIDS_ITEMS(X)
#undef X
};

#define STAT_ITEMS(X)               \
	X(ID, STAT_TIC_ID)          \
	X(USER, STAT_TIC_USER)      \
	X(NICE, STAT_TIC_NICE)      \
	X(SYSTEM, STAT_TIC_SYSTEM)  \
	X(IDLE, STAT_TIC_IDLE)      \
	X(IOWAIT, STAT_TIC_IOWAIT)  \
	X(IRQ, STAT_TIC_IRQ)        \
	X(SOFTIRQ, STAT_TIC_SOFTIRQ) \
	X(STEAL, STAT_TIC_STOLEN)

enum {
#define X(id, item) SI_##id,
	STAT_ITEMS(X)
#undef X
	SI_COUNT
};

static enum stat_item stat_items[SI_COUNT] = {
#define X(id, item) item,
	STAT_ITEMS(X)
#undef X
};

enum { MI_TOTAL, MI_AVAILABLE, MI_SWAP_TOTAL, MI_SWAP_FREE, MI_COUNT };
static enum meminfo_item mem_items[MI_COUNT] = {
	MEMINFO_MEM_TOTAL,
	MEMINFO_MEM_AVAILABLE,
	MEMINFO_SWAP_TOTAL,
	MEMINFO_SWAP_FREE,
};

/* A process's command line, read once and kept while the process lives. */
struct cmd_entry {
	unsigned long long start_ticks; /* tells a reused pid apart */
	char comm[MODEL_COMM_LEN];      /* changes on exec: read the line again */
	char *cmdline;                  /* space-joined argv, "" when empty */
	double read_at, seen_at;        /* CLOCK_BOOTTIME seconds */
	bool exe_checked;               /* a detail read checked its executable */
	char *agent_why;                /* why the agent cannot load, or NULL */
};

struct procfs {
	struct stat_info *stat;
	struct meminfo_info *mem;
	struct pids_info *list;   /* full scans: stat items only */
	struct pids_info *detail; /* listed and detail pids: stat + io */
	long hz;
	unsigned long page_kb;

	struct cpu_jiffies *cpus;
	size_t cpus_cap;
	struct proc_reading *procs;
	size_t nprocs, procs_cap;

	pid_t *detail_pids; /* sorted */
	size_t ndetail, detail_cap;
	unsigned *sel; /* a batch of pids for procps_pids_select */

	struct hashmap cmds; /* pid -> struct cmd_entry * */
	double last_sweep;

	char *buf; /* file contents: status, cmdline, fd entries */
	size_t buf_cap;
};

#ifdef __SANITIZE_ADDRESS__
/* libproc2 keeps per-thread buffers in __thread pointers that it never
 * frees; when the collector thread ends, LeakSanitizer reports them. They
 * are libproc2's and bounded (one set per thread), so sanitizer builds
 * suppress leaks allocated inside libproc2 through this LSan hook. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libproc2.so\n";
}

/* Keep stderr clean: tests check that perftop prints nothing on exit. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

/* ---- small readers --------------------------------------------------------- */

static double boottime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void buf_reserve(struct procfs *pf, size_t need)
{
	XGROW(pf->buf, pf->buf_cap, need, 4096);
}

/* Reads /proc/PID/name into pf->buf, at most max bytes, NUL-terminated.
 * Returns the length, or a negative errno. */
static ssize_t read_proc_file(struct procfs *pf, pid_t pid, const char *name, size_t max)
{
	char path[64];
	size_t len = 0;
	int fd, err;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf_reserve(pf, 4096);
	while (len < max) {
		size_t room;
		ssize_t n;

		if (len + 1 >= pf->buf_cap)
			buf_reserve(pf, pf->buf_cap * 2);
		room = pf->buf_cap - 1 - len;
		if (room > max - len)
			room = max - len;
		n = read(fd, pf->buf + len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	pf->buf[len] = '\0';
	return (ssize_t)len;
}

/* The number after key in text, or 0 when key is absent. */
static unsigned long long status_field(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* Reads the context-switch counters from /proc/PID/status. */
static bool read_csw(struct procfs *pf, pid_t pid, unsigned long long *vcsw,
		     unsigned long long *ivcsw)
{
	if (read_proc_file(pf, pid, "status", STATUS_MAX) <= 0)
		return false;
	*vcsw = status_field(pf->buf, "\nvoluntary_ctxt_switches:");
	*ivcsw = status_field(pf->buf, "\nnonvoluntary_ctxt_switches:");
	return true;
}

/* Open fds of pid, or -1 when /proc/PID/fd cannot be opened. Since Linux
 * 6.2 the directory's size is the count; older kernels report 0, and then
 * the entries are counted. */
static int count_fds(struct procfs *pf, pid_t pid)
{
	char path[48];
	struct stat st;
	int fd, count = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		close(fd);
		return (int)st.st_size;
	}
	buf_reserve(pf, 16384);
	for (;;) {
		long n = syscall(SYS_getdents64, fd, pf->buf, pf->buf_cap);

		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			const char *name = pf->buf + off + 19; /* d_ino, d_off, d_reclen, d_type */
			unsigned short reclen;

			memcpy(&reclen, pf->buf + off + 16, sizeof(reclen));
			if (name[0] != '.')
				count++;
			off += reclen;
		}
	}
	close(fd);
	return count;
}

/* ---- command lines ------------------------------------------------------------ */

/* Reads pid's command line into e->cmdline: argv joined by spaces, control
 * characters shown as '?', "" for a kernel thread or a zombie. */
/* Reads pid's command line into e; true when it changed. */
static bool cmd_read(struct procfs *pf, pid_t pid, struct cmd_entry *e)
{
	ssize_t n = read_proc_file(pf, pid, "cmdline", PROCFS_CMDLINE_MAX);
	char *s = pf->buf;

	if (n < 0)
		n = 0;
	while (n > 0 && s[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			s[i] = ' ';
		else if (c < 0x20 || c == 0x7f)
			s[i] = '?';
	}
	s[n < 0 ? 0 : n] = '\0';
	if (!e->cmdline || strcmp(e->cmdline, s)) {
		free(e->cmdline);
		e->cmdline = xstrdup(s);
		return true;
	}
	return false;
}

/* Checks once (and again after an exec) whether the agent can load into a
 * detail process's executable; e->agent_why says why not. */
static void exe_check(struct cmd_entry *e, pid_t pid)
{
	char path[48], why[MODEL_WHY_LEN];

	e->exe_checked = true;
	free(e->agent_why);
	e->agent_why = NULL;
	snprintf(path, sizeof(path), "/proc/%ld/exe", (long)pid);
	if (execcheck_agent(path, getuid(), getgid(), why, sizeof(why)) == 1)
		e->agent_why = xstrdup(why);
}

/* The cached command line of r's process, read when new or stale; for a
 * detail process, r->agent_why too. */
static const char *cmd_for(struct procfs *pf, struct proc_reading *r, double now)
{
	struct cmd_entry *e = hashmap_get(&pf->cmds, (uint64_t)r->pid);
	bool stale;

	if (!e) {
		e = xcalloc(1, sizeof(*e));
		hashmap_put(&pf->cmds, (uint64_t)r->pid, e);
		stale = true;
	} else {
		stale = e->start_ticks != r->start_ticks || strcmp(e->comm, r->comm) ||
			now - e->read_at >= PROCFS_CMDLINE_REFRESH_S;
	}
	if (stale) {
		e->start_ticks = r->start_ticks;
		memcpy(e->comm, r->comm, sizeof(e->comm));
		e->read_at = now;
		cmd_read(pf, r->pid, e);
		e->exe_checked = false; /* an exec changes comm */
	} else if (r->csw_ok && r->state != 'Z' && cmd_read(pf, r->pid, e)) {
		/* A detail process's line is read at every reading: an exec
		 * that keeps the name (a program running itself, a tree's
		 * forked child exec'ing) changes only the line. */
		e->exe_checked = false;
	}
	if (r->csw_ok && !e->exe_checked && r->state != 'Z')
		exe_check(e, r->pid);
	r->agent_why = e->agent_why;
	e->seen_at = now;
	return e->cmdline;
}

/* Drops cached lines of processes not seen lately. */
static void cmd_sweep(struct procfs *pf, double now)
{
	size_t pos = 0;
	uint64_t key;
	void *val;

	if (now - pf->last_sweep < CACHE_SWEEP_S)
		return;
	pf->last_sweep = now;
	while (hashmap_next(&pf->cmds, &pos, &key, &val)) {
		struct cmd_entry *e = val;

		if (now - e->seen_at > CACHE_SWEEP_S) {
			hashmap_remove(&pf->cmds, key);
			free(e->cmdline);
			free(e->agent_why);
			free(e);
		}
	}
}

/* ---- open / close ----------------------------------------------------------------- */

enum { PROCFS_FD_SCAN = 256 }; /* descriptors looked at around libproc2's set-up */

/* Which of the first PROCFS_FD_SCAN descriptors are open. */
static void open_fds(bool *open)
{
	for (int fd = 0; fd < PROCFS_FD_SCAN; fd++)
		open[fd] = fcntl(fd, F_GETFD) >= 0;
}

/* libproc2 keeps /proc/stat and /proc/meminfo open without O_CLOEXEC, so a
 * command perftop run starts would inherit them: marks every descriptor
 * opened since `before` close-on-exec. */
static void cloexec_since(const bool *before)
{
	for (int fd = 0; fd < PROCFS_FD_SCAN; fd++) {
		int flags;

		if (before[fd] || (flags = fcntl(fd, F_GETFD)) < 0 || (flags & FD_CLOEXEC))
			continue;
		fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
	}
}

int procfs_open(struct procfs **out)
{
	struct procfs *pf = xcalloc(1, sizeof(*pf));
	long page = sysconf(_SC_PAGESIZE);
	bool before[PROCFS_FD_SCAN];
	int err;

	*out = NULL;
	pf->hz = sysconf(_SC_CLK_TCK);
	pf->page_kb = page > 0 ? (unsigned long)page / 1024 : 4;
	hashmap_init(&pf->cmds);
	pf->sel = xcalloc(SELECT_MAX, sizeof(*pf->sel));
	open_fds(before);
	if ((err = procps_stat_new(&pf->stat)) < 0 || (err = procps_meminfo_new(&pf->mem)) < 0 ||
	    (err = procps_pids_new(&pf->list, pids_items, PI_LIST_COUNT)) < 0 ||
	    (err = procps_pids_new(&pf->detail, pids_items, PI_COUNT)) < 0) {
		procfs_close(pf);
		return err;
	}
	cloexec_since(before);
	*out = pf;
	return 0;
}

void procfs_close(struct procfs *pf)
{
	size_t pos = 0;
	void *val;

	if (!pf)
		return;
	if (pf->stat)
		procps_stat_unref(&pf->stat);
	if (pf->mem)
		procps_meminfo_unref(&pf->mem);
	if (pf->list)
		procps_pids_unref(&pf->list);
	if (pf->detail)
		procps_pids_unref(&pf->detail);
	while (hashmap_next(&pf->cmds, &pos, NULL, &val)) {
		struct cmd_entry *e = val;

		free(e->cmdline);
		free(e->agent_why);
		free(e);
	}
	hashmap_release(&pf->cmds);
	free(pf->cpus);
	free(pf->procs);
	free(pf->detail_pids);
	free(pf->sel);
	free(pf->buf);
	free(pf);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

void procfs_set_detail(struct procfs *pf, const pid_t *pids, size_t npids)
{
	if (npids > pf->detail_cap) {
		pf->detail_cap = npids;
		pf->detail_pids = xreallocarray(pf->detail_pids, npids, sizeof(*pids));
	}
	if (npids)
		memcpy(pf->detail_pids, pids, npids * sizeof(*pids));
	pf->ndetail = npids;
	if (npids > 1)
		qsort(pf->detail_pids, npids, sizeof(*pids), cmp_pid);
}

/* ---- system ---------------------------------------------------------------------- */

static struct cpu_jiffies jiffies_of(struct stat_stack *s)
{
	struct cpu_jiffies j;

#define V(id) STAT_VAL(SI_##id, ull_int, s, NULL)
	j.busy = V(USER) + V(NICE) + V(SYSTEM) + V(IRQ) + V(SOFTIRQ) + V(STEAL);
	j.idle = V(IDLE) + V(IOWAIT);
#undef V
	return j;
}

static int read_sys(struct procfs *pf, struct sys_reading *s)
{
	struct stat_reaped *st;
	struct meminfo_stack *mem;
	int n;

	st = procps_stat_reap(pf->stat, STAT_REAP_CPUS_ONLY, stat_items, SI_COUNT);
	if (!st)
		return errno ? -errno : -EIO;
	s->total = jiffies_of(st->summary);
	n = st->cpus ? st->cpus->total : 0;
	if ((size_t)n > pf->cpus_cap) {
		pf->cpus_cap = (size_t)n;
		pf->cpus = xreallocarray(pf->cpus, pf->cpus_cap, sizeof(*pf->cpus));
	}
	for (int i = 0; i < n; i++)
		pf->cpus[i] = jiffies_of(st->cpus->stacks[i]);
	s->ncpu = n;
	s->per_cpu = pf->cpus;

	mem = procps_meminfo_select(pf->mem, mem_items, MI_COUNT);
	if (!mem)
		return errno ? -errno : -EIO;
#define M(id) MEMINFO_VAL(MI_##id, ul_int, mem, NULL)
	s->mem_total_kb = M(TOTAL);
	s->mem_available_kb = M(AVAILABLE);
	s->mem_used_kb = M(TOTAL) > M(AVAILABLE) ? M(TOTAL) - M(AVAILABLE) : 0;
	s->swap_total_kb = M(SWAP_TOTAL);
	s->swap_used_kb = M(SWAP_TOTAL) > M(SWAP_FREE) ? M(SWAP_TOTAL) - M(SWAP_FREE) : 0;
#undef M
	if (procps_loadavg(&s->load[0], &s->load[1], &s->load[2]) < 0)
		s->load[0] = s->load[1] = s->load[2] = 0;
	return 0;
}

/* ---- processes ------------------------------------------------------------------- */

static struct proc_reading *reading_add(struct procfs *pf)
{
	XGROW(pf->procs, pf->procs_cap, pf->nprocs + 1, 512);
	return &pf->procs[pf->nprocs++];
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* Fills r from the stat items of one libproc2 stack; no details yet. */
static void fill_basic(struct procfs *pf, struct proc_reading *r, struct pids_stack *s)
{
#define V(id, type) PIDS_VAL(PI_##id, type, s, NULL)
	memset(r, 0, sizeof(*r));
	r->pid = V(PID, s_int);
	r->ppid = V(PPID, s_int);
	r->uid = V(UID, u_int);
	copy_str(r->user, sizeof(r->user), V(USER, str));
	copy_str(r->comm, sizeof(r->comm), V(COMM, str));
	r->state = (char)V(STATE, s_ch);
	r->threads = V(THREADS, s_int);
	r->start_ticks = V(START, ull_int);
	r->ticks = V(TICKS, ull_int);
	r->rss_kb = (unsigned long long)V(RSS, ul_int) * pf->page_kb;
	r->vsize_kb = V(VSIZE, ul_int) / 1024;
	r->fds = -1;
#undef V
}

/* The details of a detail process, from a `detail` stack. libproc2 reads
 * zeros from an io file it may not open, so readability is checked here. */
static void fill_detail(struct procfs *pf, struct proc_reading *r, struct pids_stack *s)
{
	char path[48];

	snprintf(path, sizeof(path), "/proc/%d/io", (int)r->pid);
	r->io_ok = access(path, R_OK) == 0;
	if (r->io_ok) {
		r->io_read_bytes = PIDS_VAL(PI_IO_READ, ul_int, s, NULL);
		r->io_write_bytes = PIDS_VAL(PI_IO_WRITE, ul_int, s, NULL);
	}
	r->csw_ok = read_csw(pf, r->pid, &r->vcsw, &r->ivcsw);
	r->fds = count_fds(pf, r->pid);
}

/* Reads pids through the `detail` handle, in batches libproc2 accepts.
 * With replace, a pid already in the readings is overwritten in place (a
 * full scan adding details); else each found pid is appended. */
static int read_detail(struct procfs *pf, const pid_t *pids, size_t npids, bool replace)
{
	for (size_t done = 0; done < npids;) {
		size_t n = npids - done < SELECT_MAX ? npids - done : SELECT_MAX;
		struct pids_fetch *f;

		for (size_t i = 0; i < n; i++)
			pf->sel[i] = (unsigned)pids[done + i];
		done += n;
		f = procps_pids_select(pf->detail, pf->sel, (int)n, PIDS_SELECT_PID);
		if (!f)
			return errno ? -errno : -EIO;
		for (int i = 0; i < f->counts->total; i++) {
			struct pids_stack *s = f->stacks[i];
			pid_t pid = PIDS_VAL(PI_PID, s_int, s, NULL);
			struct proc_reading *r = NULL;

			if (pid <= 0)
				continue;
			if (replace)
				for (size_t j = 0; j < pf->nprocs && !r; j++)
					if (pf->procs[j].pid == pid)
						r = &pf->procs[j];
			if (!r)
				r = reading_add(pf);
			fill_basic(pf, r, s);
			fill_detail(pf, r, s);
		}
	}
	return 0;
}

static int read_all(struct procfs *pf)
{
	struct pids_fetch *f = procps_pids_reap(pf->list, PIDS_FETCH_TASKS_ONLY);

	if (!f)
		return errno ? -errno : -EIO;
	for (int i = 0; i < f->counts->total; i++)
		fill_basic(pf, reading_add(pf), f->stacks[i]);
	if (pf->ndetail)
		return read_detail(pf, pf->detail_pids, pf->ndetail, true);
	return 0;
}

int procfs_read(struct procfs *pf, const pid_t *pids, size_t npids, struct tick_reading *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->hz = pf->hz;
	if ((err = read_sys(pf, &r->sys)) < 0)
		return err;
	pf->nprocs = 0;
	r->sys.time = boottime_now();
	if (pids)
		err = npids ? read_detail(pf, pids, npids, false) : 0;
	else
		err = read_all(pf);
	if (err < 0)
		return err;
	for (size_t i = 0; i < pf->nprocs; i++)
		pf->procs[i].cmdline = cmd_for(pf, &pf->procs[i], r->sys.time);
	cmd_sweep(pf, r->sys.time);
	r->procs = pf->procs;
	r->nprocs = pf->nprocs;
	r->full_scan = !pids;
	r->asked = pids;
	r->nasked = pids ? npids : 0;
	return 0;
}

/* ---- checking a pid ------------------------------------------------------------------ */

int procfs_check_pid(pid_t pid, char *why, size_t why_len)
{
	char path[48], buf[512];
	const char *tgid;
	ssize_t n;
	int fd, err;

	if (pid <= 0) {
		snprintf(why, why_len, "not a process id");
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT || err == ESRCH)
			snprintf(why, why_len, "no such process");
		else if (err == EACCES || err == EPERM)
			snprintf(why, why_len, "permission denied");
		else if (access("/proc/self/stat", R_OK) != 0)
			snprintf(why, why_len, "/proc is not mounted");
		else
			snprintf(why, why_len, "cannot read '%s': %s", path, strerror(err));
		return err == ENOENT ? -ESRCH : -err;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	err = errno;
	close(fd);
	if (n == 0 || (n < 0 && err == ESRCH)) {
		/* The process went away between open and read. */
		snprintf(why, why_len, "no such process");
		return -ESRCH;
	}
	if (n < 0) {
		snprintf(why, why_len, "cannot read '%s': %s", path, strerror(err));
		return -err;
	}
	buf[n] = '\0';
	tgid = strstr(buf, "\nTgid:");
	if (tgid && atoi(tgid + 6) != pid) {
		/* /proc/TID exists for threads too, though not listed. */
		snprintf(why, why_len, "%d is a thread of process %d, not a process", (int)pid,
			 atoi(tgid + 6));
		return -ESRCH;
	}
	return 0;
}
