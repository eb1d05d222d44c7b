/* ingest — agent connections into the model's profiles; see ingest.h. */
#include "collect/ingest.h"
#include "collect/treescan.h"
#include "model/proctree.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collect/listener.h"
#include "collect/resolve.h"
#include "util/hashmap.h"
#include "util/xalloc.h"
#include "wire/sockpath.h"
#include "wire/wire.h"

enum {
	INGEST_READ_CHUNK = 64 << 10,
	INGEST_MAX_READ_PER_CALL = 1 << 20, /* then let other connections run */
	INGEST_MAX_NAMES = 1 << 20,         /* distinct NAME ids one connection may define */
	INGEST_MAX_ZONE_NESTING = 64,       /* open BEGIN zones per thread */
	INGEST_DROP_LOG_S = 10,             /* an agent's drops are logged at most this often */
	INGEST_REFUSE_LOG_S = 5,            /* refused peers are logged at most this often */
};

struct conn_name {
	uint32_t kind;
	uint32_t line;    /* FUNCTION: its definition's first line, or 0 */
	uint32_t mapped;  /* profile zone/counter id + 1, 0 before first use */
	char text[];
};

struct zone_stack {
	uint32_t depth;
	uint32_t zone[INGEST_MAX_ZONE_NESTING];
	uint64_t ts[INGEST_MAX_ZONE_NESTING];
};

struct ingest_conn {
	int fd;
	pid_t pid;             /* from SO_PEERCRED; HELLO must agree */
	uid_t uid;             /* from SO_PEERCRED */
	bool hello;
	struct wire_decoder dec;
	struct hashmap names;  /* wire NAME id -> struct conn_name * */
	size_t nnames;
	struct hashmap zstacks;/* tid -> struct zone_stack * */
	struct resolve *res;   /* pc -> function, per connection */
	uint32_t *ids;         /* scratch: one stack's function ids, root first */
	uint32_t *lines;       /* scratch: the line executing in each, 0 for a pc frame */
	bool any_lines;        /* the last stack had a named frame with a line */
	uint64_t drops_logged; /* samples + events dropped when last logged */
	double drops_logged_at;/* model time of that message */
	struct ingest *in;
};

struct ingest {
	struct model *m;
	int listen_fd;
	char path[SOCKPATH_MAX];
	uid_t uid;
	struct ingest_conn **conns;
	size_t nconns, conns_alloc;
	struct ingest_stats stats;
	double refused_logged_at; /* model time of the last refusal logged */
	double no_fds_logged_at;  /* and of the last agent turned away for descriptors */
	uid_t user_uid;           /* the last peer uid named, and its user name */
	char user[MODEL_USER_LEN];
	uint8_t *readbuf;
	struct symbolizer *sym; /* shared by every connection */
};

/* ---- lifecycle --------------------------------------------------------------- */

struct ingest *ingest_new(struct model *m, const char *path, char *why, size_t why_len)
{
	int fd = listener_open(path, why, why_len);
	struct ingest *in;

	if (fd < 0)
		return NULL;
	in = xcalloc(1, sizeof(*in));
	in->m = m;
	in->listen_fd = fd;
	in->uid = getuid();
	snprintf(in->path, sizeof(in->path), "%s", path);
	in->readbuf = xmalloc(INGEST_READ_CHUNK);
	in->sym = symbolizer_new();
	return in;
}

static void conn_free(struct ingest_conn *c)
{
	size_t pos = 0;
	void *v;

	close(c->fd);
	wire_decoder_release(&c->dec);
	while (hashmap_next(&c->names, &pos, NULL, &v))
		free(v);
	hashmap_release(&c->names);
	pos = 0;
	while (hashmap_next(&c->zstacks, &pos, NULL, &v))
		free(v);
	hashmap_release(&c->zstacks);
	resolve_free(c->res);
	free(c->ids);
	free(c->lines);
	free(c);
}

void ingest_free(struct ingest *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->nconns; i++)
		conn_free(in->conns[i]);
	free(in->conns);
	listener_close(in->listen_fd, in->path);
	free(in->readbuf);
	symbolizer_free(in->sym);
	free(in);
}

