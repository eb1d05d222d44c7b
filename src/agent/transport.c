/*
 * transport — the writer's socket to perftop: connect (non-blocking, from
 * the writer's own descriptor table) and reconnect after 100 ms doubling to
 * 1 s; the check before every use that a descriptor number is still our
 * socket (a program may close and reuse any number); HELLO; sends that
 * never block; control frames (pause, resume, rate) read from perftop.
 * Writer thread only (writer.h).
 */
#include "agent/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define BACKOFF_MIN_MS 100u
#define BACKOFF_MAX_MS 1000u /* a restarted perftop has every agent back within 1 s */
#define SNDBUF_BYTES   (1 << 20)

/* ---- connection --------------------------------------------------------- */

/* Tries one non-blocking connect to the configured socket; returns the fd
 * (high, close-on-exec; its identity in *dev, *ino) or -1. */
static int sock_connect(dev_t *dev, ino_t *ino)
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
int writer__sock_is(int fd, dev_t dev, ino_t ino)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == ino &&
	       st.st_dev == dev;
}

/* Our socket is still ours; when it is not, its number is forgotten (never
 * closed: it is the program's now) and the connection counts as broken. */
int writer__fd_ours(void)
{
	if (writer__w.fd < 0)
		return 0;
	if (writer__sock_is(writer__w.fd, writer__w.dev, writer__w.ino))
		return 1;
	writer__w.fd = -1;
	writer__w.broken = 1;
	return 0;
}

void writer__send_some(void)
{
	while (writer__w.buf.len > 0 && writer__w.fd >= 0 && !writer__w.broken &&
	       writer__fd_ours()) {
		ssize_t n = send(writer__w.fd, writer__w.buf.data, writer__w.buf.len,
		                 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			writer__w.bytes_sent += (uint64_t)n;
			wire_buf_consume(&writer__w.buf, (size_t)n);
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return;
		} else {
			writer__w.broken = 1;
		}
	}
}

