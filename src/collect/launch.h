/*
 * launch — starts the program `perftop run` profiles.
 *
 * The child gets the agent preloaded (LD_PRELOAD, prepended to any it had),
 * the private socket path and the sampling rate in its environment, and its
 * stdout/stderr redirected to a file so it never scribbles over the screen.
 * A command that cannot be executed is reported by the parent with the
 * child's errno (through a close-on-exec pipe), before any screen starts.
 */
#ifndef PERFTOP_COLLECT_LAUNCH_H
#define PERFTOP_COLLECT_LAUNCH_H

#include <stddef.h>
#include <sys/types.h>

struct launch_opts {
	char *const *argv;          /* the command and its arguments, NULL-terminated */
	const char *agent_path;     /* libperftop.so to preload */
	const char *socket_path;    /* PERFTOP_SOCKET for the agent */
	unsigned hz;                /* PERFTOP_HZ; 0 keeps the agent's default */
	const char *output_path;    /* where the child's stdout and stderr go */
};

/* Finds libperftop.so: $PERFTOP_AGENT, then next to the running perftop,
 * then ../lib/ and ../lib/perftop/ beside it, then the install directory.
 * Returns 0 with the path in out, or -ENOENT with the places tried in why. */
int launch_find_agent(char *out, size_t len, char *why, size_t why_len);

/* Forks and execs opts->argv[0] (searched in PATH). Returns the child's pid,
 * or a negative errno with a reason in why ("cannot run 'nosuch': No such
 * file or directory"). The child is not reaped here. */
pid_t launch_start(const struct launch_opts *opts, char *why, size_t why_len);


/* Ends a child launch_start() started, if it still runs: SIGTERM to its
 * process group, SIGKILL after 2 s, and reaps it. Only for a child not
 * reaped by the collector (call after collector_stop()). */
void launch_end(pid_t pid);

#endif
