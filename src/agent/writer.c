/*
 * writer — the agent's writer thread: connects to perftop, drains every
 * thread's rings each flush period, encodes them with the wire encoder into
 * one fixed buffer and sends it without blocking.
 *
 * The thread sleeps on a futex (agent__g.wake) until the next flush, so
 * exit and exec can wake it: before exec the exec interposer asks for a
 * flush of everything and waits for it (at most SYNC_FLUSH_MS plus the
 * flush), and at exit the last flush waits at most FINAL_FLUSH_MS for the
 * socket. Control frames from perftop are read once per flush period.
 *
 * The target never waits for perftop. Sends are MSG_DONTWAIT; when the
 * socket is full, what does not fit in the buffer is dropped and counted;
 * when perftop is absent or goes away, recording stops (the API calls return
 * at once, the sampling sources are disarmed), the rings are emptied and
 * counted, and the connection is retried after 100 ms, doubling to 1 s.
 * Memory is the fixed buffer, the rings and the decoder's one-frame buffer
 * for control frames.
 *
 * Order on a connection: HELLO; then, each flush, NAMEs not sent yet
 * (before anything that uses their ids; if they cannot all be sent, that
 * flush's events are dropped), THREADs, MAPS when the module table changed,
 * SAMPLES, ZONES and MARKs per thread, COUNTERS (totals and gauge values that
 * changed); once a second ZONE_STATS per thread and STATS.
 *
 * Timestamps are taken in raw ticks (TSC when it is invariant and the
 * kernel's clocksource, else CLOCK_MONOTONIC ns) and converted here to
 * CLOCK_MONOTONIC ns with a ratio measured against the start of the agent.
 */
#include "agent/agent.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "wire/wire.h"

#define BACKOFF_MIN_MS    100u
#define BACKOFF_MAX_MS    1000u /* a restarted perftop has every agent back within 1 s */
#define FINAL_FLUSH_MS    30u   /* the most the last flush waits for the socket, at exit */
#define SYNC_FLUSH_MS     40u   /* ... and a flush asked for before exec */
#define SNDBUF_BYTES      (1 << 20)
#define MAX_WEIGHT_REPEAT 128u /* copies of one sample at most; the rest rides on later ones */
#define SETTLE_MAX_REPEAT 4096u /* ... of a thread's last owed periods, at its end */
#define CMDLINE_MAX       (32u << 10)

int agent__pthread_create_real(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
                               void *arg);

struct writer {
	int fd; /* -1 when not connected */
	dev_t dev;
	ino_t ino;
	int broken; /* a send failed: disconnect after this flush */
	uint64_t next_try_ns;
	unsigned backoff_ms;
	int ever_connected;

	struct wire_buf buf;
	uint8_t mem[WIRE_SEND_BUF_BYTES];
	struct wire_decoder dec;
	int dec_ready;

	/* Per connection. */
	uint32_t names_sent;
	uint32_t maps_gen;  /* generation sent (or being sent) */
	uint32_t maps_next; /* next mapping to send of that generation; UINT32_MAX when done */
	uint32_t gone_from, gone_to; /* departed mappings sent with that set */
	int64_t counter_sent[AGENT_MAX_COUNTERS];
	uint32_t gauge_seq_sent[AGENT_MAX_COUNTERS];
	uint8_t counter_fresh[AGENT_MAX_COUNTERS];
	int paused_samples, paused_events;

	/* Totals since start (this process). */
	uint64_t bytes_sent;
	uint64_t samples_lost; /* dropped here: no connection, no room */
	uint64_t events_lost;
	uint64_t retired_taken, retired_dropped, retired_ev_dropped; /* of freed slots */
	uint64_t retired_handler; /* handler_ticks of freed slots */

	/* The agent's cost when this connection began (cost_read): STATS
	 * carry what it spent since. */
	uint64_t cost0_handler; /* ticks */
	uint64_t cost0_writer, cost0_process; /* ns */

	/* STATS interval. */
	uint64_t last_second_ns;
	uint64_t last_taken;
	uint64_t last_cpu_ns;
	double achieved_hz;
	uint32_t notice_gen; /* notices sent on this connection, up to this generation */
	/* Departed log position read before the last flush's ring heads: the
	 * samples that flush drained were taken before every departure from
	 * here on, so MAPS sends the departed mappings from here. */
	uint32_t gone_mark;

	/* Clock. */
	double ns_per_tick;

	/* HELLO. */
	char exe[4096];
	char cmdline[CMDLINE_MAX];
	struct wire_str argv[WIRE_MAX_ARGV];
	uint32_t argc;
};

static struct writer w = {.fd = -1};
static uint64_t heads[AGENT_MAX_THREADS][2];
static uint8_t heads_valid[AGENT_MAX_THREADS];

/* ---- clock -------------------------------------------------------------- */

static void calibrate(void)
{
	uint64_t a, ns, b, dt;

	if (!agent__g.use_tsc) {
		w.ns_per_tick = 1.0;
		return;
	}
	a = agent__ticks();
	ns = agent__now_ns();
	b = agent__ticks();
	if (ns <= agent__g.ns0 + 1000000u) {
		/* Less than 1 ms since the start: wait a little for a usable
		 * baseline (only at the very beginning or at a quick exit). */
		struct timespec d = {0, 2000000};

		nanosleep(&d, NULL);
		a = agent__ticks();
		ns = agent__now_ns();
		b = agent__ticks();
	}
	dt = a / 2 + b / 2 - agent__g.ticks0;
	if (dt)
		w.ns_per_tick = (double)(ns - agent__g.ns0) / (double)dt;
	atomic_store_explicit(&agent__g.ns_per_tick, w.ns_per_tick, memory_order_relaxed);
}

static uint64_t to_ns(uint64_t ticks)
{
	if (!agent__g.use_tsc)
		return ticks;
	if (ticks >= agent__g.ticks0)
		return agent__g.ns0 + (uint64_t)((double)(ticks - agent__g.ticks0) * w.ns_per_tick);
	return agent__g.ns0 - (uint64_t)((double)(agent__g.ticks0 - ticks) * w.ns_per_tick);
}

