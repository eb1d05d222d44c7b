/*
 * forklog — a program with working threads closes every descriptor (the
 * daemon idiom), opens its log files at the low numbers, then forks; the
 * child writes its logs while it works and checks that every line is there.
 *
 *   forklog DIR     (DIR: a writable directory for the logs)
 */
#include "hostile.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/wait.h>

#define LOGS  4
#define LINES 60

static atomic_int stop;

static void *worker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop))
		hs_burn_ms(2);
	return NULL;
}

/* Writes LINES lines to each log, working between them; checks them back. */
static int child(const int *fd)
{
	char line[64], back[LINES * 64];
	int bad = 0;

	for (int i = 0; i < LINES; i++) {
		for (int l = 0; l < LOGS; l++) {
			int n = snprintf(line, sizeof(line), "log %d line %03d\n", l, i);

			if (hs_write_all(fd[l], line, (size_t)n) < 0) {
				hs_fail("child: log %d (fd %d) line %d: %s", l, fd[l], i,
				        strerror(errno));
				bad++;
			}
		}
		hs_burn_ms(2);
	}
	for (int l = 0; l < LOGS; l++) {
		size_t want = 0;
		ssize_t got = pread(fd[l], back, sizeof(back), 0);

		for (int i = 0; i < LINES; i++) {
			int n = snprintf(line, sizeof(line), "log %d line %03d\n", l, i);

			if (got < 0 || (size_t)got < want + (size_t)n ||
			    memcmp(back + want, line, (size_t)n)) {
				hs_fail("child: log %d lacks line %d", l, i);
				bad++;
				break;
			}
			want += (size_t)n;
		}
		if (got >= 0 && (size_t)got != want) {
			hs_fail("child: log %d holds %zd bytes, %zu written", l, got, want);
			bad++;
		}
	}
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	pthread_t t[4];
	int fd[LOGS], status;
	pid_t pid;

	if (argc != 2)
		return 2;
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	hs_burn_ms(100);
	hs_close_from(3);
	for (int l = 0; l < LOGS; l++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/log%d.txt", argv[1], l);
		fd[l] = open(path, O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0644);
		hs_print_fd("log", fd[l]);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child(fd));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 3;
	printf("child %s %d\n", WIFEXITED(status) ? "exited" : "killed by signal",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	for (int l = 0; l < LOGS; l++)
		hs_print_fd("log", fd[l]);
	atomic_store(&stop, 1);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("forklog done\n");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && !hs_failures ? 0 : 1;
}
