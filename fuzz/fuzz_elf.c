// SPDX-License-Identifier: MIT
/* libFuzzer target: the ELF/PVH parser on arbitrary bytes. */
#include "guest_layout.h"
#include "kernel_image.h"
#include "log.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct image_limits limits = { 128ULL << 20, BOOT_DATA_END };
	static int fd = -1;
	struct kernel_image image;

	if (fd < 0) {
		log_set_program("fuzz_elf");
		fd = memfd_create("fuzz", 0);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	if (kernel_image_parse_fd(&image, fd, "input", &limits) == 0) {
		/* What the loaders would rely on must hold for anything accepted. */
		for (unsigned i = 0; i < image.nr_segments; i++) {
			const struct file_extent *seg = &image.segments[i];

			if (seg->file_offset + seg->file_size > size ||
			    seg->file_size > seg->mem_size ||
			    seg->gpa + seg->mem_size > limits.ram_bytes)
				__builtin_trap();
		}
	}
	return 0;
}
