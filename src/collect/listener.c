/* listener — the agents' Unix socket; see listener.h. */
#include "collect/listener.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "wire/sockpath.h"

static int fill_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

/* True when something accepts connections at path right now. */
static int someone_listens(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int live;

	if (fd < 0)
		return 0;
	live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return live;
}

int listener_open(const char *path, char *why, size_t why_len)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, err;

	if ((err = fill_addr(&sa, path)) < 0) {
		snprintf(why, why_len,
		         "socket path '%s' is %zu bytes, over the %zu a Unix socket address "
		         "holds: set PERFTOP_SOCKET to a shorter path",
		         path, strlen(path), sizeof(sa.sun_path) - 1);
		return err;
	}
	if ((err = sockpath_prepare_dir(path, getuid(), why, why_len)) < 0)
		return err;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(why, why_len,
			         "'%s' exists and is not a socket: move it away, or set "
			         "PERFTOP_SOCKET to another path",
			         path);
			return -EEXIST;
		}
		if (someone_listens(&sa)) {
			snprintf(why, why_len,
			         "another perftop is listening on '%s': its agents go there; set "
			         "PERFTOP_SOCKET to another path for this one",
			         path);
			return -EADDRINUSE;
		}
		unlink(path); /* stale: its perftop is gone */
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		snprintf(why, why_len, "cannot create a socket: %s", strerror(err));
		return -err;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, 128) < 0) {
		err = errno;
		snprintf(why, why_len, "cannot listen on '%s': %s", path, strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

int listener_accept(int listen_fd, pid_t *peer_pid, uid_t *peer_uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	*peer_pid = cred.pid;
	*peer_uid = cred.uid;
	return fd;
}

int listener_fd_room(int fd, long *limit_out)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY) {
		if (limit_out)
			*limit_out = -1;
		return 1;
	}
	if (limit_out)
		*limit_out = rl.rlim_cur > LONG_MAX ? LONG_MAX : (long)rl.rlim_cur;
	return (rlim_t)fd + LISTENER_FD_RESERVE < rl.rlim_cur;
}

long listener_raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max;

		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > LONG_MAX)
		return LONG_MAX;
	return (long)rl.rlim_cur;
}

int listener_peer_allowed(uid_t peer_uid, uid_t our_uid)
{
	return peer_uid == our_uid || peer_uid == 0;
}

int listener_alive(const char *path)
{
	struct sockaddr_un sa;
	int fd, rc;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno == EAGAIN)
		rc = 1; /* EAGAIN: a listener with a full backlog */
	else
		rc = errno == ECONNREFUSED ? 0 : -errno;
	close(fd);
	return rc;
}

void listener_close(int fd, const char *path)
{
	struct stat st;

	if (fd >= 0)
		close(fd);
	if (path && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_uid == getuid())
		unlink(path);
}