static uint64_t dur_ns(uint64_t ticks)
{
	return agent__g.use_tsc ? (uint64_t)((double)ticks * w.ns_per_tick) : ticks;
}

static uint64_t cpu_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the agent's own cost ----------------------------------------------- */

/* Handler ticks of every thread (live, dead and freed slots), the writer
 * thread's CPU time and the process's in ns. Writer thread only: it reads
 * its own CPU clock. Two clock_gettime system calls; called once a second
 * and at each connection. */
static void cost_read(uint64_t *handler, uint64_t *writer, uint64_t *process)
{
	uint32_t n = atomic_load(&agent__g.nslots);
	uint64_t ticks = w.retired_handler;

	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (t && atomic_load(&t->state) != AGENT_THREAD_FREE)
			ticks += atomic_load_explicit(&t->handler_ticks, memory_order_relaxed);
	}
	*handler = ticks;
	*writer = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
	*process = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
}

/* ---- connection --------------------------------------------------------- */

int agent__connect(dev_t *dev, ino_t *ino)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, size = SNDBUF_BYTES;
	size_t len = strlen(agent__g.cfg.socket);

	if (len == 0 || len >= sizeof(sa.sun_path))
		return -1;
	fd = agent__fd_high(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (fd < 0 || fstat(fd, &st) < 0)
		goto fail;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, agent__g.cfg.socket, len);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	*dev = st.st_dev;
	*ino = st.st_ino;
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* fd is still the socket with identity dev, ino: a program may close every
 * descriptor and reuse the numbers at any time, so this is asked before
 * each use. Socket inodes are unique while the socket lives. */
static int sock_is(int fd, dev_t dev, ino_t ino)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == ino &&
	       st.st_dev == dev;
}

/* Our socket is still ours; when it is not, its number is forgotten (never
 * closed: it is the program's now) and the connection counts as broken. */
static int fd_ours(void)
{
	if (w.fd < 0)
		return 0;
	if (sock_is(w.fd, w.dev, w.ino))
		return 1;
	w.fd = -1;
	w.broken = 1;
	return 0;
}

static void send_some(void)
{
	while (w.buf.len > 0 && w.fd >= 0 && !w.broken && fd_ours()) {
		ssize_t n = send(w.fd, w.buf.data, w.buf.len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			w.bytes_sent += (uint64_t)n;
			wire_buf_consume(&w.buf, (size_t)n);
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return;
		} else {
			w.broken = 1;
		}
	}
}