int ingest_listen_fd(const struct ingest *in)
{
	return in->listen_fd;
}

const char *ingest_path(const struct ingest *in)
{
	return in->path;
}

int ingest_conn_fd(const struct ingest_conn *c)
{
	return c->fd;
}

struct ingest_stats ingest_stats(const struct ingest *in)
{
	struct ingest_stats s = in->stats;

	s.connections = in->nconns;
	return s;
}

/* ---- decoding: one message at a time, model lock held --------------------------- */

static double ns_to_s(uint64_t ns)
{
	return (double)ns / 1e9;
}

static struct profile *conn_profile(struct ingest_conn *c)
{
	return model_agent_process(c->in->m, c->pid, NULL)->profile;
}

static const struct conn_name *name_of(struct ingest_conn *c, uint32_t id)
{
	return hashmap_get(&c->names, id);
}

/* The profile's zone (or counter) id for a wire NAME id; UINT32_MAX if unknown. */
static uint32_t mapped_id(struct ingest_conn *c, uint32_t wire_id, bool counter)
{
	struct conn_name *n = hashmap_get(&c->names, wire_id);

	if (!n)
		return UINT32_MAX;
	if (!n->mapped) {
		struct profile *p = conn_profile(c);

		n->mapped = 1 + (counter ? profile_counter(p, n->text) : profile_zone(p, n->text));
	}
	return n->mapped - 1;
}

/* argv joined by spaces, control characters as spaces, cut at len - 1. */
static void join_argv(char *out, size_t len, const struct wire_hello *h)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < h->argv.n && n + 1 < len; i++) {
		const struct wire_str *a = &h->argv.v[i];

		if (i)
			out[n++] = ' ';
		for (size_t k = 0; k < a->len && n + 1 < len; k++)
			out[n++] = (unsigned char)a->s[k] < 0x20 || a->s[k] == 0x7f ? ' ' : a->s[k];
	}
	out[n < len ? n : len - 1] = '\0';
}

