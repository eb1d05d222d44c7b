/* attach_check — the outside sampler's permission diagnostics; see attach_check.h. */
#include "collect/attach_check.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define INSTEAD "; or start the program under perftop ('perftop run COMMAND'), whose agent needs none of this"

static long read_long(const char *path, long fallback)
{
	FILE *f = fopen(path, "re");
	long v;

	if (!f)
		return fallback;
	if (fscanf(f, "%ld", &v) != 1)
		v = fallback;
	fclose(f);
	return v;
}

int attach_check_paranoid(void)
{
	long v = read_long("/proc/sys/kernel/perf_event_paranoid", INT_MIN);

	return v == INT_MIN ? INT_MIN : (int)v;
}

static void user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *pwp = NULL;
	char pwbuf[1024];

	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 && pwp)
		snprintf(buf, len, "%s", pwp->pw_name);
	else
		snprintf(buf, len, "uid %u", (unsigned)uid);
}

/* The real, effective and saved uids of pid from /proc/PID/status. */
static int target_uids(pid_t pid, uid_t uids[3])
{
	char path[64], line[256];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned r, e, s;

		if (sscanf(line, "Uid: %u %u %u", &r, &e, &s) == 3) {
			uids[0] = r;
			uids[1] = e;
			uids[2] = s;
			found = 1;
			break;
		}
	}
	fclose(f);
	return found ? 0 : -EINVAL;
}

static void append(char *why, size_t len, const char *text)
{
	size_t n = strlen(why);

	if (n && n + 2 < len)
		n += (size_t)snprintf(why + n, len - n, "; ");
	if (n < len)
		snprintf(why + n, len - n, "%s", text);
}

int attach_check(pid_t pid, char *why, size_t why_len)
{
	char path[64], text[512], them[64], us[64];
	uid_t uids[3] = {0, 0, 0}, me = geteuid();
	struct stat st, st2;
	char stat_path[80];
	int paranoid = attach_check_paranoid(), err = 0;

	why[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld", (long)pid);
	snprintf(stat_path, sizeof(stat_path), "/proc/%ld/stat", (long)pid);
	if (stat(path, &st) < 0 || target_uids(pid, uids) < 0) {
		snprintf(why, why_len, "no process %ld", (long)pid);
		return -ESRCH;
	}
	if (paranoid > 2 && me != 0) {
		snprintf(text, sizeof(text),
			 "kernel.perf_event_paranoid is %d: only root may sample processes (the "
			 "default of Debian's kernels); to let users profile their own processes, "
			 "as root: sysctl kernel.perf_event_paranoid=2 (kept across boots in "
			 "/etc/sysctl.d/)",
			 paranoid);
		append(why, why_len, text);
		err = -EACCES;
	}
	if (me != 0 && (uids[0] != me || uids[1] != me || uids[2] != me)) {
		user_name(uids[1] != me ? uids[1] : uids[0] != me ? uids[0] : uids[2], them,
			  sizeof(them));
		user_name(me, us, sizeof(us));
		snprintf(text, sizeof(text),
			 "pid %ld runs as %s and perftop as %s: only root may sample another "
			 "user's process (run perftop as root)",
			 (long)pid, them, us);
		append(why, why_len, text);
		err = -EACCES;
	} else if (me != 0 && (st.st_uid != me || (stat(stat_path, &st2) == 0 && st2.st_uid != me))) {
		/* /proc/PID's entries belong to root when the process is not
		 * dumpable (the directory's owner may be from before) */
		snprintf(text, sizeof(text),
			 "pid %ld is not dumpable (set-id, file capabilities, or "
			 "prctl(PR_SET_DUMPABLE, 0)): only root may sample it",
			 (long)pid);
		append(why, why_len, text);
		err = -EACCES;
	}
	if (err)
		append(why, why_len, INSTEAD + 2);
	return err;
}

void attach_check_explain(pid_t pid, int err, bool on_mmap, char *why, size_t why_len)
{
	char pre[512];

	if (on_mmap && (err == -EPERM || err == -ENOMEM)) {
		struct rlimit rl = {0, 0};
		long mlock_kb = read_long("/proc/sys/kernel/perf_event_mlock_kb", -1);

		getrlimit(RLIMIT_MEMLOCK, &rl);
		snprintf(why, why_len,
			 "cannot map the sample buffers: over the locked-memory budget "
			 "(kernel.perf_event_mlock_kb is %ld KiB per CPU, RLIMIT_MEMLOCK %llu KiB, "
			 "shared with other perf users of this account); raise 'ulimit -l' or, as "
			 "root, sysctl kernel.perf_event_mlock_kb=2048",
			 mlock_kb,
			 rl.rlim_cur == RLIM_INFINITY ? 0ULL : (unsigned long long)rl.rlim_cur / 1024);
		return;
	}
	if (err == -EACCES || err == -EPERM) {
		if (attach_check(pid, pre, sizeof(pre)) < 0) {
			snprintf(why, why_len, "%s", pre);
			return;
		}
		snprintf(why, why_len,
			 "the kernel refused to sample pid %ld (%s; perf_event_paranoid %d)" INSTEAD,
			 (long)pid, strerror(-err), attach_check_paranoid());
		return;
	}
	if (err == -ESRCH) {
		snprintf(why, why_len, "pid %ld has exited", (long)pid);
		return;
	}
	if (err == -ENOENT || err == -ENODEV || err == -EOPNOTSUPP) {
		snprintf(why, why_len, "this kernel has no task-clock perf events (%s)",
			 strerror(-err));
		return;
	}
	if (err == -EMFILE || err == -ENFILE) {
		snprintf(why, why_len,
			 "out of file descriptors (one per thread and CPU): raise 'ulimit -n'");
		return;
	}
	snprintf(why, why_len, "perf_event_open: %s", strerror(-err));
}
