/*
 * view_tree — placeholder until the tab is built: it says so on screen.
 */
#include <stdlib.h>

#include "ui/ui_internal.h"
#include "util/xalloc.h"

struct tree_state {
	enum proc_tab tab;
};

static void *create(enum proc_tab tab)
{
	struct tree_state *s = xcalloc(1, sizeof(*s));

	s->tab = tab;
	return s;
}

static void destroy(void *state)
{
	free(state);
}

static void reset(void *state)
{
	(void)state;
}

static void rebuild(struct ui *ui, void *state, struct profile *p)
{
	(void)ui, (void)state, (void)p;
}

static void draw(struct ui *ui, void *state, struct lines *out, struct profile *p, int rows)
{
	(void)state, (void)p;
	if (rows > 0)
		line_put(lines_begin(out, ui->width), TE_ROW_DIM, " not built yet");
}

static int key(struct ui *ui, void *state, struct profile *p, int k)
{
	(void)ui, (void)state, (void)p, (void)k;
	return UI_NONE;
}

static bool search(struct ui *ui, void *state, struct profile *p, const char *needle, int dir,
		   bool inclusive)
{
	(void)ui, (void)state, (void)p, (void)needle, (void)dir, (void)inclusive;
	return false;
}

const struct tab_module treeview__module = { create, destroy, reset, rebuild, draw, key, search,
					    NULL, 0 };
