// SPDX-License-Identifier: MIT
#include "option_lists.h"

#include "backend.h"
#include "bench_config.h"
#include "log.h"
#include "parse.h"

#include <stdio.h>
#include <string.h>

/* Calls each(item, ctx) for every comma-separated item; empty items fail. */
static int for_each_item(const char *text, int (*each)(const char *item, void *ctx), void *ctx)
{
	char buf[256];
	char *save = NULL, *item;
	size_t len = strlen(text);

	if (len == 0 || len >= sizeof(buf) || text[0] == ',' || text[len - 1] == ',' ||
	    strstr(text, ",,"))
		return -1;
	memcpy(buf, text, len + 1);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save))
		if (each(item, ctx))
			return -1;
	return 0;
}

struct count_list {
	unsigned int *counts;
	unsigned int max;
	unsigned int *nr;
};

static int add_count(const char *item, void *ctx)
{
	struct count_list *list = ctx;
	uint64_t n;

	if (!parse_u64(item, 1, MAX_INSTANCES, &n) || *list->nr == list->max)
		return -1;
	for (unsigned i = 0; i < *list->nr; i++)
		if (list->counts[i] == n)
			return -1;
	list->counts[(*list->nr)++] = (unsigned int)n;
	return 0;
}

int parse_instance_list(const char *text, unsigned int *counts, unsigned int max_counts,
			unsigned int *nr)
{
	struct count_list list = { counts, max_counts, nr };

	*nr = 0;
	return for_each_item(text, add_count, &list);
}

/* Names only; which VMM offers each is checked once --vmm is known. */
static int add_loader(const char *item, void *ctx)
{
	struct bench_config *config = ctx;
	const char *name;

	if (!backend_of_loader(item, &name) || config->nr_loaders == MAX_LOADERS)
		return -1;
	for (unsigned j = 0; j < config->nr_loaders; j++)
		if (config->loaders[j] == name)
			return -1;
	config->loaders[config->nr_loaders++] = name;
	return 0;
}

int parse_loader_list(const char *text, struct bench_config *config)
{
	config->nr_loaders = 0;
	return for_each_item(text, add_loader, config);
}

static bool config_has_vmm_listed(const struct bench_config *config,
				  const struct vmm_backend *backend)
{
	for (unsigned v = 0; v < config->nr_vmms; v++)
		if (config->vmms[v] == backend)
			return true;
	return false;
}

static int add_vmm(const char *item, void *ctx)
{
	struct bench_config *config = ctx;
	const struct vmm_backend *backend = backend_find(item);

	if (!backend || config->nr_vmms == MAX_VMMS || config_has_vmm_listed(config, backend))
		return -1;
	config->vmms[config->nr_vmms++] = backend;
	return 0;
}

int parse_vmm_list(const char *text, struct bench_config *config)
{
	config->nr_vmms = 0;
	return for_each_item(text, add_vmm, config);
}

static int add_format(const char *item, void *ctx)
{
	unsigned int *formats = ctx;

	if (strcmp(item, "text") == 0)
		*formats |= FORMAT_TEXT;
	else if (strcmp(item, "csv") == 0)
		*formats |= FORMAT_CSV;
	else if (strcmp(item, "json") == 0)
		*formats |= FORMAT_JSON;
	else
		return -1;
	return 0;
}

int parse_format_list(const char *text, unsigned int *formats)
{
	*formats = 0;
	return for_each_item(text, add_format, formats);
}

/* Without --vmm, the VMMs are those of --loaders, or loadvm; without
 * --loaders, every loader of every chosen VMM, VMM by VMM. Every loader
 * must belong to a chosen VMM and every VMM must have a loader. */
int resolve_loaders(struct bench_config *config)
{
	const char *name;
	/* Without --vmm, the loaders name their VMMs: every one of them. */
	bool implied = config->nr_vmms == 0;

	for (unsigned l = 0; implied && l < config->nr_loaders; l++) {
		const struct vmm_backend *backend = backend_of_loader(config->loaders[l], &name);

		if (!config_has_vmm_listed(config, backend))
			config->vmms[config->nr_vmms++] = backend;
	}
	if (config->nr_vmms == 0)
		config->vmms[config->nr_vmms++] = &backend_loadvm;
	if (config->nr_loaders == 0)
		for (unsigned v = 0; v < config->nr_vmms; v++)
			for (const char *const *l = config->vmms[v]->loaders;
			     *l && config->nr_loaders < MAX_LOADERS; l++)
				config->loaders[config->nr_loaders++] = *l;
	for (unsigned l = 0; l < config->nr_loaders; l++) {
		const struct vmm_backend *backend = backend_of_loader(config->loaders[l], &name);

		if (!config_has_vmm_listed(config, backend)) {
			pr_err("--loaders: %s is a %s loader, but --vmm does not include %s",
			       config->loaders[l], backend->name, backend->name);
			return -1;
		}
		config->loader_vmm[l] = backend;
	}
	for (unsigned v = 0; v < config->nr_vmms; v++)
		if (!config_has_vmm(config, config->vmms[v])) {
			pr_err("--vmm %s: --loaders has none of its loaders",
			       config->vmms[v]->name);
			return -1;
		}
	return 0;
}

int option_error(const char *option, const char *value, const char *expected)
{
	pr_err("--%s '%s': %s (see --help)", option, value, expected);
	return -1;
}

int option_one_of(const char *option, const char *arg, const char *const *choices, const char **out)
{
	char expected[96] = "expected ";

	for (size_t i = 0; choices[i]; i++) {
		if (strcmp(arg, choices[i]) == 0) {
			*out = choices[i];
			return 0;
		}
		snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected), "%s%s",
			 i == 0		  ? ""
			 : choices[i + 1] ? ", "
					  : " or ",
			 choices[i]);
	}
	return option_error(option, arg, expected);
}
