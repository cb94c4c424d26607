/* SPDX-License-Identifier: MIT */
#ifndef KVMLB_MKDIRS_H
#define KVMLB_MKDIRS_H

/* mkdir -p: creates path and its missing parents (mode 0755). Returns 0,
 * or -1 with errno (ENAMETOOLONG beyond PATH_MAX). */
int make_dirs(const char *path);

#endif
