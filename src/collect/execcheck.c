/* execcheck — static, set-id and capability executables; see execcheck.h. */
#include "collect/execcheck.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

enum { EXECCHECK_MAX_PHNUM = 4096 }; /* program headers read at most */

/* Reads exactly len bytes at off; false on a short read or an error. */
static bool read_at(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	return n >= 0 && (size_t)n == len;
}

/* 1: an ELF executable or shared object without PT_INTERP; 0: one with it,
 * or not ELF, or not a program (a relocatable or core file). */
static int elf_static(int fd)
{
	unsigned char ident[EI_NIDENT];
	bool is64;
	uint16_t type, phnum, phentsize;
	uint64_t phoff;

	if (!read_at(fd, ident, sizeof(ident), 0) || memcmp(ident, ELFMAG, SELFMAG))
		return 0;
	is64 = ident[EI_CLASS] == ELFCLASS64;
	if (!is64 && ident[EI_CLASS] != ELFCLASS32)
		return 0;
	if (is64) {
		Elf64_Ehdr eh;

		if (!read_at(fd, &eh, sizeof(eh), 0))
			return 0;
		type = eh.e_type, phnum = eh.e_phnum, phentsize = eh.e_phentsize,
		phoff = eh.e_phoff;
	} else {
		Elf32_Ehdr eh;

		if (!read_at(fd, &eh, sizeof(eh), 0))
			return 0;
		type = eh.e_type, phnum = eh.e_phnum, phentsize = eh.e_phentsize,
		phoff = eh.e_phoff;
	}
	if ((type != ET_EXEC && type != ET_DYN) || phnum > EXECCHECK_MAX_PHNUM)
		return 0;
	if (phentsize < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return 0;
	for (uint16_t i = 0; i < phnum; i++) {
		off_t at = (off_t)(phoff + (uint64_t)i * phentsize);
		uint32_t p_type;

		if (!read_at(fd, &p_type, sizeof(p_type), at))
			return 0;
		if (p_type == PT_INTERP)
			return 0;
	}
	return 1;
}

int execcheck_agent(const char *path, uid_t uid, gid_t gid, char *why, size_t why_len)
{
	struct stat st;
	int fd, rc = 0;

	if (why_len)
		why[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if ((st.st_mode & S_ISUID) && st.st_uid != uid) {
		snprintf(why, why_len,
		         "setuid executable (runs as uid %u): the loader ignores "
		         "LD_PRELOAD, so the agent cannot load",
		         (unsigned)st.st_uid);
		rc = 1;
	} else if ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP) && st.st_gid != gid) {
		snprintf(why, why_len,
		         "setgid executable (runs as gid %u): the loader ignores "
		         "LD_PRELOAD, so the agent cannot load",
		         (unsigned)st.st_gid);
		rc = 1;
	} else if (uid != 0 && fgetxattr(fd, "security.capability", NULL, 0) > 0) {
		/* Root already holds every capability: it gains none, and the
		 * loader stays in normal mode. */
		snprintf(why, why_len,
		         "executable with file capabilities: the loader ignores "
		         "LD_PRELOAD, so the agent cannot load");
		rc = 1;
	} else if (elf_static(fd)) {
		snprintf(why, why_len,
		         "static executable (no PT_INTERP): LD_PRELOAD cannot load "
		         "the agent");
		rc = 1;
	}
	close(fd);
	return rc;
}
