/* treescan — a process's parent and children from /proc; see treescan.h. */
#include "collect/treescan.h"

#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

pid_t treescan_parent(pid_t pid)
{
	char path[64], buf[1024];
	const char *close_paren;
	ssize_t n;
	int fd, ppid = 0;
	char state;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
	close_paren = strrchr(buf, ')');
	if (!close_paren || sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2)
		return 0;
	return ppid > 0 ? (pid_t)ppid : 0;
}

static bool has(const pid_t *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

size_t treescan_children(pid_t pid, pid_t **out, size_t *n, size_t *cap)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	size_t added = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char file[320];
		FILE *f;
		int child;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(file, sizeof(file), "/proc/%d/task/%s/children", (int)pid, e->d_name);
		f = fopen(file, "re");
		if (!f)
			continue;
		while (fscanf(f, "%d", &child) == 1) {
			if (child <= 0 || has(*out, *n, (pid_t)child))
				continue;
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 64;
				*out = xreallocarray(*out, *cap, sizeof(**out));
			}
			(*out)[(*n)++] = (pid_t)child;
			added++;
		}
		fclose(f);
	}
	closedir(d);
	return added;
}
