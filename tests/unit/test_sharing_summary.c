// SPDX-License-Identifier: MIT
/*
 * sharing.csv summarised (sharing_summary.h), on a hand-written file: the
 * mmap loader at N = 2 (two rounds of two instances) and N = 1 (one). At
 * N = 2, .text (1024 pages) has shared 1000, 1010, 1020, 1030, copied 24,
 * 19, 14, 9 (all return_thunk), untouched 0, 5, 10, 15, other_bytes 40;
 * the initrd (2 pages) 2 copied, init_freed. Medians by hand: shared 1015,
 * copied 16.5, untouched 7.5.
 */
#include "../support/test_main.h"

#include "../support/stderr_capture.h"
#include "sharing_summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NEAR(x, y) assert_true(fabs((x) - (y)) < 1e-6)

static const char header[] =
	"loader,instances,round,instance,file,region,bytes,pages,shared,copied,untouched";
static const char kinds[] =
	",unchanged,init_freed,data,lock_to_ds,retpoline,return_thunk,static_call,jump_label,"
	"paravirt,ibt_seal,alternative,other,mixed,unread,ftrace_nop,jump_label_nop,other_bytes";

static struct bench_config config;
static struct comparison items[2];
static struct comparisons cmp = { items, 2 };
static char path[64];

static int setup(void **state)
{
	(void)state;
	config.loaders[0] = "copy";
	config.loaders[1] = "mmap";
	config.nr_loaders = 2;
	config.instance_counts[0] = 1;
	config.instance_counts[1] = 2;
	config.nr_instance_counts = 2;
	/* What summary.json measured at N=2: copy - mmap = 5120 kB USS, 3072 kB PSS. */
	items[0] = (struct comparison){ .base = 0,
					.candidate = 1,
					.instances = 2,
					.metric = CMP_USS,
					.median_difference = -5120 };
	items[1] = (struct comparison){ .base = 0,
					.candidate = 1,
					.instances = 2,
					.metric = CMP_PSS,
					.median_difference = -3072 };
	snprintf(path, sizeof(path), "/tmp/test_sharing_summary.%d.csv", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* A kind row: copied pages as return_thunk, or as init_freed for the initrd. */
static void row(FILE *f, unsigned n, unsigned round, unsigned index, const char *file,
		const char *region, unsigned pages, unsigned shared, unsigned copied,
		unsigned untouched, bool with_kinds)
{
	fprintf(f, "mmap,%u,%u,%u,%s,%s,%u,%u,%u,%u,%u", n, round, index, file, region,
		pages * 4096, pages, shared, copied, untouched);
	if (with_kinds)
		fprintf(f, ",0,%u,0,0,0,%u,0,0,0,0,0,0,0,0,0,0,%u", *file == 'i' ? copied : 0u,
			*file == 'i' ? 0u : copied, *file == 'i' ? 0u : 40u);
	fputc('\n', f);
}

static void write_csv(bool with_kinds)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "%s%s\n", header, with_kinds ? kinds : "");
	row(f, 1, 0, 0, "kernel", ".text", 1024, 1020, 0, 4, with_kinds);
	for (unsigned i = 0; i < 4; i++) {
		row(f, 2, i / 2, i % 2, "kernel", ".text", 1024, 1000 + 10 * i, 24 - 5 * i, 5 * i,
		    with_kinds);
		row(f, 2, i / 2, i % 2, "initrd", "initrd", 2, 0, 2, 0, with_kinds);
	}
	assert_int_equal(fclose(f), 0);
}

static const struct sharing_group *find(const struct sharing_summary *s, unsigned n)
{
	for (size_t i = 0; i < s->nr_groups; i++)
		if (s->groups[i].instances == n)
			return &s->groups[i];
	return NULL;
}

