// SPDX-License-Identifier: MIT
#include "options.h"

#include "guest_layout.h"
#include "log.h"
#include "version.h"
#include "mptable.h"
#include "parse.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>

static const char usage_text[] =
	"usage: loadvm --kernel FILE [options]\n"
	"Boot a PVH ELF kernel (vmlinux or the probe guest) under KVM.\n"
	"\n"
	"  --kernel FILE          PVH ELF kernel (required)\n"
	"  --initrd FILE          initial ramdisk, placed page-aligned at the top of RAM\n"
	"  --cmdline STR          appended to the default kernel command line:\n"
	"                         \"" DEFAULT_CMDLINE "\"\n"
	"  --cmdline-replace STR  use STR instead of the default command line\n"
	"  --mem MIB              guest RAM in MiB (default 128, at most 3072)\n"
	"  --vcpus N              virtual CPUs (default 1, at most 32)\n"
	"  --loader NAME          how images reach guest RAM: copy, mmap (default),\n"
	"                         mmap-populate (mmap, then MADV_POPULATE_READ: host\n"
	"                         page tables filled, nothing copied), ksm (copy,\n"
	"                         then MADV_MERGEABLE for ksmd) or mmap-ksm (mmap,\n"
	"                         then MADV_MERGEABLE: ksmd merges the pages guests\n"
	"                         wrote)\n"
	"  --serial FILE|-|none   COM1 output (default none)\n"
	"  --serial-limit SIZE    stop writing serial output after SIZE bytes (default 8M)\n"
	"  --trace FILE|-         trace points as JSON Lines (default none)\n"
	"  --exit-after load|kernel|user\n"
	"                         end cleanly right after that point\n"
	"  --timeout SEC          give up after SEC seconds of wall time (exit 4)\n"
	"  --break-symbol NAME    record linux_start_kernel when the guest reaches\n"
	"                         NAME (a hardware breakpoint; e.g. start_kernel)\n"
	"  --system-map FILE      symbols for --break-symbol (default: the ELF's)\n"
	"  --verbose              bytes mapped/copied, unhandled I/O counts\n"
	"  --help, --version\n"
	"\n"
	"Exit status: 0 clean end (guest reset, --exit-after point, SIGTERM/SIGINT);\n"
	"1 host error; 2 bad usage or bad image; 3 guest crashed (triple fault,\n"
	"KVM internal error, failed entry); 4 timeout.\n";

enum {
	OPT_KERNEL = 256,
	OPT_INITRD,
	OPT_CMDLINE,
	OPT_CMDLINE_REPLACE,
	OPT_MEM,
	OPT_VCPUS,
	OPT_LOADER,
	OPT_SERIAL,
	OPT_SERIAL_LIMIT,
	OPT_TRACE,
	OPT_EXIT_AFTER,
	OPT_TIMEOUT,
	OPT_BREAK_SYMBOL,
	OPT_SYSTEM_MAP,
	OPT_VERBOSE,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "cmdline-replace", required_argument, NULL, OPT_CMDLINE_REPLACE },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "vcpus", required_argument, NULL, OPT_VCPUS },
	{ "loader", required_argument, NULL, OPT_LOADER },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "serial-limit", required_argument, NULL, OPT_SERIAL_LIMIT },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "exit-after", required_argument, NULL, OPT_EXIT_AFTER },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "break-symbol", required_argument, NULL, OPT_BREAK_SYMBOL },
	{ "system-map", required_argument, NULL, OPT_SYSTEM_MAP },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *option, const char *value, const char *expected)
{
	pr_err("--%s '%s': %s (see --help)", option, value, expected);
	return -1;
}

static int parse_mem(const char *text, uint64_t *bytes)
{
	struct sysinfo si;
	uint64_t mib, host_mib = GUEST_RAM_MAX >> 20;

	if (sysinfo(&si) == 0 && (uint64_t)si.totalram * si.mem_unit / (1 << 20) < host_mib)
		host_mib = (uint64_t)si.totalram * si.mem_unit / (1 << 20);
	if (!parse_u64(text, 2, UINT64_MAX, &mib))
		return usage_error("mem", text, "expected a whole number of MiB, at least 2");
	if (mib > host_mib) {
		pr_err("--mem '%s': above the limit of %llu MiB (loadvm's RAM below the 32-bit "
		       "MMIO gap, and this host's memory)",
		       text, (unsigned long long)host_mib);
		return -1;
	}
	*bytes = mib << 20;
	return 0;
}

