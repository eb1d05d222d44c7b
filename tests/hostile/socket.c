/*
 * socket — a program that closes every descriptor while the agent is
 * connected, then talks over its own socketpair (which takes the lowest
 * numbers, where the agent's socket was): each side sends exactly 64 bytes
 * in small pieces while working, and each side must receive exactly those 64
 * bytes, then end of file (within 15 s: the peer sends within 150 ms of CPU).
 *
 *   socket
 */
#include "hostile.h"

#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#define BYTES   64
#define WAIT_MS 15000 /* a deadline for a peer that is never coming */

static int sv[2];

static void pattern(char *p, int salt)
{
	for (int i = 0; i < BYTES; i++)
		p[i] = (char)('A' + (i * 5 + salt) % 26);
}

/* Sends BYTES in pieces of 8 with work between, then shuts writing down. */
static void send_side(int fd, int salt)
{
	char p[BYTES];

	pattern(p, salt);
	for (int i = 0; i < BYTES; i += 8) {
		hs_burn_ms(15);
		if (hs_write_all(fd, p + i, 8) < 0)
			hs_fail("send: %s", strerror(errno));
	}
	shutdown(fd, SHUT_WR);
}

/* Reads until end of file; returns the byte count, checks the content. */
static long recv_side(int fd, int salt, const char *who)
{
	char want[BYTES], got[4096];
	long n = 0;

	pattern(want, salt);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t r;

		if (poll(&p, 1, WAIT_MS) == 0) {
			hs_fail("%s waited %d s for the rest of the peer's bytes", who,
			        WAIT_MS / 1000);
			break;
		}
		r = read(fd, got + (n < 2048 ? n : 2048), 1024);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	if (n != BYTES || memcmp(got, want, BYTES))
		hs_fail("%s received %ld bytes instead of the %d sent", who, n, BYTES);
	return n;
}

static void *peer(void *arg)
{
	static long n;

	(void)arg;
	n = recv_side(sv[1], 1, "peer");
	send_side(sv[1], 2);
	return &n;
}

int main(void)
{
	pthread_t t;
	long *peer_n, n;

	hs_burn_ms(150); /* connected and sending */
	hs_close_from(3);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 3;
	hs_print_fd("socket", sv[0]);
	hs_print_fd("socket", sv[1]);
	pthread_create(&t, NULL, peer, NULL);
	send_side(sv[0], 1);
	n = recv_side(sv[0], 2, "main");
	if (n != BYTES) {
		printf("main received %ld bytes\n", n);
		return 1; /* the peer may be waiting forever too */
	}
	pthread_join(t, (void **)&peer_n);
	printf("main received %ld bytes, peer received %ld bytes\n", n, *peer_n);
	hs_burn_ms(50);
	hs_print_fd("socket", sv[0]);
	hs_print_fd("socket", sv[1]);
	printf("socket done\n");
	return hs_failures ? 1 : 0;
}
