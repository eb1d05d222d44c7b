/* options — parsing and checking the live view's options; see options.h. */
#include "cli/options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY_HELP " (try 'perftop --help')"

enum { OPT_THEME = 0x100, OPT_NO_COLOR, OPT_NO_MOUSE, OPT_INTERP };

enum { HZ_MAX = 100000 };
enum { OPT_BUDGET = 0x200, OPT_STDIN, OPT_OUTPUT, OPT_KEEP_OUTPUT }; /* run only */

static const struct option long_options[] = {
	{ "delay", required_argument, NULL, 'd' },
	{ "pid", required_argument, NULL, 'p' },
	{ "batch", no_argument, NULL, 'b' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
	{ "interp", no_argument, NULL, OPT_INTERP },
	{ "freq", required_argument, NULL, 'F' },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "stdin", required_argument, NULL, OPT_STDIN },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "keep-output", no_argument, NULL, OPT_KEEP_OUTPUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void options_usage(FILE *out)
{
	fputs("usage: perftop [OPTIONS]\n"
	      "       perftop COMMAND [ARGS...]   (perftop COMMAND --help for its own)\n"
	      "\n"
	      "A live view of the machine's processes: CPU, memory, and one process in\n"
	      "detail (Enter, or -p). Press ? in the view for its keys.\n"
	      "\n"
	      "options:\n"
	      "  -d, --delay SECS       seconds between refreshes, 0.1 to 3600 (default 1)\n"
	      "  -p, --pid PID          open the view of one process straight away\n"
	      "  -F, --freq HZ          stack samples per second per thread of a process\n"
	      "                         sampled from outside, i.e. without an agent\n"
	      "                         (default 99; needs perf_event_open: root, or\n"
	      "                         kernel.perf_event_paranoid <= 2 for your own)\n"
	      "  -b, --batch            print refreshes as plain text, no screen (like top -b)\n"
	      "  -n, --iterations N     stop after N refreshes (--batch prints 1 by default)\n"
	      "      --theme NAME|PATH  colour theme: a name from themes/ or a .theme file\n"
	      "      --no-color         no colours (as does a non-empty NO_COLOR)\n"
	      "      --no-mouse         leave the mouse to the terminal (no clicks, no wheel)\n"
	      "      --interp           show the Python interpreter's own frames (eval loop,\n"
	      "                         call helpers) in stacks with Python frames (key i)\n"
	      "  -h, --help             this help\n"
	      "  -V, --version          perftop's version\n"
	      "\n"
	      "-d is the refresh delay wherever it is accepted; record's length is\n"
	      "--duration SECS.\n",
	      out);
}

static int bad(char *why, size_t why_len, const char *opt, const char *value, const char *reason)
{
	snprintf(why, why_len, "bad %s value '%s': %s", opt, value, reason);
	return OPTIONS_USAGE;
}

static int parse_delay(struct options *o, const char *s, char *why, size_t why_len)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (end == s || *end || errno == ERANGE || isnan(d) || isinf(d))
		return bad(why, why_len, "-d", s, "not a number of seconds");
	if (d <= 0)
		return bad(why, why_len, "-d", s, "must be more than zero");
	if (d < OPTIONS_DELAY_MIN - 1e-12)
		return bad(why, why_len, "-d", s, "too small (0.1 s at least)");
	if (d > OPTIONS_DELAY_MAX)
		return bad(why, why_len, "-d", s, "too large (3600 s at most)");
	o->delay = d;
	return OPTIONS_OK;
}

/* A positive integer up to max, in decimal. */
static bool parse_positive(const char *s, long max, long *out)
{
	char *end;
	long v;

	if (!*s || *s == '+' || *s == '-' || *s == ' ')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno == ERANGE || v <= 0 || v > max)
		return false;
	*out = v;
	return true;
}

/* The option as the user typed it, for messages: "-x", "--frob". */
static void option_text(char *buf, size_t len, char **argv, int optind_now, int optopt_now)
{
	const char *arg = optind_now > 0 ? argv[optind_now - 1] : "";

	if (optopt_now && optopt_now < 0x100 && !(arg[0] == '-' && arg[1] == '-')) {
		snprintf(buf, len, "-%c", optopt_now);
		return;
	}
	snprintf(buf, len, "%.*s", (int)strcspn(arg, "="), arg);
}

