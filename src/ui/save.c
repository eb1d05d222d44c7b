/*
 * save — the `S` key: save what the screen shows to a snapshot file.
 *
 * `S` opens a prompt in the status line, prefilled with the default name
 * (snapshot_default_path: "perftop-COMM-PID-DATE.ptsnap" for the process
 * whose view is open, "perftop-machine-DATE.ptsnap" from the list) in the
 * current directory; the name can be edited, Enter saves, Esc cancels.
 *
 * Saving is split so the collector is held up only while the model is
 * copied: save__encode() runs in the key handler with the model locked
 * (snapshot_encode, a few milliseconds), and the loop calls
 * save__write_pending() once it has unlocked the model, to compress and
 * write the file through snapshot_write() (temporary file in the same
 * directory, fsync, rename). A failure (a directory that cannot be written,
 * a full disk, a file size limit) leaves no file under the final name and
 * the model untouched, and says why in the status line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/fmt.h"
#include "ui/prompt.h"
#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* `S` asks for a file name (prefilled with snapshot_default_path in the
 * current directory), encodes the model under its lock, and writes the
 * file after the loop has unlocked it. */
struct ui_save {
	bool editing;             /* the file name prompt is open */
	char path[UI_SAVE_PATH_MAX];
	bool pending;             /* buf holds an encoded model for `target` */
	struct bytebuf buf;
	char target[UI_SAVE_PATH_MAX];
	unsigned long long samples; /* in the encoded model */
};

/* ui->save, made at the first use. */
static struct ui_save *state(struct ui *ui)
{
	if (!ui->save)
		ui->save = xcalloc(1, sizeof(*ui->save));
	return ui->save;
}

/* The default file name for what the screen shows. Model locked. */
static void default_path(const struct ui *ui, char *out, size_t len)
{
	const struct process *p = NULL;

	if (ui->screen == UI_SCREEN_PROC)
		p = model_find(ui->m, ui->proc.pid);
	if (snapshot_default_path(out, len, p ? p->comm : NULL, p ? p->pid : 0, time(NULL)) < 0)
		snprintf(out, len, "perftop.ptsnap");
}

int save__key(struct ui *ui, int key)
{
	struct ui_save *s = state(ui);

	(void)key;
	if (s->pending)
		return UI_NONE; /* one save at a time */
	default_path(ui, s->path, sizeof(s->path));
	s->editing = true;
	ui->msg[0] = '\0';
	return UI_REDRAW;
}

bool save__editing(const struct ui *ui)
{
	return ui->save && ui->save->editing;
}

int save__prompt_key(struct ui *ui, int key)
{
	struct ui_save *s = state(ui);

	switch (prompt__key(s->path, sizeof(s->path), key)) {
	case PROMPT_ACCEPT:
		s->editing = false;
		save__encode(ui, s->path);
		return UI_REDRAW;
	case PROMPT_CANCEL:
		s->editing = false;
		return UI_REDRAW;
	case PROMPT_CHANGED:
		return UI_REDRAW;
	default:
		return key >= UI_KEY_SPECIAL ? UI_NONE : UI_REDRAW;
	}
}

/* Samples of every profile in the model. Model locked. */
static unsigned long long model_samples(const struct model *m)
{
	unsigned long long n = 0;

	for (size_t i = 0; i < m->nprocs; i++)
		if (m->procs[i]->profile)
			n += m->procs[i]->profile->samples;
	return n;
}

/* What the file says about itself: the process on screen, if any. */
static void fill_meta(const struct ui *ui, struct snapshot_meta *meta)
{
	const struct process *p = NULL;

	snapshot_meta_init(meta);
	if (ui->screen == UI_SCREEN_PROC)
		p = model_find(ui->m, ui->proc.pid);
	if (!p)
		return;
	meta->pid = p->pid;
	snprintf(meta->command, sizeof(meta->command), "%s", p->cmdline ? p->cmdline : p->comm);
	if (p->watched && p->watch_since > 0 && ui->m->now > p->watch_since)
		meta->start_time = meta->end_time - (ui->m->now - p->watch_since);
}

