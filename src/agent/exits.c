/*
 * exits — _exit and _Exit, interposed: a process that ends without exit()
 * (a forked child's usual end) skips the library destructor and with it the
 * writer's last flush, so what it recorded since the last periodic flush
 * (20 ms; often all of a short child's samples) would be lost.
 *
 * Before the process ends, the writer sends what the rings hold, as exec
 * has it do (agent__writer_flush): at most AGENT_WRITER_WAKE_MS for the
 * writer to get the CPU, then at most AGENT_EXIT_FLUSH_MS for the socket,
 * and only when something is waiting to be sent. Nothing here takes a lock
 * or allocates (programs call _exit from signal handlers): atomics, futex
 * and clock_gettime only, and the writer, if it cannot proceed, bounds the
 * wait.
 *
 * A vfork child shares the parent's memory and runs no fork handler, so the
 * agent still holds the parent's pid there: when the caller's pid is not
 * the agent's, the process is such a child (or one made by a raw clone)
 * and nothing is done. The end itself is the exit_group system call, as
 * glibc's _exit makes it.
 */
#include "agent/agent.h"

#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

static void exit_flush(void)
{
	if (!atomic_load(&agent__g.started) || agent__g.pid != (pid_t)syscall(SYS_getpid))
		return;
	if (agent__threads_pending() ||
	    (atomic_load(&agent__g.active) && (agent__counter_count() || agent__zone_count())))
		agent__writer_flush(AGENT_EXIT_FLUSH_MS);
}

static __attribute__((noreturn)) void exit_now(int status)
{
	for (;;)
		syscall(SYS_exit_group, status);
}

/* Interposed: _exit(2), _Exit(3); see above. */
EXPORT void _exit(int status)
{
	exit_flush();
	exit_now(status);
}

EXPORT void _Exit(int status)
{
	exit_flush();
	exit_now(status);
}
