// SPDX-License-Identifier: MIT
/*
 * qemu-private's copies (backend_qemu_images.h): a file copied into a memfd
 * holds the same bytes, is close-on-exec, is sealed (no write, no resize,
 * no more seals), lives in no directory (its /proc link is "/memfd:..."),
 * and a copy that cannot be made says why in one line naming the file and
 * the step: a missing file, a file larger than RLIMIT_FSIZE allows.
 */
#include "../support/test_main.h"

#include "../support/spawn.h"
#include "backend_qemu_images.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define IMAGE_BYTES (3 * 1024 * 1024 + 123) /* several sendfile rounds, not page-aligned */

static unsigned char byte_at(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 12));
}

static const char *make_image(void)
{
	const char *path = test_path("image");
	unsigned char *buf = malloc(IMAGE_BYTES);
	FILE *f = fopen(path, "wb");

	assert_non_null(buf);
	assert_non_null(f);
	for (size_t i = 0; i < IMAGE_BYTES; i++)
		buf[i] = byte_at(i);
	assert_int_equal(fwrite(buf, 1, IMAGE_BYTES, f), IMAGE_BYTES);
	assert_int_equal(fclose(f), 0);
	free(buf);
	return path;
}

static void copy_is_a_sealed_memfd_with_the_same_bytes(void **state)
{
	const char *path = make_image();
	char why[256] = "", link[128], proc[64];
	unsigned char *buf = malloc(IMAGE_BYTES + 1);
	int fd = private_image_copy(path, "kernel", why, sizeof(why));
	ssize_t len;

	(void)state;
	assert_non_null(buf);
	if (fd < 0)
		fail_msg("%s", why);
	assert_int_equal(pread(fd, buf, IMAGE_BYTES + 1, 0), IMAGE_BYTES);
	for (size_t i = 0; i < IMAGE_BYTES; i++)
		if (buf[i] != byte_at(i))
			fail_msg("byte %zu differs", i);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(fcntl(fd, F_GET_SEALS),
			 F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	assert_int_equal(pwrite(fd, "x", 1, 0), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(ftruncate(fd, 0), -1);
	assert_int_equal(errno, EPERM);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	len = readlink(proc, link, sizeof(link) - 1);
	assert_true(len > 0);
	link[len] = '\0';
	assert_non_null(strstr(link, "/memfd:loadbench-kernel"));
	close(fd);
	free(buf);
}

static void missing_file_names_file_and_step(void **state)
{
	char why[256] = "";

	(void)state;
	assert_int_equal(private_image_copy("/nonexistent/vmlinux", "kernel", why, sizeof(why)),
			 -1);
	assert_string_equal(why,
			    "qemu-private: /nonexistent/vmlinux (open): No such file or directory");
}

/* A memfd is a file: RLIMIT_FSIZE stops a copy past it (EFBIG, with
 * SIGXFSZ ignored as loadbench inherits it in the integration test). */
static void copy_past_the_file_size_limit_fails(void **state)
{
	const char *path = make_image();
	char why[256] = "";
	struct rlimit old, small;
	void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
	int fd;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 1024 * 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	fd = private_image_copy(path, "initrd", why, sizeof(why));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(why, "qemu-private: "));
	assert_non_null(strstr(why, "/image (copy into its memfd): File too large"));
	assert_null(strchr(why, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_is_a_sealed_memfd_with_the_same_bytes),
		cmocka_unit_test(missing_file_names_file_and_step),
		cmocka_unit_test(copy_past_the_file_size_limit_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