int save__encode(struct ui *ui, const char *path)
{
	struct ui_save *s = state(ui);
	struct snapshot_meta meta;
	char msg[UI_SAVE_PATH_MAX + 64];

	if (!*path) {
		ui__message(ui, TE_STATUS_WARN, "cannot save snapshot: no file name given");
		return -EINVAL;
	}
	if (strlen(path) >= sizeof(s->target)) {
		ui__message(ui, TE_STATUS_WARN, "cannot save snapshot: the file name is too long");
		return -ENAMETOOLONG;
	}
	snprintf(s->target, sizeof(s->target), "%s", path);
	fill_meta(ui, &meta);
	snapshot_encode(ui->m, &meta, &s->buf);
	s->samples = model_samples(ui->m);
	s->pending = true;
	snprintf(msg, sizeof(msg), "saving %s ...", s->target);
	ui__message(ui, TE_STATUS, msg);
	return 0;
}

bool save__pending(const struct ui *ui)
{
	return ui->save && ui->save->pending;
}

/* Appends src to out (size len, holding *used bytes), cut to fit. */
static void append(char *out, size_t len, size_t *used, const char *src)
{
	size_t n = strlen(src);

	if (*used + n + 1 > len)
		n = len - *used - 1;
	memcpy(out + *used, src, n);
	*used += n;
	out[*used] = '\0';
}

/* "cannot save snapshot 'PATH': reason" in at most len bytes: when it is
 * longer, the path gives way (its end is kept) so the reason shows. */
static void fit_error(char *out, size_t len, const char *why, const char *path)
{
	static const char head[] = "cannot save snapshot '";
	size_t plen = strlen(path), hlen = sizeof(head) - 1, used = 0, room;
	const char *reason = why + hlen + plen; /* "': reason" */

	out[0] = '\0';
	if (strlen(why) < len || strncmp(why, head, hlen) || strncmp(why + hlen, path, plen)) {
		append(out, len, &used, why);
		return;
	}
	room = len > strlen(reason) + hlen + 16 ? len - strlen(reason) - hlen - 2 : 8;
	if (room > plen)
		room = plen;
	append(out, len, &used, head);
	append(out, len, &used, "~");
	append(out, len, &used, path + plen - room);
	append(out, len, &used, reason);
}

int save__write_pending(struct ui *ui)
{
	struct ui_save *s = state(ui);
	char why[UI_SAVE_PATH_MAX + 128], size[32], count[32];
	struct stat st;
	int rc;

	if (!s->pending)
		return UI_NONE;
	rc = snapshot_write(&s->buf, s->target, why, sizeof(why));
	bytebuf_release(&s->buf);
	s->pending = false;
	if (rc < 0) {
		char msg[sizeof(ui->msg) - 2];

		fit_error(msg, sizeof(msg), why, s->target);
		ui__message(ui, TE_STATUS_WARN, msg);
		return UI_REDRAW;
	}
	if (stat(s->target, &st) == 0)
		fmt_kib(size, sizeof(size), (double)st.st_size / 1024.0);
	else
		snprintf(size, sizeof(size), "?");
	fmt_count(count, sizeof(count), s->samples, true);
	snprintf(why, sizeof(why), "saved %s (%s samples, %s)", s->target, count, size);
	ui__message(ui, TE_STATUS, why);
	return UI_REDRAW;
}

bool save__status(struct ui *ui, struct lines *out)
{
	struct line *l;

	if (!save__editing(ui))
		return false;
	l = lines_begin(out, ui->width);
	line_put(l, TE_FILTER, " Save snapshot to: ");
	line_put(l, TE_FILTER, ui->save->path);
	line_put(l, TE_FILTER, "_   Enter save  Esc cancel");
	line_fill(l, TE_FILTER);
	return true;
}

const char *save__path(const struct ui *ui)
{
	return ui->save ? ui->save->path : "";
}

void save__release(struct ui *ui)
{
	if (!ui->save)
		return;
	bytebuf_release(&ui->save->buf);
	free(ui->save);
	ui->save = NULL;
}
