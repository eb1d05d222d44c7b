/*
 * help — the `?` / F1 screen: every key of the screen it was opened from,
 * straight from that screen's binding table, so the help cannot drift from
 * what the keys do. Descriptions wrap under themselves on narrow screens.
 * Any key closes it.
 */
#include <string.h>

#include "ui/tabs.h"
#include "ui/ui_internal.h"

enum { KEY_COL = 14, INDENT = 2 };

/* Adds text wrapped at word boundaries into lines that start with `indent`
 * blank columns (the first line continues l). Returns the lines added. */
static int wrap(struct lines *out, struct line *l, const char *text, int indent, int max_lines)
{
	int added = 0;

	while (*text) {
		size_t word = strcspn(text, " ");
		char buf[128];

		if (word >= sizeof(buf))
			word = sizeof(buf) - 1;
		memcpy(buf, text, word);
		buf[word] = '\0';
		if (l->cols > indent && line_room(l) < 1 + lines_text_width(buf)) {
			if (added + 1 >= max_lines)
				return added;
			line_fill(l, TE_DEFAULT);
			l = lines_begin(out, l->width);
			line_repeat(l, TE_HELP_TEXT, " ", indent);
			added++;
		} else if (l->cols > indent) {
			line_put(l, TE_HELP_TEXT, " ");
		}
		line_put(l, TE_HELP_TEXT, buf);
		text += word;
		while (*text == ' ')
			text++;
	}
	line_fill(l, TE_DEFAULT);
	return added;
}

/* Adds one line per binding (with a label) of b, while rows are left. */
static void list_bindings(struct ui *ui, struct lines *out, const struct ui_binding *b, size_t n,
			  size_t start, int rows)
{
	for (size_t i = 0; i < n && (int)(out->n - start) < rows; i++) {
		struct line *l;

		if (!b[i].label) /* more keys of the binding above */
			continue;
		l = lines_begin(out, ui->width);
		line_repeat(l, TE_HELP_KEY, " ", INDENT);
		line_cell(l, TE_HELP_KEY, b[i].label, KEY_COL, ALIGN_LEFT);
		wrap(out, l, b[i].help, INDENT + KEY_COL, rows - (int)(out->n - start) + 1);
	}
}

/* The current tab's own keys when it is a module (Tree, Callers, Flame),
 * under a heading that names it. */
/* Lists the current tab's own keys under a heading naming the tab; returns
 * whether it did (a module tab with keys, on the process view). */
static bool module_bindings(struct ui *ui, struct lines *out, size_t start, int rows)
{
	const struct tab_module *m = tabs__module(tabs__current(ui));
	struct line *l;

	if (ui->screen != UI_SCREEN_PROC || !m || !m->nbindings ||
	    (int)(out->n - start) + 3 > rows)
		return false;
	l = lines_begin(out, ui->width);
	line_printf(l, TE_TITLE, " keys of the %s tab ", tabs__title(tabs__current(ui)));
	line_fill(l, TE_DEFAULT);
	list_bindings(ui, out, m->bindings, m->nbindings, start, rows);
	return true;
}

void help__draw(struct ui *ui, struct lines *out)
{
	const struct ui_binding *b = listview__bindings;
	size_t n = listview__nbindings, start = out->n;
	int rows = ui->height - 1; /* the status line is drawn by the caller */
	struct line *l;

	if (ui->screen == UI_SCREEN_PROC) {
		b = procview__bindings;
		n = procview__nbindings;
	} else if (ui->screen == UI_SCREEN_SYS) {
		b = sysview__bindings;
		n = sysview__nbindings;
	}
	l = lines_begin(out, ui->width);
	line_put(l, TE_TITLE, ui->screen == UI_SCREEN_PROC   ? " perftop: keys of the process view"
			      : ui->screen == UI_SCREEN_SYS ? " perftop: keys of the system-wide view"
							    : " perftop: keys of the process list");
	line_fill(l, TE_DEFAULT);
	lines_begin(out, ui->width);
	/* A tab with keys of its own lists them first: they are what the user
	 * is looking for there, and the view's keys follow (a short screen cuts
	 * the end). */
	if (module_bindings(ui, out, start, rows)) {
		lines_begin(out, ui->width);
		l = lines_begin(out, ui->width);
		line_put(l, TE_TITLE, " keys of the process view ");
		line_fill(l, TE_DEFAULT);
	}
	list_bindings(ui, out, b, n, start, rows);
	if ((int)(out->n - start) + 2 <= rows) {
		lines_begin(out, ui->width);
		l = lines_begin(out, ui->width);
		line_repeat(l, TE_ROW_DIM, " ", INDENT);
		wrap(out, l, "Ctrl-C quits from anywhere. Any key closes this help.", INDENT,
		     rows - (int)(out->n - start) + 1);
	}
	while ((int)(out->n - start) < rows)
		lines_begin(out, ui->width);
	while ((int)(out->n - start) > rows)
		out->n--;
}
