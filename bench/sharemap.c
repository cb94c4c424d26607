// SPDX-License-Identifier: MIT
/*
 * sharemap: which pages of a kernel and initrd that running VMMs mapped
 * copy-on-write are still shared page-cache pages, which the guest wrote,
 * which it never touched, per ELF section. CSV on stdout:
 *   pid,file,region,bytes,pages,shared,copied,untouched
 *
 *   build/sharemap --kernel FILE [--initrd FILE] PID...
 */
#include "log.h"
#include "sharemap.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int report(pid_t pid, const char *path, const struct share_region *regions, size_t nr)
{
	struct share_counts *counts = calloc(nr ? nr : 1, sizeof(*counts));
	int found;

	if (!counts)
		return -1;
	found = sharemap_scan(pid, path, regions, nr, counts);
	if (found < 0) {
		pr_errno("pid %d", (int)pid);
	} else if (found == 0) {
		pr_err("pid %d has no private mapping of %s (copy loader?)", (int)pid, path);
	} else {
		for (size_t i = 0; i < nr; i++)
			printf("%d,%s,%s,%llu,%llu,%llu,%llu,%llu\n", (int)pid, path,
			       regions[i].name, (unsigned long long)regions[i].size,
			       (unsigned long long)counts[i].pages,
			       (unsigned long long)counts[i].shared,
			       (unsigned long long)counts[i].copied,
			       (unsigned long long)counts[i].untouched);
	}
	free(counts);
	return found > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option options[] = { { "kernel", required_argument, NULL, 'k' },
						 { "initrd", required_argument, NULL, 'i' },
						 { NULL, 0, NULL, 0 } };
	const char *kernel = NULL, *initrd = NULL;
	struct share_region *regions = NULL, initrd_region = { "initrd", 0, 0 };
	size_t nr = 0;
	int opt, failed = 0;

	log_set_program("sharemap");
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'k')
			kernel = optarg;
		else if (opt == 'i')
			initrd = optarg;
		else
			return 2;
	}
	if (!kernel || optind == argc) {
		pr_err("usage: sharemap --kernel FILE [--initrd FILE] PID...");
		return 2;
	}
	if (sharemap_elf_regions(kernel, &regions, &nr)) {
		pr_errno("%s: cannot read its sections", kernel);
		return 2;
	}
	if (initrd) {
		struct stat st;

		if (stat(initrd, &st) != 0) {
			pr_errno("%s", initrd);
			return 2;
		}
		initrd_region.size = (uint64_t)st.st_size;
	}
	printf("pid,file,region,bytes,pages,shared,copied,untouched\n");
	for (int i = optind; i < argc; i++) {
		pid_t pid = (pid_t)atoi(argv[i]);

		failed |= report(pid, kernel, regions, nr);
		if (initrd)
			failed |= report(pid, initrd, &initrd_region, 1);
	}
	free(regions);
	return failed ? 1 : 0;
}
