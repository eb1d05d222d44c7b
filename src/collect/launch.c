/* launch — fork and exec the profiled command with the agent; see launch.h. */
#include "collect/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef PERFTOP_LIBDIR
#define PERFTOP_LIBDIR "/usr/local/lib"
#endif
#ifndef PERFTOP_PYTHONDIR
#define PERFTOP_PYTHONDIR "/usr/local/lib/python3/dist-packages"
#endif

/* What perftop was started with, for the command (launch_note_signals). */
static sigset_t started_mask;
static unsigned char started_ignored[NSIG];
static struct rlimit started_nofile;
static int noted, nofile_noted;
static int subreaper; /* perftop is the child subreaper of what it started */

bool launch_is_subreaper(void)
{
	return subreaper != 0;
}

void launch_note_signals(void)
{
	sigprocmask(SIG_SETMASK, NULL, &started_mask);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &sa) == 0)
			started_ignored[sig] = sa.sa_handler == SIG_IGN;
	}
	noted = 1;
	nofile_noted = getrlimit(RLIMIT_NOFILE, &started_nofile) == 0;
}

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

int launch_find_python(const char *agent_path, char *out, size_t len)
{
	char dir[PATH_MAX], cand[PATH_MAX + 32];

	if (agent_path && *agent_path) {
		const char *d;

		snprintf(dir, sizeof(dir), "%s", agent_path);
		d = dirname(dir);
		snprintf(cand, sizeof(cand), "%s/python/perftop/__init__.py", d);
		if (access(cand, R_OK) == 0) {
			snprintf(out, len, "%s/python", d);
			return 0;
		}
	}
	snprintf(cand, sizeof(cand), "%s/perftop/__init__.py", PERFTOP_PYTHONDIR);
	if (access(cand, R_OK) == 0) {
		snprintf(out, len, "%s", PERFTOP_PYTHONDIR);
		return 0;
	}
	return -ENOENT;
}

int launch_signal_ignored(int sig)
{
	return noted && sig > 0 && sig < NSIG && started_ignored[sig];
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

/* In the child: the signals perftop was started with. A handler perftop
 * installed would be reset by exec anyway; an ignored signal would not, so
 * each one goes back to what it was (ignored under nohup, default else). */
static void child_signals(void)
{
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		signal(sig, noted && started_ignored[sig] ? SIG_IGN : SIG_DFL);
	}
}

/* In the child: its own process group, the terminal's foreground when asked. */
static void child_group(const struct launch_opts *o)
{
	setpgid(0, 0);
	if (o->tty_fd >= 0) {
		/* From a background group, tcsetpgrp() raises SIGTTOU. */
		signal(SIGTTOU, SIG_IGN);
		tcsetpgrp(o->tty_fd, getpid());
	}
}

/* In the child: environment, descriptors, signals, exec. Never returns; on
 * failure writes errno to report_fd and exits 127. */
