/* support/collector — see collector.h: the set-up and tear-down that the
 * collector-facing unit tests share. */
#include "collector.h"

#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct collector *test_collector_start(struct model *m, char *sock, size_t sock_len,
                                       const char *name, double tick_s)
{
	struct collector_opts co = {0};
	struct collector *c;
	char dir[PATH_MAX], why[256];
	int err;

	snprintf(dir, sizeof(dir), "/tmp/%s-XXXXXX", name);
	cr_assert_not_null(mkdtemp(dir), "a private directory for the socket");
	cr_assert_lt((size_t)snprintf(sock, sock_len, "%s/perftop.sock", dir), sock_len,
	             "socket path fits");
	model_init(m, tick_s);
	co.socket_path = sock;
	co.socket_required = true;
	c = collector_start_opts(m, &co, &err, why, sizeof(why));
	cr_assert_not_null(c, "%s", why);
	return c;
}

void test_collector_stop(struct collector *c, struct model *m, const char *sock)
{
	char dir[PATH_MAX];
	char *slash;

	collector_stop(c);
	model_release(m);
	snprintf(dir, sizeof(dir), "%s", sock);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		rmdir(dir);
	}
}
