// SPDX-License-Identifier: MIT
#include "page_sites.h"

#include "elf_offset.h"
#include "symbols.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How long a site is. */
enum site_len {
	LEN_FIELD,	/* a u8 in the entry, at `arg` */
	LEN_FIXED,	/* `arg` bytes */
	LEN_CALL,	/* a call or jmp rel32 (5 bytes), a Jcc rel32 (6) */
	LEN_JUMP_LABEL, /* a jmp8 or 2-byte NOP (2), else 5 */
};

struct site_table {
	const char *section;
	enum page_kind kind;
	unsigned entry_size;
	int absolute; /* the entry starts with the site's address, not an s32 to it */
	enum site_len len;
	unsigned arg;
};

static const struct site_table tables[] = {
	{ ".retpoline_sites", PAGE_RETPOLINE, 4, 0, LEN_CALL, 0 },
	{ ".return_sites", PAGE_RETURN_THUNK, 4, 0, LEN_CALL, 0 },
	{ ".ibt_endbr_seal", PAGE_IBT_SEAL, 4, 0, LEN_FIXED, 4 },
	{ ".altinstructions", PAGE_ALTERNATIVE, 12, 0, LEN_FIELD, 10 },
	{ "__jump_table", PAGE_JUMP_LABEL, 16, 0, LEN_JUMP_LABEL, 0 },
	{ ".static_call_sites", PAGE_STATIC_CALL, 8, 0, LEN_CALL, 0 },
	{ ".parainstructions", PAGE_PARAVIRT, 16, 1, LEN_FIELD, 9 },
};

/* What x86's vmlinux.lds.S (6.1) links between __init_begin and __init_end,
 * besides .init.* and .exit.*, for a vmlinux without symbols. The names
 * count with symbols too: .init.scratch lies past _end, never reserved. */
static const char *const init_sections[] = {
	".altinstr_aux", ".x86_cpu_dev.init",	    ".parainstructions", ".retpoline_sites",
	".return_sites", ".ibt_endbr_seal",	    ".altinstructions",	 ".altinstr_replacement",
	".apicdrivers",	 ".x86_intel_mid_dev.init",
};

struct builder {
	Elf *elf;
	const uint8_t *image; /* the whole file */
	size_t image_size;
	int have_init_range;
	uint64_t init_begin, init_end;
	struct page_sites *sites;
	size_t cap[PAGE_KINDS];
};

