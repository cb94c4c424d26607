// SPDX-License-Identifier: MIT
#include "resume.h"

#include "log.h"
#include "summary.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int plan_check_rows(const struct bench_config *config, const struct instance_result *rows,
		    size_t nr, unsigned int steps)
{
	size_t at = 0;

	for (unsigned int i = 0; i < steps; i++) {
		struct plan_step step = plan_step(config, i);
		unsigned int n = config->instance_counts[step.count_index];

		for (unsigned int k = 0; k < n; k++, at++)
			if (at == nr || rows[at].loader != step.loader || rows[at].instances != n ||
			    rows[at].round != step.round || rows[at].index != k)
				return -1;
	}
	return at == nr ? 0 : -1;
}

/* A line is kept only once it is on disk: the rows it vouches for are. */
static int append_synced(struct journal *j, const char *line)
{
	if (fputs(line, j->f) < 0 || fflush(j->f) != 0 || fsync(fileno(j->f)) != 0) {
		pr_errno("%s: cannot write (disk full?)", j->path);
		return -1;
	}
	return 0;
}

static int open_journal(struct journal *j, const char *dir, const char *mode)
{
	snprintf(j->path, sizeof(j->path), "%s/rounds.log", dir);
	j->f = fopen(j->path, mode);
	if (!j->f)
		pr_errno("%s: cannot write", j->path);
	return j->f ? 0 : -1;
}

int journal_start(struct journal *j, const char *dir, long csv_bytes, long sharing_bytes)
{
	char line[128];

	j->steps_done = 0;
	j->csv_bytes = csv_bytes;
	j->sharing_bytes = sharing_bytes;
	if (open_journal(j, dir, "w"))
		return -1;
	snprintf(line, sizeof(line), "start csv_bytes=%ld sharing_bytes=%ld\n", csv_bytes,
		 sharing_bytes);
	return append_synced(j, line);
}

int journal_commit(struct journal *j, const struct bench_config *config, unsigned int rows,
		   long csv_bytes, long sharing_bytes, const struct round_timing *timing)
{
	struct plan_step step = plan_step(config, j->steps_done);
	char line[512];

	snprintf(line, sizeof(line),
		 "round step=%u loader=%s instances=%u round=%u rows=%u csv_bytes=%ld "
		 "sharing_bytes=%ld launch_ms=%.3f boot_ms=%.3f sample_ms=%.3f "
		 "resident_pages=%lld tracefs_lost=%lld\n",
		 j->steps_done, config->loaders[step.loader],
		 config->instance_counts[step.count_index], step.round, rows, csv_bytes,
		 sharing_bytes, timing->launch_ms, timing->boot_ms, timing->sample_ms,
		 timing->resident_pages, timing->tracefs_lost);
	if (append_synced(j, line))
		return -1;
	j->steps_done++;
	j->csv_bytes = csv_bytes;
	j->sharing_bytes = sharing_bytes;
	return 0;
}

/* A round line must be the next step of the plan, with all its rows. */
static int take_round(struct journal *j, const char *line, const struct bench_config *config,
		      struct round_timing *timings)
{
	char loader[32];
	unsigned int step, n, round, rows;
	long csv, sharing;
	struct round_timing t = { .tracefs_lost = -1 };
	struct plan_step want;
	int fields = sscanf(line,
			    "round step=%u loader=%31s instances=%u round=%u rows=%u csv_bytes=%ld "
			    "sharing_bytes=%ld launch_ms=%lf boot_ms=%lf sample_ms=%lf "
			    "resident_pages=%lld tracefs_lost=%lld",
			    &step, loader, &n, &round, &rows, &csv, &sharing, &t.launch_ms,
			    &t.boot_ms, &t.sample_ms, &t.resident_pages, &t.tracefs_lost);

	/* A journal from before tracefs_lost was counted ends after resident_pages. */
	if (fields < 11 || step != j->steps_done || step >= plan_steps(config))
		return -1;
	want = plan_step(config, step);
	if (strcmp(loader, config->loaders[want.loader]) != 0 ||
	    n != config->instance_counts[want.count_index] || round != want.round || rows != n ||
	    csv < j->csv_bytes || sharing < j->sharing_bytes)
		return -1;
	timings[(size_t)summary_group_index(config, want.count_index, want.loader) *
			config->rounds +
		round] = t;
	j->steps_done++;
	j->csv_bytes = csv;
	j->sharing_bytes = sharing;
	return 0;
}

static int take_line(struct journal *j, const char *line, const struct bench_config *config,
		     struct round_timing *timings, int *started)
{
	if (strncmp(line, "round ", 6) == 0)
		return *started ? take_round(j, line, config, timings) : -1;
	if (strncmp(line, "resume ", 7) == 0) {
		j->resumes++;
		return 0;
	}
	if (*started || sscanf(line, "start csv_bytes=%ld sharing_bytes=%ld", &j->csv_bytes,
			       &j->sharing_bytes) != 2)
		return -1;
	*started = 1;
	return 0;
}

/* Reads every complete line; returns the bytes they span, or -1. */
static long read_journal(struct journal *j, FILE *f, const struct bench_config *config,
			 struct round_timing *timings, int *started)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long kept = 0, number = 0;

	while ((len = getline(&line, &cap, f)) > 0 && line[len - 1] == '\n') {
		number++;
		if (take_line(j, line, config, timings, started)) {
			pr_err("%s: line %ld does not follow this run's plan", j->path, number);
			kept = -1;
			break;
		}
		kept += len;
	}
	free(line);
	return kept;
}

static int append_resume(struct journal *j)
{
	char line[128], date[32];
	time_t now = time(NULL);

	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	snprintf(line, sizeof(line), "resume at=%s steps_done=%u\n", date, j->steps_done);
	return append_synced(j, line);
}

int journal_resume(struct journal *j, const char *dir, const struct bench_config *config,
		   struct round_timing *timings)
{
	int started = 0;
	long kept;
	FILE *f;

	memset(j, 0, sizeof(*j));
	snprintf(j->path, sizeof(j->path), "%s/rounds.log", dir);
	f = fopen(j->path, "r");
	if (!f)
		return 1; /* stopped before its first line: nothing to keep */
	kept = read_journal(j, f, config, timings, &started);
	fclose(f);
	if (kept < 0)
		return -1;
	if (!started)
		return 1;
	/* A torn last line is a round that never finished. */
	if (truncate(j->path, kept) != 0) {
		pr_errno("%s: cannot cut off its torn line", j->path);
		return -1;
	}
	if (open_journal(j, dir, "a") || append_resume(j))
		return -1;
	j->resumes++;
	return 0;
}

void journal_close(struct journal *j)
{
	if (j->f)
		fclose(j->f);
	j->f = NULL;
}
