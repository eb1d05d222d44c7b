/* End to end: real workloads from tests/workloads run with the real agent
 * (libperftop.so preloaded) into a real collector over a Unix socket, and
 * the profile perftop builds is checked against the workloads' known
 * answers: CPU shares by function, threads in a 2:1 ratio, samples that
 * account for the CPU time at the rate asked, exact zone counts and counter
 * totals. The workloads' work is fixed in CPU time and the agent samples each
 * thread's CPU clock, so these proportions hold on a busy machine too; how
 * long anything takes is not judged (the achieved rate and overhead are
 * bench/agent.bench.sh's figures). $BUILD names the build directory
 * (tests/run.sh sets it). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/collector.h"
#include "model/model.h"
#include "support/collector.h"
#include "support/deadline.h"

static struct model m;
static struct collector *col;
static char sock[128];

static void setup(void)
{
	col = test_collector_start(&m, sock, sizeof(sock), "perftop-e2e", 0.5);
}

static void teardown(void)
{
	test_collector_stop(col, &m, sock);
}

TestSuite(agent_e2e, .init = setup, .fini = teardown, .timeout = TEST_SUITE_TIMEOUT);

static const char *build_dir(void)
{
	const char *b = getenv("BUILD");

	return b && *b ? b : "build";
}

/* Runs BUILD/workloads/NAME args... with the agent at hz; returns its pid
 * after it exited, with its CPU seconds in *cpu_s. */
static pid_t run_workload(const char *name, unsigned hz, double *cpu_s, char *const args[])
{
	char prog[256], lib[256], hzs[16];
	char *argv[8] = { prog };
	struct rusage ru;
	int status;
	pid_t pid;

	snprintf(prog, sizeof(prog), "%s/workloads/%s", build_dir(), name);
	snprintf(lib, sizeof(lib), "%s/libperftop.so", build_dir());
	cr_assert_eq(access(prog, X_OK), 0, "%s is built", prog);
	cr_assert_eq(access(lib, R_OK), 0, "%s is built", lib);
	for (int i = 0; args && args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	snprintf(hzs, sizeof(hzs), "%u", hz);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		setenv("LD_PRELOAD", lib, 1);
		setenv("PERFTOP_SOCKET", sock, 1);
		setenv("PERFTOP_HZ", hzs, 1);
		setenv("PERFTOP_QUIET", "1", 1);
		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		execv(prog, argv);
		_exit(127);
	}
	cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s exited 0 (status %#x)", name,
		  status);
	*cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	return pid;
}

/* Waits until the agent of pid has disconnected (everything flushed), up
 * to TEST_WAIT_S. */
static struct profile *wait_profile(pid_t pid)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };

	for (int i = 0; i < (int)(TEST_WAIT_S * 50); i++) {
		struct process *p;
		bool done;

		model_lock(&m);
		p = model_find(&m, pid);
		done = p && p->profile && !p->profile->connected && p->profile->samples > 0;
		model_unlock(&m);
		if (done)
			return p->profile;
		nanosleep(&nap, NULL);
	}
	cr_assert_fail("no complete profile (disconnected, with samples) from pid %d within %.0f s",
		       (int)pid, TEST_WAIT_S);
	return NULL;
}

static const struct profile_func *func(const struct profile *p, const char *name)
{
	for (size_t i = 0; i < profile_func_count(p); i++)
		if (!strcmp(p->funcs[i].name, name))
			return &p->funcs[i];
	return NULL;
}

Test(agent_e2e, shares_by_function_and_cpu_time_sampled)
{
	double cpu;
	pid_t pid = run_workload("shares", 1000, &cpu, (char *[]){ "2.5", NULL });
	struct profile *p = wait_profile(pid);
	const struct profile_func *f50, *f30, *f20;
	double sum;

	model_lock(&m);
	f50 = func(p, "work_fifty");
	f30 = func(p, "work_thirty");
	f20 = func(p, "work_twenty");
	cr_assert(f50 && f30 && f20, "the three functions are named by the symbolizer");
	sum = (double)(f50->total + f30->total + f20->total);
	/* Shares of CPU-clock samples of fixed work: ±5 points is sampling
	 * noise's room (about 2,500 samples), not the machine's load. */
	cr_assert_float_eq(f50->total * 100.0 / sum, 50.0, 5.0, "work_fifty %.1f%%", f50->total * 100.0 / sum);
	cr_assert_float_eq(f30->total * 100.0 / sum, 30.0, 5.0, "work_thirty %.1f%%", f30->total * 100.0 / sum);
	cr_assert_float_eq(f20->total * 100.0 / sum, 20.0, 5.0, "work_twenty %.1f%%", f20->total * 100.0 / sum);
	cr_log_info("shares %.1f/%.1f/%.1f, %.0f samples per CPU s", f50->total * 100.0 / sum, f30->total * 100.0 / sum, f20->total * 100.0 / sum, (double)p->samples / cpu);
	cr_assert_eq(func(p, "spin")->self, func(p, "spin")->total, "spin is a leaf");
	/* One busy thread sampled on its CPU clock at 1 kHz: the samples taken
	 * (received, or dropped when the writer could not keep up) account for
	 * its CPU time at about that rate, whatever the machine's load. The
	 * bounds catch a timer at the wrong rate or on the wrong clock; how
	 * close the achieved rate comes to 1000/s is bench/agent.bench.sh's. */
	double taken = (double)(p->samples + p->agent_dropped) / cpu;

	cr_assert(taken >= 500.0 && taken <= 1500.0,
		  "%.0f samples taken per CPU second (%llu received, %llu dropped, %.2f CPU s), "
		  "asked 1000",
		  taken, (unsigned long long)p->samples, (unsigned long long)p->agent_dropped, cpu);
	model_unlock(&m);
}