static void read_cmdline(void)
{
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = 0, r;
	ssize_t readlen;

	w.argc = 0;
	readlen = readlink("/proc/self/exe", w.exe, sizeof(w.exe) - 1);
	w.exe[readlen > 0 ? readlen : 0] = '\0';
	if (fd < 0)
		return;
	while (n < (ssize_t)sizeof(w.cmdline) - 1 &&
	       (r = read(fd, w.cmdline + n, sizeof(w.cmdline) - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	w.cmdline[n] = '\0';
	for (ssize_t i = 0; i < n && w.argc < WIRE_MAX_ARGV;) {
		size_t len = strlen(w.cmdline + i);

		w.argv[w.argc].s = w.cmdline + i;
		w.argv[w.argc].len = (uint32_t)(len < WIRE_MAX_STRING ? len : WIRE_MAX_STRING);
		w.argc++;
		i += (ssize_t)len + 1;
	}
}

static void set_recording(void)
{
	int connected = w.fd >= 0;
	int sample = connected && !w.paused_samples && agent__g.signo && agent__g.period_ns;

	pthread_mutex_lock(&agent__g.lock);
	if (sample != agent__g.armed)
		agent__threads_arm(sample);
	pthread_mutex_unlock(&agent__g.lock);
	atomic_store(&agent__g.sampling, sample);
	atomic_store(&agent__g.active, connected && !w.paused_events);
}

static void on_connect(int fd, dev_t dev, ino_t ino)
{
	struct wire_hello h;

	if (!sock_is(fd, dev, ino))
		return; /* the program took the number meanwhile: not ours to close */
	w.fd = fd;
	w.dev = dev;
	w.ino = ino;
	w.broken = 0;
	w.backoff_ms = 0;
	wire_buf_init(&w.buf, w.mem, sizeof(w.mem));
	w.names_sent = 0;
	agent__py_connected();
	w.maps_gen = agent__phdr_generation() - 1; /* differs: send MAPS */
	w.maps_next = 0;
	memset(w.counter_fresh, 1, sizeof(w.counter_fresh));
	w.paused_samples = w.paused_events = 0;
	for (uint32_t i = 0; i < atomic_load(&agent__g.nslots); i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (t) {
			t->w_announced = 0;
			t->w_zseq = 0;
		}
	}
	if (w.dec_ready)
		wire_decoder_release(&w.dec);
	w.dec_ready = 0;
	cost_read(&w.cost0_handler, &w.cost0_writer, &w.cost0_process);

	memset(&h, 0, sizeof(h));
	h.major = WIRE_PROTO_MAJOR;
	h.minor = WIRE_PROTO_MINOR;
	h.pid = (uint32_t)agent__g.pid;
	h.exe.s = w.exe;
	h.exe.len = (uint32_t)strlen(w.exe);
	h.argv.v = w.argv;
	h.argv.n = w.argc;
	h.requested_hz = agent__g.period_ns ? (uint32_t)(1000000000u / agent__g.period_ns) : 0;
	h.achieved_hz = w.achieved_hz;
	h.clock_id = CLOCK_MONOTONIC;
	h.agent_version.s = PERFTOP_VERSION;
	h.agent_version.len = (uint32_t)strlen(PERFTOP_VERSION);
	h.ppid = (uint32_t)getppid(); /* its tree: a short life may be reaped before perftop looks */
	if (wire_put_hello(&w.buf, &h) < 0)
		w.broken = 1;
	w.ever_connected = 1;
	w.notice_gen = 0; /* every notice again on a new connection */
	set_recording();
}

/* Empties every ring, counting what was lost. */
static void discard_all(void)
{
	uint32_t n = atomic_load(&agent__g.nslots);

	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (!t || atomic_load(&t->state) == AGENT_THREAD_FREE)
			continue;
		w.samples_lost += ring_discard(&t->samples, ring_head(&t->samples));
		w.events_lost += ring_discard(&t->events, ring_head(&t->events));
	}
}

static void disconnect(void)
{
	if (fd_ours())
		close(w.fd);
	w.fd = -1;
	w.broken = 0;
	w.buf.len = 0;
	set_recording();
	discard_all();
	w.backoff_ms = w.backoff_ms ? w.backoff_ms * 2 : BACKOFF_MIN_MS;
	if (w.backoff_ms > BACKOFF_MAX_MS)
		w.backoff_ms = BACKOFF_MAX_MS;
	w.next_try_ns = agent__now_ns() + (uint64_t)w.backoff_ms * 1000000u;
}

static void try_connect(void)
{
	dev_t dev;
	ino_t ino;
	int fd = agent__connect(&dev, &ino);

	if (fd >= 0) {
		on_connect(fd, dev, ino);
		return;
	}
	w.backoff_ms = w.backoff_ms ? w.backoff_ms * 2 : BACKOFF_MIN_MS;
	if (w.backoff_ms > BACKOFF_MAX_MS)
		w.backoff_ms = BACKOFF_MAX_MS;
	w.next_try_ns = agent__now_ns() + (uint64_t)w.backoff_ms * 1000000u;
	if (atomic_load(&agent__g.sampling) || atomic_load(&agent__g.active))
		set_recording(); /* a forked child recording from its start: stop */
}

/* ---- control frames ----------------------------------------------------- */

static int on_control(void *ctx, const struct wire_msg *m)
{
	(void)ctx;
	switch (m->type) {
	case WIRE_PAUSE:
		if (m->u.pause.what & WIRE_PAUSE_SAMPLES)
			w.paused_samples = 1;
		if (m->u.pause.what & WIRE_PAUSE_EVENTS)
			w.paused_events = 1;
		set_recording();
		break;
	case WIRE_RESUME:
		if (m->u.resume.what & WIRE_PAUSE_SAMPLES)
			w.paused_samples = 0;
		if (m->u.resume.what & WIRE_PAUSE_EVENTS)
			w.paused_events = 0;
		set_recording();
		break;
	case WIRE_SET_RATE:
		if (m->u.set_rate.hz > 0 && m->u.set_rate.hz <= 100000 && agent__g.signo) {
			pthread_mutex_lock(&agent__g.lock);
			agent__g.period_ns = 1000000000u / m->u.set_rate.hz;
			if (agent__g.armed)
				agent__threads_arm(1);
			pthread_mutex_unlock(&agent__g.lock);
		}
		break;
	default:
		break; /* not for the agent */
	}
	return 0;
}

static void read_control(void)
{
	uint8_t in[4096];
	ssize_t n;

	if (!w.dec_ready) {
		wire_decoder_init(&w.dec, 64u << 10, 0, on_control, NULL);
		w.dec_ready = 1;
	}
	for (;;) {
		if (!fd_ours())
			return;
		n = recv(w.fd, in, sizeof(in), MSG_DONTWAIT);
		if (n > 0) {
			if (wire_decoder_feed(&w.dec, in, (size_t)n) < 0) {
				agent__say("bad control frame from perftop: %s",
				           wire_decoder_error(&w.dec));
				w.broken = 1;
				return;
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			w.broken = 1;
		return;
	}
}

/* ---- encoding ----------------------------------------------------------- */

static int put(enum wire_type type, const void *m)
{
	int rc = wire_put(&w.buf, type, m);

	if (rc == -ENOBUFS) {
		send_some();
		rc = wire_put(&w.buf, type, m);
	}
	return rc;
}

/* An open batch, re-opened after a flush when the buffer fills. */
struct batch {
	enum wire_type type;
	struct wire_batch b;
	int open;
	union {
		struct wire_samples samples;
		struct wire_zones zones;
		struct wire_zone_stats zone_stats;
		struct wire_counters counters;
		struct wire_maps maps;
	} head;
};

static void batch_end(struct batch *c)
{
	if (c->open)
		wire_batch_end(&w.buf, &c->b);
	c->open = 0;
}

static int batch_open(struct batch *c)
{
	int rc = wire_batch_begin(&w.buf, &c->b, c->type, &c->head);

	if (rc == -ENOBUFS) {
		send_some();
		rc = wire_batch_begin(&w.buf, &c->b, c->type, &c->head);
	}
	c->open = rc == 0;
	return rc;
}

/* Adds one item; set_base(c, item) sets the head's base timestamp from the
 * item when a new frame must be opened. */
static int batch_add(struct batch *c, const void *item,
                     void (*set_base)(struct batch *, const void *))
{
	int rc;

	if (!c->open) {
		if (set_base)
			set_base(c, item);
		if ((rc = batch_open(c)) < 0)
			return rc;
	}
	rc = wire_batch_add(&w.buf, &c->b, item);
	if (rc == -ENOBUFS || rc == -E2BIG) {
		batch_end(c);
		send_some();
		if (set_base)
			set_base(c, item);
		if (c->type == WIRE_MAPS)
			c->head.maps.flags = 0;
		if ((rc = batch_open(c)) < 0)
			return rc;
		rc = wire_batch_add(&w.buf, &c->b, item);
	}
	return rc;
}

static int emit_names(void)
{
	uint32_t n = agent__name_count();

	while (w.names_sent < n) {
		const struct agent_name *an = agent__name(w.names_sent + 1);
		struct wire_name m;

		m.id = w.names_sent + 1;
		m.kind = an->kind;
		m.text.s = an->text;
		m.text.len = an->len;
		if (put(WIRE_NAME, &m) < 0)
			return -1;
		w.names_sent++;
	}
	return 0;
}

static void thread_comm(pid_t tid, char *out, size_t len)
{
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", (int)tid);
	out[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, out, len - 1);
	close(fd);
	if (n <= 0)
		n = 0;
	while (n > 0 && out[n - 1] == '\n')
		n--;
	out[n] = '\0';
}

static void emit_thread(struct agent_thread *t)
{
	uint32_t gen = atomic_load_explicit(&t->name_gen, memory_order_acquire);
	char name[AGENT_THREAD_NAME];
	struct wire_thread m;

	if (t->w_announced && gen == t->w_name_gen)
		return;
	if (gen) {
		memcpy(name, t->name, sizeof(name));
		name[sizeof(name) - 1] = '\0';
	} else {
		thread_comm(atomic_load(&t->tid), name, sizeof(name));
	}
	m.tid = (uint32_t)atomic_load(&t->tid);
	m.name.s = name;
	m.name.len = (uint32_t)strlen(name);
	if (put(WIRE_THREAD, &m) == 0) {
		t->w_announced = 1;
		t->w_name_gen = gen;
	}
}

static int map_item(void *ctx, const struct agent_map *map)
{
	struct batch *c = ctx;
	struct wire_maps m;

	memset(&m, 0, sizeof(m));
	m.start = map->start;
	m.end = map->end;
	m.offset = map->offset;
	m.path.s = map->path;
	m.path.len = (uint32_t)strnlen(map->path, WIRE_MAX_STRING);
	m.build_id.s = (const char *)map->build_id;
	m.build_id.len = map->build_id_len;
	return batch_add(c, &m, NULL) < 0;
}

/* MAPS: the current table's mappings, preceded in the set (so that a
 * current one at the same start wins in perftop's lookup) by those of the
 * modules that departed since the last flush's ring heads were read: the
 * samples drained after this were taken while those were loaded. */
static void emit_maps(void)
{
	uint32_t gen = agent__phdr_generation(), gone_to = agent__phdr_gone_end();
	struct batch c = {.type = WIRE_MAPS};
	uint32_t next;

	if (gen != w.maps_gen || gone_to != w.gone_to || w.gone_mark != w.gone_from) {
		w.maps_gen = gen;
		w.maps_next = 0;
		w.gone_from = w.gone_mark;
		w.gone_to = gone_to;
	}
	if (w.maps_next == UINT32_MAX)
		return;
	c.head.maps.flags = w.maps_next == 0 ? WIRE_MAPS_RESET : 0;
	if (w.maps_next == 0)
		agent__phdr_gone(w.gone_from, w.gone_to, map_item, &c);
	next = agent__phdr_maps(w.maps_next, map_item, &c);
	batch_end(&c);
	if (agent__phdr_generation() == gen)
		w.maps_next = next; /* else rebuilt meanwhile: start again next time */
}

/* A SAMPLES batch being filled for one thread. */
struct sample_batch {
	struct wire_batch b;
	int open;
	uint32_t tid;
	uint64_t ts;
};

static void sample_batch_end(struct sample_batch *sb)
{
	if (sb->open)
		wire_batch_end(&w.buf, &sb->b);
	sb->open = 0;
}

/* A NAME a Python frame needs, sent before the batch that uses it (the
 * open batch is closed first). */
static int py_put_name(void *ctx, uint32_t id, uint32_t kind, const char *text, uint32_t len,
                       uint32_t line)
{
	struct wire_name m;

	sample_batch_end(ctx);
	m.id = id;
	m.kind = kind;
	m.text.s = text;
	m.text.len = len;
	m.line = line;
	return put(WIRE_NAME, &m);
}

/* The frames of a sample record: a SAMPLE's pcs, or a PYSAMPLE's pcs and
 * Python frames (named). Returns how many, 0 when the record is malformed
 * or a name could not be sent. */
static uint32_t sample_frames(const uint64_t *rec, struct sample_batch *sb,
                              struct wire_frame *out)
{
	uint32_t arg = ring_arg(rec[0]), depth = arg & 0xffffu, words = ring_nwords(rec[0]);
	uint32_t at = 2, n = 0;

	if (ring_kind(rec[0]) == AGENT_REC_SAMPLE) {
		if (depth + 2 > words || depth > WIRE_MAX_STACK_DEPTH)
			return 0;
		for (uint32_t i = 0; i < depth; i++)
			out[i] = (struct wire_frame){.pc = rec[2 + i]};
		return depth;
	}
	if (ring_kind(rec[0]) != AGENT_REC_PYSAMPLE)
		return 0;
	while (n < depth && at < words && n < WIRE_MAX_STACK_DEPTH) {
		struct wire_frame *f = &out[n++];

		memset(f, 0, sizeof(*f));
		if (!(rec[at] & AGENT_PY_TAG)) {
			f->pc = rec[at++];
			continue;
		}
		if (at + 4 > words ||
		    agent__py_frame(rec + at, &f->name, &f->file, &f->line, py_put_name, sb) < 0)
			return 0;
		at += 4;
	}
	return n;
}

static int sample_add(struct sample_batch *sb, const struct wire_frame *frames, uint32_t depth)
{
	struct wire_samples item = {.ts = sb->ts, .stack = {frames, depth}};
	int rc = -1;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (!sb->open) {
			rc = wire_samples_begin(&w.buf, &sb->b, sb->tid, sb->ts);
			if (rc == -ENOBUFS) {
				send_some();
				rc = wire_samples_begin(&w.buf, &sb->b, sb->tid, sb->ts);
			}
			if (rc)
				return rc;
			sb->open = 1;
		}
		rc = wire_batch_add(&w.buf, &sb->b, &item);
		if (rc != -ENOBUFS && rc != -E2BIG)
			return rc;
		sample_batch_end(sb);
		send_some();
	}
	return rc;
}

/* Sends the samples of t's ring up to limit, each repeated by its weight.
 * t->w_settle: periods the thread's samples still owe at its end (see
 * agent__sampler_settle), put on the first sample drained; with no later
 * samples to ride on, they are repeated up to SETTLE_MAX_REPEAT. */
static void drain_samples(struct agent_thread *t, uint64_t limit, int ok)
{
	static struct wire_frame frames[WIRE_MAX_STACK_DEPTH];
	uint32_t settle = t->w_settle;
	const uint64_t *rec;
	struct sample_batch sb = {.tid = (uint32_t)atomic_load(&t->tid)};

	while ((rec = ring_peek(&t->samples, limit)) != NULL) {
		uint32_t weight = ring_arg(rec[0]) >> 16, depth = 0;
		int rc = 0;

		sb.ts = to_ns(rec[1]);
		if (ok)
			depth = sample_frames(rec, &sb, frames);
		if (weight == 0)
			weight = 1;
		if (settle && depth) {
			weight += settle < SETTLE_MAX_REPEAT ? settle : SETTLE_MAX_REPEAT;
			settle = t->w_settle = 0;
			if (weight > SETTLE_MAX_REPEAT)
				weight = SETTLE_MAX_REPEAT;
		} else if (weight > MAX_WEIGHT_REPEAT) {
			/* The rest rides on the thread's next samples, never lost
			 * (a timer-sampled thread's debt can be hundreds). */
			atomic_fetch_add(&t->debt, weight - MAX_WEIGHT_REPEAT);
			t->w_requeued += weight - MAX_WEIGHT_REPEAT;
			weight = MAX_WEIGHT_REPEAT;
		}
		for (uint32_t k = 0; ok && depth && k < weight && rc == 0; k++)
			rc = sample_add(&sb, frames, depth);
		if (!ok || !depth || rc != 0)
			w.samples_lost++;
		ring_release(&t->samples, rec);
	}
	sample_batch_end(&sb);
}

static void zones_base(struct batch *c, const void *item)
{
	c->head.zones.base_ts = ((const struct wire_zones *)item)->ts;
}

static void drain_events(struct agent_thread *t, uint64_t limit, int ok)
{
	const uint64_t *rec;
	struct batch c = {.type = WIRE_ZONES};
	uint32_t tid = (uint32_t)atomic_load(&t->tid);

	c.head.zones.tid = tid;
	while ((rec = ring_peek(&t->events, limit)) != NULL) {
		int rc = -1;

		if (ok && ring_kind(rec[0]) == AGENT_REC_ZONE) {
			struct wire_zones z;
			uint32_t idx = ring_arg(rec[0]);

			memset(&z, 0, sizeof(z));
			z.event = WIRE_ZONE_COMPLETE;
			z.zone = idx < agent__zone_count() ? agent__zone_name(idx) : 0;
			z.ts = to_ns(rec[1]);
			z.dur = rec[2] > rec[1] ? dur_ns(rec[2] - rec[1]) : 0;
			rc = z.zone ? batch_add(&c, &z, zones_base) : -1;
		} else if (ok && ring_kind(rec[0]) == AGENT_REC_MARK) {
			struct wire_mark m;
			uint32_t len = ring_arg(rec[0]);

			if ((len + 7) / 8 + 2 <= ring_nwords(rec[0]) && len <= AGENT_MARK_MAX) {
				batch_end(&c);
				m.tid = tid;
				m.ts = to_ns(rec[1]);
				m.text.s = (const char *)(rec + 2);
				m.text.len = len;
				rc = put(WIRE_MARK, &m);
			}
		}
		if (rc != 0)
			w.events_lost++;
		ring_release(&t->events, rec);
	}
	batch_end(&c);
}

/* Reads one zone's statistics consistently (the owner may be updating). */
static struct agent_zstat read_zstat(struct agent_thread *t, uint32_t idx)
{
	const struct agent_zstat *s = &t->zstats[idx];
	struct agent_zstat v = {0, 0, 0, 0};

	for (int tries = 0; tries < 1000; tries++) {
		uint32_t s1 = atomic_load_explicit(&t->zseq, memory_order_acquire), s2;

		v.count = __atomic_load_n(&s->count, __ATOMIC_RELAXED);
		v.sum = __atomic_load_n(&s->sum, __ATOMIC_RELAXED);
		v.min = __atomic_load_n(&s->min, __ATOMIC_RELAXED);
		v.max = __atomic_load_n(&s->max, __ATOMIC_RELAXED);
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit(&t->zseq, memory_order_relaxed);
		if (s1 == s2 && !(s1 & 1))
			break;
	}
	return v;
}

/* Sends t's zone statistics when they changed since the last time they
 * went out. 0 when they are out (or there was nothing new), -1 when they
 * could not all go (they go again next flush). */
static int emit_zone_stats(struct agent_thread *t)
{
	uint32_t seq = atomic_load_explicit(&t->zseq, memory_order_acquire);
	uint32_t used = atomic_load_explicit(&t->zused, memory_order_acquire);
	struct batch c = {.type = WIRE_ZONE_STATS};
	int failed = 0;

	if (used == 0 || seq == t->w_zseq)
		return 0;
	c.head.zone_stats.tid = (uint32_t)atomic_load(&t->tid);
	c.head.zone_stats.ts = agent__now_ns();
	for (uint32_t i = 0; i < used && i < agent__zone_count(); i++) {
		struct agent_zstat v = read_zstat(t, i);
		struct wire_zone_stats z;

		if (v.count == 0)
			continue;
		memset(&z, 0, sizeof(z));
		z.zone = agent__zone_name(i);
		z.count = v.count;
		z.sum = dur_ns(v.sum);
		z.min = dur_ns(v.min);
		z.max = dur_ns(v.max);
		if (batch_add(&c, &z, NULL) < 0)
			failed = 1;
	}
	batch_end(&c);
	if (failed)
		return -1;
	t->w_zseq = seq;
	return 0;
}

static void counters_base(struct batch *c, const void *item)
{
	c->head.counters.base_ts = ((const struct wire_counters *)item)->ts;
}

static void emit_counters(void)
{
	uint32_t n = agent__counter_count();
	struct batch c = {.type = WIRE_COUNTERS};
	uint64_t now = agent__now_ns();

	for (uint32_t i = 0; i < n; i++) {
		struct agent_counter *ac = agent__counter(i);
		uint32_t used = atomic_load_explicit(&ac->used, memory_order_relaxed);
		struct wire_counters m;

		memset(&m, 0, sizeof(m));
		m.counter = ac->name;
		if (used == 1) {
			int64_t total = atomic_load_explicit(&ac->total, memory_order_relaxed);

			if (!w.counter_fresh[i] && total == w.counter_sent[i])
				continue;
			m.op = WIRE_COUNTER_TOTAL;
			m.value.i = total;
			m.ts = now;
			if (batch_add(&c, &m, counters_base) == 0) {
				w.counter_sent[i] = total;
				w.counter_fresh[i] = 0;
			}
		} else if (used == 2) {
			uint32_t seq = atomic_load_explicit(&ac->gauge_seq, memory_order_acquire);
			uint64_t bits;

			if (!w.counter_fresh[i] && seq == w.gauge_seq_sent[i])
				continue;
			bits = atomic_load_explicit(&ac->gauge_bits, memory_order_relaxed);
			m.op = WIRE_COUNTER_SET;
			m.value.is_float = 1;
			memcpy(&m.value.f, &bits, sizeof(bits));
			m.ts = to_ns(atomic_load_explicit(&ac->gauge_ticks, memory_order_relaxed));
			if (batch_add(&c, &m, counters_base) == 0) {
				w.gauge_seq_sent[i] = seq;
				w.counter_fresh[i] = 0;
			}
		}
	}
	batch_end(&c);
}

/* Totals over live and freed slots. */
static void totals(uint64_t *taken, uint64_t *dropped, uint64_t *ev_dropped)
{
	uint32_t n = atomic_load(&agent__g.nslots);

	*taken = w.retired_taken;
	*dropped = w.retired_dropped + w.samples_lost;
	*ev_dropped = w.retired_ev_dropped + w.events_lost;
	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (!t || atomic_load(&t->state) == AGENT_THREAD_FREE)
			continue;
		*taken += atomic_load_explicit(&t->taken, memory_order_relaxed);
		*dropped += atomic_load_explicit(&t->dropped, memory_order_relaxed);
		*ev_dropped += atomic_load_explicit(&t->ev_dropped, memory_order_relaxed);
	}
}

static void measure_rate(uint64_t now)
{
	uint64_t taken, dropped, ev, cpu;

	totals(&taken, &dropped, &ev);
	cpu = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu_ns(CLOCK_THREAD_CPUTIME_ID);
	if (w.last_second_ns && now < w.last_second_ns + 200000000u)
		return; /* too short an interval to say anything (the last flush) */
	if (w.last_second_ns && cpu > w.last_cpu_ns + 50000000u)
		w.achieved_hz =
		    (double)(taken - w.last_taken) * 1e9 / (double)(cpu - w.last_cpu_ns);
	else if (w.last_second_ns)
		w.achieved_hz = 0; /* idle: no CPU time, no samples */
	/* No source fires faster than asked: more is accounting (samples of
	 * threads that died counted against CPU time read a moment apart). */
	if (agent__g.period_ns && w.achieved_hz > 1e9 / (double)agent__g.period_ns)
		w.achieved_hz = 1e9 / (double)agent__g.period_ns;
	w.last_taken = taken;
	w.last_cpu_ns = cpu;
	w.last_second_ns = now;
}

static void emit_stats(uint64_t now)
{
	struct wire_stats s;
	uint64_t taken, dropped, ev;

	totals(&taken, &dropped, &ev);
	memset(&s, 0, sizeof(s));
	s.ts = now;
	s.samples = taken;
	s.samples_dropped = dropped;
	s.events_dropped = ev;
	s.bytes_sent = w.bytes_sent;
	s.achieved_hz = w.achieved_hz;
	cost_read(&s.handler_ns, &s.writer_ns, &s.process_ns);
	s.handler_ns = s.handler_ns > w.cost0_handler ? dur_ns(s.handler_ns - w.cost0_handler) : 0;
	s.writer_ns = s.writer_ns > w.cost0_writer ? s.writer_ns - w.cost0_writer : 0;
	s.process_ns = s.process_ns > w.cost0_process ? s.process_ns - w.cost0_process : 0;
	put(WIRE_STATS, &s);
}

static int put_notice(void *ctx, const struct agent_notice_view *n)
{
	struct wire_notice m;

	(void)ctx;
	m.ts = agent__now_ns();
	m.tid = (uint32_t)n->tid;
	m.code.s = n->code;
	m.code.len = (uint32_t)strlen(n->code);
	m.count = n->count;
	m.text.s = n->text;
	m.text.len = (uint32_t)strlen(n->text);
	return put(WIRE_NOTICE, &m);
}

/* One flush: everything the rings hold, counters, and (each second or at the
 * end) the exact statistics. */
static void flush(int second)
{
	uint32_t n = atomic_load(&agent__g.nslots);
	int connected = w.fd >= 0 && !w.broken;
	int ok;
	uint64_t now;
	uint32_t gone_mark = agent__phdr_gone_end();

	/* Departed log position, then ring positions, then names: every name an
	 * event refers to was interned before the event was queued, and every
	 * sample drained below was taken before the departures from gone_mark. */
	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		/* A slot claimed after this point waits for the next flush. */
		heads_valid[i] = t && atomic_load(&t->state) != AGENT_THREAD_FREE;
		if (heads_valid[i]) {
			heads[i][0] = ring_head(&t->samples);
			heads[i][1] = ring_head(&t->events);
		}
	}
	calibrate();
	agent__phdr_refresh(0);
	ok = connected && emit_names() == 0;
	if (connected)
		emit_maps();

	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);
		int state;

		if (!t || !heads_valid[i])
			continue;
		state = atomic_load(&t->state);
		if (state == AGENT_THREAD_FREE)
			continue;
		if (connected)
			emit_thread(t);
		/* A timer-sampled thread that ended has its owed time put on
		 * what it left queued (at the last flush, every thread: see
		 * settle_all). */
		if (state == AGENT_THREAD_DEAD)
			t->w_settle += agent__sampler_settle(t, atomic_load(&t->tid));
		drain_samples(t, heads[i][0], ok);
		drain_events(t, heads[i][1], ok);
		int stats_out = 1;

		if (connected && (second || state == AGENT_THREAD_DEAD))
			stats_out = emit_zone_stats(t) == 0;
		/* A dead thread's slot is freed once its rings are empty (what it
		 * queued after the snapshot goes out next time) and its last zone
		 * statistics went out (a full send buffer keeps them for the next
		 * flush, instead of losing the thread's totals). */
		if (state == AGENT_THREAD_DEAD && stats_out &&
		    !ring_peek(&t->samples, ring_head(&t->samples)) &&
		    !ring_peek(&t->events, ring_head(&t->events))) {
			w.retired_taken += atomic_load(&t->taken);
			w.retired_dropped += atomic_load(&t->dropped);
			w.retired_ev_dropped += atomic_load(&t->ev_dropped);
			w.retired_handler += atomic_load(&t->handler_ticks);
			agent__thread_free(t);
		}
	}
	if (connected) {
		emit_counters();
		w.notice_gen = agent__notices_send(w.notice_gen, put_notice, NULL);
		if (second) {
			now = agent__now_ns();
			emit_stats(now);
		}
	}
	send_some();
	w.gone_mark = gone_mark;
	if (w.fd >= 0 && (w.broken || !fd_ours()))
		disconnect();
	else if (w.fd < 0 && w.broken)
		disconnect(); /* lost the number to the program: reconnect later */
}

