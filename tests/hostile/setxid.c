/*
 * setxid — a program started as root that drops to nobody while another of
 * its threads runs, the ways daemons and setpriv do it. glibc runs each
 * set*id call in every thread and aborts when one thread's call fails where
 * the caller's succeeded: a thread of the agent's with other capabilities
 * than the caller's would abort the program. It prints what each call
 * returned and every thread's ids afterwards (read by each thread itself:
 * credentials are per thread).
 *
 *   setxid daemon     setgroups, setresgid, setresuid
 *   setxid keepcaps   prctl(PR_SET_KEEPCAPS), capset to SETUID+SETGID,
 *                     setresuid, capset raising them again, setresgid,
 *                     setgroups (setpriv's order); capabilities and the
 *                     keep flag are per thread, so this works in one
 *                     thread only: the worker starts after the drop
 *   setxid uidfirst   setresuid, then setresgid (fails: no capability left)
 *   setxid vfork      a vfork child drops to nobody (setgroups, setresgid,
 *                     setresuid) and ends; the parent, whose worker runs
 *                     meanwhile, must still be root
 */
#include "hostile.h"

#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define NOBODY 65534

static pthread_barrier_t dropped, printed;

static void ids(const char *who)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("%s: uid %u %u %u gid %u %u %u groups %d\n", who, r, e, s, gr, ge, gs,
	       getgroups(0, NULL));
}

static void *worker(void *arg)
{
	(void)arg;
	hs_burn_ms(50);
	pthread_barrier_wait(&dropped);
	ids("worker");
	fflush(stdout);
	pthread_barrier_wait(&printed);
	hs_burn_ms(50);
	return NULL;
}

static int caps(unsigned effective, unsigned permitted)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	d[0].effective = effective;
	d[0].permitted = permitted;
	return (int)syscall(SYS_capset, &h, d);
}

static void report(const char *call, int rc)
{
	printf("%s: %s\n", call, rc == 0 ? "ok" : strerror(errno));
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "daemon";
	unsigned two = (1u << CAP_SETUID) | (1u << CAP_SETGID);
	pthread_t t;

	if (geteuid() != 0) {
		printf("not root: nothing to drop\n");
		return 0;
	}
	hs_burn_ms(50);
	pthread_barrier_init(&dropped, NULL, 2);
	pthread_barrier_init(&printed, NULL, 2);
	if (strcmp(mode, "keepcaps") != 0)
		pthread_create(&t, NULL, worker, NULL);
	if (strcmp(mode, "daemon") == 0) {
		report("setgroups", setgroups(0, NULL));
		report("setresgid", setresgid(NOBODY, NOBODY, NOBODY));
		report("setresuid", setresuid(NOBODY, NOBODY, NOBODY));
	} else if (strcmp(mode, "keepcaps") == 0) {
		report("keepcaps", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
		report("capset", caps(two, two));
		report("setresuid", setresuid(NOBODY, NOBODY, NOBODY));
		report("capset", caps(two, two));
		report("setresgid", setresgid(NOBODY, NOBODY, NOBODY));
		report("setgroups", setgroups(0, NULL));
		pthread_create(&t, NULL, worker, NULL);
	} else if (strcmp(mode, "vfork") == 0) {
		int st = -1;
		pid_t pid = vfork();

		if (pid == 0) {
			int ok = setgroups(0, NULL) == 0 && setresgid(NOBODY, NOBODY, NOBODY) == 0 &&
			         setresuid(NOBODY, NOBODY, NOBODY) == 0 && geteuid() == NOBODY;

			_exit(ok ? 0 : 1);
		}
		waitpid(pid, &st, 0);
		printf("vfork child: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "dropped" : "failed");
	} else {
		report("setresuid", setresuid(NOBODY, NOBODY, NOBODY));
		report("setresgid", setresgid(NOBODY, NOBODY, NOBODY));
	}
	fflush(stdout);
	hs_burn_ms(50);
	pthread_barrier_wait(&dropped);
	pthread_barrier_wait(&printed);
	ids("main");
	pthread_join(t, NULL);
	return 0;
}
