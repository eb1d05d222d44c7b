/*
 * batch — `perftop --batch`: the screen's lines as plain text, no curses.
 *
 * Like `top -b`: every refresh prints the header figures and the whole
 * process list (or, with -p, the process's figures), built by the same
 * view code as the screen, then a blank line. The first reading has no
 * rates yet (CPU % needs two), so refreshes start with the second one.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ui/ui_internal.h"

enum { BATCH_DEFAULT_WIDTH = 160, BATCH_MAX_WIDTH = 4096 };

static int batch_width(FILE *out)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;

	if (env && *env) {
		char *end;
		long w = strtol(env, &end, 10);

		if (!*end && w >= UI_MIN_WIDTH && w <= BATCH_MAX_WIDTH)
			return (int)w;
	}
	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= UI_MIN_WIDTH)
		return ws.ws_col;
	return BATCH_DEFAULT_WIDTH;
}

static void batch_frame(struct ui *ui, struct lines *out)
{
	lines_clear(out);
	if (ui->standalone) {
		procview__figures(ui, out);
		return;
	}
	listview__rebuild(ui);
	header__draw(out, ui->m, ui->width, 8);
	/* Every process: as many rows as there are, plus the column header. */
	listview__draw(ui, out, (int)ui->list.nrows + 1);
}

int ui_batch(struct model *m, const struct ui_source *src, const struct ui_options *opt,
	     FILE *out)
{
	long want = opt->iterations > 0 ? opt->iterations : 1, printed = 0;
	unsigned long long readings = 0;
	struct lines frame;
	struct ui ui;
	int rc = 0;

	ui__init(&ui, m, opt, ui__locale_utf8());
	ui.width = batch_width(out);
	lines_init(&frame);
	model_lock(m);
	if (ui.standalone) {
		model_watch(m, opt->pid, true);
		m->list_visible = false;
	}
	model_unlock(m);

	while (printed < want) {
		struct pollfd pfd = { src->wake_fd, POLLIN, 0 };

		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = 1;
			break;
		}
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
			rc = 1;
			break;
		}
		readings += src->ack(src->ctx);
		if (readings < 2)
			continue;
		model_lock(m);
		batch_frame(&ui, &frame);
		model_unlock(m);
		if (printed)
			fputc('\n', out);
		lines_write(&frame, out);
		if (fflush(out) == EOF || ferror(out)) {
			rc = 1;
			break;
		}
		printed++;
	}
	lines_release(&frame);
	ui__release(&ui);
	return rc;
}
