/* SPDX-License-Identifier: MIT */
/* Golden files: what a test produced must equal the file under
 * tests/fixtures/; UPDATE_GOLDEN=1 rewrites the file (review the diff). */
#ifndef TESTS_GOLDEN_H
#define TESTS_GOLDEN_H

/* Fails the test, showing produced, when path holds anything else. */
void assert_golden(const char *path, const char *produced);

#endif
