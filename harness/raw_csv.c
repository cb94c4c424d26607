// SPDX-License-Identifier: MIT
#include "raw_csv.h"

#include "backend.h"
#include "failure_reason.h"
#include "log.h"

#include <sys/stat.h>

#include <stdbool.h>
#include <unistd.h>

/* The smaps fields raw.csv has held from the start, in their columns; the
 * others come after every older column, so a column never moves. */
static const enum smaps_field first_fields[] = {
	SMAPS_RSS,	     SMAPS_PSS,		 SMAPS_PSS_ANON,     SMAPS_PSS_FILE,
	SMAPS_PSS_SHMEM,     SMAPS_SHARED_CLEAN, SMAPS_SHARED_DIRTY, SMAPS_PRIVATE_CLEAN,
	SMAPS_PRIVATE_DIRTY, SMAPS_ANONYMOUS,
};
#define NR_FIRST_FIELDS (sizeof(first_fields) / sizeof(first_fields[0]))

static bool first_field(int field)
{
	for (size_t i = 0; i < NR_FIRST_FIELDS; i++)
		if ((int)first_fields[i] == field)
			return true;
	return false;
}

void raw_csv_write_header(FILE *f)
{
	fputs("loader,instances,round,instance,pid,status,reason", f);
	for (size_t i = 0; i < NR_FIRST_FIELDS; i++)
		fprintf(f, ",%s_kb", smaps_field_name(first_fields[i]));
	fputs(",uss_kb", f);
	for (int p = 0; p < NR_POINTS; p++)
		fprintf(f, ",%s_ns", bench_point_name(p));
	fputs(",linux_start_kernel_source,minor_faults,user_ms,system_ms", f);
	/* Added with QEMU as a peer, at the end so older readers keep their
	 * columns; then every backend's own (vm_running_ns, vm_running_lag_ns:
	 * the only ones so far, so their place never moved). */
	fputs(",vmm,vmm_init_end_source", f);
	for (unsigned b = 0; b < backend_count(); b++)
		for (unsigned v = 0; v < backend_at(b)->nr_values; v++)
			fprintf(f, ",%s", backend_at(b)->values[v].column);
	fputs(",linux_start_user_exit_ns,linux_start_user_lag_ns", f);
	/* Then every other smaps field, and whether pages were swapped out. */
	for (int i = 0; i < SMAPS_NR_FIELDS; i++)
		if (!first_field(i))
			fprintf(f, ",%s_kb", smaps_field_name(i));
	fputs(",swapped", f);
	/* Then how each point was timed (trace_input.h) and loadvm's own. */
	fputs(",time_zero", f);
	for (int p = 0; p < NR_POINTS; p++)
		fprintf(f, ",%s_timed_by", bench_point_name(p));
	fputs(",vmm_setup_done_ns,vmm_start_ns", f);
	/* Then the round's wait for ksmd (ksm_settle.h), for the merging loaders. */
	fputs(",ksm_settle_ms,ksm_settled,ksmd_cpu_ms,ksm_pages_sharing,ksm_pages_shared\n", f);
}

/* Empty cell for a missing value. */
static void cell(FILE *f, long long value)
{
	if (value >= 0)
		fprintf(f, ",%lld", value);
	else
		fputc(',', f);
}

/* The reason as one quoted line ("" for a quote) of well-formed UTF-8,
 * short enough for raw_csv_read to take back whole: cleaned and cut as
 * reason_set does, whatever the caller put in the row. */
static void reason_cell(FILE *f, const char *reason)
{
	char clean[REASON_SIZE];

	reason_set(clean, sizeof(clean), reason);
	fputs(",\"", f);
	for (const char *c = clean; *c; c++) {
		if (*c == '"')
			fputc('"', f);
		fputc(*c, f);
	}
	fputc('"', f);
}

/* Whether the row's own value v of vmm is written (an empty cell if not):
 * a time when measured; a lag, which may come out negative only through
 * clock error and is kept, when known and the value before it measured. */
static bool vmm_value_written(const struct vmm_backend *vmm, unsigned v, const int64_t *values)
{
	if (vmm->values[v].kind == VMM_VALUE_TIME)
		return values[v] >= 0;
	return v > 0 && values[v - 1] >= 0 && values[v] != -1;
}

