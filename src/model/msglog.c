/* msglog — a bounded ring of perftop's own messages; see msglog.h. */
#include "model/msglog.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void msglog_init(struct msglog *l)
{
	memset(l, 0, sizeof(*l));
}

void msglog_add(struct msglog *l, double time, enum msglog_level level, const char *fmt, ...)
{
	struct msglog_entry *e;
	va_list ap;

	if (l->len < MSGLOG_CAP) {
		e = &l->entries[(l->head + l->len++) % MSGLOG_CAP];
	} else {
		e = &l->entries[l->head];
		l->head = (l->head + 1) % MSGLOG_CAP;
	}
	e->time = time;
	e->level = level;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	l->total++;
	if (level == MSG_ERROR)
		l->errors++;
}

const struct msglog_entry *msglog_at(const struct msglog *l, size_t i)
{
	return i < l->len ? &l->entries[(l->head + i) % MSGLOG_CAP] : NULL;
}

const struct msglog_entry *msglog_last(const struct msglog *l)
{
	return l->len ? msglog_at(l, l->len - 1) : NULL;
}
