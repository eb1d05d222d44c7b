/*
 * sig_raw — a program that takes SIGPROF with a raw rt_sigaction system
 * call, past libc, as the Go runtime does with every signal
 * (tests/agent/signals.test.sh). The agent cannot keep sampling; it must stop
 * and tell perftop, and the program must run as it does alone.
 *
 * `sig_raw [SECS]`: burns 0.5 s of CPU, sets SIGPROF to SIG_IGN with
 * syscall(SYS_rt_sigaction), burns SECS (2) more, then reads the
 * disposition back the same way and prints "SIGPROF ignored" when it is
 * still SIG_IGN, and "sig_raw done".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The kernel's struct sigaction on x86_64 and most others. */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

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
	struct ksigaction ign, cur;

	burn(0.5);
	memset(&ign, 0, sizeof(ign));
	ign.handler = SIG_IGN;
	if (syscall(SYS_rt_sigaction, SIGPROF, &ign, NULL, sizeof(ign.mask)) < 0)
		return 1;
	burn(argc > 1 ? atof(argv[1]) : 2.0);
	memset(&cur, 0, sizeof(cur));
	if (syscall(SYS_rt_sigaction, SIGPROF, NULL, &cur, sizeof(cur.mask)) < 0)
		return 1;
	if (cur.handler == SIG_IGN)
		printf("SIGPROF ignored\n");
	printf("sig_raw done\n");
	return 0;
}
