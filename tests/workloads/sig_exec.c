/*
 * sig_exec — exec after profiling (tests/agent/signals.test.sh): the new
 * image must find the profiling signal neither blocked, nor pending, nor
 * ignored, unless the program itself made it so.
 *
 *   sig_exec status           prints "SIGPROF blocked=B pending=P ignored=I"
 *                             from /proc/self/status (SigBlk, SigPnd and
 *                             ShdPnd, SigIgn)
 *   sig_exec HOW [ign|block]  burns 0.1 s of CPU on two threads, then runs
 *                             "sig_exec status" through HOW: execve execv
 *                             execvp execvpe execl execle execlp fexecve
 *                             (the image replaces this one) or posix_spawn
 *                             posix_spawnp system (a child, waited for).
 *                             execve, execvpe, execle, fexecve and the
 *                             posix_spawn pair pass an empty environment (no
 *                             LD_PRELOAD: the new image has no agent). ign:
 *                             SIGPROF set to SIG_IGN first; block: blocked.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int status(void)
{
	char line[256];
	unsigned long long blk = 0, pnd = 0, shd = 0, ign = 0, v;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "SigBlk: %llx", &v) == 1)
			blk = v;
		else if (sscanf(line, "SigPnd: %llx", &v) == 1)
			pnd = v;
		else if (sscanf(line, "ShdPnd: %llx", &v) == 1)
			shd = v;
		else if (sscanf(line, "SigIgn: %llx", &v) == 1)
			ign = v;
	}
	fclose(f);
	v = 1ull << (SIGPROF - 1);
	printf("SIGPROF blocked=%d pending=%d ignored=%d\n", !!(blk & v), !!((pnd | shd) & v),
	       !!(ign & v));
	return 0;
}

static void *burn(void *arg)
{
	struct timespec ts;
	double end;
	volatile unsigned long x = 1;

	(void)arg;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	end = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + 0.1;
	for (;;) {
		for (int i = 0; i < 10000; i++)
			x = x * 33 + 7;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		if ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 >= end)
			return NULL;
	}
}

static int spawned(int rc, pid_t pid)
{
	int st;

	if (rc != 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	static char self[4096];
	char *const args[] = {self, "status", NULL};
	char *const empty[] = {NULL};
	char cmd[4200];
	const char *how;
	pthread_t th;
	pid_t pid;
	ssize_t n;

	if (argc < 2)
		return 2;
	how = argv[1];
	if (!strcmp(how, "status"))
		return status();
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	if (argc > 2 && !strcmp(argv[2], "ign"))
		signal(SIGPROF, SIG_IGN);
	pthread_create(&th, NULL, burn, NULL);
	burn(NULL);
	pthread_join(th, NULL);
	if (argc > 2 && !strcmp(argv[2], "block")) {
		sigset_t s;

		sigemptyset(&s);
		sigaddset(&s, SIGPROF);
		sigprocmask(SIG_BLOCK, &s, NULL);
	}
	fflush(stdout);
	if (!strcmp(how, "execve"))
		execve(self, args, empty);
	else if (!strcmp(how, "execv"))
		execv(self, args);
	else if (!strcmp(how, "execvp"))
		execvp(self, args);
	else if (!strcmp(how, "execvpe"))
		execvpe(self, args, empty);
	else if (!strcmp(how, "execl"))
		execl(self, self, "status", (char *)NULL);
	else if (!strcmp(how, "execle"))
		execle(self, self, "status", (char *)NULL, empty);
	else if (!strcmp(how, "execlp"))
		execlp(self, self, "status", (char *)NULL);
	else if (!strcmp(how, "fexecve")) {
		int fd = open(self, O_RDONLY | O_CLOEXEC);

		fexecve(fd, args, empty);
	} else if (!strcmp(how, "posix_spawn"))
		return spawned(posix_spawn(&pid, self, NULL, NULL, args, empty), pid);
	else if (!strcmp(how, "posix_spawnp"))
		return spawned(posix_spawnp(&pid, self, NULL, NULL, args, empty), pid);
	else if (!strcmp(how, "system")) {
		snprintf(cmd, sizeof(cmd), "'%s' status", self);
		return system(cmd) == 0 ? 0 : 1;
	} else {
		fprintf(stderr, "sig_exec: unknown way '%s'\n", how);
		return 2;
	}
	perror("sig_exec: exec");
	return 1;
}
