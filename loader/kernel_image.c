// SPDX-License-Identifier: MIT
/* ELF/PVH parsing with libelf: ELF32 and ELF64 through the gelf_ API. */
#include "kernel_image.h"

#include "guest_layout.h"
#include "input_file.h"
#include "log.h"
#include "pvh_abi.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int bad(const char *path, const char *problem)
{
	pr_err("%s: %s", path, problem);
	return -1;
}

/* a + b > limit, without overflowing. */
static int beyond(uint64_t a, uint64_t b, uint64_t limit)
{
	return a > limit || b > limit - a;
}

/* The ELF class (32 or 64 bit) decides how every later field is read; a
 * header whose sizes are not its class's own is another layout under a
 * wrong e_ident, and reading on would misparse the rest. */
static int check_layout(const GElf_Ehdr *ehdr, int elf_class, const char *path)
{
	const int is64 = elf_class == ELFCLASS64;
	const unsigned ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	const unsigned phentsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);

	if (ehdr->e_ehsize != ehsize) {
		pr_err("%s: ELF class and body disagree: the header says %s but its e_ehsize is "
		       "%u, not %u (a %s-bit ELF under a wrong class byte?)",
		       path, is64 ? "ELFCLASS64" : "ELFCLASS32", ehdr->e_ehsize, ehsize,
		       is64 ? "32" : "64");
		return -1;
	}
	if (ehdr->e_phentsize != phentsize) {
		pr_err("%s: wrong e_phentsize %u: an %s program header is %u bytes", path,
		       ehdr->e_phentsize, is64 ? "ELFCLASS64" : "ELFCLASS32", phentsize);
		return -1;
	}
	return 0;
}

/* libelf calls a file with the ELF magic but a bad class byte "not ELF". */
static int check_ident(int fd, const char *path)
{
	unsigned char ident[EI_NIDENT];

	if (pread(fd, ident, sizeof(ident), 0) == (ssize_t)sizeof(ident) &&
	    memcmp(ident, ELFMAG, SELFMAG) == 0 && ident[EI_CLASS] != ELFCLASS32 &&
	    ident[EI_CLASS] != ELFCLASS64) {
		pr_err("%s: unknown ELF class %u (e_ident[EI_CLASS] is neither 32 nor 64 bit)",
		       path, ident[EI_CLASS]);
		return -1;
	}
	return 0;
}

static int check_header(Elf *elf, const char *path)
{
	GElf_Ehdr ehdr;
	int elf_class;

	if (elf_kind(elf) != ELF_K_ELF)
		return bad(path, "not an ELF file");
	elf_class = gelf_getclass(elf);
	if (!gelf_getehdr(elf, &ehdr))
		return bad(path, "truncated or corrupt ELF header");
	if (check_layout(&ehdr, elf_class, path))
		return -1;
	if (ehdr.e_machine != EM_X86_64 && ehdr.e_machine != EM_386)
		return bad(path, "ELF for another machine (need x86-64 or i386)");
	if (ehdr.e_type != ET_EXEC)
		return bad(path, "ELF is not an executable (ET_EXEC)");
	return 0;
}

/* libelf quietly clips e_phnum to what the file holds; say plainly when
 * the table the header declares lies past EOF. */
static int check_phdr_table(Elf *elf, const struct kernel_image *image, size_t count)
{
	GElf_Ehdr ehdr;

	if (!gelf_getehdr(elf, &ehdr))
		return bad(image->path, "truncated or corrupt ELF header");
	if (ehdr.e_phnum != PN_XNUM) /* else the count lives in section 0 */
		count = ehdr.e_phnum;
	if (count > (UINT64_MAX - ehdr.e_phoff) / ehdr.e_phentsize ||
	    beyond(ehdr.e_phoff, (uint64_t)count * ehdr.e_phentsize, image->file_bytes)) {
		pr_err("%s: program headers extend past the end of the file (%zu entries at "
		       "offset %llu, the file has %llu bytes; truncated?)",
		       image->path, count, (unsigned long long)ehdr.e_phoff,
		       (unsigned long long)image->file_bytes);
		return -1;
	}
	return 0;
}

