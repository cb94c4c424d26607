// SPDX-License-Identifier: MIT
/* SHA-256, the images' identity in config.json and summary.json: FIPS
 * 180-4's examples, the same digests when the bytes come in pieces, and
 * files (the committed fixture and one written here) against sha256sum. */
#include "../support/test_main.h"

#include "sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIXTURE "tests/fixtures/sha256/image.bin"

static const char ABC[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char EMPTY[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
static const char MSG448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char DIGEST448[] = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
static const char MILLION_A[] = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

static void hex_of(struct sha256 *s, char hex[SHA256_HEX_SIZE])
{
	uint8_t digest[SHA256_BYTES];

	sha256_final(s, digest);
	for (unsigned i = 0; i < SHA256_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

static void fips_examples(void **state)
{
	char hex[SHA256_HEX_SIZE];

	(void)state;
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, ABC);
	sha256_hex("", 0, hex);
	assert_string_equal(hex, EMPTY);
	sha256_hex(MSG448, strlen(MSG448), hex);
	assert_string_equal(hex, DIGEST448);
}

static void one_million_a(void **state)
{
	size_t len = 1000000;
	char *a = malloc(len), hex[SHA256_HEX_SIZE];
	struct sha256 s;

	(void)state;
	assert_non_null(a);
	memset(a, 'a', len);
	sha256_hex(a, len, hex);
	assert_string_equal(hex, MILLION_A);
	/* In uneven pieces: 1, 2, ..., 1000 bytes, and the rest. */
	sha256_init(&s);
	for (size_t done = 0, piece = 1; done < len; done += piece, piece++) {
		if (piece > len - done)
			piece = len - done;
		sha256_update(&s, a + done, piece);
	}
	hex_of(&s, hex);
	assert_string_equal(hex, MILLION_A);
	free(a);
}

/* Every split of the two-block message, so the buffered tail meets each
 * offset in a block and the padding falls on both sides of 56 bytes. */
static void every_split(void **state)
{
	size_t len = strlen(MSG448);
	char hex[SHA256_HEX_SIZE];

	(void)state;
	for (size_t cut = 0; cut <= len; cut++) {
		struct sha256 s;

		sha256_init(&s);
		sha256_update(&s, MSG448, cut);
		sha256_update(&s, MSG448 + cut, len - cut);
		hex_of(&s, hex);
		assert_string_equal(hex, DIGEST448);
	}
}

/* The first field of `sha256sum path`, run now. */
static void sha256sum_of(const char *path, char hex[SHA256_HEX_SIZE])
{
	char command[512], line[256];
	FILE *p;

	snprintf(command, sizeof(command), "sha256sum '%s'", path);
	p = popen(command, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	assert_true(strlen(line) > 64 && line[64] == ' ');
	memcpy(hex, line, 64);
	hex[64] = '\0';
}

static void the_fixture_file(void **state)
{
	char hex[SHA256_HEX_SIZE], recorded[SHA256_HEX_SIZE], line[256];
	FILE *f = fopen(FIXTURE ".sha256", "r");
	uint64_t size = 0;

	(void)state;
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	memcpy(recorded, line, 64);
	recorded[64] = '\0';
	assert_int_equal(sha256_file(FIXTURE, hex, &size), 0);
	assert_int_equal(size, 65659);
	assert_string_equal(hex, recorded);
	assert_string_equal(hex,
			    "bdeb08c9b3538cef3e6792b9e9e81e72429fee6bc993972d48ef3aee4c8d0617");
	sha256sum_of(FIXTURE, recorded);
	assert_string_equal(hex, recorded);
}

/* A file written now: empty, then several reads long, ending mid-block. */
static void a_file_written_now(void **state)
{
	char path[] = "/tmp/test_sha256.XXXXXX", hex[SHA256_HEX_SIZE], theirs[SHA256_HEX_SIZE];
	int fd = mkstemp(path);
	uint64_t size = 1;
	size_t len = 300007;
	uint8_t *bytes = malloc(len);

	(void)state;
	assert_true(fd >= 0);
	assert_non_null(bytes);
	assert_int_equal(sha256_file(path, hex, &size), 0);
	assert_int_equal(size, 0);
	assert_string_equal(hex, EMPTY);
	for (size_t i = 0; i < len; i++)
		bytes[i] = (uint8_t)(i * 2654435761u >> 13);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	assert_int_equal(sha256_file(path, hex, &size), 0);
	assert_int_equal(size, len);
	sha256sum_of(path, theirs);
	assert_string_equal(hex, theirs);
	sha256_hex(bytes, len, theirs);
	assert_string_equal(hex, theirs);
	unlink(path);
	free(bytes);
}

static void a_missing_file_is_an_error(void **state)
{
	char hex[SHA256_HEX_SIZE];
	uint64_t size;

	(void)state;
	errno = 0;
	assert_int_equal(sha256_file("tests/fixtures/sha256/not-there", hex, &size), -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_int_equal(sha256_file("tests/fixtures/sha256", hex, &size), -1);
	assert_int_equal(errno, EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fips_examples),      cmocka_unit_test(one_million_a),
		cmocka_unit_test(every_split),	      cmocka_unit_test(the_fixture_file),
		cmocka_unit_test(a_file_written_now), cmocka_unit_test(a_missing_file_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
