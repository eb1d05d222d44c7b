/* sym_maps — parse /proc/PID/maps into executable mappings; see sym_maps.h. */
#include "symbols/sym_maps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/scan.h"
#include "util/xalloc.h"

void sym_maps_init(struct sym_maps *maps)
{
	maps->mods = NULL;
	maps->count = maps->alloc = 0;
}

void sym_maps_release(struct sym_maps *maps)
{
	for (size_t i = 0; i < maps->count; i++)
		free((char *)maps->mods[i].path);
	free(maps->mods);
	sym_maps_init(maps);
}

static int fail(char *err, size_t err_len, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t err_len, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && err_len) {
		va_start(ap, fmt);
		vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
	}
	return code;
}

static int expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return -1;
	(*p)++;
	return 0;
}

/* Parses one line [s, end) into its fields; *path points into the line. */
static const char *parse_line(const char *s, const char *end, struct sym_module *m, char perms[5],
                              const char **path, size_t *path_len)
{
	uint64_t maj, min;

	if (scan_hex(&s, end, &m->start) || expect(&s, end, '-') || scan_hex(&s, end, &m->end))
		return "bad address range";
	if (m->end <= m->start)
		return "empty or reversed address range";
	if (expect(&s, end, ' ') || end - s < 5 || s[4] != ' ')
		return "bad permissions";
	memcpy(perms, s, 4);
	perms[4] = '\0';
	s += 5;
	if (scan_hex(&s, end, &m->offset) || expect(&s, end, ' '))
		return "bad offset";
	if (scan_hex(&s, end, &maj) || expect(&s, end, ':') || scan_hex(&s, end, &min) ||
	    expect(&s, end, ' ') || maj > 0xffffffffu || min > 0xffffffffu)
		return "bad device";
	m->dev = makedev(maj, min);
	if (scan_dec(&s, end, &m->inode))
		return "bad inode";
	if (s < end && *s != ' ')
		return "bad inode";
	while (s < end && *s == ' ')
		s++;
	*path = s;
	*path_len = (size_t)(end - s);
	return NULL;
}

int sym_maps_parse(struct sym_maps *maps, const char *text, size_t len, char *err, size_t err_len)
{
	const char *p = text, *stop = text + len;
	unsigned long lineno = 0;

	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		const char *end = nl ? nl : stop;
		struct sym_module m = {0};
		const char *path, *why;
		size_t path_len;
		char perms[5];

		lineno++;
		if (end - p > SYM_MAPS_MAX_LINE)
			return fail(err, err_len, -EINVAL, "line %lu: longer than %d bytes", lineno,
			            SYM_MAPS_MAX_LINE);
		if (end == p) {
			p = end + 1;
			continue;
		}
		why = parse_line(p, end, &m, perms, &path, &path_len);
		if (why)
			return fail(err, err_len, -EINVAL, "line %lu: %s", lineno, why);
		p = nl ? nl + 1 : stop;
		if (perms[2] != 'x')
			continue;
		if (maps->count && m.start < maps->mods[maps->count - 1].end)
			return fail(err, err_len, -EINVAL, "line %lu: mapping out of order",
			            lineno);
		if (maps->count >= SYM_MAPS_MAX_ENTRIES)
			return fail(err, err_len, -EINVAL,
			            "line %lu: more than %d executable mappings", lineno,
			            SYM_MAPS_MAX_ENTRIES);
		XGROW(maps->mods, maps->alloc, maps->count + 1, 32);
		char *copy = xmalloc(path_len + 1);

		memcpy(copy, path, path_len);
		copy[path_len] = '\0';
		m.path = copy;
		maps->mods[maps->count++] = m;
	}
	return 0;
}

int sym_maps_read(struct sym_maps *maps, pid_t pid, char *err, size_t err_len)
{
	char fname[64], *buf = NULL;
	size_t len = 0, alloc = 0;
	int fd, rc;

	sym_maps_release(maps);
	snprintf(fname, sizeof(fname), "/proc/%ld/maps", (long)pid);
	fd = open(fname, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, err_len, -errno, "cannot open '%s': %s", fname, strerror(errno));
	for (;;) {
		ssize_t n;

		if (len == alloc) {
			if (alloc >= SYM_MAPS_MAX_BYTES) {
				rc = fail(err, err_len, -EFBIG,
				          "cannot read '%s': larger than %d bytes", fname,
				          SYM_MAPS_MAX_BYTES);
				goto out;
			}
			alloc = alloc ? alloc * 2 : 16384;
			buf = xrealloc(buf, alloc);
		}
		n = read(fd, buf + len, alloc - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = fail(err, err_len, -errno, "cannot read '%s': %s", fname,
			          strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	rc = sym_maps_parse(maps, buf, len, err, err_len);
	if (rc < 0 && err && err_len) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, err_len, "cannot parse '%s': %s", fname, why);
	}
out:
	free(buf);
	close(fd);
	return rc;
}

const struct sym_module *sym_maps_find(const struct sym_maps *maps, uint64_t pc)
{
	size_t lo = 0, hi = maps->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (maps->mods[mid].start <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && pc < maps->mods[lo - 1].end)
		return &maps->mods[lo - 1];
	return NULL;
}
