/*
 * cmd_record — `perftop record` and `perftop open`: the snapshot file's two
 * ends on the command line.
 *
 * record runs the collector with no screen: either it starts a command with
 * the agent on a private socket (cli__start_command, as `perftop run` does)
 * or it watches a running process whose agent may connect to the default
 * socket (without one, the snapshot has its /proc figures only). It stops when the command
 * has exited and its agent has gone (or had two ticks to send what was
 * left), when the process exits, when --duration has passed, or on
 * SIGINT/SIGTERM/SIGHUP; then it ends the command (cli__end_command: a
 * signal perftop got is passed on to it), so its exit status and its
 * agent's last data are in the model, encodes the model and writes the
 * file safely (snapshot_write). A signal never leaves a half file behind:
 * it only ends the recording. The command has perftop's stdin, stdout,
 * stderr and terminal, as under `time`, and record exits with its exit code.
 *
 * open loads a file into a model and hands it to the same UI as live, with
 * a source whose descriptor never fires (no collector) and the options
 * saying it is a snapshot; --batch prints the views once as text.
 */
#include "cli/cmd_record.h"
#include "cli/start.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/attach_check.h"
#include "collect/collector.h"
#include "collect/launch.h"
#include "collect/procfs.h"
#include "model/model.h"
#include "model/proctree.h"
#include "report/outfile.h"
#include "snapshot/snapshot.h"
#include "ui/theme.h"
#include "ui/ui.h"
#include "wire/sockpath.h"

enum {
	RECORD_HZ_MAX = 100000,
	RECORD_SETTLE_TICKS = 2, /* after the command exits, wait this long for its agent */
};

#define RECORD_SECS_MAX (7.0 * 24 * 3600)

struct record_args {
	const char *out;
	double seconds; /* 0: until the command or process ends */
	double tick;    /* seconds between /proc readings */
	unsigned hz;    /* 0: the agent's default */
	pid_t pid;      /* -p */
	char **command; /* into argv */
};

static void usage_record(FILE *f)
{
	fputs("usage: perftop record -o FILE [--duration SECS] [-F HZ] [-i SECS] [--] COMMAND [ARG...]\n"
	      "       perftop record -o FILE -p PID [--duration SECS] [-F HZ] [-i SECS]\n"
	      "Records a profile into a snapshot file, with no screen: starts COMMAND with\n"
	      "the agent (or records the running process PID: sampled from outside with\n"
	      "perf_event_open, nothing put into it, unless its agent connects to the\n"
	      "default socket) until it ends, SECS have passed or Ctrl-C. Open the file with\n"
	      "'perftop open FILE'. COMMAND gets perftop's stdin, stdout, stderr and\n"
	      "terminal, as under 'time COMMAND', and perftop exits with its exit status\n"
	      "(128+N for signal N; 0 when --duration ended it).\n"
	      "  -o, --output FILE      the snapshot to write (required); checked before\n"
	      "                         anything starts: only a regular file (a symbolic\n"
	      "                         link to one is followed) in an existing directory\n"
	      "      --duration SECS    stop after this long (default: when it ends)\n"
	      "  -F, --freq HZ          samples per second per thread, 1 to 100000 (the\n"
	      "                         agent's default 1000; from outside, -p, 99)\n"
	      "  -p, --pid PID          record a running process instead of a command\n"
	      "  -i, --interval SECS    seconds between /proc readings, 0.1 to 60 (default 1)\n"
	      "  -h, --help             this text\n",
	      f);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("perftop: record: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (try 'perftop record --help')\n", stderr);
	return 2;
}

static bool parse_seconds(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool parse_ulong(const char *s, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > hi)
		return false;
	*out = v;
	return true;
}

