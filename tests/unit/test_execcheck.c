/* Unit tests for collect/execcheck: real executables built at test time in a
 * private folder (cc is a build dependency; -static needs libc.a, which
 * libc6-dev brings): a dynamic program passes, a static one is named as
 * such, set-id copies are named for a user or group they would change to,
 * file capabilities for a user other than root (setcap, when libcap2-bin
 * is installed), and a script or a non-ELF file passes (its interpreter
 * runs). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/execcheck.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/perftop-execcheck-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(execcheck, .init = setup, .fini = teardown, .timeout = 60);

/* Builds prog.c into dir/name with cc flags; returns the path. */
static const char *build(const char *name, const char *flags, char *path, size_t len)
{
	char cmd[512];

	snprintf(path, len, "%s/%s", dir, name);
	snprintf(cmd, sizeof(cmd),
	         "printf 'int main(void) { return 0; }\\n' > '%s/prog.c' && "
	         "cc %s -o '%s' '%s/prog.c' 2>'%s/cc.err'",
	         dir, flags, path, dir, dir);
	cr_assert_eq(system(cmd), 0, "cc %s failed", flags);
	return path;
}

static int check(const char *path, uid_t uid, gid_t gid, char *why, size_t len)
{
	return execcheck_agent(path, uid, gid, why, len);
}

Test(execcheck, dynamic_passes_static_is_named)
{
	char path[128], why[256];

	cr_assert_eq(check(build("dyn", "", path, sizeof(path)), 0, 0, why, sizeof(why)), 0);
	cr_assert_str_eq(why, "");
	cr_assert_eq(check(build("pie", "-pie -fPIE", path, sizeof(path)), 0, 0, why, sizeof(why)),
	             0);
	cr_assert_eq(check(build("static", "-static", path, sizeof(path)), 0, 0, why, sizeof(why)),
	             1);
	cr_assert_str_eq(why, "static executable (no PT_INTERP): LD_PRELOAD cannot load the agent");
	cr_assert_eq(check(build("static-pie", "-static-pie -fPIE", path, sizeof(path)), 0, 0, why,
	                   sizeof(why)),
	             1, "a static PIE has no PT_INTERP either");
}

Test(execcheck, set_id_bits_that_change_who_it_runs_as)
{
	char path[128], why[256];
	struct stat st;

	build("suid", "", path, sizeof(path));
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(chmod(path, 04755), 0);
	cr_assert_eq(check(path, st.st_uid, st.st_gid, why, sizeof(why)), 0,
	             "setuid to its own user changes nothing");
	cr_assert_eq(check(path, st.st_uid + 1, st.st_gid, why, sizeof(why)), 1);
	cr_assert(strstr(why, "setuid executable"), "%s", why);
	cr_assert(strstr(why, "the loader ignores LD_PRELOAD"), "%s", why);
	cr_assert_eq(chmod(path, 02755), 0);
	cr_assert_eq(check(path, st.st_uid + 1, st.st_gid, why, sizeof(why)), 0);
	cr_assert_eq(check(path, st.st_uid, st.st_gid + 1, why, sizeof(why)), 1);
	cr_assert(strstr(why, "setgid executable"), "%s", why);
}

Test(execcheck, file_capabilities_for_a_user_but_root)
{
	char path[128], why[256], cmd[256];

	if (system("command -v setcap >/dev/null 2>&1") != 0) {
		cr_log_warn("SKIP file capabilities: setcap is not installed (libcap2-bin)");
		return;
	}
	build("caps", "", path, sizeof(path));
	snprintf(cmd, sizeof(cmd), "setcap cap_net_raw+ep '%s' 2>/dev/null", path);
	if (system(cmd) != 0) {
		cr_log_warn("SKIP file capabilities: setcap failed (not root, or no xattrs here)");
		return;
	}
	cr_assert_eq(check(path, 1000, 1000, why, sizeof(why)), 1);
	cr_assert_str_eq(why, "executable with file capabilities: the loader ignores LD_PRELOAD, "
	                      "so the agent cannot load");
	cr_assert_eq(check(path, 0, 0, why, sizeof(why)), 0, "root gains nothing from them");
}

Test(execcheck, scripts_and_other_files_pass_missing_ones_fail)
{
	char path[128], why[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/script", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	cr_assert_eq(check(path, 0, 0, why, sizeof(why)), 0);
	snprintf(path, sizeof(path), "%s/ELF-but-short", dir);
	f = fopen(path, "w");
	fputs("\177ELF\002", f);
	fclose(f);
	cr_assert_eq(check(path, 0, 0, why, sizeof(why)), 0);
	snprintf(path, sizeof(path), "%s/missing", dir);
	cr_assert_lt(check(path, 0, 0, why, sizeof(why)), 0);
}
