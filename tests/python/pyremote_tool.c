/*
 * pyremote_tool — reads the Python stacks of a running process from outside
 * (collect/pyremote.h) and prints them as folded stacks, for
 * tests/python/remote.test.sh and bench/.
 *
 *     pyremote-tool PID ROUNDS [INTERVAL_MS]
 *
 * Every INTERVAL_MS (default 5; each pause drawn between half and one and a
 * half times that, so the reads do not keep step with the program) it reads the frames of each
 * thread of PID
 * (/proc/PID/task, as the native sampler would name them) and counts each
 * stack; at the end it prints one line per distinct stack, root first:
 * "func (file:line);func (file:line) COUNT", then on stderr a line of
 * figures: "samples S python P failed F syscalls_per_sample X
 * us_per_sample Y". Then one line per function seen: "# func NAME FILE
 * DEFLINE" (its code object's first line). Errors go to stderr: exit 2 when the process cannot be
 * opened (the message says why), 3 when it exited while being read.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "collect/pyremote.h"

struct folded {
	char *text;
	unsigned long count;
};

static struct folded *stacks;
static size_t nstacks, astacks;

static void count_stack(const char *text)
{
	for (size_t i = 0; i < nstacks; i++)
		if (strcmp(stacks[i].text, text) == 0) {
			stacks[i].count++;
			return;
		}
	if (nstacks == astacks) {
		astacks = astacks ? 2 * astacks : 64;
		stacks = realloc(stacks, astacks * sizeof(*stacks));
		if (!stacks)
			exit(1);
	}
	stacks[nstacks].text = strdup(text);
	stacks[nstacks++].count = 1;
}

struct func {
	uint64_t code;
	uint32_t gen;
	const char *name, *file;
	int first;
};

static struct func funcs[4096];
static size_t nfuncs;

static void note_func(const struct pyremote_frame *f)
{
	if (!f->code)
		return;
	for (size_t i = 0; i < nfuncs; i++)
		if (funcs[i].code == f->code && funcs[i].gen == f->gen)
			return;
	if (nfuncs < sizeof(funcs) / sizeof(funcs[0]))
		funcs[nfuncs++] = (struct func){f->code, f->gen, f->name, f->file, f->first};
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	static struct pyremote_stack st;
	static char line[1 << 17];
	struct pyremote *ctx;
	struct pyremote_stats s;
	char err[512], dir[64];
	pid_t pid;
	long rounds, interval_ms = 5;
	unsigned long python = 0;
	double spent = 0;
	int gone = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: pyremote-tool PID ROUNDS [INTERVAL_MS]\n");
		return 64;
	}
	pid = (pid_t)atoi(argv[1]);
	rounds = atol(argv[2]);
	if (argc > 3)
		interval_ms = atol(argv[3]);
	srandom((unsigned)getpid());
	if (pyremote_open(&ctx, pid, err, sizeof(err)) < 0) {
		fprintf(stderr, "pyremote-tool: %s\n", err);
		return 2;
	}
	fprintf(stderr, "pyremote-tool: pid %d runs CPython %s\n", (int)pid, pyremote_version(ctx));
	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	for (long r = 0; r < rounds && !gone; r++) {
		DIR *d = opendir(dir);
		struct dirent *de;
		long us = interval_ms * 500 + (long)(random() % (interval_ms * 1000 + 1));
		struct timespec pause = {us / 1000000, (us % 1000000) * 1000L};

		if (!d) {
			gone = 1;
			break;
		}
		while ((de = readdir(d)) != NULL) {
			pid_t tid = (pid_t)atoi(de->d_name);
			double t0;
			int n;

			if (tid <= 0)
				continue;
			t0 = now_us();
			n = pyremote_frames(ctx, tid, &st);
			spent += now_us() - t0;
			if (n == -ESRCH) {
				gone = 1;
				break;
			}
			if (n <= 0)
				continue;
			python++;
			line[0] = '\0';
			for (int i = n - 1; i >= 0; i--) {
				size_t used = strlen(line);

				note_func(&st.frame[i]);
				snprintf(line + used, sizeof(line) - used, "%s%s (%s:%d)",
				         i == n - 1 ? "" : ";", st.frame[i].name, st.frame[i].file,
				         st.frame[i].line);
			}
			count_stack(line);
		}
		closedir(d);
		nanosleep(&pause, NULL);
	}
	for (size_t i = 0; i < nstacks; i++)
		printf("%s %lu\n", stacks[i].text, stacks[i].count);
	for (size_t i = 0; i < nfuncs; i++)
		printf("# func %s %s %d\n", funcs[i].name, funcs[i].file, funcs[i].first);
	pyremote_stats(ctx, &s);
	fprintf(stderr,
	        "pyremote-tool: samples %llu python %lu failed %llu syscalls_per_sample %.2f "
	        "us_per_sample %.1f code_learned %llu rescans %llu\n",
	        (unsigned long long)s.samples, python, (unsigned long long)s.failed,
	        s.samples ? (double)s.syscalls / (double)s.samples : 0.0,
	        s.samples ? spent / (double)s.samples : 0.0, (unsigned long long)s.code_learned,
	        (unsigned long long)s.rescans);
	pyremote_close(ctx);
	if (gone) {
		fprintf(stderr, "pyremote-tool: pid %d exited while being read\n", (int)pid);
		return 3;
	}
	return 0;
}
