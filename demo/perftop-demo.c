/*
 * perftop-demo — a small program with known hot paths, zones and counters,
 * for trying perftop (`make run` profiles it) and for its end-to-end tests.
 *
 * Threads and what they do:
 *   render   frame loop: shade_pixels() (through shade_one(), about 40 % of
 *            the samples), then blur_rows() (the hottest function, about
 *            60 %); zone "frame", counter "frames", a mark every 100 frames
 *   parser   parse_record() over generated text; zone "parse", counter
 *            "records", gauge "queue"
 *   main     sleeps; exits after -t SECONDS (default: until SIGINT/SIGTERM)
 * Built with frame pointers and no inlining of the named functions, so the
 * stacks it shows are the ones in this file.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>

#include "perftop.h"

#define NOINLINE __attribute__((noinline))

enum { WIDTH = 256, HEIGHT = 128 };

static volatile sig_atomic_t stop;
static float image[HEIGHT][WIDTH];
static volatile unsigned long sink;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

NOINLINE static float shade_one(int x, int y, int frame)
{
	float v = 0;

	for (int k = 0; k < 24; k++)
		v += (float)((x * 31 + y * 17 + k * frame) % 97) * 0.001f;
	return v;
}

NOINLINE static void shade_pixels(int frame)
{
	for (int y = 0; y < HEIGHT; y++)
		for (int x = 0; x < WIDTH; x++)
			image[y][x] = shade_one(x, y, frame);
}

NOINLINE static void blur_rows(void)
{
	for (int pass = 0; pass < 6; pass++)
		for (int y = 0; y < HEIGHT; y++)
			for (int x = 1; x < WIDTH - 1; x++)
				image[y][x] = (image[y][x - 1] + image[y][x] + image[y][x + 1]) / 3.0f;
}

NOINLINE static void render_frame(int frame)
{
	PT_ZONE("frame");
	shade_pixels(frame);
	blur_rows();
}

static void *render_main(void *arg)
{
	(void)arg;
	pt_thread_name("render");
	for (int frame = 0; !stop; frame++) {
		render_frame(frame);
		PT_COUNTER_ADD("frames", 1);
		if (frame % 100 == 0)
			pt_mark("rendered %d frames", frame);
	}
	return NULL;
}

NOINLINE static unsigned long hash_field(const char *s, size_t n)
{
	unsigned long h = 5381;

	for (size_t i = 0; i < n; i++)
		h = h * 33 + (unsigned char)s[i];
	return h;
}

NOINLINE static void parse_record(const char *line)
{
	PT_ZONE("parse");
	const char *start = line;

	for (const char *p = line;; p++) {
		if (*p == ',' || *p == '\0') {
			sink += hash_field(start, (size_t)(p - start));
			start = p + 1;
		}
		if (!*p)
			break;
	}
}

static void *parser_main(void *arg)
{
	char line[512];
	struct timespec pause = { 0, 2000000 };

	(void)arg;
	pt_thread_name("parser");
	for (unsigned long n = 0; !stop; n++) {
		int len = 0;

		for (int f = 0; f < 24 && len < (int)sizeof(line) - 24; f++)
			len += snprintf(line + len, sizeof(line) - (size_t)len, "%lu,", n * 2654435761UL + (unsigned long)f);
		for (int i = 0; i < 40; i++)
			parse_record(line);
		PT_COUNTER_ADD("records", 40);
		PT_GAUGE_SET("queue", (double)(n % 50));
		nanosleep(&pause, NULL);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t render, parser;
	double seconds = 0;
	int opt;

	while ((opt = getopt(argc, argv, "t:h")) != -1) {
		if (opt == 't') {
			seconds = atof(optarg);
		} else {
			fprintf(stderr, "usage: perftop-demo [-t SECONDS]\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("perftop-demo pid=%d: render and parser threads%s\n", (int)getpid(),
	       seconds > 0 ? "" : " (Ctrl-C stops)");
	fflush(stdout);
	pthread_create(&render, NULL, render_main, NULL);
	pthread_create(&parser, NULL, parser_main, NULL);
	for (double waited = 0; !stop && (seconds <= 0 || waited < seconds); waited += 0.1)
		usleep(100000);
	stop = 1;
	pthread_join(render, NULL);
	pthread_join(parser, NULL);
	printf("perftop-demo: done\n");
	return 0;
}