/* ---- the thread --------------------------------------------------------- */

/* The writer works in a descriptor table of its own (unshare(CLONE_FILES))
 * and closes its copies of the program's descriptors: its socket and its
 * /proc reads then take no number from the program, which opens exactly the
 * numbers it would without the agent, and a forked child inherits nothing of
 * the writer's. The program's perf events (opened before the writer
 * started: agent__g.perf_open_ok) are reached with pidfd_getfd() copies of
 * the program's numbers; where the kernel refuses that, the writer keeps
 * the copies of them its table was made with. Returns 1 when the writer now
 * has its own table. */
static int close_all_but(const int *keep, size_t n)
{
	unsigned from = 0;

	/* keep is sorted */
	for (size_t i = 0; i <= n; i++) {
		unsigned to = i < n ? (unsigned)keep[i] : ~0u;

		if (to > from && syscall(SYS_close_range, from, to - 1, 0u) < 0) {
			long max = sysconf(_SC_OPEN_MAX);
			unsigned last = max > 0 && max < 65536 ? (unsigned)max : 65536u;

			for (unsigned fd = from; fd < to && fd < last; fd++)
				close((int)fd);
		}
		if (i < n)
			from = (unsigned)keep[i] + 1;
	}
	return 0;
}

static int private_table(void)
{
	int keep[AGENT_PERF_BUDGET + 1];
	size_t nkeep = 0;
	int pidfd, probe = -1;

	if (unshare(CLONE_FILES) < 0)
		return 0;
	pthread_mutex_lock(&agent__g.lock);
	for (uint32_t i = 0; i < atomic_load(&agent__g.nslots) && nkeep < AGENT_PERF_BUDGET; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (t && atomic_load(&t->state) != AGENT_THREAD_FREE && t->perf_fd >= 0)
			keep[nkeep++] = probe = t->perf_fd;
	}
	pthread_mutex_unlock(&agent__g.lock);
	pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd >= 0 && probe >= 0) {
		int copy = (int)syscall(SYS_pidfd_getfd, pidfd, probe, 0);

		if (copy < 0) {
			close(pidfd);
			pidfd = -1;
		} else {
			close(copy);
		}
	}
	if (pidfd >= 0) {
		nkeep = 0; /* reached by copies: ours go */
		keep[nkeep++] = pidfd;
	}
	for (size_t i = 1; i < nkeep; i++) /* insertion sort: a handful */
		for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int x = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = x;
		}
	close_all_but(keep, nkeep);
	agent__g.writer_pidfd = pidfd;
	return 1;
}

