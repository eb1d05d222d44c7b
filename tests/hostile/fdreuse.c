/*
 * fdreuse — a program that puts its own files at the low descriptor numbers
 * and copies one into the other in small pieces while it works (so the
 * agent samples during the copy, over a deep stack and in code without
 * unwind information). The copy must equal the input. Two ways to get
 * there:
 *   closeall  the daemon idiom: close every descriptor, then open the files
 *             (they land on 3 and 4)
 *   dup2      the shell idiom (exec 3<in 4>out): open the files anywhere
 *             and dup2() them onto 3 and 4, whatever was there
 *
 *   fdreuse DIR closeall|dup2   (DIR: a writable directory for in.dat and out.dat)
 */
#include "hostile.h"

#include <sys/stat.h>

/* Work in a function written in assembly without unwind information, as
 * hand-written routines often are: an unwinder has to fall back on the
 * frame chain there (and check each address before it reads it). */
void nocfi_spin(unsigned long n);
__asm__(".text\n"
        ".globl nocfi_spin\n"
        ".type nocfi_spin, @function\n"
        "nocfi_spin:\n"
        "1: dec %rdi\n"
        "   jnz 1b\n"
        "   ret\n"
        ".size nocfi_spin, .-nocfi_spin\n");

/* Spins in nocfi_spin until MS more ms of CPU time are used. */
static void spin_ms(double ms)
{
	uint64_t end = hs_cpu_ns(CLOCK_THREAD_CPUTIME_ID) + (uint64_t)(ms * 1e6);

	while (hs_cpu_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		nocfi_spin(20000);
}

/* spin_ms at the bottom of DEPTH frames of 2 KB each: a stack spread over
 * many pages, new to whoever walks it. */
static __attribute__((noinline)) void deep_spin(int depth, double ms)
{
	volatile char pad[2048];

	pad[0] = (char)depth;
	if (depth > 0)
		deep_spin(depth - 1, ms);
	else
		spin_ms(ms);
	pad[1] = pad[0];
}

#define SIZE  (64 * 1024)
#define CHUNK 61

int main(int argc, char **argv)
{
	static char data[SIZE], back[SIZE];
	char in[4096], out[4096];
	int ifd, ofd, lowest;
	size_t done = 0;

	if (argc != 3)
		return 2;
	snprintf(in, sizeof(in), "%s/in.dat", argv[1]);
	snprintf(out, sizeof(out), "%s/out.dat", argv[1]);
	for (size_t i = 0; i < SIZE; i++)
		data[i] = (char)('a' + (i * 7 + i / 97) % 26);
	ifd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (ifd < 0 || hs_write_all(ifd, data, SIZE) < 0)
		return 3;
	close(ifd);
	spin_ms(150); /* the agent is sampling (and unwinding) now */

	if (!strcmp(argv[2], "closeall")) {
		hs_close_from(3);
		lowest = hs_lowest_free();
		printf("lowest free after close-all: %d\n", lowest);
		ifd = open(in, O_RDONLY);
		ofd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0644);
	} else {
		int i = open(in, O_RDONLY), o = open(out, O_RDWR | O_CREAT | O_TRUNC, 0644);

		ifd = dup2(i, 3);
		ofd = dup2(o, 4);
		if (i != ifd)
			close(i);
		if (o != ofd)
			close(o);
	}
	hs_print_fd("input", ifd);
	hs_print_fd("output", ofd);
	while (done < SIZE) {
		char buf[CHUNK];
		ssize_t r = read(ifd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			hs_fail("read at %zu: %s", done, r ? strerror(errno) : "end of file");
			break;
		}
		if (hs_write_all(ofd, buf, (size_t)r) < 0) {
			hs_fail("write at %zu: %s", done, strerror(errno));
			break;
		}
		done += (size_t)r;
		if (done % (CHUNK * 16) < CHUNK)
			deep_spin((int)(done / (CHUNK * 16)) % 48, 1);
	}
	hs_burn_ms(50);
	if (pread(ofd, back, SIZE, 0) != SIZE)
		hs_fail("cannot read the copy back: %s", strerror(errno));
	else if (memcmp(back, data, SIZE))
		hs_fail("the copy differs from the input");
	else
		printf("copy of %d bytes identical\n", SIZE);
	hs_print_fd("input", ifd);
	hs_print_fd("output", ofd);
	{
		struct stat st;

		if (fstat(ofd, &st) == 0)
			printf("output size %lld\n", (long long)st.st_size);
	}
	printf("fdreuse done\n");
	return hs_failures ? 1 : 0;
}
