// SPDX-License-Identifier: MIT
#include "bench_config.h"

#include "backend.h"
#include "bench_options.h"
#include "log.h"
#include "option_lists.h"
#include "parse.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const orders[] = { "shuffled", "sequential", NULL };
static const char *const cache_modes[] = { "warm", "cold", NULL };

#define DEFAULT_BREAK_SYMBOL "start_kernel"

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
	return option_error(option, text, expected);
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
	for (unsigned b = 0; b < backend_count(); b++)
		if (backend_at(b)->reset)
			backend_at(b)->reset();
}

static int apply_list(int opt, const char *arg, struct bench_config *config)
{
	switch (opt) {
	case OPT_INSTANCES:
		return parse_instance_list(arg, config->instance_counts, MAX_INSTANCE_COUNTS,
					   &config->nr_instance_counts)
			       ? option_error("instances", arg,
					      "expected distinct whole numbers from 1 to 1024, "
					      "comma-separated")
			       : 0;
	case OPT_LOADERS:
		if (parse_loader_list(arg, config)) {
			char expected[192];

			snprintf(expected, sizeof(expected), "expected some of %s, once each",
				 backend_all_loaders());
			return option_error("loaders", arg, expected);
		}
		return 0;
	case OPT_VMM:
		if (parse_vmm_list(arg, config)) {
			char expected[128];

			snprintf(expected, sizeof(expected), "expected %s, once each",
				 backend_all_names());
			return option_error("vmm", arg, expected);
		}
		return 0;
	default:
		return parse_format_list(arg, &config->formats)
			       ? option_error("format", arg, "expected text, csv and/or json")
			       : 0;
	}
}

/* A backend's own option (bench_options.h), into its settings. */
static int apply_backend_option(int opt, const char *arg)
{
	unsigned index = (unsigned)(opt - OPT_BACKEND);
	const struct vmm_backend *vmm =
		opt >= OPT_BACKEND ? backend_at(index / VMM_MAX_OPTIONS) : NULL;

	if (!vmm || !vmm->parse_option) {
		pr_err("unknown option (see --help)");
		return -1;
	}
	return vmm->parse_option(index % VMM_MAX_OPTIONS, arg);
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
	case OPT_ORDER: return option_one_of("order", arg, orders, &config->order);
	case OPT_ORDER_SEED:
		return parse_u64(arg, 0, INT64_MAX, &config->order_seed)
			       ? 0
			       : option_error("order-seed", arg,
					      "expected a whole number from 0 to 2^63-1");
	case OPT_SETTLE:
		/* 0 is allowed here: sample as soon as all have booted. */
		return parse_seconds_or_zero(arg, &config->settle_s)
			       ? 0
			       : option_error("settle", arg,
					      "expected seconds from 0 to 86400 (a day)");
	case OPT_KSM_SETTLE_MAX:
		return parse_seconds_or_zero(arg, &config->ksm_settle_max_s)
			       ? 0
			       : option_error("ksm-settle-max", arg,
					      "expected seconds from 0 to 86400 (a day)");
	case OPT_TIMEOUT:
		return parse_seconds(arg, &config->timeout_s)
			       ? 0
			       : option_error("timeout", arg,
					      "expected seconds, more than 0 and at most 86400 "
					      "(a day)");
	case OPT_OUT: config->out_dir = arg; return 0;
	case OPT_RESUME: config->resume_dir = arg; return 0;
	case OPT_CACHE: return option_one_of("cache", arg, cache_modes, &config->cache);
	case OPT_KVM_MODE:
		if (strcmp(arg, "native") != 0 && strcmp(arg, "rig") != 0)
			return option_error("kvm-mode", arg, "expected native or rig");
		config->kvm_mode = arg;
		return 0;
	case OPT_LOADVM: config->loadvm = arg; return 0;
	case OPT_BREAK_SYMBOL: config->break_symbol = arg; return 0;
	case OPT_SYSTEM_MAP: config->system_map = arg; return 0;
	case OPT_QUIET: config->quiet = true; return 0;
	default: return apply_backend_option(opt, arg);
	}
}

int bench_config_parse(int argc, char **argv, struct bench_config *config)
{
	int opt;

	set_defaults(config);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", bench_options(), NULL)) != -1) {
		if (opt == OPT_HELP) {
			bench_usage(stdout);
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
