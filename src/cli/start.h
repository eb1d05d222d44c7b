/*
 * start — the one way `perftop run` and `perftop record` start, watch and
 * end a command under the agent: a private directory (the agent's socket,
 * and the command's captured output under the screen), the collector
 * listening on that socket, the command launched with the agent preloaded
 * and the standard descriptors the user gave perftop, the collector reaping
 * it, and at the end its exit code, with nothing left behind.
 *
 * The command and the terminal, as under `time CMD`: without the screen it
 * gets perftop's stdin, stdout and stderr, and the terminal's foreground
 * (so Ctrl-C, a closing terminal and reads from the terminal are its own).
 * Under the screen, which owns the terminal, it gets /dev/null (or
 * --stdin FILE) for a terminal stdin, and a pipe for a terminal stdout or
 * stderr, read into a capped file and the Log tab; redirected descriptors
 * stay the user's. It dies with perftop (PR_SET_PDEATHSIG) and gets the
 * signals that end perftop; once it has exited nothing is signalled.
 * Subsystem-private to src/cli.
 */
#ifndef PERFTOP_CLI_START_H
#define PERFTOP_CLI_START_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "collect/collector.h"
#include "model/model.h"
#include "wire/sockpath.h"

/* The default output file under the screen keeps this many bytes. */
#define CLI_OUTPUT_CAP (64ULL * 1024 * 1024)

struct cli_start_opts {
	bool screen;             /* perftop run's screen owns the terminal */
	const char *stdin_path;  /* --stdin FILE: the command's stdin, or NULL */
	const char *output_path; /* --output FILE: its stdout and stderr (no cap), or NULL */
	bool keep_output;        /* --keep-output: keep the captured output file */
};

struct cli_command {
	char dir[PATH_MAX - 64]; /* the private directory */
	char sock[SOCKPATH_MAX]; /* the agent's socket in it */
	char out[PATH_MAX];      /* the file with the command's output, "" when none */
	char name[NAME_MAX + 1]; /* the command's argv[0], for messages */
	struct collector *c;     /* started, listening on sock */
	pid_t pid;               /* the command */
	int tty_fd;              /* perftop's controlling terminal, or -1 */
	int dir_fd;              /* dir, open and locked (flock) while perftop has it */
	bool out_is_temp;        /* out is in dir: removed at the end unless kept */
	bool keep_output;
};

/* Catches SIGINT, SIGTERM and SIGHUP for the whole of a run or record (they
 * end it; the screen and batch printer take them over while they run and
 * say which one arrived, ui_stop_signal()), and ignores SIGPIPE, SIGTTOU
 * and SIGTTIN (perftop writes from a background group while the command has
 * the terminal). Returns 0 or -1 after printing why. */
int cli__catch_signals(void);
/* A descriptor readable once one of those signals has arrived. */
int cli__signal_fd(void);
/* The last of those signals that arrived (and clears it), or 0. */
int cli__take_signal(void);

/* Starts argv (NULL-terminated) with the agent at agent_path, sampling at hz
 * (0: the agent's default), into m, which the caller has initialised and
 * still owns; so says where its descriptors go. The directory is
 * TMPDIR/DIR_PREFIX-XXXXXX (/tmp without a usable TMPDIR). Every check
 * (files, directory, socket) is made before the command starts. Returns 0
 * with cmd filled in; on failure prints why on stderr ("perftop: ..."),
 * undoes what it did and returns -1 (the command did not run). */
int cli__start_command(struct cli_command *cmd, struct model *m, const char *dir_prefix,
                       char *const *argv, const char *agent_path, unsigned hz,
                       const struct cli_start_opts *so);

/* Ends what cli__start_command() started. A command still running gets sig
 * (SIGTERM when 0 or ignored by it) in its process group, and SIGKILL when it is still there
 * 5 s later or at the next signal; one that has exited is not signalled.
 * Then, at most a second, the agent's last data; then the collector stops,
 * the terminal comes back, the output file (unless kept) and the directory
 * go. Returns the command's exit code as a shell gives it (128 + signal),
 * except 0 when the SIGTERM sent here instead of sig (sig 0, or a signal
 * the command ignores) ended it: perftop ended it on purpose (q, -n, -d,
 * SIGINT to a background perftop), which is no failure of the command. */
int cli__end_command(struct cli_command *cmd, struct model *m, int sig);

#endif