static int parse_vcpus(const char *text, unsigned int *vcpus)
{
	uint64_t n;

	if (!parse_u64(text, 1, MPTABLE_MAX_VCPUS, &n))
		return usage_error("vcpus", text, "expected a whole number from 1 to 32");
	*vcpus = (unsigned int)n;
	return 0;
}

static int parse_exit_after(const char *text, enum exit_after *out)
{
	static const char *const names[] = { [EXIT_AFTER_LOAD] = "load",
					     [EXIT_AFTER_KERNEL] = "kernel",
					     [EXIT_AFTER_USER] = "user" };

	for (int i = EXIT_AFTER_LOAD; i <= EXIT_AFTER_USER; i++) {
		if (strcmp(text, names[i]) == 0) {
			*out = (enum exit_after)i;
			return 0;
		}
	}
	return usage_error("exit-after", text, "expected load, kernel or user");
}

static int append_cmdline(struct loadvm_options *opts, const char *text, int replace)
{
	size_t used = replace ? 0 : strlen(opts->cmdline);
	int n = snprintf(opts->cmdline + used, sizeof(opts->cmdline) - used, "%s%s",
			 used ? " " : "", text);

	if (n < 0 || (size_t)n >= sizeof(opts->cmdline) - used) {
		pr_err("--cmdline: too long (the guest's slot holds %lu bytes)",
		       CMDLINE_MAX_SIZE - 1);
		return -1;
	}
	return 0;
}

static void set_defaults(struct loadvm_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	snprintf(opts->cmdline, sizeof(opts->cmdline), "%s", DEFAULT_CMDLINE);
	opts->mem_bytes = (uint64_t)DEFAULT_MEM_MIB << 20;
	opts->vcpus = 1;
	opts->loader = &mmap_loader;
	opts->serial_limit = DEFAULT_SERIAL_LIMIT;
}

static int apply_option(struct loadvm_options *opts, int opt, const char *arg)
{
	switch (opt) {
	case OPT_KERNEL: opts->kernel = arg; return 0;
	case OPT_INITRD: opts->initrd = arg; return 0;
	case OPT_CMDLINE: return append_cmdline(opts, arg, 0);
	case OPT_CMDLINE_REPLACE: return append_cmdline(opts, arg, 1);
	case OPT_MEM: return parse_mem(arg, &opts->mem_bytes);
	case OPT_VCPUS: return parse_vcpus(arg, &opts->vcpus);
	case OPT_LOADER:
		opts->loader = loader_find(arg);
		return opts->loader ? 0
				    : usage_error("loader", arg,
						  "expected copy, mmap, mmap-populate, ksm or "
						  "mmap-ksm");
	case OPT_SERIAL: opts->serial = strcmp(arg, "none") == 0 ? NULL : arg; return 0;
	case OPT_SERIAL_LIMIT:
		return parse_size(arg, &opts->serial_limit)
			       ? 0
			       : usage_error("serial-limit", arg, "expected a size like 4M");
	case OPT_TRACE: opts->trace = arg; return 0;
	case OPT_EXIT_AFTER: return parse_exit_after(arg, &opts->exit_after);
	case OPT_TIMEOUT:
		return parse_seconds(arg, &opts->timeout_s)
			       ? 0
			       : usage_error("timeout", arg,
					     "expected seconds, more than 0 and at most 86400 "
					     "(a day)");
	case OPT_BREAK_SYMBOL: opts->break_symbol = arg; return 0;
	case OPT_SYSTEM_MAP: opts->system_map = arg; return 0;
	case OPT_VERBOSE: opts->verbose = true; return 0;
	default: pr_err("unknown option (see --help)"); return -1;
	}
}

int options_parse(int argc, char **argv, struct loadvm_options *opts)
{
	int opt;

	set_defaults(opts);
	opterr = 0; /* our own one-line messages */
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (opt == OPT_HELP) {
			fputs(usage_text, stdout);
			return 1;
		}
		if (opt == OPT_VERSION) {
			printf("loadvm %s (%s)\n", KVMLB_VERSION, KVMLB_GIT_REV);
			return 1;
		}
		if (opt == '?') {
			pr_err("unknown option or missing value: '%s' (see --help)",
			       argv[optind - 1]);
			return -1;
		}
		if (apply_option(opts, opt, optarg))
			return -1;
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s' (see --help)", argv[optind]);
		return -1;
	}
	if (!opts->kernel) {
		pr_err("--kernel FILE is required (see --help)");
		return -1;
	}
	if (opts->system_map && !opts->break_symbol) {
		pr_err("--system-map is only used with --break-symbol (see --help)");
		return -1;
	}
	return 0;
}
