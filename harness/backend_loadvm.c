// SPDX-License-Identifier: MIT
/* loadvm, our VMM: it takes the loader by name, stamps its own trace
 * points (ns since its main()) and writes them as JSON Lines to fd 3. */
#include "backend.h"

#include "log.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const loadvm_loaders[] = { "copy", "mmap", NULL };
static const char *const loadvm_more_loaders[] = { "mmap-populate", "ksm", "mmap-ksm", NULL };
/* They copy or map like copy and mmap, then madvise(MADV_MERGEABLE) the
 * images' pages (loader/loader_ksm.c, loader_mmap_ksm.c). */
static const char *const loadvm_merging_loaders[] = { "ksm", "mmap-ksm", NULL };

static int loadvm_setup(struct bench_config *config)
{
	struct stat st;

	/* access(X_OK) alone passes a directory (searchable) and, for root,
	 * any file with one x bit. */
	if (stat(config->loadvm, &st) == 0 && !S_ISREG(st.st_mode)) {
		pr_err("--loadvm %s: not a regular file (build loadvm, or give its path)",
		       config->loadvm);
		return -1;
	}
	if (access(config->loadvm, X_OK) != 0) {
		pr_errno("%s: the loadvm binary is not executable (build it, or --loadvm)",
			 config->loadvm);
		return -1;
	}
	return 0;
}

/* Guest RAM is counted by the caller; loadvm needs no copies of the images. */
static unsigned int loadvm_extra_mib(const struct bench_config *config, unsigned int loader)
{
	(void)config;
	(void)loader;
	return 0;
}

static int loadvm_prepare(const struct bench_config *config, unsigned int loader,
			  struct vmm_launch *launch)
{
	launch_arg(launch, config->loadvm);
	launch_arg(launch, "--kernel");
	launch_arg(launch, config->kernel);
	launch_arg(launch, "--loader");
	launch_arg(launch, config->loaders[loader]);
	launch_arg(launch, "--mem");
	launch_argf(launch, "%u", config->mem_mib);
	launch_arg(launch, "--vcpus");
	launch_argf(launch, "%u", config->vcpus);
	launch_arg(launch, "--trace");
	launch_argf(launch, "/proc/self/fd/%d", TRACE_FD); /* /dev/fd is missing in a bare rig */
	/* The guest's console: the reason of a guest that stops without a word
	 * from loadvm (a panic, a reboot) is its last line. loadvm emulates the
	 * UART with or without a file, so this adds no exits. */
	if (launch->serial[0]) {
		launch_arg(launch, "--serial");
		launch_arg(launch, launch->serial);
	}
	if (config->initrd) {
		launch_arg(launch, "--initrd");
		launch_arg(launch, config->initrd);
	}
	if (config->cmdline) {
		launch_arg(launch, "--cmdline");
		launch_arg(launch, config->cmdline);
	}
	if (config->break_symbol) {
		launch_arg(launch, "--break-symbol");
		launch_arg(launch, config->break_symbol);
	}
	if (config->system_map) {
		launch_arg(launch, "--system-map");
		launch_arg(launch, config->system_map);
	}
	return 0;
}

const struct vmm_backend backend_loadvm = {
	.name = "loadvm",
	.loaders = loadvm_loaders,
	.more_loaders = loadvm_more_loaders,
	.merging_loaders = loadvm_merging_loaders,
	.trace = TRACE_JSON_LINES,
	.log_channel = false,
	.overhead_mib = 16,
	/* loadvm starts the kernel at its PVH entry. */
	.first_rip = VMM_FIRST_RIP_PVH,
	.setup = loadvm_setup,
	.extra_mib = loadvm_extra_mib,
	.prepare = loadvm_prepare,
};
