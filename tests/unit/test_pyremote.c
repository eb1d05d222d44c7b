/*
 * Unit tests for the outside reader of Python frames (collect/pyremote.h)
 * and the symbol lookup it finds CPython with (symbols/elfsyms.h): symbols
 * of this process's own C library found where the dynamic linker put them;
 * this process said not to be CPython; a Debian python3 started here read
 * from outside (its call chain a -> b -> c, names, files, lines, one eval
 * run); the splice of Python segments into native stacks (eval frames by
 * address, the cut mark after the outermost Python frame).
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/pyremote.h"
#include "symbols/elfsyms.h"
#include "support/deadline.h"

TestSuite(pyremote, .timeout = TEST_SUITE_TIMEOUT);

/* The mapping of this process that holds addr: its file, start and offset. */
static int mapping_of(uint64_t addr, char *path, size_t len, uint64_t *start, uint64_t *off)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4352];
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f)) {
		unsigned long long s, e, o;
		char file[4096] = "";

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4095s", &s, &e, &o, file) >= 3 &&
		    addr >= s && addr < e && file[0] == '/') {
			snprintf(path, len, "%s", file);
			*start = s;
			*off = o;
			found = 1;
		}
	}
	if (f)
		fclose(f);
	return found;
}

Test(pyremote, elfsyms_finds_the_c_library_where_it_is_mapped)
{
	void *fn = dlsym(RTLD_DEFAULT, "getpid");
	struct elfsyms_want want[] = {{.name = "getpid"}, {.name = "no_such_symbol_here"}};
	char path[4096], err[256];
	uint64_t start, off;

	cr_assert_not_null(fn);
	cr_assert(mapping_of((uint64_t)(uintptr_t)fn, path, sizeof(path), &start, &off));
	cr_expect_eq(elfsyms_lookup(path, start, off, want, 2, err, sizeof(err)), 1);
	cr_expect(want[0].found);
	cr_expect_eq(want[0].addr, (uint64_t)(uintptr_t)fn);
	cr_expect(!want[1].found);
}

Test(pyremote, elfsyms_says_what_is_not_elf)
{
	char tmpl[] = "/tmp/perftop-elfsyms-XXXXXX", err[256];
	int fd = mkstemp(tmpl);
	struct elfsyms_want want[] = {{.name = "x"}};

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "not an ELF file at all\n", 23), 23);
	close(fd);
	cr_expect_eq(elfsyms_lookup(tmpl, 0, 0, want, 1, err, sizeof(err)), -ENOEXEC);
	cr_expect(strstr(err, tmpl) != NULL);
	unlink(tmpl);
	cr_expect_eq(elfsyms_lookup("/nonexistent/file", 0, 0, want, 1, err, sizeof(err)), -ENOENT);
}

Test(pyremote, this_process_is_not_cpython)
{
	struct pyremote *ctx;
	char err[512];

	cr_expect_eq(pyremote_open(&ctx, getpid(), err, sizeof(err)), -ENOEXEC);
	cr_expect(strstr(err, "is not a CPython process") != NULL, "%s", err);
	cr_expect_eq(pyremote_open(&ctx, 0x3ffffff0, err, sizeof(err)), -ESRCH);
}

static const char script[] = "def c():\n"
                             "    x = 0\n"
                             "    while True:\n"
                             "        x += 1\n"
                             "def b():\n"
                             "    c()\n"
                             "def a():\n"
                             "    b()\n"
                             "a()\n";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

Test(pyremote, a_python_started_here_is_read_from_outside)
{
	static struct pyremote_stack st;
	struct pyremote *ctx = NULL;
	char err[512];
	pid_t pid;
	double end = now_s() + test_deadline(30);
	int n = 0;

	if (access("/usr/bin/python3", X_OK) != 0)
		cr_skip_test("no /usr/bin/python3");
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		execl("/usr/bin/python3", "python3", "-c", script, (char *)NULL);
		_exit(127);
	}
	/* until the interpreter runs c() */
	while (now_s() < end) {
		if (!ctx && pyremote_open(&ctx, pid, err, sizeof(err)) < 0)
			ctx = NULL;
		if (ctx && (n = pyremote_frames(ctx, pid, &st)) >= 4 &&
		    strcmp(st.frame[0].name, "c") == 0)
			break;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_assert_not_null(ctx, "%s", err);
	cr_assert_eq(n, 4);
	cr_expect_str_eq(st.frame[0].name, "c");
	cr_expect_str_eq(st.frame[1].name, "b");
	cr_expect_str_eq(st.frame[2].name, "a");
	cr_expect_str_eq(st.frame[3].name, "<module>");
	cr_expect_str_eq(st.frame[0].file, "<string>");
	cr_expect_eq(st.frame[0].first, 1);
	cr_expect(st.frame[0].line >= 2 && st.frame[0].line <= 4, "line %d", st.frame[0].line);
	cr_expect_eq(st.frame[1].line, 6);
	cr_expect_eq(st.frame[2].line, 8);
	cr_expect_eq(st.frame[3].line, 9);
	/* Python calls Python without a new eval run: one segment */
	cr_expect_eq(st.nseg, 1);
	cr_expect_eq(st.seg_end[0], 4);
	cr_expect(!st.cut);

	/* the splice: the segment goes leaf-side of the eval frame */
	{
		uint64_t lo, hi;
		struct pyremote_slot out[16];
		uint64_t pcs[3];
		uint32_t w;

		pyremote_eval_range(ctx, &lo, &hi);
		cr_assert(lo && hi > lo);
		pcs[0] = 0x1000;
		pcs[1] = lo + 1; /* a return address just inside */
		pcs[2] = 0x2000;
		w = pyremote_splice(ctx, pcs, 3, 0, &st, out, 16);
		cr_assert_eq(w, 7);
		cr_expect(!out[0].python && out[0].index == 0);
		for (uint32_t k = 0; k < 4; k++)
			cr_expect(out[1 + k].python && out[1 + k].index == k);
		cr_expect(!out[5].python && out[5].index == 1);
		cr_expect(!out[6].python && out[6].index == 2);
		/* a return address just past the function's end is still in it */
		pcs[1] = hi;
		cr_expect_eq(pyremote_splice(ctx, pcs, 3, 0, &st, out, 16), 7);
		cr_expect(out[1].python);
		/* no eval frame: Python at the root end */
		pcs[1] = 0x1800;
		w = pyremote_splice(ctx, pcs, 3, 0, &st, out, 16);
		cr_assert_eq(w, 7);
		cr_expect(!out[2].python && out[3].python && out[6].python);
		/* cut: the mark after the outermost Python frame kept */
		st.frame[4] = (struct pyremote_frame){.name = PYREMOTE_CUT_NAME, .file = ""};
		st.n = 5;
		st.cut = 1;
		pcs[1] = lo + 1;
		w = pyremote_splice(ctx, pcs, 3, 0, &st, out, 16);
		cr_assert_eq(w, 8);
		cr_expect(out[5].python && out[5].index == 4);
		cr_expect(!out[6].python && out[6].index == 1);
		/* max bounds the output */
		cr_expect_eq(pyremote_splice(ctx, pcs, 3, 0, &st, out, 3), 3);
	}
	pyremote_close(ctx);
}
