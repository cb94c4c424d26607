// SPDX-License-Identifier: MIT
/*
 * loadbench: launches N concurrent loadvm guests per loader, measures boot
 * trace points and memory as the seed methodology does, repeats rounds and
 * writes raw.csv, summary.json, tables.txt and tables.md.
 *
 * Exit status: 0 all instances booted; 3 results written but some instances
 * failed (see raw.csv); 2 bad usage or input; 1 could not write results.
 */
#include "run.h"

#include "backend.h"
#include "image_cache.h"
#include "kvm_tracefs.h"
#include "log.h"
#include "monotonic.h"
#include "summary.h"
#include "tracefs_stale.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What an interrupted run says on its way out, prepared in advance: a
 * signal handler may only use async-signal-safe calls (write(2), _exit(2),
 * the tracefs instance's open, write, close and rmdir). */
static char interrupted_note[4400];

static void on_interrupt(int sig)
{
	ssize_t ignored = write(STDERR_FILENO, interrupted_note, strlen(interrupted_note));

	(void)ignored;
	kvm_tracefs_interrupted(); /* else it records, and holds its buffers, until reboot */
	/* Our guests die with us (PR_SET_PDEATHSIG), and qemu-private's copies
	 * with them (memfds); finished rounds are synced. */
	_exit(128 + sig);
}

/* SIGINT and SIGTERM end the run, even when inherited as ignored (a
 * background job in a script): a long benchmark must stay stoppable. */
static void stop_on_interrupt(const char *out_dir)
{
	struct sigaction sa;

	snprintf(interrupted_note, sizeof(interrupted_note),
		 "loadbench: interrupted; the rows of finished rounds are in "
		 "%s/raw.csv.partial\n",
		 out_dir);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static long long available_mib(void)
{
	char line[128];
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

/* Refuse before launching anything: every guest may touch all its RAM, and
 * the hungriest loader decides (QEMU's own pages, qemu-private's copies). */
static int check_memory(const struct bench_config *config)
{
	unsigned largest = 0, per_instance = 0;
	long long avail = available_mib(), need;

	for (unsigned c = 0; c < config->nr_instance_counts; c++)
		if (config->instance_counts[c] > largest)
			largest = config->instance_counts[c];
	for (unsigned l = 0; l < config->nr_loaders; l++) {
		const struct vmm_backend *vmm = loader_backend(config, l);
		unsigned mib = config->mem_mib + vmm->overhead_mib + vmm->extra_mib(config, l);

		per_instance = mib > per_instance ? mib : per_instance;
	}
	need = (long long)largest * per_instance;
	if (avail >= 0 && need > avail) {
		pr_err("--instances: %u instances of %u MiB need up to %lld MiB, this host has "
		       "%lld MiB available (lower --instances or --mem)",
		       largest, config->mem_mib, need, avail);
		return -1;
	}
	return 0;
}

static int check_images(const struct bench_config *config)
{
	const char *images[] = { config->kernel, config->initrd };

	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
		int fd;

		if (!images[i])
			continue;
		fd = open(images[i], O_RDONLY);
		if (fd < 0) {
			pr_errno("%s", images[i]);
			return -1;
		}
		close(fd);
	}
	return 0;
}

static void progress(const struct run *run, unsigned loader, unsigned n, unsigned round,
		     const struct instance_result *rows)
{
	const struct instance_result *failure = NULL;
	unsigned ok = 0;
	size_t width = 5;

	if (run->config.quiet)
		return;
	for (unsigned i = 0; i < n; i++) {
		if (rows[i].status == INSTANCE_OK)
			ok++;
		else if (!failure)
			failure = &rows[i];
	}
	/* Names padded to the longest, so the lines of a run line up. */
	for (unsigned l = 0; l < run->config.nr_loaders; l++)
		width = strlen(run->config.loaders[l]) > width ? strlen(run->config.loaders[l])
							       : width;
	fprintf(stderr, "loadbench: %-*s N=%-3u round %u/%u: booted %u/%u%s%s\n", (int)width,
		run->config.loaders[loader], n, round + 1, run->config.rounds, ok, n,
		failure ? ", first failure: " : "", failure ? failure->reason : "");
}

/* Swapped-out pages are not in USS or PSS: a round that had some says so,
 * whatever --quiet, as its memory figures understate the footprint. */
static void warn_swapped(const struct run *run, unsigned loader, unsigned n, unsigned round,
			 const struct instance_result *rows)
{
	unsigned swapped = 0;
	int64_t most_kb = 0;

	for (unsigned i = 0; i < n; i++) {
		if (!instance_swapped(&rows[i]))
			continue;
		swapped++;
		if (rows[i].smaps.kb[SMAPS_SWAP] > most_kb)
			most_kb = rows[i].smaps.kb[SMAPS_SWAP];
	}
	if (swapped)
		pr_err("warning: %s N=%u round %u/%u: %u of %u instances had pages swapped out "
		       "(Swap up to %lld kB): their USS and PSS understate the footprint "
		       "(raw.csv: swapped=1)",
		       run->config.loaders[loader], n, round + 1, run->config.rounds, swapped, n,
		       (long long)most_kb);
}

static unsigned booted_count(const struct instance_result *rows, unsigned n)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < n; i++)
		ok += rows[i].status == INSTANCE_OK;
	return ok;
}

