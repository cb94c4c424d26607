// SPDX-License-Identifier: MIT
/* test-needs: kvm (tests/run.sh runs it where that is) */
/*
 * loadbench end to end on the probe guest (this machine's /dev/kvm):
 * instances 1,2 x both loaders x 2 rounds. Every instance boots, the mmap
 * loader's USS at N=2 sits below copy's by most of the probe's read-only
 * part, every output file is there and parseable, raw.csv holds every
 * smaps_rollup field this kernel prints and flags swapped instances,
 * summary-derive computes the very summary.json loadbench wrote, and
 * failing guests are recorded, not dropped.
 */
#include "../support/test_main.h"

#include "../support/elf_fixture.h"
#include "../support/raw_rows.h"
#include "../support/spawn.h"
#include "guest_layout.h"
#include "kernel_image.h"
#include "smaps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RUN_TIMEOUT_S 300

static double read_only_mib;

static int setup(void **state)
{
	const struct image_limits limits = { GUEST_RAM_MAX, BOOT_DATA_END };
	struct kernel_image image;

	(void)state;
	if (kernel_image_open(&image, probe_elf_path(), &limits))
		return -1;
	read_only_mib = (double)image.segments[0].file_size / (1 << 20);
	kernel_image_close(&image);
	sync_file(probe_elf_path());
	return 0;
}

/* The median of a memory metric from summary.json, in MiB, via python3's
 * json module: an independent reader of our JSON. */
static double summary_mib(const char *dir, const char *loader, int n, const char *metric)
{
	char script[512], out[64];
	const char *argv[] = { "/usr/bin/python3", "-c", script, NULL };
	char *text;
	double value;

	snprintf(
		script, sizeof(script),
		"import json\n"
		"s = json.load(open('%s/summary.json'))\n"
		"g = [r for r in s['results'] if r['loader'] == '%s' and r['instances'] == %d][0]\n"
		"print(g['memory_kb']['%s']['median'] / 1024)\n",
		dir, loader, n, metric);
	snprintf(out, sizeof(out), "%s", test_path("py.out"));
	assert_int_equal(run_cmd(argv, out, test_path("py.err"), 30), 0);
	text = slurp(out);
	assert_non_null(text);
	value = strtod(text, NULL);
	free(text);
	return value;
}

static int count_lines(const char *path)
{
	char *text = slurp(path);
	int lines = 0;

	assert_non_null(text);
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	free(text);
	return lines;
}

static void probe_run_measures_sharing(void **state)
{
	const char *dir = test_path("bench-probe");
	const char *argv[] = { loadbench_path(),
			       "--kernel",
			       probe_elf_path(),
			       "--instances",
			       "1,2",
			       "--rounds",
			       "2",
			       "--settle",
			       "0.2",
			       "--out",
			       dir,
			       "--quiet",
			       NULL };
	struct stat st;
	double copy_uss, mmap_uss, mmap_pss;

	(void)state;
	assert_int_equal(run_cmd(argv, test_path("lb.out"), test_path("lb.err"), RUN_TIMEOUT_S), 0);
	copy_uss = summary_mib(dir, "copy", 2, "uss");
	mmap_uss = summary_mib(dir, "mmap", 2, "uss");
	mmap_pss = summary_mib(dir, "mmap", 2, "pss");
	printf("# N=2: copy USS %.1f MiB, mmap USS %.1f MiB, mmap PSS %.1f MiB, read-only part "
	       "%.1f MiB\n",
	       copy_uss, mmap_uss, mmap_pss, read_only_mib);
	assert_true(copy_uss - mmap_uss >= 0.8 * read_only_mib);
	assert_true(mmap_pss < mmap_uss + read_only_mib);
	/* 2 loaders x (1 + 2) instances x 2 rounds, plus the header. */
	assert_int_equal(count_lines(test_path("bench-probe/raw.csv")), 13);
	assert_int_equal(stat(test_path("bench-probe/raw.csv.partial"), &st), -1);
	assert_int_equal(stat(test_path("bench-probe/tables.txt"), &st), 0);
	assert_int_equal(stat(test_path("bench-probe/tables.md"), &st), 0);
	/* Page-level attribution: the read-only blob (24 MiB) of every mmap guest
	 * stays shared, the 4 MiB data part is copied on write. */
	char *sharing = slurp(test_path("bench-probe/sharing.csv"));
	assert_non_null(sharing);
	assert_non_null(strstr(sharing, "mmap,2,0,0,kernel,.rodata.blob,25165824,6144,6144,0,0"));
	assert_non_null(strstr(sharing, "mmap,2,0,0,kernel,.data,4194304,1024,0,1024,0"));
	assert_null(strstr(sharing, "\ncopy,"));
	free(sharing);
	/* The probe has no start_kernel symbol: the point comes from the port. */
	char *csv = slurp(test_path("bench-probe/raw.csv"));
	assert_non_null(strstr(csv, ",port,"));
	assert_null(strstr(csv, ",breakpoint,"));
	free(csv);
}