/* Returns -1 to go on, else the exit status. */
static int parse_record(struct record_args *a, int argc, char **argv)
{
	static const struct option longs[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"duration", required_argument, NULL, 'D'},
	    {"freq", required_argument, NULL, 'F'},
	    {"pid", required_argument, NULL, 'p'},
	    {"interval", required_argument, NULL, 'i'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char why[PATH_MAX + 512];
	unsigned long v;
	int c;

	memset(a, 0, sizeof(*a));
	a->tick = 1.0;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:d:F:p:i:h", longs, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->out = optarg;
			break;
		case 'd': /* -d is the refresh delay everywhere else: never a duration */
			fprintf(stderr,
			        "perftop: record: -d is the refresh delay of perftop and perftop "
			        "run, and record has none; to stop after %s seconds use "
			        "--duration %s\n",
			        optarg, optarg);
			return 2;
		case 'D':
			if (!parse_seconds(optarg, 0.1, RECORD_SECS_MAX, &a->seconds))
				return usage_error("bad --duration value '%s': not a duration in seconds",
				                   optarg);
			break;
		case 'i':
			if (!parse_seconds(optarg, 0.1, 60, &a->tick))
				return usage_error("bad -i value '%s': not 0.1 to 60 seconds",
				                   optarg);
			break;
		case 'F':
			if (!parse_ulong(optarg, RECORD_HZ_MAX, &v))
				return usage_error(
				    "bad -F value '%s': not a rate from 1 to 100000 Hz", optarg);
			a->hz = (unsigned)v;
			break;
		case 'p':
			if (!parse_ulong(optarg, INT_MAX, &v))
				return usage_error("bad -p value '%s': not a process id", optarg);
			a->pid = (pid_t)v;
			break;
		case 'h':
			usage_record(stdout);
			return 0;
		default:
			return usage_error("unknown option or missing value '%s'",
			                   argv[optind - 1 < argc ? optind - 1 : argc - 1]);
		}
	}
	if (optind < argc)
		a->command = argv + optind;
	if (!a->out || !*a->out)
		return usage_error("%s", "no output file: name one with -o FILE");
	if (!a->pid && !a->command)
		return usage_error("%s", "nothing to record: give a command or -p PID");
	if (a->pid && a->command)
		return usage_error("cannot record both -p and a command ('%s')", a->command[0]);
	/* Before anything starts: a recording that cannot be saved is lost. */
	if (outfile_check(a->out, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return 1;
	}
	return -1;
}

/* ---- recording --------------------------------------------------------------------- */

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether the recording is over by itself. Caller holds the lock. *ended is
 * when the command or process was first seen gone (monotonic), or < 0. */
static bool finished(const struct model *m, const struct record_args *a, pid_t pid, double *ended)
{
	const struct process *p = model_find(m, pid);
	bool gone = a->command ? m->child_exited : p && p->exited;

	/* A daemon the command left behind does not hold the recording: it
	 * ends with the command (as a shell's job does), the tree's agents
	 * given the same time to say their last. */
	if (!gone)
		return false;
	if (*ended < 0)
		*ended = mono_now();
	/* Its agents' last frames may still be on the way. */
	if ((p && p->profile && p->profile->connected) || proctree_connected(m))
		return mono_now() >= *ended + RECORD_SETTLE_TICKS * m->tick_s;
	return true;
}

/* Polls the collector until the recording ends; returns why it ended. */
static const char *record_loop(struct model *m, struct collector *c, const struct record_args *a,
                               pid_t pid, int *sig)
{
	double deadline = a->seconds > 0 ? mono_now() + a->seconds : -1, ended = -1;

	for (;;) {
		struct pollfd pfd[2] = {{collector_wake_fd(c), POLLIN, 0},
		                        {cli__signal_fd(), POLLIN, 0}};
		int timeout = -1;
		bool done;

		if (deadline >= 0) {
			double left = deadline - mono_now();

			if (left <= 0)
				return "the duration has passed";
			timeout = (int)(left * 1000) + 1;
		}
		if (ended >= 0)
			timeout = 100;
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			return "poll failed";
		if (pfd[1].revents & POLLIN) {
			*sig = cli__take_signal();
			if (*sig)
				return "interrupted";
		}
		if (pfd[0].revents & POLLIN)
			collector_ack(c);
		model_lock(m);
		done = finished(m, a, pid, &ended);
		model_unlock(m);
		if (done)
			return a->command ? "the command has exited" : "the process has exited";
	}
}

/* Appends to out (at most len bytes in all) one line per notice of every
 * process the agent sampled: what it could not sample, and why. Control
 * bytes become '?' (the text comes from the target). Caller holds the lock. */