static void medians_per_region_over_instances_and_rounds(void **state)
{
	struct sharing_summary s;
	const struct sharing_group *g;

	(void)state;
	write_csv(true);
	assert_int_equal(sharing_summary_read(&s, path, &config, &cmp), 0);
	assert_int_equal(s.nr_groups, 2);
	g = find(&s, 2);
	assert_non_null(g);
	assert_int_equal(g->loader, 1);
	assert_int_equal(g->samples, 4);
	assert_int_equal(g->nr_regions, 2);
	assert_string_equal(g->regions[0].name, ".text");
	assert_string_equal(g->regions[1].file, "initrd");
	assert_int_equal(g->regions[0].bytes, 1024 * 4096);
	NEAR(g->regions[0].median[SC_SHARED], 1015);
	NEAR(g->regions[0].median[SC_COPIED], 16.5);
	NEAR(g->regions[0].median[SC_UNTOUCHED], 7.5);
	NEAR(g->regions[0].median[SC_KIND + PAGE_RETURN_THUNK], 16.5);
	NEAR(g->regions[0].median[SC_OTHER_BYTES], 40);
	NEAR(g->regions[1].median[SC_KIND + PAGE_INIT_FREED], 2);
	NEAR(g->total[SC_PAGES], 1026);
	NEAR(g->total[SC_COPIED], 18.5);
	NEAR(g->total[SC_SHARED], 1015);
	assert_true(s.has[SC_KIND + PAGE_RETURN_THUNK] && s.has[SC_OTHER_BYTES]);
	sharing_summary_free(&s);
}

/*
 * N = 2: USS (1015 + 7.5) pages, PSS (1015/2 + 7.5) = 515 pages, of 4 KiB;
 * measured copy - mmap from the comparisons. N = 1: only the 4 untouched
 * pages, and nothing measured to compare with.
 */
static void pages_predict_the_saving_next_to_the_measured_one(void **state)
{
	struct sharing_summary s;
	const struct sharing_group *g;

	(void)state;
	write_csv(true);
	assert_int_equal(sharing_summary_read(&s, path, &config, &cmp), 0);
	g = find(&s, 2);
	NEAR(g->predicted_uss_bytes, 1022.5 * 4096);
	NEAR(g->predicted_pss_bytes, 515 * 4096);
	assert_int_equal(g->base, 0);
	assert_true(g->measured);
	NEAR(g->measured_uss_kb, 5120);
	NEAR(g->measured_pss_kb, 3072);
	g = find(&s, 1);
	NEAR(g->predicted_uss_bytes, 4 * 4096);
	NEAR(g->predicted_pss_bytes, 4 * 4096);
	assert_false(g->measured);
	sharing_summary_free(&s);
}

static void a_file_from_before_the_kinds_reads(void **state)
{
	struct sharing_summary s;

	(void)state;
	write_csv(false);
	assert_int_equal(sharing_summary_read(&s, path, &config, &cmp), 0);
	for (int k = 0; k < PAGE_KINDS; k++)
		assert_false(s.has[SC_KIND + k]);
	assert_false(s.has[SC_OTHER_BYTES]);
	NEAR(find(&s, 2)->regions[0].median[SC_SHARED], 1015);
	sharing_summary_free(&s);
}

static int read_it(void *ctx)
{
	struct sharing_summary s;
	int ret = sharing_summary_read(&s, path, &config, &cmp);

	(void)ctx;
	if (ret == 0)
		sharing_summary_free(&s);
	return ret;
}

static void bad_files_are_named_with_their_line(void **state)
{
	char err[512], want[600];
	FILE *f = fopen(path, "w");

	(void)state;
	assert_non_null(f);
	fprintf(f, "%s\nqemu-shared,2,0,0,kernel,.text,4096,1,1,0,0\n", header);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(capture_stderr(read_it, NULL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: line 2: a loader this run did not measure", path);
	assert_non_null(strstr(err, want));
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "loader,instances,round,instance,file,region,bytes,pages,copied\n");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(capture_stderr(read_it, NULL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: no column shared: not a sharing.csv", path);
	assert_non_null(strstr(err, want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(medians_per_region_over_instances_and_rounds, teardown),
		cmocka_unit_test_teardown(pages_predict_the_saving_next_to_the_measured_one,
					  teardown),
		cmocka_unit_test_teardown(a_file_from_before_the_kinds_reads, teardown),
		cmocka_unit_test_teardown(bad_files_are_named_with_their_line, teardown),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
