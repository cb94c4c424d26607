// SPDX-License-Identifier: MIT
/* The registry of loading strategies. */
#include "loader_ops.h"

#include <string.h>

static const struct loader_ops *const loaders[] = {
	&copy_loader, &mmap_loader, &ksm_loader, &mmap_populate_loader, &mmap_ksm_loader,
};

const struct loader_ops *loader_find(const char *name)
{
	for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		if (strcmp(loaders[i]->name, name) == 0)
			return loaders[i];
	return NULL;
}
