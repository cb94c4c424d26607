// SPDX-License-Identifier: MIT
#include "backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The registry, one line per VMM: X(name) for backend_<name>.c's
 * backend_<name>, in the order --help and the messages list them. */
#define BACKENDS(X) \
	X(loadvm)   \
	X(qemu)     \
	X(fake)

#define DECLARE(name) extern const struct vmm_backend backend_##name;
#define ENTRY(name) &backend_##name,
BACKENDS(DECLARE)
static const struct vmm_backend *const backends[] = { BACKENDS(ENTRY) };

#define NR_BACKENDS (sizeof(backends) / sizeof(backends[0]))
#define TEST_BACKENDS_ENV "KVMLB_TEST_BACKENDS"

static bool registered(const struct vmm_backend *backend)
{
	const char *test = getenv(TEST_BACKENDS_ENV);

	return !backend->test_only || (test && strcmp(test, "1") == 0);
}

unsigned int backend_count(void)
{
	unsigned int n = 0;

	for (size_t b = 0; b < NR_BACKENDS; b++)
		n += registered(backends[b]);
	return n;
}

const struct vmm_backend *backend_at(unsigned int index)
{
	for (size_t b = 0; b < NR_BACKENDS; b++)
		if (registered(backends[b]) && index-- == 0)
			return backends[b];
	return NULL;
}

const struct vmm_backend *backend_find(const char *name)
{
	for (unsigned b = 0; b < backend_count(); b++)
		if (strcmp(backend_at(b)->name, name) == 0)
			return backend_at(b);
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
	for (unsigned b = 0; b < backend_count(); b++)
		for (int which = 0; which < 2; which++)
			for (const char *const *l = loader_list(backend_at(b), which); *l; l++)
				if (strcmp(*l, name) == 0) {
					*loader_name = *l;
					return backend_at(b);
				}
	return NULL;
}

const char *backend_all_loaders(void)
{
	static char list[192];

	list[0] = '\0';
	for (unsigned b = 0; b < backend_count(); b++)
		for (int which = 0; which < 2; which++)
			for (const char *const *l = loader_list(backend_at(b), which); *l; l++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 list[0] ? ", " : "", *l);
	return list;
}

const char *backend_all_names(void)
{
	static char list[96];
	unsigned n = backend_count();

	list[0] = '\0';
	for (unsigned b = 0; b < n; b++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 b == 0	     ? ""
			 : b + 1 < n ? ", "
				     : " and/or ",
			 backend_at(b)->name);
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
