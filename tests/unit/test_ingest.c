/* Tests for collect/ingest through a real collector and real Unix sockets:
 * frames encoded by the wire encoder land in the right profile; bad peers
 * (garbage, truncated frames, huge array headers, over-long strings, another
 * major version) close only their own connection, are counted and logged. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "collect/collector.h"
#include "model/model.h"
#include "model/proctree.h"
#include "support/collector.h"
#include "support/deadline.h"
#include "wire/wire.h"

static struct model m;
static struct collector *col;
static char sock[128];

static void setup(void)
{
	col = test_collector_start(&m, sock, sizeof(sock), "perftop-ingest", 0.2);
}

static void teardown(void)
{
	test_collector_stop(col, &m, sock);
}

TestSuite(ingest, .init = setup, .fini = teardown, .timeout = TEST_SUITE_TIMEOUT);

static int dial(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, sock);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "%s", strerror(errno));
	return fd;
}

static void send_all(int fd, const void *p, size_t n)
{
	cr_assert_eq(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

static uint32_t hello_ppid; /* the parent the next hello says (since 1.4) */

static void put_hello(struct wire_buf *b, unsigned major, unsigned minor)
{
	char *argv0 = "fake-agent";
	struct wire_str arg = { argv0, (uint32_t)strlen(argv0) };
	struct wire_hello h = {
		.major = major, .minor = minor, .pid = (uint32_t)getpid(),
		.exe = { "/usr/bin/fake-agent", 19 }, .argv = { &arg, 1 },
		.requested_hz = 1000, .achieved_hz = 990, .clock_id = 1,
		.agent_version = { "test", 4 }, .ppid = hello_ppid,
	};

	cr_assert_eq(wire_put_hello(b, &h), 0);
}

static void put_name(struct wire_buf *b, uint32_t id, uint32_t kind, const char *text)
{
	struct wire_name n = { id, kind, { text, (uint32_t)strlen(text) } };

	cr_assert_eq(wire_put_name(b, &n), 0);
}

/* Waits until cond(arg) holds under the model lock, up to TEST_WAIT_S. */
static bool wait_for(bool (*cond)(void *), void *arg)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < (int)(TEST_WAIT_S * 100); i++) {
		bool ok;

		model_lock(&m);
		ok = cond(arg);
		model_unlock(&m);
		if (ok)
			return true;
		nanosleep(&nap, NULL);
	}
	return false;
}

static bool has_samples(void *arg)
{
	struct process *p = model_find(&m, getpid());

	return p && p->profile && p->profile->samples >= *(uint64_t *)arg;
}

static bool log_says(void *arg)
{
	for (size_t i = 0; i < m.log.len; i++)
		if (strstr(msglog_at(&m.log, i)->text, arg))
			return true;
	return false;
}

