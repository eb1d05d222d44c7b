/* Unit tests for wire/sockpath: default paths and the directory checks. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wire/sockpath.h"

static char tmp[64];
static void setup(void)
{
	strcpy(tmp, "/tmp/perftop-sockpath-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}
static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	cr_assert_eq(system(cmd), 0);
}
TestSuite(sockpath, .init = setup, .fini = teardown);

Test(sockpath, default_order)
{
	char out[SOCKPATH_MAX];

	setenv("PERFTOP_SOCKET", "/x/y.sock", 1);
	cr_assert_eq(sockpath_default(out, sizeof(out), 1000), 0);
	cr_assert_str_eq(out, "/x/y.sock");
	unsetenv("PERFTOP_SOCKET");
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	sockpath_default(out, sizeof(out), 1000);
	cr_assert_str_eq(out, "/run/user/1000/perftop/perftop.sock");
	unsetenv("XDG_RUNTIME_DIR");
	sockpath_default(out, sizeof(out), 1000);
	cr_assert_str_eq(out, "/tmp/perftop-1000/perftop.sock");
	char longpath[300];

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	setenv("PERFTOP_SOCKET", longpath, 1);
	cr_assert_eq(sockpath_default(out, sizeof(out), 1000), -ENAMETOOLONG);
}

Test(sockpath, creates_private_directory)
{
	char path[128], why[256], dir[100];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/d", tmp);
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	cr_assert_eq(sockpath_prepare_dir(path, getuid(), why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(stat(dir, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	/* A second time it is accepted as it is. */
	cr_assert_eq(sockpath_prepare_dir(path, getuid(), why, sizeof(why)), 0, "%s", why);
}

Test(sockpath, refuses_symlink_open_and_foreign_dirs)
{
	char path[128], why[256], dir[100], real[100];

	snprintf(real, sizeof(real), "%s/real", tmp);
	snprintf(dir, sizeof(dir), "%s/link", tmp);
	cr_assert_eq(mkdir(real, 0700), 0);
	cr_assert_eq(symlink(real, dir), 0);
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	cr_assert_eq(sockpath_prepare_dir(path, getuid(), why, sizeof(why)), -ELOOP);
	cr_assert_not_null(strstr(why, "symlink"), "%s", why);

	chmod(real, 0755);
	snprintf(path, sizeof(path), "%s/s.sock", real);
	cr_assert_eq(sockpath_prepare_dir(path, getuid(), why, sizeof(why)), -EPERM);
	cr_assert_not_null(strstr(why, "open to other users"), "%s", why);

	chmod(real, 0700);
	cr_assert_eq(sockpath_prepare_dir(path, getuid() + 1, why, sizeof(why)), -EPERM);
	cr_assert_not_null(strstr(why, "owned by uid"), "%s", why);
}
