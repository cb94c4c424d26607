// SPDX-License-Identifier: MIT
#include "kernel_load.h"

#include <stdio.h>

void kernel_load_read(struct kernel_load *k, const char *path)
{
	k->path = path;
	k->known = false;
	k->why[0] = '\0';
	if (!path) {
		snprintf(k->why, sizeof(k->why), "the run recorded no kernel");
		return;
	}
	k->known = elf_load_bytes(path, &k->bytes, k->why, sizeof(k->why)) == 0;
}

void kernel_load_json(struct json_writer *j, const char *key, const struct kernel_load *k)
{
	if (!k->path) {
		jw_null(j, key);
		return;
	}
	jw_object_begin(j, key);
	jw_string(j, "path", k->path);
	if (k->known) {
		jw_integer(j, "load_bytes", (long long)k->bytes.all);
		jw_integer(j, "readonly_load_bytes", (long long)k->bytes.readonly);
	} else {
		jw_string(j, "why", k->why);
	}
	jw_object_end(j);
}
