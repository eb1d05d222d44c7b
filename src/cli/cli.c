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
#include "cli/start.h"
#include "collect/collector.h"
#include "collect/launch.h"
#include "collect/listener.h"
#include "collect/procfs.h"
#include "model/proctree.h"
#include "model/model.h"
#include "model/budget.h"
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

/* The subcommands and what each does, for perftop --help. */
static void print_commands(FILE *out)
{
	fputs("\ncommands:\n", out);
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fputs("\n"
	      "  perftop run [-F HZ] [--] COMMAND [ARGS...]\n"
	      "  perftop record -o FILE [--duration SECS] [--] COMMAND [ARGS...]\n"
	      "  perftop open FILE\n"
	      "  perftop report FILE [--format text|markdown|json] [--budget FILE]\n"
	      "  perftop export FILE --format folded|pprof|speedscope|chrome -o OUT\n"
	      "  perftop diff BASE NEW [--report]\n",
	      out);
}

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
	uo->no_mouse = o->no_mouse;
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
	char why[256], theme_err[256], sock[SOCKPATH_MAX], reason[1024], sock_msg[1200] = "";
	int err = 0, rc;

	if (options_parse(&o, argc, argv, why, sizeof(why)) != OPTIONS_OK) {
		fprintf(stderr, "perftop: %s\n", why);
		return 2;
	}
	if (o.help) {
		options_usage(stdout);
		print_commands(stdout);
		return 0;
	}
	if (o.version) {
		printf("perftop %s\n", PERFTOP_VERSION);
		return 0;
	}
	/* Every agent is a descriptor: take what the hard limit allows (this
	 * view starts no child that would inherit it). */
	(void)listener_raise_fd_limit();
	if (o.pid > 0 && procfs_check_pid(o.pid, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: cannot watch pid %d: %s\n", (int)o.pid, why);
		return 1;
	}
	ui_options_from(&uo, &o, &theme, theme_err, sizeof(theme_err));

	/* Agents that start with the default socket connect to this view. A
	 * socket that cannot be: said at the start, in the Log, and again on
	 * stderr at the end, and the view goes on with /proc alone. */
	if (sockpath_default(sock, sizeof(sock), getuid()) < 0)
		sockpath_too_long(reason, sizeof(reason), getuid());
	else if (sockpath_check(sock, getuid(), reason, sizeof(reason)) == 0)
		co.socket_path = sock;
	if (!co.socket_path) {
		snprintf(sock_msg, sizeof(sock_msg), "no agents can connect: %s", reason);
		if (o.batch)
			fprintf(stderr, "perftop: %s\n", sock_msg);
		else if (!uo.message)
			uo.message = sock_msg;
	}
	model_init(&m, o.delay);
	m.show_interp = o.interp;
	if (sock_msg[0])
		msglog_add(&m.log, 0, MSG_WARN, "%s", sock_msg);
	if (o.pid > 0) {
		model_watch(&m, o.pid, true);
		m.tree_root = o.pid; /* its descendants seen in /proc are its tree */
		proctree_live_on(&m); /* the views show the tree's merged profile */
		m.list_visible = false;
	}
	/* A watched process without an agent is sampled from outside, unless
	 * PERFTOP_ATTACH=0 keeps the view to /proc figures. */
	co.attach = !(getenv("PERFTOP_ATTACH") && strcmp(getenv("PERFTOP_ATTACH"), "0") == 0);
	co.attach_hz = o.hz;
	c = collector_start_opts(&m, &co, &err, why, sizeof(why));
	if (!c) {
		fprintf(stderr, "perftop: cannot start the collector: %s\n", why);
		model_release(&m);
		return 1;
	}
	rc = show(&m, c, &o, &uo);
	collector_stop(c);
	if (sock_msg[0] && !o.batch)
		fprintf(stderr, "perftop: %s\n", sock_msg);
	model_release(&m);
	return rc;
}

/* ---- perftop run ------------------------------------------------------------- */

/* perftop run: every check that can fail is made before the command starts
 * (options, budget, agent, the screen's terminal and TERM, the files it is
 * given, the socket); perftop then exits with the command's exit code. */
static int cmd_run(int argc, char **argv)
{
	struct cli_start_opts so = { 0 };
	struct budget budget = { 0 };
	struct cli_command cmd;
	struct ui_options uo;
	struct options o;
	struct theme theme;
	struct model m;
	char why[512], theme_err[256], agent[PATH_MAX];
	int rc, code, sig;

	if (options_parse_mode(&o, OPTIONS_RUN, argc, argv, why, sizeof(why)) != OPTIONS_OK) {
		fprintf(stderr, "perftop: %s\n", why);
		return 2;
	}
	if (o.help || o.version) {
		options_usage_run(stdout);
		return 0;
	}
	if (o.budget && budget_load(&budget, o.budget, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why); /* before anything is launched */
		return 2;
	}
	if (launch_find_agent(agent, sizeof(agent), why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		budget_release(&budget);
		return 1;
	}
	if (!o.batch && ui_check_screen(true, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		budget_release(&budget);
		return 1;
	}
	if (cli__catch_signals() < 0) {
		budget_release(&budget);
		return 1;
	}
	/* Before the launch: --no-color reaches the command's environment. */
	ui_options_from(&uo, &o, &theme, theme_err, sizeof(theme_err));
	uo.until_child_exits = true;
	uo.any_tty = true;
	uo.budget = o.budget ? &budget : NULL;

	so.screen = !o.batch;
	so.stdin_path = o.stdin_path;
	so.output_path = o.output_path;
	so.keep_output = o.keep_output;
	model_init(&m, o.delay);
	m.show_interp = o.interp;
	m.list_visible = false;
	if (cli__start_command(&cmd, &m, "perftop-run", o.command, agent, o.hz, &so) < 0) {
		model_release(&m);
		budget_release(&budget);
		return 1;
	}
	uo.output_path = cmd.out[0] ? cmd.out : NULL;
	uo.pid = cmd.pid;
	/* A signal before the screen or the batch printer took them over. */
	sig = cli__take_signal();
	rc = sig ? 0 : show(&m, cmd.c, &o, &uo);
	if (!sig)
		sig = ui_stop_signal();
	if (!sig)
		sig = cli__take_signal();
	code = cli__end_command(&cmd, &m, sig);
	if (o.budget && !rc)
		rc = cmd_report_budget_verdict(&budget, &m, cmd.pid, stdout);
	model_release(&m);
	budget_release(&budget);
	/* perftop's own failure (the screen, writing, a failed budget) wins;
	 * else the command's exit code, as a shell would give it. */
	return rc ? rc : code;
}

int cli_main(int argc, char **argv)
{
	launch_note_signals(); /* what the command is to get, before perftop changes any */
	setlocale(LC_ALL, "");
	/* A file size limit (ulimit -f) makes a write fail with EFBIG, which the
	 * snapshot writers report, instead of killing perftop (the launched
	 * command gets the default back, collect/launch.c). */
	signal(SIGXFSZ, SIG_IGN);
	/* Started with SIGCHLD ignored (some service managers and runners do
	 * that), the command would be reaped by the kernel and its exit status
	 * lost: perftop takes the default; the command gets it ignored back. */
	signal(SIGCHLD, SIG_DFL);
	if (argc > 1 && argv[1][0] != '-') {
		for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
			if (!strcmp(argv[1], subcommands[i].name))
				return subcommands[i].run(argc - 1, argv + 1);
		fprintf(stderr, "perftop: unknown command '%s' (try 'perftop --help')\n", argv[1]);
		return 2;
	}
	return cmd_top(argc, argv);
}
