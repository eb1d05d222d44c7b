/*
 * zone_cost — what one PT_ZONE begin/end pair costs the instrumented
 * program, with perftop connected and without it.
 *
 *   zone_cost [PAIRS]   (default 20 000 000)
 *
 * It measures itself twice, each time as a fresh process (the agent decides
 * at start whether perftop is there): once with PERFTOP_SOCKET naming a
 * socket this program listens on and drains (connected), once naming none
 * (no perftop). Each run times PAIRS zones in a loop against the same loop
 * without the zone and prints the difference per pair, best of 5:
 *   zone-pair-ns connected 12.3
 *   zone-pair-ns disconnected 1.2
 * Linked with -lperftop.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "perftop.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile uint64_t sinkv;

__attribute__((noinline)) static void with_zones(long n)
{
	for (long i = 0; i < n; i++) {
		PT_ZONE("bench");
		sinkv = sinkv + (uint64_t)i;
	}
}

__attribute__((noinline)) static void without_zones(long n)
{
	for (long i = 0; i < n; i++)
		sinkv = sinkv + (uint64_t)i;
}

/* The child: times the loops, best of 5 rounds. */
static int measure(long n, const char *label)
{
	double best = 1e30;

	with_zones(1000); /* interns the name, attaches the thread */
	for (int r = 0; r < 5; r++) {
		double t0 = now_ns(), t1, t2, per;

		with_zones(n);
		t1 = now_ns();
		without_zones(n);
		t2 = now_ns();
		per = ((t1 - t0) - (t2 - t1)) / (double)n;
		if (per < best)
			best = per;
	}
	printf("zone-pair-ns %s %.1f%s\n", label, best,
	       strcmp(label, "connected") || pt_connected() ? "" : " (NOT connected)");
	return 0;
}

/* Runs this program again as "child LABEL" with PERFTOP_SOCKET=path. */
static int spawn(char **argv, const char *path, const char *label, long n, int lfd)
{
	char nbuf[32];
	pid_t pid;
	int status, cfd = -1;

	snprintf(nbuf, sizeof(nbuf), "%ld", n);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setenv("PERFTOP_SOCKET", path, 1);
		setenv("PERFTOP_HZ", "0", 1); /* the zones alone */
		execl("/proc/self/exe", argv[0], "child", label, nbuf, (char *)NULL);
		_exit(127);
	}
	/* Drain whatever the agent sends until the child is gone. */
	for (;;) {
		struct pollfd p[1];
		char buf[65536];

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (lfd < 0) {
			usleep(10000);
			continue;
		}
		p[0].fd = cfd >= 0 ? cfd : lfd;
		p[0].events = POLLIN;
		if (poll(p, 1, 10) <= 0)
			continue;
		if (cfd < 0)
			cfd = accept(lfd, NULL, NULL);
		else if (read(cfd, buf, sizeof(buf)) <= 0) {
			close(cfd);
			cfd = -1;
		}
	}
	if (cfd >= 0)
		close(cfd);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa;
	char path[sizeof(sa.sun_path)];
	long n = 20000000;
	int lfd, rc;

	if (argc > 3 && !strcmp(argv[1], "child"))
		return measure(atol(argv[3]), argv[2]);
	if (argc > 1)
		n = atol(argv[1]);
	signal(SIGPIPE, SIG_IGN);

	snprintf(path, sizeof(path), "/tmp/zone_cost-%d.sock", (int)getpid());
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 4) < 0) {
		perror("zone_cost: listen");
		return 1;
	}
	fflush(stdout);
	rc = spawn(argv, path, "connected", n, lfd);
	close(lfd);
	unlink(path);
	strcat(path, ".none");
	rc |= spawn(argv, path, "disconnected", n, -1);
	return rc ? 1 : 0;
}
