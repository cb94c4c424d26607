// SPDX-License-Identifier: MIT
#include "guest_mem.h"

#include "log.h"

#include <sys/mman.h>

int guest_mem_alloc(struct guest_mem *mem, uint64_t size)
{
	void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (host == MAP_FAILED) {
		pr_errno("cannot reserve %llu MiB of guest RAM", (unsigned long long)(size >> 20));
		return -1;
	}
	mem->host = host;
	mem->size = size;
	return 0;
}

void guest_mem_free(struct guest_mem *mem)
{
	if (mem->host)
		munmap(mem->host, mem->size);
	mem->host = NULL;
	mem->size = 0;
}

void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	if (gpa > mem->size || len > mem->size - gpa)
		return NULL;
	return mem->host + gpa;
}
