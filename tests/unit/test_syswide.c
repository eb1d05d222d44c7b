/* Unit tests for model/syswide: one row per (command, function, module),
 * counts, the last pid kept, the row cap, clearing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model/syswide.h"

static const struct syswide_row *find(const struct syswide *s, const char *comm,
				      const char *func, const char *module)
{
	for (size_t i = 0; i < s->nrows; i++)
		if (!strcmp(s->rows[i].comm, comm) && !strcmp(s->rows[i].func, func) &&
		    !strcmp(s->rows[i].module, module))
			return &s->rows[i];
	return NULL;
}

Test(syswide, rows_by_command_function_module)
{
	struct syswide s;
	const struct syswide_row *r;

	syswide_init(&s);
	for (int i = 0; i < 5; i++)
		syswide_add(&s, 10, "shares", "spin", "shares");
	syswide_add(&s, 11, "shares", "spin", "shares"); /* another process, same command */
	syswide_add(&s, 12, "other", "spin", "shares");
	syswide_add(&s, 10, "shares", "spin", "libc.so.6");
	syswide_add(&s, 0, "swapper", "[kernel]", "[kernel]");
	cr_assert_eq(s.nrows, 4);
	cr_assert_eq(s.total, 9);
	r = find(&s, "shares", "spin", "shares");
	cr_assert_not_null(r);
	cr_assert_eq(r->samples, 6);
	cr_assert_eq(r->pid, 11, "the last pid seen");
	r = find(&s, "other", "spin", "shares");
	cr_assert(r && r->samples == 1);
	r = find(&s, "shares", "spin", "libc.so.6");
	cr_assert(r && r->samples == 1);
	syswide_clear(&s);
	cr_assert_eq(s.nrows, 0);
	cr_assert_eq(s.total, 0);
	syswide_release(&s);
}

Test(syswide, long_names_cut_and_row_cap)
{
	struct syswide s;
	char name[400], f[32];

	syswide_init(&s);
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	syswide_add(&s, 1, name, name, name);
	cr_assert_eq(strlen(s.rows[0].comm), SYSWIDE_COMM_LEN - 1);
	cr_assert_eq(strlen(s.rows[0].func), SYSWIDE_NAME_LEN - 1);
	syswide_add(&s, 1, name, name, name); /* the same row again (cut the same way) */
	cr_assert_eq(s.nrows, 1);
	cr_assert_eq(s.rows[0].samples, 2);
	for (int i = 0; i < SYSWIDE_MAX_ROWS + 10; i++) {
		snprintf(f, sizeof(f), "f%d", i);
		syswide_add(&s, 2, "c", f, "m");
	}
	cr_assert_eq(s.nrows, SYSWIDE_MAX_ROWS);
	cr_assert_eq(s.total, 2 + SYSWIDE_MAX_ROWS + 10, "samples past the cap still count");
	syswide_release(&s);
}
