/*
 * cpuburn — a deterministic workload for the TUI tests: burns a known share
 * of one core and grows its RSS in known steps.
 *
 *   cpuburn [-l LOAD%] [-r STEP_MB] [-i STEP_SECS | -g] [-n STEPS] [-t SECONDS]
 *
 * The load is a duty cycle over PERIOD_MS periods: in each period it spins
 * until its thread has used LOAD % of the period in CPU time, then sleeps to
 * the period's end (absolute CLOCK_MONOTONIC deadlines, so periods do not
 * drift). Every STEP_SECS it mallocs STEP_MB and touches every page, STEPS
 * times, then holds; with -g it takes one step per SIGUSR1 instead, so a
 * test decides when the RSS grows. It exits after SECONDS, or at once on
 * SIGTERM/SIGINT.
 * It prints "cpuburn pid=N" once at start and is named "cpuburn".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

enum { PERIOD_MS = 10 };

static volatile sig_atomic_t stop;
static volatile sig_atomic_t steps_asked; /* SIGUSR1s received (-g) */
static volatile char *volatile held; /* the latest block; all are kept */

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	steps_asked++;
}

static long long ns_of(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(long long deadline_ns)
{
	struct timespec ts = { .tv_sec = deadline_ns / 1000000000LL,
			       .tv_nsec = deadline_ns % 1000000000LL };

	while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Spins until this thread's CPU time reaches until_ns or the wall clock
 * passes wall_end_ns (a preempted burner must not eat the next period). */
static void spin(long long until_ns, long long wall_end_ns)
{
	volatile unsigned long sink = 0;

	while (!stop && ns_of(CLOCK_THREAD_CPUTIME_ID) < until_ns &&
	       ns_of(CLOCK_MONOTONIC) < wall_end_ns)
		for (int i = 0; i < 2000; i++)
			sink += (unsigned long)i * 2654435761u;
}

/* Allocates mb MiB and touches every page so it counts in RSS. */
static void grow(int mb)
{
	size_t size = (size_t)mb << 20;
	long page = sysconf(_SC_PAGESIZE);
	volatile char *p = malloc(size); /* volatile: the stores must happen */

	if (!p) {
		fprintf(stderr, "cpuburn: cannot allocate %d MiB\n", mb);
		return;
	}
	for (size_t off = 0; off < size; off += (size_t)(page > 0 ? page : 4096))
		p[off] = (char)(off >> 12 | 1);
	held = p; /* kept until exit on purpose: the RSS must stay */
}

static int number(const char *arg, char opt, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || v < lo || v > hi) {
		fprintf(stderr, "cpuburn: bad value '%s' for -%c (expected %g..%g)\n", arg, opt, lo,
			hi);
		return -1;
	}
	*out = v;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: cpuburn [-l LOAD%%] [-r STEP_MB] [-i STEP_SECS | -g] [-n STEPS] "
			"[-t SECONDS]\n");
}

int main(int argc, char **argv)
{
	double load = 50, step_mb = 8, step_s = 1, steps = 4, seconds = 60;
	long long period = PERIOD_MS * 1000000LL, start, end, next_step, t;
	struct sigaction sa;
	int opt, grown = 0, on_usr1_steps = 0;

	while ((opt = getopt(argc, argv, "l:r:i:n:t:gh")) != -1) {
		int bad = 0;

		switch (opt) {
		case 'l':
			bad = number(optarg, 'l', 0, 100, &load);
			break;
		case 'r':
			bad = number(optarg, 'r', 0, 65536, &step_mb);
			break;
		case 'i':
			bad = number(optarg, 'i', 0.01, 86400, &step_s);
			break;
		case 'n':
			bad = number(optarg, 'n', 0, 100000, &steps);
			break;
		case 't':
			bad = number(optarg, 't', 0, 1e7, &seconds);
			break;
		case 'g':
			on_usr1_steps = 1;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
		if (bad)
			return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "cpuburn: unexpected argument '%s'\n", argv[optind]);
		usage();
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	prctl(PR_SET_NAME, "cpuburn", 0, 0, 0);
	printf("cpuburn pid=%d\n", (int)getpid());
	fflush(stdout);

	start = ns_of(CLOCK_MONOTONIC);
	end = start + (long long)(seconds * 1e9);
	next_step = start + (long long)(step_s * 1e9);
	for (t = start; !stop && t < end; t += period) {
		long long cpu0 = ns_of(CLOCK_THREAD_CPUTIME_ID);
		long long deadline = t + period < end ? t + period : end;

		/* Touching pages costs CPU too: it counts against this period. */
		if (grown < (int)steps && (on_usr1_steps ? grown < steps_asked
							 : ns_of(CLOCK_MONOTONIC) >= next_step)) {
			grow((int)step_mb);
			grown++;
			next_step += (long long)(step_s * 1e9);
		}
		if (load > 0)
			spin(cpu0 + (long long)((double)period * load / 100.0), deadline);
		sleep_until(deadline);
	}
	return 0;
}