/* Every field this host's smaps_rollup has is in each sampled row, and
 * swapped says whether Swap was above zero (whatever this host swaps). */
static void raw_csv_holds_every_smaps_field(void **state)
{
	struct smaps_rollup here;
	struct raw_rows raw;
	char column[64];

	(void)state;
	assert_int_equal(smaps_read_pid(getpid(), &here), 0);
	assert_int_equal(raw_rows_read(&raw, test_path("bench-probe/raw.csv")), 0);
	assert_int_equal(raw.nr_rows, 12);
	for (unsigned r = 0; r < raw.nr_rows; r++) {
		assert_string_equal(raw_cell(&raw, r, "status"), "ok");
		for (int f = 0; f < SMAPS_NR_FIELDS; f++) {
			snprintf(column, sizeof(column), "%s_kb", smaps_field_name(f));
			assert_non_null(raw_cell(&raw, r, column));
			if (here.kb[f] >= 0 && raw_num(&raw, r, column) < 0)
				fail_msg("row %u: %s empty", r, column);
		}
		assert_int_equal(raw_num(&raw, r, "swapped"), raw_num(&raw, r, "Swap_kb") > 0);
	}
	raw_rows_free(&raw);
}

/* summary/6's figures across groups are loadbench's; summary-derive, from
 * the same samples, sharing.csv and kernel with the same code, writes the
 * very same file. */
static void summary_derive_reproduces_the_summary(void **state)
{
	const char *build = getenv("BUILD");
	char tool[4096], dir[4096], *before, *after;
	const char *argv[] = { tool, dir, NULL };

	(void)state;
	snprintf(tool, sizeof(tool), "%s/summary-derive", build ? build : "build");
	snprintf(dir, sizeof(dir), "%s", test_path("bench-probe"));
	before = slurp(test_path("bench-probe/summary.json"));
	assert_non_null(before);
	assert_non_null(strstr(before, "\"comparisons\": ["));
	assert_non_null(strstr(before, "\"readonly_load_bytes\": "));
	assert_non_null(strstr(before, "\"predicted_uss_saving_bytes\": "));
	assert_int_equal(run_cmd(argv, test_path("sd.out"), test_path("sd.err"), 60), 0);
	after = slurp(test_path("bench-probe/summary.json"));
	assert_non_null(after);
	assert_string_equal(after, before);
	free(before);
	free(after);
}

