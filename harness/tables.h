/* SPDX-License-Identifier: MIT */
/* tables.txt and tables.md: the seed's two tables (memory footprint per
 * instance count, boot time per trace point) with one column group per
 * loader, plus boot-to-user by instance count and the failures. */
#ifndef LOADBENCH_TABLES_H
#define LOADBENCH_TABLES_H

#include "context.h"
#include "summary.h"

#include <stdio.h>

enum table_style { TABLES_TEXT, TABLES_MARKDOWN };

void tables_write(FILE *f, const struct run_summary *summary, const struct run_context *ctx,
		  enum table_style style);

#endif
