// SPDX-License-Identifier: MIT
#include "trace_file.h"

#include <stdio.h>
#include <string.h>

static int parse_line(const char *line, struct trace_point_rec *p)
{
	unsigned long long ns;
	char value[16];

	const char *source = strstr(line, "\"source\":\"");

	if (sscanf(line, "{\"name\":\"%63[^\"]\",\"value\":%15[^,],\"ns\":%llu,", p->name, value,
		   &ns) != 3 ||
	    !source || sscanf(source + 10, "%15[^\"]", p->source) != 1)
		return -1;
	p->value = strcmp(value, "null") == 0 ? -1 : 0;
	if (p->value == 0 && sscanf(value, "%d", &p->value) != 1)
		return -1;
	p->ns = ns;
	return 0;
}

int trace_file_read(const char *path, struct trace_file *trace)
{
	FILE *f = fopen(path, "r");
	char line[256];

	trace->count = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && trace->count < TRACE_MAX_POINTS) {
		if (line[0] != '{' || strstr(line, "\"missing\":true"))
			continue; /* serial output may share stdout */
		if (parse_line(line, &trace->points[trace->count])) {
			fclose(f);
			return -1;
		}
		trace->count++;
	}
	fclose(f);
	return (int)trace->count;
}

int trace_file_find(const struct trace_file *trace, const char *name)
{
	for (unsigned i = 0; i < trace->count; i++)
		if (strcmp(trace->points[i].name, name) == 0)
			return (int)i;
	return -1;
}
