// SPDX-License-Identifier: MIT
#include "tables.h"

#include "backend.h"
#include "point_timing.h"
#include "text_table.h"

#include <stdio.h>
#include <string.h>

#define NA "n/a"

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path ? path : "none";
}

/* A column group's heading: the loader, with its VMM's name where the run
 * measures more than one VMM and the loader's name does not say it. */
static void group_label(struct text_table *t, unsigned row, unsigned col,
			const struct bench_config *config, unsigned loader)
{
	const struct vmm_backend *vmm = loader_backend(config, loader);
	const char *name = config->loaders[loader];

	if (config->nr_vmms > 1 && strncmp(name, vmm->name, strlen(vmm->name)) != 0)
		table_set(t, row, col, "%s %s", vmm->name, name);
	else
		table_set(t, row, col, "%s", name);
}

/* Memory figures in MB as smem -k prints them (2^20 bytes). */
static void mb_cell(struct text_table *t, unsigned row, unsigned col,
		    const struct metric_summary *m)
{
	if (m->stats.n == 0)
		table_set(t, row, col, NA);
	else
		table_set(t, row, col, "%.1f", m->stats.median / 1024.0);
}

static void memory_table(struct text_table *t, const struct run_summary *s)
{
	const struct bench_config *config = s->config;
	unsigned row;

	table_init(t, "Memory footprint per instance [MB]", 1 + 2 * config->nr_loaders);
	t->header_rows = 2;
	row = table_add_row(t);
	table_add_row(t);
	table_set(t, 1, 0, "# instances");
	for (unsigned l = 0; l < config->nr_loaders; l++) {
		group_label(t, row, 1 + 2 * l, config, l);
		table_set(t, 1, 1 + 2 * l, "USS");
		table_set(t, 1, 2 + 2 * l, "PSS");
	}
	for (unsigned c = 0; c < config->nr_instance_counts; c++) {
		row = table_add_row(t);
		table_set(t, row, 0, "%u", config->instance_counts[c]);
		for (unsigned l = 0; l < config->nr_loaders; l++) {
			const struct group_summary *g =
				summary_group(s, l, config->instance_counts[c]);

			mb_cell(t, row, 1 + 2 * l, &g->mem_kb[MEM_USS]);
			mb_cell(t, row, 2 + 2 * l, &g->mem_kb[MEM_PSS]);
		}
	}
}

/* A median that a timed-out instance makes a lower bound only. */
static const char *bound(const struct metric_summary *m)
{
	return m->lower_bound ? ">=" : "";
}

static void point_cell(struct text_table *t, unsigned row, unsigned col,
		       const struct group_summary *g, int point, int with_delta)
{
	const struct sample_stats *p = &g->point_ms[point].stats;
	const struct sample_stats *d = &g->delta_ms[point].stats;

	if (p->n == 0)
		table_set(t, row, col, NA);
	else if (with_delta && d->n)
		table_set(t, row, col, "%s%.2f (+%s%.2f)", bound(&g->point_ms[point]), p->median,
			  bound(&g->delta_ms[point]), d->median);
	else
		table_set(t, row, col, "%s%.2f", bound(&g->point_ms[point]), p->median);
}

/* A point's row: its name, and each measured VMM's own for it (QEMU's
 * qemu_init_end shares vmm_init_end's row: both end VMM set-up). */
static void point_label(struct text_table *t, unsigned row, const struct bench_config *config,
			int point)
{
	char label[96];

	snprintf(label, sizeof(label), "%s", bench_point_name(point));
	for (unsigned b = 0; b < backend_count(); b++) {
		const char *own = backend_at(b)->point_labels[point];

		if (own && config_has_vmm(config, backend_at(b)))
			snprintf(label + strlen(label), sizeof(label) - strlen(label), " / %s",
				 own);
	}
	table_set(t, row, 0, "%s", label);
}

static void boot_table(struct text_table *t, const struct run_summary *s, unsigned instances)
{
	const struct bench_config *config = s->config;
	char title[96];
	unsigned row;

	snprintf(title, sizeof(title), "Boot time [ms], %u instance%s", instances,
		 instances == 1 ? "" : "s");
	table_init(t, title, 1 + config->nr_loaders);
	row = table_add_row(t);
	table_set(t, row, 0, "trace point");
	for (unsigned l = 0; l < config->nr_loaders; l++)
		group_label(t, row, 1 + l, config, l);
	for (int p = 0; p < NR_POINTS; p++) {
		row = table_add_row(t);
		point_label(t, row, config, p);
		for (unsigned l = 0; l < config->nr_loaders; l++)
			point_cell(t, row, 1 + l, summary_group(s, l, instances), p,
				   p != POINT_LOAD_DONE);
	}
}

static void user_by_count_table(struct text_table *t, const struct run_summary *s)
{
	const struct bench_config *config = s->config;
	unsigned row;

	table_init(t, "linux_start_user by instance count [ms], median +- 95% CI",
		   1 + config->nr_loaders);
	row = table_add_row(t);
	table_set(t, row, 0, "# instances");
	for (unsigned l = 0; l < config->nr_loaders; l++)
		group_label(t, row, 1 + l, config, l);
	for (unsigned c = 0; c < config->nr_instance_counts; c++) {
		row = table_add_row(t);
		table_set(t, row, 0, "%u", config->instance_counts[c]);
		for (unsigned l = 0; l < config->nr_loaders; l++) {
			const struct metric_summary *m =
				&summary_group(s, l, config->instance_counts[c])
					 ->point_ms[POINT_LINUX_START_USER];
			const struct sample_stats *u = &m->stats;

			if (u->n == 0)
				table_set(t, row, 1 + l, NA);
			else if (u->n == 1 || m->lower_bound) /* no interval to give */
				table_set(t, row, 1 + l, "%s%.2f", bound(m), u->median);
			else
				table_set(t, row, 1 + l, "%s%.2f +- %.2f", bound(m), u->median,
					  u->ci95);
		}
	}
}