static int on_hello(struct ingest_conn *c, const struct wire_hello *h)
{
	struct process *p;
	char argv0[256] = "", cmdline[4096], user[MODEL_USER_LEN];
	struct passwd pw, *pwp = NULL;
	char pwbuf[1024];

	if (h->pid != (uint32_t)c->pid && c->pid > 0) {
		/* A forked child inherits its parent's socket only through a new
		 * connection, so a mismatch is a lie: refuse it. */
		return -EPROTO;
	}
	if (h->argv.n)
		snprintf(argv0, sizeof(argv0), "%s", h->argv.v[0].s);
	/* Who it runs as; peers are perftop's own user (or refused), so the
	 * name is looked up once (getpwuid may read files), not per agent. */
	if (!c->in->user[0] || c->in->user_uid != c->uid) {
		if (getpwuid_r(c->uid, &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 && pwp)
			snprintf(c->in->user, sizeof(c->in->user), "%s", pwp->pw_name);
		else
			snprintf(c->in->user, sizeof(c->in->user), "%u", (unsigned)c->uid);
		c->in->user_uid = c->uid;
	}
	snprintf(user, sizeof(user), "%s", c->in->user);
	join_argv(cmdline, sizeof(cmdline), h);
	p = model_agent_process(c->in->m, c->pid, h->exe.len ? h->exe.s : argv0);
	/* Said after exec: better than a /proc reading from before it. */
	model_process_identity(p, h->exe.len ? h->exe.s : argv0, cmdline, c->uid, user);
	if (p->profile->outside) {
		/* The agent wins: what the outside sampler gathered goes, the
		 * agent's samples alone from now on (collect/attach.h). */
		profile_reset(p->profile);
		p->profile->outside = false;
		p->profile->agent_samples = p->profile->agent_dropped = 0;
	}
	p->profile->outside_why[0] = '\0';
	/* Its parent now, while it is alive: a process that lives shorter
	 * than a tick still joins the tree it was born in. */
	if (c->in->m->tree_root)
		proctree_note_parent(c->in->m, p,
		                     h->ppid ? (pid_t)h->ppid : treescan_parent(c->pid));
	p->profile->proto_major = h->major;
	p->profile->proto_minor = h->minor;
	p->profile->requested_hz = h->requested_hz;
	p->profile->achieved_hz = h->achieved_hz;
	p->profile->connected = true;
	profile_cost_connect(p->profile);
	if (!p->profile->exe && h->exe.len)
		p->profile->exe = xstrdup(h->exe.s);
	c->hello = true;
	msglog_add(&c->in->m->log, c->in->m->now, MSG_INFO, "agent connected: %s (pid %ld)", p->comm,
		   (long)c->pid);
	return 0;
}

static int on_name(struct ingest_conn *c, const struct wire_name *n)
{
	struct conn_name *e, *old;

	if (n->id == 0)
		return -EPROTO;
	if (c->nnames >= INGEST_MAX_NAMES && !hashmap_get(&c->names, n->id))
		return -E2BIG;
	e = xmalloc(sizeof(*e) + n->text.len + 1);
	e->kind = n->kind;
	e->line = n->line;
	e->mapped = 0;
	memcpy(e->text, n->text.s, n->text.len);
	e->text[n->text.len] = '\0';
	old = hashmap_get(&c->names, n->id);
	if (old) {
		free(old);
		resolve_forget_named(c->res, n->id); /* redefined */
	} else {
		c->nnames++;
	}
	hashmap_put(&c->names, n->id, e);
	return 0;
}

/* Converts a wire stack (leaf first) into root-first function ids, and the
 * line executing in each named frame into c->lines (0 for pc frames). */
static size_t stack_to_ids(struct ingest_conn *c, const struct wire_stack *s)
{
	size_t depth = s->depth;

	c->any_lines = false;
	for (size_t i = 0; i < depth; i++) {
		const struct wire_frame *f = &s->frames[i];
		uint32_t id, line = 0;

		if (f->name) {
			const struct conn_name *nm = name_of(c, f->name);
			const struct conn_name *file = f->file ? name_of(c, f->file) : NULL;

			id = resolve_named(c->res, f->name, f->file, nm ? nm->text : "?",
					   file ? file->text : NULL, nm ? (int)nm->line : 0);
			line = f->line;
			c->any_lines |= line != 0;
		} else {
			/* Return addresses point after the call: look up pc - 1. */
			id = resolve_pc(c->res, i == 0 ? f->pc : f->pc - 1);
		}
		c->ids[depth - 1 - i] = id;
		c->lines[depth - 1 - i] = line;
	}
	return depth;
}

static void on_zone(struct ingest_conn *c, const struct wire_zones *z)
{
	struct profile *p = conn_profile(c);
	struct zone_stack *st;
	uint32_t zone = mapped_id(c, z->zone, false);

	if (zone == UINT32_MAX)
		return;
	switch (z->event) {
	case WIRE_ZONE_COMPLETE:
		profile_zone_event_at(p, zone, (pid_t)z->tid, ns_to_s(z->ts + z->dur), z->dur);
		proctree_add_zone_event(c->in->m, model_find(c->in->m, c->pid), zone, (pid_t)z->tid,
		                        ns_to_s(z->ts + z->dur), z->dur);
		return;
	case WIRE_ZONE_BEGIN:
	case WIRE_ZONE_END:
		break;
	default:
		return;
	}
	st = hashmap_get(&c->zstacks, z->tid);
	if (!st) {
		st = xcalloc(1, sizeof(*st));
		hashmap_put(&c->zstacks, z->tid, st);
	}
	if (z->event == WIRE_ZONE_BEGIN) {
		if (st->depth < INGEST_MAX_ZONE_NESTING) {
			st->zone[st->depth] = zone;
			st->ts[st->depth] = z->ts;
		}
		st->depth++;
		return;
	}
	if (st->depth == 0)
		return; /* its BEGIN was dropped */
	st->depth--;
	if (st->depth < INGEST_MAX_ZONE_NESTING && st->zone[st->depth] == zone && z->ts >= st->ts[st->depth]) {
		profile_zone_event_at(p, zone, (pid_t)z->tid, ns_to_s(z->ts),
				      z->ts - st->ts[st->depth]);
		proctree_add_zone_event(c->in->m, model_find(c->in->m, c->pid), zone, (pid_t)z->tid,
		                        ns_to_s(z->ts), z->ts - st->ts[st->depth]);
	}
}

/* Drops are the agent's (perftop or the socket too slow, rings full): they
 * are in the profile for the views, and the log says when they grow, at
 * most every INGEST_DROP_LOG_S seconds per connection, so they are never
 * silent and never flood the log. */
static void note_drops(struct ingest_conn *c, const struct profile *p)
{
	struct model *m = c->in->m;
	uint64_t total = p->agent_dropped + p->agent_events_dropped;

	if (total <= c->drops_logged ||
	    (c->drops_logged && m->now - c->drops_logged_at < INGEST_DROP_LOG_S))
		return;
	msglog_add(&m->log, m->now, MSG_WARN,
		   "agent pid %ld dropped %llu samples and %llu events so far "
		   "(the target outran its buffers or perftop)",
		   (long)c->pid, (unsigned long long)p->agent_dropped,
		   (unsigned long long)p->agent_events_dropped);
	c->drops_logged = total;
	c->drops_logged_at = m->now;
}

/* A NOTICE: kept in the profile (the agent line, --batch, record's summary)
 * and, the first time for its thread and code, in the log (the Log tab and
 * the snapshot). Its code is cut to letters, digits and '-'. */
/* A notice that only says how the agent samples (not what it misses) is
 * information: in the Log, not raised in the status line. */
static enum msglog_level notice_level(const char *code)
{
	static const char *const info[] = {"thread-timers", "python", "python-gone"};

	for (size_t i = 0; i < sizeof(info) / sizeof(info[0]); i++)
		if (strcmp(code, info[i]) == 0)
			return MSG_INFO;
	return MSG_WARN;
}

static void on_notice(struct ingest_conn *c, struct profile *p, const struct wire_notice *n)
{
	struct model *m = c->in->m;
	enum msglog_level level;
	char code[PROFILE_NOTICE_CODE];
	const struct process *proc = model_find(m, c->pid);
	const char *comm = proc ? proc->comm : "?";
	size_t i;

	for (i = 0; i < n->code.len && i + 1 < sizeof(code); i++) {
		char ch = n->code.s[i];

		code[i] = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ? ch : '_';
	}
	code[i] = '\0';
	if (profile_notice(p, (pid_t)n->tid, code, n->count, n->text.s, m->now) != 1)
		return;
	level = notice_level(code);
	if (n->tid) {
		const struct profile_thread *t = profile_thread(p, (pid_t)n->tid);

		msglog_add(&m->log, m->now, level, "agent pid %ld (%s), thread %u%s%s%s: %s",
			   (long)c->pid, comm, n->tid, t->name[0] ? " (" : "", t->name,
			   t->name[0] ? ")" : "", n->text.s);
	} else {
		msglog_add(&m->log, m->now, level, "agent pid %ld (%s): %s", (long)c->pid, comm,
			   n->text.s);
	}
}

static double num_value(const struct wire_num *n)
{
	return n->is_float ? n->f : (double)n->i;
}

static int on_message(void *ctx, const struct wire_msg *msg)
{
	struct ingest_conn *c = ctx;
	struct profile *p;

	c->in->stats.frames += msg->index == 0;
	if (msg->type == WIRE_HELLO)
		return on_hello(c, &msg->u.hello);
	if (msg->type == WIRE_NAME)
		return on_name(c, &msg->u.name);
	if (msg->type == WIRE_MAPS) {
		if (msg->index == 0 && (msg->u.maps.flags & WIRE_MAPS_RESET))
			resolve_reset_maps(c->res);
		if (msg->count)
			resolve_add_map(c->res, msg->u.maps.start, msg->u.maps.end, msg->u.maps.offset,
					msg->u.maps.path.s, (const uint8_t *)msg->u.maps.build_id.s,
					msg->u.maps.build_id.len);
		return 0;
	}
	p = conn_profile(c);
	switch (msg->type) {
	case WIRE_THREAD:
		profile_thread_name(p, (pid_t)msg->u.thread.tid, msg->u.thread.name.s);
		proctree_thread_name(c->in->m, model_find(c->in->m, c->pid), (pid_t)msg->u.thread.tid,
		                     msg->u.thread.name.s);
		break;
	case WIRE_SAMPLES:
		if (msg->count) {
			size_t depth = stack_to_ids(c, &msg->u.samples.stack);

			/* resolve_* may have dropped and retaken the lock: the
			 * profile pointer is still the same process's. */
			profile_add_samples(conn_profile(c), (pid_t)msg->u.samples.tid, c->ids, depth, 1,
					    ns_to_s(msg->u.samples.ts));
			proctree_add_samples(c->in->m, model_find(c->in->m, c->pid),
			                     (pid_t)msg->u.samples.tid, c->ids, depth, 1,
			                     ns_to_s(msg->u.samples.ts));
			if (c->any_lines)
				profile_add_lines(conn_profile(c), c->ids, c->lines, depth, 1);
		}
		break;
	case WIRE_ZONES:
		if (msg->count)
			on_zone(c, &msg->u.zones);
		break;
	case WIRE_ZONE_STATS:
		if (msg->count) {
			uint32_t zone = mapped_id(c, msg->u.zone_stats.zone, false);

			if (zone != UINT32_MAX)
				profile_zone_stats(p, zone, (pid_t)msg->u.zone_stats.tid,
						   msg->u.zone_stats.count, (double)msg->u.zone_stats.sum,
						   msg->u.zone_stats.min, msg->u.zone_stats.max,
						   ns_to_s(msg->u.zone_stats.ts));
		}
		break;
	case WIRE_COUNTERS:
		if (msg->count) {
			const struct wire_counters *k = &msg->u.counters;
			uint32_t id = mapped_id(c, k->counter, true);
			double t = ns_to_s(k->ts);

			if (id == UINT32_MAX)
				break;
			if (k->op == WIRE_COUNTER_ADD)
				profile_counter_update(p, id, false, num_value(&k->value), t);
			else if (k->op == WIRE_COUNTER_SET)
				profile_counter_update(p, id, true, num_value(&k->value), t);
			else if (k->op == WIRE_COUNTER_TOTAL)
				profile_counter_total(p, id, num_value(&k->value), t);
		}
		break;
	case WIRE_MARK:
		profile_mark(p, ns_to_s(msg->u.mark.ts), (pid_t)msg->u.mark.tid, msg->u.mark.text.s);
		break;
	case WIRE_STATS:
		p->agent_samples = msg->u.stats.samples;
		p->agent_dropped = msg->u.stats.samples_dropped;
		p->agent_events_dropped = msg->u.stats.events_dropped;
		p->agent_bytes = msg->u.stats.bytes_sent;
		p->achieved_hz = msg->u.stats.achieved_hz;
		/* The agent's cost: since 1.2 (an older agent's STATS stop
		 * before it, and the figure stays unknown). */
		if (msg->nfields >= WIRE_STATS_NFIELDS_1_2) {
			struct profile_cost cost = {msg->u.stats.handler_ns, msg->u.stats.writer_ns,
			                            msg->u.stats.process_ns};

			profile_cost_update(p, &cost);
		}
		note_drops(c, p);
		break;
	case WIRE_NOTICE:
		on_notice(c, p, &msg->u.notice);
		break;
	default:
		break; /* control frames are not for us; unknown types never reach here */
	}
	return 0;
}

/* ---- accept / read ------------------------------------------------------------ */

int ingest_accept(struct ingest *in, struct ingest_conn **out)
{
	struct ingest_conn *c;
	pid_t pid;
	uid_t uid;
	long limit;
	int fd = listener_accept(in->listen_fd, &pid, &uid);

	if (fd == -EAGAIN)
		return 0;
	if (fd < 0)
		return fd;
	if (!listener_fd_room(fd, &limit)) {
		/* Keep descriptors for /proc: a blind list is worse than an agent
		 * turned away, and the agent retries on its own. */
		close(fd);
		in->stats.no_fds++;
		model_lock(in->m);
		in->m->agents_no_fds = in->stats.no_fds;
		in->m->fd_limit = limit;
		if (in->stats.no_fds == 1 ||
		    in->m->now - in->no_fds_logged_at >= INGEST_REFUSE_LOG_S) {
			msglog_add(&in->m->log, in->m->now, MSG_ERROR,
				   "turned away an agent (pid %ld): perftop is out of file "
				   "descriptors (limit %ld); raise ulimit -n (%llu turned away)",
				   (long)pid, limit, (unsigned long long)in->stats.no_fds);
			in->no_fds_logged_at = in->m->now;
		}
		model_unlock(in->m);
		return 0;
	}
	if (!listener_peer_allowed(uid, in->uid)) {
		close(fd);
		in->stats.refused++;
		model_lock(in->m);
		/* A peer that retries (an agent backs off to once a second), or
		 * many, must not push everything else out of the log. */
		if (in->stats.refused == 1 ||
		    in->m->now - in->refused_logged_at >= INGEST_REFUSE_LOG_S) {
			msglog_add(&in->m->log, in->m->now, MSG_WARN,
				   "refused an agent of uid %u (pid %ld): not our user (%llu refused)",
				   (unsigned)uid, (long)pid, (unsigned long long)in->stats.refused);
			in->refused_logged_at = in->m->now;
		}
		model_unlock(in->m);
		return 0;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->pid = pid;
	c->uid = uid;
	c->in = in;
	hashmap_init(&c->names);
	hashmap_init(&c->zstacks);
	c->res = resolve_new(in->m, in->sym, pid, uid);
	c->ids = xmalloc(sizeof(*c->ids) * WIRE_MAX_STACK_DEPTH);
	c->lines = xmalloc(sizeof(*c->lines) * WIRE_MAX_STACK_DEPTH);
	wire_decoder_init(&c->dec, 0, WIRE_DECODER_NEED_HELLO, on_message, c);
	XGROW(in->conns, in->conns_alloc, in->nconns + 1, 16);
	in->conns[in->nconns++] = c;
	in->stats.accepted++;
	*out = c;
	return 1;
}

static void conn_close(struct ingest *in, struct ingest_conn *c, const char *why)
{
	struct process *p = model_find(in->m, c->pid);

	if (p && p->profile && c->hello) {
		p->profile->connected = false;
		if (why)
			p->profile->decode_errors++;
	}
	if (why) {
		in->stats.errors++;
		msglog_add(&in->m->log, in->m->now, MSG_ERROR, "agent pid %ld: %s; connection closed",
			   (long)c->pid, why);
	} else if (c->hello) {
		msglog_add(&in->m->log, in->m->now, MSG_INFO, "agent disconnected: pid %ld",
			   (long)c->pid);
	}
	for (size_t i = 0; i < in->nconns; i++)
		if (in->conns[i] == c) {
			in->conns[i] = in->conns[--in->nconns];
			break;
		}
	conn_free(c);
}

int ingest_conn_read(struct ingest *in, struct ingest_conn *c)
{
	size_t total = 0;

	while (total < INGEST_MAX_READ_PER_CALL) {
		ssize_t n = recv(c->fd, in->readbuf, INGEST_READ_CHUNK, MSG_DONTWAIT);
		int err;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0) {
			char why[96];

			model_lock(in->m);
			if (n < 0)
				snprintf(why, sizeof(why), "read failed: %s", strerror(errno));
			else if (wire_decoder_pending(&c->dec))
				snprintf(why, sizeof(why), "stream ended inside a frame (%zu bytes)",
					 wire_decoder_pending(&c->dec));
			conn_close(in, c, n < 0 || wire_decoder_pending(&c->dec) ? why : NULL);
			model_unlock(in->m);
			return -1;
		}
		total += (size_t)n;
		in->stats.bytes += (uint64_t)n;
		model_lock(in->m);
		err = wire_decoder_feed(&c->dec, in->readbuf, (size_t)n);
		if (err < 0) {
			char why[256];

			snprintf(why, sizeof(why), "%s", wire_decoder_error(&c->dec));
			if (!*why)
				snprintf(why, sizeof(why), "%s", strerror(-err));
			conn_close(in, c, why);
			model_unlock(in->m);
			return -1;
		}
		model_unlock(in->m);
	}
	return 0;
}