Test(agent_e2e, two_threads_in_a_two_to_one_ratio)
{
	double cpu;
	pid_t pid = run_workload("twothreads", 1000, &cpu, (char *[]){ "2", NULL });
	struct profile *p = wait_profile(pid);
	uint64_t a = 0, b = 0;

	model_lock(&m);
	for (size_t i = 0; i < p->nthreads; i++) {
		uint64_t n = p->threads[i].samples;

		if (n > a) {
			b = a;
			a = n;
		} else if (n > b) {
			b = n;
		}
	}
	cr_log_info("threads %llu:%llu, process CPU %.3f s", (unsigned long long)a, (unsigned long long)b, cpu);
	cr_assert_geq(p->nthreads, 2);
	cr_assert_gt(b, 0);
	/* The light thread works to half the heavy one's CPU time: a ratio of
	 * CPU-clock samples, with room for sampling noise. */
	cr_assert_float_eq((double)a / (double)b, 2.0, 0.5, "ratio %.2f", (double)a / (double)b);
	cr_assert_not_null(func(p, "heavy_loop"));
	cr_assert_not_null(func(p, "light_main"));
	model_unlock(&m);
}

Test(agent_e2e, zones_exact_count_and_counters_exact_totals)
{
	double cpu;
	pid_t pid = run_workload("pt_zones", 1000, &cpu, (char *[]){ "200", "2000", NULL });
	struct profile *p = wait_profile(pid);
	const struct profile_zone *tick = NULL;
	double items = -1, bytes = -1;

	model_lock(&m);
	for (size_t i = 0; i < profile_zone_count(p); i++)
		if (!strcmp(p->zones[i].name, "tick"))
			tick = &p->zones[i];
	cr_assert_not_null(tick);
	cr_assert_eq(tick->exact_count, 200, "exact count %llu", (unsigned long long)tick->exact_count);
	/* Each zone busy-waits 2 ms of wall time, and longer when the machine
	 * preempts it: the median is at least 2 ms (less the histogram's 1 %),
	 * and a figure beyond a second would be a unit mistake, not load. */
	double p50 = hist_quantile(&tick->hist, 0.5);

	cr_assert(p50 >= 2e6 * 0.99 && p50 < 1e9, "p50 %.0f ns of a zone that lasts 2 ms or more",
		  p50);
	for (size_t i = 0; i < profile_counter_count(p); i++) {
		if (!strcmp(p->counters[i].name, "items"))
			items = p->counters[i].total;
		if (!strcmp(p->counters[i].name, "bytes"))
			bytes = p->counters[i].total;
	}
	cr_assert_float_eq(items, 600, 1e-9);
	cr_assert_float_eq(bytes, 200000, 1e-9);
	cr_assert_geq(p->nmarks, 1);
	cr_assert_not_null(strstr(profile_mark_at(p, p->nmarks - 1)->text, "finished 200"));
	model_unlock(&m);
}

/* The agent reports what it cost: CPU time in its signal handler and its
 * writer thread, and the process's CPU time over the same span. Sanity
 * bounds only (present, above 0, below 100 %, within the CPU time the
 * process used in all); the figures themselves are bench/agent_cost's. */
Test(agent_e2e, the_agent_reports_its_own_cost)
{
	double cpu;
	pid_t pid = run_workload("agent_burn", 1000, &cpu, (char *[]){ "1.5", NULL });
	struct profile *p = wait_profile(pid);
	double pct;

	model_lock(&m);
	cr_assert(p->cost_known, "the agent's STATS carry its cost");
	pct = profile_cost_pct(p);
	cr_log_info("agent cost %.2f %% (handler %.1f ms, writer %.1f ms, process %.1f ms, "
		    "%llu samples)", pct, p->cost.handler_ns / 1e6, p->cost.writer_ns / 1e6,
		    p->cost.process_ns / 1e6, (unsigned long long)p->samples);
	cr_assert_gt(p->cost.handler_ns, 0, "the handler ran for %llu samples",
		     (unsigned long long)p->samples);
	cr_assert_gt(p->cost.writer_ns, 0, "the writer thread ran");
	cr_assert_gt(p->cost.process_ns, 0);
	/* Since the connection, so never more than the process used in all
	 * (wait4's figure, at the end; 1 ms for its microsecond rounding). */
	cr_assert_leq(p->cost.process_ns, (uint64_t)(cpu * 1e9) + 1000000,
		      "process CPU %.3f s since the connection, %.3f s in all",
		      p->cost.process_ns / 1e9, cpu);
	cr_assert(pct > 0 && pct < 100, "agent %.2f %% of the target's CPU", pct);
	model_unlock(&m);
}
