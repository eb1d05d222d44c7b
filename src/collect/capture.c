/*
 * capture — the command's output read from its pipe; see capture.h.
 *
 * Each read takes one chunk. Its bytes go to the file while the cap allows
 * (a short or failed write counts the rest as dropped and stops the file:
 * the command itself never sees ENOSPC or EFBIG). Its complete lines go to
 * the model's output ring; a chunk with more lines than the ring holds adds
 * only its last ones. A line is cut at MSGLOG_LEN - 1 bytes, a carriage
 * return starts it again (progress bars), and control characters become
 * '?' so nothing the program prints can move perftop's cursor.
 */
#include "collect/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

enum { CAPTURE_CHUNK = 64 * 1024 };

struct capture {
	int pipe_fd, file_fd;
	unsigned long long cap, written;
	int stopped;                   /* the file took no more (cap or error) */
	char line[MSGLOG_LEN];
	size_t line_len;
	char buf[CAPTURE_CHUNK];
};

struct capture *capture_new(int pipe_fd, int file_fd, unsigned long long cap)
{
	struct capture *cp = xcalloc(1, sizeof(*cp));
	int fl = fcntl(pipe_fd, F_GETFL);

	if (fl >= 0)
		fcntl(pipe_fd, F_SETFL, fl | O_NONBLOCK);
	cp->pipe_fd = pipe_fd;
	cp->file_fd = file_fd;
	cp->cap = cap;
	return cp;
}

int capture_fd(const struct capture *cp)
{
	return cp->pipe_fd;
}

/* Writes what the cap allows; returns the bytes not written. */
static size_t to_file(struct capture *cp, const char *p, size_t n, int *err)
{
	size_t room = n;

	if (cp->file_fd < 0)
		return cp->stopped ? n : 0;
	if (cp->cap && cp->written + n > cp->cap) {
		room = (size_t)(cp->cap - cp->written);
		*err = EFBIG;
	}
	while (room) {
		ssize_t w = write(cp->file_fd, p, room);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			*err = w < 0 ? errno : EIO;
			break;
		}
		p += w;
		room -= (size_t)w;
		n -= (size_t)w;
		cp->written += (unsigned long long)w;
	}
	if (*err) {
		close(cp->file_fd);
		cp->file_fd = -1;
		cp->stopped = 1;
	}
	return n;
}

/* One byte of a line: printable kept, control characters '?'. */
static void line_put(struct capture *cp, unsigned char ch)
{
	if (cp->line_len + 1 >= sizeof(cp->line))
		return; /* cut: the rest of a long line is not shown */
	if (ch == '\t')
		ch = ' ';
	else if (ch < 0x20 || ch == 0x7f)
		ch = '?';
	cp->line[cp->line_len++] = (char)ch;
}

/* Adds the chunk's complete lines to m->output. Caller holds the lock. */
static void to_lines(struct capture *cp, struct model *m, const char *p, size_t n)
{
	size_t start = 0, newlines = 0, skip;

	for (size_t i = 0; i < n; i++)
		newlines += p[i] == '\n';
	/* Only the last MSGLOG_CAP complete lines can stay in the ring. */
	skip = newlines > MSGLOG_CAP ? newlines - MSGLOG_CAP : 0;
	for (size_t i = 0; i < n && skip; i++) {
		if (p[i] == '\n') {
			skip--;
			start = i + 1;
			cp->line_len = 0;
		}
	}
	for (size_t i = start; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '\n') {
			cp->line[cp->line_len] = '\0';
			msglog_add(&m->output, m->now, MSG_INFO, "%s", cp->line);
			cp->line_len = 0;
		} else if (ch == '\r') {
			if (i + 1 < n && p[i + 1] != '\n')
				cp->line_len = 0;
		} else {
			line_put(cp, ch);
		}
	}
}

int capture_read(struct capture *cp, struct model *m)
{
	ssize_t n;
	size_t dropped;
	int err = 0;

	do
		n = read(cp->pipe_fd, cp->buf, sizeof(cp->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n <= 0) {
		if (cp->line_len) { /* a last line without its newline */
			model_lock(m);
			cp->line[cp->line_len] = '\0';
			msglog_add(&m->output, m->now, MSG_INFO, "%s", cp->line);
			cp->line_len = 0;
			model_unlock(m);
		}
		return -1;
	}
	dropped = to_file(cp, cp->buf, (size_t)n, &err);
	model_lock(m);
	m->output_bytes += (unsigned long long)n;
	m->output_dropped += dropped;
	if (err && !m->output_error) {
		m->output_error = err;
		if (err == EFBIG)
			msglog_add(&m->log, m->now, MSG_WARN,
				   "command output over %llu bytes: the rest is not kept in the file",
				   cp->cap);
		else
			msglog_add(&m->log, m->now, MSG_WARN,
				   "command output file: %s: the rest is not kept", strerror(err));
	}
	to_lines(cp, m, cp->buf, (size_t)n);
	model_unlock(m);
	return 0;
}

void capture_free(struct capture *cp)
{
	if (!cp)
		return;
	if (cp->pipe_fd >= 0)
		close(cp->pipe_fd);
	if (cp->file_fd >= 0)
		close(cp->file_fd);
	free(cp);
}
