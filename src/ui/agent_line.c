/*
 * agent_line — the agent's figures under a process's charts, and the drop
 * meter that tells dropping now from dropped once (see agent_line.h).
 */
#include <stdio.h>
#include <string.h>

#include "ui/agent_line.h"
#include "util/check.h"
#include "util/fmt.h"

void agent_line__drops_add(struct drop_meter *d, pid_t pid, double now, uint64_t dropped)
{
	unsigned last = (d->head + DROP_SLOTS - 1) % DROP_SLOTS;

	PT_ASSERT(d->head < DROP_SLOTS && d->n <= DROP_SLOTS);
	/* another process, or its counts went back (R, a new agent): start over */
	if (d->pid != pid || (d->n && dropped < d->v[last])) {
		memset(d, 0, sizeof(*d));
		d->pid = pid;
	}
	if (d->n && now - d->t[last] < 0.5) {
		d->v[last] = dropped; /* at most two slots a second: they span seconds */
		return;
	}
	d->t[d->head] = now;
	d->v[d->head] = dropped;
	d->head = (d->head + 1) % DROP_SLOTS;
	if (d->n < DROP_SLOTS)
		d->n++;
}

double agent_line__drops_rate(const struct drop_meter *d, double now)
{
	unsigned newest = (d->head + DROP_SLOTS - 1) % DROP_SLOTS, base = newest;

	PT_ASSERT(d->head < DROP_SLOTS && d->n <= DROP_SLOTS);
	if (d->n < 2)
		return 0;
	/* base: the oldest slot of the recent seconds (the one before the
	 * newest when that is the only recent one) */
	for (unsigned k = 1; k < d->n; k++) {
		unsigned s = (newest + DROP_SLOTS - k) % DROP_SLOTS;

		if (d->t[s] < now - DROP_RECENT_S && k > 1)
			break;
		base = s;
		if (d->t[s] < now - DROP_RECENT_S)
			break;
	}
	if (d->v[newest] <= d->v[base] || d->t[newest] <= d->t[base])
		return 0;
	return (double)(d->v[newest] - d->v[base]) / (d->t[newest] - d->t[base]);
}

void agent_line__draw(struct lines *out, const struct process *p, int width,
		      struct drop_meter *drops, double now, bool live, bool group)
{
	const struct profile *prof = p ? p->profile : NULL;
	struct line *l = lines_begin(out, width);
	char req[32], got[48], samples[32], dropped[32], events[48], full[192], rate[32];
	char notes[256], cost[64];
	bool idle;
	double per_s, pct = prof ? profile_cost_pct(prof) : -1;