static int add_span(struct builder *b, enum page_kind kind, uint64_t start, uint64_t len)
{
	struct span_list *list = &b->sites->spans[kind];

	if (len == 0)
		return 0;
	if (list->nr == b->cap[kind]) {
		size_t grown = b->cap[kind] ? b->cap[kind] * 2 : 64;
		struct span *more = realloc(list->spans, grown * sizeof(*more));

		if (!more)
			return -1;
		list->spans = more;
		b->cap[kind] = grown;
	}
	list->spans[list->nr++] = (struct span){ start, start + len };
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* Sorted, with overlapping and touching spans merged (several alternatives
 * can patch one site). */
static void normalise(struct span_list *list)
{
	size_t out = 0;

	if (list->nr == 0)
		return;
	qsort(list->spans, list->nr, sizeof(*list->spans), by_start);
	for (size_t i = 1; i < list->nr; i++) {
		if (list->spans[i].start <= list->spans[out].end) {
			if (list->spans[i].end > list->spans[out].end)
				list->spans[out].end = list->spans[i].end;
		} else {
			list->spans[++out] = list->spans[i];
		}
	}
	list->nr = out + 1;
}

static unsigned site_len(const struct builder *b, const struct site_table *t, const uint8_t *entry,
			 uint64_t offset)
{
	const uint8_t *at = b->image + offset;
	int two = offset + 2 <= b->image_size;

	switch (t->len) {
	case LEN_FIELD: return entry[t->arg];
	case LEN_FIXED: return t->arg;
	case LEN_CALL: return at[0] == 0x0f ? 6 : 5;
	case LEN_JUMP_LABEL:
		return at[0] == 0xeb || (two && at[0] == 0x66 && at[1] == 0x90) ? 2 : 5;
	}
	return 0;
}

static int add_sites(struct builder *b, const struct site_table *t, const GElf_Shdr *sh,
		     const Elf_Data *data)
{
	for (size_t i = 0; i + t->entry_size <= data->d_size; i += t->entry_size) {
		const uint8_t *entry = (const uint8_t *)data->d_buf + i;
		uint64_t addr;
		int64_t offset;
		unsigned len;

		if (t->absolute) {
			memcpy(&addr, entry, sizeof(addr));
		} else {
			int32_t rel;

			memcpy(&rel, entry, sizeof(rel));
			addr = sh->sh_addr + i + (uint64_t)(int64_t)rel;
		}
		offset = elf_file_offset(b->elf, addr, 1);
		if (offset < 0 || (uint64_t)offset >= b->image_size)
			continue; /* not in the file's loaded bytes: nothing to attribute */
		len = site_len(b, t, entry, (uint64_t)offset);
		if (add_span(b, t->kind, (uint64_t)offset, len))
			return -1;
	}
	return 0;
}

static int is_init_section(const struct builder *b, const char *name, const GElf_Shdr *sh)
{
	if (strcmp(name, ".data..percpu") == 0 && sh->sh_addr == 0)
		return 1;
	if (b->have_init_range && sh->sh_addr >= b->init_begin &&
	    sh->sh_addr + sh->sh_size <= b->init_end)
		return 1;
	if (strncmp(name, ".init", 5) == 0 || strncmp(name, ".exit", 5) == 0)
		return 1;
	for (size_t i = 0; i < sizeof(init_sections) / sizeof(init_sections[0]); i++)
		if (strcmp(name, init_sections[i]) == 0)
			return 1;
	return 0;
}

static int add_section(struct builder *b, Elf_Scn *scn, const char *name, const GElf_Shdr *sh)
{
	int64_t offset = elf_file_offset(b->elf, sh->sh_addr, sh->sh_size);

	if (offset >= 0) {
		enum page_kind kind = PAGE_KINDS;

		if (is_init_section(b, name, sh))
			kind = PAGE_INIT_FREED;
		else if ((sh->sh_flags & SHF_WRITE) || !(sh->sh_flags & SHF_EXECINSTR))
			kind = PAGE_DATA;
		if (kind != PAGE_KINDS && add_span(b, kind, (uint64_t)offset, sh->sh_size))
			return -1;
	}
	if (sh->sh_type == SHT_NOBITS)
		return 0;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		Elf_Data *data;

		if (strcmp(name, tables[i].section) != 0)
			continue;
		data = elf_getdata(scn, NULL);
		if (data && data->d_buf && add_sites(b, &tables[i], sh, data))
			return -1;
	}
	return 0;
}

static int add_sections(struct builder *b)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(b->elf, &shstrndx))
		return 0; /* no section headers: nothing to name */
	while ((scn = elf_nextscn(b->elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) || sh.sh_size == 0)
			continue;
		name = elf_strptr(b->elf, shstrndx, sh.sh_name);
		if (add_section(b, scn, name ? name : "", &sh))
			return -1;
	}
	return 0;
}

int page_sites_from_elf(const char *path, struct page_sites *sites)
{
	struct builder b = { .sites = sites };
	int fd, ret;

	memset(sites, 0, sizeof(*sites));
	b.have_init_range = symbol_address(path, NULL, "__init_begin", &b.init_begin) == 0 &&
			    symbol_address(path, NULL, "__init_end", &b.init_end) == 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	b.elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (b.elf)
		b.image = (const uint8_t *)elf_rawfile(b.elf, &b.image_size);
	if (!b.elf || !b.image || elf_kind(b.elf) != ELF_K_ELF) {
		if (b.elf)
			elf_end(b.elf);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	ret = add_sections(&b);
	elf_end(b.elf);
	close(fd);
	if (ret) {
		page_sites_free(sites);
		errno = ENOMEM;
		return -1;
	}
	for (int k = 0; k < PAGE_KINDS; k++)
		normalise(&sites->spans[k]);
	return 0;
}

int page_sites_whole(struct page_sites *sites, enum page_kind kind, uint64_t size)
{
	struct builder b = { .sites = sites };

	memset(sites, 0, sizeof(*sites));
	return add_span(&b, kind, 0, size);
}

void page_sites_free(struct page_sites *sites)
{
	for (int k = 0; k < PAGE_KINDS; k++)
		free(sites->spans[k].spans);
	memset(sites, 0, sizeof(*sites));
}
