// SPDX-License-Identifier: MIT
/*
 * sharemap: which pages of a kernel and initrd that running VMMs mapped
 * copy-on-write are still shared page-cache pages, which the guest wrote,
 * which it never touched, per ELF section. CSV on stdout:
 *   pid,file,region,bytes,pages,shared,copied,untouched
 * --kinds adds, per region, why the copied pages were written (one column
 * per kind of common/page_kind.h, then other_bytes); --pages FILE writes
 * one row per copied page to FILE:
 *   pid,file,region,offset,kind,diff_bytes,bytes_by_kind
 * Both read the guest's pages through /proc/PID/mem: root, or
 * kernel.yama.ptrace_scope=0 for a VMM that is not our child.
 *
 *   build/sharemap [--kinds] [--pages FILE] --kernel FILE [--initrd FILE] PID...
 */
#include "log.h"
#include "page_sites.h"
#include "sharemap.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

struct target {
	const char *path;
	const struct share_region *regions;
	size_t nr;
	const struct page_sites *sites;
};

struct page_rows {
	FILE *out;
	pid_t pid;
	const struct target *target;
};

static void page_row(void *arg, size_t region, uint64_t offset, const struct page_verdict *v)
{
	struct page_rows *rows = arg;
	const char *sep = "";

	fprintf(rows->out, "%d,%s,%s,0x%llx,%s,%u,", (int)rows->pid, rows->target->path,
		rows->target->regions[region].name, (unsigned long long)offset,
		page_kind_name(v->kind), v->diff_bytes);
	for (int k = 0; k < PAGE_KINDS; k++)
		if (v->bytes[k]) {
			fprintf(rows->out, "%s%s=%u", sep, page_kind_name(k), v->bytes[k]);
			sep = " ";
		}
	fputc('\n', rows->out);
}

static void print_row(pid_t pid, const struct target *t, size_t i, const struct share_counts *c,
		      int kinds)
{
	printf("%d,%s,%s,%llu,%llu,%llu,%llu,%llu", (int)pid, t->path, t->regions[i].name,
	       (unsigned long long)t->regions[i].size, (unsigned long long)c->pages,
	       (unsigned long long)c->shared, (unsigned long long)c->copied,
	       (unsigned long long)c->untouched);
	if (kinds) {
		for (int k = 0; k < PAGE_KINDS; k++)
			printf(",%llu", (unsigned long long)c->kinds[k]);
		printf(",%llu", (unsigned long long)c->other_bytes);
	}
	putchar('\n');
}

static int report(pid_t pid, const struct target *t, int kinds, FILE *pages)
{
	struct share_counts *counts = calloc(t->nr ? t->nr : 1, sizeof(*counts));
	struct page_rows rows = { pages, pid, t };
	struct share_scan scan = { t->sites, pages ? page_row : NULL, &rows };
	unsigned long long unread = 0;
	int found;

	if (!counts)
		return -1;
	found = sharemap_scan(pid, t->path, t->regions, t->nr, kinds || pages ? &scan : NULL,
			      counts);
	if (found < 0) {
		pr_errno("pid %d", (int)pid);
	} else if (found == 0) {
		pr_err("pid %d has no private mapping of %s (copy loader?)", (int)pid, t->path);
	} else {
		for (size_t i = 0; i < t->nr; i++) {
			print_row(pid, t, i, &counts[i], kinds);
			unread += counts[i].kinds[PAGE_UNREAD];
		}
		if (unread)
			pr_err("pid %d: %llu copied pages of %s unread: no access to /proc/%d/mem "
			       "(root, or kernel.yama.ptrace_scope=0)",
			       (int)pid, unread, t->path, (int)pid);
	}
	free(counts);
	return found > 0 ? 0 : -1;
}

static void print_header(int kinds)
{
	printf("pid,file,region,bytes,pages,shared,copied,untouched");
	if (kinds) {
		for (int k = 0; k < PAGE_KINDS; k++)
			printf(",%s", page_kind_name(k));
		printf(",other_bytes");
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	static const struct option options[] = { { "kernel", required_argument, NULL, 'k' },
						 { "initrd", required_argument, NULL, 'i' },
						 { "kinds", no_argument, NULL, 'K' },
						 { "pages", required_argument, NULL, 'p' },
						 { NULL, 0, NULL, 0 } };
	const char *kernel = NULL, *initrd = NULL, *pages_path = NULL;
	struct share_region *regions = NULL, initrd_region = { "initrd", 0, 0 };
	struct page_sites kernel_sites = { 0 }, initrd_sites = { 0 };
	struct target targets[2];
	size_t nr = 0, nr_targets = 1;
	int opt, kinds = 0, failed = 0;
	FILE *pages = NULL;

	log_set_program("sharemap");
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'k')
			kernel = optarg;
		else if (opt == 'i')
			initrd = optarg;
		else if (opt == 'K')
			kinds = 1;
		else if (opt == 'p')
			pages_path = optarg;
		else
			return 2;
	}
	if (!kernel || optind == argc) {
		pr_err("usage: sharemap [--kinds] [--pages FILE] --kernel FILE [--initrd FILE] "
		       "PID...");
		return 2;
	}
	if (sharemap_elf_regions(kernel, &regions, &nr)) {
		pr_errno("%s: cannot read its sections", kernel);
		return 2;
	}
	if ((kinds || pages_path) && page_sites_from_elf(kernel, &kernel_sites)) {
		pr_errno("%s: cannot read its patch sites", kernel);
		return 2;
	}
	targets[0] = (struct target){ kernel, regions, nr, &kernel_sites };
	if (initrd) {
		struct stat st;

		if (stat(initrd, &st) != 0) {
			pr_errno("%s", initrd);
			return 2;
		}
		initrd_region.size = (uint64_t)st.st_size;
		if (page_sites_whole(&initrd_sites, PAGE_INIT_FREED, initrd_region.size)) {
			pr_errno("%s", initrd);
			return 2;
		}
		targets[nr_targets++] = (struct target){ initrd, &initrd_region, 1, &initrd_sites };
	}
	if (pages_path) {
		pages = fopen(pages_path, "w");
		if (!pages) {
			pr_errno("%s", pages_path);
			return 2;
		}
		fprintf(pages, "pid,file,region,offset,kind,diff_bytes,bytes_by_kind\n");
	}
	print_header(kinds);
	for (int i = optind; i < argc; i++) {
		pid_t pid = (pid_t)atoi(argv[i]);

		for (size_t t = 0; t < nr_targets; t++)
			failed |= report(pid, &targets[t], kinds, pages);
	}
	if (pages && fclose(pages) != 0) {
		pr_errno("%s", pages_path);
		failed = 1;
	}
	page_sites_free(&kernel_sites);
	page_sites_free(&initrd_sites);
	free(regions);
	return failed ? 1 : 0;
}