static void failing_guests_are_recorded(void **state)
{
	/* jmp $: a guest that never reaches linux_start_user. */
	static const uint8_t hang[] = { 0xeb, 0xfe };
	const char *dir = test_path("bench-hang");
	const char *kernel = test_path("hang.elf");
	const char *argv[] = { loadbench_path(),
			       "--kernel",
			       kernel,
			       "--instances",
			       "2",
			       "--loaders",
			       "mmap",
			       "--rounds",
			       "1",
			       "--timeout",
			       "1",
			       "--settle",
			       "0",
			       "--out",
			       dir,
			       "--quiet",
			       NULL };
	struct elf_fixture f;
	char *csv, *tables;

	(void)state;
	elf_fixture_default(&f);
	f.code = hang;
	f.code_len = sizeof(hang);
	assert_int_equal(elf_fixture_write(&f, kernel), 0);
	assert_int_equal(run_cmd(argv, test_path("lb.out"), test_path("lb.err"), 60), 3);
	csv = slurp(test_path("bench-hang/raw.csv"));
	tables = slurp(test_path("bench-hang/tables.txt"));
	assert_non_null(csv);
	assert_non_null(tables);
	assert_non_null(strstr(csv, ",timeout,"));
	assert_non_null(strstr(tables, "Failed instances: 2 of 2"));
	assert_non_null(strstr(tables, "n/a"));
	free(csv);
	free(tables);
}

static void bad_options_are_refused(void **state)
{
	static const char *const lists[] = { "", "0", "-1", "1,1", "a", "1,,2" };
	char *err;

	(void)state;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const char *argv[] = { loadbench_path(), "--kernel", probe_elf_path(),
				       "--instances",	 lists[i],   NULL };

		assert_int_equal(run_cmd(argv, test_path("lb.out"), test_path("lb.err"), 10), 2);
		err = slurp(test_path("lb.err"));
		assert_non_null(strstr(err, "--instances"));
		free(err);
	}
	const char *too_many[] = { loadbench_path(), "--kernel", probe_elf_path(), "--instances",
				   "1024",	     "--mem",	 "3072",	   NULL };
	assert_int_equal(run_cmd(too_many, test_path("lb.out"), test_path("lb.err"), 10), 2);
	err = slurp(test_path("lb.err"));
	assert_non_null(strstr(err, "available"));
	free(err);
	const char *unknown_loader[] = { loadbench_path(), "--kernel",	 probe_elf_path(),
					 "--loaders",	   "copy,bogus", NULL };
	assert_int_equal(run_cmd(unknown_loader, test_path("lb.out"), test_path("lb.err"), 10), 2);
	const char *unwritable[] = { loadbench_path(), "--kernel",	    probe_elf_path(),
				     "--out",	       "/proc/no-such-dir", NULL };
	assert_int_equal(run_cmd(unwritable, test_path("lb.out"), test_path("lb.err"), 10), 2);
	const char *missing[] = { loadbench_path(), "--kernel", "/nonexistent.elf", NULL };
	assert_int_equal(run_cmd(missing, test_path("lb.out"), test_path("lb.err"), 10), 2);
}

struct lb_case {
	const char *args[8]; /* after --kernel; "@name" is test_path(name) */
	const char *message;
};

static void make_hostile_files(void)
{
	struct elf_fixture f;
	FILE *big = fopen(test_path("big.initrd"), "w");

	unlink(test_path("fifo"));
	assert_int_equal(mkfifo(test_path("fifo"), 0600), 0);
	mkdir(test_path("dir"), 0700);
	elf_fixture_default(&f);
	f.has_pvh_note = 0;
	assert_int_equal(elf_fixture_write(&f, test_path("no-note.elf")), 0);
	assert_non_null(big);
	assert_int_equal(ftruncate(fileno(big), 200 << 20), 0); /* sparse */
	fclose(big);
}

/* One line naming the input, exit 2, and no --out directory made. */
static void refused_before_any_round(const struct lb_case *c, const char *long_line)
{
	const char *argv[12] = { loadbench_path(), "--out", test_path("never"), "--quiet" };
	char paths[8][320];
	int argc = 4, status;
	char *err;

	for (int i = 0; i < 8 && c->args[i]; i++, argc++) {
		argv[argc] = c->args[i][0] == '#' ? long_line : c->args[i];
		if (c->args[i][0] == '@') {
			snprintf(paths[i], sizeof(paths[i]), "%s", test_path(c->args[i] + 1));
			argv[argc] = paths[i];
		}
	}
	status = run_cmd(argv, test_path("lb.out"), test_path("lb.err"), 20);
	err = slurp(test_path("lb.err"));
	assert_non_null(err);
	if (status != 2 || !strstr(err, c->message) || strchr(err, '\n') != err + strlen(err) - 1 ||
	    access(test_path("never"), F_OK) == 0)
		fail_msg("%s %s: status %d, stderr: %s(wanted '%s', no --out dir)", c->args[0],
			 c->args[1], status, err, c->message);
	free(err);
}

