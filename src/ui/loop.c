/* loop — the terminal's event loop of the live view and the diff screen; see ui_internal.h. */
#include <errno.h>
#include <poll.h>

#include "ui/ui_internal.h"

int loop_run(const struct loop_ops *ops)
{
	struct lines frame;
	int flags = UI_REDRAW;

	lines_init(&frame);
	for (;;) {
		/* poll() skips a negative descriptor: a view's fd it does not have */
		struct pollfd fds[2 + LOOP_MAX_FDS] = {
			{ screen__input_fd(), POLLIN, 0 },
			{ screen__signal_fd(), POLLIN, 0 },
		};
		int timeout = -1, keys[LOOP_MAX_KEYS], nkeys = 0, k;
		struct ui_mouse mice[LOOP_MAX_KEYS];

		if (flags & UI_QUIT)
			break;
		if (flags & UI_REDRAW) {
			int w, h;

			screen__size(&w, &h);
			ops->draw(ops->ctx, &frame, w, h);
			screen__paint(&frame);
		}
		flags = ops->before_wait ? ops->before_wait(ops->ctx, &timeout) : 0;
		if (flags)
			continue;
		for (int i = 0; i < LOOP_MAX_FDS; i++)
			fds[2 + i] = (struct pollfd){ ops->fd ? ops->fd(ops->ctx, i) : -1, POLLIN, 0 };
		if (poll(fds, 2 + LOOP_MAX_FDS, timeout) < 0 && errno != EINTR)
			break;
		if (fds[1].revents & POLLIN) {
			int sig = screen__signals();

			if (sig & SCREEN_SIG_QUIT)
				break;
			if (sig & SCREEN_SIG_RESIZE) {
				screen__resize();
				keys[nkeys++] = UI_KEY_RESIZE;
			}
		}
		for (int i = 0; i < LOOP_MAX_FDS; i++) {
			int key = -1;

			if (!(fds[2 + i].revents & POLLIN))
				continue;
			flags |= ops->ready(ops->ctx, i, &key);
			if (key >= 0)
				keys[nkeys++] = key;
		}
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
		if (fds[0].revents & POLLIN)
			while (nkeys < LOOP_MAX_KEYS - 1 && (k = screen__read_key(&mice[nkeys])) >= 0)
				keys[nkeys++] = k;
		if (ops->after_wait && (k = ops->after_wait(ops->ctx)) >= 0)
			keys[nkeys++] = k;
		flags |= ops->keys(ops->ctx, keys, mice, nkeys);
	}
	lines_release(&frame);
	return 0;
}
