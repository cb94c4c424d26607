// SPDX-License-Identifier: MIT
/*
 * A VMM for tests: tests/support/fake_vmm.c boots no guest. It touches
 * --fake-touch-mib MiB of its own memory, writes loadvm's JSON Lines trace
 * records to fd 3 (its own stamps: vmm_start, load_done, vmm_init_end,
 * linux_start_user) and waits to be killed. It shows that a VMM is one
 * file: loadbench reaches it only through this table, and it needs no KVM.
 *
 * Registered only where KVMLB_TEST_BACKENDS=1 (backend.c): a run without
 * that variable cannot name it, and its outputs do not mention it (with
 * it, config.json has "fake": null as it has "qemu": null). Compiled into
 * loadbench itself rather than a test build of it, so that the test runs
 * the very binary that measures.
 */
#include "backend.h"

#include "json_writer.h"
#include "log.h"
#include "option_lists.h"
#include "parse.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_TOUCH_MIB 16
#define MAX_TOUCH_MIB 1024

static const char *const fake_loaders[] = { "fake", NULL };

static const char *const options[] = { "fake-vmm", "fake-touch-mib", NULL };

static const char usage[] =
	"  --fake-vmm PATH    the test VMM (KVMLB_TEST_BACKENDS=1; build/tests/fake_vmm)\n"
	"  --fake-touch-mib N MiB of its own memory it touches (default 16)\n";

static struct fake_settings {
	const char *vmm;
	unsigned int touch_mib;
} settings = { NULL, DEFAULT_TOUCH_MIB };

static void fake_reset(void)
{
	settings = (struct fake_settings){ NULL, DEFAULT_TOUCH_MIB };
}

static int fake_parse_option(unsigned int option, const char *arg)
{
	uint64_t mib;

	if (option == 0) {
		settings.vmm = arg;
		return 0;
	}
	if (!parse_u64(arg, 1, MAX_TOUCH_MIB, &mib))
		return option_error("fake-touch-mib", arg,
				    "expected a whole number from 1 to 1024");
	settings.touch_mib = (unsigned)mib;
	return 0;
}

static int fake_setup(struct bench_config *config)
{
	struct stat st;

	(void)config;
	if (!settings.vmm) {
		pr_err("--vmm fake: give --fake-vmm PATH (the test VMM, build/tests/fake_vmm)");
		return -1;
	}
	if (stat(settings.vmm, &st) != 0 || !S_ISREG(st.st_mode) || access(settings.vmm, X_OK)) {
		pr_err("--fake-vmm %s: not an executable file", settings.vmm);
		return -1;
	}
	return 0;
}

static void fake_json(struct json_writer *j, const struct bench_config *config, enum vmm_json where)
{
	(void)config;
	(void)where;
	jw_string(j, "path", settings.vmm);
	jw_integer(j, "touch_mib", settings.touch_mib);
}

static void fake_heading(FILE *f, const struct bench_config *config)
{
	(void)config;
	fprintf(f, "\nfake: a test VMM without a guest; each instance touches %u MiB.\n",
		settings.touch_mib);
}

static unsigned int fake_extra_mib(const struct bench_config *config, unsigned int loader)
{
	(void)config;
	(void)loader;
	return settings.touch_mib;
}

static int fake_prepare(const struct bench_config *config, unsigned int loader,
			struct vmm_launch *launch)
{
	(void)config;
	(void)loader;
	launch_arg(launch, settings.vmm);
	launch_arg(launch, "--touch-mib");
	launch_argf(launch, "%u", settings.touch_mib);
	return 0;
}

const struct vmm_backend backend_fake = {
	.name = "fake",
	.loaders = fake_loaders,
	.trace = TRACE_JSON_LINES,
	.overhead_mib = 4,
	.test_only = true,
	.options = options,
	.usage = usage,
	.reset = fake_reset,
	.parse_option = fake_parse_option,
	.setup = fake_setup,
	.json = fake_json,
	.heading = fake_heading,
	.extra_mib = fake_extra_mib,
	.prepare = fake_prepare,
};
