#!/bin/sh
# Turns the raw samples of bench/soak.bench.sh into the soak section of
# docs/PERFORMANCE.md (markdown on stdout). Works on a run still in progress
# too: the figures then cover the samples so far.
#   bench/soak_report.sh [RAW]   (default $BUILD/bench/soak.raw)
set -eu
BUILD=${BUILD:-build}
RAW=${1:-$BUILD/bench/soak.raw}
if [ ! -s "$RAW" ]; then
	echo "soak_report: no raw samples in $RAW (run bench/soak.bench.sh first)" >&2
	exit 1
fi
if [ "$(grep -vc '^#' "$RAW")" -lt 2 ]; then
	echo "soak_report: $RAW has fewer than two samples yet" >&2
	exit 1
fi

awk '
function meta(key) { return m[key] }
/^# / {
	k = $2; v = $0; sub(/^# [^ ]* /, "", v); m[k] = v
	if (k == "baseline") { bt = $3; bi = $4; bc = $5; bl0 = $6; bl1 = $7 }
	if (k == "hz") hz = $3
	if (k == "threads") thr = $3
	if (k == "secs") secs = $3
	if (k == "target") done = 1
	next
}
NF >= 10 {
	n++
	t[n] = $1; pt[n] = $2; rss[n] = $3; tt[n] = $4; wt[n] = $5; wi[n] = $6
	smp[n] = $7; drop[n] = $8; ev[n] = $9; load[n] = $10
}
END {
	if (!hz) hz = 100
	# perftop CPU: over the whole run, and the worst 10 s interval.
	cpu_all = (pt[n] - pt[1]) / hz / (t[n] - t[1]) * 100
	worst = 0
	for (i = 2; i <= n; i++)
		if (t[i] > t[i-1]) {
			c = (pt[i] - pt[i-1]) / hz / (t[i] - t[i-1]) * 100
			if (c > worst) worst = c
		}
	# RSS: from the first sample at 60 s on.
	m1 = 1
	for (i = 1; i <= n; i++) if (t[i] >= 60) { m1 = i; break }
	rmax = 0
	for (i = 1; i <= n; i++) if (rss[i] > rmax) rmax = rss[i]
	growth = (rss[n] - rss[m1]) / 1024
	# The target: units per wall second and per CPU second (last sample it was alive).
	last = n
	while (last > 1 && tt[last] == 0) last--
	rate = wt[n] > 0 ? wi[n] / wt[n] : 0
	rate_cpu = tt[last] > 0 ? wi[last] / (tt[last] / hz) : 0
	base = bt > 0 ? bi / bt : 0
	base_cpu = bc > 0 ? bi / bc : 0
	lsum = 0
	for (i = 1; i <= n; i++) lsum += load[i]
	per_thread = t[n] > t[1] ? (smp[n] - smp[1]) / (t[n] - t[1]) / thr : 0
	# Samples per CPU second of the target: 1000 when every 1 ms of CPU time earns one.
	tcpu = (tt[last] - tt[1]) / hz
	per_cpu = tcpu > 0 ? (smp[last] - smp[1]) / tcpu : 0
	cpus = t[last] > t[1] ? tcpu / (t[last] - t[1]) : 0
	state = done ? "complete" : sprintf("in progress: %d of %d s so far", t[n], secs)

	printf "## Soak: an hour of the live TUI\n\n"
	cmd = meta("command"); sub(/ \(tmux pane.*/, "", cmd)
	printf "`%s`, in a 120x40 tmux pane, at the default 1 s refresh: the real\n", cmd
	printf "screen, so its cost includes building and drawing the views (a `--batch` run would skip\n"
	printf "curses and measure less than people get). The target is `tests/workloads/pt_soak.c`: %d threads\n", thr
	printf "of fixed 0.1 ms work units, each in zone `soak.item` inside zone `soak.batch` (10 units),\n"
	printf "counter `soak.items` +1 a unit and a gauge per batch: %.0f zones and as many counter and gauge updates\n", rate * 1.1
	printf "a second over the run (%.0f unprofiled). Every 10 s the bench reads perftop'\''s CPU time and RSS\n", base * 1.1
	printf "from /proc, the "
	printf "agent'\''s sample drops from the screen (event drops from the status line), the target'\''s units\n"
	printf "done and the load average. Run %s (%s), perftop at commit %s; %d samples of the raw\n", meta("started"), state, meta("commit") == "" ? "unknown" : meta("commit"), n
	printf "file.\n\n"
	printf "| measure | result | target |\n|---|---|---|\n"
	printf "| perftop CPU, average over %d s | %.2f %% of a core | at most 3 %% |\n", t[n] - t[1], cpu_all
	printf "| perftop CPU, worst 10 s | %.2f %% | |\n", worst
	printf "| perftop RSS at 60 s → last sample | %.1f → %.1f MiB (max %.1f) | |\n", rss[m1] / 1024, rss[n] / 1024, rmax / 1024
	printf "| RSS growth after the first minute | %+.2f MiB | under 5 MB |\n", growth
	printf "| stack samples received | %d (%.0f per thread per second) | |\n", smp[n], per_thread
	printf "| samples per CPU second of the target | %.0f | 1000 (1 kHz of CPU time) |\n", per_cpu
	printf "| samples dropped by the agent | %d | 0 |\n", drop[n]
	printf "| zone/counter events dropped | %d | 0 |\n", ev[n]
	printf "| target units/s, unprofiled baseline (%d s) | %.0f | |\n", bt, base
	slow = base > 0 ? (rate / base - 1) * 100 : 0
	slow_cpu = base_cpu > 0 ? (rate_cpu / base_cpu - 1) * 100 : 0
	printf "| target units/s under perftop | %.0f (%+.1f %%) | |\n", rate, slow
	printf "| target units per CPU second, baseline → under perftop | %.0f → %.0f (%+.1f %%) | |\n", base_cpu, rate_cpu, slow_cpu
	printf "| load average (1 min), mean during the soak | %.2f (baseline: %s → %s) | |\n\n", lsum / n, bl0, bl1
	printf "The machine has %s. The agent samples CPU time: a thread earns a\n", meta("machine")
	printf "sample for each millisecond it runs, not each millisecond that passes. %d threads sharing 2 CPUs\n", thr
	printf "get a quarter of a CPU each, so 1 kHz asked gives about 250 samples per second per thread (2,000\n"
	printf "a second in all) on an idle machine; the achieved rate on the screen is per running thread. Here\n"
	printf "the target ran at nice 19 on a machine shared with other jobs (mean load above), and got %.2f\n", cpus
	printf "CPUs on average, hence %.0f samples per second per thread; per CPU second it got its 1 kHz. For\n", per_thread
	printf "the same reason the wall-clock work rate moves with the load, and units per CPU second is the\n"
	printf "measure of the agent'\''s own cost to the target (zones, counters and sampling together).\n\n"
	printf "`make bench` runs this only when asked, since it lasts an hour: `BENCH_SOAK=1 make bench`, or\n"
	printf "`SOAK_SECS=N make bench` for another length (`SOAK_BASE_SECS` sets the baseline'\''s, 60 s); a plain\n"
	printf "`make bench` keeps this section as it is. "
	printf "Raw samples: `$BUILD/bench/soak.raw` (one line per 10 s); `bench/soak_report.sh` rewrites this\n"
	printf "section from it, also while a run is in progress.\n"
}' "$RAW"
