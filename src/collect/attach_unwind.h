/*
 * attach_unwind — unwinding a stack the kernel copied (perf_event_open's
 * PERF_SAMPLE_REGS_USER and PERF_SAMPLE_STACK_USER) of a process perftop
 * samples from outside, with libdw.
 *
 * One Dwfl per target, reported from /proc/PID/maps and attached once with
 * callbacks of our own (as perf and ddprof do with elfutils 0.188): each
 * sample only sets the registers and the copied stack those callbacks read,
 * so the modules, their ELF files and CFI stay cached across samples.
 * Memory is read from the copy alone: never from the running target (no
 * process_vm_readv), so a frame whose caller lies above the copy ends the
 * stack, and the result says it was truncated. The unwind state belongs to
 * the caller's thread (the collector); nothing here touches the model.
 */
#ifndef PERFTOP_COLLECT_ATTACH_UNWIND_H
#define PERFTOP_COLLECT_ATTACH_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The user registers asked of the kernel (x86-64 perf_regs bits: AX BX CX
 * DX SI DI BP SP IP, R8..R15), and how many there are in a sample. */
#define ATTACH_UNWIND_REGS_MASK 0xff01ffULL
enum { ATTACH_UNWIND_NREGS = 17 };

struct attach_unwind;

/* The unwinder for process pid: its modules as /proc/PID/maps has them now.
 * Returns NULL with a reason in why when libdw cannot report or attach. */
struct attach_unwind *attach_unwind_new(pid_t pid, char *why, size_t why_len);
void attach_unwind_free(struct attach_unwind *u);

/* The target mapped new code (dlopen): its modules are reported again from
 * /proc/PID/maps before the next unwind. exec: true when the program was
 * replaced (every module is dropped, the state attached again). */
void attach_unwind_maps_changed(struct attach_unwind *u, bool exec);

/* What one sample gives: regs in the order of ATTACH_UNWIND_REGS_MASK
 * (nregs of them; fewer means no registers: the leaf ip alone), the copy of
 * the stack from the sampled stack pointer up (stack_size bytes), and
 * whether the copy was cut by its size (stack_full) rather than the top of
 * the stack. */
struct attach_unwind_sample {
	pid_t tid;
	uint64_t ip;
	const uint64_t *regs;
	size_t nregs;
	const uint8_t *stack;
	size_t stack_size;
	bool stack_full;
};

/* Unwinds s into pcs (leaf first, at most cap; every frame but the leaf
 * already moved back into its call instruction: return address - 1).
 * Returns the number of frames (at least 1: the ip). *truncated is set when
 * the walk needed stack above the copy of a full copy. Cost: ~µs per frame
 * once the modules' CFI is loaded. */
size_t attach_unwind_stack(struct attach_unwind *u, const struct attach_unwind_sample *s,
			   uint64_t *pcs, size_t cap, bool *truncated);

#endif
