/* launch — fork and exec the profiled command with the agent; see launch.h. */
#include "collect/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PERFTOP_LIBDIR
#define PERFTOP_LIBDIR "/usr/local/lib"
#endif

int launch_find_agent(char *out, size_t len, char *why, size_t why_len)
{
	const char *env = getenv("PERFTOP_AGENT");
	static const char *const beside[] = { "%s/libperftop.so", "%s/../lib/libperftop.so",
					      "%s/../lib/perftop/libperftop.so" };
	char exe[PATH_MAX], dir[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		if (access(env, R_OK) == 0) {
			snprintf(out, len, "%s", env);
			return 0;
		}
		snprintf(why, why_len, "agent '%s' (from PERFTOP_AGENT) is not readable", env);
		return -ENOENT;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(dir, sizeof(dir), "%s", dirname(exe));
		for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
			char cand[PATH_MAX];
			char resolved[PATH_MAX];

			snprintf(cand, sizeof(cand), beside[i], dir);
			if (access(cand, R_OK) == 0 && realpath(cand, resolved)) {
				snprintf(out, len, "%s", resolved);
				return 0;
			}
		}
	}
	snprintf(out, len, "%s/libperftop.so", PERFTOP_LIBDIR);
	if (access(out, R_OK) == 0)
		return 0;
	snprintf(why, why_len,
		 "cannot find libperftop.so next to perftop or in %s; set PERFTOP_AGENT",
		 PERFTOP_LIBDIR);
	return -ENOENT;
}

/* perftop's own descriptors (libproc2's /proc readers, sockets, epoll) must
 * not reach the command, yet other threads open some without O_CLOEXEC at
 * any moment, even while the child is forked: in the child, everything
 * above stderr becomes close-on-exec. Async-signal-safe (no allocation). */
static void cloexec_above_stderr(void)
{
	long max = sysconf(_SC_OPEN_MAX);

#ifdef CLOSE_RANGE_CLOEXEC
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
#endif
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* In the child: environment, output redirection, exec. Never returns; on
 * failure writes errno to report_fd and exits 127. */
static _Noreturn void child_exec(const struct launch_opts *o, int report_fd)
{
	const char *old = getenv("LD_PRELOAD");
	char preload[PATH_MAX * 2];
	char hz[32];
	int err, out;

	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL); /* perftop ignores it (cli.c); the command must not */
	if (old && *old)
		snprintf(preload, sizeof(preload), "%s:%s", o->agent_path, old);
	else
		snprintf(preload, sizeof(preload), "%s", o->agent_path);
	setenv("LD_PRELOAD", preload, 1);
	setenv("PERFTOP_SOCKET", o->socket_path, 1);
	if (o->hz) {
		snprintf(hz, sizeof(hz), "%u", o->hz);
		setenv("PERFTOP_HZ", hz, 1);
	}
	out = open(o->output_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		goto fail;
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
		goto fail;
	{
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			close(null);
		}
	}
	setpgid(0, 0); /* Ctrl-C in perftop's terminal is perftop's, not the child's */
	cloexec_above_stderr();
	execvp(o->argv[0], o->argv);
fail:
	err = errno;
	if (write(report_fd, &err, sizeof(err)) < 0) {
		/* nothing more to do: the parent sees a closed pipe */
	}
	_exit(127);
}

pid_t launch_start(const struct launch_opts *o, char *why, size_t why_len)
{
	int pipefd[2], err = 0;
	ssize_t n;
	pid_t pid;

	if (!o->argv || !o->argv[0]) {
		snprintf(why, why_len, "no command to run");
		return -EINVAL;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		err = errno;
		snprintf(why, why_len, "cannot create a pipe: %s", strerror(err));
		return -err;
	}
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		snprintf(why, why_len, "cannot fork: %s", strerror(err));
		return -err;
	}
	if (pid == 0) {
		close(pipefd[0]);
		child_exec(o, pipefd[1]);
	}
	close(pipefd[1]);
	do
		n = read(pipefd[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(err)) {
		/* exec failed: reap the child and report why */
		waitpid(pid, NULL, 0);
		snprintf(why, why_len, "cannot run '%s': %s", o->argv[0], strerror(err));
		return -err;
	}
	return pid;
}

void launch_end(pid_t pid)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };

	if (waitpid(pid, NULL, WNOHANG) == pid)
		return;
	kill(-pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		nanosleep(&nap, NULL);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