void writer__read_cmdline(void)
{
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = 0, r;
	ssize_t readlen;

	writer__w.argc = 0;
	readlen = readlink("/proc/self/exe", writer__w.exe, sizeof(writer__w.exe) - 1);
	writer__w.exe[readlen > 0 ? readlen : 0] = '\0';
	if (fd < 0)
		return;
	while (n < (ssize_t)sizeof(writer__w.cmdline) - 1 &&
	       (r = read(fd, writer__w.cmdline + n, sizeof(writer__w.cmdline) - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	writer__w.cmdline[n] = '\0';
	for (ssize_t i = 0; i < n && writer__w.argc < WIRE_MAX_ARGV;) {
		size_t len = strlen(writer__w.cmdline + i);

		writer__w.argv[writer__w.argc].s = writer__w.cmdline + i;
		writer__w.argv[writer__w.argc].len =
		    (uint32_t)(len < WIRE_MAX_STRING ? len : WIRE_MAX_STRING);
		writer__w.argc++;
		i += (ssize_t)len + 1;
	}
}

static void set_recording(void)
{
	int connected = writer__w.fd >= 0;
	int sample = connected && !writer__w.paused_samples && agent__g.signo && agent__g.period_ns;

	pthread_mutex_lock(&agent__g.lock);
	if (sample != agent__g.armed)
		agent__threads_arm(sample);
	pthread_mutex_unlock(&agent__g.lock);
	atomic_store(&agent__g.sampling, sample);
	atomic_store(&agent__g.active, connected && !writer__w.paused_events);
}

static void on_connect(int fd, dev_t dev, ino_t ino)
{
	struct wire_hello h;

	if (!writer__sock_is(fd, dev, ino))
		return; /* the program took the number meanwhile: not ours to close */
	writer__w.fd = fd;
	writer__w.dev = dev;
	writer__w.ino = ino;
	writer__w.broken = 0;
	writer__w.backoff_ms = 0;
	wire_buf_init(&writer__w.buf, writer__w.mem, sizeof(writer__w.mem));
	writer__w.names_sent = 0;
	agent__py_connected();
	writer__w.maps_gen = agent__phdr_generation() - 1; /* differs: send MAPS */
	writer__w.maps_next = 0;
	memset(writer__w.counter_fresh, 1, sizeof(writer__w.counter_fresh));
	writer__w.paused_samples = writer__w.paused_events = 0;
	for (uint32_t i = 0; i < atomic_load(&agent__g.nslots); i++) {
		struct agent_thread *t = atomic_load(&agent__g.slots[i]);

		if (t) {
			t->w_announced = 0;
			t->w_zseq = 0;
		}
	}
	if (writer__w.dec_ready)
		wire_decoder_release(&writer__w.dec);
	writer__w.dec_ready = 0;
	writer__cost_read(&writer__w.cost0_handler, &writer__w.cost0_writer,
	                  &writer__w.cost0_process);

	memset(&h, 0, sizeof(h));
	h.major = WIRE_PROTO_MAJOR;
	h.minor = WIRE_PROTO_MINOR;
	h.pid = (uint32_t)agent__g.pid;
	h.exe.s = writer__w.exe;
	h.exe.len = (uint32_t)strlen(writer__w.exe);
	h.argv.v = writer__w.argv;
	h.argv.n = writer__w.argc;
	h.requested_hz = agent__g.period_ns ? (uint32_t)(1000000000u / agent__g.period_ns) : 0;
	h.achieved_hz = writer__w.achieved_hz;
	h.clock_id = CLOCK_MONOTONIC;
	h.agent_version.s = PERFTOP_VERSION;
	h.agent_version.len = (uint32_t)strlen(PERFTOP_VERSION);
	h.ppid = (uint32_t)getppid(); /* its tree: a short life may be reaped before perftop looks */
	if (wire_put_hello(&writer__w.buf, &h) < 0)
		writer__w.broken = 1;
	writer__w.ever_connected = 1;
	writer__w.notice_gen = 0; /* every notice again on a new connection */
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
		writer__w.samples_lost += ring_discard(&t->samples, ring_head(&t->samples));
		writer__w.events_lost += ring_discard(&t->events, ring_head(&t->events));
	}
}

/* Puts off the next connection attempt: 100 ms, doubling to 1 s. */
static void back_off(void)
{
	writer__w.backoff_ms = writer__w.backoff_ms ? writer__w.backoff_ms * 2 : BACKOFF_MIN_MS;
	if (writer__w.backoff_ms > BACKOFF_MAX_MS)
		writer__w.backoff_ms = BACKOFF_MAX_MS;
	writer__w.next_try_ns = agent__now_ns() + (uint64_t)writer__w.backoff_ms * 1000000u;
}

void writer__disconnect(void)
{
	if (writer__fd_ours())
		close(writer__w.fd);
	writer__w.fd = -1;
	writer__w.broken = 0;
	writer__w.buf.len = 0;
	set_recording();
	discard_all();
	back_off();
}

void writer__try_connect(void)
{
	dev_t dev;
	ino_t ino;
	int fd = sock_connect(&dev, &ino);

	if (fd >= 0) {
		on_connect(fd, dev, ino);
		return;
	}
	back_off();
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
			writer__w.paused_samples = 1;
		if (m->u.pause.what & WIRE_PAUSE_EVENTS)
			writer__w.paused_events = 1;
		set_recording();
		break;
	case WIRE_RESUME:
		if (m->u.resume.what & WIRE_PAUSE_SAMPLES)
			writer__w.paused_samples = 0;
		if (m->u.resume.what & WIRE_PAUSE_EVENTS)
			writer__w.paused_events = 0;
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

void writer__read_control(void)
{
	uint8_t in[4096];
	ssize_t n;

	if (!writer__w.dec_ready) {
		wire_decoder_init(&writer__w.dec, 64u << 10, 0, on_control, NULL);
		writer__w.dec_ready = 1;
	}
	for (;;) {
		if (!writer__fd_ours())
			return;
		n = recv(writer__w.fd, in, sizeof(in), MSG_DONTWAIT);
		if (n > 0) {
			if (wire_decoder_feed(&writer__w.dec, in, (size_t)n) < 0) {
				agent__say("bad control frame from perftop: %s",
				           wire_decoder_error(&writer__w.dec));
				writer__w.broken = 1;
				return;
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			writer__w.broken = 1;
		return;
	}
}

/* Lets the socket take what the buffer holds, until deadline (ns). */
void writer__drain_until(uint64_t deadline)
{
	while (writer__w.fd >= 0 && writer__w.buf.len > 0 && !writer__w.broken &&
	       writer__fd_ours()) {
		struct pollfd p = {writer__w.fd, POLLOUT, 0};
		uint64_t now = agent__now_ns();

		if (now >= deadline)
			break;
		poll(&p, 1, (int)((deadline - now) / 1000000 + 1));
		writer__send_some();
	}
}
