/* waitstatus — wait statuses in words; see waitstatus.h. */
#include "util/waitstatus.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

void waitstatus_describe(char *out, size_t outsz, int status)
{
	if (WIFEXITED(status)) {
		snprintf(out, outsz, "exited with status %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		const char *name = sigabbrev_np(WTERMSIG(status));

		if (name)
			snprintf(out, outsz, "killed by SIG%s%s", name,
				 WCOREDUMP(status) ? " (core dumped)" : "");
		else
			snprintf(out, outsz, "killed by signal %d%s", WTERMSIG(status),
				 WCOREDUMP(status) ? " (core dumped)" : "");
	} else {
		snprintf(out, outsz, "wait status 0x%x", (unsigned)status);
	}
}
