/* SPDX-License-Identifier: MIT */
/*
 * qemu-private's images: every instance's own copy of the kernel and the
 * initrd, each in a sealed memfd. No other process maps its pages, so they
 * cost each instance what QEMU 4.1's read into a buffer cost; and they
 * exist only while a process holds them (the harness until the instance
 * is forked, then the VMM alone), so no run, however it ends, leaves a
 * copy behind.
 */
#ifndef LOADBENCH_BACKEND_QEMU_IMAGES_H
#define LOADBENCH_BACKEND_QEMU_IMAGES_H

#include <stddef.h>

/* A close-on-exec memfd named "loadbench-<name>" holding a copy of the
 * file at path, sealed against writes, growing and shrinking. Its fd, or
 * -1 with a one-line reason (naming path and the failed step) in why. */
int private_image_copy(const char *path, const char *name, char *why, size_t why_size);

#endif
