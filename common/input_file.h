/* SPDX-License-Identifier: MIT */
/*
 * Opening a file the user named as an input (a kernel, an initrd, a symbol
 * map). Only regular files are accepted: a FIFO would block the open or
 * the first read forever, a directory or a device (/dev/zero: endless
 * bytes) is never an image. The open itself never blocks (O_NONBLOCK, then
 * fstat), so a FIFO is refused at once.
 */
#ifndef KVMLB_INPUT_FILE_H
#define KVMLB_INPUT_FILE_H

#include <sys/stat.h>

/* Opens path read-only (close-on-exec, blocking again once known to be a
 * regular file) and fills st. -1 after one line naming path: cannot open
 * it, or "not a regular file (a FIFO)". */
int input_file_open(const char *path, struct stat *st);

/* What kind of file st describes, for messages: "a directory", "a FIFO", ... */
const char *input_file_kind(const struct stat *st);

#endif
