/* Unit tests for collect/capture: the command's output from a pipe into a
 * capped file and the model's ring of last lines (m->output). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/capture.h"
#include "model/model.h"

static struct model m;
static char path[64];
static int fds[2];

static void setup(void)
{
	int fd;

	model_init(&m, 1.0);
	strcpy(path, "/tmp/perftop-capture-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(pipe(fds), 0);
}

static void teardown(void)
{
	model_release(&m);
	unlink(path);
}

TestSuite(capture, .init = setup, .fini = teardown);

static void put(const char *s)
{
	cr_assert_eq(write(fds[1], s, strlen(s)), (ssize_t)strlen(s));
}

static long long file_size(void)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static const char *line(size_t i)
{
	const struct msglog_entry *e = msglog_at(&m.output, i);

	return e ? e->text : "(none)";
}

Test(capture, lines_and_file)
{
	struct capture *cp = capture_new(fds[0], open(path, O_WRONLY | O_TRUNC), 0);

	put("first\nsec");
	cr_assert_eq(capture_read(cp, &m), 0);
	put("ond\r\nprogress 10%\rprogress 100%\n\033[31mred\ttab\n");
	cr_assert_eq(capture_read(cp, &m), 0);
	cr_assert_eq(capture_read(cp, &m), 0, "nothing there: not the end");
	put("no newline at the end");
	close(fds[1]);
	cr_assert_eq(capture_read(cp, &m), 0);
	cr_assert_eq(capture_read(cp, &m), -1, "the pipe's end");
	cr_assert_eq(m.output.len, 5);
	cr_assert_str_eq(line(0), "first");
	cr_assert_str_eq(line(1), "second");
	cr_assert_str_eq(line(2), "progress 100%");
	cr_assert_str_eq(line(3), "?[31mred tab");
	cr_assert_str_eq(line(4), "no newline at the end");
	capture_free(cp);
	cr_assert_eq(file_size(), (long long)strlen("first\nsecond\r\nprogress 10%\rprogress 100%\n"
						   "\033[31mred\ttab\nno newline at the end"));
	cr_assert_eq(m.output_bytes, (unsigned long long)file_size());
	cr_assert_eq(m.output_dropped, 0);
}

Test(capture, cap_drops_and_counts_never_fails)
{
	struct capture *cp = capture_new(fds[0], open(path, O_WRONLY | O_TRUNC), 10);

	put("0123456\n");
	cr_assert_eq(capture_read(cp, &m), 0);
	put("abcdefg\n");
	cr_assert_eq(capture_read(cp, &m), 0);
	put("more\n");
	cr_assert_eq(capture_read(cp, &m), 0);
	cr_assert_eq(file_size(), 10);
	cr_assert_eq(m.output_bytes, 21);
	cr_assert_eq(m.output_dropped, 11);
	cr_assert_eq(m.output_error, EFBIG);
	cr_assert_eq(m.output.len, 3, "every line still reaches the Log");
	cr_assert_str_eq(line(2), "more");
	cr_assert_eq(m.log.len, 1, "one warning in perftop's log");
	cr_assert_not_null(strstr(msglog_at(&m.log, 0)->text, "over 10 bytes"));
	capture_free(cp);
	close(fds[1]);
}

Test(capture, no_file_drops_nothing)
{
	struct capture *cp = capture_new(fds[0], -1, 0);

	put("x\n");
	cr_assert_eq(capture_read(cp, &m), 0);
	cr_assert_eq(m.output_dropped, 0);
	cr_assert_eq(m.output.len, 1);
	capture_free(cp);
	close(fds[1]);
}

Test(capture, a_flood_keeps_the_last_lines)
{
	struct capture *cp = capture_new(fds[0], -1, 0);
	char buf[64];

	for (int i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "line-%d\n", i);
		put(buf);
	}
	while (m.output_bytes < 8890 && capture_read(cp, &m) == 0)
		;
	cr_assert_eq(m.output.len, MSGLOG_CAP);
	cr_assert_str_eq(line(MSGLOG_CAP - 1), "line-999");
	cr_assert_str_eq(line(0), "line-744");
	capture_free(cp);
	close(fds[1]);
}
