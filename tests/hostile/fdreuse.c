/*
 * fdreuse — a daemon that closes every descriptor, then opens files at the
 * low numbers and copies one into the other in small pieces while it works
 * (so the agent samples during the copy). The copy must equal the input.
 *
 *   fdreuse DIR     (DIR: a writable directory for in.dat and out.dat)
 */
#include "hostile.h"

#include <sys/stat.h>

#define SIZE  (64 * 1024)
#define CHUNK 61

int main(int argc, char **argv)
{
	static char data[SIZE], back[SIZE];
	char in[4096], out[4096];
	int ifd, ofd, lowest;
	size_t done = 0;

	if (argc != 2)
		return 2;
	snprintf(in, sizeof(in), "%s/in.dat", argv[1]);
	snprintf(out, sizeof(out), "%s/out.dat", argv[1]);
	for (size_t i = 0; i < SIZE; i++)
		data[i] = (char)('a' + (i * 7 + i / 97) % 26);
	ifd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (ifd < 0 || hs_write_all(ifd, data, SIZE) < 0)
		return 3;
	close(ifd);
	hs_burn_ms(150); /* the agent is sampling (and unwinding) now */

	hs_close_from(3);
	lowest = hs_lowest_free();
	printf("lowest free after close-all: %d\n", lowest);
	ifd = open(in, O_RDONLY);
	ofd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0644);
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
			hs_burn_ms(1);
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
