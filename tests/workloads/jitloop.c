/*
 * jitloop — a stand-in for a JIT runtime, for the perf map tests
 * (tests/symbols/perfmap.test.sh). It writes machine code for two counting
 * loops into an anonymous page (mapped read-write, then made read-execute),
 * names them in a perf map the way JIT runtimes do ("START SIZE name"):
 * "jit_hot_loop" in bare hex, "jit warm loop" (with spaces) in 0x hex, and
 * spins in them, three calls of the hot loop for one of the warm one, until
 * the thread has used SECONDS of CPU time.
 *
 * The map goes to /tmp/perf-PID.map, or to MAPFILE when given; then the
 * pid is written to MAPFILE.pid (complete when it appears), and with GOFILE
 * the loops start only once that file exists (at most 10 minutes), so a
 * test can put the map file in place first. The map file is left behind,
 * as runtimes do (perftop may read it after the process exits).
 *
 * With JITLOOP_LATE=1 in the environment, the warm loop's line is appended
 * only once half of SECONDS is spent (a runtime that compiles as it goes),
 * to /tmp/perf-PID.map or MAPFILE.
 *
 * Prints "jitloop done" on stdout. Exits 77 on an architecture it has no
 * machine code for.
 *
 *   jitloop [SECONDS [MAPFILE [GOFILE]]]
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum { WARM_OFFSET = 64, LOOP_ITERATIONS = 2000000 };

/* loop(n): counts n (at least 1) down to zero, returns; with a frame-pointer
 * frame, as JIT runtimes lay out theirs, so the stack above it can be walked
 * without unwind tables. */
#if defined(__x86_64__)
static const unsigned char LOOP_CODE[] = {
    0x55,             /*    push %rbp */
    0x48, 0x89, 0xe5, /*    mov %rsp, %rbp */
    0x48, 0xff, 0xcf, /* 1: dec %rdi */
    0x75, 0xfb,       /*    jnz 1b */
    0x5d,             /*    pop %rbp */
    0xc3,             /*    ret */
};
#elif defined(__aarch64__)
static const unsigned char LOOP_CODE[] = {
    0xfd, 0x7b, 0xbf, 0xa9, /*    stp x29, x30, [sp, #-16]! */
    0xfd, 0x03, 0x00, 0x91, /*    mov x29, sp */
    0x00, 0x04, 0x00, 0xf1, /* 1: subs x0, x0, #1 */
    0xe1, 0xff, 0xff, 0x54, /*    b.ne 1b */
    0xfd, 0x7b, 0xc1, 0xa8, /*    ldp x29, x30, [sp], #16 */
    0xc0, 0x03, 0x5f, 0xd6, /*    ret */
};
#endif

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int file_exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static void write_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = write(fd, s, len);

		if (n <= 0) {
			perror("jitloop: write");
			exit(1);
		}
		s += n;
		len -= (size_t)n;
	}
}

int main(int argc, char **argv)
{
#if !defined(__x86_64__) && !defined(__aarch64__)
	(void)argc;
	(void)argv;
	fprintf(stderr, "jitloop: no machine code for this architecture\n");
	return 77;
#else
	double seconds = argc > 1 ? atof(argv[1]) : 2.0, start;
	const char *mapfile = argc > 2 ? argv[2] : NULL, *gofile = argc > 3 ? argv[3] : NULL;
	long page = sysconf(_SC_PAGESIZE);
	char path[4096], tmp[4200], text[256], warm_line[128];
	const char *late_env = getenv("JITLOOP_LATE");
	int late = late_env && !strcmp(late_env, "1");
	void (*hot)(uint64_t), (*warm)(uint64_t);
	unsigned char *code;
	int fd, mapfd;

	code = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) {
		perror("jitloop: mmap");
		return 1;
	}
	memcpy(code, LOOP_CODE, sizeof(LOOP_CODE));
	memcpy(code + WARM_OFFSET, LOOP_CODE, sizeof(LOOP_CODE));
	if (mprotect(code, (size_t)page, PROT_READ | PROT_EXEC) < 0) {
		perror("jitloop: mprotect");
		return 1;
	}
	__builtin___clear_cache((char *)code, (char *)code + page);
	hot = (void (*)(uint64_t))(uintptr_t)code;
	warm = (void (*)(uint64_t))(uintptr_t)(code + WARM_OFFSET);

	if (mapfile)
		snprintf(path, sizeof(path), "%s", mapfile);
	else
		snprintf(path, sizeof(path), "/tmp/perf-%ld.map", (long)getpid());
	mapfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (mapfd < 0) {
		perror("jitloop: open the map file");
		return 1;
	}
	snprintf(text, sizeof(text), "%lx %zx jit_hot_loop\n", (unsigned long)(uintptr_t)code,
	         sizeof(LOOP_CODE));
	write_all(mapfd, text);
	snprintf(warm_line, sizeof(warm_line), "0x%lx 0x%zx jit warm loop\n",
	         (unsigned long)(uintptr_t)(code + WARM_OFFSET), sizeof(LOOP_CODE));
	if (!late) {
		write_all(mapfd, warm_line);
		close(mapfd);
		mapfd = -1;
	}
	if (mapfile) {
		snprintf(tmp, sizeof(tmp), "%s.pid.tmp", mapfile);
		snprintf(path, sizeof(path), "%s.pid", mapfile);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			perror("jitloop: open the pid file");
			return 1;
		}
		snprintf(text, sizeof(text), "%ld\n", (long)getpid());
		write_all(fd, text);
		close(fd);
		if (rename(tmp, path) < 0) {
			perror("jitloop: rename the pid file");
			return 1;
		}
	}
	for (int i = 0; gofile && !file_exists(gofile); i++) {
		if (i >= 60000) {
			fprintf(stderr, "jitloop: %s never appeared\n", gofile);
			return 1;
		}
		usleep(10000);
	}

	start = thread_cpu();
	while (thread_cpu() - start < seconds) {
		for (int i = 0; i < 3; i++)
			hot(LOOP_ITERATIONS);
		warm(LOOP_ITERATIONS);
		if (mapfd >= 0 && thread_cpu() - start >= seconds / 2) {
			write_all(mapfd, warm_line);
			close(mapfd);
			mapfd = -1;
		}
	}
	printf("jitloop done\n");
	return 0;
#endif
}