/* Named frames: an interpreter's stacks, no symbolizer involved. */
static void send_named_profile(int fd)
{
	uint8_t mem[8192];
	struct wire_buf b;
	struct wire_batch w;
	struct wire_frame main_f = { 0, 1, 4, 10 }, parse_f = { 0, 2, 4, 20 }, lex_f = { 0, 3, 4, 30 };
	struct wire_frame s1[] = { lex_f, parse_f, main_f }, s2[] = { parse_f, main_f };
	struct wire_samples item;
	struct wire_zones z;
	struct wire_counters k;

	wire_buf_init(&b, mem, sizeof(mem));
	put_hello(&b, WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	put_name(&b, 1, WIRE_NAME_FUNCTION, "main");
	put_name(&b, 2, WIRE_NAME_FUNCTION, "parse");
	put_name(&b, 3, WIRE_NAME_FUNCTION, "lex");
	put_name(&b, 4, WIRE_NAME_FILE, "prog.py");
	put_name(&b, 5, WIRE_NAME_ZONE, "request");
	put_name(&b, 6, WIRE_NAME_COUNTER, "rows");
	cr_assert_eq(wire_samples_begin(&b, &w, 77, 1000), 0);
	for (int i = 0; i < 30; i++) {
		memset(&item, 0, sizeof(item));
		item.tid = 77;
		item.ts = 1000 + (uint64_t)i * 1000000;
		item.stack.frames = i < 20 ? s1 : s2;
		item.stack.depth = i < 20 ? 3 : 2;
		cr_assert_eq(wire_batch_add(&b, &w, &item), 0);
	}
	wire_batch_end(&b, &w);
	memset(&z, 0, sizeof(z));
	z.tid = 77;
	z.base_ts = 0;
	cr_assert_eq(wire_batch_begin(&b, &w, WIRE_ZONES, &z), 0);
	for (int i = 0; i < 10; i++) {
		z.event = WIRE_ZONE_COMPLETE;
		z.zone = 5;
		z.ts = 5000 + (uint64_t)i;
		z.dur = 2000000; /* 2 ms */
		cr_assert_eq(wire_batch_add(&b, &w, &z), 0);
	}
	wire_batch_end(&b, &w);
	memset(&k, 0, sizeof(k));
	cr_assert_eq(wire_batch_begin(&b, &w, WIRE_COUNTERS, &k), 0);
	for (int i = 0; i < 5; i++) {
		k.counter = 6;
		k.op = WIRE_COUNTER_ADD;
		k.value.i = 7;
		k.ts = 100 + (uint64_t)i;
		cr_assert_eq(wire_batch_add(&b, &w, &k), 0);
	}
	wire_batch_end(&b, &w);
	send_all(fd, b.data, b.len);
}

Test(ingest, named_frames_zones_and_counters_land_in_the_profile)
{
	int fd = dial();
	uint64_t want = 30;
	struct profile *p;

	send_named_profile(fd);
	cr_assert(wait_for(has_samples, &want));
	model_lock(&m);
	p = model_find(&m, getpid())->profile;
	cr_assert(p->connected);
	cr_assert_eq(p->requested_hz, 1000);
	cr_assert_eq(p->samples, 30);
	cr_assert_eq(p->nthreads, 1);
	cr_assert_eq(p->threads[0].tid, 77);
	for (size_t i = 0; i < profile_func_count(p); i++) {
		const struct profile_func *f = &p->funcs[i];

		if (!strcmp(f->name, "main"))
			cr_assert_eq(f->total, 30);
		else if (!strcmp(f->name, "parse"))
			/* NAME without a line (1.2): the definition line is unknown;
			 * the executing line 20 is in the line table */
			cr_assert(f->self == 10 && f->total == 30 && f->line == 0 && f->interp &&
				  !strcmp(f->file, "prog.py") && !strcmp(f->module, "prog.py"));
		else if (!strcmp(f->name, "lex"))
			cr_assert(f->self == 20 && f->total == 20);
		else
			cr_assert_fail("unexpected function '%s'", f->name);
	}
	{
		uint32_t idx[16];
		size_t n;

		for (size_t i = 0; i < profile_func_count(p); i++)
			if (!strcmp(p->funcs[i].name, "parse")) {
				n = pylines_of(&p->lines, (uint32_t)i, idx);
				cr_assert_eq(n, 1);
				cr_assert_eq(p->lines.e[idx[0]].line, 20);
				cr_assert_eq(p->lines.e[idx[0]].total, 30);
				cr_assert_eq(p->lines.e[idx[0]].self, 10);
			}
	}
	cr_assert_eq(profile_zone_count(p), 1);
	cr_assert_eq(p->zones[0].hist.count, 10);
	cr_assert_float_eq(hist_quantile(&p->zones[0].hist, 0.5), 2e6, 2e4);
	cr_assert_eq(profile_counter_count(p), 1);
	cr_assert_float_eq(p->counters[0].total, 35, 1e-9);
	model_unlock(&m);
	close(fd);
	cr_assert(wait_for(log_says, "agent disconnected"));
}

static bool tree_has_samples(void *arg)
{
	return m.tree_profile && m.tree_profile->samples >= *(uint64_t *)arg;
}

/* An agent whose hello names a member of the launched tree as its parent
 * joins the tree, and its samples and zones reach the live tree profile. */
Test(ingest, an_agent_joins_the_tree_by_its_hellos_parent)
{
	const pid_t root = 4000000;
	uint64_t want = 30;
	int fd;

	model_lock(&m);
	m.tree_root = root;
	(void)model_agent_process(&m, root, "/bin/tree-root");
	proctree_update(&m);
	proctree_live_on(&m);
	model_unlock(&m);
	hello_ppid = (uint32_t)root;
	fd = dial();
	send_named_profile(fd);
	hello_ppid = 0;
	cr_assert(wait_for(tree_has_samples, &want));
	model_lock(&m);
	cr_assert(model_find(&m, getpid())->in_tree);
	cr_assert_eq(m.tree_profile->samples, 30);
	cr_assert_eq(profile_thread(m.tree_profile, 77)->samples, 30);
	cr_assert_eq(proctree_thread_pid(&m, 77), model_find(&m, getpid()));
	cr_assert_eq(profile_zone_count(m.tree_profile), 1);
	cr_assert_eq(profile_zone_hist(m.tree_profile, 0, 0)->count, 10);
	model_unlock(&m);
	close(fd);
}

/* Sends a good hello and then bad bytes; the connection must be dropped
 * with a logged reason containing `expect`, and a good agent afterwards
 * still works. */
static void bad_peer(const void *bad, size_t n, const char *expect)
{
	uint8_t mem[512];
	struct wire_buf b;
	int fd = dial();
	char buf[16];
	uint64_t want = 30;

	wire_buf_init(&b, mem, sizeof(mem));
	put_hello(&b, WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	send_all(fd, b.data, b.len);
	send_all(fd, bad, n);
	cr_assert(wait_for(log_says, (void *)expect), "log never said '%s'", expect);
	/* perftop closed our end */
	struct timeval tv = { 2, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	cr_assert_eq(recv(fd, buf, sizeof(buf), 0), 0, "the bad connection is closed");
	close(fd);
	model_lock(&m);
	cr_assert_geq(model_find(&m, getpid())->profile->decode_errors, 1);
	model_unlock(&m);

	fd = dial();
	send_named_profile(fd);
	cr_assert(wait_for(has_samples, &want), "a good agent still gets through");
	close(fd);
}

Test(ingest, garbage_bytes)
{
	static const uint8_t junk[] = { 0xce, 0x00, 0x00, 0x00, 0x04, 0xc1, 0xc1, 0xc1, 0xc1 };

	bad_peer(junk, sizeof(junk), "offset");
}

Test(ingest, array_header_claiming_four_billion_elements)
{
	/* frame of 6 bytes: array32 with 0xffffffff elements */
	static const uint8_t huge[] = { 0xce, 0, 0, 0, 6, 0xdd, 0xff, 0xff, 0xff, 0xff, 0x04 };

	bad_peer(huge, sizeof(huge), "offset");
}

Test(ingest, frame_larger_than_the_limit)
{
	uint8_t big[] = { 0xce, 0x7f, 0xff, 0xff, 0xff };

	bad_peer(big, sizeof(big), "offset");
}

Test(ingest, truncated_frame_then_hangup)
{
	uint8_t mem[512];
	struct wire_buf b;
	int fd = dial();

	wire_buf_init(&b, mem, sizeof(mem));
	put_hello(&b, WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	put_name(&b, 9, WIRE_NAME_ZONE, "cut-here");
	send_all(fd, b.data, b.len - 3);
	close(fd);
	cr_assert(wait_for(log_says, "stream ended inside a frame"));
}

Test(ingest, another_major_version_is_refused_naming_both)
{
	uint8_t mem[512];
	struct wire_buf b;
	int fd = dial();
	char expect[64];

	wire_buf_init(&b, mem, sizeof(mem));
	put_hello(&b, WIRE_PROTO_MAJOR + 1, 0);
	send_all(fd, b.data, b.len);
	snprintf(expect, sizeof(expect), "%d.0", WIRE_PROTO_MAJOR + 1);
	cr_assert(wait_for(log_says, expect), "the message names the peer's version");
	model_lock(&m);
	bool names_ours = false;
	char ours[16];

	snprintf(ours, sizeof(ours), "%d.", WIRE_PROTO_MAJOR);
	for (size_t i = 0; i < m.log.len; i++)
		if (strstr(msglog_at(&m.log, i)->text, expect) &&
		    strstr(msglog_at(&m.log, i)->text, ours))
			names_ours = true;
	model_unlock(&m);
	cr_assert(names_ours, "the message names perftop's version too");
	close(fd);
}

Test(ingest, many_agents_at_once)
{
	int fds[64];
	uint64_t want = 30 * 64;

	for (int i = 0; i < 64; i++)
		fds[i] = dial();
	for (int i = 0; i < 64; i++)
		send_named_profile(fds[i]);
	/* Same pid for all: the profile sums what each connection sent. */
	cr_assert(wait_for(has_samples, &want));
	for (int i = 0; i < 64; i++)
		close(fds[i]);
}

/* ---- a module unloaded before its samples arrive ------------------------------ */

__attribute__((noinline)) int ingest_unloaded_marker(int x);
__attribute__((noinline)) int ingest_unloaded_marker(int x)
{
	return x * 3 + 1;
}

/* The executable mapping of this test binary that holds pc, from
 * /proc/self/maps. */
static bool own_mapping(uint64_t pc, uint64_t *start, uint64_t *end, uint64_t *off, char *path,
			size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[1024];
	bool found = false;

	cr_assert_not_null(f);
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long s, e, o;
		char perms[8], file[512] = "";

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %511s", &s, &e, perms, &o, file) >= 4 &&
		    pc >= s && pc < e && perms[2] == 'x') {
			*start = s;
			*end = e;
			*off = o;
			snprintf(path, len, "%s", file);
			found = true;
		}
	}
	fclose(f);
	return found;
}

static bool marker_named(void *arg)
{
	struct process *p = model_find(&m, getpid());

	(void)arg;
	if (!p || !p->profile || p->profile->samples < 5)
		return false;
	for (size_t i = 0; i < profile_func_count(p->profile); i++)
		if (!strcmp(p->profile->funcs[i].name, "ingest_unloaded_marker"))
			return true;
	return false;
}

/* MAPS naming the module, then MAPS (RESET) without it, as the agent sends
 * them after a dlclose; then samples recorded before the dlclose: they are
 * still named (the replaced mappings are kept for a few sets). */
Test(ingest, samples_of_an_unloaded_module_are_still_named)
{
	uint8_t mem[8192];
	struct wire_buf b;
	struct wire_batch w;
	struct wire_maps mp;
	struct wire_samples item;
	struct wire_frame fr = { (uint64_t)(uintptr_t)&ingest_unloaded_marker + 4, 0, 0, 0 };
	uint64_t start, end, off, want = 5;
	char path[512];
	int fd;

	cr_assert(own_mapping(fr.pc, &start, &end, &off, path, sizeof(path)));
	wire_buf_init(&b, mem, sizeof(mem));
	put_hello(&b, WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	memset(&mp, 0, sizeof(mp));
	mp.flags = WIRE_MAPS_RESET;
	cr_assert_eq(wire_batch_begin(&b, &w, WIRE_MAPS, &mp), 0);
	mp.start = start;
	mp.end = end;
	mp.offset = off;
	mp.path.s = path;
	mp.path.len = (uint32_t)strlen(path);
	mp.build_id.s = ""; /* none: found by path */
	cr_assert_eq(wire_batch_add(&b, &w, &mp), 0);
	wire_batch_end(&b, &w);
	/* The module is gone: a new set without it. */
	memset(&mp, 0, sizeof(mp));
	mp.flags = WIRE_MAPS_RESET;
	cr_assert_eq(wire_batch_begin(&b, &w, WIRE_MAPS, &mp), 0);
	mp.start = 0x1000;
	mp.end = 0x2000;
	mp.path.s = "/nonexistent/other.so";
	mp.path.len = (uint32_t)strlen(mp.path.s);
	mp.build_id.s = "";
	cr_assert_eq(wire_batch_add(&b, &w, &mp), 0);
	wire_batch_end(&b, &w);
	cr_assert_eq(wire_samples_begin(&b, &w, 77, 1000), 0);
	for (int i = 0; i < 5; i++) {
		memset(&item, 0, sizeof(item));
		item.tid = 77;
		item.ts = 1000 + (uint64_t)i * 1000000;
		item.stack.frames = &fr;
		item.stack.depth = 1;
		cr_assert_eq(wire_batch_add(&b, &w, &item), 0);
	}
	wire_batch_end(&b, &w);
	fd = dial();
	send_all(fd, b.data, b.len);
	cr_assert(wait_for(has_samples, &want), "the 5 samples arrived");
	cr_assert(wait_for(marker_named, NULL),
		  "the samples of the unloaded module are named, not [unknown]");
	close(fd);
}

static void put_notice(struct wire_buf *b, uint32_t tid, const char *code, uint64_t count,
		       const char *text)
{
	struct wire_notice n = { 1, tid, { code, (uint32_t)strlen(code) }, count,
				 { text, (uint32_t)strlen(text) } };

	cr_assert_eq(wire_put_notice(b, &n), 0);
}

static bool has_notices(void *arg)
{
	struct process *p = model_find(&m, getpid());

	return p && p->profile && p->profile->nnotices >= *(size_t *)arg;
}

/* NOTICE: kept per (thread, code), the newest replacing; logged once each,
 * with the thread's name; a code is cut to [a-z0-9-]. */
Test(ingest, notices_are_kept_per_thread_and_code_and_logged_once)
{
	uint8_t mem[2048];
	struct wire_buf b;
	struct wire_thread t = { 78, { "waiter", 6 } };
	int fd = dial();
	size_t want = 3;
	struct profile *p;
	char summary[256];
	size_t logged = 0;

	wire_buf_init(&b, mem, sizeof(mem));
	put_hello(&b, WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	cr_assert_eq(wire_put_thread(&b, &t), 0);
	put_notice(&b, 78, "blocked", 1, "not sampled: the thread blocks SIGPROF");
	put_notice(&b, 78, "low-stack", 5, "samples skipped: too little stack left for the handler");
	put_notice(&b, 78, "low-stack", 12, "samples skipped: too little stack left for the handler");
	put_notice(&b, 0, "Odd\033code", 1, "process-wide");
	send_all(fd, b.data, b.len);
	cr_assert(wait_for(has_notices, &want));
	model_lock(&m);
	p = model_find(&m, getpid())->profile;
	cr_assert_eq(p->nnotices, 3);
	cr_assert_eq(p->notices[0].tid, 78);
	cr_assert_str_eq(p->notices[0].code, "blocked");
	cr_assert_str_eq(p->notices[1].code, "low-stack");
	cr_assert_eq(p->notices[1].count, 12, "the newest count replaces the older");
	cr_assert_str_eq(p->notices[2].code, "_dd_code");
	cr_assert_eq(profile_notice_count(p, "blocked"), 1);
	profile_notice_summary(p, summary, sizeof(summary));
	cr_assert_str_eq(summary, "1 thread not sampled (blocks SIGPROF): waiter 78; "
				  "12 samples skipped (low stack)");
	for (size_t i = 0; i < m.log.len; i++)
		logged += strstr(msglog_at(&m.log, i)->text, "thread 78 (waiter): ") != NULL;
	cr_assert_eq(logged, 2, "one log line per (thread, code), not per update");
	model_unlock(&m);
	close(fd);
}

Test(ingest, a_notice_of_how_it_samples_is_information_not_a_warning)
{
	uint8_t mem[1024];
	struct wire_buf b;
	int fd = dial();
	size_t want = 2;
	int info = -1, warn = -1;

	wire_buf_init(&b, mem, sizeof(mem));
	put_hello(&b, WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	put_notice(&b, 0, "thread-timers", 3, "3 threads started while the program ran");
	put_notice(&b, 0, "perf-unavailable", 1, "perf_event_open: Permission denied");
	send_all(fd, b.data, b.len);
	cr_assert(wait_for(has_notices, &want));
	model_lock(&m);
	for (size_t i = 0; i < m.log.len; i++) {
		const struct msglog_entry *e = msglog_at(&m.log, i);

		if (strstr(e->text, "3 threads started"))
			info = (int)e->level;
		if (strstr(e->text, "perf_event_open"))
			warn = (int)e->level;
	}
	cr_expect_eq(info, MSG_INFO, "in the Log, not raised in the status line");
	cr_expect_eq(warn, MSG_WARN);
	model_unlock(&m);
	close(fd);
}

/* ---- the agent's cost (STATS since 1.2) ----------------------------------- */

static bool stats_seen(void *arg)
{
	struct process *p = model_find(&m, getpid());

	return p && p->profile && p->profile->agent_samples == *(uint64_t *)arg;
}

static bool disconnected(void *arg)
{
	struct process *p = model_find(&m, getpid());

	(void)arg;
	return p && p->profile && !p->profile->connected;
}

/* One connection: HELLO, then a STATS with the cost figures given, samples
 * = tag (to wait for). */
static int send_stats(uint64_t tag, uint64_t handler, uint64_t writer, uint64_t process)
{
	uint8_t mem[1024];
	struct wire_buf b;
	int fd = dial();
	struct wire_stats s = { .ts = 1, .samples = tag, .handler_ns = handler,
				.writer_ns = writer, .process_ns = process };

	wire_buf_init(&b, mem, sizeof(mem));
	put_hello(&b, WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	cr_assert_eq(wire_put_stats(&b, &s), 0);
	send_all(fd, b.data, b.len);
	cr_assert(wait_for(stats_seen, &tag), "STATS %llu never arrived", (unsigned long long)tag);
	return fd;
}

Test(ingest, agent_cost_is_kept_and_summed_over_connections)
{
	struct profile *p;
	int fd;

	/* Each STATS counts from its connection's start: a later one of the
	 * same connection replaces the figures, a new connection adds to them. */
	fd = send_stats(1, 5000000, 1000000, 400000000);
	close(fd);
	cr_assert(wait_for(disconnected, NULL));
	fd = send_stats(2, 1000000, 1000000, 100000000);
	model_lock(&m);
	p = model_find(&m, getpid())->profile;
	cr_assert(p->cost_known);
	cr_assert_eq(p->cost.handler_ns, 6000000);
	cr_assert_eq(p->cost.writer_ns, 2000000);
	cr_assert_eq(p->cost.process_ns, 500000000);
	cr_assert_float_eq(profile_cost_pct(p), 1.6, 1e-9);
	model_unlock(&m);
	close(fd);
	cr_assert(wait_for(disconnected, NULL));
}

Test(ingest, stats_of_a_1_1_agent_leave_the_cost_unknown)
{
	uint8_t mem[1024];
	struct wire_buf b;
	struct wire_stats s = { .ts = 1, .samples = 3, .handler_ns = 1, .writer_ns = 1,
				.process_ns = 1 };
	uint64_t tag = 3;
	size_t at;
	int fd = dial();

	wire_buf_init(&b, mem, sizeof(mem));
	put_hello(&b, WIRE_PROTO_MAJOR, 1);
	at = b.len;
	cr_assert_eq(wire_put_stats(&b, &s), 0);
	/* What a 1.1 agent sends: the same frame without the last three
	 * fields (each a one-byte positive fixint here). */
	cr_assert_eq(b.data[at + 5], 0x90 + 1 + WIRE_STATS_NFIELDS_1_2, "fixarray of 10");
	b.data[at + 5] = 0x90 + 1 + WIRE_STATS_NFIELDS_1_1;
	b.data[at + 4] -= 3;
	b.len -= 3;
	send_all(fd, b.data, b.len);
	cr_assert(wait_for(stats_seen, &tag));
	model_lock(&m);
	cr_assert_not(model_find(&m, getpid())->profile->cost_known);
	cr_assert_lt(profile_cost_pct(model_find(&m, getpid())->profile), 0);
	model_unlock(&m);
	close(fd);
	cr_assert(wait_for(disconnected, NULL));
}

static void put_name_line(struct wire_buf *b, uint32_t id, uint32_t kind, const char *text,
			  uint32_t line)
{
	struct wire_name n = { id, kind, { text, (uint32_t)strlen(text) }, line };

	cr_assert_eq(wire_put_name(b, &n), 0);
}

/* Python frames (protocol 1.3): a FUNCTION's NAME carries its definition
 * line, so two <lambda> of one file are two functions; a frame's own line
 * goes to the line table; a NAME id redefined names the new function. */
Test(ingest, python_functions_by_definition_line)
{
	uint8_t mem[8192];
	struct wire_buf b;
	struct wire_batch w;
	struct wire_frame l30 = { 0, 1, 3, 30 }, l31 = { 0, 2, 3, 31 }, redef = { 0, 1, 3, 6 };
	struct wire_samples item;
	int fd = dial();
	uint64_t want = 6;
	struct profile *p;
	uint32_t a = UINT32_MAX, c = UINT32_MAX, f = UINT32_MAX, idx[8];

	wire_buf_init(&b, mem, sizeof(mem));
	put_hello(&b, WIRE_PROTO_MAJOR, WIRE_PROTO_MINOR);
	put_name_line(&b, 1, WIRE_NAME_FUNCTION, "<lambda>", 30);
	put_name_line(&b, 2, WIRE_NAME_FUNCTION, "<lambda>", 31);
	put_name_line(&b, 3, WIRE_NAME_FILE, "/srv/app/app.py", 0);
	cr_assert_eq(wire_samples_begin(&b, &w, 77, 1000), 0);
	for (int i = 0; i < 5; i++) {
		memset(&item, 0, sizeof(item));
		item.tid = 77;
		item.ts = 1000 + (uint64_t)i * 1000000;
		item.stack.frames = i < 3 ? &l30 : &l31;
		item.stack.depth = 1;
		cr_assert_eq(wire_batch_add(&b, &w, &item), 0);
	}
	wire_batch_end(&b, &w);
	put_name_line(&b, 1, WIRE_NAME_FUNCTION, "Parser.feed", 5);
	cr_assert_eq(wire_samples_begin(&b, &w, 77, 9000000), 0);
	memset(&item, 0, sizeof(item));
	item.tid = 77;
	item.ts = 9000000;
	item.stack.frames = &redef;
	item.stack.depth = 1;
	cr_assert_eq(wire_batch_add(&b, &w, &item), 0);
	wire_batch_end(&b, &w);
	send_all(fd, b.data, b.len);
	cr_assert(wait_for(has_samples, &want));
	model_lock(&m);
	p = model_find(&m, getpid())->profile;
	for (uint32_t i = 0; i < profile_func_count(p); i++) {
		if (!strcmp(p->funcs[i].name, "<lambda>"))
			*(p->funcs[i].line == 30 ? &a : &c) = i;
		if (!strcmp(p->funcs[i].name, "Parser.feed"))
			f = i;
	}
	cr_assert(a != UINT32_MAX && c != UINT32_MAX && f != UINT32_MAX && a != c);
	cr_assert(p->funcs[a].interp && !strcmp(p->funcs[a].module, "app.py") &&
		  !strcmp(p->funcs[a].file, "/srv/app/app.py"));
	cr_assert_eq(p->funcs[a].self, 3);
	cr_assert_eq(p->funcs[c].self, 2);
	cr_assert_eq(p->funcs[c].line, 31);
	cr_assert_eq(p->funcs[f].self, 1, "the redefined id names the new function");
	cr_assert_eq(p->funcs[f].line, 5);
	cr_assert_eq(pylines_of(&p->lines, a, idx), 1);
	cr_assert(p->lines.e[idx[0]].line == 30 && p->lines.e[idx[0]].self == 3);
	cr_assert_eq(pylines_of(&p->lines, f, idx), 1);
	cr_assert(p->lines.e[idx[0]].line == 6 && p->lines.e[idx[0]].total == 1);
	model_unlock(&m);
	close(fd);
}
