/*
 * agent_fds — programs that use their descriptors the way real ones do, for
 * the agent's descriptor tests. Each mode prints facts that must be the same
 * with and without the agent (unless said otherwise) and exits 0.
 *
 *   agent_fds copy IN OUT      IN on fd 3 and OUT on fd 4 (the numbers
 *                              libunwind's pipe used to take), copied in
 *                              small reads with CPU work between them;
 *                              prints "copy ok" or what differs, then
 *                              "low N" (descriptors other than 0-4 below
 *                              64) and "inheritable N" (descriptors above 4
 *                              without close-on-exec)
 *   agent_fds threads N        N threads that each burn 1 ms of CPU, then
 *                              wait; prints "extra N": descriptors other
 *                              than 0-2 while they all live (varies with the
 *                              agent: the test bounds it)
 *   agent_fds stamp FILE SECS DEPTH   burns SECS DEPTH frames deep, then
 *                              writes CLOCK_MONOTONIC to FILE and returns
 *                              from main (for bench/exit_delay.bench.sh)
 *   agent_fds burn N SECS      N threads each burn SECS of CPU; "burnt N"
 *   agent_fds open THREADS     THREADS threads burn 20 ms each; then opens
 *                              /dev/null until it fails; prints "opened N"
 *   agent_fds takeover SECS    a busy thread; closes every descriptor above
 *                              2, puts its own sockets and eventfds at every
 *                              number that was open, burns SECS of CPU
 *                              while it sends through them, lets the busy
 *                              thread exit, and forks a child that writes
 *                              through every number; prints "takeover ok"
 *                              or what the agent disturbed
 *   agent_fds children N MS    forks N children, one at a time, each
 *                              burning MS ms of its own CPU time before
 *                              exit(0); prints "child PID" for each
 *                              (stderr) and "children N" (stdout)
 *   agent_fds children_exit N MS  the same, each child ending with _exit(0)
 *   agent_fds vfork N MS       vforks N children, one at a time, each
 *                              burning MS ms then _exit(0); prints
 *                              "children N" (stdout)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 4096

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile double sink;

__attribute__((noinline)) static void burn(double secs)
{
	double start = thread_cpu(), x = 1.0;

	while (thread_cpu() - start < secs)
		for (int i = 0; i < 2000; i++)
			x = x * 1.0000001 + 0.5 / (x + 1.0);
	sink = x;
}

/* The open descriptors, ascending; returns how many. */
static int open_fds(int *out, int max)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0, self;

	if (!d)
		return 0;
	self = dirfd(d);
	while ((e = readdir(d)) != NULL && n < max) {
		char *end;
		long v = strtol(e->d_name, &end, 10);

		if (*end || e->d_name[0] == '.' || v == self)
			continue;
		out[n++] = (int)v;
	}
	closedir(d);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && out[j - 1] > out[j]; j--) {
			int t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

/* ---- copy ----------------------------------------------------------------- */

static int do_copy(const char *in, const char *out)
{
	int a = open(in, O_RDONLY), b = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int fds[MAX_FDS], n, low = 0, inheritable = 0;
	char buf[16];
	ssize_t r;
	off_t total = 0;
	struct stat st;

	if (a < 0 || b < 0 || dup2(a, 3) != 3 || dup2(b, 4) != 4)
		return perror("open"), 1;
	if (a != 3 && a != 4)
		close(a);
	if (b != 3 && b != 4)
		close(b);
	while ((r = read(3, buf, sizeof(buf))) > 0) {
		if (write(4, buf, (size_t)r) != r)
			return perror("write"), 1;
		total += r;
		burn(0.0002);
	}
	fstat(3, &st);
	if (r < 0)
		printf("copy read failed: %s\n", strerror(errno));
	else if (total != st.st_size || lseek(3, 0, SEEK_CUR) != st.st_size ||
	         lseek(4, 0, SEEK_CUR) != st.st_size)
		printf("copy differs: %lld of %lld bytes\n", (long long)total,
		       (long long)st.st_size);
	else
		printf("copy ok\n");
	n = open_fds(fds, MAX_FDS);
	for (int i = 0; i < n; i++) {
		if (fds[i] > 4 && fds[i] < 64)
			low++;
		if (fds[i] > 4 && !(fcntl(fds[i], F_GETFD) & FD_CLOEXEC))
			inheritable++;
	}
	printf("low %d\ninheritable %d\n", low, inheritable);
	return 0;
}

/* ---- threads ---------------------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int burnt, release_all;

static double burner_secs = 0.02;

static void *burner(void *arg)
{
	(void)arg;
	burn(burner_secs);
	pthread_mutex_lock(&mu);
	burnt++;
	pthread_cond_broadcast(&cv);
	while (!release_all)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static int start_threads(int n, pthread_t *t)
{
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], &attr, burner, NULL) != 0)
			return i;
	pthread_mutex_lock(&mu);
	while (burnt < n)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return n;
}

static void stop_threads(int n, pthread_t *t)
{
	pthread_mutex_lock(&mu);
	release_all = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

static int do_threads(int n)
{
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	int fds[MAX_FDS], k, m, extra = 0;

	burner_secs = 0.001;
	k = start_threads(n, t);
	m = open_fds(fds, MAX_FDS);
	for (int i = 0; i < m; i++)
		extra += fds[i] > 2;
	stop_threads(k, t);
	printf("started %d\nextra %d\n", k, extra);
	free(t);
	return 0;
}

static int do_burn(int n, double secs)
{
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	int k;

	burner_secs = secs;
	k = start_threads(n, t);
	stop_threads(k, t);
	printf("burnt %d\n", k);
	free(t);
	return 0;
}

static int do_open(int n)
{
	pthread_t t[64];
	int k, opened = 0;

	k = start_threads(n > 64 ? 64 : n, t);
	while (open("/dev/null", O_RDONLY) >= 0)
		opened++;
	stop_threads(k, t);
	printf("opened %d\n", opened);
	return 0;
}

/* ---- takeover ----------------------------------------------------------------- */

static volatile int busy_stop;

static void *busy(void *arg)
{
	(void)arg;
	while (!busy_stop)
		burn(0.001);
	return NULL;
}

static int do_takeover(double secs)
{
	int before[MAX_FDS], nb, peer[MAX_FDS], kind[MAX_FDS], bad = 0;
	pthread_t th;
	pid_t pid;
	int st;
	char msg[] = "program data\n";

	pthread_create(&th, NULL, busy, NULL);
	burn(0.05); /* sampled, so the agent's descriptors are in use */
	nb = open_fds(before, MAX_FDS);
	for (int i = 0; i < nb; i++)
		if (before[i] > 2)
			close(before[i]);
	/* Every number that was open is now the program's: a socket (peer end
	 * kept at a low number) or an eventfd holding a count, alternately. */
	for (int i = 0; i < nb; i++) {
		int fd = before[i], sp[2];

		peer[i] = -1;
		kind[i] = 0;
		if (fd <= 2)
			continue;
		if (i % 2 == 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0) {
			if (dup2(sp[0], fd) < 0)
				bad++;
			if (sp[0] != fd)
				close(sp[0]);
			peer[i] = sp[1];
			kind[i] = 1;
		} else {
			int e = eventfd(7, 0);

			if (e < 0 || dup2(e, fd) < 0)
				bad++;
			if (e != fd)
				close(e);
			kind[i] = 2;
		}
	}
	burn(secs / 2);
	busy_stop = 1;
	pthread_join(th, NULL); /* its sampling source is released */
	burn(secs / 2);
	for (int i = 0; i < nb; i++)
		if (kind[i] == 1 && write(before[i], msg, sizeof(msg) - 1) != sizeof(msg) - 1)
			bad++;
	pid = fork();
	if (pid == 0) {
		/* The child writes through every number it inherited. */
		for (int i = 0; i < nb; i++)
			if (kind[i] == 1 &&
			    write(before[i], msg, sizeof(msg) - 1) != sizeof(msg) - 1)
				_exit(3);
		burn(0.02);
		exit(0);
	}
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("takeover: the child could not write through its descriptors (%#x)\n", st);
		bad++;
	}
	for (int i = 0; i < nb; i++) {
		char buf[256];
		ssize_t r;
		uint64_t v = 0;

		if (kind[i] == 1) {
			fcntl(peer[i], F_SETFL, O_NONBLOCK);
			r = read(peer[i], buf, sizeof(buf));
			if (r != 2 * (ssize_t)(sizeof(msg) - 1) ||
			    memcmp(buf, msg, sizeof(msg) - 1)) {
				printf("takeover: socket at %d carried %zd bytes, not 2 lines\n",
				       before[i], r);
				bad++;
			}
			fcntl(before[i], F_SETFL, O_NONBLOCK);
			r = read(before[i], buf, sizeof(buf));
			if (r > 0) {
				printf("takeover: socket at %d received %zd bytes\n", before[i], r);
				bad++;
			}
		} else if (kind[i] == 2) {
			if (read(before[i], &v, sizeof(v)) != sizeof(v) || v != 7) {
				printf("takeover: eventfd at %d lost (count %llu)\n", before[i],
				       (unsigned long long)v);
				bad++;
			}
		}
	}
	printf(bad ? "takeover failed\n" : "takeover ok\n");
	return 0;
}

