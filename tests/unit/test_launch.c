/* Unit tests for collect/launch: real fork/exec with environment and output. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/launch.h"
#include "util/waitstatus.h"

static char out_path[64];
static void setup(void)
{
	int fd;

	strcpy(out_path, "/tmp/perftop-launch-XXXXXX");
	fd = mkstemp(out_path);
	cr_assert_geq(fd, 0);
	close(fd);
}
static void teardown(void)
{
	unlink(out_path);
}
TestSuite(launch, .init = setup, .fini = teardown);

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);

	fclose(f);
	buf[n] = '\0';
	return buf;
}

Test(launch, child_gets_environment_and_output_goes_to_file)
{
	char *argv[] = { "sh", "-c", "echo preload=$LD_PRELOAD sock=$PERFTOP_SOCKET hz=$PERFTOP_HZ; echo err >&2; exit 3", NULL };
	int out = open(out_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	struct launch_opts o = { argv, "/x/libperftop.so", "/tmp/s.sock", 250, -1, out, out, -1 };
	char why[256];
	int status;

	cr_assert_geq(out, 0);
	unsetenv("LD_PRELOAD");
	pid_t pid = launch_start(&o, why, sizeof(why));
	close(out);
	cr_assert_gt(pid, 0, "%s", why);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	/* ld.so complains first that /x/libperftop.so does not exist: fine here. */
	cr_assert_not_null(strstr(slurp(out_path), "preload=/x/libperftop.so sock=/tmp/s.sock hz=250\nerr\n"),
			   "%s", slurp(out_path));
	waitstatus_describe(why, sizeof(why), status);
	cr_assert_str_eq(why, "exited with status 3");
}

Test(launch, missing_command_is_reported_by_the_parent)
{
	char *argv[] = { "perftop-no-such-command", NULL };
	struct launch_opts o = { argv, "/x/libperftop.so", "/tmp/s.sock", 0, -1, -1, -1, -1 };
	char why[256];

	cr_assert_eq(launch_start(&o, why, sizeof(why)), -ENOENT);
	cr_assert_str_eq(why, "cannot run 'perftop-no-such-command': No such file or directory");
}

Test(launch, describes_signals)
{
	char why[64];

	waitstatus_describe(why, sizeof(why), SIGSEGV); /* a raw wait status: killed by 11 */
	cr_assert_str_eq(why, "killed by SIGSEGV");
}

Test(launch, agent_from_environment)
{
	char out[256], why[256];

	setenv("PERFTOP_AGENT", out_path, 1);
	cr_assert_eq(launch_find_agent(out, sizeof(out), why, sizeof(why)), 0);
	cr_assert_str_eq(out, out_path);
	setenv("PERFTOP_AGENT", "/nonexistent/libperftop.so", 1);
	cr_assert_eq(launch_find_agent(out, sizeof(out), why, sizeof(why)), -ENOENT);
	cr_assert_not_null(strstr(why, "/nonexistent/libperftop.so"));
}

/* The Python module beside the agent is found, and its directory goes
 * first in the child's PYTHONPATH, before the one the child had. */
Test(launch, python_module_beside_the_agent_goes_first_in_pythonpath)
{
	char dir[] = "/tmp/perftop-launch-py-XXXXXX";
	char path[256], agent[256], want[512], found[256];
	char *argv[] = { "sh", "-c", "echo \"py=$PYTHONPATH\"", NULL };
	int out, status;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(agent, sizeof(agent), "%s/libperftop.so", dir);
	snprintf(path, sizeof(path), "%s/python", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/python/perftop", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/python/perftop/__init__.py", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fclose(f);

	cr_assert_eq(launch_find_python(agent, found, sizeof(found)), 0);
	snprintf(want, sizeof(want), "%s/python", dir);
	cr_assert_str_eq(found, want);

	struct launch_opts o = { argv, agent, "/tmp/s.sock", 0, -1, -1, -1, -1 };
	char why[256];

	out = open(out_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	cr_assert_geq(out, 0);
	o.stdout_fd = out;
	o.stderr_fd = out;
	setenv("PYTHONPATH", "/user/dir", 1);
	unsetenv("LD_PRELOAD");
	pid_t pid = launch_start(&o, why, sizeof(why));
	close(out);
	cr_assert_gt(pid, 0, "%s", why);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	snprintf(want, sizeof(want), "py=%s/python:/user/dir\n", dir);
	cr_assert_not_null(strstr(slurp(out_path), want), "%s", slurp(out_path));
	unsetenv("PYTHONPATH");

	unlink(path);
	snprintf(path, sizeof(path), "%s/python/perftop", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/python", dir);
	rmdir(path);
	rmdir(dir);
}

/* The shell execs grep, which reads its own status: the mask it shows is
 * the one launch gave (a shell's own, around its forks, is not). */
Test(launch, child_leads_its_group_and_gets_the_signals_perftop_was_started_with)
{
	char *argv[] = { "sh", "-c", "ps -o pgid= -p $$; exec grep -E '^Sig(Ign|Blk)' /proc/self/status", NULL };
	int out = open(out_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	struct launch_opts o = { argv, "/x/libperftop.so", "/tmp/s.sock", 0, -1, out, out, -1 };
	char why[256], want[64];
	sigset_t block, old;
	pid_t pid;

	signal(SIGUSR2, SIG_IGN); /* as under nohup: stays ignored */
	launch_note_signals();
	signal(SIGUSR2, SIG_DFL);
	signal(SIGUSR1, SIG_IGN); /* perftop's own change: not passed on */
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, &old); /* likewise */
	unsetenv("LD_PRELOAD");
	pid = launch_start(&o, why, sizeof(why));
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
	close(out);
	cr_assert_gt(pid, 0, "%s", why);
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	snprintf(want, sizeof(want), "%d\n", (int)pid);
	cr_assert_not_null(strstr(slurp(out_path), want), "pgid: %s", slurp(out_path));
	/* Bit N-1 stands for signal N: SIGUSR2 ignored as at the start,
	 * SIGUSR1 not (perftop's own change), SIGWINCH not blocked. */
	{
		const char *text = slurp(out_path), *ign = strstr(text, "SigIgn:"),
			   *blk = strstr(text, "SigBlk:");
		unsigned long long ignored, blocked;

		cr_assert(ign && blk, "%s", text);
		ignored = strtoull(ign + 7, NULL, 16);
		blocked = strtoull(blk + 7, NULL, 16);
		cr_assert(ignored & (1ULL << (SIGUSR2 - 1)), "%s", text);
		cr_assert(!(ignored & (1ULL << (SIGUSR1 - 1))), "%s", text);
		cr_assert(!(blocked & (1ULL << (SIGWINCH - 1))), "%s", text);
	}
}

Test(launch, exit_codes_as_a_shell_gives_them)
{
	cr_assert_eq(launch_exit_code(7 << 8), 7);
	cr_assert_eq(launch_exit_code(SIGTERM), 143);
	cr_assert_eq(launch_exit_code(SIGKILL), 137);
}
