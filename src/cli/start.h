/*
 * start — the one way `perftop run` and `perftop record` start a command
 * under the agent: a private directory (socket and the command's output),
 * the collector listening on that socket, the command launched with the
 * agent preloaded, and the collector reaping and the model watching it.
 * Subsystem-private to src/cli.
 */
#ifndef PERFTOP_CLI_START_H
#define PERFTOP_CLI_START_H

#include <limits.h>
#include <sys/types.h>

#include "collect/collector.h"
#include "model/model.h"
#include "wire/sockpath.h"

struct cli_command {
	char dir[PATH_MAX - 64]; /* the private directory */
	char sock[SOCKPATH_MAX]; /* the agent's socket in it */
	char out[PATH_MAX];      /* the command's stdout and stderr */
	char name[NAME_MAX + 1]; /* the command's argv[0], for messages */
	struct collector *c;     /* started, listening on sock */
	pid_t pid;               /* the command */
};

/* Starts argv (NULL-terminated) with the agent at agent_path, sampling at hz
 * (0: the agent's default), into m, which the caller has initialised and
 * still owns. The directory is TMPDIR/DIR_PREFIX-XXXXXX (/tmp without a
 * usable TMPDIR). Returns 0 with cmd filled in; on failure prints why on
 * stderr ("perftop: ..."), undoes what it did (collector, command, files)
 * and returns -1. */
int cli__start_command(struct cli_command *cmd, struct model *m, const char *dir_prefix,
                       char *const *argv, const char *agent_path, unsigned hz);

#endif
