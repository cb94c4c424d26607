// SPDX-License-Identifier: MIT
/*
 * probe-sum FILE: prints the probe_sum of FILE (see probe_sum.h) as the
 * lowercase hex the probe guest wants on its command line:
 *
 *   loadvm ... --initrd x.cpio --cmdline "probe.initrd_sum=$(probe-sum x.cpio)"
 *
 * Exit status: 0 on success, 2 when FILE is missing or unreadable.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "probe_sum.h"

#define SUM_CHUNK (1u << 16) /* a multiple of 4: only the last read has a tail */

static int sum_stream(FILE *f, uint32_t *out)
{
	static unsigned char buf[SUM_CHUNK];
	uint32_t h = PROBE_SUM_BASIS;
	uint64_t len = 0;
	size_t n;

	/* fread only comes back short at end of file or on error, so every
	 * chunk but the last is whole words, as probe_sum_update requires. */
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		h = probe_sum_update(h, buf, n);
		len += n;
		if (n < sizeof(buf))
			break;
	}
	if (ferror(f))
		return -1;
	*out = probe_sum_final(h, len);
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t sum;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: probe-sum FILE\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		fprintf(stderr, "probe-sum: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (sum_stream(f, &sum)) {
		fprintf(stderr, "probe-sum: %s: %s\n", argv[1], strerror(errno));
		fclose(f);
		return 2;
	}
	fclose(f);
	printf("%08" PRIx32 "\n", sum);
	return 0;
}
