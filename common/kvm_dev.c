// SPDX-License-Identifier: MIT
#include "kvm_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The kvm module loaded but no device node: the vendor module (kvm_amd,
 * kvm_intel) did not bind, e.g. because this machine is itself a guest
 * without nested virtualisation. */
static const char *missing_node_hint(void)
{
	if (access("/sys/module/kvm", F_OK) == 0)
		return "the kvm module is loaded but no backend bound it (see dmesg); run "
		       "inside the nested rig: bench/rig/run.sh";
	return "load kvm_intel or kvm_amd, or run inside the nested rig: bench/rig/run.sh";
}

/* 0 when KVMLB_KVM allows /dev/kvm, else why it does not and the value to
 * return. */
static int forced_off(char *why, size_t size)
{
	const char *mode = getenv(KVM_DEV_ENV);

	if (!mode || !*mode || strcmp(mode, "auto") == 0)
		return 0;
	if (strcmp(mode, "none") == 0) {
		snprintf(why, size, "KVM disabled by %s=none", KVM_DEV_ENV);
		return KVM_DEV_UNUSABLE;
	}
	snprintf(why, size, "%s='%.40s': expected none or auto", KVM_DEV_ENV, mode);
	return KVM_DEV_BAD_ENV;
}

int kvm_dev_open(char *why, size_t size)
{
	int fd = forced_off(why, size);

	if (fd != 0)
		return fd;
	fd = open(KVM_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOENT:
		snprintf(why, size, "%s is missing: %s", KVM_DEV_PATH, missing_node_hint());
		break;
	case EACCES:
	case EPERM:
		snprintf(why, size,
			 "%s: permission denied: add this user to the kvm group (usermod -aG kvm "
			 "$USER, then log in again)",
			 KVM_DEV_PATH);
		break;
	case ENXIO:
	case ENODEV:
		snprintf(why, size, "%s: %s: no KVM backend is bound to the device node",
			 KVM_DEV_PATH, strerror(errno));
		break;
	default: snprintf(why, size, "%s: %s", KVM_DEV_PATH, strerror(errno));
	}
	return KVM_DEV_UNUSABLE;
}