/* Every backend's own columns: the row's VMM's values, the others empty. */
static void vmm_cells(FILE *f, const struct bench_config *config, const struct instance_result *row)
{
	const struct vmm_backend *own = loader_backend(config, row->loader);

	for (unsigned b = 0; b < backend_count(); b++) {
		const struct vmm_backend *vmm = backend_at(b);

		for (unsigned v = 0; v < vmm->nr_values; v++)
			if (vmm == own && vmm_value_written(vmm, v, row->vmm_values))
				fprintf(f, ",%lld", (long long)row->vmm_values[v]);
			else
				fputc(',', f);
	}
}

void raw_csv_write_row(FILE *f, const struct bench_config *config,
		       const struct instance_result *row)
{
	fprintf(f, "%s,%u,%u,%u,%d,%s", config->loaders[row->loader], row->instances, row->round,
		row->index, (int)row->pid, instance_status_name(row->status));
	reason_cell(f, row->reason);
	for (size_t i = 0; i < NR_FIRST_FIELDS; i++)
		cell(f, row->smaps.kb[first_fields[i]]);
	cell(f, row->uss_kb);
	for (int p = 0; p < NR_POINTS; p++)
		cell(f, row->point_ns[p]);
	fprintf(f, ",%s", row->point_source[POINT_LINUX_START_KERNEL]);
	cell(f, row->minor_faults);
	fprintf(f, ",%.3f,%.3f", row->user_ms, row->system_ms);
	fprintf(f, ",%s,%s", loader_backend(config, row->loader)->name,
		row->point_source[POINT_VMM_INIT_END]);
	vmm_cells(f, config, row);
	cell(f, row->user_exit_ns);
	/* How late the VMM's channel brought the byte KVM's exit saw. */
	if (row->user_exit_ns >= 0 && row->user_arrival_ns >= 0)
		fprintf(f, ",%lld", (long long)(row->user_arrival_ns - row->user_exit_ns));
	else
		fputc(',', f);
	for (int i = 0; i < SMAPS_NR_FIELDS; i++)
		if (!first_field(i))
			cell(f, row->smaps.kb[i]);
	cell(f, smaps_swapped(&row->smaps));
	fprintf(f, ",%s", row->time_zero);
	for (int p = 0; p < NR_POINTS; p++)
		fprintf(f, ",%s", row->point_timing[p]);
	cell(f, row->vmm_setup_done_ns);
	cell(f, row->vmm_start_ns);
	cell(f, row->ksm.settle_ms);
	cell(f, row->ksm.settled);
	cell(f, row->ksm.ksmd_cpu_ms);
	cell(f, row->ksm.pages_sharing);
	cell(f, row->ksm.pages_shared);
	fputc('\n', f);
}

/* The journal vouches only for rows that are on disk. */
static int sync_rows(struct raw_csv *csv)
{
	if (fflush(csv->f) != 0 || fsync(fileno(csv->f)) != 0) {
		pr_errno("%s: cannot write (disk full?)", csv->partial);
		return -1;
	}
	return 0;
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
	raw_csv_write_header(csv->f);
	return sync_rows(csv);
}

/* Cuts path back to keep bytes; a file shorter than that lost rows its
 * journal vouched for, which must never be papered over. */
int raw_file_cut(const char *path, long keep)
{
	struct stat st;

	if (stat(path, &st) != 0 || st.st_size < keep) {
		pr_err("%s: shorter than its journal says (%ld bytes): rows were lost", path, keep);
		return -1;
	}
	if (truncate(path, keep) != 0) {
		pr_errno("%s: cannot cut off the unfinished round", path);
		return -1;
	}
	return 0;
}

int raw_csv_reopen(struct raw_csv *csv, const char *dir, long keep)
{
	snprintf(csv->partial, sizeof(csv->partial), "%s/raw.csv.partial", dir);
	snprintf(csv->final, sizeof(csv->final), "%s/raw.csv", dir);
	if (raw_file_cut(csv->partial, keep))
		return -1;
	csv->f = fopen(csv->partial, "a");
	if (!csv->f) {
		pr_errno("%s: cannot write", csv->partial);
		return -1;
	}
	return 0;
}

long raw_csv_bytes(const struct raw_csv *csv)
{
	return ftell(csv->f);
}

int raw_csv_append(struct raw_csv *csv, const struct bench_config *config,
		   const struct instance_result *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		raw_csv_write_row(csv->f, config, &rows[i]);
	return sync_rows(csv);
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
