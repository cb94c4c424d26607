// SPDX-License-Identifier: MIT
#include "golden.h"

#include "spawn.h"
#include "test_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void assert_golden(const char *path, const char *produced)
{
	char *golden;

	if (getenv("UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(produced, f);
		fclose(f);
	}
	golden = slurp(path);
	assert_non_null(golden);
	if (strcmp(golden, produced) != 0)
		fail_msg("%s differs from what was produced:\n%s", path, produced);
	free(golden);
}
