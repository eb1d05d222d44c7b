/*
 * agent_line — the process view's line of agent figures: the rate asked
 * for and achieved, samples, drops (and whether it is dropping now, from a
 * small meter of the drop count over the last draws), what the agent
 * cannot sample, and its own CPU cost; or why no agent is connected.
 */
#ifndef PERFTOP_UI_AGENT_LINE_H
#define PERFTOP_UI_AGENT_LINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/model.h"
#include "ui/lines.h"

/* Below this much CPU time of the target since perftop connected, the agent
 * line shows the agent's own CPU time, not its share (ns). */
#define UI_COST_MIN_TARGET_NS 1000000000ull

/* The agent's drop count at the last few draws, to tell dropping now from
 * dropped once. Zeroed memory is an empty meter. */
enum { DROP_SLOTS = 8, DROP_RECENT_S = 3 };
struct drop_meter {
	pid_t pid;                /* the process the counts are of */
	double t[DROP_SLOTS];     /* monotonic seconds */
	uint64_t v[DROP_SLOTS];   /* samples plus events dropped, cumulative */
	unsigned n, head;
};

/* Adds one line of the agent's figures of process p: "Agent 1000 Hz
 * requested, 992 Hz achieved, 12,345 samples, 0 dropped" (drops in TE_WARN;
 * "idle (no CPU used)" for a rate of 0 while p uses no CPU), or "agent: not
 * connected" when p has no profile, with why when its executable says
 * (p->agent_why). Records the drop count in drops at time now (monotonic
 * seconds); "DROPPING N/s" leads when the count rose lately and the model
 * is live (not a snapshot or a paused copy). group: counts with thousands
 * separators (not for --batch). Model locked. */
void agent_line__draw(struct lines *out, const struct process *p, int width,
		      struct drop_meter *drops, double now, bool live, bool group);
/* Records the agent's drop count (samples and events) at time now. */
void agent_line__drops_add(struct drop_meter *d, pid_t pid, double now, uint64_t dropped);
/* Drops per second when the count rose in the last DROP_RECENT_S seconds
 * (over the slots kept), else 0. */
double agent_line__drops_rate(const struct drop_meter *d, double now);
/* Moves the newest record `seconds` into the past, as if the last draw had
 * been that much earlier (tests stand for the clock with it). */
void agent_line__drops_backdate(struct drop_meter *d, double seconds);

#endif
