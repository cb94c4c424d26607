// SPDX-License-Identifier: MIT
/*
 * What `loadbench --resume` relies on, without guests: the plan's order
 * (which round comes next), a raw.csv row read back equals the row written
 * (so a resumed run's summary counts the earlier rounds as measured), its
 * reason one quoted line whatever it holds, every smaps field and the
 * swapped flag survive a raw.csv file written and loaded back, rows that
 * are not this run's are rejected, and the rows of the finished rounds
 * must be exactly the plan's, each once.
 */
#include "../support/test_main.h"

#include "../support/python_check.h"
#include "../support/raw_rows.h"
#include "../support/spawn.h"

#include "backend_qemu.h"
#include "raw_csv.h"
#include "raw_csv_read.h"
#include "resume.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct bench_config config;

static int setup(void **state)
{
	(void)state;
	config.instance_counts[0] = 1;
	config.instance_counts[1] = 2;
	config.nr_instance_counts = 2;
	config.loaders[0] = "copy";
	config.loaders[1] = "mmap";
	config.nr_loaders = 2;
	config.rounds = 2;
	return 0;
}

/* Sequential: loaders alternate their order by round; N is outermost. */
static void plan_follows_run_order(void **state)
{
	static const unsigned want[][3] = { { 0, 0, 0 }, { 0, 0, 1 }, { 0, 1, 1 }, { 0, 1, 0 },
					    { 1, 0, 0 }, { 1, 0, 1 }, { 1, 1, 1 }, { 1, 1, 0 } };

	(void)state;
	assert_int_equal(plan_steps(&config), 8);
	for (unsigned i = 0; i < 8; i++) {
		struct plan_step s = plan_step(&config, i);

		assert_int_equal(s.count_index, want[i][0]);
		assert_int_equal(s.round, want[i][1]);
		assert_int_equal(s.loader, want[i][2]);
	}
}

/* A shuffle holds every (N, loader) group's rounds exactly once, numbered
 * in the order they run; the same seed gives the same order, another seed
 * another one; resuming needs nothing more. */
static void shuffle_runs_every_round_once(void **state)
{
	struct bench_config big = config;
	struct plan_step *a, *b, *c;
	unsigned int seen[2][2][8] = { { { 0 } } }, next_round[2][2] = { { 0 } };
	int differ_ab = 0, differ_ac = 0, n_first_half_big = 0;

	(void)state;
	big.rounds = 8;
	a = run_order_shuffle(&big, 1);
	b = run_order_shuffle(&big, 1);
	c = run_order_shuffle(&big, 2);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	big.plan = a;
	for (unsigned i = 0; i < plan_steps(&big); i++) {
		struct plan_step s = plan_step(&big, i);

		assert_true(s.count_index < 2 && s.loader < 2 && s.round < 8);
		assert_int_equal(s.round, next_round[s.count_index][s.loader]++);
		seen[s.count_index][s.loader][s.round]++;
		differ_ab |= memcmp(&a[i], &b[i], sizeof(a[i])) != 0;
		differ_ac |= memcmp(&a[i], &c[i], sizeof(a[i])) != 0;
		n_first_half_big += i < plan_steps(&big) / 2 && s.count_index == 1;
	}
	for (unsigned c_i = 0; c_i < 2; c_i++)
		for (unsigned l = 0; l < 2; l++)
			for (unsigned r = 0; r < 8; r++)
				assert_int_equal(seen[c_i][l][r], 1);
	assert_false(differ_ab);
	assert_true(differ_ac);
	/* Interleaved: the larger N is not all at the end as in sequential order
	 * (16 of its 16 steps there); seed 1 puts some of it in the first half. */
	assert_true(n_first_half_big > 0);
	free(a);
	free(b);
	free(c);
}

static void fill(struct instance_result *r, unsigned loader, unsigned n, unsigned round,
		 unsigned index)
{
	memset(r, 0, sizeof(*r));
	r->loader = loader;
	r->instances = n;
	r->round = round;
	r->index = index;
	r->pid = 4242;
	for (int f = 0; f < SMAPS_NR_FIELDS; f++)
		r->smaps.kb[f] = f == SMAPS_PSS_FILE ? -1 : 100 + f;
	r->uss_kb = 12345;
	r->point_ns[POINT_LOAD_DONE] = 1000;
	r->point_ns[POINT_VMM_INIT_END] = 2000;
	r->point_ns[POINT_LINUX_START_KERNEL] = -1;
	r->point_ns[POINT_LINUX_START_USER] = 90000000;
	snprintf(r->point_source[POINT_LINUX_START_KERNEL], 12, "port");
	snprintf(r->point_source[POINT_VMM_INIT_END], 12, "vmm");
	r->user_exit_ns = -1;
	r->minor_faults = 77;
	r->user_ms = 1.25;
	r->system_ms = 3.5;
	r->status = INSTANCE_EXITED;
	snprintf(r->reason, sizeof(r->reason), "said \"no\", then, left");
	/* A merging loader's round; the other loader's rows have no figures. */
	if (loader == 1)
		r->ksm = (struct ksm_round){ 2306, 1, 10, 1056, 1025 };
	else
		ksm_round_clear(&r->ksm);
}

