// SPDX-License-Identifier: MIT
/* Every bad input gets one line on stderr naming the problem and exit 2,
 * before any guest runs. */
#include "../support/test_main.h"

#include "../support/elf_fixture.h"
#include "../support/spawn.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int setup(void **state)
{
	(void)state;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_bad_input_is_refused_with_one_line),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
