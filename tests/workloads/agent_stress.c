/*
 * agent_stress — everything that can go wrong under a sampling agent at
 * once, for the agent's stress test: 8 threads doing malloc/free, one
 * thread loading and unloading a library (dlopen/dlclose) and calling into
 * it, and the main thread forking children that exec this program again
 * ("child" mode) and children that just compute (long enough for the
 * agent in them to connect as a new process) and _exit. Output is fixed
 * for given arguments, so a run under the agent must print the same.
 *   agent_stress [ROUNDS]   (default 200000 allocations per thread)
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS       8
#define DL_ROUNDS     200
#define EXEC_CHILDREN 10
#define FORK_CHILDREN 5

static long rounds = 200000;

__attribute__((noinline)) static uint64_t burn(long n)
{
	uint64_t h = 1469598103934665603ull;

	for (long i = 0; i < n; i++)
		h = (h ^ (uint64_t)i) * 1099511628211ull;
	return h;
}

static void *allocator(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	uint64_t sum = 0;
	void *keep[64] = {0};

	for (long i = 0; i < rounds; i++) {
		size_t size = 16 + (size_t)((i * 7919 + (long)id * 31) % 4000);
		int k = (int)(i % 64);
		unsigned char *p = malloc(size);

		if (!p)
			abort();
		memset(p, (int)(i & 0xff), size);
		sum += p[size - 1];
		free(keep[k]);
		keep[k] = p;
	}
	for (int k = 0; k < 64; k++)
		free(keep[k]);
	return (void *)(uintptr_t)sum;
}

static void *loader(void *arg)
{
	long ok = 0;

	(void)arg;
	for (int i = 0; i < DL_ROUNDS; i++) {
		void *h = dlopen("libresolv.so.2", RTLD_NOW | RTLD_LOCAL);
		int (*skip)(const unsigned char *, const unsigned char *);
		static const unsigned char name[] = {3, 'w', 'w', 'w', 0};

		if (!h)
			continue;
		skip =
		    (int (*)(const unsigned char *, const unsigned char *))dlsym(h, "dn_skipname");
		if (skip && skip(name, name + sizeof(name)) == (int)sizeof(name))
			ok++;
		dlclose(h);
	}
	return (void *)ok;
}

int main(int argc, char **argv)
{
	pthread_t t[THREADS], dl;
	uint64_t total = 0;
	void *ret;
	int failed = 0;

	if (argc > 1 && !strcmp(argv[1], "child")) {
		return burn(20000000) == 42; /* use the result, or the call goes */
	}
	if (argc > 1)
		rounds = atol(argv[1]);
	for (uintptr_t i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, allocator, (void *)i);
	pthread_create(&dl, NULL, loader, NULL);

	for (int i = 0; i < EXEC_CHILDREN + FORK_CHILDREN; i++) {
		pid_t pid = fork();
		int status;

		if (pid < 0) {
			failed++;
			continue;
		}
		if (pid == 0) {
			if (i < EXEC_CHILDREN) {
				execl("/proc/self/exe", argv[0], "child", (char *)NULL);
				_exit(127);
			}
			/* _exit: exit() in the child of a threaded parent can hang
			 * on a libc lock another thread held at fork (dlclose). */
			_exit(burn(100000000) == 42);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}

	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		total += (uint64_t)(uintptr_t)ret;
	}
	pthread_join(dl, &ret);
	printf("allocations %ld x %d, checksum %llu\n", rounds, THREADS, (unsigned long long)total);
	printf("dlopen rounds ok: %s\n", (long)(uintptr_t)ret == DL_ROUNDS ? "all" : "some failed");
	printf("children failed: %d\n", failed);
	return failed ? 1 : 0;
}
