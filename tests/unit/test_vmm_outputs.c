// SPDX-License-Identifier: MIT
/*
 * A run of loadvm and QEMU side by side, as every output renders it: a
 * hand-made run (copy, qemu-private, qemu-shared at N = 1 and 2, two
 * rounds) configured through loadbench's own options, then raw.csv,
 * config.json, summary.json and tables.txt/md must match the golden files
 * in tests/fixtures/vmm (UPDATE_GOLDEN=1 rewrites them; review the diff).
 * What QEMU adds shows in each: raw.csv's vm_running columns (a lag that
 * came out negative is kept, an unknown one is empty), the "qemu" objects
 * of config.json and summary.json with the version its --version printed,
 * the arrival figures of QEMU's groups, the tables' QEMU paragraph and the
 * "vmm_init_end / qemu_init_end" row. tests/fixtures/vmm/qemu-version.sh
 * stands in for QEMU: only its --version line and its digest are used.
 */
#include "../support/test_main.h"

#include "../support/golden.h"
#include "backend_qemu.h"
#include "config_record.h"
#include "raw_csv.h"
#include "summary.h"
#include "summary_json.h"
#include "tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 2
#define NR_LOADERS 3
#define FAKE_QEMU "tests/fixtures/vmm/qemu-version.sh"

static struct bench_config config;
static struct run_context ctx;
static struct instance_result rows[NR_LOADERS * (1 + 2) * ROUNDS];
static struct round_timing timings[2 * NR_LOADERS * ROUNDS];
static size_t nr_rows;

static void set_text(char *out, size_t size, const char *text)
{
	snprintf(out, size, "%s", text);
}

/* loadvm's copy: its own stamps, retimed by tracefs. */
static void fill_loadvm(struct instance_result *r)
{
	int64_t n = r->instances, i = r->index, round = r->round;

	r->vmm_start_ns = 30000000 + i * 1000;
	r->point_ns[POINT_LOAD_DONE] = 45000000 + n * 1000000;
	r->vmm_setup_done_ns = r->point_ns[POINT_LOAD_DONE] + 2000000;
	r->point_ns[POINT_VMM_INIT_END] = r->vmm_setup_done_ns + 100000;
	r->point_ns[POINT_LINUX_START_USER] = 900000000 + n * 10000000 + round * 1000000 + i;
	set_text(r->point_source[POINT_VMM_INIT_END], sizeof(r->point_source[0]), "kvm_entry");
	set_text(r->point_timing[POINT_LOAD_DONE], sizeof(r->point_timing[0]), "vmm");
	set_text(r->point_timing[POINT_VMM_INIT_END], sizeof(r->point_timing[0]), "tracefs");
	set_text(r->point_timing[POINT_LINUX_START_USER], sizeof(r->point_timing[0]), "tracefs");
	r->user_exit_ns = r->point_ns[POINT_LINUX_START_USER];
	r->user_arrival_ns = r->user_exit_ns + 250000;
	r->smaps.kb[SMAPS_PRIVATE_DIRTY] = 150000;
	r->smaps.kb[SMAPS_SHARED_CLEAN] = n > 1 ? 4000 : 0;
	r->smaps.kb[SMAPS_PRIVATE_CLEAN] = n > 1 ? 0 : 4000;
}

/* QEMU: no load_done; its port bytes stamped on arrival; qemu_init_end
 * from tracefs in round 0 and from "VM running" in round 1. */
static void fill_qemu(struct instance_result *r, bool shared)
{
	int64_t n = r->instances, i = r->index, round = r->round;
	bool by_entry = round == 0;

	r->vmm_values[QEMU_VM_RUNNING] = 1400000000 + n * 20000000 + i * 3000000 + round * 500000;
	r->vmm_values[QEMU_VM_RUNNING_LAG] = 2500000 + i * 100000;
	r->point_ns[POINT_VMM_INIT_END] = by_entry ? r->vmm_values[QEMU_VM_RUNNING] - 11000000
						   : r->vmm_values[QEMU_VM_RUNNING];
	r->point_ns[POINT_LINUX_START_KERNEL] = r->vmm_values[QEMU_VM_RUNNING] + 300000000;
	r->point_ns[POINT_LINUX_START_USER] =
		r->vmm_values[QEMU_VM_RUNNING] + 1100000000 + i * 7000000;
	set_text(r->point_source[POINT_VMM_INIT_END], sizeof(r->point_source[0]),
		 by_entry ? "kvm_entry" : "vm_state");
	set_text(r->point_source[POINT_LINUX_START_KERNEL], sizeof(r->point_source[0]), "port");
	set_text(r->point_timing[POINT_VMM_INIT_END], sizeof(r->point_timing[0]),
		 by_entry ? "tracefs" : "arrival");
	set_text(r->point_timing[POINT_LINUX_START_KERNEL], sizeof(r->point_timing[0]), "arrival");
	set_text(r->point_timing[POINT_LINUX_START_USER], sizeof(r->point_timing[0]), "arrival");
	if (by_entry) {
		r->user_exit_ns = r->point_ns[POINT_LINUX_START_USER] - 900000;
		r->user_arrival_ns = r->point_ns[POINT_LINUX_START_USER];
	}
	r->smaps.kb[SMAPS_PRIVATE_DIRTY] = 190000 + (shared ? 0 : 30000);
	r->smaps.kb[SMAPS_SHARED_CLEAN] = shared && n > 1 ? 30000 : 12000;
}