	line_put(l, TE_HEADER, " ");
	if (!prof) {
		line_put(l, TE_ROW_DIM, "agent: not connected");
		/* Said before anyone waits: static, set-id, capabilities. */
		if (p && p->agent_why[0])
			line_printf(l, TE_WARN, " (%s)", p->agent_why);
		line_fill(l, TE_HEADER);
		return;
	}
	if (!prof->connected && (prof->outside || prof->outside_why[0])) {
		/* Sampled from outside (no agent): the source, its rate, what
		 * the kernel lost; or why it cannot be, and what to do. */
		if (prof->outside_why[0]) {
			line_printf(l, TE_WARN, "cannot sample from outside: %s", prof->outside_why);
		} else {
			fmt_count(samples, sizeof(samples), prof->samples, group);
			fmt_count(dropped, sizeof(dropped), prof->agent_dropped, group);
			line_put(l, TE_HEADER_LABEL, "Sampled from outside");
			line_printf(l, TE_HEADER, ", %.0f Hz requested, %.0f Hz achieved, %s samples, ",
				    prof->requested_hz, prof->achieved_hz, samples);
			line_printf(l, prof->agent_dropped ? TE_WARN : TE_HEADER, "%s lost", dropped);
		}
		line_fill(l, TE_HEADER);
		return;
	}
	/* No samples because no CPU was used is not a broken sampler: an
	 * achieved rate of 0 while the process uses (next to) no CPU reads
	 * "idle" (its start-up, before the agent's timers, is not sampled). */
	idle = prof->achieved_hz < 0.5 && (p->exited || p->cpu < 5.0);
	snprintf(req, sizeof(req), "%.0f", prof->requested_hz);
	snprintf(got, sizeof(got), "%.0f", prof->achieved_hz);
	fmt_count(samples, sizeof(samples), prof->samples, group);
	fmt_count(dropped, sizeof(dropped), prof->agent_dropped, group);
	/* Dropping now (the count rose in the last seconds) comes first, in the
	 * warning colour; a snapshot or a paused copy does not change. */
	agent_line__drops_add(drops, prof->pid, now,
			prof->agent_dropped + prof->agent_events_dropped);
	per_s = live ? agent_line__drops_rate(drops, now) : 0;
	if (per_s > 0) {
		fmt_rate(rate, sizeof(rate), per_s);
		line_printf(l, TE_WARN, "DROPPING %s", rate);
		line_put(l, TE_HEADER, "  ");
	}
	/* What the agent cannot sample (threads that block its signal, samples
	 * skipped for lack of stack, a replaced handler) goes after the figures,
	 * in the warning colour; the figures take their short form to make room. */
	profile_notice_summary(prof, notes, sizeof(notes));
	/* The longest form that fits: the label, then words, give way. */
	for (int form = notes[0] ? 2 : 0; form < 4; form++) {
		const char *tail = form < 3 ? " dropped" : " drop";
		const char *gone = prof->connected ? "" : form < 3 ? ", disconnected" : " off";

		/* The agent's own CPU time, of the process's, since perftop
		 * connected (an older agent or snapshot has no figure). */
		cost[0] = '\0';
		if (pct >= 0 && prof->cost.process_ns < UI_COST_MIN_TARGET_NS) {
			/* A target that has hardly run (idle, or just
			 * connected): a share of next to nothing would read as
			 * an alarm, so the agent's own time instead. */
			double ms = (double)(prof->cost.handler_ns + prof->cost.writer_ns) / 1e6;

			snprintf(cost, sizeof(cost),
				 form < 2    ? ", agent %.*f ms of CPU"
				 : form == 2 ? ", agent %.*f ms CPU"
					     : " agent %.*fms",
				 ms < 10 ? 1 : 0, ms);
		} else if (pct >= 0) {
			snprintf(cost, sizeof(cost),
				 form < 2    ? ", agent %.*f %% of the target's CPU"
				 : form == 2 ? ", agent %.*f %% CPU"
					     : " agent %.*f%%",
				 pct < 0.095 ? 2 : 1, pct);
		}

		/* zone events, counter updates and marks the agent lost */
		events[0] = '\0';
		if (prof->agent_events_dropped) {
			char n[32];

			fmt_count(n, sizeof(n), prof->agent_events_dropped, group);
			snprintf(events, sizeof(events), form < 3 ? ", %s events lost" : " +%sev", n);
		}

		if (form <= 1 && idle)
			snprintf(full, sizeof(full),
				 "%s%s Hz requested, idle (no CPU used), %s samples, ",
				 form ? "" : "Agent ", req, samples);
		else if (form <= 1)
			snprintf(full, sizeof(full),
				 "%s%s Hz requested, %s Hz achieved, %s samples, ",
				 form ? "" : "Agent ", req, got, samples);
		else if (form == 2)
			snprintf(full, sizeof(full), "%s/%s Hz, %s samples, ", idle ? "idle" : got,
				 req, samples);
		else
			snprintf(full, sizeof(full), "%s/%s Hz %s smp ", idle ? "idle" : got, req,
				 samples);
		if (form < 3 && lines_text_width(full) + lines_text_width(dropped) +
					lines_text_width(tail) + lines_text_width(events) +
					lines_text_width(gone) + lines_text_width(cost) >
				line_room(l))
			continue;
		if (form == 0) {
			line_put(l, TE_HEADER_LABEL, "Agent ");
			line_put(l, TE_HEADER, full + 6);
		} else {
			line_put(l, TE_HEADER, full);
		}
		line_printf(l, prof->agent_dropped ? TE_WARN : TE_HEADER, "%s%s", dropped, tail);
		line_put(l, TE_WARN, events);
		line_put(l, TE_ROW_DIM, gone);
		line_put(l, TE_HEADER, cost);
		break;
	}
	if (notes[0]) {
		line_put(l, TE_HEADER, "  ");
		line_printf(l, TE_WARN, "agent: %s", notes);
	}
	line_fill(l, TE_HEADER);
}

void agent_line__drops_backdate(struct drop_meter *d, double seconds)
{
	if (d->n)
		d->t[(d->head + DROP_SLOTS - 1) % DROP_SLOTS] -= seconds;
}