static long futex(_Atomic uint32_t *word, int op, uint32_t val, const struct timespec *timeout)
{
	return syscall(SYS_futex, (uint32_t *)word, op, val, timeout, NULL, 0);
}

/* Sleeps until agent__g.wake moves from seen or ms pass. */
static void nap(uint32_t seen, int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	if (ms > 0 && atomic_load(&agent__g.wake) == seen)
		futex(&agent__g.wake, FUTEX_WAIT_PRIVATE, seen, &ts);
}

static void wake_writer(void)
{
	atomic_fetch_add(&agent__g.wake, 1);
	futex(&agent__g.wake, FUTEX_WAKE_PRIVATE, 1, NULL);
}

static void once_a_second(uint64_t now)
{
	measure_rate(now);
	agent__threads_scan();
	agent__sampler_tick(now);
}

/* Lets the socket take what the buffer holds, until deadline (ns). */
static void drain_until(uint64_t deadline)
{
	while (w.fd >= 0 && w.buf.len > 0 && !w.broken && fd_ours()) {
		struct pollfd p = {w.fd, POLLOUT, 0};
		uint64_t now = agent__now_ns();

		if (now >= deadline)
			break;
		poll(&p, 1, (int)((deadline - now) / 1000000 + 1));
		send_some();
	}
}

