/* SPDX-License-Identifier: MIT */
/*
 * Opening /dev/kvm, and saying why not. The one place that honours
 * KVMLB_KVM=none, which makes every tool of the project behave as on a
 * machine without KVM (to test that path where /dev/kvm exists).
 */
#ifndef KVMLB_KVM_DEV_H
#define KVMLB_KVM_DEV_H

#include <stddef.h>

#define KVM_DEV_PATH "/dev/kvm"
#define KVM_DEV_ENV "KVMLB_KVM"

#define KVM_DEV_UNUSABLE (-1)
#define KVM_DEV_BAD_ENV (-2)

/* O_RDWR|O_CLOEXEC fd of /dev/kvm; else KVM_DEV_UNUSABLE, or KVM_DEV_BAD_ENV
 * when KVMLB_KVM has a value other than none or auto, with one line in why
 * (without the program's name) saying why and how to get KVM. */
int kvm_dev_open(char *why, size_t size);

#endif
