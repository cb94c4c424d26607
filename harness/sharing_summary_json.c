// SPDX-License-Identifier: MIT
/* summary.json's "sharing" (sharing_summary.h): the medians as counted,
 * the page kinds only where not 0 (the file's kinds are listed once). */
#include "sharing_summary.h"

static const char *count_key(int c)
{
	static const char *const names[] = { "pages", "shared", "copied", "untouched" };

	return c < SC_KIND ? names[c] : c == SC_OTHER_BYTES ? "other_bytes" : NULL;
}

static void write_counts(struct json_writer *j, const struct sharing_summary *s,
			 const double *median)
{
	bool kinds = false;

	for (int c = SC_PAGES; c < SC_KIND; c++)
		jw_number(j, count_key(c), median[c]);
	for (int k = 0; k < PAGE_KINDS; k++)
		kinds |= s->has[SC_KIND + k];
	if (kinds) {
		jw_object_begin(j, "kinds");
		for (int k = 0; k < PAGE_KINDS; k++)
			if (s->has[SC_KIND + k] && median[SC_KIND + k] != 0)
				jw_number(j, page_kind_name(k), median[SC_KIND + k]);
		jw_object_end(j);
	}
	if (s->has[SC_OTHER_BYTES])
		jw_number(j, count_key(SC_OTHER_BYTES), median[SC_OTHER_BYTES]);
}

static void write_group(struct json_writer *j, const struct sharing_summary *s,
			const struct sharing_group *g, const struct bench_config *config)
{
	jw_object_begin(j, NULL);
	jw_string(j, "loader", config->loaders[g->loader]);
	jw_integer(j, "instances", g->instances);
	jw_integer(j, "samples", g->samples);
	jw_array_begin(j, "regions");
	for (size_t i = 0; i < g->nr_regions; i++) {
		const struct sharing_region *r = &g->regions[i];

		jw_object_begin(j, NULL);
		jw_string(j, "file", r->file);
		jw_string(j, "region", r->name);
		jw_integer(j, "bytes", (long long)r->bytes);
		write_counts(j, s, r->median);
		jw_object_end(j);
	}
	jw_array_end(j);
	jw_object_begin(j, "totals");
	write_counts(j, s, g->total);
	jw_object_end(j);
	jw_number(j, "predicted_uss_saving_bytes", g->predicted_uss_bytes);
	jw_number(j, "predicted_pss_saving_bytes", g->predicted_pss_bytes);
	jw_string(j, "base", g->base >= 0 ? config->loaders[g->base] : NULL);
	if (g->measured) {
		jw_number(j, "measured_uss_saving_kb", g->measured_uss_kb);
		jw_number(j, "measured_pss_saving_kb", g->measured_pss_kb);
	} else {
		jw_null(j, "measured_uss_saving_kb");
		jw_null(j, "measured_pss_saving_kb");
	}
	jw_object_end(j);
}

void sharing_summary_json(struct json_writer *j, const struct sharing_summary *s,
			  const struct bench_config *config)
{
	if (!s) {
		jw_null(j, "sharing");
		return;
	}
	jw_object_begin(j, "sharing");
	jw_integer(j, "page_bytes", SHARING_PAGE_BYTES);
	jw_array_begin(j, "kinds");
	for (int k = 0; k < PAGE_KINDS; k++)
		if (s->has[SC_KIND + k])
			jw_string(j, NULL, page_kind_name(k));
	jw_array_end(j);
	jw_array_begin(j, "groups");
	for (size_t i = 0; i < s->nr_groups; i++)
		write_group(j, s, &s->groups[i], config);
	jw_array_end(j);
	jw_object_end(j);
}
