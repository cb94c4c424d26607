// SPDX-License-Identifier: MIT
#include "failure_reason.h"

#include "results.h"
#include "utf8_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* The first bytes of a line kept while reading: more than any reason holds,
 * so the cut that matters is reason_set's, between characters. */
#define LINE_KEEP 512

void reason_set(char *reason, size_t size, const char *text)
{
	utf8_clean_line(reason, size, text, strlen(text));
}

/* A Linux guest's own reason for stopping; a stack dump follows it. */
#define PANIC_MARK "Kernel panic - not syncing"

/* A line's first bytes, and whether it was longer than that. */
struct kept_line {
	char text[LINE_KEEP];
	size_t len;
	bool cut;
};

/* The line being read, the last non-empty one and the last panic line. */
struct lines {
	struct kept_line line, last, panic;
};

static void take_byte(struct lines *l, char c)
{
	struct kept_line *line = &l->line;

	if (c != '\n' && c != '\r') {
		if (line->len < sizeof(line->text))
			line->text[line->len++] = c;
		else
			line->cut = true;
		return;
	}
	if (line->len > 0)
		l->last = *line;
	if (line->len > 0 && memmem(line->text, line->len, PANIC_MARK, strlen(PANIC_MARK)))
		l->panic = *line;
	line->len = 0;
	line->cut = false;
}

/* A line longer than we kept loses its cut character, not as U+FFFD. */
static void clean_kept(char *out, size_t size, struct kept_line *kept)
{
	size_t len = kept->cut ? utf8_cut(kept->text, kept->len) : kept->len;

	utf8_clean_line(out, size, kept->text, len);
}

static void read_line(const char *path, char *out, size_t size, bool prefer_panic)
{
	struct lines l;
	char chunk[4096];
	size_t got;
	FILE *f = fopen(path, "rb");

	out[0] = '\0';
	if (!f)
		return;
	memset(&l, 0, sizeof(l));
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		for (size_t i = 0; i < got; i++)
			take_byte(&l, chunk[i]);
	take_byte(&l, '\n'); /* a last line without its newline */
	fclose(f);
	clean_kept(out, size, prefer_panic && l.panic.len > 0 ? &l.panic : &l.last);
}

void reason_last_line(const char *path, char *out, size_t size)
{
	read_line(path, out, size, false);
}

void reason_console_line(const char *path, char *out, size_t size)
{
	read_line(path, out, size, true);
}

void reason_exit(char *reason, size_t size, int wait_status, const char *log_path,
		 const char *console_path)
{
	char line[REASON_SIZE], why[REASON_SIZE + 32];

	if (WIFSIGNALED(wait_status)) {
		snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(wait_status));
	} else {
		reason_last_line(log_path, line, sizeof(line));
		if (!line[0] && console_path)
			reason_console_line(console_path, line, sizeof(line));
		/* why holds all of it: the only cut is reason_set's. */
		snprintf(why, sizeof(why), "exit %d%s%s", WEXITSTATUS(wait_status),
			 line[0] ? ": " : "", line);
	}
	reason_set(reason, size, why);
}
