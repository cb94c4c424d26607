// SPDX-License-Identifier: MIT
#include "backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct vmm_backend *const backends[] = { &backend_loadvm, &backend_qemu };

#define NR_BACKENDS (sizeof(backends) / sizeof(backends[0]))

const struct vmm_backend *backend_find(const char *name)
{
	for (size_t b = 0; b < NR_BACKENDS; b++)
		if (strcmp(backends[b]->name, name) == 0)
			return backends[b];
	return NULL;
}

/* A backend's loaders: its default ones (list 0), then its variants. */
static const char *const *loader_list(const struct vmm_backend *backend, int which)
{
	static const char *const none[] = { NULL };
	const char *const *list = which == 0 ? backend->loaders : backend->more_loaders;

	return list ? list : none;
}

const struct vmm_backend *backend_of_loader(const char *name, const char **loader_name)
{
	for (size_t b = 0; b < NR_BACKENDS; b++)
		for (int which = 0; which < 2; which++)
			for (const char *const *l = loader_list(backends[b], which); *l; l++)
				if (strcmp(*l, name) == 0) {
					*loader_name = *l;
					return backends[b];
				}
	return NULL;
}

const char *backend_all_loaders(void)
{
	static char list[160];

	if (list[0])
		return list;
	for (size_t b = 0; b < NR_BACKENDS; b++)
		for (int which = 0; which < 2; which++)
			for (const char *const *l = loader_list(backends[b], which); *l; l++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 list[0] ? ", " : "", *l);
	return list;
}

const struct vmm_backend *loader_backend(const struct bench_config *config, unsigned int loader)
{
	return config->loader_vmm[loader] ? config->loader_vmm[loader] : &backend_loadvm;
}

bool loader_merges(const struct bench_config *config, unsigned int loader)
{
	const char *const *merging = loader_backend(config, loader)->merging_loaders;

	for (; merging && *merging; merging++)
		if (strcmp(*merging, config->loaders[loader]) == 0)
			return true;
	return false;
}

bool config_has_vmm(const struct bench_config *config, const struct vmm_backend *backend)
{
	for (unsigned l = 0; l < config->nr_loaders; l++)
		if (loader_backend(config, l) == backend)
			return true;
	return false;
}

void launch_arg(struct vmm_launch *launch, const char *arg)
{
	if (launch->argc + 1 >= VMM_MAX_ARGS)
		return; /* the backends' argv are far shorter; never silently long */
	launch->argv[launch->argc++] = arg;
	launch->argv[launch->argc] = NULL;
}

void launch_argf(struct vmm_launch *launch, const char *fmt, ...)
{
	char *s;
	va_list ap;

	if (launch->nr_strings == sizeof(launch->strings) / sizeof(launch->strings[0]))
		return;
	s = launch->strings[launch->nr_strings++];
	va_start(ap, fmt);
	// NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
	vsnprintf(s, sizeof(launch->strings[0]), fmt, ap);
	va_end(ap);
	launch_arg(launch, s);
}

int launch_pass_fd(struct vmm_launch *launch, int fd)
{
	if (launch->nr_fds == VMM_MAX_FDS) {
		close(fd);
		return -1;
	}
	launch->fds[launch->nr_fds] = fd;
	return VMM_FIRST_PASSED_FD + (int)launch->nr_fds++;
}

void launch_close_fds(struct vmm_launch *launch)
{
	while (launch->nr_fds)
		close(launch->fds[--launch->nr_fds]);
}
