/*
 * sigdfl — the daemon start-up idiom: reset every signal to SIG_DFL and
 * unblock them all, then keep working; then the same in forked children
 * before they exec. Nothing may kill the program or a child.
 *
 *   sigdfl [CHILDREN]   (default 10)
 *   sigdfl --child      (what the children exec: works a little, exits 0)
 */
#include "hostile.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static void reset_all(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL); /* fails harmlessly for KILL, STOP and libc's own */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void *worker(void *arg)
{
	(void)arg;
	hs_burn_ms(200);
	return NULL;
}

int main(int argc, char **argv)
{
	int children = argc > 1 ? atoi(argv[1]) : 10, killed = 0, failed = 0;
	pthread_t t;

	if (argc > 1 && !strcmp(argv[1], "--child")) {
		hs_burn_ms(20);
		return 0;
	}
	pthread_create(&t, NULL, worker, NULL);
	hs_burn_ms(100); /* sampled */
	reset_all();
	hs_burn_ms(200);
	pthread_join(t, NULL);
	printf("parent alive after resetting every signal\n");
	fflush(stdout);
	for (int i = 0; i < children; i++) {
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			reset_all();
			hs_burn_ms(30);
			execl("/proc/self/exe", argv[0], "--child", (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			return 3;
		if (WIFSIGNALED(status)) {
			killed++;
			hs_fail("child %d killed by signal %d", i, WTERMSIG(status));
		} else if (WEXITSTATUS(status) != 0) {
			failed++;
			hs_fail("child %d exited %d", i, WEXITSTATUS(status));
		}
	}
	printf("children: %d killed by a signal, %d failed, of %d\n", killed, failed, children);
	printf("sigdfl done\n");
	return hs_failures ? 1 : 0;
}
