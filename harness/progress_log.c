// SPDX-License-Identifier: MIT
#include "progress_log.h"

#include "log.h"

#include <stdarg.h>
#include <time.h>

int progress_log_open(struct progress_log *log, const char *dir)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/progress.log", dir);
	log->f = fopen(path, "a");
	if (!log->f) {
		pr_errno("%s: cannot write", path);
		return -1;
	}
	return 0;
}

void progress_log_event(struct progress_log *log, const char *fmt, ...)
{
	struct timespec now;
	va_list ap;

	if (!log || !log->f)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	fprintf(log->f, "%lld.%03ld ", (long long)now.tv_sec, now.tv_nsec / 1000000);
	va_start(ap, fmt);
	/* va_start is right above; the analyzer loses track of it (as in log.c). */
	vfprintf(log->f, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
	fputc('\n', log->f);
	/* The watcher reads the file from outside (over virtiofs in the rig). */
	fflush(log->f);
}

void progress_log_close(struct progress_log *log)
{
	if (log->f)
		fclose(log->f);
	log->f = NULL;
}
