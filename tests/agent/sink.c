/*
 * sink — a tiny stand-in for perftop's listening side, for the agent's
 * tests: accepts agents on a Unix socket, decodes their frames with the wire
 * decoder and, when told to stop, prints what it received.
 *
 *   agent-sink SOCKET [-t SECONDS] [-c CLOSES] [--pause-events] [--stall]
 *
 * Stops on SIGTERM/SIGINT, after SECONDS, or once CLOSES connections have
 * ended. --pause-events sends PAUSE(events) to each agent after its HELLO.
 * --stall accepts agents and never reads from them (a perftop that hangs).
 * Output, one fact per line (summed over every connection unless pid=):
 *   connections N
 *   hello pid=P hz=H version=V
 *   errors N                        decoder failures (each printed to stderr)
 *   frames N
 *   samples N
 *   samples-tid pid=P tid=T N       samples per thread
 *   connection-samples pid=P N      samples per ended connection, in order
 *   sample-depth-max N
 *   zone NAME count=N sum=NS        latest ZONE_STATS, summed over threads
 *   zone-events NAME N              ZONES items
 *   counter NAME total=N            latest TOTAL
 *   gauge NAME last=V
 *   marks N
 *   notice pid=P tid=T code=C count=N TEXT   every NOTICE, in order (the first 64)
 *   mark TEXT                       (the first 20)
 *   threads N                       THREAD frames
 *   thread-name NAME                (named threads)
 *   maps N                          MAPS items
 *   maps-with-build-id N
 *   stats N                         STATS frames
 *   stats-last samples=N dropped=N events-dropped=N bytes=N hz=F
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "wire/wire.h"

#define MAX_CONNS 256
#define MAX_NAMES 8192
#define MAX_TIDS  1024
#define MAX_ZONES 256

struct tidcount {
	uint32_t pid, tid;
	uint64_t n;
};

struct zoneacc {
	char name[64];
	uint64_t count, sum, events;
};

struct counteracc {
	char name[64];
	int64_t total;
	double last;
	int gauge;
};

struct conn {
	int fd;
	uint32_t pid;
	struct wire_decoder dec;
	char *names[MAX_NAMES];
	/* Latest ZONE_STATS per (tid, zone id) and TOTAL per counter id. */
	struct zs {
		uint32_t tid, zone;
		uint64_t count, sum;
	} * zs;
	size_t nzs, zs_alloc;
	struct {
		uint32_t id;
		int64_t total;
		double last;
		int gauge;
	} cs[256];
	size_t ncs;
	int paused;
	uint64_t samples;
};

/* Samples per connection, in the order the connections ended. */
#define MAX_ENDED 4096
static struct {
	uint32_t pid;
	uint64_t samples;
} ended[MAX_ENDED];
static size_t nended;

static struct conn *conns[MAX_CONNS];
static volatile sig_atomic_t stop;
static int pause_events, stall;

static uint64_t n_connections, n_errors, n_frames, n_samples, depth_max, n_marks, n_threads, n_maps,
    n_maps_bid, n_stats;
static struct tidcount tids[MAX_TIDS];
static size_t ntids;
static struct zoneacc zones[MAX_ZONES];
static size_t nzones;
static struct counteracc counters[MAX_ZONES];
static size_t ncounters;
static char marks[20][128];
static char notices[64][320];
static unsigned n_notices;
static char thread_names[32][64];
static size_t nthread_names;
static struct wire_stats last_stats;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *name_of(struct conn *c, uint32_t id)
{
	return id < MAX_NAMES && c->names[id] ? c->names[id] : "?";
}

static struct zoneacc *zone_acc(const char *name)
{
	for (size_t i = 0; i < nzones; i++)
		if (!strcmp(zones[i].name, name))
			return &zones[i];
	if (nzones == MAX_ZONES)
		return NULL;
	snprintf(zones[nzones].name, sizeof(zones[nzones].name), "%s", name);
	return &zones[nzones++];
}

static void count_sample(uint32_t pid, uint32_t tid)
{
	for (size_t i = 0; i < ntids; i++)
		if (tids[i].pid == pid && tids[i].tid == tid) {
			tids[i].n++;
			return;
		}
	if (ntids < MAX_TIDS)
		tids[ntids++] = (struct tidcount){pid, tid, 1};
}

static void send_pause(struct conn *c)
{
	uint8_t mem[64];
	struct wire_buf b;
	struct wire_pause p = {WIRE_PAUSE_EVENTS};

	wire_buf_init(&b, mem, sizeof(mem));
	if (wire_put_pause(&b, &p) == 0 && send(c->fd, b.data, b.len, MSG_NOSIGNAL) < 0)
		perror("sink: send pause");
}

