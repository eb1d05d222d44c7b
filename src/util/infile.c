/* infile — opening a file to read without waiting at the open; see infile.h. */
#include "util/infile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *infile_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO (named pipe)";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

int infile_open(const char *path, char *why, size_t why_len)
{
	struct stat sb;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		err = errno;
		snprintf(why, why_len, "%s", strerror(err));
		return -err;
	}
	if (fstat(fd, &sb) < 0)
		memset(&sb, 0, sizeof(sb));
	if (!S_ISREG(sb.st_mode)) {
		err = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
		snprintf(why, why_len, "it is %s, not a regular file", infile_kind(sb.st_mode));
		close(fd);
		return -err;
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}