static char *row_text_of(const struct bench_config *c, const struct instance_result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	raw_csv_write_row(f, c, r);
	fclose(f);
	text[strcspn(text, "\n")] = '\0';
	return text;
}

static char *row_text(const struct instance_result *r)
{
	return row_text_of(&config, r);
}

static void row_reads_back_as_written(void **state)
{
	struct instance_result in, out;
	char *text, *again;

	(void)state;
	fill(&in, 1, 2, 1, 1);
	text = row_text(&in);
	again = strdup(text);
	assert_int_equal(raw_csv_parse_row(again, &config, &out), 0);
	free(again);
	assert_int_equal(out.loader, 1);
	assert_int_equal(out.instances, 2);
	assert_int_equal(out.round, 1);
	assert_int_equal(out.index, 1);
	assert_int_equal(out.status, INSTANCE_EXITED);
	assert_string_equal(out.reason, in.reason);
	for (int f = 0; f < SMAPS_NR_FIELDS; f++)
		assert_int_equal(out.smaps.kb[f], in.smaps.kb[f]);
	assert_int_equal(out.point_ns[POINT_LINUX_START_KERNEL], -1);
	assert_true(out.user_ms == 1.25 && out.system_ms == 3.5);
	assert_int_equal(out.ksm.settle_ms, 2306);
	assert_int_equal(out.ksm.settled, 1);
	assert_int_equal(out.ksm.ksmd_cpu_ms, 10);
	assert_int_equal(out.ksm.pages_sharing, 1056);
	assert_int_equal(out.ksm.pages_shared, 1025);
	again = row_text(&out);
	assert_string_equal(again, text);
	free(again);
	free(text);
}

/* QEMU's own columns (backend_qemu.h): a negative lag (clock error) and
 * an unknown one come back as written; a loadvm row leaves them empty. */
static void vmm_values_read_back_as_written(void **state)
{
	struct bench_config peers = config;
	struct instance_result in, out;
	char *text, *again;

	(void)state;
	peers.loaders[1] = "qemu-shared";
	peers.loader_vmm[1] = &backend_qemu;
	for (int lag = 0; lag < 2; lag++) {
		fill(&in, 1, 2, 1, 1);
		in.vmm_values[QEMU_VM_RUNNING] = 500;
		in.vmm_values[QEMU_VM_RUNNING_LAG] = lag ? -7 : -1;
		text = row_text_of(&peers, &in);
		again = strdup(text);
		assert_int_equal(raw_csv_parse_row(again, &peers, &out), 0);
		free(again);
		assert_int_equal(out.vmm_values[QEMU_VM_RUNNING], 500);
		assert_int_equal(out.vmm_values[QEMU_VM_RUNNING_LAG], lag ? -7 : -1);
		again = row_text_of(&peers, &out);
		assert_string_equal(again, text);
		assert_non_null(strstr(text, lag ? ",qemu,vmm,500,-7," : ",qemu,vmm,500,,"));
		free(again);
		free(text);
	}
	fill(&in, 0, 2, 1, 1);
	in.vmm_values[QEMU_VM_RUNNING] = 500;
	text = row_text_of(&peers, &in);
	assert_non_null(strstr(text, ",loadvm,vmm,,,"));
	free(text);
}

static char *header_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	raw_csv_write_header(f);
	fclose(f);
	return text;
}

/* raw.csv's reason cell: quoted, "" for a quote, commas kept, one line
 * (CR and LF among the control characters that become spaces), bytes that
 * are not UTF-8 as U+FFFD; what raw_csv_read and Python's csv module read
 * back is the same text. */
