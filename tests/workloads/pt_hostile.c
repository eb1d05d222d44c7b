/*
 * pt_hostile — names from outside that try to talk to the terminal, for
 * tests/faults/hostile.test.sh. Every name perftop shows carries escape
 * sequences (clear the screen, set the window title, a colour), BEL, CR, LF,
 * a tab and bytes that are not UTF-8, after a two-letter tag the test looks
 * for:
 *   hf  the function doing the work (its symbol name, an asm label: no LF,
 *       which an assembler line cannot hold)
 *   ht  the main thread's name         hz  a zone       hc  a counter
 *   hg  a gauge                        hm  a mark
 *   ph  the command line (argv rewritten in place) and the comm
 *       (prctl(PR_SET_NAME))
 * The test also runs a copy of the program under a hostile file name, which
 * perftop sees as the executable and the module.
 *
 * `pt_hostile [SECS] [PADDING...]` burns SECS (default 2) of CPU in hf
 * inside zone hz, counting hc, then prints "pt_hostile done". PADDING
 * arguments only make room for the rewritten command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "perftop.h"

#define EVIL       "\033[2J\033]0;pwned\007\r\n\t\377\376"
#define EVIL_NO_LF "\033[2J\033]0;pwned\007\r\t\377\376"

/* The symbol of the hot function: hf + the escapes, + "end". */
__attribute__((noinline)) double hostile_burn(double x) __asm__("\"hf" EVIL_NO_LF "end\"");

__attribute__((noinline)) double hostile_burn(double x)
{
	for (int i = 0; i < 20000; i++)
		x = x * 1.0000001 + 0.5 / (x + 1.0);
	return x;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes the hostile command line over argv's strings (contiguous, NUL
 * separated), as far as they reach. */
static void rewrite_cmdline(int argc, char **argv)
{
	static const char line[] = "ph" EVIL "cmd";
	size_t room = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) - argv[0]);

	if (room > sizeof(line) - 1)
		room = sizeof(line) - 1;
	memset(argv[0], 0, (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) - argv[0]));
	memcpy(argv[0], line, room);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0, start, x = 1.0;
	uint32_t zone = pt_zone_id("hz" EVIL "end");

	rewrite_cmdline(argc, argv);
	prctl(PR_SET_NAME, "ph\033[2J\007\r\n\t\377", 0, 0, 0);
	pt_thread_name("ht" EVIL "end");
	pt_mark("hm%send", EVIL);
	pt_gauge_set("hg" EVIL "end", 42);
	start = cpu_now();
	while (cpu_now() - start < secs) {
		pt_zone_ctx z = pt_zone_begin_id(zone);

		x = hostile_burn(x);
		pt_zone_end(z);
		pt_counter_add("hc" EVIL "end", 1);
	}
	printf("pt_hostile done%s\n", x > 0 ? "" : " ");
	return 0;
}