static void hostile_inputs_are_refused_before_any_round(void **state)
{
	static char long_line[5000];
	static const struct lb_case cases[] = {
		{ { "--kernel", "@fifo" }, "fifo: not a regular file (a FIFO)" },
		{ { "--kernel", "@dir" }, "not a regular file (a directory)" },
		{ { "--kernel", "/dev/zero" }, "/dev/zero: not a regular file" },
		{ { "--kernel", "@no-note.elf" }, "no-note.elf: no PVH entry note" },
		{ { "--kernel", "@missing.elf" }, "missing.elf: No such file" },
		{ { "--kernel", "PROBE", "--initrd", "@fifo" }, "fifo: not a regular file" },
		{ { "--kernel", "PROBE", "--initrd", "/dev/zero" }, "not a regular file" },
		{ { "--kernel", "PROBE", "--initrd", "@big.initrd" },
		  "larger than the free guest" },
		{ { "--kernel", "PROBE", "--cmdline", "#" }, "--cmdline: too long" },
		{ { "--kernel", "PROBE", "--loadvm", "@dir" }, "--loadvm" },
		{ { "--kernel", "PROBE", "--loadvm", "@no-note.elf" }, "not executable" },
		{ { "--kernel", "PROBE", "--settle", "nan" }, "--settle 'nan'" },
		{ { "--kernel", "PROBE", "--settle", "-1" }, "--settle '-1'" },
		{ { "--kernel", "PROBE", "--settle", "1e10" }, "--settle '1e10'" },
		{ { "--kernel", "PROBE", "--timeout", "inf" }, "--timeout 'inf'" },
		{ { "--kernel", "PROBE", "--timeout", "0.0" }, "--timeout '0.0'" },
		{ { "--kernel", "PROBE", "--timeout", "99999999" }, "--timeout '99999999'" },
	};

	(void)state;
	make_hostile_files();
	memset(long_line, 'x', sizeof(long_line) - 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lb_case c = cases[i];

		if (strcmp(c.args[1], "PROBE") == 0)
			c.args[1] = probe_elf_path();
		refused_before_any_round(&c, long_line);
	}
}

/* 0 is a settle time in every spelling: the run goes ahead. */
static void settle_zero_in_every_spelling(void **state)
{
	static const char *const zeros[] = { "0", "0.0", "0e0" };

	(void)state;
	for (size_t i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++) {
		const char *argv[] = { loadbench_path(),
				       "--kernel",
				       probe_elf_path(),
				       "--instances",
				       "1",
				       "--rounds",
				       "1",
				       "--loaders",
				       "mmap",
				       "--settle",
				       zeros[i],
				       "--out",
				       test_path("settle0"),
				       "--quiet",
				       NULL };
		char *cmd;

		assert_int_equal(run_cmd(argv, test_path("lb.out"), test_path("lb.err"), 120), 0);
		assert_int_equal(asprintf(&cmd, "rm -rf '%s'", test_path("settle0")) > 0, 1);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(probe_run_measures_sharing),
		cmocka_unit_test(raw_csv_holds_every_smaps_field),
		cmocka_unit_test(summary_derive_reproduces_the_summary),
		cmocka_unit_test(failing_guests_are_recorded),
		cmocka_unit_test(bad_options_are_refused),
		cmocka_unit_test(hostile_inputs_are_refused_before_any_round),
		cmocka_unit_test(settle_zero_in_every_spelling),
	};

	require_kvm("test_loadbench");
	return cmocka_run_group_tests(tests, setup, NULL);
}
