/*
 * launch — starts the program `perftop run` and `perftop record` profile.
 *
 * The child gets the agent preloaded (LD_PRELOAD, prepended to any it had),
 * the directory of the Python module that goes with that agent first in
 * PYTHONPATH (before any it had), so `import perftop` works,
 * the private socket path and the sampling rate in its environment, the
 * standard descriptors its caller chose (perftop's own by default), the
 * signal dispositions and mask and the descriptor limit perftop itself was
 * started with, and PR_SET_PDEATHSIG so it dies with perftop. It runs in a process group of
 * its own, which becomes the terminal's foreground group when asked (as a
 * shell does for a job). A command that cannot be executed is reported by
 * the parent with the child's errno (through a close-on-exec pipe), before
 * any screen starts. launch never waits for, signals or reaps the child:
 * whoever watches it (the collector) does.
 */
#ifndef PERFTOP_COLLECT_LAUNCH_H
#define PERFTOP_COLLECT_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct launch_opts {
	char *const *argv;          /* the command and its arguments, NULL-terminated */
	const char *agent_path;     /* libperftop.so to preload */
	const char *socket_path;    /* PERFTOP_SOCKET for the agent */
	unsigned hz;                /* PERFTOP_HZ; 0 keeps the agent's default */
	int stdin_fd;               /* the child's stdin, stdout, stderr: a descriptor */
	int stdout_fd;              /* to dup2 there, or -1 to keep perftop's own */
	int stderr_fd;
	int tty_fd;                 /* >= 0: a terminal whose foreground group the child's
				       group becomes before exec; -1: none */
};

/* Notes the signal dispositions (ignored or not), the signal mask and the
 * RLIMIT_NOFILE limits perftop was started with, for launch_start() to
 * give the command. Call once, first thing in main, before perftop changes
 * any (perftop raises its own descriptor limit for the agents). */
void launch_note_signals(void);

/* Whether sig was ignored when perftop started (launch_note_signals), and
 * so is ignored by the command too (a background job's SIGINT). */
int launch_signal_ignored(int sig);

/* Finds libperftop.so: $PERFTOP_AGENT, then next to the running perftop,
 * then ../lib/ and ../lib/perftop/ beside it, then the install directory.
 * Returns 0 with the path in out, or -ENOENT with the places tried in why. */
int launch_find_agent(char *out, size_t len, char *why, size_t why_len);

/* Finds the directory holding the Python module (perftop/__init__.py) that
 * goes with the agent at agent_path: python/ beside the agent (the build
 * tree), then the install directory (PERFTOP_PYTHONDIR). Returns 0 with the
 * directory in out, or -ENOENT when neither holds the module. */
int launch_find_python(const char *agent_path, char *out, size_t len);

/* Forks and execs opts->argv[0] (searched in PATH) as the leader of a new
 * process group. Returns the child's pid, or a negative errno with a reason
 * in why ("cannot run 'nosuch': No such file or directory"); a child whose
 * exec failed has been reaped. A started child is not reaped here; the
 * thread that calls this must live as long as the child should (the
 * parent-death signal follows the forking thread). */
pid_t launch_start(const struct launch_opts *opts, char *why, size_t why_len);

/* Whether launch_start() made perftop the child subreaper (PR_SET_CHILD_
 * SUBREAPER) of what it started, so that a daemonizing grandchild is
 * re-parented to perftop and stays in the command's tree; the caller must
 * then reap such orphans (the collector does). */
bool launch_is_subreaper(void);

/* Follows a stop of child (the leader of its own process group, launched
 * here) as a shell follows a job's, so that Ctrl-Z on a command that has
 * the terminal stops perftop for the user's shell (`fg` resumes both, `bg`
 * lets both run without the terminal). sig is the stop signal (WSTOPSIG);
 * tty_fd is perftop's controlling terminal, or -1. On SIGTSTP, SIGTTIN or
 * SIGTTOU, and on SIGSTOP while the command had the terminal: the terminal
 * comes back to perftop's group, perftop's group stops with the same
 * signal (SIGTSTP for SIGSTOP), and once continued the command gets the
 * terminal again when perftop is in the foreground, and SIGCONT. A command
 * that used the terminal from the background while perftop is in the
 * foreground gets the terminal and SIGCONT at once. Another SIGSTOP is left
 * alone. Call from the thread that reaps child, between its stop and its
 * reaping (so its id is still its own); returns once perftop runs again. */
void launch_follow_stop(pid_t child, int sig, int tty_fd);

/* The exit code a shell gives for a wait status: the status for a normal
 * exit, 128 + the signal for a kill. */
int launch_exit_code(int status);

#endif