/* Everything the rings hold now, sent (a flush wanted before exec). */
static void flush_for_request(void)
{
	uint32_t req = atomic_load(&agent__g.flush_req);

	if (req == atomic_load(&agent__g.flush_done))
		return;
	atomic_store(&agent__g.flush_started, req);
	futex(&agent__g.flush_done, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL);
	if (w.fd < 0)
		try_connect(); /* what the rings hold goes nowhere else before exec */
	if (w.fd >= 0) {
		measure_rate(agent__now_ns());
		flush(1);
		drain_until(agent__now_ns() + SYNC_FLUSH_MS * 1000000ull);
	}
	atomic_store(&agent__g.flush_done, req);
	futex(&agent__g.flush_done, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL);
}

/* At the end: every timer-sampled thread's owed time, for the last flush
 * to put on what the thread left queued. */
static void settle_all(void)
{
	uint32_t n = atomic_load(&agent__g.nslots);

	for (uint32_t i = 0; i < n; i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (t && atomic_load(&t->state) != AGENT_THREAD_FREE)
			t->w_settle += agent__sampler_settle(t, atomic_load(&t->tid));
	}
}

static void *writer_main(void *arg)
{
	uint64_t next_flush, next_second, now;

	(void)arg;
	atomic_store(&agent__g.writer_tid, (pid_t)syscall(SYS_gettid));
	pthread_setname_np(pthread_self(), "perftop-agent");
	if (private_table())
		atomic_store(&agent__g.writer_private, 1);
	read_cmdline();
	now = agent__now_ns();
	/* Connected now: a forked child that lives a few milliseconds must
	 * still deliver what it recorded. */
	try_connect();
	measure_rate(now);
	next_flush = now + agent__g.cfg.flush_ms * 1000000ull;
	next_second = now + 1000000000ull;

	while (!atomic_load(&agent__g.stop)) {
		uint32_t seen = atomic_load(&agent__g.wake);
		int timeout;

		flush_for_request();
		now = agent__now_ns();
		timeout = next_flush > now ? (int)((next_flush - now + 999999) / 1000000) : 0;
		if (!w.broken)
			nap(seen, timeout);
		if (atomic_load(&agent__g.stop))
			break;
		if (atomic_load(&agent__g.flush_req) != atomic_load(&agent__g.flush_done))
			continue;
		now = agent__now_ns();
		if (now < next_flush && !w.broken)
			continue;
		if (fd_ours())
			read_control(); /* control frames wait at most one flush period */
		next_flush = now + agent__g.cfg.flush_ms * 1000000ull;
		if (!agent__sampler_watch())
			agent__sampler_flush_check(now);
		if (w.fd < 0 && now >= w.next_try_ns)
			try_connect();
		if (now >= next_second) {
			next_second = now + 1000000000ull;
			once_a_second(now);
			flush(1);
		} else {
			flush(0);
		}
	}

	/* Last flush at exit: sampling off, everything queued, the exact
	 * statistics, then a bounded wait for the socket to take it. */
	settle_all();
	pthread_mutex_lock(&agent__g.lock);
	agent__threads_arm(0);
	pthread_mutex_unlock(&agent__g.lock);
	atomic_store(&agent__g.sampling, 0);
	if (w.fd < 0 && agent__threads_pending())
		try_connect(); /* one more try for what is left (a refused one costs nothing) */
	if (w.fd >= 0) {
		agent__sampler_tick(agent__now_ns()); /* the last skipped-sample counts */
		measure_rate(agent__now_ns());
		flush(1);
		drain_until(agent__now_ns() + FINAL_FLUSH_MS * 1000000ull);
		if (fd_ours())
			close(w.fd);
		w.fd = -1;
	}
	atomic_store(&agent__g.flush_done, atomic_load(&agent__g.flush_req));
	futex(&agent__g.flush_done, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL);
	atomic_store(&agent__g.active, 0);
	return NULL;
}

