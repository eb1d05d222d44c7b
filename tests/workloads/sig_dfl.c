/*
 * sig_dfl — the daemon idiom: every signal reset to SIG_DFL, in the program
 * and in forked children before exec (tests/agent/signals.test.sh). A late
 * profiling signal must kill none of them.
 *
 * `sig_dfl [CHILDREN] [SECS]`: resets every catchable signal to SIG_DFL
 * (signal() for the odd ones, sigaction() for the even ones), burns SECS
 * (0.5) of CPU, then forks CHILDREN (20) that each reset every signal, burn
 * 20 ms and exec /bin/true. Prints "children killed by a signal: N" and
 * "sig_dfl done".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void reset_all(void)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++) {
		if (s == SIGKILL || s == SIGSTOP)
			continue;
		if (s & 1)
			signal(s, SIG_DFL);
		else
			sigaction(s, &dfl, NULL);
	}
}

static void burn(double secs)
{
	struct timespec ts;
	double end;
	volatile unsigned long x = 1;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	end = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + secs;
	for (;;) {
		for (int i = 0; i < 10000; i++)
			x = x * 33 + 7;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		if ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 >= end)
			return;
	}
}

int main(int argc, char **argv)
{
	int children = argc > 1 ? atoi(argv[1]) : 20, killed = 0;
	double secs = argc > 2 ? atof(argv[2]) : 0.5;

	reset_all();
	burn(secs);
	for (int i = 0; i < children; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			reset_all();
			burn(0.02);
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid)
			return 1;
		killed += WIFSIGNALED(st);
	}
	printf("children killed by a signal: %d\n", killed);
	printf("sig_dfl done\n");
	return 0;
}
