// SPDX-License-Identifier: MIT
#include "smaps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const field_names[SMAPS_NR_FIELDS] = {
	[SMAPS_RSS] = "Rss",
	[SMAPS_PSS] = "Pss",
	[SMAPS_PSS_DIRTY] = "Pss_Dirty",
	[SMAPS_PSS_ANON] = "Pss_Anon",
	[SMAPS_PSS_FILE] = "Pss_File",
	[SMAPS_PSS_SHMEM] = "Pss_Shmem",
	[SMAPS_SHARED_CLEAN] = "Shared_Clean",
	[SMAPS_SHARED_DIRTY] = "Shared_Dirty",
	[SMAPS_PRIVATE_CLEAN] = "Private_Clean",
	[SMAPS_PRIVATE_DIRTY] = "Private_Dirty",
	[SMAPS_REFERENCED] = "Referenced",
	[SMAPS_ANONYMOUS] = "Anonymous",
	[SMAPS_KSM] = "KSM",
	[SMAPS_LAZYFREE] = "LazyFree",
	[SMAPS_ANON_HUGE_PAGES] = "AnonHugePages",
	[SMAPS_SHMEM_PMD_MAPPED] = "ShmemPmdMapped",
	[SMAPS_FILE_PMD_MAPPED] = "FilePmdMapped",
	[SMAPS_SHARED_HUGETLB] = "Shared_Hugetlb",
	[SMAPS_PRIVATE_HUGETLB] = "Private_Hugetlb",
	[SMAPS_SWAP] = "Swap",
	[SMAPS_SWAP_PSS] = "SwapPss",
	[SMAPS_LOCKED] = "Locked",
};

const char *smaps_field_name(enum smaps_field field)
{
	return field_names[field];
}

static int field_by_name(const char *name, size_t len)
{
	for (int i = 0; i < SMAPS_NR_FIELDS; i++)
		if (strlen(field_names[i]) == len && memcmp(field_names[i], name, len) == 0)
			return i;
	return -1;
}

static void parse_line(const char *line, struct smaps_rollup *out)
{
	const char *colon = strchr(line, ':');
	char *end;
	long long value;
	int field;

	if (!colon)
		return;
	field = field_by_name(line, (size_t)(colon - line));
	if (field < 0)
		return;
	errno = 0;
	value = strtoll(colon + 1, &end, 10);
	if (errno || end == colon + 1 || value < 0)
		return;
	while (*end == ' ')
		end++;
	if (strncmp(end, "kB", 2) == 0)
		out->kb[field] = value;
}

int smaps_parse(const char *text, struct smaps_rollup *out)
{
	for (int i = 0; i < SMAPS_NR_FIELDS; i++)
		out->kb[i] = -1;
	while (text && *text) {
		const char *next = strchr(text, '\n');

		parse_line(text, out);
		text = next ? next + 1 : NULL;
	}
	return out->kb[SMAPS_RSS] < 0 && out->kb[SMAPS_PSS] < 0 ? -1 : 0;
}

int smaps_read_pid(pid_t pid, struct smaps_rollup *out)
{
	char path[64], text[4096];
	ssize_t len, total = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((len = read(fd, text + total, sizeof(text) - 1 - (size_t)total)) > 0)
		total += len;
	close(fd);
	if (len < 0)
		return -1;
	text[total] = '\0';
	if (smaps_parse(text, out)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int64_t smaps_uss_kb(const struct smaps_rollup *r)
{
	if (r->kb[SMAPS_PRIVATE_CLEAN] < 0 || r->kb[SMAPS_PRIVATE_DIRTY] < 0)
		return -1;
	return r->kb[SMAPS_PRIVATE_CLEAN] + r->kb[SMAPS_PRIVATE_DIRTY];
}

int smaps_swapped(const struct smaps_rollup *r)
{
	if (r->kb[SMAPS_SWAP] < 0)
		return -1;
	return r->kb[SMAPS_SWAP] > 0;
}
