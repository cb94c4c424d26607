// SPDX-License-Identifier: MIT
/*
 * fake_vmm: the VMM of loadbench's test backend (harness/backend_fake.c).
 * It boots nothing. It speaks the trace protocol as loadvm does (JSON
 * Lines on fd 3, one write(2) per record, CLOCK_MONOTONIC stamps: see
 * loader/trace_log.h): vmm_start at main(), then load_done once it has
 * touched --touch-mib MiB of its own anonymous memory (so its USS and PSS
 * hold them), vmm_init_end and linux_start_user; then it waits until it
 * is killed, as a booted guest's VMM would.
 *
 *   fake_vmm --touch-mib N
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define TRACE_FD 3
#define MIB (1024UL * 1024UL)
#define MAX_TOUCH_MIB 1024

static unsigned long long monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

/* One record, as loadvm's trace_log_point writes it (value null). */
static int record(const char *name, unsigned long long start_ns)
{
	unsigned long long mono = monotonic_ns();
	char line[224];
	int len = snprintf(line, sizeof(line),
			   "{\"name\":\"%s\",\"value\":null,\"ns\":%llu,\"mono_ns\":%llu,"
			   "\"source\":\"vmm\"}\n",
			   name, mono - start_ns, mono);
	ssize_t written;

	while ((written = write(TRACE_FD, line, (size_t)len)) < 0 && errno == EINTR)
		;
	return written == len ? 0 : -1;
}

static int usage(const char *why)
{
	fprintf(stderr, "fake_vmm: %s (usage: fake_vmm --touch-mib N, N from 1 to %d)\n", why,
		MAX_TOUCH_MIB);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long long start = monotonic_ns();
	unsigned long mib;
	char *end, *memory;
	long page = sysconf(_SC_PAGESIZE);

	if (argc != 3 || strcmp(argv[1], "--touch-mib") != 0)
		return usage("bad arguments");
	mib = strtoul(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || mib < 1 || mib > MAX_TOUCH_MIB)
		return usage("bad --touch-mib");
	if (fcntl(TRACE_FD, F_GETFD) < 0)
		return usage("fd 3, the trace channel, is not open");
	if (record("vmm_start", start))
		return 1;
	memory = mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory == MAP_FAILED) {
		perror("fake_vmm: mmap");
		return 1;
	}
	/* A write per page: each becomes its own private, dirty page. */
	for (unsigned long off = 0; off < mib * MIB; off += (unsigned long)page)
		memory[off] = 1;
	if (record("load_done", start) || record("vmm_init_end", start) ||
	    record("linux_start_user", start))
		return 1;
	for (;;)
		pause();
}