/* ---- stamp ---------------------------------------------------------------------- */

__attribute__((noinline)) static int deep(int depth, double secs)
{
	if (depth > 0)
		return deep(depth - 1, secs) + 1;
	burn(secs);
	return 0;
}

/* Burns SECS at the bottom of DEPTH frames, then writes CLOCK_MONOTONIC
 * (seconds) to FILE as its last act before exit's destructors run. */
static int do_stamp(const char *file, double secs, int depth)
{
	struct timespec ts;
	FILE *f;

	sink = deep(depth, secs);
	f = fopen(file, "w");
	if (!f)
		return perror(file), 1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(f, "%.6f\n", (double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
	fclose(f);
	return 0;
}

/* ---- children ------------------------------------------------------------------ */

/* One child that burns ms and ends; how: 0 fork and exit, 1 fork and
 * _exit, 2 vfork and _exit (the child never returns from here). */
static pid_t child(double ms, int how)
{
	pid_t pid = how == 2 ? vfork() : fork();

	if (pid == 0) {
		burn(ms / 1000.0);
		if (how)
			_exit(0);
		exit(0);
	}
	return pid;
}

static int do_children(int n, double ms, int how)
{
	int done = 0;

	fflush(stdout);
	for (int i = 0; i < n; i++) {
		pid_t pid = child(ms, how);

		if (pid < 0)
			return perror("fork"), 1;
		if (how != 2)
			fprintf(stderr, "child %d\n", (int)pid);
		if (waitpid(pid, NULL, 0) == pid)
			done++;
	}
	printf("children %d\n", done);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "copy") && argc > 3)
		return do_copy(argv[2], argv[3]);
	if (!strcmp(mode, "threads") && argc > 2)
		return do_threads(atoi(argv[2]));
	if (!strcmp(mode, "stamp") && argc > 4)
		return do_stamp(argv[2], atof(argv[3]), atoi(argv[4]));
	if (!strcmp(mode, "burn") && argc > 3)
		return do_burn(atoi(argv[2]), atof(argv[3]));
	if (!strcmp(mode, "open") && argc > 2)
		return do_open(atoi(argv[2]));
	if (!strcmp(mode, "takeover") && argc > 2)
		return do_takeover(atof(argv[2]));
	if (!strcmp(mode, "children") && argc > 3)
		return do_children(atoi(argv[2]), atof(argv[3]), 0);
	if (!strcmp(mode, "children_exit") && argc > 3)
		return do_children(atoi(argv[2]), atof(argv[3]), 1);
	if (!strcmp(mode, "vfork") && argc > 3)
		return do_children(atoi(argv[2]), atof(argv[3]), 2);
	fprintf(stderr, "usage: agent_fds copy IN OUT | threads N | open THREADS | "
	                "takeover SECS | children|children_exit|vfork N MS | burn N SECS | stamp FILE SECS DEPTH\n");
	return 2;
}