static void reason_cell_is_one_quoted_line(void **state)
{
	static const char want_cell[] = ",\"\"\"start\"\", a, b  c  d \xef\xbf\xbd  [0m end\"\"\",";
	static const char want_reason[] = "\"start\", a, b  c  d \xef\xbf\xbd  [0m end\"";
	struct instance_result in, out;
	char *text, *again, *script, *header, hex[2 * sizeof(want_reason) + 1];
	int cols = 1;

	(void)state;
	fill(&in, 0, 1, 0, 0);
	snprintf(in.reason, sizeof(in.reason), "\"start\", a, b\r\nc\n\rd \xff \x1b[0m end\"");
	text = row_text(&in);
	assert_non_null(strstr(text, want_cell));
	assert_null(strchr(text, '\r'));
	again = strdup(text);
	assert_int_equal(raw_csv_parse_row(again, &config, &out), 0);
	assert_string_equal(out.reason, want_reason);
	free(again);

	header = header_text();
	for (const char *h = header; (h = strchr(h, ',')) != NULL; h++)
		cols++;
	free(header);
	for (size_t i = 0; i < strlen(want_reason); i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)want_reason[i]);
	assert_true(asprintf(&script,
			     "import csv, io, sys\n"
			     "rows = list(csv.reader(io.StringIO("
			     "sys.stdin.buffer.read().decode(\"utf-8\"), newline=\"\")))\n"
			     "assert len(rows) == 1 and len(rows[0]) == %d, rows\n"
			     "assert rows[0][6] == bytes.fromhex(\"%s\").decode(\"utf-8\"), "
			     "rows[0][6]\n",
			     cols, hex) > 0);
	assert_int_equal(python_run(script, text, 0), 0);
	free(script);
	free(text);
}

/* Writes rows to dir/raw.csv.partial as a run does; returns its size. */
static long write_raw(const char *dir, const struct instance_result *rows, size_t n)
{
	struct raw_csv csv = { 0 };
	long bytes;

	assert_int_equal(raw_csv_open(&csv, dir), 0);
	assert_int_equal(raw_csv_append(&csv, &config, rows, n), 0);
	bytes = raw_csv_bytes(&csv);
	assert_int_equal(fclose(csv.f), 0);
	return bytes;
}

/* What --resume reads back from the file is what was measured: every smaps
 * field (Swap and SwapPss among them) in every row. */
static void file_loads_back_every_field(void **state)
{
	struct instance_result in[3], out[4];
	long bytes;
	FILE *older;

	(void)state;
	fill(&in[0], 0, 1, 0, 0);
	fill(&in[1], 1, 2, 0, 0);
	fill(&in[2], 1, 2, 0, 1);
	in[1].smaps.kb[SMAPS_SWAP] = 1836;
	in[1].smaps.kb[SMAPS_SWAP_PSS] = 1721;
	in[2].smaps.kb[SMAPS_LOCKED] = -1;
	bytes = write_raw(test_dir(), in, 3);
	assert_int_equal(raw_csv_load(test_path("raw.csv.partial"), bytes, &config, out, 4), 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(out[i].loader, in[i].loader);
		assert_int_equal(out[i].index, in[i].index);
		assert_int_equal(out[i].uss_kb, in[i].uss_kb);
		assert_int_equal(out[i].ksm.settle_ms, in[i].ksm.settle_ms);
		assert_int_equal(out[i].ksm.settled, in[i].ksm.settled);
		assert_int_equal(out[i].ksm.ksmd_cpu_ms, in[i].ksm.ksmd_cpu_ms);
		assert_int_equal(out[i].ksm.pages_sharing, in[i].ksm.pages_sharing);
		assert_int_equal(out[i].ksm.pages_shared, in[i].ksm.pages_shared);
		for (int f = 0; f < SMAPS_NR_FIELDS; f++)
			if (out[i].smaps.kb[f] != in[i].smaps.kb[f])
				fail_msg("row %d %s: %lld, written %lld", i, smaps_field_name(f),
					 (long long)out[i].smaps.kb[f],
					 (long long)in[i].smaps.kb[f]);
	}
	/* Rows of another layout: resumed rows would not fit under its header. */
	older = fopen(test_path("older.csv"), "w");
	assert_non_null(older);
	fputs("loader,instances,round,instance,pid,status,reason\n", older);
	assert_int_equal(fclose(older), 0);
	assert_int_equal(raw_csv_load(test_path("older.csv"), 48, &config, out, 4), -1);
}

/* Each smaps field has its own column, named as the kernel names it; an
 * instance with pages swapped out says so in its row, one that was not
 * sampled says nothing. */
