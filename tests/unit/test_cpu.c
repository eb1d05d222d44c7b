/* Unit tests for model/cpu: CPU % arithmetic as top computes it. */
#include <criterion/criterion.h>

#include "model/cpu.h"

Test(cpu, half_a_core)
{
	/* 50 ticks at 100 Hz over 1 s = 0.5 s of CPU = 50 %. */
	cr_assert_float_eq(cpu_process_percent(1000, 1050, 100, 1.0, 1), 50.0, 1e-9);
}

Test(cpu, scales_with_interval)
{
	/* 25 ticks at 100 Hz over 0.5 s = 50 %. */
	cr_assert_float_eq(cpu_process_percent(0, 25, 100, 0.5, 4), 50.0, 1e-9);
	/* 300 ticks over 2 s at 100 Hz with 4 threads = 150 %. */
	cr_assert_float_eq(cpu_process_percent(0, 300, 100, 2.0, 4), 150.0, 1e-9);
}

Test(cpu, capped_at_100_per_thread)
{
	/* Tick accounting jitter can report more than wall time allows. */
	cr_assert_float_eq(cpu_process_percent(0, 130, 100, 1.0, 1), 100.0, 1e-9);
	cr_assert_float_eq(cpu_process_percent(0, 500, 100, 1.0, 2), 200.0, 1e-9);
	/* Zero threads (a zombie) caps at one core, not zero. */
	cr_assert_float_eq(cpu_process_percent(0, 50, 100, 1.0, 0), 50.0, 1e-9);
}

Test(cpu, degenerate_inputs_give_zero)
{
	cr_assert_float_eq(cpu_process_percent(100, 50, 100, 1.0, 1), 0.0, 1e-9);
	cr_assert_float_eq(cpu_process_percent(0, 50, 100, 0.0, 1), 0.0, 1e-9);
	cr_assert_float_eq(cpu_process_percent(0, 50, 100, -1.0, 1), 0.0, 1e-9);
	cr_assert_float_eq(cpu_process_percent(0, 50, 0, 1.0, 1), 0.0, 1e-9);
}

Test(cpu, busy_share_of_jiffies)
{
	struct cpu_jiffies a = { .busy = 100, .idle = 900 };
	struct cpu_jiffies b = { .busy = 175, .idle = 925 };

	cr_assert_float_eq(cpu_busy_percent(a, b), 75.0, 1e-9);
	cr_assert_float_eq(cpu_busy_percent(a, a), 0.0, 1e-9);
	/* A counter that went backwards (CPU hot-unplug) never goes negative. */
	cr_assert_float_eq(cpu_busy_percent(b, a), 0.0, 1e-9);
}
