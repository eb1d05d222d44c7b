/*
 * attach_late — a program that changes after a profiler attached to it,
 * for the outside sampler's test: it waits (sleeping) until the file
 * TRIGGER exists, then dlopens libz.so.1 and starts a thread named "late";
 * both spin in zlib's crc32 until each used SECONDS of CPU time (default
 * 2). `attach_late TRIGGER [SECONDS]`. Prints "done" and exits 0.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

typedef unsigned long (*crc32_fn)(unsigned long, const unsigned char *, unsigned);

static crc32_fn crc;
static double seconds = 2;
static unsigned char buf[4096];
static volatile unsigned long sink;

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void late_spin(void)
{
	while (thread_cpu() < seconds)
		for (int i = 0; i < 64; i++)
			sink += crc(sink, buf, sizeof(buf));
}

static void *late_main(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "late");
	late_spin();
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec nap = {0, 10 * 1000 * 1000};
	pthread_t t;
	void *lib;

	if (argc < 2) {
		fprintf(stderr, "usage: attach_late TRIGGER [SECONDS]\n");
		return 2;
	}
	if (argc > 2)
		seconds = atof(argv[2]);
	while (access(argv[1], F_OK) != 0)
		nanosleep(&nap, NULL);
	lib = dlopen("libz.so.1", RTLD_NOW);
	if (!lib || !(crc = (crc32_fn)dlsym(lib, "crc32"))) {
		fprintf(stderr, "attach_late: %s\n", dlerror());
		return 1;
	}
	if (pthread_create(&t, NULL, late_main, NULL) != 0)
		return 1;
	late_spin();
	pthread_join(t, NULL);
	puts("done");
	return 0;
}
