// SPDX-License-Identifier: MIT
#include "bench_config.h"

#include "backend.h"
#include "log.h"
#include "option_lists.h"
#include "parse.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: loadbench --kernel FILE [options]\n"
	"Launch N concurrent guests per (VMM, loader), take their boot trace points\n"
	"and USS/PSS, repeat rounds, and write raw.csv, summary.json and tables.\n"
	"\n"
	"  --instances LIST   instance counts, e.g. 1,2,4,8,16 (default 1,2,4,8,16)\n"
	"  --vmm LIST         loadvm and/or qemu (default loadvm)\n"
	"  --loaders LIST     loaders to compare, of the chosen VMMs (default all of\n"
	"                     theirs: loadvm copy,mmap; qemu qemu-private,qemu-shared;\n"
	"                     loadvm's mmap-populate, ksm, mmap-ksm only when named)\n"
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
	"  --loadvm PATH      the VMM (default: loadvm next to loadbench)\n"
	"  --qemu PATH        QEMU (default: qemu-system-x86_64 from PATH)\n"
	"  --qemu-machine M   pc, q35 or microvm (default pc, as the seed)\n"
	"  --qemu-accel A     kvm or tcg (default kvm; tcg where KVM cannot run QEMU)\n"
	"  --qemu-init-end M  how qemu_init_end is taken: auto (the first KVM_RUN from\n"
	"                     tracefs where it can be had, else vm_state_notify) or\n"
	"                     vm_state_notify (QEMU's trace line; no tracing) (default auto)\n"
	"  --break-symbol SYM record linux_start_kernel with a breakpoint on SYM\n"
	"                     (default start_kernel when the kernel has symbols;\n"
	"                     none to disable)\n"
	"  --system-map FILE  symbols for the breakpoint (kernels without .symtab)\n"
	"  --quiet            no progress on stderr\n"
	"  --help\n";

enum {
	OPT_INSTANCES = 256,
	OPT_LOADERS,
	OPT_KERNEL,
	OPT_INITRD,
	OPT_CMDLINE,
	OPT_MEM,
	OPT_VCPUS,
	OPT_ROUNDS,
	OPT_ORDER,
	OPT_ORDER_SEED,
	OPT_SETTLE,
	OPT_KSM_SETTLE_MAX,
	OPT_TIMEOUT,
	OPT_OUT,
	OPT_RESUME,
	OPT_FORMAT,
	OPT_CACHE,
	OPT_KVM_MODE,
	OPT_LOADVM,
	OPT_VMM,
	OPT_QEMU,
	OPT_QEMU_MACHINE,
	OPT_QEMU_ACCEL,
	OPT_QEMU_INIT_END,
	OPT_BREAK_SYMBOL,
	OPT_SYSTEM_MAP,
	OPT_QUIET,
	OPT_HELP,
};

static const struct option long_options[] = {
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
	{ "qemu", required_argument, NULL, OPT_QEMU },
	{ "qemu-machine", required_argument, NULL, OPT_QEMU_MACHINE },
	{ "qemu-accel", required_argument, NULL, OPT_QEMU_ACCEL },
	{ "qemu-init-end", required_argument, NULL, OPT_QEMU_INIT_END },
	{ "break-symbol", required_argument, NULL, OPT_BREAK_SYMBOL },
	{ "system-map", required_argument, NULL, OPT_SYSTEM_MAP },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static const char *const qemu_machines[] = { "pc", "q35", "microvm", NULL };
static const char *const qemu_accels[] = { "kvm", "tcg", NULL };
static const char *const qemu_init_ends[] = { "auto", "vm_state_notify", NULL };
static const char *const orders[] = { "shuffled", "sequential", NULL };
static const char *const cache_modes[] = { "warm", "cold", NULL };

#define DEFAULT_BREAK_SYMBOL "start_kernel"

static int usage_error(const char *option, const char *value, const char *expected)
{
	pr_err("--%s '%s': %s (see --help)", option, value, expected);
	return -1;
}

static int one_of(const char *option, const char *arg, const char *const *choices, const char **out)
{
	char expected[96] = "expected ";

	for (size_t i = 0; choices[i]; i++) {
		if (strcmp(arg, choices[i]) == 0) {
			*out = choices[i];
			return 0;
		}
		snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected), "%s%s",
			 i == 0		  ? ""
			 : choices[i + 1] ? ", "
					  : " or ",
			 choices[i]);
	}
	return usage_error(option, arg, expected);
}

