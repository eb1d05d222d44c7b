/* Unit tests for collect/listener against real Unix sockets. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "collect/listener.h"

static char dir[64], path[128];
static void setup(void)
{
	strcpy(dir, "/tmp/perftop-listener-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p/perftop.sock", dir);
}
static void teardown(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}
TestSuite(listener, .init = setup, .fini = teardown);

static int dial(const char *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, p);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "%s", strerror(errno));
	return fd;
}

Test(listener, accepts_with_peer_credentials)
{
	char why[256];
	int lfd = listener_open(path, why, sizeof(why));
	pid_t pid;
	uid_t uid;

	cr_assert_geq(lfd, 0, "%s", why);
	cr_assert_eq(listener_accept(lfd, &pid, &uid), -EAGAIN);
	int c = dial(path);
	int s = listener_accept(lfd, &pid, &uid);
	cr_assert_geq(s, 0);
	cr_assert_eq(pid, getpid());
	cr_assert_eq(uid, getuid());
	cr_assert(listener_peer_allowed(uid, getuid()));
	cr_assert_not(listener_peer_allowed(getuid() + 1000, getuid() + 1));
	close(c);
	close(s);
	listener_close(lfd, path);
	cr_assert_neq(access(path, F_OK), 0, "the socket file is removed");
}

Test(listener, refuses_a_second_perftop_and_replaces_a_stale_socket)
{
	char why[256];
	int a = listener_open(path, why, sizeof(why));

	cr_assert_geq(a, 0, "%s", why);
	cr_assert_eq(listener_open(path, why, sizeof(why)), -EADDRINUSE);
	cr_assert_not_null(strstr(why, "another perftop"), "%s", why);
	close(a); /* killed: the file stays behind */
	cr_assert_eq(access(path, F_OK), 0);
	int b = listener_open(path, why, sizeof(why));
	cr_assert_geq(b, 0, "a stale socket is replaced: %s", why);
	listener_close(b, path);
}

Test(listener, refuses_a_regular_file_in_place)
{
	char why[256], d[128];
	FILE *f;

	snprintf(d, sizeof(d), "%s/p", dir);
	cr_assert_eq(mkdir(d, 0700), 0);
	f = fopen(path, "w");
	fclose(f);
	cr_assert_eq(listener_open(path, why, sizeof(why)), -EEXIST);
	cr_assert_not_null(strstr(why, "not a socket"), "%s", why);
}