static void notices_text(const struct model *m, char *out, size_t len)
{
	size_t used = strlen(out);

	for (size_t i = 0; i < m->nprocs; i++) {
		const struct process *p = m->procs[i];

		if (!p->profile)
			continue;
		for (size_t k = 0; k < p->profile->nnotices && used + 1 < len; k++) {
			const struct profile_notice *n = &p->profile->notices[k];
			const char *tname = "";
			int w;

			for (size_t t = 0; t < p->profile->nthreads; t++)
				if (p->profile->threads[t].tid == n->tid)
					tname = p->profile->threads[t].name;
			if (n->tid)
				w = snprintf(out + used, len - used,
				             "perftop: agent pid %d (%s), thread %d%s%s%s: %s [%s %llu]\n",
				             (int)p->pid, p->comm, (int)n->tid, *tname ? " (" : "", tname,
				             *tname ? ")" : "", n->text, n->code,
				             (unsigned long long)n->count);
			else
				w = snprintf(out + used, len - used, "perftop: agent pid %d (%s): %s [%s %llu]\n",
				             (int)p->pid, p->comm, n->text, n->code,
				             (unsigned long long)n->count);
			if (w < 0)
				break;
			for (size_t c = used; c < len && out[c]; c++)
				if (((unsigned char)out[c] < 0x20 && out[c] != '\n') || out[c] == 0x7f)
					out[c] = '?';
			used += (size_t)w;
			if (used >= len)
				used = len - 1;
		}
	}
}

/* Appends to out (at most len bytes in all) the warnings and errors the
 * model's log gathered while recording (for -p: what the outside sampler
 * could not do, as a Python process whose memory it may not read), one
 * "perftop: TEXT" line each, but those holding said (the reason told
 * apart at the end). Caller holds the lock. */
static void warnings_text(const struct model *m, const char *said, char *out, size_t len)
{
	size_t used = strlen(out);
	const struct msglog_entry *e;
	char start[48];

	/* the log keeps MSGLOG_LEN bytes of a message: said's start names it */
	snprintf(start, sizeof(start), "%s", said);

	for (size_t i = 0; (e = msglog_at(&m->log, i)) && used + 1 < len; i++) {
		int w;

		if (e->level == MSG_INFO || (said[0] && strstr(e->text, start)))
			continue;
		w = snprintf(out + used, len - used, "perftop: %s\n", e->text);
		if (w < 0)
			break;
		used += (size_t)w;
		if (used >= len)
			used = len - 1;
	}
}

static void join_command(char *out, size_t len, char *const *argv)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; argv[i] && n + 1 < len; i++) {
		int w = snprintf(out + n, len - n, "%s%s", i ? " " : "", argv[i]);

		if (w < 0)
			break;
		n += (size_t)w;
	}
}

