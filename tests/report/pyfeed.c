/*
 * pyfeed — a stand-in for the agent in a Python program, for the shell
 * suites: connects to perftop's socket ($PERFTOP_SOCKET, retried until it
 * exists), says HELLO as itself, sends MAPS of its own executable mappings,
 * NAMEs of a small Python program (/tmp/pyfeed/app.py) and SAMPLES of mixed
 * stacks whose native frames are pcs of this program's own functions, named
 * like CPython's (the eval loop, vectorcall, Py_RunMain) and like real work
 * (sre_ucs1_match, deflate_work). Then it stays connected until killed (or
 * for PYFEED_HOLD_S seconds, 600 by default).
 *
 * The stacks (root first; each Python frame's executing line after @):
 *   40  main Py_RunMain EVAL <module>@35 VC EVAL run_app@25 VC EVAL
 *       Parser.parse_line@11 sre_ucs1_match
 *   20  ... run_app@26 VC EVAL Parser.parse_line@12 EVAL
 *   10  ... run_app@27 VC EVAL fib@17 VC EVAL fib@17 VC EVAL fib@18 EVAL
 *    5  ... run_app@28 VC EVAL <lambda>(def 30)@30 EVAL
 *    5  ... run_app@29 VC EVAL <lambda>(def 31)@31 EVAL
 *   10  main deflate_work                                 (no Python frame)
 * EVAL = _PyEval_EvalFrameDefault, VC = _PyFunction_Vectorcall; run_app,
 * <module> and the rest are FUNCTION names with their definition lines.
 * Usage: pyfeed (no arguments).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "wire/wire.h"

/* The native functions the stacks name: never called, only their addresses
 * are used (inside each, past its entry). */
#define FAKE(name)                                                                           \
	__attribute__((noinline, used)) int name(int x);                                     \
	__attribute__((noinline, used)) int name(int x)                                      \
	{                                                                                    \
		volatile int v = x;                                                          \
		for (int i = 0; i < 8; i++)                                                  \
			v = v * 3 + i;                                                       \
		return v;                                                                    \
	}
FAKE(_PyEval_EvalFrameDefault)
FAKE(_PyFunction_Vectorcall)
FAKE(Py_RunMain)
FAKE(sre_ucs1_match)
FAKE(deflate_work)

enum { ID_MODULE = 1, ID_RUN, ID_PARSE, ID_FIB, ID_LAMBDA1, ID_LAMBDA2, ID_FILE };

static void die(const char *what)
{
	fprintf(stderr, "pyfeed: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void send_all(int fd, const void *p, size_t n)
{
	if (send(fd, p, n, MSG_NOSIGNAL) != (ssize_t)n)
		die("send");
}

static int dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timespec nap = { 0, 50 * 1000 * 1000 };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	for (int i = 0; i < 20 * 120; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		if (fd < 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		nanosleep(&nap, NULL);
	}
	die("connect");
	return -1;
}

static void put_name(struct wire_buf *b, uint32_t id, uint32_t kind, const char *text,
		     uint32_t line)
{
	struct wire_name n = { id, kind, { text, (uint32_t)strlen(text) }, line };

	if (wire_put_name(b, &n) < 0)
		die("name");
}

/* The executable mappings of this process, from /proc/self/maps. */
static void put_maps(struct wire_buf *b)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	struct wire_batch w;
	struct wire_maps mp = { .flags = WIRE_MAPS_RESET };

	if (!f)
		die("/proc/self/maps");
	if (wire_batch_begin(b, &w, WIRE_MAPS, &mp) < 0)
		die("maps");
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, off;
		char perms[8], path[4096] = "";

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095[^\n]", &start, &end, perms, &off,
			   path) < 4 || perms[2] != 'x' || path[0] != '/')
			continue;
		memset(&mp, 0, sizeof(mp));
		mp.start = start;
		mp.end = end;
		mp.offset = off;
		mp.path.s = path;
		mp.path.len = (uint32_t)strlen(path);
		if (wire_batch_add(b, &w, &mp) < 0)
			die("maps item");
	}
	wire_batch_end(b, &w);
	fclose(f);
}

/* Frame builders: a pc inside a native function (a return address for
 * every frame but the leaf), or a named frame. */
static struct wire_frame pc(int (*fn)(int))
{
	return (struct wire_frame){ (uint64_t)(uintptr_t)fn + 8, 0, 0, 0 };
}
static struct wire_frame py(uint32_t name, uint32_t line)
{
	return (struct wire_frame){ 0, name, ID_FILE, line };
}

