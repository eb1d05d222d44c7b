/*
 * unwmem — libunwind's memory checks without a descriptor.
 *
 * Before it reads a word it is not sure of (every read of a step, in
 * Debian's build with conservative checks), libunwind 1.6.2 validates the
 * page: mincore(), then write() of one byte of it into a pipe it opened at
 * its initialisation and read() back. That pipe sits at the lowest free
 * numbers (3 and 4 in most programs), and when a read fails libunwind closes
 * both numbers and opens a new pipe: in a program that closed every
 * descriptor and reused those numbers, each check read a byte of the
 * program's input away, wrote a byte of memory into its output, and closed
 * its files.
 *
 * So the agent keeps libunwind from ever having that pipe: pipe() and
 * pipe2() called from libunwind's code fail (EMFILE, as if the table were
 * full: libunwind ignores the result), and the local address space's
 * access_mem accessor is replaced by one that checks a page with a system
 * call that takes no descriptor: FUTEX_WAIT with a zero timeout on the
 * page's first word reads it and fails with EFAULT when it cannot be read
 * (unmapped, or a PROT_NONE guard page), and otherwise returns at once
 * (EAGAIN, or ETIMEDOUT when the word happens to equal the probe), changing
 * nothing. Pages found readable are remembered for the rest of one unwind
 * (four, like libunwind's own cache), and forgotten at the start of the next,
 * so a page unmapped between two samples is checked again.
 *
 * The accessor table is the first member of libunwind's address-space
 * structure (true of every release to date); the replacement is made only
 * when the table there holds function pointers into libunwind's own code,
 * else it is left alone and unwinds stop at the first checked read (short
 * stacks, never a descriptor of the program), which a notice reports.
 */
#include "agent/agent.h"

#include <dlfcn.h>
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#define UNWMEM_CACHE 4u
#define UNWMEM_PAGE  4096u /* the smallest page: a larger one only checks more often */

typedef int (*pipe_fn)(int[2]);
typedef int (*pipe2_fn)(int[2], int);

/* The real pipe functions, resolved before the program can call them from a
 * signal handler (dlsym is not async-signal-safe). */
static pipe_fn real_pipe;
static pipe2_fn real_pipe2;

static __thread uintptr_t good[UNWMEM_CACHE] __attribute__((tls_model("initial-exec")));
static __thread unsigned good_next __attribute__((tls_model("initial-exec")));
static _Atomic int installed;

void agent__unwmem_begin(void)
{
	memset(good, 0, sizeof(good));
	good_next = 0;
}

/* 1 when the page at page (aligned) can be read. Async-signal-safe. */
static int page_readable(uintptr_t page)
{
	struct timespec zero = {0, 0};
	long rc;

	if (page < UNWMEM_PAGE)
		return 0;
	for (unsigned i = 0; i < UNWMEM_CACHE; i++)
		if (good[i] == page)
			return 1;
	rc = syscall(SYS_futex, (void *)page, FUTEX_WAIT_PRIVATE, 0xa5a5a5a5u, &zero, NULL, 0);
	if (rc < 0 && errno != EAGAIN && errno != ETIMEDOUT && errno != EINTR)
		return 0;
	good[good_next++ % UNWMEM_CACHE] = page;
	return 1;
}

int agent__unwmem_readable(uintptr_t addr, size_t len)
{
	uintptr_t first = addr & ~(uintptr_t)(UNWMEM_PAGE - 1);
	uintptr_t last = (addr + len - 1) & ~(uintptr_t)(UNWMEM_PAGE - 1);

	if (addr + len < addr)
		return 0;
	return page_readable(first) && (last == first || page_readable(last));
}

/* libunwind's local access_mem, with the check above: arg carries the
 * context pointer with bit 0 set when the read must be validated. During
 * the handler's fast trace every read is checked: libunwind's trace
 * (sampler.c) reads a frame it has a cached layout for without asking for
 * a check, and a layout cached for a module since unloaded would point
 * anywhere. */
static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write, void *arg)
{
	(void)as;
	if (write) {
		*(unw_word_t *)addr = *val;
		return 0;
	}
	if ((((uintptr_t)arg & 1u) || agent__in_handler == AGENT_IN_TRACE) &&
	    !agent__unwmem_readable(addr, sizeof(unw_word_t)))
		return -UNW_EINVAL;
	*val = *(unw_word_t *)addr;
	return 0;
}

int agent__unwmem_init(void)
{
	unw_accessors_t *acc;
	unw_context_t uc;
	unw_cursor_t c;

	if (atomic_load(&installed))
		return 0;
	real_pipe = (pipe_fn)dlsym(RTLD_NEXT, "pipe");
	real_pipe2 = (pipe2_fn)dlsym(RTLD_NEXT, "pipe2");
	/* The first cursor runs libunwind's initialisation (the pipe it asks
	 * for is refused) and fills the local address space. */
	if (unw_getcontext(&uc) != 0 || unw_init_local(&c, &uc) != 0)
		return -EINVAL;
	acc = (unw_accessors_t *)unw_local_addr_space;
	if (!agent__phdr_in_unwinder((uintptr_t)acc->find_proc_info) ||
	    !agent__phdr_in_unwinder((uintptr_t)acc->access_mem) ||
	    !agent__phdr_in_unwinder((uintptr_t)acc->access_reg) ||
	    !agent__phdr_in_unwinder((uintptr_t)acc->access_fpreg) ||
	    !agent__phdr_in_unwinder((uintptr_t)acc->get_proc_name)) {
		agent__notice(0, "unwind-layout", 0,
		              "this libunwind's address space has an unknown layout: its memory "
		              "checks are off and stacks may be cut short");
		return -ENOTSUP;
	}
	__atomic_store_n(&acc->access_mem, access_mem, __ATOMIC_RELEASE);
	atomic_store(&installed, 1);
	return 0;
}

/* ---- the refused pipe --------------------------------------------------- */

/* Interposed. Contract as pipe2(2); called from libunwind's code it fails
 * with EMFILE and creates nothing (see above). */
__attribute__((visibility("default"))) int pipe2(int fds[2], int flags)
{
	if (agent__phdr_in_unwinder((uintptr_t)__builtin_return_address(0)))
		return errno = EMFILE, -1;
	if (!real_pipe2)
		return (int)syscall(SYS_pipe2, fds, flags);
	return real_pipe2(fds, flags);
}

/* Interposed. Contract as pipe(2); refused to libunwind like pipe2. */
__attribute__((visibility("default"))) int pipe(int fds[2])
{
	if (agent__phdr_in_unwinder((uintptr_t)__builtin_return_address(0)))
		return errno = EMFILE, -1;
	if (!real_pipe)
		return (int)syscall(SYS_pipe2, fds, 0);
	return real_pipe(fds);
}