static void render(FILE *f, const struct text_table *t, enum table_style style)
{
	if (style == TABLES_MARKDOWN)
		table_render_markdown(f, t);
	else
		table_render_text(f, t);
}

static void heading(FILE *f, const struct run_summary *s, const struct run_context *ctx,
		    enum table_style style)
{
	const struct bench_config *config = s->config;
	struct timing_counts timing;

	fprintf(f, "%s kernel %s, initrd %s, %u MiB, %u vCPU, %u round%s, KVM mode %s, %s cache\n",
		style == TABLES_MARKDOWN ? "###" : "#", base_name(config->kernel),
		base_name(config->initrd), config->mem_mib, config->vcpus, config->rounds,
		config->rounds == 1 ? "" : "s", ctx->kvm_mode, config->cache);
	if (strcmp(ctx->kvm_mode, "rig") == 0)
		fputs("\nTimings come from inside the nested rig and are TCG-scaled: compare "
		      "loaders as ratios, not as absolute milliseconds. Memory figures are "
		      "exact.\n",
		      f);
	else if (strcmp(ctx->kvm_mode, "emulated") == 0)
		fputs("\nThis host's KVM emulates guest code (about 1 us per instruction): "
		      "timings include that emulation; compare loaders as ratios. Memory "
		      "figures are exact.\n",
		      f);
	for (unsigned b = 0; b < backend_count(); b++)
		if (backend_at(b)->heading && config_has_vmm(config, backend_at(b)))
			backend_at(b)->heading(f, config);
	timing_count(s->results, s->nr_results, &timing);
	timing_describe(f, &timing);
	fputs("\nMedians across rounds. Per round: memory is the mean over its instances, "
	      "from rounds where every instance was sampled; a boot time is the median over its "
	      "instances, one that timed out counted at the timeout (>=: the figure is then a "
	      "lower bound). MB = 2^20 bytes (smem -k); USS = Private_Clean + Private_Dirty. "
	      "n/a: no instance reported it.\n\n",
	      f);
}

/* Say how to get linux_start_kernel when no instance reported it. */
static void kernel_point_note(FILE *f, const struct run_summary *s)
{
	for (unsigned i = 0; i < s->nr_groups; i++)
		if (s->groups[i].point_ms[POINT_LINUX_START_KERNEL].stats.n)
			return;
	fprintf(f,
		"linux_start_kernel is n/a: this kernel does not write it to port 0xf4 and "
		"the start_kernel breakpoint was %s. Use the trace-patched bench kernel "
		"(make bench-kernel; run-bench.sh --kernel bench) or give loadbench "
		"--system-map (e.g. from the distribution's -dbg package).\n\n",
		s->config->break_status ? s->config->break_status : "not armed");
}

static const char *plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

/* One line per (loader, N) with failures: how they ended and which rounds
 * that took out of the memory figures or made the boot times bounds. */
static void group_failures(FILE *f, const struct run_summary *s, const struct group_summary *g)
{
	const struct metric_summary *user = &g->point_ms[POINT_LINUX_START_USER];
	const char *sep = " (";

	fprintf(f, "- N=%u %s: %u of %u instances failed", g->instances,
		s->config->loaders[g->loader], g->failed, g->launched);
	for (int st = 0; st < NR_INSTANCE_STATUSES; st++) {
		if (st == INSTANCE_OK || !g->status[st])
			continue;
		fprintf(f, "%s%u %s", sep, g->status[st], instance_status_name(st));
		sep = ", ";
	}
	fputs(")", f);
	if (g->mem_kb[MEM_USS].excluded)
		fprintf(f, "; %u round%s excluded from memory", g->mem_kb[MEM_USS].excluded,
			plural(g->mem_kb[MEM_USS].excluded));
	if (user->excluded)
		fprintf(f, "; %u round%s excluded from boot times", user->excluded,
			plural(user->excluded));
	if (user->nr_censored)
		fprintf(f, "; boot times of %u round%s censored at the %g s timeout (lower bounds)",
			user->nr_censored, plural(user->nr_censored), s->config->timeout_s);
	fputs("\n", f);
}

static void failures(FILE *f, const struct run_summary *s)
{
	unsigned total = 0;

	for (unsigned i = 0; i < s->nr_groups; i++)
		total += s->groups[i].failed;
	fprintf(f, "Failed instances: %u of %zu%s\n", total, s->nr_results,
		total ? " (reasons in raw.csv and summary.json):\n" : "");
	for (unsigned i = 0; i < s->nr_groups && total; i++)
		if (s->groups[i].failed)
			group_failures(f, s, &s->groups[i]);
}

static unsigned smallest_count(const struct bench_config *config)
{
	unsigned smallest = config->instance_counts[0];

	for (unsigned c = 1; c < config->nr_instance_counts; c++)
		if (config->instance_counts[c] < smallest)
			smallest = config->instance_counts[c];
	return smallest;
}

void tables_write(FILE *f, const struct run_summary *s, const struct run_context *ctx,
		  enum table_style style)
{
	static struct text_table t;

	heading(f, s, ctx, style);
	memory_table(&t, s);
	render(f, &t, style);
	boot_table(&t, s, smallest_count(s->config));
	render(f, &t, style);
	kernel_point_note(f, s);
	if (s->config->nr_instance_counts > 1) {
		user_by_count_table(&t, s);
		render(f, &t, style);
	}
	failures(f, s);
}
