/* freeze — a model copied by a worker thread through the snapshot codec; see freeze.h. */
#include "snapshot/freeze.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "snapshot/snapshot.h"
#include "util/xalloc.h"

struct freeze {
	pthread_t thread;
	int done_fd[2];           /* the worker writes a byte to [1] when it ends */
	atomic_bool stop;         /* asks the worker to give up */
	struct bytebuf buf;  /* the encoding, the worker's while it runs */
	/* Written by the worker, read after pthread_join only. */
	struct model *copy;       /* the result when rc is 0, else NULL */
	int rc;                   /* 0, -ECANCELED after stop, or the load's error */
	char why[160];
};

/* The worker: loads the encoding into a model of its own. */
static void *worker(void *arg)
{
	struct freeze *fz = arg;
	struct snapshot_meta meta;
	struct model *copy = xmalloc(sizeof(*copy));
	ssize_t n;

	fz->rc = snapshot_load_buf_stoppable(copy, &fz->buf, &meta, &fz->stop, fz->why,
					     sizeof(fz->why));
	if (fz->rc < 0) {
		free(copy);
		copy = NULL;
	}
	fz->copy = copy;
	do
		n = write(fz->done_fd[1], "", 1);
	while (n < 0 && errno == EINTR);
	return NULL;
}

struct freeze *freeze_start(const struct model *m, int *err)
{
	struct freeze *fz = xcalloc(1, sizeof(*fz));
	struct snapshot_meta meta;
	int rc;

	if (pipe2(fz->done_fd, O_CLOEXEC | O_NONBLOCK) < 0) {
		*err = -errno;
		free(fz);
		return NULL;
	}
	snapshot_meta_init(&meta);
	snapshot_encode(m, &meta, &fz->buf);
	atomic_store(&fz->stop, false);
	rc = pthread_create(&fz->thread, NULL, worker, fz);
	if (rc) {
		*err = -rc;
		bytebuf_release(&fz->buf);
		close(fz->done_fd[0]);
		close(fz->done_fd[1]);
		free(fz);
		return NULL;
	}
	return fz;
}

int freeze_fd(const struct freeze *fz)
{
	return fz->done_fd[0];
}

bool freeze_ready(const struct freeze *fz)
{
	struct pollfd pfd = { fz->done_fd[0], POLLIN, 0 };

	return poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN);
}

/* Joins the worker and frees all but the copy, which it returns. */
static struct model *finish(struct freeze *fz, char *why, size_t why_len)
{
	struct model *copy;

	pthread_join(fz->thread, NULL);
	copy = fz->copy;
	if (!copy && why && why_len)
		snprintf(why, why_len, "%s", fz->why);
	bytebuf_release(&fz->buf);
	close(fz->done_fd[0]);
	close(fz->done_fd[1]);
	free(fz);
	return copy;
}

struct model *freeze_take(struct freeze *fz, char *why, size_t why_len)
{
	return finish(fz, why, why_len);
}

void freeze_cancel(struct freeze *fz)
{
	struct model *copy;

	if (!fz)
		return;
	atomic_store(&fz->stop, true);
	copy = finish(fz, NULL, 0);
	if (copy) { /* it had finished: the copy is not wanted now */
		model_release(copy);
		free(copy);
	}
}
