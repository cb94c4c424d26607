// SPDX-License-Identifier: MIT
/*
 * A failure reason is one line of well-formed UTF-8 whatever the VMM or its
 * guest printed, and a reason too long for its buffer is cut between
 * characters. The guest's last console line, with bytes that are not
 * UTF-8, goes all the way into a reason, a raw.csv row that reads back
 * the same, and JSON that python3 parses.
 */
#include "../support/test_main.h"

#include "../support/python_check.h"

#include "failure_reason.h"
#include "json_writer.h"
#include "raw_csv.h"
#include "raw_csv_read.h"
#include "utf8_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FFFD UTF8_REPLACEMENT
#define EURO "\xe2\x82\xac"

static char dir[] = "/tmp/kvmlb-reason-XXXXXX";
static char log_path[64], console_path[64];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(log_path, sizeof(log_path), "%s/vmm.log", dir);
	snprintf(console_path, sizeof(console_path), "%s/guest.serial", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(log_path);
	unlink(console_path);
	return rmdir(dir);
}

static void write_file(const char *path, const char *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A string literal's bytes, without its terminating NUL. */
#define WRITE_LITERAL(path, text) write_file(path, text, sizeof(text) - 1)

static void cut_drops_only_a_character_cut_short(void **state)
{
	static const struct {
		const char *s;
		size_t len, want;
	} cases[] = {
		{ "abc", 3, 3 },
		{ "", 0, 0 },
		{ "ab\xe2\x82", 4, 2 },		  /* euro sign cut after 2 of 3 bytes */
		{ "ab\xe2", 3, 2 },		  /* after 1 of 3 */
		{ "\xf0\x9f\x98", 3, 0 },	  /* after 3 of 4 */
		{ "a\xc3", 2, 1 },		  /* after 1 of 2 */
		{ "\xf0\x9f\x98\x80", 4, 4 },	  /* whole */
		{ "a\xc3\xa9", 3, 3 },		  /* whole */
		{ "a\xe0\x80", 3, 3 },		  /* ill-formed, not cut: stays for U+FFFD */
		{ "a\x80\x80\x80", 4, 4 },	  /* stray continuation bytes */
		{ "\xff", 1, 1 },		  /* never a lead byte */
		{ "a\xc0", 2, 2 },		  /* C0 leads only overlong forms */
		{ "\xe2\x82\xac\xe2\x82", 5, 3 }, /* a whole one, then a cut one */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (utf8_cut(cases[i].s, cases[i].len) != cases[i].want)
			fail_msg("case %zu: %zu, want %zu", i, utf8_cut(cases[i].s, cases[i].len),
				 cases[i].want);
}

static void clean_line_replaces_and_cuts_between_characters(void **state)
{
	static const char abc[] = "ab" EURO "c";
	char out[32];

	(void)state;
	/* Controls, NUL among them, become spaces; bad bytes U+FFFD. */
	assert_int_equal(utf8_clean_line(out, sizeof(out), "a\tb\0c\x1b[0m\xc2\x85\xff", 12), 13);
	assert_string_equal(out, "a b c [0m " FFFD);
	/* "ab", the euro sign (3 bytes), "c": 6 bytes need 7. */
	assert_int_equal(utf8_clean_line(out, 7, abc, 6), 6);
	assert_string_equal(out, abc);
	assert_int_equal(utf8_clean_line(out, 6, abc, 6), 5);
	assert_string_equal(out, "ab" EURO);
	/* 5 bytes hold "ab" and 2 of the euro's 3: the euro goes whole. */
	assert_int_equal(utf8_clean_line(out, 5, abc, 6), 2);
	assert_string_equal(out, "ab");
	/* A U+FFFD is never cut either. */
	assert_int_equal(utf8_clean_line(out, 4, "a\xff", 2), 1);
	assert_string_equal(out, "a");
	assert_int_equal(utf8_clean_line(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
}

/* The reason buffer holds 119 bytes: a 3-byte character at bytes 118..120
 * does not fit and goes whole, never as its first two bytes. */
static void long_reason_is_cut_between_characters(void **state)
{
	char text[200], reason[REASON_SIZE], want[REASON_SIZE];

	(void)state;
	memset(text, 'x', 117);
	snprintf(text + 117, sizeof(text) - 117, "\xe2\x82\xac tail");
	reason_set(reason, sizeof(reason), text);
	memset(want, 'x', 117);
	want[117] = '\0';
	assert_int_equal(strlen(reason), 117);
	assert_string_equal(reason, want);
	/* One byte less before it, and it fits exactly. */
	reason_set(reason, sizeof(reason), text + 1);
	assert_int_equal(strlen(reason), 119);
	assert_memory_equal(reason + 116, "\xe2\x82\xac", 4);
}

static void last_line_of_a_console(void **state)
{
	char line[REASON_SIZE];

	(void)state;
	/* A serial console's \r\n, blank lines after the last words. */
	WRITE_LITERAL(console_path, "booting\r\nKernel panic: \xff\xfe \xe2\x82\xac ok\r\n\r\n\n");
	reason_last_line(console_path, line, sizeof(line));
	assert_string_equal(line, "Kernel panic: " FFFD FFFD " \xe2\x82\xac ok");
	/* No newline at the end; a lone \r ends a line too. */
	WRITE_LITERAL(console_path, "one\ntwo\rthree");
	reason_last_line(console_path, line, sizeof(line));
	assert_string_equal(line, "three");
	WRITE_LITERAL(console_path, "\r\n\r\n");
	reason_last_line(console_path, line, sizeof(line));
	assert_string_equal(line, "");
	WRITE_LITERAL(console_path, "");
	reason_last_line(console_path, line, sizeof(line));
	assert_string_equal(line, "");
	reason_last_line("/nonexistent/kvmlb-reason", line, sizeof(line));
	assert_string_equal(line, "");
}

/* A line longer than the reader keeps (512 bytes), cut inside a character,
 * loses that character whole; a later short line wins over it. */
static void overlong_console_line(void **state)
{
	char text[1200], line[600];
	size_t n = 0;

	(void)state;
	memset(text, 'y', 511);
	n = 511;
	memcpy(text + n, "\xc3\xa9 more", 7); /* é spans bytes 511 and 512 */
	n += 7;
	text[n++] = '\n';
	write_file(console_path, text, n);
	reason_last_line(console_path, line, sizeof(line));
	assert_int_equal(strlen(line), 511);
	assert_int_equal(strspn(line, "y"), 511);
	memcpy(text + n, "short\n", 6);
	write_file(console_path, text, n + 6);
	reason_last_line(console_path, line, sizeof(line));
	assert_string_equal(line, "short");
}

static void exit_reason_from_stderr_or_console(void **state)
{
	char reason[REASON_SIZE];

	(void)state;
	WRITE_LITERAL(log_path, "loadvm: guest crashed: triple fault\n");
	WRITE_LITERAL(console_path, "not this\n");
	reason_exit(reason, sizeof(reason), W_EXITCODE(3, 0), log_path, console_path);
	assert_string_equal(reason, "exit 3: loadvm: guest crashed: triple fault");
	reason_exit(reason, sizeof(reason), W_EXITCODE(0, 9), log_path, console_path);
	assert_string_equal(reason, "killed by signal 9");
	/* Nothing on stderr, nothing on the console. */
	WRITE_LITERAL(log_path, "");
	WRITE_LITERAL(console_path, "");
	reason_exit(reason, sizeof(reason), W_EXITCODE(1, 0), log_path, console_path);
	assert_string_equal(reason, "exit 1");
}

/* panic=-1 resets the guest right after its stack dump: the panic line is
 * the reason, not the dump's last line; without one, the last line is. */
static void console_reason_is_the_panic_line(void **state)
{
	char reason[REASON_SIZE];

	(void)state;
	WRITE_LITERAL(log_path, "");
	WRITE_LITERAL(console_path,
		      "[    0.9] VFS: Cannot open root device \"kvmlb-none\"\r\n"
		      "[    0.9] Kernel panic - not syncing: first\r\n"
		      "[    1.0] Kernel panic - not syncing: VFS: Unable to mount root fs\r\n"
		      "[    1.0] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0-57-cloud-amd64\r\n"
		      "[    1.0]  </TASK>\r\n"
		      "[    1.0] Kernel Offset: disabled\r\n");
	reason_exit(reason, sizeof(reason), W_EXITCODE(0, 0), log_path, console_path);
	assert_string_equal(
		reason,
		"exit 0: [    1.0] Kernel panic - not syncing: VFS: Unable to mount root fs");
	/* A VMM's stderr is read as it is: its last line. */
	reason_last_line(console_path, reason, sizeof(reason));
	assert_string_equal(reason, "[    1.0] Kernel Offset: disabled");
	WRITE_LITERAL(console_path, "booting\r\nstill booting\r\n");
	reason_exit(reason, sizeof(reason), W_EXITCODE(0, 0), log_path, console_path);
	assert_string_equal(reason, "exit 0: still booting");
}

/* What the issue asked for: a guest whose last console line is not UTF-8
 * and too long for a reason, cut where a 2-byte character sits. */
static const char guest_console[] =
	"[    0.000000] Linux version 6.1\r\n"
	"[    1.234567] Kernel panic - not syncing: \xff\xc3(\xe2\x82 \x1b[0mVFS: \"quoted\", "
	"a comma, xxxxxxxxxxxxxxxxxxxxxxxxxxxx\xc3\xa9 and what no reason holds\r\n";

static const char guest_reason[] =
	"exit 1: [    1.234567] Kernel panic - not syncing: " FFFD FFFD "(" FFFD "  [0mVFS: "
	"\"quoted\", a comma, xxxxxxxxxxxxxxxxxxxxxxxxxxxx";

static void guest_console_reaches_reason_csv_and_json(void **state)
{
	static const char want_json[] =
		"\"exit 1: [    1.234567] Kernel panic - not syncing: " FFFD FFFD "(" FFFD
		"  [0mVFS: \\\"quoted\\\", a comma, xxxxxxxxxxxxxxxxxxxxxxxxxxxx\"";
	static struct bench_config config;
	struct instance_result row, back;
	char *text = NULL, *csv = NULL, *cell;
	size_t len = 0, csv_len = 0;
	FILE *f;
	struct json_writer j;

	(void)state;
	WRITE_LITERAL(log_path, ""); /* QEMU -no-reboot: quiet on its stderr */
	WRITE_LITERAL(console_path, guest_console);
	memset(&row, 0, sizeof(row));
	reason_exit(row.reason, sizeof(row.reason), W_EXITCODE(1, 0), log_path, console_path);
	/* The next character, é, would have ended at byte 120 of 119. */
	assert_int_equal(strlen(guest_reason), 118);
	assert_string_equal(row.reason, guest_reason);

	f = open_memstream(&text, &len);
	assert_non_null(f);
	jw_init(&j, f);
	jw_string(&j, NULL, row.reason);
	assert_int_equal(jw_finish(&j), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text, want_json);
	assert_int_equal(python_run(PY_STRICT_JSON, text, 0), 0);
	free(text);

	/* raw.csv: quoted, "" for a quote, and read back as it was. */
	config.loaders[0] = "copy";
	config.nr_loaders = 1;
	row.status = INSTANCE_EXITED;
	row.instances = 1;
	for (int p = 0; p < NR_POINTS; p++)
		row.point_ns[p] = -1;
	f = open_memstream(&csv, &csv_len);
	assert_non_null(f);
	raw_csv_write_row(f, &config, &row);
	assert_int_equal(fclose(f), 0);
	cell = strstr(csv, ",exited,\"exit 1: ");
	assert_non_null(cell);
	assert_non_null(
		strstr(cell, "VFS: \"\"quoted\"\", a comma, xxxxxxxxxxxxxxxxxxxxxxxxxxxx\","));
	assert_int_equal(strchr(csv, '\n') - csv, (long)strlen(csv) - 1);
	csv[strlen(csv) - 1] = '\0';
	assert_int_equal(raw_csv_parse_row(csv, &config, &back), 0);
	assert_string_equal(back.reason, guest_reason);
	free(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cut_drops_only_a_character_cut_short),
		cmocka_unit_test(clean_line_replaces_and_cuts_between_characters),
		cmocka_unit_test(long_reason_is_cut_between_characters),
		cmocka_unit_test(last_line_of_a_console),
		cmocka_unit_test(overlong_console_line),
		cmocka_unit_test(exit_reason_from_stderr_or_console),
		cmocka_unit_test(console_reason_is_the_panic_line),
		cmocka_unit_test(guest_console_reaches_reason_csv_and_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