static int on_msg(void *ctx, const struct wire_msg *m)
{
	struct conn *c = ctx;

	if (m->index == 0)
		n_frames++;
	switch (m->type) {
	case WIRE_HELLO:
		c->pid = m->u.hello.pid;
		printf("hello pid=%u hz=%u version=%s argc=%u\n", m->u.hello.pid,
		       m->u.hello.requested_hz, m->u.hello.agent_version.s, m->u.hello.argv.n);
		if (pause_events && !c->paused) {
			send_pause(c);
			c->paused = 1;
		}
		break;
	case WIRE_NAME:
		if (m->u.name.id < MAX_NAMES) {
			free(c->names[m->u.name.id]);
			c->names[m->u.name.id] = strdup(m->u.name.text.s);
		}
		break;
	case WIRE_THREAD:
		n_threads++;
		if (m->u.thread.name.len && nthread_names < 32) {
			int seen = 0;

			for (size_t i = 0; i < nthread_names; i++)
				seen |= !strcmp(thread_names[i], m->u.thread.name.s);
			if (!seen)
				snprintf(thread_names[nthread_names++], 64, "%s",
				         m->u.thread.name.s);
		}
		break;
	case WIRE_SAMPLES:
		if (m->count == 0)
			break;
		n_samples++;
		c->samples++;
		if (m->u.samples.stack.depth > depth_max)
			depth_max = m->u.samples.stack.depth;
		count_sample(c->pid, m->u.samples.tid);
		break;
	case WIRE_ZONES:
		if (m->count) {
			struct zoneacc *z = zone_acc(name_of(c, m->u.zones.zone));

			if (z)
				z->events++;
		}
		break;
	case WIRE_ZONE_STATS: {
		size_t i;

		if (m->count == 0)
			break;
		for (i = 0; i < c->nzs; i++)
			if (c->zs[i].tid == m->u.zone_stats.tid &&
			    c->zs[i].zone == m->u.zone_stats.zone)
				break;
		if (i == c->nzs) {
			if (c->nzs == c->zs_alloc) {
				size_t n = c->zs_alloc ? 2 * c->zs_alloc : 64;
				struct zs *p = realloc(c->zs, n * sizeof(*p));

				if (!p)
					break;
				c->zs = p;
				c->zs_alloc = n;
			}
			c->nzs++;
		}
		c->zs[i].tid = m->u.zone_stats.tid;
		c->zs[i].zone = m->u.zone_stats.zone;
		c->zs[i].count = m->u.zone_stats.count;
		c->zs[i].sum = m->u.zone_stats.sum;
		break;
	}
	case WIRE_COUNTERS: {
		size_t i;

		if (m->count == 0)
			break;
		for (i = 0; i < c->ncs; i++)
			if (c->cs[i].id == m->u.counters.counter)
				break;
		if (i == c->ncs) {
			if (c->ncs == 256)
				break;
			c->ncs++;
		}
		c->cs[i].id = m->u.counters.counter;
		if (m->u.counters.op == WIRE_COUNTER_TOTAL)
			c->cs[i].total = m->u.counters.value.i;
		else if (m->u.counters.op == WIRE_COUNTER_SET) {
			c->cs[i].gauge = 1;
			c->cs[i].last = m->u.counters.value.is_float
			                    ? m->u.counters.value.f
			                    : (double)m->u.counters.value.i;
		}
		break;
	}
	case WIRE_MARK:
		if (n_marks < 20)
			snprintf(marks[n_marks], sizeof(marks[0]), "%s", m->u.mark.text.s);
		n_marks++;
		break;
	case WIRE_NOTICE:
		if (n_notices < 64)
			snprintf(notices[n_notices++], sizeof(notices[0]),
			         "pid=%ld tid=%u code=%s count=%llu %s", (long)c->pid, m->u.notice.tid,
			         m->u.notice.code.s, (unsigned long long)m->u.notice.count,
			         m->u.notice.text.s);
		break;
	case WIRE_STATS:
		n_stats++;
		last_stats = m->u.stats;
		break;
	case WIRE_MAPS:
		if (m->count) {
			n_maps++;
			n_maps_bid += m->u.maps.build_id.len > 0;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* Folds a finished connection's latest statistics into the totals. */
static void conn_close(int i)
{
	struct conn *c = conns[i];

	for (size_t k = 0; k < c->nzs; k++) {
		struct zoneacc *z = zone_acc(name_of(c, c->zs[k].zone));

		if (z) {
			z->count += c->zs[k].count;
			z->sum += c->zs[k].sum;
		}
	}
	for (size_t k = 0; k < c->ncs; k++) {
		const char *name = name_of(c, c->cs[k].id);
		size_t j;

		for (j = 0; j < ncounters; j++)
			if (!strcmp(counters[j].name, name))
				break;
		if (j == ncounters) {
			if (ncounters == MAX_ZONES)
				continue;
			snprintf(counters[ncounters++].name, 64, "%s", name);
		}
		counters[j].total += c->cs[k].total;
		counters[j].last = c->cs[k].last;
		counters[j].gauge |= c->cs[k].gauge;
	}
	if (nended < MAX_ENDED) {
		ended[nended].pid = c->pid;
		ended[nended++].samples = c->samples;
	}
	for (size_t k = 0; k < MAX_NAMES; k++)
		free(c->names[k]);
	free(c->zs);
	wire_decoder_release(&c->dec);
	close(c->fd);
	free(c);
	conns[i] = NULL;
}

static void summary(void)
{
	printf("connections %llu\n", (unsigned long long)n_connections);
	printf("errors %llu\n", (unsigned long long)n_errors);
	printf("frames %llu\n", (unsigned long long)n_frames);
	printf("samples %llu\n", (unsigned long long)n_samples);
	for (size_t i = 0; i < ntids; i++)
		printf("samples-tid pid=%u tid=%u %llu\n", tids[i].pid, tids[i].tid,
		       (unsigned long long)tids[i].n);
	for (size_t i = 0; i < nended; i++)
		printf("connection-samples pid=%u %llu\n", ended[i].pid,
		       (unsigned long long)ended[i].samples);
	printf("sample-depth-max %llu\n", (unsigned long long)depth_max);
	for (size_t i = 0; i < nzones; i++) {
		printf("zone %s count=%llu sum=%llu\n", zones[i].name,
		       (unsigned long long)zones[i].count, (unsigned long long)zones[i].sum);
		printf("zone-events %s %llu\n", zones[i].name, (unsigned long long)zones[i].events);
	}
	for (size_t i = 0; i < ncounters; i++) {
		if (counters[i].gauge)
			printf("gauge %s last=%g\n", counters[i].name, counters[i].last);
		else
			printf("counter %s total=%lld\n", counters[i].name,
			       (long long)counters[i].total);
	}
	printf("marks %llu\n", (unsigned long long)n_marks);
	for (uint64_t i = 0; i < n_marks && i < 20; i++)
		printf("mark %s\n", marks[i]);
	for (unsigned i = 0; i < n_notices; i++)
		printf("notice %s\n", notices[i]);
	printf("threads %llu\n", (unsigned long long)n_threads);
	for (size_t i = 0; i < nthread_names; i++)
		printf("thread-name %s\n", thread_names[i]);
	printf("maps %llu\n", (unsigned long long)n_maps);
	printf("maps-with-build-id %llu\n", (unsigned long long)n_maps_bid);
	printf("stats %llu\n", (unsigned long long)n_stats);
	printf("stats-last samples=%llu dropped=%llu events-dropped=%llu bytes=%llu hz=%.1f\n",
	       (unsigned long long)last_stats.samples,
	       (unsigned long long)last_stats.samples_dropped,
	       (unsigned long long)last_stats.events_dropped,
	       (unsigned long long)last_stats.bytes_sent, last_stats.achieved_hz);
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa;
	const char *path;
	double seconds = 0;
	long closes_wanted = 0, closes = 0;
	int lfd;
	struct timespec start, now;

	if (argc < 2) {
		fprintf(stderr, "usage: agent-sink SOCKET [-t SECONDS] [-c CLOSES] "
		                "[--pause-events] [--stall]\n");
		return 2;
	}
	path = argv[1];
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			closes_wanted = atol(argv[++i]);
		else if (!strcmp(argv[i], "--pause-events"))
			pause_events = 1;
		else if (!strcmp(argv[i], "--stall"))
			stall = 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);

	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 64) < 0) {
		perror("sink: listen");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!stop) {
		struct pollfd p[MAX_CONNS + 1];
		int idx[MAX_CONNS + 1], n = 0;

		p[n].fd = lfd;
		p[n].events = POLLIN;
		idx[n++] = -1;
		for (int i = 0; i < MAX_CONNS && !stall; i++)
			if (conns[i]) {
				p[n].fd = conns[i]->fd;
				p[n].events = POLLIN;
				idx[n++] = i;
			}
		if (poll(p, (nfds_t)n, 100) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < n; k++) {
			if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (idx[k] < 0) {
				int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
				int slot = -1;

				for (int i = 0; i < MAX_CONNS && fd >= 0; i++)
					if (!conns[i]) {
						slot = i;
						break;
					}
				if (slot < 0) {
					if (fd >= 0)
						close(fd);
					continue;
				}
				conns[slot] = calloc(1, sizeof(struct conn));
				conns[slot]->fd = fd;
				wire_decoder_init(&conns[slot]->dec, 0, WIRE_DECODER_NEED_HELLO,
				                  on_msg, conns[slot]);
				n_connections++;
			} else {
				struct conn *c = conns[idx[k]];
				uint8_t buf[65536];
				ssize_t r = read(c->fd, buf, sizeof(buf));

				if (r > 0 && wire_decoder_feed(&c->dec, buf, (size_t)r) < 0) {
					fprintf(stderr, "sink: pid %u: %s\n", c->pid,
					        wire_decoder_error(&c->dec));
					n_errors++;
					r = 0;
				}
				if (r <= 0) {
					if (wire_decoder_pending(&c->dec))
						fprintf(stderr,
						        "sink: pid %u: %zu bytes of a cut frame\n",
						        c->pid, wire_decoder_pending(&c->dec));
					conn_close(idx[k]);
					closes++;
				}
			}
		}
		if (closes_wanted && closes >= closes_wanted)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (seconds > 0 && (double)(now.tv_sec - start.tv_sec) +
		                           (double)(now.tv_nsec - start.tv_nsec) / 1e9 >=
		                       seconds)
			break;
	}
	for (int i = 0; i < MAX_CONNS; i++)
		if (conns[i])
			conn_close(i);
	unlink(path);
	summary();
	return 0;
}
