// SPDX-License-Identifier: MIT
#include "config_record.h"

#include "atomic_file.h"
#include "backend.h"
#include "json_writer.h"
#include "run_order.h"
#include "log.h"
#include "sha256.h"
#include "version.h"

#include <stdlib.h>
#include <string.h>

/* Bumped when a field is added or changed, so an old directory is refused,
 * not misread. 2: the images' digests are SHA-256 ("sha256"), not FNV-1a. */
#define CONFIG_SCHEMA "kvm-loadbench/config/2"

void config_record_file(struct json_writer *j, const char *key, const char *path)
{
	uint64_t bytes;
	char hex[SHA256_HEX_SIZE];

	jw_object_begin(j, key);
	jw_string(j, "path", path);
	if (path && sha256_file(path, hex, &bytes) == 0) {
		jw_integer(j, "bytes", (long long)bytes);
		jw_string(j, "sha256", hex);
	}
	jw_object_end(j);
}

/* The images' digests come from the context (hashed once per run: a 53 MB
 * vmlinux takes seconds under the rig's TCG). No image: null. */
void config_record_image(struct json_writer *j, const char *key, const struct image_info *info)
{
	if (!info->path) {
		jw_null(j, key);
		return;
	}
	jw_object_begin(j, key);
	jw_string(j, "path", info->path);
	if (info->present) {
		jw_integer(j, "bytes", (long long)info->bytes);
		jw_string(j, "sha256", info->sha256);
	}
	jw_object_end(j);
}

void config_record_lists(struct json_writer *j, const struct bench_config *config)
{
	jw_array_begin(j, "instances");
	for (unsigned i = 0; i < config->nr_instance_counts; i++)
		jw_integer(j, NULL, config->instance_counts[i]);
	jw_array_end(j);
	jw_array_begin(j, "loaders");
	for (unsigned i = 0; i < config->nr_loaders; i++)
		jw_string(j, NULL, config->loaders[i]);
	jw_array_end(j);
	jw_array_begin(j, "vmms");
	for (unsigned i = 0; i < config->nr_vmms; i++)
		jw_string(j, NULL, config->vmms[i]->name);
	jw_array_end(j);
}

void config_record_run_shape(struct json_writer *j, const struct bench_config *config)
{
	jw_integer(j, "rounds", config->rounds);
	/* run_order.c's orders; a change to either must change these names. */
	jw_string(j, "order", run_order_name(config));
	jw_integer(j, "order_seed", (long long)config->order_seed);
	jw_integer(j, "mem_mib", config->mem_mib);
	jw_integer(j, "vcpus", config->vcpus);
	jw_string(j, "cmdline_extra", config->cmdline ? config->cmdline : "");
	jw_number(j, "settle_s", config->settle_s);
	jw_number(j, "timeout_s", config->timeout_s);
	jw_number(j, "ksm_settle_max_s", config->ksm_settle_max_s);
}

static void guest(struct json_writer *j, const struct bench_config *config)
{
	config_record_run_shape(j, config);
	jw_string(j, "cache", config->cache);
	jw_string(j, "break_symbol", config->break_symbol);
	jw_string(j, "system_map", config->system_map);
	jw_integer(j, "formats", config->formats);
}

/* Each VMM's own object (backend.h), null where the run does not measure it. */
static void vmms(struct json_writer *j, const struct bench_config *config)
{
	for (unsigned b = 0; b < backend_count(); b++) {
		const struct vmm_backend *vmm = backend_at(b);

		if (!vmm->json)
			continue;
		if (!config_has_vmm(config, vmm)) {
			jw_null(j, vmm->name);
			continue;
		}
		jw_object_begin(j, vmm->name);
		vmm->json(j, config, VMM_JSON_CONFIG);
		jw_object_end(j);
	}
}

int config_record_print(FILE *f, const struct bench_config *config, const struct run_context *ctx)
{
	struct json_writer j;

	jw_init(&j, f);
	jw_object_begin(&j, NULL);
	jw_string(&j, "schema", CONFIG_SCHEMA);
	config_record_image(&j, "kernel", &ctx->kernel);
	config_record_image(&j, "initrd", &ctx->initrd);
	config_record_lists(&j, config);
	guest(&j, config);
	vmms(&j, config);
	config_record_file(&j, "loadvm", config->loadvm);
	jw_string(&j, "loadvm_version", ctx->loadvm_version);
	jw_string(&j, "loadbench_version", KVMLB_VERSION " (" KVMLB_GIT_REV ")");
	jw_string(&j, "kvm_mode", ctx->kvm_mode);
	jw_string(&j, "host_kernel", ctx->host_kernel);
	jw_string(&j, "thp", ctx->thp);
	jw_string(&j, "ksm_run", ctx->ksm);
	jw_object_end(&j);
	return jw_finish(&j);
}

int config_record_write(const char *dir, const struct bench_config *config,
			const struct run_context *ctx)
{
	struct atomic_file af = { 0 };
	FILE *f = atomic_open(&af, dir, "config.json");

	if (!f)
		return -1;
	if (config_record_print(f, config, ctx))
		atomic_fail(&af);
	return atomic_commit(&af);
}

/* The first line where a and b differ, trimmed, into out. */
static void first_difference(const char *a, const char *b, char *out, size_t size)
{
	size_t start = 0, i = 0, end;

	while (a[i] && a[i] == b[i]) {
		if (a[i] == '\n')
			start = i + 1;
		i++;
	}
	while (a[start] == ' ')
		start++;
	end = start + strcspn(a + start, "\n");
	if (end > start && a[end - 1] == ',')
		end--;
	snprintf(out, size, "%.*s", (int)(end - start), a + start);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int c;

	if (!f)
		return NULL;
	mem = open_memstream(&text, &len);
	while (mem && (c = fgetc(f)) != EOF)
		fputc(c, mem);
	if (mem)
		fclose(mem);
	fclose(f);
	return text;
}

int config_record_check(const char *dir, const struct bench_config *config,
			const struct run_context *ctx)
{
	char path[4200], there[160], here[160];
	char *now = NULL, *stored;
	size_t len = 0;
	FILE *mem = open_memstream(&now, &len);
	int same, printed;

	snprintf(path, sizeof(path), "%s/config.json", dir);
	stored = read_all(path);
	if (!mem || !stored) {
		pr_errno("--resume %s: cannot read %s", dir, path);
		if (mem)
			fclose(mem);
		free(now);
		return -1;
	}
	printed = config_record_print(mem, config, ctx) == 0;
	printed &= fclose(mem) == 0;
	if (!printed) {
		pr_errno("--resume %s: cannot compare with its config.json", dir);
		free(stored);
		free(now);
		return -1;
	}
	same = strcmp(stored, now) == 0;
	if (!same) {
		first_difference(stored, now, there, sizeof(there));
		first_difference(now, stored, here, sizeof(here));
		pr_err("--resume %s: the run there has another configuration (%s there, %s now)",
		       dir, there, here);
	}
	free(stored);
	free(now);
	return same ? 0 : -1;
}
