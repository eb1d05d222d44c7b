/*
 * sig_frames — a stack with a signal frame in the middle, for the unwind
 * test (tests/agent/unwind.test.sh): main recurses 20 deep and raises
 * SIGUSR1, whose handler runs on a 64 KB alternate stack and burns CPU 12
 * calls deep; between two raises main burns a little itself. The
 * profiling signal then mostly lands on the alternate stack, and a walk
 * must cross the SIGUSR1 frame back to the thread's own stack.
 * `sig_frames [ROUNDS]` (default 150); prints "sig_frames done".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static volatile unsigned long sink;

__attribute__((noinline)) static void burn(int depth)
{
	if (depth) {
		burn(depth - 1);
		sink++; /* keeps the call from becoming a tail call */
		return;
	}
	for (long i = 0; i < 3000000; i++)
		sink = sink * 6364136223846793005UL + 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	burn(12);
}

__attribute__((noinline)) static void descend(int depth)
{
	if (depth) {
		descend(depth - 1);
		sink++;
		return;
	}
	raise(SIGUSR1);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 150;
	stack_t ss = {.ss_sp = malloc(1u << 16), .ss_size = 1u << 16};
	struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_ONSTACK};

	if (!ss.ss_sp || sigaltstack(&ss, NULL) != 0 || sigaction(SIGUSR1, &sa, NULL) != 0)
		return 1;
	for (int i = 0; i < rounds; i++) {
		descend(20);
		burn(3);
	}
	puts("sig_frames done");
	return 0;
}
