/* SPDX-License-Identifier: MIT */
/* Includes cmocka the way it wants (its header needs these first). */
#ifndef TESTS_TEST_MAIN_H
#define TESTS_TEST_MAIN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#endif
