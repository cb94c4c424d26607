/* SPDX-License-Identifier: MIT */
/* Guest RAM: one anonymous host mapping, guest-physical 0 to size. */
#ifndef LOADVM_GUEST_MEM_H
#define LOADVM_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

struct guest_mem {
	uint8_t *host;
	uint64_t size;
};

/* MAP_NORESERVE: untouched guest pages cost nothing, as in every VMM. */
int guest_mem_alloc(struct guest_mem *mem, uint64_t size);
void guest_mem_free(struct guest_mem *mem);

/* Host pointer for [gpa, gpa + len), or NULL if any byte is outside RAM.
 * Every guest-supplied address goes through here. */
void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

#endif