int main(void)
{
	static uint8_t mem[1 << 16];
	const char *sock = getenv("PERFTOP_SOCKET");
	const char *hold = getenv("PYFEED_HOLD_S");
	char *argv0 = "pyfeed";
	struct wire_str arg = { argv0, 6 };
	struct wire_hello h = {
		.major = WIRE_PROTO_MAJOR, .minor = WIRE_PROTO_MINOR, .pid = (uint32_t)getpid(),
		.exe = { "/usr/bin/python3", 16 }, .argv = { &arg, 1 },
		.requested_hz = 1000, .achieved_hz = 1000, .clock_id = 1,
		.agent_version = { "pyfeed", 6 },
	};
	struct wire_frame EVAL = pc(_PyEval_EvalFrameDefault), VC = pc(_PyFunction_Vectorcall);
	struct wire_frame MAIN = { (uint64_t)(uintptr_t)main + 8, 0, 0, 0 };
	struct wire_frame RUNMAIN = pc(Py_RunMain);
	/* leaf first, as the agent sends them */
	struct wire_frame s1[] = { { (uint64_t)(uintptr_t)sre_ucs1_match + 8, 0, 0, 0 },
				   py(ID_PARSE, 11), EVAL, VC, py(ID_RUN, 25), EVAL, VC,
				   py(ID_MODULE, 35), EVAL, RUNMAIN, MAIN };
	struct wire_frame s2[] = { EVAL, py(ID_PARSE, 12), EVAL, VC, py(ID_RUN, 26), EVAL, VC,
				   py(ID_MODULE, 35), EVAL, RUNMAIN, MAIN };
	struct wire_frame s3[] = { EVAL, py(ID_FIB, 18), EVAL, VC, py(ID_FIB, 17), EVAL, VC,
				   py(ID_FIB, 17), EVAL, VC, py(ID_RUN, 27), EVAL, VC,
				   py(ID_MODULE, 35), EVAL, RUNMAIN, MAIN };
	struct wire_frame s4[] = { EVAL, py(ID_LAMBDA1, 30), EVAL, VC, py(ID_RUN, 28), EVAL, VC,
				   py(ID_MODULE, 35), EVAL, RUNMAIN, MAIN };
	struct wire_frame s5[] = { EVAL, py(ID_LAMBDA2, 31), EVAL, VC, py(ID_RUN, 29), EVAL, VC,
				   py(ID_MODULE, 35), EVAL, RUNMAIN, MAIN };
	struct wire_frame s6[] = { { (uint64_t)(uintptr_t)deflate_work + 8, 0, 0, 0 }, MAIN };
	const struct {
		struct wire_frame *f;
		uint32_t depth, count;
	} stacks[] = {
		{ s1, sizeof(s1) / sizeof(*s1), 40 }, { s2, sizeof(s2) / sizeof(*s2), 20 },
		{ s3, sizeof(s3) / sizeof(*s3), 10 }, { s4, sizeof(s4) / sizeof(*s4), 5 },
		{ s5, sizeof(s5) / sizeof(*s5), 5 },  { s6, sizeof(s6) / sizeof(*s6), 10 },
	};
	struct wire_buf b;
	struct wire_batch w;
	struct timespec now;
	uint64_t t0;
	int fd, n = 0;
	long hold_s = hold ? atol(hold) : 600;

	if (!sock) {
		fprintf(stderr, "pyfeed: PERFTOP_SOCKET is not set\n");
		return 2;
	}
	fd = dial(sock);
	wire_buf_init(&b, mem, sizeof(mem));
	if (wire_put_hello(&b, &h) < 0)
		die("hello");
	put_maps(&b);
	put_name(&b, ID_MODULE, WIRE_NAME_FUNCTION, "<module>", 1);
	put_name(&b, ID_RUN, WIRE_NAME_FUNCTION, "run_app", 20);
	put_name(&b, ID_PARSE, WIRE_NAME_FUNCTION, "Parser.parse_line", 10);
	put_name(&b, ID_FIB, WIRE_NAME_FUNCTION, "fib", 16);
	put_name(&b, ID_LAMBDA1, WIRE_NAME_FUNCTION, "<lambda>", 30);
	put_name(&b, ID_LAMBDA2, WIRE_NAME_FUNCTION, "<lambda>", 31);
	put_name(&b, ID_FILE, WIRE_NAME_FILE, "/tmp/pyfeed/app.py", 0);
	clock_gettime(CLOCK_MONOTONIC, &now);
	t0 = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	if (wire_samples_begin(&b, &w, (uint32_t)getpid(), t0) < 0)
		die("samples");
	for (size_t s = 0; s < sizeof(stacks) / sizeof(*stacks); s++)
		for (uint32_t k = 0; k < stacks[s].count; k++) {
			struct wire_samples item = { 0 };

			item.tid = (uint32_t)getpid();
			item.ts = t0 + (uint64_t)n++ * 1000000u; /* 1 ms apart */
			item.stack.frames = stacks[s].f;
			item.stack.depth = stacks[s].depth;
			if (wire_batch_add(&b, &w, &item) < 0)
				die("sample");
		}
	wire_batch_end(&b, &w);
	send_all(fd, b.data, b.len);
	printf("pyfeed: %d samples sent\n", n);
	fflush(stdout);
	for (long i = 0; i < hold_s; i++)
		sleep(1);
	close(fd);
	return 0;
}
