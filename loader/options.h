/* SPDX-License-Identifier: MIT */
/* loadvm's command line. */
#ifndef LOADVM_OPTIONS_H
#define LOADVM_OPTIONS_H

#include "loader_ops.h"
#include "vmm_stop.h"

#include <stdbool.h>
#include <stdint.h>

/* Firecracker's default line plus a console and quiet boot; reboot=k makes
 * the guest reset through the i8042, which loadvm turns into a clean exit. */
#define DEFAULT_CMDLINE                                                             \
	"console=ttyS0 reboot=k panic=-1 pci=off nomodule i8042.noaux i8042.nomux " \
	"i8042.dumbkbd quiet"

#define DEFAULT_MEM_MIB 128
#define DEFAULT_SERIAL_LIMIT (8ULL << 20)

enum exit_status {
	EXIT_OK = 0,
	EXIT_ERROR = 1,	    /* host-side failure */
	EXIT_BAD_INPUT = 2, /* usage, options or images */
	EXIT_GUEST_CRASH = 3,
	EXIT_TIMEOUT = 4,
};

struct loadvm_options {
	const char *kernel;
	const char *initrd;
	char cmdline[8192]; /* assembled; the guest slot limit is checked later */
	uint64_t mem_bytes;
	unsigned int vcpus;
	const struct loader_ops *loader;
	const char *serial; /* NULL: none, "-": stdout, else a file */
	const char *trace;  /* NULL: none, "-": stdout, else a file */
	uint64_t serial_limit;
	enum exit_after exit_after;
	double timeout_s;	  /* 0: none */
	const char *break_symbol; /* arm a breakpoint on it: linux_start_kernel */
	const char *system_map;	  /* symbols from here instead of the ELF */
	bool verbose;
};

/* Returns 0 to run, 1 when --help/--version was printed, -1 on bad usage
 * (after one line on stderr). */
int options_parse(int argc, char **argv, struct loadvm_options *opts);

#endif
