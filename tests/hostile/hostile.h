/*
 * hostile.h — what the hostile targets (tests/hostile/) share: burning a
 * known amount of CPU time, closing every descriptor the way daemons do, and
 * printing a descriptor as the program sees it (number, kind, flags) so the
 * suite can compare runs with and without the agent byte for byte.
 *
 * Each target prints only deterministic facts on stdout (verdicts, its own
 * descriptors) and explains a failure on stderr; it exits 0 when every check
 * it makes holds. Header-only: each target is one small program.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t hs_cpu_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Spins until the calling thread has used MS more milliseconds of CPU time
 * (CPU time, so the amount of work does not depend on the machine's load). */
static __attribute__((noinline, unused)) double hs_burn_ms(double ms)
{
	uint64_t end = hs_cpu_ns(CLOCK_THREAD_CPUTIME_ID) + (uint64_t)(ms * 1e6);
	volatile double x = 1.0;

	while (hs_cpu_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 2000; i++)
			x = x * 1.0000001 + 0.5 / (x + 1.0);
	return x;
}

/* The daemon idiom: closes every descriptor from FROM up, whoever owns it. */
static inline void hs_close_from(int from)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)from, ~0u, 0u) == 0)
		return;
#endif
	for (int fd = from; fd < 65536; fd++)
		close(fd);
}

/* What FD is, without the inode numbers that differ between runs: a path's
 * last component, "socket", "pipe", "anon_inode:[eventfd]"... or "closed". */
static inline const char *hs_fd_kind(int fd, char *out, size_t len)
{
	char link[64], target[512];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		snprintf(out, len, "closed");
		return out;
	}
	target[n] = '\0';
	if (!strncmp(target, "socket:", 7))
		snprintf(out, len, "socket");
	else if (!strncmp(target, "pipe:", 5))
		snprintf(out, len, "pipe");
	else if (target[0] == '/')
		snprintf(out, len, "file %s", strrchr(target, '/') + 1);
	else
		snprintf(out, len, "%s", target);
	return out;
}

/* Prints "fd N: KIND flags=F cloexec=C" for the program's own descriptor. */
static inline void hs_print_fd(const char *what, int fd)
{
	char kind[600];
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);

	printf("%s fd %d: %s flags=%#x cloexec=%d\n", what, fd, hs_fd_kind(fd, kind, sizeof(kind)),
	       fl < 0 ? 0 : fl & (O_ACCMODE | O_APPEND | O_NONBLOCK), fdfl < 0 ? -1 : fdfl & 1);
}

/* The lowest descriptor number free right now (what open() would return). */
static inline int hs_lowest_free(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd;
}

/* Writes all of LEN bytes, retrying short writes; 0 or -1. */
static inline int hs_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Reports a failed check on stderr and counts it. */
static int hs_failures;
static inline void hs_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("hostile: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	hs_failures++;
}

/* ---- parked threads ------------------------------------------------------- */

/* N threads that each work MS of CPU time, then wait until hs_park_release,
 * then work hs_park_after_ms and end; hs_park_start returns how many were
 * started (small stacks, so thousands fit). */
static pthread_mutex_t hs_park_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hs_park_cond = PTHREAD_COND_INITIALIZER;
static int hs_park_open, hs_park_ready;
static double hs_park_ms, hs_park_after_ms; /* work before parking, after release */

static inline void *hs_parked(void *arg)
{
	(void)arg;
	if (hs_park_ms > 0)
		hs_burn_ms(hs_park_ms);
	pthread_mutex_lock(&hs_park_lock);
	hs_park_ready++;
	pthread_cond_broadcast(&hs_park_cond);
	while (!hs_park_open)
		pthread_cond_wait(&hs_park_cond, &hs_park_lock);
	pthread_mutex_unlock(&hs_park_lock);
	if (hs_park_after_ms > 0)
		hs_burn_ms(hs_park_after_ms);
	return NULL;
}

/* Starts N parked threads and waits until all have done their work. */
static inline int hs_park_start(pthread_t *t, int n, double ms)
{
	pthread_attr_t a;
	int started = 0;

	hs_park_ms = ms;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], &a, hs_parked, NULL) == 0)
			started++;
		else
			break;
	pthread_attr_destroy(&a);
	pthread_mutex_lock(&hs_park_lock);
	while (hs_park_ready < started)
		pthread_cond_wait(&hs_park_cond, &hs_park_lock);
	pthread_mutex_unlock(&hs_park_lock);
	return started;
}

static inline void hs_park_release(pthread_t *t, int n)
{
	pthread_mutex_lock(&hs_park_lock);
	hs_park_open = 1;
	pthread_cond_broadcast(&hs_park_cond);
	pthread_mutex_unlock(&hs_park_lock);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

#endif
