/*
 * cpu — the CPU-usage arithmetic, kept apart so it can be tested by hand.
 *
 * A process's CPU % is the change in its user+system clock ticks over the
 * change in wall time (CLOCK_BOOTTIME), as top computes it, capped at
 * 100 % per thread. A CPU's busy % is the share of non-idle jiffies in the
 * change of all jiffies between two readings of /proc/stat.
 */
#ifndef PERFTOP_MODEL_CPU_H
#define PERFTOP_MODEL_CPU_H

/* Returns the CPU % of a process that used tick_delta clock ticks (at hz
 * ticks per second) over elapsed_s seconds, capped at 100 * threads. Returns
 * 0 for a non-positive interval, a counter that went backwards, or hz <= 0. */
double cpu_process_percent(unsigned long long ticks_prev, unsigned long long ticks_now,
			   long hz, double elapsed_s, int threads);

/* One /proc/stat line, as jiffies. */
struct cpu_jiffies {
	unsigned long long busy; /* user+nice+system+irq+softirq+steal */
	unsigned long long idle; /* idle+iowait */
};

/* Busy % of one CPU between two readings, in [0, 100]; 0 when no time passed. */
double cpu_busy_percent(struct cpu_jiffies prev, struct cpu_jiffies now);

#endif
