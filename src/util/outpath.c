/* outpath — which output paths perftop may write; see outpath.h. */
#include "util/outpath.h"

#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util/infile.h"

/* Room kept after the name for the writers' ".tmp-XXXXXX". */
#define TMP_SUFFIX_LEN 16

/* File systems whose files are the kernel's settings or views. */
static const struct {
	unsigned long magic;
	const char *name;
} kernel_fs[] = {
    {PROC_SUPER_MAGIC, "proc"},       {SYSFS_MAGIC, "sysfs"},
    {CGROUP_SUPER_MAGIC, "cgroup"},   {CGROUP2_SUPER_MAGIC, "cgroup2"},
    {DEBUGFS_MAGIC, "debugfs"},       {TRACEFS_MAGIC, "tracefs"},
    {SECURITYFS_MAGIC, "securityfs"}, {BPF_FS_MAGIC, "bpf"},
    {DEVPTS_SUPER_MAGIC, "devpts"},   {PSTOREFS_MAGIC, "pstore"},
    {EFIVARFS_MAGIC, "efivarfs"},     {0x62656570UL /* CONFIGFS_MAGIC */, "configfs"},
};

/* The directory part of name into dir ("." when there is none). */
static void dir_of(const char *name, char *dir, size_t len)
{
	const char *slash = strrchr(name, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == name)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - name), name);
}

/* Fails with err: the reason (fmt with the strings a and b) into why. */
static int refuse(int err, char *target, char *why, size_t why_len, const char *fmt, const char *a,
                  const char *b)
{
	snprintf(why, why_len, fmt, a, b);
	if (target)
		target[0] = '\0';
	return -err;
}

/* Checks the directory dir that will hold name: exists, is a directory,
 * is not a kernel file system, and can take a new file. */
static int check_dir(const char *dir, char *target, char *why, size_t why_len)
{
	struct statfs fs;
	struct stat sb;

	if (stat(dir, &sb) < 0) {
		int err = errno;

		if (err == ENOENT)
			return refuse(err, target, why, why_len,
			              "the directory '%s' does not exist%s", dir, "");
		return refuse(err, target, why, why_len, "directory '%s': %s", dir, strerror(err));
	}
	if (!S_ISDIR(sb.st_mode))
		return refuse(ENOTDIR, target, why, why_len, "'%s': %s", dir, strerror(ENOTDIR));
	if (statfs(dir, &fs) == 0)
		for (size_t i = 0; i < sizeof(kernel_fs) / sizeof(kernel_fs[0]); i++)
			if ((unsigned long)fs.f_type == kernel_fs[i].magic)
				return refuse(EPERM, target, why, why_len,
				              "'%s' is on the kernel's %s file system, and perftop "
				              "writes only regular files on disk",
				              dir, kernel_fs[i].name);
	if (access(dir, W_OK | X_OK) < 0) {
		int err = errno;

		return refuse(err, target, why, why_len, "cannot create a file in '%s': %s", dir,
		              strerror(err));
	}
	return 0;
}

int outpath_check(const char *path, char *target, size_t target_len, char *why, size_t why_len)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *name = path;
	struct stat sb;
	size_t n = strlen(path);
	int rc;

	if (target_len)
		target[0] = '\0';
	if (!n)
		return refuse(EINVAL, target, why, why_len, "no file name%s%s", "", "");
	if (path[n - 1] == '/')
		return refuse(EISDIR, target, why, why_len,
		              "it names a directory%s%s, and perftop writes only regular files", "",
		              "");
	if (lstat(path, &sb) < 0) {
		int err = errno;

		if (err != ENOENT) {
			dir_of(path, dir, sizeof(dir));
			if (err == ENOTDIR)
				return refuse(err, target, why, why_len, "'%s': %s", dir,
				              strerror(err));
			return refuse(err, target, why, why_len, "%s%s", strerror(err), "");
		}
	} else if (S_ISLNK(sb.st_mode)) {
		/* Followed: the file it leads to must be an existing regular file. */
		if (stat(path, &sb) < 0) {
			int err = errno;

			return refuse(err, target, why, why_len,
			              "it is a symbolic link to nothing (%s); perftop writes "
			              "through a link only onto an existing regular file%s",
			              strerror(err), "");
		}
		if (!realpath(path, real))
			return refuse(errno, target, why, why_len,
			              "cannot follow the symbolic link: %s%s", strerror(errno), "");
		if (!S_ISREG(sb.st_mode))
			return refuse(S_ISDIR(sb.st_mode) ? EISDIR : EPERM, target, why, why_len,
			              "it is a symbolic link to '%s', which is %s, and perftop "
			              "writes only regular files",
			              real, infile_kind(sb.st_mode));
		name = real;
	} else if (!S_ISREG(sb.st_mode)) {
		return refuse(S_ISDIR(sb.st_mode) ? EISDIR : EPERM, target, why, why_len,
		              "it is %s, and perftop writes only regular files%s",
		              infile_kind(sb.st_mode), "");
	}
	if (strlen(name) + TMP_SUFFIX_LEN >= PATH_MAX || strlen(name) >= target_len)
		return refuse(ENAMETOOLONG, target, why, why_len, "the name is too long%s%s", "",
		              "");
	dir_of(name, dir, sizeof(dir));
	rc = check_dir(dir, target, why, why_len);
	if (rc < 0)
		return rc;
	snprintf(target, target_len, "%s", name);
	return 0;
}