static int parse_uint(const char *option, const char *text, unsigned min, unsigned max,
		      unsigned int *out)
{
	uint64_t v;
	char expected[64];

	if (parse_u64(text, min, max, &v)) {
		*out = (unsigned int)v;
		return 0;
	}
	snprintf(expected, sizeof(expected), "expected a whole number from %u to %u", min, max);
	return usage_error(option, text, expected);
}

/* The sibling of this executable: build/loadbench -> build/loadvm. */
static const char *sibling(const char *name)
{
	static char paths[2][PATH_MAX];
	static unsigned next;
	char *path = paths[next++ % 2];
	ssize_t len = readlink("/proc/self/exe", path, PATH_MAX - 1);
	char *slash;

	if (len <= 0)
		return name;
	path[len] = '\0';
	slash = strrchr(path, '/');
	if (!slash || (size_t)(slash - path) + 1 + strlen(name) >= PATH_MAX)
		return name;
	memcpy(slash + 1, name, strlen(name) + 1);
	return path;
}

static void set_defaults(struct bench_config *config)
{
	static const unsigned int default_counts[] = { 1, 2, 4, 8, 16 };

	memset(config, 0, sizeof(*config));
	memcpy(config->instance_counts, default_counts, sizeof(default_counts));
	config->nr_instance_counts = 5;
	config->qemu_machine = qemu_machines[0];
	config->qemu_accel = qemu_accels[0];
	config->mem_mib = 128;
	config->vcpus = 1;
	config->rounds = 5;
	config->order = orders[0];
	config->order_seed = 1;
	config->settle_s = 1.0;
	config->timeout_s = 300.0;
	config->ksm_settle_max_s = 120.0;
	config->formats = FORMAT_TEXT | FORMAT_CSV | FORMAT_JSON;
	config->loadvm = sibling("loadvm");
	config->cache = cache_modes[0];
	config->break_symbol = DEFAULT_BREAK_SYMBOL;
}

static int apply_list(int opt, const char *arg, struct bench_config *config)
{
	switch (opt) {
	case OPT_INSTANCES:
		return parse_instance_list(arg, config->instance_counts, MAX_INSTANCE_COUNTS,
					   &config->nr_instance_counts)
			       ? usage_error("instances", arg,
					     "expected distinct whole numbers from 1 to 1024, "
					     "comma-separated")
			       : 0;
	case OPT_LOADERS:
		if (parse_loader_list(arg, config)) {
			char expected[192];

			snprintf(expected, sizeof(expected), "expected some of %s, once each",
				 backend_all_loaders());
			return usage_error("loaders", arg, expected);
		}
		return 0;
	case OPT_VMM:
		return parse_vmm_list(arg, config)
			       ? usage_error("vmm", arg, "expected loadvm and/or qemu, once each")
			       : 0;
	default:
		return parse_format_list(arg, &config->formats)
			       ? usage_error("format", arg, "expected text, csv and/or json")
			       : 0;
	}
}

