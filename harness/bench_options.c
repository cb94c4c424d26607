// SPDX-License-Identifier: MIT
#include "bench_options.h"

#include "backend.h"

#include <stddef.h>
#include <string.h>

/* Up to --loadvm; then the backends' lines (bench_usage), then the rest. */
static const char usage_head[] =
	"usage: loadbench --kernel FILE [options]\n"
	"Launch N concurrent guests per (VMM, loader), take their boot trace points\n"
	"and USS/PSS, repeat rounds, and write raw.csv, summary.json and tables.\n"
	"\n"
	"  --instances LIST   instance counts, e.g. 1,2,4,8,16 (default 1,2,4,8,16)\n";

static const char usage_body[] =
	"  --kernel FILE      PVH ELF kernel or bzImage (required)\n"
	"  --initrd FILE      initrd for every guest\n"
	"  --cmdline STR      appended to loadvm's default kernel command line\n"
	"  --mem MIB          guest RAM (default 128)\n"
	"  --vcpus N          vCPUs per guest (default 1)\n"
	"  --rounds R         repetitions of every (loader, N) (default 5)\n"
	"  --order ORDER      shuffled: every (N, loader, round) in a seeded shuffle,\n"
	"                     so N is not confounded with elapsed time; sequential:\n"
	"                     N outermost, loaders alternating (default shuffled)\n"
	"  --order-seed S     the shuffle's seed, a whole number (default 1)\n"
	"  --settle SEC       wait after the last boot before sampling (default 1)\n"
	"  --ksm-settle-max SEC\n"
	"                     ksm, mmap-ksm: after the boots, wait up to SEC for\n"
	"                     ksmd to settle before sampling (0: no wait) (default 120)\n"
	"  --timeout SEC      per-instance boot deadline (default 300)\n"
	"  --out DIR          output directory (default results/<UTC date>-<host>);\n"
	"                     refused if it already holds results\n"
	"  --resume DIR       continue the interrupted run in DIR (same options):\n"
	"                     from its first unfinished round\n"
	"  --cache MODE       the images' page cache before every round: warm (read\n"
	"                     in before the first round) or cold (evicted before\n"
	"                     each round) (default warm)\n"
	"  --format LIST      text,csv,json (default all three)\n"
	"  --kvm-mode MODE    native or rig, recorded in the outputs (default: ask\n"
	"                     kvm-mode next to loadbench, else unknown)\n"
	"  --loadvm PATH      the VMM (default: loadvm next to loadbench)\n";

static const char usage_tail[] =
	"  --break-symbol SYM record linux_start_kernel with a breakpoint on SYM\n"
	"                     (default start_kernel when the kernel has symbols;\n"
	"                     none to disable)\n"
	"  --system-map FILE  symbols for the breakpoint (kernels without .symtab)\n"
	"  --quiet            no progress on stderr\n"
	"  --help\n";

static const struct option own_options[] = {
	{ "instances", required_argument, NULL, OPT_INSTANCES },
	{ "loaders", required_argument, NULL, OPT_LOADERS },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "vcpus", required_argument, NULL, OPT_VCPUS },
	{ "rounds", required_argument, NULL, OPT_ROUNDS },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "order-seed", required_argument, NULL, OPT_ORDER_SEED },
	{ "settle", required_argument, NULL, OPT_SETTLE },
	{ "ksm-settle-max", required_argument, NULL, OPT_KSM_SETTLE_MAX },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "resume", required_argument, NULL, OPT_RESUME },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "kvm-mode", required_argument, NULL, OPT_KVM_MODE },
	{ "loadvm", required_argument, NULL, OPT_LOADVM },
	{ "vmm", required_argument, NULL, OPT_VMM },
	{ "break-symbol", required_argument, NULL, OPT_BREAK_SYMBOL },
	{ "system-map", required_argument, NULL, OPT_SYSTEM_MAP },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "help", no_argument, NULL, OPT_HELP },
};

#define NR_OWN (sizeof(own_options) / sizeof(own_options[0]))
#define MAX_BACKENDS 8

const struct option *bench_options(void)
{
	static struct option all[NR_OWN + MAX_BACKENDS * VMM_MAX_OPTIONS + 1];
	size_t n = NR_OWN;

	memcpy(all, own_options, sizeof(own_options));
	for (unsigned b = 0; b < backend_count() && b < MAX_BACKENDS; b++) {
		const char *const *names = backend_at(b)->options;

		for (unsigned i = 0; names && names[i] && i < VMM_MAX_OPTIONS; i++)
			all[n++] = (struct option){ names[i], required_argument, NULL,
						    OPT_BACKEND + (int)(b * VMM_MAX_OPTIONS + i) };
	}
	all[n] = (struct option){ NULL, 0, NULL, 0 };
	return all;
}

/* --vmm and --loaders: what the registered backends offer. */
static void vmm_usage(FILE *f)
{
	fprintf(f, "  --vmm LIST         %s (default loadvm)\n", backend_all_names());
	fputs("  --loaders LIST     loaders to compare, of the chosen VMMs (default all of\n"
	      "                     theirs; the variants only when named):\n",
	      f);
	for (unsigned b = 0; b < backend_count(); b++) {
		const struct vmm_backend *vmm = backend_at(b);

		fprintf(f, "                     %s:", vmm->name);
		for (const char *const *l = vmm->loaders; *l; l++)
			fprintf(f, "%s %s", l == vmm->loaders ? "" : ",", *l);
		for (const char *const *l = vmm->more_loaders; l && *l; l++)
			fprintf(f, "%s %s", l == vmm->more_loaders ? "; variants" : ",", *l);
		fputc('\n', f);
	}
}

void bench_usage(FILE *f)
{
	fputs(usage_head, f);
	vmm_usage(f);
	fputs(usage_body, f);
	for (unsigned b = 0; b < backend_count(); b++)
		if (backend_at(b)->usage)
			fputs(backend_at(b)->usage, f);
	fputs(usage_tail, f);
}
