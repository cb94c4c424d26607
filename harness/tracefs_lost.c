// SPDX-License-Identifier: MIT
#include "tracefs_lost.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* One CPU's stats file: adds what it lost; -1 if unreadable. */
static int add_cpu_losses(const char *path, long long *lost)
{
	static const char *const fields[] = { "overrun:", "commit overrun:", "dropped events:" };
	FILE *f = fopen(path, "re");
	char line[128];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			size_t len = strlen(fields[i]);
			long long value;

			if (strncmp(line, fields[i], len) == 0 &&
			    sscanf(line + len, "%lld", &value) == 1 && value > 0)
				*lost += value;
		}
	}
	fclose(f);
	return 0;
}

long long tracefs_lost_events(const char *instance_dir)
{
	char path[PATH_MAX];
	long long lost = 0;
	int cpus_read = 0;
	struct dirent *entry;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/per_cpu", instance_dir);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((entry = readdir(dir))) {
		if (strncmp(entry->d_name, "cpu", 3) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/per_cpu/%s/stats", instance_dir, entry->d_name);
		cpus_read += add_cpu_losses(path, &lost) == 0;
	}
	closedir(dir);
	return cpus_read ? lost : -1;
}
