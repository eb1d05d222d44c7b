/*
 * ingest — how many stack samples per second perftop's collector takes in.
 *
 * Starts perftop's real collector (listening socket, decoder, symbolizer,
 * model) in this process, forks AGENTS generator processes that each send
 * SAMPLES frames of depth-32 program-counter stacks (drawn from 1000
 * distinct stacks of real addresses in this binary) at RATE samples/s for
 * SECONDS, and reports what arrived and the CPU the collector used.
 * The main thread only sleeps, so the process's CPU time is the collector's.
 *
 * usage: ingest [AGENTS [RATE_PER_AGENT [SECONDS]]]   (default 8 62500 5)
 * prints: "agents=N sent=N received=N seconds=S rate=R/s cpu=C% cpu_per_10k=P%"
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "collect/collector.h"
#include "model/model.h"
#include "wire/wire.h"

enum { DEPTH = 32, STACKS = 1000, BATCH = 256 };

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Some real code addresses of this binary, so the symbolizer names them. */
static uint64_t code_pcs[64];
int main(int argc, char **argv);
static void fill_pcs(void)
{
	uint64_t base[] = { (uint64_t)(uintptr_t)bench_now_s, (uint64_t)(uintptr_t)cpu_s,
			    (uint64_t)(uintptr_t)fill_pcs, (uint64_t)(uintptr_t)main };

	for (int i = 0; i < 64; i++)
		code_pcs[i] = base[i % 4] + (uint64_t)(i / 4) * 4 + 1;
}

static void send_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(3);
		p += w;
		n -= (size_t)w;
	}
}

static void generator(const char *sock, long rate, double seconds, int out_fd)
{
	static uint8_t mem[1 << 20];
	static uint64_t stacks[STACKS][DEPTH];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct wire_buf b;
	struct wire_batch w;
	struct wire_str arg = { "ingest-gen", 10 };
	struct wire_hello h = { WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR, (uint32_t)getpid(),
				{ "ingest-gen", 10 }, { &arg, 1 }, 1000, 1000, 1, { "bench", 5 } };
	long sent = 0;
	double start, t;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, sock);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		_exit(2);
	srand((unsigned)getpid());
	for (int s = 0; s < STACKS; s++)
		for (int d = 0; d < DEPTH; d++)
			stacks[s][d] = code_pcs[(unsigned)rand() % 64];
	wire_buf_init(&b, mem, sizeof(mem));
	wire_put_hello(&b, &h);
	send_all(fd, b.data, b.len);
	wire_buf_consume(&b, b.len);
	start = bench_now_s();
	while ((t = bench_now_s() - start) < seconds) {
		long due = (long)(t * (double)rate);

		if (sent >= due) {
			struct timespec nap = { 0, 1000000 };

			nanosleep(&nap, NULL);
			continue;
		}
		wire_samples_begin(&b, &w, (uint32_t)getpid(), (uint64_t)(t * 1e9));
		for (int i = 0; i < BATCH && sent < due; i++, sent++)
			if (wire_samples_add_pcs(&b, &w, (uint64_t)(t * 1e9) + (uint64_t)i,
						 stacks[(unsigned)(sent * 7919) % STACKS], DEPTH) < 0)
				break;
		wire_batch_end(&b, &w);
		send_all(fd, b.data, b.len);
		wire_buf_consume(&b, b.len);
	}
	if (write(out_fd, &sent, sizeof(sent)) < 0)
		_exit(4);
	close(fd);
	_exit(0);
}

int main(int argc, char **argv)
{
	int agents = argc > 1 ? atoi(argv[1]) : 8;
	long rate = argc > 2 ? atol(argv[2]) : 62500;
	double seconds = argc > 3 ? atof(argv[3]) : 5;
	struct collector_opts co = { 0 };
	struct collector *c;
	struct model m;
	char dir[] = "/tmp/perftop-ingest-bench-XXXXXX", sock[128], why[256];
	int err, pipefd[2];
	long sent = 0, one;
	uint64_t received = 0;
	double c0, c1, t0, t1;

	fill_pcs();
	if (!mkdtemp(dir) || pipe(pipefd) < 0)
		return 1;
	snprintf(sock, sizeof(sock), "%s/perftop.sock", dir);
	model_init(&m, 1.0);
	m.list_visible = false; /* measure ingest, not /proc scans */
	co.socket_path = sock;
	co.socket_required = true;
	c = collector_start_opts(&m, &co, &err, why, sizeof(why));
	if (!c) {
		fprintf(stderr, "ingest: %s\n", why);
		return 1;
	}
	for (int i = 0; i < agents; i++)
		if (fork() == 0)
			generator(sock, rate, seconds, pipefd[1]);
	t0 = bench_now_s();
	c0 = cpu_s();
	for (int i = 0; i < agents; i++) {
		int st;

		wait(&st);
		if (read(pipefd[0], &one, sizeof(one)) == (ssize_t)sizeof(one))
			sent += one;
	}
	/* Let the collector drain what is still in the sockets. */
	for (int i = 0; i < 200; i++) {
		uint64_t got = 0;

		model_lock(&m);
		for (size_t k = 0; k < m.nprocs; k++)
			if (m.procs[k]->profile)
				got += m.procs[k]->profile->samples;
		model_unlock(&m);
		received = got;
		if (got >= (uint64_t)sent)
			break;
		usleep(10000);
	}
	t1 = bench_now_s();
	c1 = cpu_s();
	collector_stop(c);
	model_release(&m);
	rmdir(dir);
	printf("agents=%d sent=%ld received=%llu seconds=%.2f rate=%.0f/s cpu=%.1f%% "
	       "cpu_per_10k=%.3f%%\n",
	       agents, sent, (unsigned long long)received, t1 - t0, (double)received / (t1 - t0),
	       (c1 - c0) * 100 / (t1 - t0), (c1 - c0) * 100 / (t1 - t0) / ((double)received / (t1 - t0) / 1e4));
	return received == (uint64_t)sent ? 0 : 1;
}
