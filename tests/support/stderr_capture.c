// SPDX-License-Identifier: MIT
#include "stderr_capture.h"

#include "test_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int capture_stderr(int (*fn)(void *ctx), void *ctx, char *err, size_t size)
{
	char path[] = "/tmp/kvmlb-stderr-XXXXXX";
	int saved = dup(STDERR_FILENO), tmp = mkstemp(path), ret;
	ssize_t got;

	assert_true(saved >= 0 && tmp >= 0 && size > 0);
	unlink(path);
	fflush(stderr);
	dup2(tmp, STDERR_FILENO);
	ret = fn(ctx);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	got = pread(tmp, err, size - 1, 0);
	close(tmp);
	assert_true(got >= 0);
	err[got] = '\0';
	return ret;
}