static void swapped_instances_are_flagged(void **state)
{
	struct instance_result in[3];
	struct raw_rows raw;
	char column[64];

	(void)state;
	fill(&in[0], 0, 1, 0, 0);
	in[0].smaps.kb[SMAPS_SWAP] = 0;
	fill(&in[1], 1, 1, 0, 0);
	in[1].smaps.kb[SMAPS_SWAP] = 4;
	in[1].smaps.kb[SMAPS_SWAP_PSS] = 2;
	fill(&in[2], 1, 1, 1, 0);
	for (int f = 0; f < SMAPS_NR_FIELDS; f++)
		in[2].smaps.kb[f] = -1;
	write_raw(test_dir(), in, 3);
	assert_int_equal(raw_rows_read(&raw, test_path("raw.csv.partial")), 0);
	assert_int_equal(raw.nr_rows, 3);
	for (int f = 0; f < SMAPS_NR_FIELDS; f++) {
		snprintf(column, sizeof(column), "%s_kb", smaps_field_name(f));
		assert_int_equal(raw_num(&raw, 0, column), in[0].smaps.kb[f]);
	}
	assert_string_equal(raw_cell(&raw, 0, "swapped"), "0");
	assert_string_equal(raw_cell(&raw, 1, "swapped"), "1");
	assert_int_equal(raw_num(&raw, 1, "Swap_kb"), 4);
	assert_int_equal(raw_num(&raw, 1, "SwapPss_kb"), 2);
	assert_string_equal(raw_cell(&raw, 2, "swapped"), "");
	raw_rows_free(&raw);
}

/* The columns raw.csv had before every smaps field was in it stay where
 * they were: readers of older files by position still find them. */
static void older_columns_keep_their_place(void **state)
{
	static const char older[] =
		"loader,instances,round,instance,pid,status,reason,Rss_kb,Pss_kb,Pss_Anon_kb,"
		"Pss_File_kb,Pss_Shmem_kb,Shared_Clean_kb,Shared_Dirty_kb,Private_Clean_kb,"
		"Private_Dirty_kb,Anonymous_kb,uss_kb,load_done_ns,vmm_init_end_ns,"
		"linux_start_kernel_ns,linux_start_user_ns,linux_start_kernel_source,minor_faults,"
		"user_ms,system_ms,vmm,vmm_init_end_source,vm_running_ns,vm_running_lag_ns,"
		"linux_start_user_exit_ns,linux_start_user_lag_ns,";
	char *header;

	(void)state;
	header = header_text();
	assert_int_equal(strncmp(header, older, strlen(older)), 0);
	free(header);
}

static void foreign_rows_are_rejected(void **state)
{
	static const char *const bad[] = {
		"copy,1,0,0,1,ok",		  /* too few columns */
		"ksm,1,0,0,1,ok,\"\"",		  /* not a loader of this run */
		"copy,1,0,0,1,fine,\"\"",	  /* no such status */
		"copy,1,0,0,1,ok,\"unterminated", /* torn quote */
	};
	struct instance_result in, out;
	char *text, *p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = strdup(bad[i]);
		assert_int_equal(raw_csv_parse_row(text, &config, &out), -1);
		free(text);
	}
	/* ksm_settled is 1, 0 or empty. */
	fill(&in, 1, 1, 0, 0);
	in.ksm.settled = 0;
	text = row_text(&in);
	assert_int_equal(raw_csv_parse_row(text, &config, &out), 0);
	assert_int_equal(out.ksm.settled, 0);
	free(text);
	in.ksm.settled = 7;
	text = row_text(&in);
	assert_int_equal(raw_csv_parse_row(text, &config, &out), -1);
	free(text);
	/* A row cut short by a crash. */
	fill(&in, 0, 1, 0, 0);
	text = row_text(&in);
	p = strrchr(text, ',');
	*p = '\0';
	assert_int_equal(raw_csv_parse_row(text, &config, &out), -1);
	free(text);
}

static void finished_rows_must_follow_the_plan(void **state)
{
	struct instance_result rows[6];
	size_t nr = 0;

	(void)state;
	/* Steps 0..3: copy N=1 r0, mmap N=1 r0, mmap N=1 r1, copy N=1 r1. */
	fill(&rows[nr++], 0, 1, 0, 0);
	fill(&rows[nr++], 1, 1, 0, 0);
	fill(&rows[nr++], 1, 1, 1, 0);
	fill(&rows[nr++], 0, 1, 1, 0);
	assert_int_equal(plan_check_rows(&config, rows, nr, 4), 0);
	assert_int_equal(plan_check_rows(&config, rows, nr, 3), -1); /* a row too many */
	assert_int_equal(plan_check_rows(&config, rows, 3, 4), -1);  /* a row missing */
	rows[3] = rows[2];					     /* a round twice */
	assert_int_equal(plan_check_rows(&config, rows, nr, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan_follows_run_order),
		cmocka_unit_test(shuffle_runs_every_round_once),
		cmocka_unit_test(row_reads_back_as_written),
		cmocka_unit_test(vmm_values_read_back_as_written),
		cmocka_unit_test(reason_cell_is_one_quoted_line),
		cmocka_unit_test(file_loads_back_every_field),
		cmocka_unit_test(swapped_instances_are_flagged),
		cmocka_unit_test(older_columns_keep_their_place),
		cmocka_unit_test(foreign_rows_are_rejected),
		cmocka_unit_test(finished_rows_must_follow_the_plan),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
