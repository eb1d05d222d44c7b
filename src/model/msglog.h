/*
 * msglog — perftop's own messages (connections, drops, errors), newest last.
 *
 * A fixed ring of short lines with a time and a level, shown in the Log tab
 * and the status line. Memory is bounded by MSGLOG_CAP * MSGLOG_LEN.
 */
#ifndef PERFTOP_MODEL_MSGLOG_H
#define PERFTOP_MODEL_MSGLOG_H

#include <stddef.h>

enum { MSGLOG_CAP = 256, MSGLOG_LEN = 200 };

enum msglog_level { MSG_INFO, MSG_WARN, MSG_ERROR };

struct msglog_entry {
	double time;
	enum msglog_level level;
	char text[MSGLOG_LEN];
};

struct msglog {
	struct msglog_entry entries[MSGLOG_CAP];
	size_t len, head;
	unsigned long long total;   /* messages ever added */
	unsigned long long errors;  /* of which MSG_ERROR */
};

void msglog_init(struct msglog *l);
/* Appends a printf-style message, truncated to MSGLOG_LEN - 1 bytes. */
void msglog_add(struct msglog *l, double time, enum msglog_level level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Entry i, 0 = oldest kept; NULL past the end. */
const struct msglog_entry *msglog_at(const struct msglog *l, size_t i);
/* The newest entry, or NULL when empty. */
const struct msglog_entry *msglog_last(const struct msglog *l);

#endif