static _Noreturn void child_exec(const struct launch_opts *o, int report_fd, pid_t parent,
				 const char *pydir)
{
	const char *old = getenv("LD_PRELOAD");
	const char *oldpy = getenv("PYTHONPATH");
	const int fds[3] = { o->stdin_fd, o->stdout_fd, o->stderr_fd };
	char preload[PATH_MAX * 2];
	char hz[32];
	int err;

	/* Dies with perftop; a parent gone already is caught by getppid(). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	child_group(o);
	child_signals();
	if (old && *old)
		snprintf(preload, sizeof(preload), "%s:%s", o->agent_path, old);
	else
		snprintf(preload, sizeof(preload), "%s", o->agent_path);
	setenv("LD_PRELOAD", preload, 1);
	if (*pydir) {
		/* `import perftop` finds the module that goes with this agent. */
		char pypath[PATH_MAX * 2];

		if (oldpy && *oldpy)
			snprintf(pypath, sizeof(pypath), "%s:%s", pydir, oldpy);
		else
			snprintf(pypath, sizeof(pypath), "%s", pydir);
		setenv("PYTHONPATH", pypath, 1);
	}
	setenv("PERFTOP_SOCKET", o->socket_path, 1);
	if (o->hz) {
		snprintf(hz, sizeof(hz), "%u", o->hz);
		setenv("PERFTOP_HZ", hz, 1);
	}
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0 && fds[i] != i && dup2(fds[i], i) < 0)
			goto fail;
	cloexec_above_stderr();
	/* perftop raised its own descriptor limit for the agents' connections
	 * (listener_raise_fd_limit); the command gets the one it was started
	 * with, as under a shell (select() and fd_set users depend on it). */
	if (nofile_noted)
		setrlimit(RLIMIT_NOFILE, &started_nofile);
	{
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, noted ? &started_mask : &none, NULL);
	}
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
	sigset_t all, old;
	pid_t pid, self = getpid();
	int pipefd[2], err = 0;
	ssize_t n;
	char pydir[PATH_MAX];

	if (!o->argv || !o->argv[0]) {
		snprintf(why, why_len, "no command to run");
		return -EINVAL;
	}
	if (launch_find_python(o->agent_path, pydir, sizeof(pydir)) < 0)
		pydir[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		err = errno;
		snprintf(why, why_len, "cannot create a pipe: %s", strerror(err));
		return -err;
	}
	/* No handler of perftop's may run in the child between fork and the
	 * reset of its signals (it would write to perftop's pipes). */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	/* Orphans of the command's tree come to perftop, not to init. */
	if (!subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) == 0)
		subreaper = 1;
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		child_exec(o, pipefd[1], self, pydir);
	}
	err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		snprintf(why, why_len, "cannot fork: %s", strerror(err));
		return -err;
	}
	setpgid(pid, pid); /* as the child does: whichever runs first */
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

/* Stops perftop the way sig stops a job, and returns once it is continued
 * (SIGCONT: fg or bg), or at once where a shell could never continue it
 * (an orphaned process group: the kernel discards the stop). The rest of
 * perftop's process group (a pipeline's other members, the script perftop
 * runs in) gets sig too, as from the terminal's Ctrl-Z; perftop ignores
 * that copy and stops through a signal to this thread, which arrives as
 * soon as it is unblocked here, so the stop has happened when this returns. */
static void stop_self(int sig)
{
	struct sigaction ign, dfl, old;
	sigset_t one, mask;

	memset(&ign, 0, sizeof(ign));
	memset(&dfl, 0, sizeof(dfl));
	sigemptyset(&ign.sa_mask);
	sigemptyset(&dfl.sa_mask);
	ign.sa_handler = SIG_IGN;
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&one);
	sigaddset(&one, sig);
	pthread_sigmask(SIG_BLOCK, &one, &mask);
	sigaction(sig, &ign, &old);
	kill(0, sig);
	sigaction(sig, &dfl, NULL);
	raise(sig);                               /* pending: blocked here */
	pthread_sigmask(SIG_UNBLOCK, &one, NULL); /* stops on the way out */
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	sigaction(sig, &old, NULL);
}

/* Makes pgrp the foreground group of tty; SIGTTOU, which a background
 * group would get, is blocked in this thread meanwhile. */
static void give_tty(int tty_fd, pid_t pgrp)
{
	sigset_t ttou, old;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	pthread_sigmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(tty_fd, pgrp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void launch_follow_stop(pid_t child, int sig, int tty_fd)
{
	pid_t fg = tty_fd >= 0 ? tcgetpgrp(tty_fd) : -1, self = getpgrp();

	if ((sig == SIGTTIN || sig == SIGTTOU) && fg == self) {
		/* It used the terminal from the background while perftop has it
		 * (perftop was brought to the foreground): the terminal is its. */
		give_tty(tty_fd, child);
		kill(-child, SIGCONT);
		return;
	}
	if (sig == SIGSTOP) {
		/* Someone's deliberate stop: perftop follows only when the
		 * terminal would be left to a stopped group, as a shell does. */
		if (fg != child)
			return;
		sig = SIGTSTP;
	} else if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU) {
		return;
	}
	if (fg == child)
		give_tty(tty_fd, self);
	stop_self(sig);
	/* Continued: in the foreground (fg) the command has the terminal again;
	 * in the background (bg) it runs without it, as a job would. */
	if (tty_fd >= 0 && tcgetpgrp(tty_fd) == self)
		give_tty(tty_fd, child);
	kill(-child, SIGCONT);
}

int launch_exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 1;
}
