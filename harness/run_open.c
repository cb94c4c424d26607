// SPDX-License-Identifier: MIT
/* A run's output directory and files, made fresh or taken up again by
 * --resume. */
#include "run.h"

#include "config_record.h"
#include "log.h"
#include "mkdirs.h"
#include "raw_csv_read.h"

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

/* A run's results are never overwritten: a directory that has any of these
 * belongs to another run, finished or to be resumed. */
static const char *const result_files[] = { "config.json", "rounds.log",   "raw.csv.partial",
					    "raw.csv",	   "summary.json", NULL };

static const char *holds_results(const char *dir)
{
	char path[4200];

	for (const char *const *name = result_files; *name; name++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *name);
		if (access(path, F_OK) == 0)
			return *name;
	}
	return NULL;
}

int run_prepare_out_dir(struct run *run)
{
	char logs[4200];

	if (!run->config.out_dir)
		context_default_out_dir(run->out_dir, sizeof(run->out_dir));
	else
		snprintf(run->out_dir, sizeof(run->out_dir), "%s", run->config.out_dir);
	run->config.out_dir = run->out_dir;
	if (!run->config.resume_dir && holds_results(run->out_dir)) {
		pr_err("--out %s: already holds results (%s); continue it with --resume %s, or "
		       "choose another --out",
		       run->out_dir, holds_results(run->out_dir), run->out_dir);
		return -1;
	}
	snprintf(logs, sizeof(logs), "%s/logs", run->out_dir);
	if (make_dirs(logs) != 0 || access(run->out_dir, W_OK) != 0) {
		pr_errno("--out %s: cannot create or write the output directory", run->out_dir);
		return -1;
	}
	return 0;
}

static int start_fresh(struct run *run)
{
	const char *dir = run->out_dir;

	if (raw_csv_open(&run->csv, dir) ||
	    sharing_log_open(&run->sharing, dir, run->config.kernel_elf, run->config.initrd) ||
	    journal_start(&run->journal, dir, raw_csv_bytes(&run->csv),
			  sharing_log_bytes(&run->sharing)))
		return EXIT_WRITE;
	return EXIT_OK;
}

/* The rows of the finished rounds come back from raw.csv.partial, cut to
 * the journal's last round: a round that was in progress runs again. */
static int reload(struct run *run)
{
	const struct bench_config *config = &run->config;
	long nr;

	if (raw_csv_reopen(&run->csv, run->out_dir, run->journal.csv_bytes) ||
	    sharing_log_reopen(&run->sharing, run->out_dir, config->kernel_elf, config->initrd,
			       run->journal.sharing_bytes))
		return EXIT_USAGE;
	nr = raw_csv_load(run->csv.partial, run->journal.csv_bytes, config, run->results,
			  run_total_rows(config));
	if (nr < 0 || plan_check_rows(config, run->results, (size_t)nr, run->journal.steps_done)) {
		pr_err("--resume %s: raw.csv.partial does not hold the rounds its journal lists",
		       run->out_dir);
		return EXIT_USAGE;
	}
	run->nr_results = (size_t)nr;
	return EXIT_OK;
}

/* raw.csv.partial becomes raw.csv only once every round is in. */
static bool finished(const char *dir)
{
	char partial[4200], final[4200];

	snprintf(partial, sizeof(partial), "%s/raw.csv.partial", dir);
	snprintf(final, sizeof(final), "%s/raw.csv", dir);
	return access(final, F_OK) == 0 && access(partial, F_OK) != 0;
}

int run_open_outputs(struct run *run)
{
	const char *dir = run->out_dir;
	int status;

	if (progress_log_open(&run->progress, dir))
		return EXIT_WRITE;
	if (!run->config.resume_dir)
		return config_record_write(dir, &run->config, &run->ctx) ? EXIT_WRITE
									 : start_fresh(run);
	if (config_record_check(dir, &run->config, &run->ctx))
		return EXIT_USAGE;
	if (finished(dir)) {
		pr_err("--resume %s: that run has finished (raw.csv); nothing to resume", dir);
		return EXIT_USAGE;
	}
	status = journal_resume(&run->journal, dir, &run->config, run->timings);
	if (status < 0)
		return EXIT_USAGE;
	if (status == 1)
		return start_fresh(run);
	run->ctx.resumes = run->journal.resumes;
	status = reload(run);
	if (status == EXIT_OK && !run->config.quiet)
		fprintf(stderr, "loadbench: resuming %s after %u of %u rounds\n", dir,
			run->journal.steps_done, plan_steps(&run->config));
	progress_log_event(&run->progress, "resume steps_done=%u", run->journal.steps_done);
	return status;
}
