/*
 * dlopen — loads a module, works in it, unloads it, many times: every
 * sample taken in the module must be named after it in the profile even
 * though it was unloaded before perftop could look at it.
 *
 *   dlopen MODULE [ROUNDS] [MS]   (defaults 50 rounds of 10 ms CPU)
 */
#include "hostile.h"

#include <dlfcn.h>

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 50, done = 0;
	double ms = argc > 3 ? atof(argv[3]) : 10;

	if (argc < 2)
		return 2;
	for (int i = 0; i < rounds; i++) {
		void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
		double (*work)(double);

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
