/*
 * writer (agent-private) — what the writer thread's three files share:
 *   writer.c     the thread: its loop, its descriptor table, flush requests
 *                from exec and exit, the clock and the agent's own cost;
 *   transport.c  the socket: connect and reconnect with backoff, the checks
 *                that a descriptor is still ours, HELLO, sends that never
 *                block, control frames from perftop;
 *   frames.c     one flush: the rings, names, threads, maps, counters,
 *                notices and statistics turned into wire frames in the
 *                writer's one fixed buffer.
 * Only the writer thread touches writer__w (after fork, the child's one
 * thread resets it). See writer.c for the order of frames on a connection.
 */
#ifndef PERFTOP_AGENT_WRITER_H
#define PERFTOP_AGENT_WRITER_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "agent/agent.h"
#include "wire/wire.h"

#define CMDLINE_MAX (32u << 10)

struct writer {
	int fd; /* -1 when not connected */
	dev_t dev;
	ino_t ino;
	int broken; /* a send failed: disconnect after this flush */
	uint64_t next_try_ns;
	unsigned backoff_ms;
	int ever_connected;

	struct wire_buf buf;
	uint8_t mem[WIRE_SEND_BUF_BYTES];
	struct wire_decoder dec;
	int dec_ready;

	/* Per connection. */
	uint32_t names_sent;
	uint32_t maps_gen;  /* generation sent (or being sent) */
	uint32_t maps_next; /* next mapping to send of that generation; UINT32_MAX when done */
	uint32_t gone_from, gone_to; /* departed mappings sent with that set */
	int64_t counter_sent[AGENT_MAX_COUNTERS];
	uint32_t gauge_seq_sent[AGENT_MAX_COUNTERS];
	uint8_t counter_fresh[AGENT_MAX_COUNTERS];
	int paused_samples, paused_events;

	/* Totals since start (this process). */
	uint64_t bytes_sent;
	uint64_t samples_lost; /* dropped here: no connection, no room */
	uint64_t events_lost;
	uint64_t retired_taken, retired_dropped, retired_ev_dropped; /* of freed slots */
	uint64_t retired_handler; /* handler_ticks of freed slots */

	/* The agent's cost when this connection began (cost_read): STATS
	 * carry what it spent since. */
	uint64_t cost0_handler;               /* ticks */
	uint64_t cost0_writer, cost0_process; /* ns */

	/* STATS interval. */
	uint64_t last_second_ns;
	uint64_t last_taken;
	uint64_t last_cpu_ns;
	double achieved_hz;
	uint32_t notice_gen; /* notices sent on this connection, up to this generation */
	/* Departed log position read before the last flush's ring heads: the
	 * samples that flush drained were taken before every departure from
	 * here on, so MAPS sends the departed mappings from here. */
	uint32_t gone_mark;

	/* Clock. */
	double ns_per_tick;

	/* HELLO. */
	char exe[4096];
	char cmdline[CMDLINE_MAX];
	struct wire_str argv[WIRE_MAX_ARGV];
	uint32_t argc;
};

extern struct writer writer__w;

/* ---- writer.c ---- */
/* Measures the ratio of raw ticks to CLOCK_MONOTONIC ns (each flush). */
void writer__calibrate(void);
static inline uint64_t writer__to_ns(uint64_t ticks)
{
	if (!agent__g.use_tsc)
		return ticks;
	if (ticks >= agent__g.ticks0)
		return agent__g.ns0 +
		       (uint64_t)((double)(ticks - agent__g.ticks0) * writer__w.ns_per_tick);
	return agent__g.ns0 - (uint64_t)((double)(agent__g.ticks0 - ticks) * writer__w.ns_per_tick);
}

static inline uint64_t writer__dur_ns(uint64_t ticks)
{
	return agent__g.use_tsc ? (uint64_t)((double)ticks * writer__w.ns_per_tick) : ticks;
}

/* The CPU time of clock clk in ns (0 when it cannot be read). */
uint64_t writer__cpu_ns(clockid_t clk);
/* The agent's cost so far: handler ticks of every thread, the writer
 * thread's CPU time and the process's in ns. Writer thread only. */
void writer__cost_read(uint64_t *handler, uint64_t *writer, uint64_t *process);

/* ---- transport.c ---- */
/* fd is still the socket with identity dev, ino. */
int writer__sock_is(int fd, dev_t dev, ino_t ino);
/* The connection's socket is still ours (else forgotten, and broken). */
int writer__fd_ours(void);
/* Sends what the buffer holds, as much as the socket takes now. */
void writer__send_some(void);
/* Reads the executable and command line HELLO carries. */
void writer__read_cmdline(void);
/* One connection attempt; on failure the next is put off (backoff). */
void writer__try_connect(void);
/* Closes the connection (when still ours), stops recording, empties the
 * rings, and puts off the next attempt. */
void writer__disconnect(void);
/* Reads and acts on the control frames perftop sent. */
void writer__read_control(void);
/* Lets the socket take what the buffer holds, until deadline (ns). */
void writer__drain_until(uint64_t deadline);

/* ---- frames.c ---- */
/* Once a second: the achieved sampling rate HELLO and STATS report. */
void writer__measure_rate(uint64_t now);
/* One flush: everything the rings hold, counters, and (second: each second
 * or at the end) the exact statistics; disconnects when the socket broke. */
void writer__flush(int second);

#endif
