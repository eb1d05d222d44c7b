/*
 * Unit tests for src/symbols/perfmap: the perf map parser (bare and 0x hex,
 * names with spaces, garbage, overlong lines, overlapping entries) and the
 * wary, incremental reader (appends, replacement, symlinks, FIFOs, foreign
 * owners, hard links), on files in a private temporary folder.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols/perfmap.h"

static struct perfmap *pm;
static char dir[256], path[300];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/perftop-perfmap-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/perf-1.map", dir);
	pm = perfmap_new(1, getuid());
	perfmap_set_path(pm, path);
	perfmap_set_recheck_ms(pm, 0);
}

static void teardown(void)
{
	char cmd[400];

	perfmap_free(pm);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(perfmap, .init = setup, .fini = teardown, .timeout = 30);

static size_t parse(const char *text, bool final)
{
	return perfmap_parse(pm, text, strlen(text), final);
}

static const char *name_at(uint64_t pc)
{
	return perfmap_lookup(pm, pc, NULL);
}

static struct perfmap_stats stats(void)
{
	struct perfmap_stats s;

	perfmap_get_stats(pm, &s);
	return s;
}

static void write_file(const char *p, const char *text, const char *mode)
{
	FILE *f = fopen(p, mode);

	cr_assert_not_null(f, "cannot open %s", p);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

Test(perfmap, good_lines_bare_and_0x_hex_names_with_spaces)
{
	const char *text = "7f0000001000 40 LazyCompile:*hot /srv/app.js:12\n"
	                   "0x7f0000002000 0x20 jit_hot_loop\n"
	                   "0X7F0000003000\t10\tStub: with  two  spaces \r\n"
	                   "  7f0000004000 8 indented\n";
	uint64_t start = 0;

	cr_assert_eq(parse(text, false), strlen(text));
	cr_assert_str_eq(name_at(0x7f0000001000), "LazyCompile:*hot /srv/app.js:12");
	cr_assert_str_eq(name_at(0x7f000000103f), "LazyCompile:*hot /srv/app.js:12");
	cr_assert_null(name_at(0x7f0000001040));
	cr_assert_str_eq(perfmap_lookup(pm, 0x7f0000002010, &start), "jit_hot_loop");
	cr_assert_eq(start, 0x7f0000002000);
	cr_assert_null(name_at(0x7f0000002020));
	/* tabs separate fields; a trailing CR and blanks are not part of the name */
	cr_assert_str_eq(name_at(0x7f000000300f), "Stub: with  two  spaces");
	cr_assert_str_eq(name_at(0x7f0000004000), "indented");
	cr_assert_null(name_at(0x7f0000000fff));
	cr_assert_null(name_at(0));
	cr_assert_null(name_at(UINT64_MAX));
	cr_assert_eq(stats().entries, 4);
	cr_assert_eq(stats().malformed, 0);
}

Test(perfmap, garbage_lines_are_counted_and_skipped)
{
	const char *text = "not a map line\n"
	                   "1000 10\n"  /* no name */
	                   "1000 10 \n" /* blank name */
	                   "1000 0 zero_size\n"
	                   "g000 10 bad_hex\n"
	                   "1000x 10 bad_sep\n"
	                   "0x 10 no_digits\n"
	                   "12345678901234567 10 seventeen_digits\n"
	                   "ffffffffffffff00 200 wraps_around\n"
	                   "-1000 10 negative\n"
	                   "\n" /* empty: ignored, not counted */
	                   "2000 10 good\n"
	                   "\x01\x02\xff\xfe 10 binary\n";

	cr_assert_eq(parse(text, false), strlen(text));
	cr_assert_eq(stats().malformed, 11);
	cr_assert_eq(stats().entries, 1);
	cr_assert_str_eq(name_at(0x2005), "good");
	cr_assert_null(name_at(0x1005));
}

Test(perfmap, control_characters_in_names_are_replaced)
{
	const char *text = "1000 10 a\x1b[2Jb\x7f"
	                   "c\n";

	cr_assert_eq(parse(text, false), strlen(text));
	cr_assert_str_eq(name_at(0x1000), "a?[2Jb?c");
}

Test(perfmap, only_complete_lines_are_consumed_until_final)
{
	const char *text = "1000 10 first\n2000 10 sec";

	cr_assert_eq(parse(text, false), strlen("1000 10 first\n"));
	cr_assert_null(name_at(0x2000));
	cr_assert_eq(parse("2000 10 second\n", false), 15);
	cr_assert_str_eq(name_at(0x2000), "second");
	cr_assert_eq(parse("3000 10 last", true), 12);
	cr_assert_str_eq(name_at(0x3000), "last");
}

