/* outfile — temporary file and rename; see outfile.h. */
#include "report/outfile.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/outpath.h"
#include "util/xalloc.h"

int outfile_check(const char *path, char *why, size_t why_len)
{
	char target[PATH_MAX], reason[PATH_MAX + 256];
	int rc;

	if (!strcmp(path, "-"))
		return 0;
	rc = outpath_check(path, target, sizeof(target), reason, sizeof(reason));
	if (rc < 0)
		snprintf(why, why_len, "cannot write '%s': %s", path, reason);
	return rc;
}

int outfile_open(struct outfile *o, const char *path, char *why, size_t why_len)
{
	char target[PATH_MAX], reason[PATH_MAX + 256];
	mode_t mask;
	size_t n;
	int fd, err;

	memset(o, 0, sizeof(*o));
	if (!strcmp(path, "-")) {
		o->f = stdout;
		o->path = xstrdup(path);
		return 0;
	}
	err = outpath_check(path, target, sizeof(target), reason, sizeof(reason));
	if (err < 0) {
		snprintf(why, why_len, "cannot write '%s': %s", path, reason);
		return err;
	}
	n = strlen(target);
	o->path = xstrdup(target);
	o->tmp = xmalloc(n + 16);
	snprintf(o->tmp, n + 16, "%s.tmp-XXXXXX", target);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		err = errno;
		snprintf(why, why_len, "cannot write '%s': %s", path, strerror(err));
		free(o->tmp);
		free(o->path);
		memset(o, 0, sizeof(*o));
		return -err;
	}
	/* mkstemp makes 0600; a report is an ordinary file: 0666 less the umask. */
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	o->f = fdopen(fd, "w");
	if (!o->f) {
		err = errno;
		close(fd);
		unlink(o->tmp);
		snprintf(why, why_len, "cannot write '%s': %s", path, strerror(err));
		free(o->tmp);
		free(o->path);
		memset(o, 0, sizeof(*o));
		return -err;
	}
	return 0;
}

static void release(struct outfile *o)
{
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

int outfile_commit(struct outfile *o, char *why, size_t why_len)
{
	int err = 0;

	errno = 0;
	if (!o->tmp) { /* stdout */
		if (fflush(o->f) != 0 || ferror(o->f)) {
			err = errno ? errno : EIO;
			snprintf(why, why_len, "cannot write to standard output: %s",
				 strerror(err));
		}
		release(o);
		return -err;
	}
	if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0)
		err = errno ? errno : EIO;
	if (fclose(o->f) != 0 && !err)
		err = errno ? errno : EIO;
	o->f = NULL;
	if (!err && rename(o->tmp, o->path) != 0)
		err = errno;
	if (err) {
		unlink(o->tmp);
		snprintf(why, why_len, "cannot write '%s': %s", o->path, strerror(err));
	}
	release(o);
	return -err;
}

void outfile_abort(struct outfile *o)
{
	if (o->tmp) {
		if (o->f)
			fclose(o->f);
		unlink(o->tmp);
	}
	release(o);
}
