/*
 * start — starting a command under the agent for `perftop run` and
 * `perftop record` (see start.h). The order matters: the collector listens
 * before the command starts, so the agent's first connection finds it; the
 * collector reaps the command (collector_watch_child) so the model knows
 * when it exits.
 */
#include "cli/start.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/launch.h"

/* Makes the private directory; prints why on failure. */
static int make_private_dir(char *dir, size_t len, const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	const char *base = tmp && *tmp == '/' ? tmp : "/tmp";

	snprintf(dir, len, "%s/%s-XXXXXX", base, prefix);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "perftop: cannot create a directory in '%s': %s\n", base,
		        strerror(errno));
		return -1;
	}
	return 0;
}

/* The socket and output paths inside cmd->dir; prints why on failure. */
static int name_paths(struct cli_command *cmd, const char *argv0)
{
	if (snprintf(cmd->sock, sizeof(cmd->sock), "%s/perftop.sock", cmd->dir) >=
	    (int)sizeof(cmd->sock)) {
		fprintf(stderr, "perftop: socket path in '%s' is too long; set TMPDIR shorter\n",
		        cmd->dir);
		return -1;
	}
	snprintf(cmd->name, sizeof(cmd->name), "%s", argv0);
	snprintf(cmd->out, sizeof(cmd->out), "%s/%s.out", cmd->dir, basename(cmd->name));
	return 0;
}

/* Launches the command and has the collector reap it; prints why on failure
 * (the command, if it started, is ended). */
static int launch_watched(struct cli_command *cmd, char *const *argv, const char *agent_path,
                          unsigned hz)
{
	struct launch_opts lo = {0};
	char why[512];

	lo.argv = argv;
	lo.agent_path = agent_path;
	lo.socket_path = cmd->sock;
	lo.hz = hz;
	lo.output_path = cmd->out;
	cmd->pid = launch_start(&lo, why, sizeof(why));
	if (cmd->pid < 0 || collector_watch_child(cmd->c, cmd->pid, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		collector_stop(cmd->c);
		if (cmd->pid > 0)
			launch_end(cmd->pid);
		return -1;
	}
	return 0;
}

int cli__start_command(struct cli_command *cmd, struct model *m, const char *dir_prefix,
                       char *const *argv, const char *agent_path, unsigned hz)
{
	struct collector_opts co = {0};
	char why[512];
	int err = 0;

	memset(cmd, 0, sizeof(*cmd));
	if (make_private_dir(cmd->dir, sizeof(cmd->dir), dir_prefix) < 0)
		return -1;
	if (name_paths(cmd, argv[0]) < 0) {
		rmdir(cmd->dir);
		return -1;
	}
	co.socket_path = cmd->sock;
	co.socket_required = true;
	cmd->c = collector_start_opts(m, &co, &err, why, sizeof(why));
	if (!cmd->c) {
		fprintf(stderr, "perftop: cannot start the collector: %s\n", why);
		rmdir(cmd->dir);
		return -1;
	}
	if (launch_watched(cmd, argv, agent_path, hz) < 0) {
		unlink(cmd->out);
		rmdir(cmd->dir);
		return -1;
	}
	model_lock(m);
	model_watch(m, cmd->pid, true);
	model_unlock(m);
	return 0;
}