static int apply_option(int opt, const char *arg, struct bench_config *config)
{
	switch (opt) {
	case OPT_INSTANCES:
	case OPT_LOADERS:
	case OPT_VMM:
	case OPT_FORMAT: return apply_list(opt, arg, config);
	case OPT_KERNEL: config->kernel = arg; return 0;
	case OPT_INITRD: config->initrd = arg; return 0;
	case OPT_CMDLINE: config->cmdline = arg; return 0;
	case OPT_MEM: return parse_uint("mem", arg, 2, 3072, &config->mem_mib);
	case OPT_VCPUS: return parse_uint("vcpus", arg, 1, 32, &config->vcpus);
	case OPT_ROUNDS: return parse_uint("rounds", arg, 1, MAX_ROUNDS, &config->rounds);
	case OPT_ORDER: return one_of("order", arg, orders, &config->order);
	case OPT_ORDER_SEED:
		return parse_u64(arg, 0, INT64_MAX, &config->order_seed)
			       ? 0
			       : usage_error("order-seed", arg,
					     "expected a whole number from 0 to 2^63-1");
	case OPT_SETTLE:
		/* 0 is allowed here: sample as soon as all have booted. */
		return parse_seconds_or_zero(arg, &config->settle_s)
			       ? 0
			       : usage_error("settle", arg,
					     "expected seconds from 0 to 86400 (a day)");
	case OPT_KSM_SETTLE_MAX:
		return parse_seconds_or_zero(arg, &config->ksm_settle_max_s)
			       ? 0
			       : usage_error("ksm-settle-max", arg,
					     "expected seconds from 0 to 86400 (a day)");
	case OPT_TIMEOUT:
		return parse_seconds(arg, &config->timeout_s)
			       ? 0
			       : usage_error("timeout", arg,
					     "expected seconds, more than 0 and at most 86400 "
					     "(a day)");
	case OPT_OUT: config->out_dir = arg; return 0;
	case OPT_RESUME: config->resume_dir = arg; return 0;
	case OPT_CACHE: return one_of("cache", arg, cache_modes, &config->cache);
	case OPT_KVM_MODE:
		if (strcmp(arg, "native") != 0 && strcmp(arg, "rig") != 0)
			return usage_error("kvm-mode", arg, "expected native or rig");
		config->kvm_mode = arg;
		return 0;
	case OPT_LOADVM: config->loadvm = arg; return 0;
	case OPT_QEMU: config->qemu = arg; return 0;
	case OPT_QEMU_MACHINE:
		return one_of("qemu-machine", arg, qemu_machines, &config->qemu_machine);
	case OPT_QEMU_ACCEL: return one_of("qemu-accel", arg, qemu_accels, &config->qemu_accel);
	case OPT_QEMU_INIT_END:
		if (one_of("qemu-init-end", arg, qemu_init_ends, &config->qemu_init_end))
			return -1;
		if (config->qemu_init_end == qemu_init_ends[0])
			config->qemu_init_end = NULL; /* auto: decided once the accel is known */
		return 0;
	case OPT_BREAK_SYMBOL: config->break_symbol = arg; return 0;
	case OPT_SYSTEM_MAP: config->system_map = arg; return 0;
	case OPT_QUIET: config->quiet = true; return 0;
	default: pr_err("unknown option (see --help)"); return -1;
	}
}

int bench_config_parse(int argc, char **argv, struct bench_config *config)
{
	int opt;

	set_defaults(config);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (opt == OPT_HELP) {
			fputs(usage_text, stdout);
			return 1;
		}
		if (opt == '?') {
			pr_err("unknown option or missing value: '%s' (see --help)",
			       argv[optind - 1]);
			return -1;
		}
		if (apply_option(opt, optarg, config))
			return -1;
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s' (see --help)", argv[optind]);
		return -1;
	}
	if (!config->kernel) {
		pr_err("--kernel FILE is required (see --help)");
		return -1;
	}
	if (config->resume_dir && config->out_dir &&
	    strcmp(config->resume_dir, config->out_dir) != 0) {
		pr_err("--resume %s: the run continues there; --out %s names another directory",
		       config->resume_dir, config->out_dir);
		return -1;
	}
	if (config->resume_dir)
		config->out_dir = config->resume_dir;
	return resolve_loaders(config);
}
