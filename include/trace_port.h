/* SPDX-License-Identifier: MIT */
/*
 * The trace-port protocol, shared by the VMM (loadvm) and every guest
 * program (probe, init). A guest marks a boot milestone by writing one byte
 * to TRACE_PORT; the values follow qemu-boot-time so tables line up with the
 * methodology we reproduce.
 */
#ifndef KVMLB_TRACE_PORT_H
#define KVMLB_TRACE_PORT_H

#define TRACE_PORT 0xf4 /* qemu-boot-time's linux trace port */

enum trace_point {
	TP_FW_START = 1,
	TP_LINUX_START_FWCFG = 2,
	TP_LINUX_START_BOOT = 3,
	TP_LINUX_START_PVHBOOT = 4,
	TP_FW_DO_BOOT = 5,
	TP_LINUX_START_KERNEL = 6,
	TP_LINUX_START_USER = 7,
};

#ifndef __ASSEMBLER__
/* Name of a guest-written trace value, or NULL for an unnamed one (tp_<N>). */
static inline const char *trace_point_name(unsigned int value)
{
	static const char *const names[] = {
		[TP_FW_START] = "fw_start",
		[TP_LINUX_START_FWCFG] = "linux_start_fwcfg",
		[TP_LINUX_START_BOOT] = "linux_start_boot",
		[TP_LINUX_START_PVHBOOT] = "linux_start_pvhboot",
		[TP_FW_DO_BOOT] = "fw_do_boot",
		[TP_LINUX_START_KERNEL] = "linux_start_kernel",
		[TP_LINUX_START_USER] = "linux_start_user",
	};
	if (value < sizeof(names) / sizeof(names[0]))
		return names[value];
	return 0;
}
#endif

#endif
