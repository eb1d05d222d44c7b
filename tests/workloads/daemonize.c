/*
 * daemonize — a command that leaves a daemon behind, for the test that
 * perftop signals nothing of a command's after it exits.
 * `daemonize FILE`: the parent returns at once through daemon(3); the
 * daemon (past fork, then setsid) waits until FILE.go exists (or 60 s),
 * then writes its pid to FILE and exits. The test creates FILE.go after
 * perftop has returned, so the daemon outlives perftop's whole exit path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	char go[4096];
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: daemonize FILE\n");
		return 2;
	}
	snprintf(go, sizeof(go), "%s.go", argv[1]);
	if (daemon(1, 1) < 0) {
		perror("daemon");
		return 1;
	}
	for (int i = 0; i < 1200 && access(go, F_OK) != 0; i++)
		nanosleep(&nap, NULL);
	f = fopen(argv[1], "w");
	if (!f)
		return 1;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f) ? 1 : 0;
}
