/* Unit tests for util/outpath and outfile_check(): which output paths
 * perftop writes, which it refuses and why, and where a link leads. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "report/outfile.h"
#include "util/outpath.h"

static char tmp[64];
static void setup(void)
{
	strcpy(tmp, "/tmp/perftop-outpath-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}
static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	cr_assert_eq(system(cmd), 0);
}
TestSuite(outpath, .init = setup, .fini = teardown);

/* Checks name (under tmp unless absolute); returns the result, target and
 * reason in the given buffers. */
static int check(const char *name, char *target, char *why)
{
	char path[PATH_MAX];

	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", tmp, name);
	return outpath_check(path, target, PATH_MAX, why, 512);
}

Test(outpath, new_and_regular_files_are_written_in_place)
{
	char target[PATH_MAX], want[PATH_MAX], why[512], path[PATH_MAX];
	FILE *f;

	cr_assert_eq(check("new.ptsnap", target, why), 0, "%s", why);
	snprintf(want, sizeof(want), "%s/new.ptsnap", tmp);
	cr_assert_str_eq(target, want);
	snprintf(path, sizeof(path), "%s/old.ptsnap", tmp);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fclose(f);
	cr_assert_eq(check("old.ptsnap", target, why), 0, "%s", why);
	cr_assert_str_eq(target, path);
	cr_assert_eq(outpath_check("relative.ptsnap", target, sizeof(target), why, sizeof(why)), 0,
	             "%s", why);
	cr_assert_str_eq(target, "relative.ptsnap",
	                 "a name in the current directory stays as given");
}

Test(outpath, kinds_that_are_not_regular_files_are_refused)
{
	char target[PATH_MAX], why[512], path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/fifo", tmp);
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(check("fifo", target, why), -EPERM);
	cr_assert_str_eq(why, "it is a FIFO (named pipe), and perftop writes only regular files");
	cr_assert_str_eq(target, "", "no target on failure");

	snprintf(path, sizeof(path), "%s/dir", tmp);
	cr_assert_eq(mkdir(path, 0700), 0);
	cr_assert_eq(check("dir", target, why), -EISDIR);
	cr_assert(strstr(why, "it is a directory"), "%s", why);
	cr_assert_eq(check("dir/", target, why), -EISDIR);
	cr_assert_eq(check("nodir/x", target, why), -ENOENT);
	cr_assert(strstr(why, "the directory '") && strstr(why, "/nodir' does not exist"), "%s",
	          why);
	cr_assert_eq(check("fifo/x", target, why), -ENOTDIR, "%s", why);
	cr_assert_eq(check("", target, why) < 0, 1);
	if (geteuid() == 0) {
		snprintf(path, sizeof(path), "%s/null", tmp);
		cr_assert_eq(mknod(path, S_IFCHR | 0600, makedev(1, 3)), 0);
		cr_assert_eq(check("null", target, why), -EPERM);
		cr_assert(strstr(why, "it is a character device"), "%s", why);
	}
}

Test(outpath, kernel_file_systems_are_refused)
{
	char target[PATH_MAX], why[512];

	cr_assert_lt(check("/proc/perftop-test.ptsnap", target, why), 0);
	cr_assert(strstr(why, "'/proc' is on the kernel's proc file system"), "%s", why);
	cr_assert_lt(check("/proc/sys/kernel/perftop-test", target, why), 0);
	cr_assert(strstr(why, "proc file system"), "%s", why);
	if (access("/sys/kernel", F_OK) == 0) {
		cr_assert_lt(check("/sys/kernel/perftop-test", target, why), 0);
		cr_assert(strstr(why, "sysfs file system"), "%s", why);
	}
}

Test(outpath, links_are_followed_to_regular_files_only)
{
	char target[PATH_MAX], why[512], path[PATH_MAX + 16], link[PATH_MAX], real_tmp[PATH_MAX];
	FILE *f;

	cr_assert_not_null(realpath(tmp, real_tmp));
	snprintf(path, sizeof(path), "%s/file", tmp);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fclose(f);
	snprintf(link, sizeof(link), "%s/to-file", tmp);
	cr_assert_eq(symlink("file", link), 0);
	cr_assert_eq(check("to-file", target, why), 0, "%s", why);
	snprintf(path, sizeof(path), "%s/file", real_tmp);
	cr_assert_str_eq(target, path, "the link's target is written");

	snprintf(link, sizeof(link), "%s/to-nothing", tmp);
	cr_assert_eq(symlink("nothing", link), 0);
	cr_assert_eq(check("to-nothing", target, why), -ENOENT);
	cr_assert(strstr(why, "symbolic link to nothing"), "%s", why);

	snprintf(link, sizeof(link), "%s/to-dir", tmp);
	cr_assert_eq(symlink("/", link), 0);
	cr_assert_eq(check("to-dir", target, why), -EISDIR);
	cr_assert(strstr(why, "symbolic link to '/', which is a directory"), "%s", why);

	snprintf(link, sizeof(link), "%s/to-proc", tmp);
	cr_assert_eq(symlink("/proc/self/status", link), 0);
	cr_assert_lt(check("to-proc", target, why), 0);
	cr_assert(strstr(why, "proc file system"), "a link into /proc: %s", why);
}

Test(outpath, outfile_check_names_the_path)
{
	char why[1024], path[PATH_MAX];

	cr_assert_eq(outfile_check("-", why, sizeof(why)), 0, "standard output");
	snprintf(path, sizeof(path), "%s/nodir/report.txt", tmp);
	cr_assert_eq(outfile_check(path, why, sizeof(why)), -ENOENT);
	cr_assert(!strncmp(why, "cannot write '", 14) && strstr(why, path), "%s", why);
	snprintf(path, sizeof(path), "%s/ok.txt", tmp);
	cr_assert_eq(outfile_check(path, why, sizeof(why)), 0, "%s", why);
	cr_assert_neq(access(path, F_OK), 0, "checking creates nothing");
}
