// SPDX-License-Identifier: MIT
/* The end of a run: summary.json and the tables, raw.csv and sharing.csv
 * completed, and the exit status. */
#include "run.h"

#include "atomic_file.h"
#include "comparisons.h"
#include "log.h"
#include "sharing_summary.h"
#include "summary.h"
#include "summary_json.h"
#include "tables.h"

#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

static int write_outputs(const struct run *run, const struct run_summary *summary)
{
	struct rusage self;
	double cpu_ms;
	struct atomic_file af = { 0 };
	FILE *f;
	int err = 0;

	getrusage(RUSAGE_SELF, &self);
	cpu_ms = (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec) * 1e3 +
		 (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e3;
	if (run->config.formats & FORMAT_JSON) {
		f = atomic_open(&af, run->out_dir, "summary.json");
		if (f && summary_json_write(f, summary, &run->ctx, cpu_ms))
			atomic_fail(&af);
		err |= !f || atomic_commit(&af);
	}
	if (run->config.formats & FORMAT_TEXT) {
		f = atomic_open(&af, run->out_dir, "tables.txt");
		if (f)
			tables_write(f, summary, &run->ctx, TABLES_TEXT);
		err |= !f || atomic_commit(&af);
		f = atomic_open(&af, run->out_dir, "tables.md");
		if (f)
			tables_write(f, summary, &run->ctx, TABLES_MARKDOWN);
		err |= !f || atomic_commit(&af);
	}
	return err ? -1 : 0;
}

/* A run in which no instance booted says why in one line (the first
 * failure's reason: usually every instance failed the same way). */
static void say_if_all_failed(const struct run *run)
{
	for (size_t i = 0; i < run->nr_results; i++)
		if (run->results[i].status == INSTANCE_OK)
			return;
	if (run->nr_results > 0)
		pr_err("every instance failed (%zu of %zu); the first: %s", run->nr_results,
		       run->nr_results, run->results[0].reason);
}

/* The figures across groups (summary.h): loaders compared, sharing.csv's
 * medians (read before it is renamed or removed). An unreadable
 * sharing.csv costs summary.json its "sharing", said on stderr. */
static int compute_across_groups(struct run *run, struct run_summary *summary,
				 struct comparisons *cmp, struct sharing_summary *sharing)
{
	if (comparisons_compute(cmp, summary, &run->ctx)) {
		pr_err("out of memory comparing the loaders");
		return -1;
	}
	summary->comparisons = cmp;
	if (sharing_summary_read(sharing, run->sharing.partial, &run->config, cmp) == 0)
		summary->sharing = sharing;
	return 0;
}

int run_finish(struct run *run)
{
	struct run_summary summary;
	struct comparisons cmp = { 0 };
	struct sharing_summary sharing = { 0 };
	unsigned failed = 0;
	int err;

	if (summary_compute(&summary, &run->config, run->results, run->nr_results, run->timings))
		return EXIT_WRITE;
	if (compute_across_groups(run, &summary, &cmp, &sharing)) {
		summary_free(&summary);
		return EXIT_WRITE;
	}
	err = write_outputs(run, &summary);
	if (run->config.formats & FORMAT_CSV) {
		err |= raw_csv_finish(&run->csv);
		err |= sharing_log_finish(&run->sharing);
	} else {
		unlink(run->csv.partial);
		unlink(run->sharing.partial);
	}
	if (!err && !run->config.quiet && (run->config.formats & FORMAT_TEXT))
		tables_write(stdout, &summary, &run->ctx, TABLES_TEXT);
	for (unsigned i = 0; i < summary.nr_groups; i++)
		failed += summary.groups[i].failed;
	summary_free(&summary);
	comparisons_free(&cmp);
	sharing_summary_free(&sharing);
	if (err)
		return EXIT_WRITE;
	if (!run->config.quiet)
		fprintf(stderr, "loadbench: results in %s\n", run->out_dir);
	say_if_all_failed(run);
	return failed ? EXIT_FAILURES : EXIT_OK;
}
