/*
 * elfsyms — named symbols of a mapped ELF module, in the mapping process's
 * address space (elfsyms.h). The file is read through libelf's mapping of
 * it; the load bias comes from the loadable segment that holds the mapped
 * file offset, so it works for executables (non-PIE and PIE) and shared
 * objects alike.
 */
#include "symbols/elfsyms.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(char *err, size_t err_len, int code, const char *path, const char *why)
{
	if (err && err_len)
		snprintf(err, err_len, "cannot read ELF file '%s': %s", path, why);
	return code;
}

/* The bias to add to a symbol's value: where the process mapped the
 * file offset map_offset, less the link-time address of that offset. */
static int load_bias(Elf *elf, uint64_t map_start, uint64_t map_offset, uint64_t *bias)
{
	size_t nph;

	if (elf_getphdrnum(elf, &nph) < 0)
		return -1;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		/* the segment's pages: its offset rounded down to a page */
		uint64_t page_off = ph.p_offset & ~(uint64_t)0xfff;

		if (map_offset >= page_off && map_offset < ph.p_offset + ph.p_filesz) {
			*bias = map_start - (ph.p_vaddr + map_offset - ph.p_offset);
			return 0;
		}
	}
	return -1;
}

/* Looks for the wanted names in one symbol table; returns how many it found. */
static size_t scan_table(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, uint64_t bias,
                         struct elfsyms_want *want, size_t n, size_t missing)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t count, found = 0;

	if (!data || !sh->sh_entsize)
		return 0;
	count = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < count && found < missing; i++) {
		GElf_Sym s;
		const char *name;

		if (!gelf_getsym(data, (int)i, &s) || s.st_shndx == SHN_UNDEF || !s.st_name)
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name)
			continue;
		for (size_t k = 0; k < n; k++)
			if (!want[k].found && strcmp(name, want[k].name) == 0) {
				want[k].found = 1;
				want[k].addr = s.st_value + bias;
				want[k].size = s.st_size;
				found++;
			}
	}
	return found;
}

int elfsyms_lookup(const char *path, uint64_t map_start, uint64_t map_offset,
                   struct elfsyms_want *want, size_t n, char *err, size_t err_len)
{
	GElf_Word types[2] = {SHT_DYNSYM, SHT_SYMTAB};
	size_t got = 0;
	uint64_t bias;
	GElf_Ehdr eh;
	Elf *elf;
	int fd, rc;

	for (size_t k = 0; k < n; k++)
		want[k].found = 0;
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail(err, err_len, -errno, path, strerror(errno));
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)) {
		rc = fail(err, err_len, -ENOEXEC, path, "not an ELF executable or shared object");
		goto out;
	}
	if (load_bias(elf, map_start, map_offset, &bias) < 0) {
		rc = fail(err, err_len, -ERANGE, path,
		          "no loadable segment holds the mapped offset");
		goto out;
	}
	for (int t = 0; t < 2 && got < n; t++) {
		Elf_Scn *scn = NULL;

		while ((scn = elf_nextscn(elf, scn)) != NULL && got < n) {
			GElf_Shdr sh;

			if (gelf_getshdr(scn, &sh) && sh.sh_type == types[t])
				got += scan_table(elf, scn, &sh, bias, want, n, n - got);
		}
	}
	rc = (int)got;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return rc;
}
