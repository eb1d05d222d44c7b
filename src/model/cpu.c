/* cpu — CPU % arithmetic; see cpu.h. */
#include "model/cpu.h"

double cpu_process_percent(unsigned long long ticks_prev, unsigned long long ticks_now,
			   long hz, double elapsed_s, int threads)
{
	double pct, cap;

	if (hz <= 0 || !(elapsed_s > 0) || ticks_now < ticks_prev)
		return 0;
	pct = (double)(ticks_now - ticks_prev) * 100.0 / ((double)hz * elapsed_s);
	cap = 100.0 * (threads > 0 ? threads : 1);
	return pct > cap ? cap : pct;
}

double cpu_busy_percent(struct cpu_jiffies prev, struct cpu_jiffies now)
{
	unsigned long long busy, idle, total;

	busy = now.busy >= prev.busy ? now.busy - prev.busy : 0;
	idle = now.idle >= prev.idle ? now.idle - prev.idle : 0;
	total = busy + idle;
	if (!total)
		return 0;
	return (double)busy * 100.0 / (double)total;
}
