/*
 * cli — perftop's command line: subcommand dispatch and the live views.
 *
 * argv[1] picks a subcommand from `subcommands`; anything else, options
 * included, is the live view (`top`). Every argument is checked, and -p's
 * process or run's command looked up, before the screen starts, so a mistake
 * costs one line on stderr and never leaves the terminal changed.
 */
#include "cli/cli.h"
#include "cli/cmd_record.h"
#include "cli/cmd_report.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/options.h"
#include "collect/collector.h"
#include "collect/launch.h"
#include "collect/procfs.h"
#include "model/model.h"
#include "ui/theme.h"
#include "ui/ui.h"
#include "wire/sockpath.h"

#ifndef PERFTOP_VERSION
#define PERFTOP_VERSION "0.1.0"
#endif

static int cmd_top(int argc, char **argv);
static int cmd_run(int argc, char **argv);

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand's name */
	const char *summary;
} subcommands[] = {
	{ "top", cmd_top, "the live view of every process (the default)" },
	{ "run", cmd_run, "start a command with the agent and open its live profile" },
	{ "record", cmd_record, "record a command or process into a snapshot file, no screen" },
	{ "open", cmd_open, "browse a snapshot file with the live views" },
	{ "report", cmd_report, "a report of a snapshot, optionally checked against a budget" },
	{ "export", cmd_export, "a snapshot as folded stacks, pprof, speedscope or Chrome trace" },
	{ "diff", cmd_diff, "what got slower or faster between two snapshots" },
};

static unsigned long long collector_ack_cb(void *ctx)
{
	return collector_ack(ctx);
}

/* The options every live view shares: theme, colour, pid, iterations. */
static void ui_options_from(struct ui_options *uo, const struct options *o, struct theme *theme,
			    char *theme_err, size_t theme_err_len)
{
	memset(uo, 0, sizeof(*uo));
	if (o->no_color)
		setenv("NO_COLOR", "1", 1);
	theme_default(theme);
	if (o->theme && theme_load(theme, o->theme, theme_err, theme_err_len) < 0) {
		if (o->batch)
			fprintf(stderr, "perftop: %s\n", theme_err);
		else
			uo->message = theme_err;
	}
	uo->theme = theme;
	uo->pid = o->pid;
	uo->iterations = o->iterations;
}

/* Runs the screen (or batch output) over a started collector. */
static int show(struct model *m, struct collector *c, const struct options *o,
		const struct ui_options *uo)
{
	struct ui_source src = { collector_wake_fd(c), collector_ack_cb, c };

	return o->batch ? ui_batch(m, &src, uo, stdout) : ui_run(m, &src, uo);
}

static int cmd_top(int argc, char **argv)
{
	struct collector_opts co = { 0 };
	struct ui_options uo;
	struct collector *c;
	struct options o;
	struct theme theme;
	struct model m;
	char why[256], theme_err[256], sock[SOCKPATH_MAX];
	int err = 0, rc;

	if (options_parse(&o, argc, argv, why, sizeof(why)) != OPTIONS_OK) {
		fprintf(stderr, "perftop: %s\n", why);
		return 2;
	}
	if (o.help) {
		options_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("perftop %s\n", PERFTOP_VERSION);
		return 0;
	}
	if (o.pid > 0 && procfs_check_pid(o.pid, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: cannot watch pid %d: %s\n", (int)o.pid, why);
		return 1;
	}
	ui_options_from(&uo, &o, &theme, theme_err, sizeof(theme_err));

	/* Agents that start with the default socket connect to this view. */
	if (sockpath_default(sock, sizeof(sock), getuid()) == 0)
		co.socket_path = sock;
	model_init(&m, o.delay);
	if (o.pid > 0) {
		model_watch(&m, o.pid, true);
		m.list_visible = false;
	}
	c = collector_start_opts(&m, &co, &err, why, sizeof(why));
	if (!c) {
		fprintf(stderr, "perftop: cannot start the collector: %s\n", why);
		model_release(&m);
		return 1;
	}
	rc = show(&m, c, &o, &uo);
	collector_stop(c);
	model_release(&m);
	return rc;
}

/* ---- perftop run ------------------------------------------------------------- */

/* A private directory for the run's socket and the command's output. */
static int make_run_dir(char *dir, size_t len, char *why, size_t why_len)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, len, "%s/perftop-run-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(why, why_len, "cannot create a directory in '%s': %s",
			 tmp && *tmp == '/' ? tmp : "/tmp", strerror(errno));
		return -errno;
	}
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct collector_opts co = { 0 };
	struct launch_opts lo = { 0 };
	struct ui_options uo;
	struct collector *c;
	struct options o;
	struct theme theme;
	struct model m;
	char why[512], theme_err[256], agent[PATH_MAX], dir[PATH_MAX - 64];
	char sock[SOCKPATH_MAX], out[PATH_MAX], cmd[NAME_MAX + 1];
	int err = 0, rc;
	pid_t pid;

	if (options_parse_mode(&o, OPTIONS_RUN, argc, argv, why, sizeof(why)) != OPTIONS_OK) {
		fprintf(stderr, "perftop: %s\n", why);
		return 2;
	}
	if (o.help || o.version) {
		options_usage_run(stdout);
		return 0;
	}
	if (launch_find_agent(agent, sizeof(agent), why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return 1;
	}
	if (make_run_dir(dir, sizeof(dir), why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return 1;
	}
	snprintf(cmd, sizeof(cmd), "%s", o.command[0]);
	if (snprintf(sock, sizeof(sock), "%s/perftop.sock", dir) >= (int)sizeof(sock)) {
		fprintf(stderr, "perftop: socket path in '%s' is too long; set TMPDIR shorter\n", dir);
		rmdir(dir);
		return 1;
	}
	snprintf(out, sizeof(out), "%s/%s.out", dir, basename(cmd));
	ui_options_from(&uo, &o, &theme, theme_err, sizeof(theme_err));
	uo.output_path = out;
	uo.until_child_exits = true;

	model_init(&m, o.delay);
	m.list_visible = false;
	co.socket_path = sock;
	co.socket_required = true;
	c = collector_start_opts(&m, &co, &err, why, sizeof(why));
	if (!c) {
		fprintf(stderr, "perftop: cannot start the collector: %s\n", why);
		model_release(&m);
		rmdir(dir);
		return 1;
	}
	lo.argv = o.command;
	lo.agent_path = agent;
	lo.socket_path = sock;
	lo.hz = o.hz;
	lo.output_path = out;
	pid = launch_start(&lo, why, sizeof(why));
	if (pid < 0 || collector_watch_child(c, pid, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		collector_stop(c);
		model_release(&m);
		if (pid > 0)
			launch_end(pid);
		unlink(out);
		rmdir(dir);
		return 1;
	}
	model_lock(&m);
	model_watch(&m, pid, true);
	model_unlock(&m);
	uo.pid = pid;
	rc = show(&m, c, &o, &uo);
	collector_stop(c); /* removes the socket */
	launch_end(pid);
	model_release(&m);
	if (!o.batch)
		fprintf(stderr, "perftop: %s's output is in %s\n", cmd, out);
	return rc;
}

int cli_main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (argc > 1 && argv[1][0] != '-') {
		for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
			if (!strcmp(argv[1], subcommands[i].name))
				return subcommands[i].run(argc - 1, argv + 1);
		fprintf(stderr, "perftop: unknown command '%s' (try 'perftop --help')\n", argv[1]);
		return 2;
	}
	return cmd_top(argc, argv);
}
