// SPDX-License-Identifier: MIT
/* summary.json's context: the host, the page cache, how times were taken,
 * the images and each measured VMM's own object (backend.h). */
#include "summary_json.h"

#include "backend.h"
#include "config_record.h"
#include "json_writer.h"
#include "point_timing.h"
#include "resume.h"
#include "version.h"

#include <stdio.h>

/* What the page cache held, as counted: at the start and at each launch. */
static void write_page_cache(struct json_writer *j, const struct run_summary *summary,
			     const struct run_context *ctx)
{
	const struct bench_config *config = summary->config;
	const struct cache_summary *c = &summary->cache;
	uint64_t pages = image_cache_pages(&ctx->cache);

	jw_object_begin(j, "page_cache");
	jw_string(j, "mode", config->cache);
	jw_integer(j, "image_pages", (long long)pages);
	jw_array_begin(j, "files");
	for (unsigned i = 0; i < ctx->cache.nr_files; i++) {
		const struct image_cache_file *f = &ctx->cache.files[i];

		jw_object_begin(j, NULL);
		jw_string(j, "role", f->role);
		jw_string(j, "path", f->path);
		jw_integer(j, "pages", (long long)f->pages);
		jw_integer(j, "resident_at_start", (long long)f->resident_at_start);
		jw_object_end(j);
	}
	jw_array_end(j);
	jw_integer(j, "resident_at_start", (long long)image_cache_resident_at_start(&ctx->cache));
	if (pages)
		jw_number(j, "resident_fraction_at_start",
			  (double)image_cache_resident_at_start(&ctx->cache) / (double)pages);
	else
		jw_null(j, "resident_fraction_at_start");
	jw_object_begin(j, "resident_at_launch");
	jw_integer(j, "rounds", c->rounds);
	jw_integer(j, "rounds_with_pages", c->rounds_with_pages);
	if (c->rounds) {
		jw_integer(j, "min", c->min_pages);
		jw_integer(j, "max", c->max_pages);
	} else {
		jw_null(j, "min");
		jw_null(j, "max");
	}
	/* In the order the rounds ran (rounds.log's steps). */
	jw_array_begin(j, "per_round");
	for (unsigned step = 0; summary->timings && step < plan_steps(config); step++) {
		struct plan_step p = plan_step(config, step);
		long long resident = summary->timings[(size_t)summary_group_index(
							      config, p.count_index, p.loader) *
							      config->rounds +
						      p.round]
					     .resident_pages;

		if (resident < 0)
			jw_null(j, NULL);
		else
			jw_integer(j, NULL, resident);
	}
	jw_array_end(j);
	jw_object_end(j);
	jw_object_end(j);
}

/* How the times were taken (point_timing.h): the method asked for, and
 * what each instance's times came from. */
static void write_timing(struct json_writer *j, const struct run_summary *summary)
{
	struct timing_counts counts;
	unsigned int lossy_rounds;
	long long lost = timing_lost_events(summary->timings,
					    (size_t)summary->nr_groups * summary->config->rounds,
					    &lossy_rounds);

	timing_count(summary->results, summary->nr_results, &counts);
	jw_object_begin(j, "timing");
	jw_string(j, "method", summary->config->tracefs_timing ? "tracefs" : "vmm");
	jw_string(j, "why", summary->config->timing_why);
	/* null: no round had a tracefs instance to lose events from. */
	if (lost < 0)
		jw_null(j, "lost_events");
	else
		jw_integer(j, "lost_events", lost);
	jw_integer(j, "rounds_with_lost_events", lossy_rounds);
	jw_object_begin(j, "time_zero");
	for (int z = 0; z < NR_ZEROS; z++)
		jw_integer(j, zero_name(z), counts.zero[z]);
	jw_object_end(j);
	jw_object_begin(j, "points");
	for (int p = 0; p < NR_POINTS; p++) {
		jw_object_begin(j, bench_point_name(p));
		for (int t = 0; t < NR_TIMINGS; t++)
			jw_integer(j, timing_name(t), counts.point[p][t]);
		jw_object_end(j);
	}
	jw_object_end(j);
	jw_object_end(j);
}

void summary_json_context(struct json_writer *j, const struct run_context *ctx,
			  const struct run_summary *summary)
{
	const struct bench_config *config = summary->config;

	jw_object_begin(j, "context");
	jw_string(j, "date", ctx->date);
	jw_string(j, "host", ctx->host);
	jw_string(j, "host_kernel", ctx->host_kernel);
	jw_string(j, "cpu", ctx->cpu);
	jw_string(j, "kvm_mode", ctx->kvm_mode);
	write_page_cache(j, summary, ctx);
	jw_string(j, "thp", ctx->thp);
	jw_string(j, "ksm_run", ctx->ksm);
	jw_string(j, "ksm_pages_to_scan", ctx->ksm_pages_to_scan);
	jw_string(j, "ksm_sleep_millisecs", ctx->ksm_sleep_millisecs);
	jw_string(j, "loadvm_version", ctx->loadvm_version);
	jw_string(j, "loadbench_version", KVMLB_VERSION " (" KVMLB_GIT_REV ")");
	config_record_image(j, "kernel", &ctx->kernel);
	config_record_image(j, "initrd", &ctx->initrd);
	kernel_load_json(j, "kernel_elf", &ctx->kernel_elf);
	jw_integer(j, "resumes", ctx->resumes);
	write_timing(j, summary);
	for (unsigned b = 0; b < backend_count(); b++) {
		const struct vmm_backend *vmm = backend_at(b);

		if (!vmm->json || !config_has_vmm(config, vmm))
			continue;
		jw_object_begin(j, vmm->name);
		vmm->json(j, config, VMM_JSON_SUMMARY);
		jw_object_end(j);
	}
	jw_object_end(j);
}