int agent__writer_start(void)
{
	sigset_t all, old;
	int rc;

	atomic_store(&agent__g.stop, 0);
	sigfillset(&all);
	agent__real_sigmask(SIG_SETMASK, &all, &old);
	rc = agent__pthread_create_real(&agent__g.writer, NULL, writer_main, NULL);
	agent__real_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return -rc;
	agent__g.writer_running = 1;
	return 0;
}

void agent__writer_flush(unsigned max_ms)
{
	uint64_t wake_deadline = agent__now_ns() + (uint64_t)AGENT_WRITER_WAKE_MS * 1000000u;
	uint64_t deadline = 0;
	uint32_t req;

	if (!agent__g.writer_running ||
	    (pid_t)syscall(SYS_gettid) == atomic_load(&agent__g.writer_tid))
		return;
	req = atomic_fetch_add(&agent__g.flush_req, 1) + 1;
	wake_writer();
	for (;;) {
		uint32_t done = atomic_load(&agent__g.flush_done);
		uint64_t now = agent__now_ns(), until;
		struct timespec ts;

		if ((int32_t)(done - req) >= 0)
			return;
		/* Started: from then on, max_ms at most. */
		if (!deadline && (int32_t)(atomic_load(&agent__g.flush_started) - req) >= 0)
			deadline = now + (uint64_t)max_ms * 1000000u;
		until = deadline ? deadline : wake_deadline;
		if (now >= until)
			return;
		ts.tv_sec = (time_t)((until - now) / 1000000000u);
		ts.tv_nsec = (long)((until - now) % 1000000000u);
		/* flush_done is also woken when the writer starts the flush. */
		futex(&agent__g.flush_done, FUTEX_WAIT_PRIVATE, done, &ts);
	}
}

void agent__writer_stop(void)
{
	if (!agent__g.writer_running)
		return;
	atomic_store(&agent__g.stop, 1);
	wake_writer();
	pthread_join(agent__g.writer, NULL);
	agent__g.writer_running = 0;
}

void agent__writer_after_fork(void)
{
	/* The child's copies of the parent's socket, each closed only when the
	 * number still holds it (the program may have reused it); a writer
	 * with its own table left the child nothing to close. */
	if (!atomic_load(&agent__g.writer_private) && sock_is(w.fd, w.dev, w.ino))
		close(w.fd);
	agent__g.writer_pidfd = -1; /* the parent writer's, in its own table */
	if (w.dec_ready)
		wire_decoder_release(&w.dec);
	memset(&w, 0, sizeof(w));
	w.fd = -1;
	agent__g.writer_running = 0;
	atomic_store(&agent__g.writer_private, 0);
	atomic_store(&agent__g.flush_req, 0);
	atomic_store(&agent__g.flush_started, 0);
	atomic_store(&agent__g.flush_done, 0);
	atomic_store(&agent__g.writer_tid, 0);
}
