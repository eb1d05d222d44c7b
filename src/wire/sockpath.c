/* sockpath — the socket's path and its directory's safety; see sockpath.h. */
#include "wire/sockpath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int sockpath_default(char *out, size_t len, uid_t uid)
{
	const char *env = getenv("PERFTOP_SOCKET");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (len > SOCKPATH_MAX)
		len = SOCKPATH_MAX;
	if (env && *env)
		n = snprintf(out, len, "%s", env);
	else if (xdg && *xdg == '/')
		n = snprintf(out, len, "%s/perftop/perftop.sock", xdg);
	else
		n = snprintf(out, len, "/tmp/perftop-%u/perftop.sock", (unsigned)uid);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void sockpath_too_long(char *why, size_t why_len, uid_t uid)
{
	const char *env = getenv("PERFTOP_SOCKET");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	size_t n;

	if (env && *env) {
		n = strlen(env);
		snprintf(why, why_len,
		         "the socket path '%s' (PERFTOP_SOCKET) is %zu bytes, over the %d a Unix "
		         "socket address holds: set PERFTOP_SOCKET to a shorter path",
		         env, n, SOCKPATH_MAX - 1);
	} else if (xdg && *xdg == '/') {
		n = strlen(xdg) + strlen("/perftop/perftop.sock");
		snprintf(why, why_len,
		         "the socket path '%s/perftop/perftop.sock' (from XDG_RUNTIME_DIR) is %zu "
		         "bytes, over the %d a Unix socket address holds: set PERFTOP_SOCKET to a "
		         "shorter path, e.g. /tmp/perftop-%u/perftop.sock",
		         xdg, n, SOCKPATH_MAX - 1, (unsigned)uid);
	} else {
		snprintf(why, why_len, "the socket path '/tmp/perftop-%u/perftop.sock' is too long",
		         (unsigned)uid);
	}
}

int sockpath_prepare_dir(const char *path, uid_t uid, char *why, size_t why_len)
{
	char dir[SOCKPATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (!slash || (size_t)(slash - path) >= sizeof(dir)) {
		snprintf(why, why_len, "socket path '%s' has no directory", path);
		return -EINVAL;
	}
	if (slash == path)
		return 0; /* "/x.sock": the root directory, not ours to check */
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';

	if (lstat(dir, &st) < 0) {
		if (errno != ENOENT || mkdir(dir, 0700) < 0 || lstat(dir, &st) < 0) {
			int err = errno;

			snprintf(why, why_len, "cannot create socket directory '%s': %s", dir,
			         strerror(err));
			return -err;
		}
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(why, why_len,
		         "socket directory '%s' is a symlink; refusing it: remove the link, or set "
		         "PERFTOP_SOCKET to a path in a private directory",
		         dir);
		return -ELOOP;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, why_len,
		         "socket directory '%s' is not a directory: remove it, or set "
		         "PERFTOP_SOCKET to a path in a private directory",
		         dir);
		return -ENOTDIR;
	}
	if (st.st_uid != uid) {
		snprintf(why, why_len,
		         "socket directory '%s' is owned by uid %u, not %u; refusing it: remove "
		         "it, or set PERFTOP_SOCKET to a path in a directory of yours",
		         dir, (unsigned)st.st_uid, (unsigned)uid);
		return -EPERM;
	}
	if (st.st_mode & 077) {
		snprintf(why, why_len,
		         "socket directory '%s' is open to other users (mode %03o): make it "
		         "private with chmod 700 '%s', or set PERFTOP_SOCKET to a path in a "
		         "private directory",
		         dir, (unsigned)(st.st_mode & 0777), dir);
		return -EPERM;
	}
	return 0;
}

int sockpath_check(const char *path, uid_t uid, char *why, size_t why_len)
{
	struct stat st;
	int rc = sockpath_prepare_dir(path, uid, why, why_len);

	if (rc < 0)
		return rc;
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		snprintf(why, why_len,
		         "'%s' exists and is not a socket: move it away, or set PERFTOP_SOCKET "
		         "to another path",
		         path);
		return -EEXIST;
	}
	return 0;
}
