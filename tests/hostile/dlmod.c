/*
 * dlmod — the module dlopen.c loads and unloads: one function that works
 * for a given CPU time, found in profiles as dlmod_work in libdlmod.so.
 */
#include "hostile.h"

double dlmod_work(double ms);

__attribute__((noinline)) double dlmod_work(double ms)
{
	uint64_t end = hs_cpu_ns(CLOCK_THREAD_CPUTIME_ID) + (uint64_t)(ms * 1e6);
	volatile double x = 1.0;

	while (hs_cpu_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 2000; i++)
			x = x * 1.0000001 + 0.5 / (x + 1.0);
	return x;
}
