/*
 * procperm — why this process may not read another one's memory, in words
 * a person can act on (procperm.h).
 */
#include "collect/procperm.h"

#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

static bool self_has_sys_ptrace(void)
{
	char buf[4096];
	const char *p;
	unsigned long long caps;

	if (read_small("/proc/self/status", buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, "\nCapEff:")) || sscanf(p + 8, "%llx", &caps) != 1)
		return geteuid() == 0;
	return (caps >> 19) & 1; /* CAP_SYS_PTRACE */
}

void procperm_explain(pid_t pid, const char *what, char *err, size_t len)
{
	char path[64], buf[4096], scope_text[16] = "";
	const char *p;
	unsigned uid = 0;
	int have_uid = 0, scope = -1;
	struct stat st;
	uid_t me = geteuid();

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_small(path, buf, sizeof(buf)) == 0 && (p = strstr(buf, "\nUid:")) &&
	    sscanf(p + 5, "%*u %u", &uid) == 1)
		have_uid = 1;
	if (read_small("/proc/sys/kernel/yama/ptrace_scope", scope_text, sizeof(scope_text)) == 0)
		scope = atoi(scope_text);
	/* a process that is not dumpable has its /proc files owned by root */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (have_uid && uid != me && !self_has_sys_ptrace()) {
		struct passwd *pw = getpwuid(uid);

		snprintf(err, len,
		         "cannot read the memory of pid %d (%s): it runs as user %s (uid %u) and "
		         "perftop as uid %u; reading another user's process needs root (run "
		         "perftop as root, or as that user)",
		         (int)pid, what, pw ? pw->pw_name : "?", uid, (unsigned)me);
	} else if (have_uid && uid != 0 && stat(path, &st) == 0 && st.st_uid == 0 &&
	           !self_has_sys_ptrace()) {
		snprintf(err, len,
		         "cannot read the memory of pid %d (%s): the process is not dumpable (it "
		         "called prctl(PR_SET_DUMPABLE, 0) or changed its user), so only root may "
		         "read it: run perftop as root, or start the program under perftop "
		         "(perftop run)",
		         (int)pid, what);
	} else if (scope >= 1 && !self_has_sys_ptrace()) {
		snprintf(
		    err, len,
		    "cannot read the memory of pid %d (%s): kernel.yama.ptrace_scope is %d, %s; "
		    "run perftop as root, or start the program under perftop (perftop run)%s",
		    (int)pid, what, scope,
		    scope == 1   ? "which lets a process read only its own descendants"
		    : scope == 2 ? "which lets only CAP_SYS_PTRACE read other processes"
		                 : "which lets no process read another",
		    scope == 1 ? ", or allow it with `sysctl kernel.yama.ptrace_scope=0` as root"
		               : "");
	} else if (!self_has_sys_ptrace() && me == 0) {
		snprintf(err, len,
		         "cannot read the memory of pid %d (%s): perftop runs as root but without "
		         "CAP_SYS_PTRACE (a container?): give it that capability (docker "
		         "--cap-add SYS_PTRACE)",
		         (int)pid, what);
	} else {
		snprintf(err, len,
		         "cannot read the memory of pid %d (%s): not permitted (a security module "
		         "or seccomp?); run perftop as root, or start the program under perftop "
		         "(perftop run)",
		         (int)pid, what);
	}
}
