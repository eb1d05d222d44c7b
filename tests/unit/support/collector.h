/*
 * support/collector — a real collector on a private Unix socket, for the
 * unit tests that connect agents or fake peers to it (test_agent_e2e,
 * test_ingest). Failures fail the calling Criterion test.
 */
#ifndef PERFTOP_TESTS_SUPPORT_COLLECTOR_H
#define PERFTOP_TESTS_SUPPORT_COLLECTOR_H

#include <stddef.h>

#include "collect/collector.h"
#include "model/model.h"

/* Makes a directory /tmp/NAME-XXXXXX, initialises m ticking every tick_s
 * seconds and starts a collector on it listening on DIR/perftop.sock (the
 * socket required), whose path goes into sock (sock_len bytes). Returns the
 * collector; asserts that each step worked. */
struct collector *test_collector_start(struct model *m, char *sock, size_t sock_len,
                                       const char *name, double tick_s);

/* Stops c, releases m and removes the directory of sock (which the
 * collector emptied). */
void test_collector_stop(struct collector *c, struct model *m, const char *sock);

#endif