/* A round counts once its rows are synced and the journal says so; a
 * watcher sees it in progress.log with its length (stalls are judged
 * against the slowest round). */
static int run_step(struct run *run, unsigned step)
{
	const struct bench_config *config = &run->config;
	struct plan_step s = plan_step(config, step);
	unsigned n = config->instance_counts[s.count_index];
	unsigned g = summary_group_index(config, s.count_index, s.loader);
	struct round_timing *timing = &run->timings[(size_t)g * config->rounds + s.round];
	struct instance_result *rows = run->results + run->nr_results;
	double start = monotonic_s();

	progress_log_event(&run->progress, "round-start step=%u loader=%s instances=%u round=%u",
			   step, config->loaders[s.loader], n, s.round);
	round_run(config, s.loader, n, s.round, rows, timing);
	run->nr_results += n;
	progress(run, s.loader, n, s.round, rows);
	warn_swapped(run, s.loader, n, s.round, rows);
	if (raw_csv_append(&run->csv, config, rows, n) || sharing_log_flush(&run->sharing) ||
	    journal_commit(&run->journal, config, n, raw_csv_bytes(&run->csv),
			   sharing_log_bytes(&run->sharing), timing))
		return -1;
	progress_log_event(
		&run->progress,
		"round-done step=%u loader=%s instances=%u round=%u ms=%.0f booted=%u/%u", step,
		config->loaders[s.loader], n, s.round, (monotonic_s() - start) * 1e3,
		booted_count(rows, n), n);
	return 0;
}

static int run_all(struct run *run)
{
	for (unsigned step = run->journal.steps_done; step < plan_steps(&run->config); step++)
		if (run_step(run, step))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct run run;
	int status;

	log_set_program("loadbench");
	status = bench_config_parse(argc, argv, &run.config);
	if (status)
		return status > 0 ? EXIT_OK : EXIT_USAGE;
	if (bench_config_setup(&run.config))
		return EXIT_USAGE;
	/* Before the memory check: what dead runs left holds ring buffers. */
	tracefs_stale_remove();
	if (check_images(&run.config) || check_memory(&run.config) || run_prepare_out_dir(&run))
		return EXIT_USAGE;
	run.results = calloc(run_total_rows(&run.config) + 1, sizeof(*run.results));
	run.timings = calloc((size_t)run.config.nr_instance_counts * run.config.nr_loaders *
					     run.config.rounds +
				     1,
			     sizeof(*run.timings));
	if (!run.results || !run.timings) {
		pr_err("out of memory");
		return EXIT_WRITE;
	}
	stop_on_interrupt(run.out_dir);
	context_collect(&run.ctx, &run.config);
	/* After the images' hashes and input checks, which read them: from
	 * here on only the VMMs do (and the ELF sections sharing.csv takes). */
	if (image_cache_start(&run.ctx.cache, &run.config))
		return EXIT_USAGE;
	run.config.image_cache = &run.ctx.cache;
	run.config.sharing = &run.sharing;
	run.config.progress = &run.progress;
	status = run_open_outputs(&run);
	if (status != EXIT_OK)
		return status;
	/* Only now, when no input can be refused any more (a --resume's rows
	 * are checked above): a refusal stays one line. */
	tracefs_stale_report();
	if (run_all(&run))
		return EXIT_WRITE;
	journal_close(&run.journal);
	status = run_finish(&run);
	progress_log_event(&run.progress, "finished status=%d", status);
	progress_log_close(&run.progress);
	return status;
}
