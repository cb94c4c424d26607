// SPDX-License-Identifier: MIT
/* Every bad input gets one line on stderr naming the problem and exit 2,
 * before any guest runs. */
#include "../support/test_main.h"

#include "../support/elf_fixture.h"
#include "../support/spawn.h"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_ARGS 12

struct bad_case {
	const char *what;
	const char *args[MAX_ARGS]; /* after "loadvm"; "@name" is test_path(name) */
	const char *message;	    /* must appear in the one stderr line */
};

static char long_cmdline[5000];

static void write_file(const char *name, const char *text, off_t size)
{
	int fd = open(test_path(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	if (size)
		assert_int_equal(ftruncate(fd, size), 0); /* sparse: costs no disk */
	close(fd);
}

static void write_elf(const char *name, void (*bend)(struct elf_fixture *))
{
	struct elf_fixture f;

	elf_fixture_default(&f);
	bend(&f);
	assert_int_equal(elf_fixture_write(&f, test_path(name)), 0);
}

static void no_note(struct elf_fixture *f)
{
	f->has_pvh_note = 0;
}
static void truncated(struct elf_fixture *f)
{
	f->truncate_to = 0x1800;
}
static void unchanged(struct elf_fixture *f)
{
	(void)f;
}
static void overlapping(struct elf_fixture *f)
{
	f->nr_segments = 2;
	f->segments[1] =
		(struct fixture_segment){ FIXTURE_LOAD_ADDR + 0x1000, 0x3000, 0x1000, 0x1000 };
}

static void class32_body64(struct elf_fixture *f)
{
	f->elf_class = ELFCLASS32;
}
static void phentsize_40(struct elf_fixture *f)
{
	f->phentsize = 40;
}
static void phnum_1000(struct elf_fixture *f)
{
	f->phnum = 1000;
}

/* A bzImage-shaped file whose payload is payload_len bytes of junk, or
 * claims more bytes than the file holds. */
static void write_bzimage(const char *name, uint32_t payload_len, uint32_t claimed_len)
{
	uint8_t header[1024 + 64] = { 0 };
	FILE *f = fopen(test_path(name), "wb");

	assert_non_null(f);
	header[0x1f1] = 1; /* setup_sects: protected-mode code at 1024 */
	memcpy(header + 0x202, "HdrS", 4);
	header[0x206] = 0x0f; /* boot protocol 2.15 */
	header[0x207] = 0x02;
	memcpy(header + 0x24c, &claimed_len, 4); /* payload_offset 0 at 0x248 */
	memset(header + 1024, 0x42, payload_len);
	assert_int_equal(fwrite(header, 1, 1024 + payload_len, f), 1024 + payload_len);
	fclose(f);
}

/* gzip of len bytes (zeros past the first elf_len, which are elf's), with
 * the kernel build's size trailer: a bzImage payload loadvm unpacks. */
static uint8_t *gzip_payload(const uint8_t *elf, size_t elf_len, size_t len, uint32_t *out_len)
{
	uint8_t *in = calloc(1, len), *out = malloc(len / 64 + elf_len + 4096);
	z_stream zs;

	assert_true(in && out);
	memcpy(in, elf, elf_len);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)(len / 64 + elf_len + 4096);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	deflateEnd(&zs);
	free(in);
	memcpy(out + zs.total_out, &(uint32_t){ (uint32_t)len }, 4);
	*out_len = (uint32_t)zs.total_out + 4;
	return out;
}

/* A bzImage whose gzip payload unpacks to the ELF file elf_name, padded
 * with zeros to len bytes. */
static void write_elf_bzimage(const char *name, const char *elf_name, size_t len)
{
	char *elf = slurp(test_path(elf_name));
	struct stat st;
	uint32_t payload_len;
	uint8_t *payload, header[1024] = { 0 };
	FILE *f;

	assert_non_null(elf);
	assert_int_equal(stat(test_path(elf_name), &st), 0);
	payload = gzip_payload((const uint8_t *)elf, (size_t)st.st_size,
			       len > (size_t)st.st_size ? len : (size_t)st.st_size, &payload_len);
	header[0x1f1] = 1;
	memcpy(header + 0x202, "HdrS", 4);
	header[0x206] = 0x0f;
	header[0x207] = 0x02;
	memcpy(header + 0x24c, &payload_len, 4);
	f = fopen(test_path(name), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(header, 1, sizeof(header), f), sizeof(header));
	assert_int_equal(fwrite(payload, 1, payload_len, f), payload_len);
	fclose(f);
	free(payload);
	free(elf);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(mkfifo(test_path("fifo"), 0600), 0);
	assert_int_equal(mkdir(test_path("dir"), 0700), 0);
	setenv("XDG_CACHE_HOME", test_path("cache"), 1);
	write_bzimage("junk.bzimage", 64, 64);
	write_bzimage("short.bzimage", 64, 4096);
	write_file("empty", "", 0);
	write_file("text.txt", "this is not an ELF file\n", 0);
	write_file("huge.initrd", "x", 200 << 20);
	write_elf("no-note.elf", no_note);
	write_elf("truncated.elf", truncated);
	write_elf("overlap.elf", overlapping);
	write_elf("good.elf", unchanged);
	write_elf("class32.elf", class32_body64);
	write_elf("phentsize.elf", phentsize_40);
	write_elf("phnum.elf", phnum_1000);
	write_elf_bzimage("no-note.bzimage", "no-note.elf", 0);
	memset(long_cmdline, 'x', sizeof(long_cmdline) - 1);
	return 0;
}

static const struct bad_case cases[] = {
	{ "no kernel option", { NULL }, "--kernel FILE is required" },
	{ "missing kernel", { "--kernel", "@does-not-exist" }, "No such file" },
	{ "empty kernel", { "--kernel", "@empty" }, "empty file" },
	{ "not ELF", { "--kernel", "@text.txt" }, "not an ELF file" },
	{ "no PVH note", { "--kernel", "@no-note.elf" }, "no PVH entry note" },
	{ "truncated", { "--kernel", "@truncated.elf" }, "past the end of the file" },
	{ "overlapping", { "--kernel", "@overlap.elf" }, "overlapping PT_LOAD" },
	{ "bzImage, unknown compressor", { "--kernel", "@junk.bzimage" }, "an unknown format" },
	{ "bzImage, truncated", { "--kernel", "@short.bzimage" }, "payload lies outside the file" },
	{ "outside RAM", { "--kernel", "@good.elf", "--mem", "16" }, "outside guest RAM" },
	{ "missing initrd", { "--kernel", "@good.elf", "--initrd", "@nope" }, "No such file" },
	{ "empty initrd", { "--kernel", "@good.elf", "--initrd", "@empty" }, "empty file" },
	{ "initrd too big",
	  { "--kernel", "@good.elf", "--initrd", "@huge.initrd" },
	  "larger than the free guest RAM" },
	{ "cmdline too long", { "--kernel", "@good.elf", "--cmdline", long_cmdline }, "too long" },
	{ "mem zero", { "--kernel", "@good.elf", "--mem", "0" }, "--mem '0'" },
	{ "mem negative", { "--kernel", "@good.elf", "--mem", "-5" }, "--mem '-5'" },
	{ "mem not a number", { "--kernel", "@good.elf", "--mem", "lots" }, "--mem 'lots'" },
	{ "mem beyond host",
	  { "--kernel", "@good.elf", "--mem", "99999999" },
	  "above the limit of" },
	{ "vcpus zero", { "--kernel", "@good.elf", "--vcpus", "0" }, "--vcpus '0'" },
	{ "vcpus too many", { "--kernel", "@good.elf", "--vcpus", "33" }, "--vcpus '33'" },
	{ "no such symbol",
	  { "--kernel", "@good.elf", "--break-symbol", "start_kernel" },
	  "no symbol start_kernel" },
	{ "map without symbol",
	  { "--kernel", "@good.elf", "--system-map", "@empty" },
	  "--system-map is only used with --break-symbol" },
	{ "missing map",
	  { "--kernel", "@good.elf", "--break-symbol", "x", "--system-map", "@nomap" },
	  "No such file" },
	{ "unknown loader", { "--kernel", "@good.elf", "--loader", "bogus" }, "--loader 'bogus'" },
	{ "bad exit-after", { "--kernel", "@good.elf", "--exit-after", "soon" }, "--exit-after" },
	{ "bad timeout", { "--kernel", "@good.elf", "--timeout", "0" }, "--timeout '0'" },
	{ "unknown option", { "--kernel", "@good.elf", "--turbo" }, "unknown option" },
	{ "stray argument", { "--kernel", "@good.elf", "extra" }, "unexpected argument" },
	{ "FIFO kernel", { "--kernel", "@fifo" }, "not a regular file (a FIFO)" },
	{ "directory kernel", { "--kernel", "@dir" }, "not a regular file (a directory)" },
	{ "/dev/zero kernel", { "--kernel", "/dev/zero" }, "not a regular file (a character" },
	{ "FIFO initrd", { "--kernel", "@good.elf", "--initrd", "@fifo" }, "not a regular file" },
	{ "directory initrd",
	  { "--kernel", "@good.elf", "--initrd", "@dir" },
	  "dir: not a regular file (a directory)" },
	{ "/dev/zero initrd",
	  { "--kernel", "@good.elf", "--initrd", "/dev/zero" },
	  "/dev/zero: not a regular file" },
	{ "FIFO system map",
	  { "--kernel", "@good.elf", "--break-symbol", "x", "--system-map", "@fifo" },
	  "fifo: not a regular file (a FIFO)" },
	{ "directory system map",
	  { "--kernel", "@good.elf", "--break-symbol", "x", "--system-map", "@dir" },
	  "not a regular file (a directory)" },
	{ "timeout nan", { "--kernel", "@good.elf", "--timeout", "nan" }, "--timeout 'nan'" },
	{ "timeout inf", { "--kernel", "@good.elf", "--timeout", "inf" }, "--timeout 'inf'" },
	{ "timeout negative", { "--kernel", "@good.elf", "--timeout", "-1" }, "--timeout '-1'" },
	{ "timeout over a day",
	  { "--kernel", "@good.elf", "--timeout", "86401" },
	  "--timeout '86401'" },
	{ "timeout huge", { "--kernel", "@good.elf", "--timeout", "1e300" }, "--timeout '1e300'" },
	{ "timeout 0.0", { "--kernel", "@good.elf", "--timeout", "0.0" }, "--timeout '0.0'" },
	{ "timeout 0e0", { "--kernel", "@good.elf", "--timeout", "0e0" }, "--timeout '0e0'" },
	{ "ELF32 class, ELF64 body",
	  { "--kernel", "@class32.elf" },
	  "ELF class and body disagree" },
	{ "wrong e_phentsize", { "--kernel", "@phentsize.elf" }, "wrong e_phentsize 40" },
	{ "phdrs past EOF", { "--kernel", "@phnum.elf" }, "program headers extend past the end" },
	{ "bzImage, bad inner ELF",
	  { "--kernel", "@no-note.bzimage" },
	  "no-note.bzimage (its unpacked ELF): no PVH entry note" },
	{ "unwritable trace",
	  { "--kernel", "@good.elf", "--trace", "/nonexistent/dir/t" },
	  "cannot open trace output" },
};

static void run_case(const struct bad_case *c)
{
	const char *argv[MAX_ARGS + 2] = { loadvm_path() };
	char paths[MAX_ARGS][320];
	char *err;
	int status;

	for (int i = 0; i < MAX_ARGS && c->args[i]; i++) {
		argv[i + 1] = c->args[i];
		if (c->args[i][0] == '@') {
			snprintf(paths[i], sizeof(paths[i]), "%s", test_path(c->args[i] + 1));
			argv[i + 1] = paths[i];
		}
	}
	status = run_cmd(argv, test_path("bad.out"), test_path("bad.err"), 20);
	err = slurp(test_path("bad.err"));
	assert_non_null(err);
	if (status != 2 || !strstr(err, c->message) || strchr(err, '\n') != err + strlen(err) - 1)
		fail_msg("case '%s': status %d, stderr:\n%s(wanted one line with '%s')", c->what,
			 status, err, c->message);
	printf("# %-18s -> %s", c->what, err);
	free(err);
}

static void every_bad_input_is_refused_with_one_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

static int run_loadvm(const char *const *args, double timeout_s)
{
	const char *argv[MAX_ARGS + 2] = { loadvm_path() };

	for (int i = 0; i < MAX_ARGS && args[i]; i++)
		argv[i + 1] = args[i];
	return run_cmd(argv, test_path("run.out"), test_path("run.err"), timeout_s);
}

static void assert_file_holds(const char *path, const char *text)
{
	char *content = slurp(path);

	assert_non_null(content);
	assert_string_equal(content, text);
	free(content);
}

/* A refused run leaves an existing output as it was and creates none. */
static void refusal_leaves_outputs_alone(void **state)
{
	char trace[320], serial[320], kernel[320];

	(void)state;
	snprintf(trace, sizeof(trace), "%s", test_path("kept.trace"));
	snprintf(serial, sizeof(serial), "%s", test_path("new.serial"));
	snprintf(kernel, sizeof(kernel), "%s", test_path("good.elf"));
	write_file("kept.trace", "old trace\n", 0);
	const char *bad_kernel[] = {
		"--kernel", test_path("no-note.elf"), "--trace", trace, "--serial", serial, NULL
	};
	assert_int_equal(run_loadvm(bad_kernel, 20), 2);
	assert_file_holds(trace, "old trace\n");
	assert_int_equal(access(serial, F_OK), -1);
	/* The second output is the bad one: the first is neither truncated nor created. */
	const char *bad_serial[] = { "--kernel",	   kernel, "--trace", trace, "--serial",
				     "/nonexistent/dir/s", NULL };
	assert_int_equal(run_loadvm(bad_serial, 20), 2);
	assert_file_holds(trace, "old trace\n");
	const char *bad_serial_new_trace[] = { "--kernel", kernel,	     "--trace", serial,
					       "--serial", test_path("dir"), NULL };
	assert_int_equal(run_loadvm(bad_serial_new_trace, 20), 2);
	assert_int_equal(access(serial, F_OK), -1);
}

/* A FIFO as output with nobody reading is refused, never waited on. */
static void fifo_output_without_reader_is_refused(void **state)
{
	char kernel[320], fifo[320];

	(void)state;
	snprintf(kernel, sizeof(kernel), "%s", test_path("good.elf"));
	snprintf(fifo, sizeof(fifo), "%s", test_path("fifo"));
	const char *args[] = { "--kernel", kernel, "--trace", fifo, NULL };
	assert_int_equal(run_loadvm(args, 10), 2);
}

static bool cache_has(const char *prefix)
{
	DIR *dir = opendir(test_path("cache/kvm-loadbench"));
	struct dirent *e;
	bool found = false;

	while (dir && (e = readdir(dir)) != NULL)
		found |= strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	if (dir)
		closedir(dir);
	return found;
}

/* The unpacked ELF of a refused bzImage is not kept for reuse. */
static void refused_unpacked_elf_leaves_the_cache(void **state)
{
	char kernel[320];

	(void)state;
	snprintf(kernel, sizeof(kernel), "%s", test_path("no-note.bzimage"));
	const char *args[] = { "--kernel", kernel, NULL };
	assert_int_equal(run_loadvm(args, 20), 2);
	assert_false(cache_has("vmlinux-"));
	assert_int_equal(run_loadvm(args, 20), 2); /* and again: unpacked anew, refused anew */
	assert_false(cache_has("vmlinux-"));
}

/* --timeout covers unpacking: a bzImage that unpacks to 256 MiB is cut
 * short, with exit 4, and leaves no half-written file in the cache. */
static void timeout_covers_unpacking(void **state)
{
	char kernel[320];
	struct timespec t0, t1;
	char *err;
	int status;

	(void)state;
	write_elf_bzimage("big.bzimage", "good.elf", 256u << 20);
	snprintf(kernel, sizeof(kernel), "%s", test_path("big.bzimage"));
	const char *args[] = { "--kernel", kernel, "--timeout", "0.05", NULL };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	status = run_loadvm(args, 30);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	err = slurp(test_path("run.err"));
	if (status != 4 || !strstr(err, "--timeout expired before the guest ran"))
		fail_msg("status %d, stderr: %s", status, err);
	free(err);
	assert_true((double)(t1.tv_sec - t0.tv_sec) < 5.0);
	assert_false(cache_has(".unpack-"));
	assert_false(cache_has("vmlinux-"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_bad_input_is_refused_with_one_line),
		cmocka_unit_test(refusal_leaves_outputs_alone),
		cmocka_unit_test(fifo_output_without_reader_is_refused),
		cmocka_unit_test(refused_unpacked_elf_leaves_the_cache),
		cmocka_unit_test(timeout_covers_unpacking),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
