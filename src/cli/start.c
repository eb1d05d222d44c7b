/*
 * start — starting, watching and ending a command under the agent for
 * `perftop run` and `perftop record` (see start.h). The order matters:
 * every file the command is given is opened, and the collector listens,
 * before the command starts, so nothing the user asked for can fail after
 * it has run; the collector alone reaps the command (collector_watch_child)
 * and alone signals it (collector_signal_child), under the model's lock, so
 * a signal never reaches an id that was reaped.
 */
#include "cli/start.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/execcheck.h"
#include "collect/launch.h"
#include "collect/listener.h"

enum {
	END_GRACE_MS = 5000,   /* from the ending signal to SIGKILL */
	END_KILL_MS = 30000,   /* from SIGKILL to giving up on the reaping */
	END_DRAIN_MS = 1000,   /* the agent's last data after the exit */
};

/* ---- signals ------------------------------------------------------------------ */

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t last_sig;

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	last_sig = sig;
	if (write(sig_pipe[1], &c, 1) < 0) {
		/* full: the reader is awake already */
	}
	errno = saved;
}

int cli__catch_signals(void)
{
	static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(stderr, "perftop: cannot set up signals: %s\n", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		sigaction(caught[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	return 0;
}

int cli__signal_fd(void)
{
	return sig_pipe[0];
}

int cli__take_signal(void)
{
	char buf[32];
	int sig;

	while (sig_pipe[0] >= 0 && read(sig_pipe[0], buf, sizeof(buf)) > 0)
		;
	sig = last_sig;
	last_sig = 0;
	return sig;
}

/* ---- starting ------------------------------------------------------------------ */

/* The private directory's files: the socket, and a marker that the
 * output in it is to be kept (--keep-output). */
#define SOCK_NAME "perftop.sock"
#define KEEP_NAME "keep-output"

/* Removes what a perftop killed with SIGKILL left in its private directory
 * base/name: it could not clean up, but its lock on the directory died
 * with it. A directory is stale when it still has the socket (removed at
 * every normal end), its lock is free (held from before the socket is made
 * until the directory is removed, so a perftop starting or running is never
 * touched) and nothing answers on the socket. The socket and the captured
 * output go (the output stays when it was to be kept), then the directory
 * when empty. */
static void sweep_one(const char *base, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	bool keep;
	DIR *d;
	int dfd;

	if (snprintf(path, sizeof(path), "%s/%s", base, name) >= (int)sizeof(path))
		return;
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return;
	if (fstat(dfd, &st) < 0 || st.st_uid != getuid() ||
	    fstatat(dfd, SOCK_NAME, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISSOCK(st.st_mode) ||
	    flock(dfd, LOCK_EX | LOCK_NB) < 0) {
		close(dfd);
		return;
	}
	/* A perftop of a version without the lock: its socket answers. */
	if (snprintf(path, sizeof(path), "%s/%s/" SOCK_NAME, base, name) >= (int)sizeof(path) ||
	    listener_alive(path) != 0) {
		close(dfd);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", base, name);
	unlinkat(dfd, SOCK_NAME, 0);
	keep = fstatat(dfd, KEEP_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0;
	unlinkat(dfd, KEEP_NAME, 0);
	d = keep ? NULL : fdopendir(dup(dfd));
	if (d) {
		struct dirent *e;

		while ((e = readdir(d))) {
			size_t n = strlen(e->d_name);

			if (n > 4 && !strcmp(e->d_name + n - 4, ".out") &&
			    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISREG(st.st_mode))
				unlinkat(dfd, e->d_name, 0);
		}
		closedir(d);
	}
	close(dfd);
	rmdir(path);
}

/* Sweeps base for what earlier perftops killed with SIGKILL left. */
static void sweep_stale(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "perftop-run-", 12) ||
		    !strncmp(e->d_name, "perftop-record-", 15))
			sweep_one(base, e->d_name);
	closedir(d);
}

/* Makes the private directory, locked for as long as perftop has it
 * (sweep_one); prints why on failure. */
static int make_private_dir(struct cli_command *cmd, const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	const char *base = tmp && *tmp == '/' ? tmp : "/tmp";

	sweep_stale(base);
	snprintf(cmd->dir, sizeof(cmd->dir), "%s/%s-XXXXXX", base, prefix);
	if (!mkdtemp(cmd->dir)) {
		fprintf(stderr, "perftop: cannot create a directory in '%s': %s\n", base,
		        strerror(errno));
		cmd->dir[0] = '\0';
		return -1;
	}
	cmd->dir_fd = open(cmd->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cmd->dir_fd < 0 || flock(cmd->dir_fd, LOCK_EX) < 0) {
		fprintf(stderr, "perftop: cannot lock '%s': %s\n", cmd->dir, strerror(errno));
		return -1;
	}
	if (cmd->keep_output) {
		int fd =
		        openat(cmd->dir_fd, KEEP_NAME, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/* The socket and output paths inside cmd->dir; prints why on failure. */
static int name_paths(struct cli_command *cmd, const char *argv0)
{
	if (snprintf(cmd->sock, sizeof(cmd->sock), "%s/" SOCK_NAME, cmd->dir) >=
	    (int)sizeof(cmd->sock)) {
		fprintf(stderr, "perftop: socket path in '%s' is too long; set TMPDIR shorter\n",
		        cmd->dir);
		return -1;
	}
	snprintf(cmd->name, sizeof(cmd->name), "%s", argv0);
	return 0;
}

/* perftop's controlling terminal, as stdin, stdout or stderr (tcgetpgrp
 * fails on any other terminal), for the command to have the foreground of
 * as a shell's job would; -1 when none. */
static int controlling_tty(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd) && tcgetpgrp(fd) > 0)
			return fcntl(fd, F_DUPFD_CLOEXEC, 3);
	return -1;
}

/* Gives the terminal back to perftop's group when the command's group has
 * it (SIGTTOU is ignored); a terminal the user's shell has is left alone. */
static void take_tty_back(struct cli_command *cmd)
{
	if (cmd->tty_fd < 0)
		return;
	if (cmd->pid > 0 && tcgetpgrp(cmd->tty_fd) == cmd->pid)
		tcsetpgrp(cmd->tty_fd, getpgrp());
	close(cmd->tty_fd);
	cmd->tty_fd = -1;
}

/* The descriptors the command gets, opened before it starts. */
struct stdio_plan {
	int in, out, err;      /* for launch_opts; -1: perftop's own */
	int pipe_rd, pipe_wr;  /* the capture pipe under the screen, or -1 */
	int file;              /* the capture's file, or -1 */
	unsigned long long cap;
};

static void plan_close(struct stdio_plan *p)
{
	int *fds[] = { &p->in, &p->out, &p->err, &p->pipe_rd, &p->pipe_wr, &p->file };

	/* out and err may be one descriptor, or the pipe's end: close each
	 * once (another thread may reuse a number as soon as it is closed). */
	if (p->err == p->out || p->err == p->pipe_wr)
		p->err = -1;
	if (p->out == p->pipe_wr)
		p->out = -1;
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

static int open_for_output(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
}

/* Decides and opens the command's descriptors; prints why on failure. */
static int plan_stdio(struct stdio_plan *p, struct cli_command *cmd,
                      const struct cli_start_opts *so)
{
	bool capture_out, capture_err;

	memset(p, 0, sizeof(*p));
	p->in = p->out = p->err = p->pipe_rd = p->pipe_wr = p->file = -1;
	if (so->stdin_path) {
		p->in = open(so->stdin_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (p->in < 0) {
			fprintf(stderr, "perftop: cannot open '%s' for the command's stdin: %s\n",
			        so->stdin_path, strerror(errno));
			return -1;
		}
	} else if (so->screen && isatty(STDIN_FILENO)) {
		p->in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (!so->screen) {
		if (!so->output_path)
			return 0;
		p->out = open_for_output(so->output_path);
		if (p->out < 0) {
			fprintf(stderr, "perftop: cannot write the command's output to '%s': %s\n",
			        so->output_path, strerror(errno));
			return -1;
		}
		p->err = p->out;
		p->file = -1;
		snprintf(cmd->out, sizeof(cmd->out), "%s", so->output_path);
		return 0;
	}
	capture_out = so->output_path || isatty(STDOUT_FILENO);
	capture_err = so->output_path || isatty(STDERR_FILENO);
	if (!capture_out && !capture_err)
		return 0;
	if (so->output_path) {
		snprintf(cmd->out, sizeof(cmd->out), "%s", so->output_path);
	} else {
		snprintf(cmd->out, sizeof(cmd->out), "%s/%s.out", cmd->dir, basename(cmd->name));
		cmd->out_is_temp = true;
		p->cap = CLI_OUTPUT_CAP;
	}
	p->file = open_for_output(cmd->out);
	if (p->file < 0) {
		fprintf(stderr, "perftop: cannot write the command's output to '%s': %s\n",
		        cmd->out, strerror(errno));
		cmd->out[0] = '\0';
		return -1;
	}
	{
		int fds[2];

		if (pipe2(fds, O_CLOEXEC) < 0) {
			fprintf(stderr, "perftop: cannot create a pipe: %s\n", strerror(errno));
			return -1;
		}
		p->pipe_rd = fds[0];
		p->pipe_wr = fds[1];
	}
	if (capture_out)
		p->out = p->pipe_wr;
	if (capture_err)
		p->err = p->pipe_wr;
	return 0;
}

/* ---- why the agent cannot load ---------------------------------------------------- */

/* The file execvp will run for name: name itself when it has a slash, else
 * the first executable regular file of that name on PATH. 0, or -ENOENT. */
static int which(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return 0;
	}
	for (p = path && *path ? path : "/usr/local/bin:/usr/bin:/bin"; *p; p = end + !!*end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		snprintf(out, len, "%.*s/%s", (int)(end - p), end == p ? "." : p, name);
		if (end == p)
			snprintf(out, len, "./%s", name);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Says, before anyone waits for an agent, why the command's executable
 * cannot take one (static, set-id, file capabilities): a command that
 * exits before the collector's first look at /proc would otherwise only
 * read "no agent connected". */
static void note_agent_why(struct model *m, pid_t pid, const char *argv0)
{
	char path[4096], why[MODEL_WHY_LEN];
	struct process *p;

	if (which(argv0, path, sizeof(path)) < 0 ||
	    execcheck_agent(path, getuid(), getgid(), why, sizeof(why)) != 1)
		return;
	model_lock(m);
	p = model_find(m, pid);
	if (p && !p->agent_why[0])
		snprintf(p->agent_why, sizeof(p->agent_why), "%s", why);
	model_unlock(m);
}

/* Removes what start made in the directory, and the directory. */
static void remove_files(struct cli_command *cmd)
{
	if (cmd->out[0] && cmd->out_is_temp && !cmd->keep_output)
		unlink(cmd->out);
	if (cmd->dir_fd >= 0)
		unlinkat(cmd->dir_fd, KEEP_NAME, 0);
	if (cmd->dir[0])
		rmdir(cmd->dir); /* not empty when the output is kept: stays */
	if (cmd->dir_fd >= 0)
		close(cmd->dir_fd); /* the lock goes last */
	cmd->dir_fd = -1;
}

int cli__start_command(struct cli_command *cmd, struct model *m, const char *dir_prefix,
                       char *const *argv, const char *agent_path, unsigned hz,
                       const struct cli_start_opts *so)
{
	struct collector_opts co = {0};
	struct launch_opts lo = {0};
	struct stdio_plan plan = { -1, -1, -1, -1, -1, -1, 0 };
	char why[512];
	int err = 0;

	memset(cmd, 0, sizeof(*cmd));
	cmd->tty_fd = cmd->dir_fd = -1;
	cmd->keep_output = so->keep_output;
	if (make_private_dir(cmd, dir_prefix) < 0) {
		cmd->keep_output = false;
		remove_files(cmd);
		return -1;
	}
	if (name_paths(cmd, argv[0]) < 0 || plan_stdio(&plan, cmd, so) < 0) {
		plan_close(&plan);
		cmd->keep_output = false;
		remove_files(cmd);
		return -1;
	}
	/* Every agent is a descriptor: perftop takes what the hard limit
	 * allows; the command gets back the limit perftop was started with
	 * (collect/launch.c). */
	(void)listener_raise_fd_limit();
	if (!so->screen) {
		/* The collector learns of the command's stops from SIGCHLD,
		 * which no thread may take (collector_follow_stops); the
		 * command gets the mask perftop was started with. */
		sigset_t chld;

		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		pthread_sigmask(SIG_BLOCK, &chld, NULL);
	}
	co.socket_path = cmd->sock;
	co.socket_required = true;
	cmd->c = collector_start_opts(m, &co, &err, why, sizeof(why));
	if (!cmd->c) {
		fprintf(stderr, "perftop: cannot start the collector: %s\n", why);
		plan_close(&plan);
		cmd->keep_output = false;
		remove_files(cmd);
		return -1;
	}
	if (!so->screen) {
		cmd->tty_fd = controlling_tty();
		collector_follow_stops(cmd->c, cmd->tty_fd);
	}
	lo.argv = argv;
	lo.agent_path = agent_path;
	lo.socket_path = cmd->sock;
	lo.hz = hz;
	lo.stdin_fd = plan.in;
	lo.stdout_fd = plan.out;
	lo.stderr_fd = plan.err;
	/* The terminal's foreground goes to the command only from perftop's
	 * (a background perftop's command starts in the background). */
	lo.tty_fd = cmd->tty_fd >= 0 && tcgetpgrp(cmd->tty_fd) == getpgrp() ? cmd->tty_fd : -1;
	cmd->pid = launch_start(&lo, why, sizeof(why));
	if (cmd->pid > 0 &&
	    collector_watch_child(cmd->c, cmd->pid, why, sizeof(why)) < 0) {
		/* Cannot happen short of running out of descriptors: it is ours
		 * and not reaped, so ending it here is safe. */
		kill(-cmd->pid, SIGKILL);
		waitpid(cmd->pid, NULL, 0);
		cmd->pid = -EMFILE;
	}
	if (cmd->pid < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		collector_stop(cmd->c);
		if (lo.tty_fd >= 0) /* given to a child that is gone */
			tcsetpgrp(lo.tty_fd, getpgrp());
		take_tty_back(cmd);
		plan_close(&plan);
		cmd->keep_output = false;
		remove_files(cmd);
		return -1;
	}
	if (plan.pipe_rd >= 0) {
		int rd = plan.pipe_rd, file = plan.file;

		plan.pipe_rd = plan.file = -1;
		if (collector_capture_output(cmd->c, rd, file, plan.cap, why, sizeof(why)) < 0)
			fprintf(stderr, "perftop: %s\n", why); /* the command writes on */
	}
	plan_close(&plan); /* the command has its copies */
	model_lock(m);
	model_watch(m, cmd->pid, true);
	model_unlock(m);
	note_agent_why(m, cmd->pid, argv[0]);
	return 0;
}

/* ---- ending ------------------------------------------------------------------- */

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

static bool exited(struct model *m)
{
	bool done;

	model_lock(m);
	done = m->child_exited;
	model_unlock(m);
	return done;
}

/* Whether the command's agent has gone (or never came). */
static bool agent_gone(struct model *m, pid_t pid)
{
	const struct process *p;
	bool gone;

	model_lock(m);
	p = model_find(m, pid);
	gone = !p || !p->profile || !p->profile->connected;
	model_unlock(m);
	return gone;
}

/* Waits up to ms for done(m, pid), on the collector's wake-ups; returns
 * early with false when a signal arrives (it is taken). */
static bool wait_for(struct cli_command *cmd, struct model *m, double ms,
                     bool (*done)(struct model *, pid_t))
{
	double deadline = mono_ms() + ms;

	while (!done(m, cmd->pid)) {
		struct pollfd pfd[2] = { { collector_wake_fd(cmd->c), POLLIN, 0 },
		                         { cli__signal_fd(), POLLIN, 0 } };
		double left = deadline - mono_ms();

		if (left <= 0)
			return false;
		/* The reaping wakes nobody by itself: look again every 50 ms. */
		if (poll(pfd, 2, left < 50 ? (int)left + 1 : 50) > 0) {
			if (pfd[0].revents & POLLIN)
				collector_ack(cmd->c);
			if (pfd[1].revents & POLLIN && cli__take_signal())
				return done(m, cmd->pid);
		}
	}
	return true;
}

static bool exited_cb(struct model *m, pid_t pid)
{
	(void)pid;
	return exited(m);
}

int cli__end_command(struct cli_command *cmd, struct model *m, int sig)
{
	bool ended_by_us = false;
	int status, code;

	if (!exited(m)) {
		/* A signal the command ignores from its start (SIGINT in a
		 * background job) cannot end it: perftop ends it itself. */
		int first = sig && !launch_signal_ignored(sig) ? sig : SIGTERM;

		ended_by_us = first != sig;
		if (collector_signal_child(cmd->c, first, true) == 0 &&
		    !wait_for(cmd, m, END_GRACE_MS, exited_cb) && !exited(m)) {
			fprintf(stderr, "perftop: %s still runs after SIG%s: killing it\n", cmd->name,
			        sigabbrev_np(first));
			ended_by_us = false;
			collector_signal_child(cmd->c, SIGKILL, true);
		}
		wait_for(cmd, m, END_KILL_MS, exited_cb); /* the reaping */
	}
	/* The agent flushes as the process exits: read up to the end of it. */
	wait_for(cmd, m, END_DRAIN_MS, agent_gone);
	collector_stop(cmd->c); /* removes the socket */
	cmd->c = NULL;
	take_tty_back(cmd);
	model_lock(m);
	status = m->child_exited ? m->child_status : SIGKILL;
	if (cmd->out[0] && (!cmd->out_is_temp || cmd->keep_output)) {
		if (m->output_dropped)
			fprintf(stderr, "perftop: %s's output is in '%s' (%llu bytes not kept: %s)\n",
			        cmd->name, cmd->out, m->output_dropped,
			        m->output_error == EFBIG ? "over the size cap" : strerror(m->output_error));
		else if (cmd->out_is_temp)
			fprintf(stderr, "perftop: %s's output is in '%s'\n", cmd->name, cmd->out);
	}
	model_unlock(m);
	code = launch_exit_code(status);
	/* Ended by perftop (q, -n, -d), not by the user's signal: no failure. */
	if (ended_by_us && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
		code = 0;
	remove_files(cmd);
	return code;
}