int cmd_record(int argc, char **argv)
{
	struct cli_start_opts so = {0};
	static char notices[16384];
	struct collector_opts co = {0};
	struct bytebuf buf = {0};
	struct snapshot_meta meta;
	struct record_args a;
	struct cli_command cmd;
	struct collector *c;
	struct model m;
	char why[1024], agent[PATH_MAX], sock[SOCKPATH_MAX], agent_note[MODEL_WHY_LEN + 64];
	const char *reason;
	pid_t pid = 0;
	uint64_t samples = 0;
	char outside_why[512] = "";
	bool outside = false;
	size_t members = 0;
	char tree_note[64] = "";
	int err = 0, rc, sig = 0, code = 0;

	rc = parse_record(&a, argc, argv);
	if (rc >= 0)
		return rc;
	if (a.pid && procfs_check_pid(a.pid, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: cannot record pid %d: %s\n", (int)a.pid, why);
		return 1;
	}
	/* From outside: each reason it cannot be done, before anything starts. */
	if (a.pid && attach_check(a.pid, why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: cannot sample pid %d from outside: %s\n", (int)a.pid, why);
		return 1;
	}
	if (a.command && launch_find_agent(agent, sizeof(agent), why, sizeof(why)) < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return 1;
	}
	if (cli__catch_signals() < 0)
		return 1;
	snapshot_meta_init(&meta);
	model_init(&m, a.tick);
	m.list_visible = false;
	if (a.command) {
		if (cli__start_command(&cmd, &m, "perftop-record", a.command, agent, a.hz, &so) < 0) {
			model_release(&m);
			return 1;
		}
		c = cmd.c;
		pid = cmd.pid;
		join_command(meta.command, sizeof(meta.command), a.command);
	} else {
		if (sockpath_default(sock, sizeof(sock), getuid()) == 0)
			co.socket_path = sock;
		model_watch(&m, a.pid, true);
		co.attach = true;
		co.attach_hz = a.hz;
		m.tree_root = a.pid; /* its descendants seen in /proc are its tree */
		pid = a.pid;
		c = collector_start_opts(&m, &co, &err, why, sizeof(why));
		if (!c) {
			fprintf(stderr, "perftop: cannot start the collector: %s\n", why);
			model_release(&m);
			return 1;
		}
	}
	meta.pid = pid;
	meta.start_time = wall_now();
	fprintf(stderr, "perftop: recording pid %d into '%s'%s\n", (int)pid, a.out,
	        isatty(STDIN_FILENO) ? "; Ctrl-C stops" : "");

	reason = record_loop(&m, c, &a, pid, &sig);

	/* The command ends first (its agent's last data and its exit status
	 * belong in the file); the collector has stopped after that, so the
	 * model is read without contention. */
	meta.end_time = wall_now();
	if (a.command)
		code = cli__end_command(&cmd, &m, sig);
	else
		collector_stop(c);
	model_lock(&m);
	if (!a.command) {
		const struct process *p = model_find(&m, pid);

		if (p)
			snprintf(meta.command, sizeof(meta.command), "%s", p->cmdline);
	}
	{
		const struct process *p = model_find(&m, pid);

		samples = p && p->profile ? p->profile->samples : 0;
		model_agent_status(p, agent_note, sizeof(agent_note));
		/* The tree's samples: every member's, each counted once. */
		for (size_t i = 0; i < m.nprocs; i++)
			if (m.procs[i]->in_tree && m.procs[i] != p)
				samples += proctree_samples(m.procs[i]);
		members = proctree_count(&m);
		if (!a.command && p && p->profile && p->profile->outside_why[0]) {
			snprintf(outside_why, sizeof(outside_why), "%s", p->profile->outside_why);
		} else if (!a.command && p && p->profile && p->profile->outside) {
			snprintf(agent_note, sizeof(agent_note),
				 "sampled from outside at %.0f Hz, %llu lost",
				 p->profile->requested_hz,
				 (unsigned long long)p->profile->agent_dropped);
			outside = true;
		} else if (samples) {
			agent_note[0] = '\0';
		}
	}
	notices_text(&m, notices, sizeof(notices));
	if (!a.command)
		warnings_text(&m, outside_why, notices, sizeof(notices));
	snapshot_encode(&m, &meta, &buf);
	model_unlock(&m);
	model_release(&m);

	rc = snapshot_write(&buf, a.out, why, sizeof(why));
	bytebuf_release(&buf);
	if (rc < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return 1;
	}
	if (members > 1)
		snprintf(tree_note, sizeof(tree_note), " from a tree of %zu processes", members);
	if (outside)
		fprintf(stderr, "perftop: %s; wrote '%s' (%llu samples%s, %s)\n", reason, a.out,
		        (unsigned long long)samples, tree_note, agent_note);
	else
		fprintf(stderr, "perftop: %s; wrote '%s' (%llu samples%s%s%s%s)\n", reason, a.out,
		        (unsigned long long)samples, tree_note, samples ? "" : ": ", agent_note,
		        samples ? "" : ", /proc figures only");
	fputs(notices, stderr);
	if (outside_why[0]) {
		fprintf(stderr, "perftop: cannot sample pid %d from outside: %s\n", (int)pid,
		        outside_why);
		return 1;
	}
	return a.command ? code : 0;
}

/* ---- perftop open ---------------------------------------------------------------------- */

static void usage_open(FILE *f)
{
	fputs("usage: perftop open FILE [-b] [-p PID] [--theme NAME|PATH] [--no-color] [--no-mouse]\n"
	      "                         [--interp]\n"
	      "Shows a snapshot (from 'perftop record' or the S key) in the same views as\n"
	      "the live screen.\n"
	      "  -b, --batch            print the views once as text, no screen\n"
	      "  -p, --pid PID          open this process's view (default: the recorded one)\n"
	      "      --interp           show the Python interpreter's own frames (key i)\n"
	      "      --theme NAME|PATH  colours (themes/*.theme)\n"
	      "      --no-color         no colours\n"
	      "      --no-mouse         leave the mouse to the terminal\n"
	      "  -h, --help             this text\n",
	      f);
}

/* The UI's source for a snapshot: nothing ever arrives, except for batch
 * output, which waits for two readings: it is told once that they are in. */
struct open_source {
	int fd;
	bool told;
};

static unsigned long long open_ack(void *ctx)
{
	struct open_source *s = ctx;
	uint64_t v;

	if (read(s->fd, &v, sizeof(v)) < 0) {
		/* nothing pending */
	}
	if (s->told)
		return 0;
	s->told = true;
	return 2;
}

int cmd_open(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"batch", no_argument, NULL, 'b'},       {"pid", required_argument, NULL, 'p'},
	    {"theme", required_argument, NULL, 'T'}, {"no-color", no_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},        {"no-mouse", no_argument, NULL, 'M'},
	    {"interp", no_argument, NULL, 'I'},      {NULL, 0, NULL, 0},
	};
	struct open_source os = {-1, false};
	struct snapshot_meta meta;
	struct ui_options uo;
	struct ui_source src;
	struct theme theme;
	struct model m;
	const char *path = NULL, *theme_name = NULL;
	char why[1024], theme_err[256];
	bool batch = false, no_mouse = false, interp = false;
	unsigned long v;
	pid_t pid = 0;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "bp:h", longs, NULL)) != -1) {
		switch (c) {
		case 'b':
			batch = true;
			break;
		case 'p':
			if (!parse_ulong(optarg, INT_MAX, &v))
				return fprintf(stderr, "perftop: open: bad -p value '%s'\n",
				               optarg),
				       2;
			pid = (pid_t)v;
			break;
		case 'T':
			theme_name = optarg;
			break;
		case 'C':
			setenv("NO_COLOR", "1", 1);
			break;
		case 'M':
			no_mouse = true;
			break;
		case 'I':
			interp = true;
			break;
		case 'h':
			usage_open(stdout);
			return 0;
		default:
			fprintf(stderr,
			        "perftop: open: unknown option or missing value '%s' (try "
			        "'perftop open --help')\n",
			        argv[optind - 1 < argc ? optind - 1 : argc - 1]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "perftop: open: %s (try 'perftop open --help')\n",
		        optind >= argc ? "no snapshot file named" : "one snapshot file at a time");
		return 2;
	}
	path = argv[optind];
	rc = snapshot_load(&m, path, &meta, why, sizeof(why));
	if (rc < 0) {
		fprintf(stderr, "perftop: %s\n", why);
		return 1;
	}
	model_show_interp(&m, interp);
	if (pid && !model_find(&m, pid)) {
		fprintf(stderr, "perftop: snapshot '%s' has no process %d\n", path, (int)pid);
		model_release(&m);
		return 1;
	}
	if (!pid && meta.pid > 0 && model_find(&m, meta.pid))
		pid = meta.pid;

	memset(&uo, 0, sizeof(uo));
	theme_default(&theme);
	if (theme_name && theme_load(&theme, theme_name, theme_err, sizeof(theme_err)) < 0) {
		if (batch)
			fprintf(stderr, "perftop: %s\n", theme_err);
		else
			uo.message = theme_err;
	}
	uo.theme = &theme;
	uo.pid = pid;
	uo.snapshot = true;
	uo.snapshot_path = path;
	uo.snapshot_end = meta.end_time;
	uo.no_mouse = no_mouse;
	os.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (os.fd < 0) {
		fprintf(stderr, "perftop: cannot create an eventfd: %s\n", strerror(errno));
		model_release(&m);
		return 1;
	}
	src.wake_fd = os.fd;
	src.ack = open_ack;
	src.ctx = &os;
	if (batch) {
		uint64_t one = 1;

		/* One wake-up: the batch printer shows the model once. */
		if (write(os.fd, &one, sizeof(one)) < 0) {
			/* cannot happen on a fresh eventfd */
		}
		uo.iterations = 1;
		rc = ui_batch(&m, &src, &uo, stdout);
	} else {
		rc = ui_run(&m, &src, &uo);
	}
	close(os.fd);
	model_release(&m);
	return rc;
}