Test(perfmap, overlong_lines_are_skipped_also_across_calls)
{
	size_t n = PERFMAP_MAX_LINE + 100;
	char *big = malloc(n + 64);

	cr_assert_not_null(big);
	/* a complete line that is too long, then a good one */
	memset(big, 'x', n);
	memcpy(big, "1000 10 ", 8);
	snprintf(big + n, 64, "\n2000 10 after\n");
	cr_assert_eq(perfmap_parse(pm, big, strlen(big), false), strlen(big));
	cr_assert_eq(stats().malformed, 1);
	cr_assert_null(name_at(0x1000));
	cr_assert_str_eq(name_at(0x2000), "after");

	/* an unfinished line already too long is consumed; its tail, in the
	 * next chunk, is skipped too, and counts once */
	memset(big, 'y', n);
	memcpy(big, "3000 10 ", 8);
	cr_assert_eq(perfmap_parse(pm, big, n, false), n);
	cr_assert_eq(stats().malformed, 2);
	cr_assert_eq(parse("yyyy", false), 4);
	cr_assert_eq(parse("yyyy 4000 10 tail\n5000 10 next\n", false), 31);
	cr_assert_eq(stats().malformed, 2);
	cr_assert_null(name_at(0x3000));
	cr_assert_null(name_at(0x4000));
	cr_assert_str_eq(name_at(0x5000), "next");
	free(big);
}

Test(perfmap, later_entries_win_where_they_overlap)
{
	/* A, then B inside A, then C over A's tail and past it */
	parse("1000 100 A\n1040 40 B\n10c0 80 C\n", false);
	cr_assert_str_eq(name_at(0x1000), "A");
	cr_assert_str_eq(name_at(0x103f), "A");
	cr_assert_str_eq(name_at(0x1040), "B");
	cr_assert_str_eq(name_at(0x107f), "B");
	cr_assert_str_eq(name_at(0x1080), "A");
	cr_assert_str_eq(name_at(0x10bf), "A");
	cr_assert_str_eq(name_at(0x10c0), "C");
	cr_assert_str_eq(name_at(0x113f), "C");
	cr_assert_null(name_at(0x1140));

	/* re-JITted: a later line for A's whole range hides B and C there */
	parse("1000 100 A2\n", false);
	cr_assert_str_eq(name_at(0x1050), "A2");
	cr_assert_str_eq(name_at(0x10ff), "A2");
	cr_assert_str_eq(name_at(0x1100), "C");

	/* an earlier, larger entry does not hide a later, smaller one */
	parse("0 10000 big\n2000 10 small\n", false);
	cr_assert_str_eq(name_at(0x2008), "small");
	cr_assert_str_eq(name_at(0x2010), "big");
	cr_assert_str_eq(name_at(0x1050), "big");
	cr_assert_eq(stats().entries, 6);
}

Test(perfmap, many_entries_out_of_order)
{
	char line[64];

	/* 5000 entries written backwards, each 16 bytes, with gaps between */
	for (int i = 4999; i >= 0; i--) {
		snprintf(line, sizeof(line), "%x %x fn_%d\n", 0x100000 + i * 32, 16, i);
		parse(line, false);
	}
	for (int i = 0; i < 5000; i += 97) {
		char want[32];

		snprintf(want, sizeof(want), "fn_%d", i);
		cr_assert_str_eq(name_at((uint64_t)0x100000 + (uint64_t)i * 32 + 15), want);
		cr_assert_null(name_at((uint64_t)0x100000 + (uint64_t)i * 32 + 16));
	}
}

Test(perfmap, random_bytes_never_crash)
{
	char buf[8192];
	unsigned seed = 12345;

	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)(rand_r(&seed) % sizeof(buf));

		for (size_t i = 0; i < n; i++) {
			int r = rand_r(&seed) % 8;

			buf[i] = r == 0   ? '\n'
			         : r == 1 ? ' '
			         : r < 4  ? "0123456789abcdefx"[rand_r(&seed) % 17]
			                  : (char)rand_r(&seed);
		}
		perfmap_parse(pm, buf, n, round % 2);
		name_at((uint64_t)rand_r(&seed) * 4096);
	}
	cr_assert_geq(stats().malformed, 1);
}

Test(perfmap, file_is_read_incrementally)
{
	cr_assert_eq(perfmap_refresh(pm, true), 0, "no file yet: nothing, no error");
	cr_assert_str_eq(perfmap_error(pm), "");
	write_file(path, "1000 10 one\n2000 10 tw", "w");
	cr_assert_eq(perfmap_refresh(pm, true), 1);
	cr_assert_str_eq(name_at(0x1000), "one");
	cr_assert_null(name_at(0x2000));
	write_file(path, "o\n3000 10 three\n", "a");
	/* perfmap_find re-reads on a miss */
	cr_assert_str_eq(perfmap_find(pm, 0x3004, NULL), "three");
	cr_assert_str_eq(name_at(0x2000), "two");
	cr_assert_eq(stats().reads, 2);
	cr_assert_eq(stats().bytes, strlen("1000 10 one\n2000 10 two\n3000 10 three\n"));
	cr_assert_eq(perfmap_refresh(pm, true), 0, "nothing new");
}