void options_usage_run(FILE *out)
{
	fputs("usage: perftop run [OPTIONS] [--] COMMAND [ARGS...]\n"
	      "\n"
	      "Starts COMMAND with perftop's agent preloaded and opens its live profile:\n"
	      "CPU and memory, the functions its time goes to, its zones and counters.\n"
	      "COMMAND gets perftop's stdin, stdout and stderr, as under 'time COMMAND',\n"
	      "except that under the screen a terminal stdin becomes /dev/null (or\n"
	      "--stdin FILE) and a terminal stdout or stderr goes to a file (the first\n"
	      "64 MB, removed at exit unless --keep-output) whose last lines the Log tab\n"
	      "shows. perftop exits with COMMAND's exit status (128+N for signal N).\n"
	      "\n"
	      "options:\n"
	      "  -F, --freq HZ          stack samples per second per thread (default 1000)\n"
	      "  -d, --delay SECS       seconds between refreshes, 0.1 to 3600 (default 1)\n"
	      "  -b, --batch            print refreshes as plain text, no screen\n"
	      "  -n, --iterations N     with --batch: stop after N refreshes (default: until\n"
	      "                         COMMAND exits)\n"
	      "      --budget FILE      judge the budget FILE live (docs/budgets.md); at exit,\n"
	      "                         print the pass/fail table, exit status 3 on a failure\n"
	      "      --stdin FILE       COMMAND's stdin\n"
	      "      --output FILE      COMMAND's stdout and stderr go to FILE (no size cap)\n"
	      "      --keep-output      keep the screen's output file of COMMAND at exit\n"
	      "      --theme NAME|PATH  colour theme\n"
	      "      --no-color         no colours\n"
	      "      --no-mouse         leave the mouse to the terminal\n"
	      "      --interp           show the Python interpreter's own frames (key i)\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "environment: PERFTOP_AGENT names the agent library to preload. COMMAND's\n"
	      "PYTHONPATH starts with perftop's Python module, so Python programs can\n"
	      "`import perftop` (zones, counters, marks).\n",
	      out);
}

int options_parse(struct options *o, int argc, char **argv, char *why, size_t why_len)
{
	return options_parse_mode(o, OPTIONS_TOP, argc, argv, why, why_len);
}

int options_parse_mode(struct options *o, enum options_mode mode, int argc, char **argv, char *why,
		       size_t why_len)
{
	const char *optstring = mode == OPTIONS_RUN ? "+:d:bn:F:hV" : ":d:p:bn:F:hV";
	char opt[64];
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->delay = 1.0;
	optind = 0; /* GNU: start afresh */
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, long_options, NULL)) != -1) {
		switch (c) {
		case 'F':
			if (!parse_positive(optarg, HZ_MAX, &v))
				return bad(why, why_len, "-F", optarg, "not a rate from 1 to 100000 Hz");
			o->hz = (unsigned)v;
			break;
		case 'd':
			if (parse_delay(o, optarg, why, why_len))
				return OPTIONS_USAGE;
			break;
		case 'p':
			if (!parse_positive(optarg, INT_MAX, &v))
				return bad(why, why_len, "-p", optarg, "not a process id");
			o->pid = (pid_t)v;
			break;
		case 'b':
			o->batch = true;
			break;
		case 'n':
			if (!parse_positive(optarg, LONG_MAX, &v))
				return bad(why, why_len, "-n", optarg, "not a positive count");
			o->iterations = v;
			break;
		case OPT_BUDGET:
			if (mode != OPTIONS_RUN)
				goto unknown;
			if (!*optarg)
				return bad(why, why_len, "--budget", optarg, "empty");
			o->budget = optarg;
			break;
		case OPT_STDIN:
		case OPT_OUTPUT:
			if (mode != OPTIONS_RUN)
				goto unknown;
			if (!*optarg)
				return bad(why, why_len, c == OPT_STDIN ? "--stdin" : "--output", optarg,
					   "empty");
			*(c == OPT_STDIN ? &o->stdin_path : &o->output_path) = optarg;
			break;
		case OPT_KEEP_OUTPUT:
			if (mode != OPTIONS_RUN)
				goto unknown;
			o->keep_output = true;
			break;
		case OPT_THEME:
			if (!*optarg)
				return bad(why, why_len, "--theme", optarg, "empty");
			o->theme = optarg;
			break;
		case OPT_NO_COLOR:
			o->no_color = true;
			break;
		case OPT_NO_MOUSE:
			o->no_mouse = true;
			break;
		case OPT_INTERP:
			o->interp = true;
			break;
		case 'h':
			o->help = true;
			break;
		case 'V':
			o->version = true;
			break;
		case ':':
			option_text(opt, sizeof(opt), argv, optind, optopt);
			snprintf(why, why_len, "option '%s' needs a value" TRY_HELP, opt);
			return OPTIONS_USAGE;
		default:
		unknown:
			option_text(opt, sizeof(opt), argv, optind, optopt);
			snprintf(why, why_len, "unknown option '%s'" TRY_HELP, opt);
			return OPTIONS_USAGE;
		}
	}
	if (mode == OPTIONS_RUN) {
		if (optind >= argc && !o->help && !o->version) {
			snprintf(why, why_len, "run: no command given (usage: perftop run [-F HZ] -- COMMAND ...)");
			return OPTIONS_USAGE;
		}
		o->command = argv + optind;
		return OPTIONS_OK;
	}
	if (optind < argc) {
		snprintf(why, why_len, "unexpected argument '%s'" TRY_HELP, argv[optind]);
		return OPTIONS_USAGE;
	}
	return OPTIONS_OK;
}