static void fill_row(unsigned loader, unsigned n, unsigned round, unsigned index)
{
	struct instance_result *r = &rows[nr_rows];

	instance_result_clear(r);
	r->loader = loader;
	r->instances = n;
	r->round = round;
	r->index = index;
	r->pid = 2000 + (int)nr_rows++;
	for (int f = 0; f < SMAPS_NR_FIELDS; f++)
		r->smaps.kb[f] = 0;
	set_text(r->time_zero, sizeof(r->time_zero), "exec");
	if (loader == 0)
		fill_loadvm(r);
	else
		fill_qemu(r, loader == 2);
	r->smaps.kb[SMAPS_RSS] = r->smaps.kb[SMAPS_PRIVATE_DIRTY] +
				 r->smaps.kb[SMAPS_SHARED_CLEAN] + r->smaps.kb[SMAPS_PRIVATE_CLEAN];
	r->smaps.kb[SMAPS_PSS] = r->smaps.kb[SMAPS_PRIVATE_DIRTY] +
				 r->smaps.kb[SMAPS_PRIVATE_CLEAN] +
				 r->smaps.kb[SMAPS_SHARED_CLEAN] / (int64_t)n;
	r->uss_kb = smaps_uss_kb(&r->smaps);
	r->minor_faults = 1000 + (long)index;
	r->user_ms = 10.5;
	r->system_ms = 20.25;
	r->status = INSTANCE_OK;
}

/* What loadbench's set-up and context find for QEMU here, through its
 * backend's ops: TCG takes qemu_init_end from QEMU's trace line; the
 * version is what the stand-in prints. */
static void set_up_qemu(void)
{
	assert_int_equal(backend_qemu.setup(&config), 0);
	backend_qemu.context(&config, &ctx);
}