Test(perfmap, rereads_wait_for_the_interval)
{
	perfmap_set_recheck_ms(pm, 3600 * 1000);
	write_file(path, "1000 10 one\n", "w");
	cr_assert_eq(perfmap_refresh(pm, false), 1);
	write_file(path, "2000 10 two\n", "a");
	cr_assert_not(perfmap_due(pm));
	cr_assert_null(perfmap_find(pm, 0x2000, NULL), "a miss within the interval reads nothing");
	cr_assert_eq(stats().reads, 1);
	cr_assert_eq(perfmap_refresh(pm, true), 1);
	cr_assert_str_eq(name_at(0x2000), "two");
}

Test(perfmap, a_replaced_or_truncated_file_is_read_from_the_start)
{
	char other[320];

	write_file(path, "1000 10 old_one\n2000 10 old_two\n", "w");
	cr_assert_eq(perfmap_refresh(pm, true), 2);
	/* truncated and rewritten shorter, same inode */
	write_file(path, "1000 10 new\n", "w");
	cr_assert_eq(perfmap_refresh(pm, true), 1);
	cr_assert_str_eq(name_at(0x1000), "new");
	cr_assert_null(name_at(0x2000));
	/* replaced by another file (another inode) as long as the first */
	snprintf(other, sizeof(other), "%s/other", dir);
	write_file(other, "5000 10 fresh\n", "w");
	cr_assert_eq(rename(other, path), 0);
	cr_assert_eq(perfmap_refresh(pm, true), 1);
	cr_assert_str_eq(name_at(0x5000), "fresh");
	cr_assert_null(name_at(0x1000));
}

Test(perfmap, a_symlink_is_refused)
{
	char target[320];

	snprintf(target, sizeof(target), "%s/target", dir);
	write_file(target, "1000 10 via_link\n", "w");
	cr_assert_eq(symlink(target, path), 0);
	cr_assert_eq(perfmap_refresh(pm, true), -ELOOP);
	cr_assert_not_null(strstr(perfmap_error(pm), "symbolic link"), "%s", perfmap_error(pm));
	cr_assert_not_null(strstr(perfmap_error(pm), path));
	cr_assert_null(name_at(0x1000));
	cr_assert_eq(stats().refused, 1);
}

Test(perfmap, a_fifo_is_refused_without_blocking)
{
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(perfmap_refresh(pm, true), -EPERM);
	cr_assert_not_null(strstr(perfmap_error(pm), "not a regular file"));
}

Test(perfmap, a_hard_link_is_refused)
{
	char target[320];

	snprintf(target, sizeof(target), "%s/target", dir);
	write_file(target, "1000 10 linked\n", "w");
	cr_assert_eq(link(target, path), 0);
	cr_assert_eq(perfmap_refresh(pm, true), -EPERM);
	cr_assert_not_null(strstr(perfmap_error(pm), "hard link"));
	cr_assert_null(name_at(0x1000));
}

Test(perfmap, a_file_of_another_owner_is_refused)
{
	write_file(path, "1000 10 foreign\n", "w");
	if (geteuid() == 0) {
		/* root's own files are trusted: give the file to another uid */
		cr_assert_eq(chown(path, 65534, 65534), 0);
	} else {
		/* ours, but the process is said to run as another uid (not root) */
		perfmap_free(pm);
		pm = perfmap_new(1, getuid() + 1);
		perfmap_set_path(pm, path);
	}
	cr_assert_eq(perfmap_refresh(pm, true), -EPERM);
	cr_assert_not_null(strstr(perfmap_error(pm), "owned by uid"), "%s", perfmap_error(pm));
	cr_assert_null(name_at(0x1000));
}

Test(perfmap, the_default_path_names_the_pid)
{
	struct perfmap *p = perfmap_new(424242, getuid());

	/* no such file: no entries, no error */
	cr_assert_eq(perfmap_refresh(p, true), 0);
	cr_assert_str_eq(perfmap_error(p), "");
	perfmap_free(p);
}

Test(perfmap, entries_beyond_the_cap_are_dropped_and_counted)
{
	size_t n = (size_t)PERFMAP_MAX_ENTRIES + 10, cap = n * 24, len = 0;
	char *text = malloc(cap);

	cr_assert_not_null(text);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "%zx 1 f\n", i * 2);
	cr_assert_eq(perfmap_parse(pm, text, len, false), len);
	cr_assert_eq(stats().entries, PERFMAP_MAX_ENTRIES);
	cr_assert_eq(stats().dropped, 10);
	cr_assert_eq(stats().malformed, 0);
	cr_assert_str_eq(name_at((uint64_t)(PERFMAP_MAX_ENTRIES - 1) * 2), "f");
	cr_assert_null(name_at((uint64_t)PERFMAP_MAX_ENTRIES * 2));
	free(text);
}
