/* SPDX-License-Identifier: MIT */
/*
 * Failure reasons (results.h): short text for raw.csv, summary.json and the
 * terminal, often a VMM's last words or its guest's console. A reason is
 * always one line of well-formed UTF-8, cut between characters, whatever
 * bytes it was made from (utf8_text.h).
 */
#ifndef LOADBENCH_FAILURE_REASON_H
#define LOADBENCH_FAILURE_REASON_H

#include <stddef.h>

/* Sets reason (size bytes) to text: ill-formed UTF-8 as U+FFFD, control
 * characters as spaces, cut before the first character that does not fit. */
void reason_set(char *reason, size_t size, const char *text);

/* The last non-empty line of a file (a VMM's stderr, a guest's console; a
 * \r ends a line as \n does, so a serial console's \r\n leaves nothing
 * behind), cleaned as reason_set cleans and cut to fit size bytes; "" if
 * the file has no such line or cannot be read. */
void reason_last_line(const char *path, char *out, size_t size);

/* A guest console's reason: its last "Kernel panic - not syncing" line
 * (the stack dump after it explains less), else its last line, as
 * reason_last_line cleans and cuts it. */
void reason_console_line(const char *path, char *out, size_t size);

/* Why a VMM ended before its guest reached user space, from its wait
 * status: "killed by signal N", or "exit N" and the last line of the VMM's
 * stderr or, when that has none, its guest console's reason (QEMU with
 * -no-reboot exits quietly when its guest panics, loadvm too when the
 * guest's panic=-1 resets it). */
void reason_exit(char *reason, size_t size, int wait_status, const char *log_path,
		 const char *console_path);

#endif
