// SPDX-License-Identifier: MIT
#include "input_check.h"

#include "backend.h"
#include "bench_config.h"
#include "guest_layout.h"
#include "initrd.h"
#include "input_file.h"
#include "kernel_cache.h"
#include "kernel_image.h"
#include "log.h"
#include "options.h"

#include <string.h>
#include <unistd.h>

/* Never blocks: a FIFO or a device is refused before anyone reads it. */
static int regular_file(const char *path)
{
	struct stat st;
	int fd;

	if (!path)
		return 0;
	fd = input_file_open(path, &st);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* loadvm appends --cmdline to its default line, in a slot of fixed size. */
static int cmdline_fits(const struct bench_config *config)
{
	size_t len;

	if (!config->cmdline)
		return 0;
	len = strlen(DEFAULT_CMDLINE) + 1 + strlen(config->cmdline);
	if (len + 1 > CMDLINE_MAX_SIZE) {
		pr_err("--cmdline: too long: %zu bytes with loadvm's default line, the guest's "
		       "slot holds %lu",
		       len, CMDLINE_MAX_SIZE - 1);
		return -1;
	}
	return 0;
}

/* What loadvm does with the images in open_images(), with the same code. */
static int loadvm_accepts_images(const struct bench_config *config, struct kernel_facts *facts)
{
	const uint64_t ram = (uint64_t)config->mem_mib << 20;
	const struct image_limits limits = { ram, BOOT_DATA_END };
	static struct kernel_file file;
	struct kernel_image image;
	struct initrd initrd = { .fd = -1 };
	int ret;

	if (kernel_file_open(&file, &image, config->kernel, &limits))
		return -1;
	facts->pvh_entry = image.pvh_entry;
	facts->elf_path = file.elf_path; /* static: it outlives the check */
	ret = config->initrd && initrd_open(&initrd, config->initrd, ram, kernel_image_end(&image));
	initrd_close(&initrd);
	kernel_image_close(&image);
	return ret ? -1 : 0;
}

int input_check(const struct bench_config *config, struct kernel_facts *facts)
{
	facts->pvh_entry = 0;
	facts->elf_path = NULL;
	if (regular_file(config->kernel) || regular_file(config->initrd))
		return -1;
	if (!config_has_vmm(config, &backend_loadvm))
		return 0;
	return cmdline_fits(config) || loadvm_accepts_images(config, facts) ? -1 : 0;
}
