/*
 * status — prints the signal state it started with, from /proc/self/status
 * (SigBlk, SigPnd, ShdPnd, SigIgn, SigCgt), and whether the profiling
 * signal is blocked or pending. Built twice: dynamic (status) and static
 * (status-static, where no preloaded library can run).
 *
 *   status
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	static const char *const keys[] = {"SigBlk:", "SigPnd:", "ShdPnd:", "SigIgn:", "SigCgt:"};
	char line[256];
	sigset_t mask, pend;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 3;
	while (fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strncmp(line, keys[i], strlen(keys[i])))
				fputs(line, stdout);
	fclose(f);
	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigpending(&pend);
	printf("SIGPROF blocked: %s, pending: %s\n", sigismember(&mask, SIGPROF) ? "yes" : "no",
	       sigismember(&pend, SIGPROF) ? "yes" : "no");
	printf("status done\n");
	return 0;
}
