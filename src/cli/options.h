/*
 * options — the live view's command line (`perftop [OPTIONS]`), parsed and
 * checked without side effects, so that nothing (no curses, no thread)
 * starts before every argument is known to be good.
 */
#ifndef PERFTOP_CLI_OPTIONS_H
#define PERFTOP_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define OPTIONS_DELAY_MIN 0.1
#define OPTIONS_DELAY_MAX 3600.0

struct options {
	double delay;           /* seconds between readings (-d) */
	pid_t pid;              /* -p, 0 when not given */
	bool batch;             /* -b / --batch */
	long iterations;        /* -n, 0 = until quit */
	const char *theme;      /* --theme NAME|PATH, NULL = default; points into argv */
	bool no_color;          /* --no-color */
	bool no_mouse;          /* --no-mouse: clicks and the wheel stay the terminal's */
	bool interp;            /* --interp: show the interpreter's machinery (key i) */
	bool help, version;     /* -h, -V: print and exit */
	unsigned hz;            /* -F, 0 = the default: the agent's (run), 99 from outside */
	char **command;         /* run: the command and its arguments (into argv) */
	const char *budget;     /* run: --budget FILE, NULL when not given; into argv */
	const char *stdin_path; /* run: --stdin FILE, the command's stdin; into argv */
	const char *output_path;/* run: --output FILE, the command's stdout+stderr; into argv */
	bool keep_output;       /* run: --keep-output, keep the captured output file */
};

enum options_mode {
	OPTIONS_TOP,            /* perftop [OPTIONS] */
	OPTIONS_RUN,            /* perftop run [OPTIONS] [--] COMMAND ...: stops at COMMAND */
};

enum options_result {
	OPTIONS_OK = 0,
	OPTIONS_USAGE = 2,      /* a bad option or value: exit 2 */
};

/* Parses argv (argv[0] is the program or subcommand name) into o. On a bad
 * option or value returns OPTIONS_USAGE with a one-line reason in why, e.g.
 * "bad -d value 'x': not a number" or "unknown option '--frob' (try
 * 'perftop --help')". Never prints, never exits. Resets getopt's state, so
 * it may be called more than once. */
int options_parse(struct options *o, int argc, char **argv, char *why, size_t why_len);

/* The same for a subcommand's grammar; in OPTIONS_RUN mode parsing stops
 * at the first non-option (or after --), which starts the command. */
int options_parse_mode(struct options *o, enum options_mode mode, int argc, char **argv, char *why,
		       size_t why_len);

/* Writes the usage text for the live view, or for perftop run. */
void options_usage(FILE *out);
void options_usage_run(FILE *out);

#endif
