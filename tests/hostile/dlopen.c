/*
 * dlopen — loads a module, works in it, unloads it, many times: every
 * sample taken in the module must be named after it in the profile even
 * though it was unloaded before perftop could look at it. Each round first
 * maps 1 to 7 pages (kept), so the module lands at another address each
 * time and a sample can be named only by the mapping of its own round.
 *
 *   dlopen MODULE [ROUNDS] [MS]   (defaults 50 rounds of 10 ms CPU)
 */
#include "hostile.h"

#include <dlfcn.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 50, done = 0;
	double ms = argc > 3 ? atof(argv[3]) : 10;

	if (argc < 2)
		return 2;
	for (int i = 0; i < rounds; i++) {
		void *h;
		double (*work)(double);

		(void)mmap(NULL, 4096 * (size_t)(1 + i % 7), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		           -1, 0);
		h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			fprintf(stderr, "dlopen: %s\n", dlerror());
			return 1;
		}
		*(void **)&work = dlsym(h, "dlmod_work");
		if (work) {
			work(ms);
			done++;
		}
		dlclose(h);
	}
	printf("dlopen: %d of %d rounds worked in the module\n", done, rounds);
	return done == rounds ? 0 : 1;
}
