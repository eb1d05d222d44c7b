/* Unit tests for ui/save.c, the `S` key: the prompt's default name, a
 * save that works and one that reads back, and the error paths (a missing
 * directory, a file where a directory should be, names too long): the
 * reason in the status line in the warning colour, no file left behind. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot/snapshot.h"
#include "support/ui_fixture.h"
#include "ui/ui_internal.h"

static char dir[64];

/* A model with one profiled process (pid 77, "demo", 30 samples) and the
 * ui on its view. */
static void setup(void)
{
	struct process *p;
	uint32_t f;

	fx_init();
	p = model_agent_process(&fx.m, 77, "/usr/bin/demo");
	f = profile_func(p->profile, "demo", "work", NULL, 0);
	profile_add_samples(p->profile, 77, &f, 1, 30, 1.0);
	fx.opt.pid = 77;
	fx_start(0, 0, true);
	snprintf(dir, sizeof(dir), "/tmp/perftop-save-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	fx_release();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Types text into the prompt. */
static void type(const char *text)
{
	for (const char *s = text; *s; s++)
		save__prompt_key(&fx.ui, (unsigned char)*s);
}

TestSuite(save, .init = setup, .fini = teardown, .timeout = 20);

Test(save, s_opens_the_prompt_with_the_default_name)
{
	cr_assert_eq(save__key(&fx.ui, 'S'), UI_REDRAW);
	cr_assert(save__editing(&fx.ui));
	cr_assert(!strncmp(save__path(&fx.ui), "perftop-demo-77-", 16), "%s", save__path(&fx.ui));
	cr_assert(strstr(save__path(&fx.ui), ".ptsnap"));
	cr_assert_null(strchr(save__path(&fx.ui), '/'), "in the current directory: %s",
	               save__path(&fx.ui));
	/* Esc cancels: nothing to write. */
	save__prompt_key(&fx.ui, UI_KEY_ESC);
	cr_assert_not(save__editing(&fx.ui));
	cr_assert_not(save__pending(&fx.ui));
}

Test(save, enter_saves_a_file_that_loads_back)
{
	char path[128], why[256];
	struct snapshot_meta meta;
	struct model back;
	struct process *p;

	snprintf(path, sizeof(path), "%s/mine.ptsnap", dir);
	save__key(&fx.ui, 'S');
	save__prompt_key(&fx.ui, UI_KEY_CTRL('u'));
	type(path);
	save__prompt_key(&fx.ui, UI_KEY_ENTER);
	cr_assert(save__pending(&fx.ui));
	cr_assert_not(exists(path), "nothing is written under the lock");
	cr_assert_eq(save__write_pending(&fx.ui), UI_REDRAW);
	cr_assert_not(save__pending(&fx.ui));
	cr_assert(strstr(fx.ui.msg, "saved ") && strstr(fx.ui.msg, "mine.ptsnap") &&
			  strstr(fx.ui.msg, "(30 samples, "),
		  "%s", fx.ui.msg);
	cr_assert_eq(fx.ui.msg_elem, TE_STATUS);
	cr_assert_eq(snapshot_load(&back, path, &meta, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(meta.pid, 77);
	p = model_find(&back, 77);
	cr_assert(p && p->profile);
	cr_assert_eq(p->profile->samples, 30);
	model_release(&back);
}

Test(save, a_missing_directory_is_an_error_in_the_warning_colour)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/no/such/dir/x.ptsnap", dir);
	cr_assert_eq(save__encode(&fx.ui, path), 0);
	save__write_pending(&fx.ui);
	cr_assert(strstr(fx.ui.msg, "cannot save snapshot") && strstr(fx.ui.msg, "x.ptsnap"), "%s",
		  fx.ui.msg);
	cr_assert_eq(fx.ui.msg_elem, TE_STATUS_WARN);
	cr_assert_not(exists(path));
	cr_assert_not(save__pending(&fx.ui));
	/* The model is untouched: the next save works. */
	snprintf(path, sizeof(path), "%s/ok.ptsnap", dir);
	cr_assert_eq(save__encode(&fx.ui, path), 0);
	save__write_pending(&fx.ui);
	cr_assert(strstr(fx.ui.msg, "saved "), "%s", fx.ui.msg);
	cr_assert(exists(path));
}

Test(save, a_file_in_place_of_the_directory_is_an_error)
{
	char file[128], path[160];
	FILE *f;

	snprintf(file, sizeof(file), "%s/plain", dir);
	f = fopen(file, "w");
	cr_assert_not_null(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/x.ptsnap", file);
	save__encode(&fx.ui, path);
	save__write_pending(&fx.ui);
	cr_assert(strstr(fx.ui.msg, "cannot save snapshot"), "%s", fx.ui.msg);
	cr_assert(strstr(fx.ui.msg, strerror(ENOTDIR)), "%s", fx.ui.msg);
}

Test(save, a_name_too_long_is_refused)
{
	static char path[UI_SAVE_PATH_MAX + 100];
	char name[400];

	/* Longer than the prompt holds: refused before encoding. */
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	cr_assert_eq(save__encode(&fx.ui, path), -ENAMETOOLONG);
	cr_assert_not(save__pending(&fx.ui));
	cr_assert(strstr(fx.ui.msg, "too long"), "%s", fx.ui.msg);
	cr_assert_eq(fx.ui.msg_elem, TE_STATUS_WARN);
	/* A file name past NAME_MAX: the system refuses it, and says so. */
	memset(name, 'b', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_eq(save__encode(&fx.ui, path), 0);
	save__write_pending(&fx.ui);
	cr_assert(strstr(fx.ui.msg, "cannot save snapshot"), "%s", fx.ui.msg);
	cr_assert(strstr(fx.ui.msg, strerror(ENAMETOOLONG)), "%s", fx.ui.msg);
}

Test(save, an_empty_name_is_refused)
{
	save__key(&fx.ui, 'S');
	save__prompt_key(&fx.ui, UI_KEY_CTRL('u'));
	save__prompt_key(&fx.ui, UI_KEY_ENTER);
	cr_assert_not(save__pending(&fx.ui));
	cr_assert(strstr(fx.ui.msg, "no file name"), "%s", fx.ui.msg);
}

Test(save, from_the_list_the_name_is_the_machine)
{
	fx.ui.screen = UI_SCREEN_LIST;
	save__key(&fx.ui, 'S');
	cr_assert(!strncmp(save__path(&fx.ui), "perftop-machine-", 16), "%s", save__path(&fx.ui));
}