/* Looks through one PT_NOTE for the Xen PVH entry note. */
static int find_pvh_note(Elf *elf, const GElf_Phdr *phdr, uint64_t file_bytes, uint32_t *entry)
{
	size_t offset = 0, name_off, desc_off;
	Elf_Data *data;
	GElf_Nhdr note;

	/* A note past EOF is no note; the bound also keeps the casts exact. */
	if (beyond(phdr->p_offset, phdr->p_filesz, file_bytes))
		return 0;
	data = elf_getdata_rawchunk(elf, (int64_t)phdr->p_offset, (size_t)phdr->p_filesz,
				    ELF_T_NHDR);
	if (!data)
		return 0;
	while ((offset = gelf_getnote(data, offset, &note, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)data->d_buf + name_off;
		const unsigned char *desc = (const unsigned char *)data->d_buf + desc_off;

		if (note.n_type != XEN_ELFNOTE_PHYS32_ENTRY || note.n_namesz != 4 ||
		    memcmp(name, "Xen", 4) != 0 || note.n_descsz < 4)
			continue;
		/* The note holds a 32-bit physical address (Linux: .long). */
		memcpy(entry, desc, sizeof(*entry));
		return 1;
	}
	return 0;
}

static int add_segment(struct kernel_image *image, const GElf_Phdr *phdr,
		       const struct image_limits *limits)
{
	struct file_extent *seg;

	if (phdr->p_memsz == 0)
		return 0;
	if (phdr->p_filesz > phdr->p_memsz)
		return bad(image->path, "segment with p_filesz larger than p_memsz");
	if (beyond(phdr->p_offset, phdr->p_filesz, image->file_bytes))
		return bad(image->path, "segment extends past the end of the file (truncated?)");
	if (beyond(phdr->p_paddr, phdr->p_memsz, limits->ram_bytes))
		return bad(image->path, "segment outside guest RAM (raise --mem?)");
	if (phdr->p_paddr < limits->reserved_end)
		return bad(image->path, "segment overlaps the boot data area");
	if (image->nr_segments == KERNEL_MAX_SEGMENTS)
		return bad(image->path, "too many PT_LOAD segments");
	seg = &image->segments[image->nr_segments++];
	seg->gpa = phdr->p_paddr;
	seg->file_offset = phdr->p_offset;
	seg->file_size = phdr->p_filesz;
	seg->mem_size = phdr->p_memsz;
	return 0;
}

static int check_overlaps(const struct kernel_image *image)
{
	for (unsigned i = 0; i < image->nr_segments; i++) {
		const struct file_extent *a = &image->segments[i];

		for (unsigned j = i + 1; j < image->nr_segments; j++) {
			const struct file_extent *b = &image->segments[j];

			if (a->gpa < b->gpa + b->mem_size && b->gpa < a->gpa + a->mem_size)
				return bad(image->path, "overlapping PT_LOAD segments");
		}
	}
	return 0;
}

static int entry_in_segment(const struct kernel_image *image)
{
	for (unsigned i = 0; i < image->nr_segments; i++) {
		const struct file_extent *seg = &image->segments[i];

		if (image->pvh_entry >= seg->gpa && image->pvh_entry < seg->gpa + seg->file_size)
			return 1;
	}
	return 0;
}

static int walk_program_headers(Elf *elf, struct kernel_image *image,
				const struct image_limits *limits)
{
	size_t count;
	int have_entry = 0;

	if (elf_getphdrnum(elf, &count) != 0 || count == 0)
		return bad(image->path, "missing or truncated program headers");
	if (check_phdr_table(elf, image, count))
		return -1;
	for (size_t i = 0; i < count; i++) {
		GElf_Phdr phdr;

		if (!gelf_getphdr(elf, (int)i, &phdr))
			return bad(image->path, "truncated program headers");
		if (phdr.p_type == PT_LOAD && add_segment(image, &phdr, limits))
			return -1;
		if (phdr.p_type == PT_NOTE && !have_entry)
			have_entry =
				find_pvh_note(elf, &phdr, image->file_bytes, &image->pvh_entry);
	}
	if (image->nr_segments == 0)
		return bad(image->path, "no PT_LOAD segment");
	if (!have_entry)
		return bad(image->path,
			   "no PVH entry note (ELF note \"Xen\", type 18): not a PVH kernel");
	if (check_overlaps(image))
		return -1;
	if (!entry_in_segment(image))
		return bad(image->path, "PVH entry point outside every loaded segment");
	return 0;
}

int kernel_image_parse_fd(struct kernel_image *image, int fd, const char *path,
			  const struct image_limits *limits)
{
	struct stat st;
	Elf *elf;
	int ret;

	memset(image, 0, sizeof(*image));
	image->path = path;
	image->fd = fd;
	if (fstat(fd, &st) != 0) {
		pr_errno("%s", path);
		return -1;
	}
	if (st.st_size == 0)
		return bad(path, "empty file");
	image->file_bytes = (uint64_t)st.st_size;
	if (check_ident(fd, path))
		return -1;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return bad(path, "libelf initialisation failed");
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return bad(path, "cannot read as ELF (corrupt or truncated)");
	ret = check_header(elf, path);
	if (!ret)
		ret = walk_program_headers(elf, image, limits);
	elf_end(elf);
	return ret;
}

int kernel_image_open(struct kernel_image *image, const char *path,
		      const struct image_limits *limits)
{
	struct stat st;
	int fd = input_file_open(path, &st);

	if (fd < 0)
		return -1;
	if (kernel_image_parse_fd(image, fd, path, limits)) {
		close(fd);
		image->fd = -1;
		return -1;
	}
	return 0;
}

void kernel_image_close(struct kernel_image *image)
{
	if (image->fd >= 0)
		close(image->fd);
	image->fd = -1;
}

uint64_t kernel_image_end(const struct kernel_image *image)
{
	uint64_t end = 0;

	for (unsigned i = 0; i < image->nr_segments; i++) {
		const struct file_extent *seg = &image->segments[i];

		if (seg->gpa + seg->mem_size > end)
			end = seg->gpa + seg->mem_size;
	}
	return end;
}
