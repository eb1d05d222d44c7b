/*
 * cli — perftop's command line: subcommand dispatch and the live view.
 *
 * argv[1] picks a subcommand from `subcommands` (more come with `run`,
 * `record`, `open`, ...); anything else, options included, is the live view
 * (`top`). Every argument is checked, and -p's process looked up, before
 * the collector or the screen starts, so a mistake costs one line on stderr
 * and never leaves the terminal changed.
 */
#include "cli/cli.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "collect/collector.h"
#include "collect/procfs.h"
#include "model/model.h"
#include "ui/theme.h"
#include "ui/ui.h"

#ifndef PERFTOP_VERSION
#define PERFTOP_VERSION "0.1.0"
#endif

static int cmd_top(int argc, char **argv);

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand's name */
	const char *summary;
} subcommands[] = {
	{ "top", cmd_top, "the live view of every process (the default)" },
};

static unsigned long long collector_ack_cb(void *ctx)
{
	return collector_ack(ctx);
}

static int cmd_top(int argc, char **argv)
{
	struct ui_options uo = { 0 };
	struct ui_source src;
	struct collector *c;
	struct options o;
	struct theme theme;
	struct model m;
	char why[256], theme_err[256];
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
	if (o.no_color)
		setenv("NO_COLOR", "1", 1);
	theme_default(&theme);
	if (o.theme && theme_load(&theme, o.theme, theme_err, sizeof(theme_err)) < 0) {
		if (o.batch)
			fprintf(stderr, "perftop: %s\n", theme_err);
		else
			uo.message = theme_err;
	}
	uo.theme = &theme;
	uo.pid = o.pid;
	uo.iterations = o.iterations;

	model_init(&m, o.delay);
	if (o.pid > 0) {
		model_watch(&m, o.pid, true);
		m.list_visible = false;
	}
	c = collector_start(&m, &err, why, sizeof(why));
	if (!c) {
		fprintf(stderr, "perftop: cannot start the collector: %s\n", why);
		model_release(&m);
		return 1;
	}
	src.wake_fd = collector_wake_fd(c);
	src.ack = collector_ack_cb;
	src.ctx = c;
	rc = o.batch ? ui_batch(&m, &src, &uo, stdout) : ui_run(&m, &src, &uo);
	collector_stop(c);
	model_release(&m);
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
