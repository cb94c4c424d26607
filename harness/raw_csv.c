// SPDX-License-Identifier: MIT
#include "raw_csv.h"

#include "backend.h"
#include "log.h"

#include <unistd.h>

static void write_header(FILE *f)
{
	fputs("loader,instances,round,instance,pid,status,reason", f);
	for (int i = 0; i < SMAPS_NR_FIELDS; i++)
		fprintf(f, ",%s_kb", smaps_field_name(i));
	fputs(",uss_kb", f);
	for (int p = 0; p < NR_POINTS; p++)
		fprintf(f, ",%s_ns", bench_point_name(p));
	fputs(",linux_start_kernel_source,minor_faults,user_ms,system_ms", f);
	/* Added with QEMU as a peer, at the end so older readers keep their columns. */
	fputs(",vmm,vmm_init_end_source,vm_running_ns,vm_running_lag_ns,"
	      "linux_start_user_exit_ns,linux_start_user_lag_ns\n",
	      f);
}

/* Empty cell for a missing value. */
static void cell(FILE *f, long long value)
{
	if (value >= 0)
		fprintf(f, ",%lld", value);
	else
		fputc(',', f);
}

static void quoted(FILE *f, const char *text)
{
	fputs(",\"", f);
	for (; *text; text++) {
		if (*text == '"')
			fputc('"', f);
		fputc(*text == '\n' ? ' ' : *text, f);
	}
	fputc('"', f);
}

void raw_csv_write_row(FILE *f, const struct bench_config *config,
		       const struct instance_result *row)
{
	fprintf(f, "%s,%u,%u,%u,%d,%s", config->loaders[row->loader], row->instances, row->round,
		row->index, (int)row->pid, instance_status_name(row->status));
	quoted(f, row->reason);
	for (int i = 0; i < SMAPS_NR_FIELDS; i++)
		cell(f, row->smaps.kb[i]);
	cell(f, row->uss_kb);
	for (int p = 0; p < NR_POINTS; p++)
		cell(f, row->point_ns[p]);
	fprintf(f, ",%s", row->point_source[POINT_LINUX_START_KERNEL]);
	cell(f, row->minor_faults);
	fprintf(f, ",%.3f,%.3f", row->user_ms, row->system_ms);
	fprintf(f, ",%s,%s", loader_backend(config, row->loader)->name,
		row->point_source[POINT_VMM_INIT_END]);
	cell(f, row->vm_running_ns);
	/* A lag can come out negative only through clock error; keep it. */
	if (row->vm_running_ns >= 0 && row->vm_running_lag_ns != -1)
		fprintf(f, ",%lld", (long long)row->vm_running_lag_ns);
	else
		fputc(',', f);
	cell(f, row->user_exit_ns);
	if (row->user_exit_ns >= 0 && row->point_ns[POINT_LINUX_START_USER] >= 0)
		fprintf(f, ",%lld\n",
			(long long)(row->point_ns[POINT_LINUX_START_USER] - row->user_exit_ns));
	else
		fputs(",\n", f);
}

int raw_csv_open(struct raw_csv *csv, const char *dir)
{
	snprintf(csv->partial, sizeof(csv->partial), "%s/raw.csv.partial", dir);
	snprintf(csv->final, sizeof(csv->final), "%s/raw.csv", dir);
	csv->f = fopen(csv->partial, "w");
	if (!csv->f) {
		pr_errno("%s: cannot write", csv->partial);
		return -1;
	}
	write_header(csv->f);
	return 0;
}

int raw_csv_append(struct raw_csv *csv, const struct bench_config *config,
		   const struct instance_result *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		raw_csv_write_row(csv->f, config, &rows[i]);
	if (fflush(csv->f) != 0 || fsync(fileno(csv->f)) != 0) {
		pr_errno("%s: cannot write (disk full?)", csv->partial);
		return -1;
	}
	return 0;
}

int raw_csv_finish(struct raw_csv *csv)
{
	int failed = fclose(csv->f) != 0;

	csv->f = NULL;
	if (failed || rename(csv->partial, csv->final) != 0) {
		pr_errno("%s: cannot finish", csv->final);
		return -1;
	}
	return 0;
}