static void set_context(void)
{
	set_text(ctx.date, sizeof(ctx.date), "2026-12-01T12:00:00Z");
	set_text(ctx.host, sizeof(ctx.host), "rig");
	set_text(ctx.host_kernel, sizeof(ctx.host_kernel), "Linux 6.1.0-28-cloud-amd64");
	set_text(ctx.cpu, sizeof(ctx.cpu), "AMD EPYC Processor");
	set_text(ctx.kvm_mode, sizeof(ctx.kvm_mode), "rig");
	set_text(ctx.thp, sizeof(ctx.thp), "madvise");
	set_text(ctx.ksm, sizeof(ctx.ksm), "0");
	set_text(ctx.ksm_pages_to_scan, sizeof(ctx.ksm_pages_to_scan), "100");
	set_text(ctx.ksm_sleep_millisecs, sizeof(ctx.ksm_sleep_millisecs), "20");
	set_text(ctx.loadvm_version, sizeof(ctx.loadvm_version), "loadvm 0.1 (test)");
	ctx.kernel.path = "vmlinux";
	ctx.kernel.present = 1;
	ctx.kernel.bytes = 55574528;
	set_text(ctx.kernel.sha256, sizeof(ctx.kernel.sha256),
		 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	ctx.kernel_elf = (struct kernel_load){ .path = "vmlinux",
					       .known = true,
					       .bytes = { 20 << 20, 12 << 20 } };
}

/* The run's options, as loadbench's command line gives them. */
static const char options[] =
	"--vmm loadvm,qemu --loaders copy,qemu-private,qemu-shared --instances 1,2 --rounds 2 "
	"--order sequential --kernel vmlinux --mem 256 --timeout 60 --loadvm " FAKE_QEMU
	" --qemu " FAKE_QEMU " --qemu-machine q35 --qemu-accel tcg";

static int parse_options(void)
{
	static char text[sizeof(options)];
	char *argv[48], *save = NULL;
	int argc = 0;

	memcpy(text, options, sizeof(options));
	argv[argc++] = "loadbench";
	for (char *arg = strtok_r(text, " ", &save); arg; arg = strtok_r(NULL, " ", &save))
		argv[argc++] = arg;
	argv[argc] = NULL;
	return bench_config_parse(argc, argv, &config);
}

static int setup(void **state)
{
	(void)state;
	if (parse_options())
		return -1;
	config.tracefs_timing = true;
	config.timing_why = "exec, first kvm_entry and kvm_pio through tracefs";
	config.break_status = "not armed: the kernel has no such symbol";
	config.break_symbol = NULL;
	set_context();
	set_up_qemu();
	for (unsigned c = 0; c < 2; c++)
		for (unsigned r = 0; r < ROUNDS; r++)
			for (unsigned l = 0; l < NR_LOADERS; l++)
				for (unsigned i = 0; i < config.instance_counts[c]; i++)
					fill_row(l, config.instance_counts[c], r, i);
	/* Without QEMU's timestamps a lag is unknown; through clock error it
	 * may come out negative, and is kept. */
	rows[4].vmm_values[QEMU_VM_RUNNING_LAG] = -1;
	rows[5].vmm_values[QEMU_VM_RUNNING_LAG] = -7;
	/* The last qemu-private instance of N=2, round 1 was never launched. */
	instance_result_clear(&rows[nr_rows - 3]);
	rows[nr_rows - 3].loader = 1;
	rows[nr_rows - 3].instances = 2;
	rows[nr_rows - 3].round = 1;
	rows[nr_rows - 3].index = 1;
	rows[nr_rows - 3].status = INSTANCE_LAUNCH_FAILED;
	set_text(rows[nr_rows - 3].reason, sizeof(rows[0].reason),
		 "qemu-private: vmlinux (write): No space left on device");
	for (size_t t = 0; t < sizeof(timings) / sizeof(timings[0]); t++)
		timings[t] = (struct round_timing){ 3.0 + (double)t, 2400.0 + (double)t, 4.5,
						    1000 + (long long)t, t % 2 ? 0 : -1 };
	return 0;
}

/* What a writer put into a memory stream, NUL-terminated (caller frees). */
static char *capture(int (*write)(FILE *f))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(write(f), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* The loadbench version changes with every commit: emptied. */
static void mask_version(char *text)
{
	static const char key[] = "\"loadbench_version\": \"";
	char *value = strstr(text, key), *end;

	assert_non_null(value);
	value += strlen(key);
	end = strchr(value, '"');
	assert_non_null(end);
	memmove(value, end, strlen(end) + 1);
}

static int write_raw(FILE *f)
{
	raw_csv_write_header(f);
	for (size_t i = 0; i < nr_rows; i++)
		raw_csv_write_row(f, &config, &rows[i]);
	return 0;
}

static int write_config(FILE *f)
{
	return config_record_print(f, &config, &ctx);
}

static struct run_summary summary;

static int write_summary(FILE *f)
{
	return summary_json_write(f, &summary, &ctx, 12.5);
}

static int write_text(FILE *f)
{
	tables_write(f, &summary, &ctx, TABLES_TEXT);
	return 0;
}

static int write_markdown(FILE *f)
{
	tables_write(f, &summary, &ctx, TABLES_MARKDOWN);
	return 0;
}

static void raw_csv_matches_golden_file(void **state)
{
	char *text = capture(write_raw);

	(void)state;
	assert_golden("tests/fixtures/vmm/raw.csv", text);
	free(text);
}

static void config_json_matches_golden_file(void **state)
{
	char *text = capture(write_config);

	(void)state;
	mask_version(text);
	assert_golden("tests/fixtures/vmm/config.json", text);
	free(text);
}

static void summary_and_tables_match_golden_files(void **state)
{
	char *text;

	(void)state;
	assert_int_equal(summary_compute(&summary, &config, rows, nr_rows, timings), 0);
	text = capture(write_summary);
	mask_version(text);
	assert_golden("tests/fixtures/vmm/summary.json", text);
	free(text);
	text = capture(write_text);
	assert_golden("tests/fixtures/vmm/tables.txt", text);
	free(text);
	text = capture(write_markdown);
	assert_golden("tests/fixtures/vmm/tables.md", text);
	free(text);
	summary_free(&summary);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raw_csv_matches_golden_file),
		cmocka_unit_test(config_json_matches_golden_file),
		cmocka_unit_test(summary_and_tables_match_golden_files),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
