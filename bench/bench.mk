# bench/: the guest kernel, the guest init and initrd, the nested rig and
# kvm-mode. Included by the top Makefile; not part of `all` on purpose.

INITRD_SIZE ?= 3M

# The guest init is static and tiny; musl keeps it a few KiB. No sanitizers
# here whatever SANITIZE says: they cannot run as PID 1 of a bare guest.
GUEST_CC := $(shell command -v musl-gcc 2>/dev/null || echo $(CC))
GUEST_CFLAGS := -Os -s -static -std=c11 -D_GNU_SOURCE $(WARNINGS) -Iinclude

.PHONY: kernel init initrd rig kvm-mode

# fetch.sh returns at once when everything is in place.
kernel:
	bench/kernel/fetch.sh $(BUILD)/kernel

init: $(BUILD)/init
$(BUILD)/init: bench/guest/init.c include/trace_port.h | $(BUILD)
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $<

# The archive depends on INITRD_SIZE too: a stamp that changes with it.
initrd: $(BUILD)/initrd.cpio
$(BUILD)/initrd.cpio: $(BUILD)/init bench/guest/mkinitrd.sh $(BUILD)/.initrd-size
	bench/guest/mkinitrd.sh $@ $(BUILD)/init $(INITRD_SIZE)
$(BUILD)/.initrd-size: FORCE | $(BUILD)
	@echo '$(INITRD_SIZE)' | cmp -s - $@ || echo '$(INITRD_SIZE)' > $@

rig: kernel init $(BUILD)/rig/pin-kvm-keys
	bench/rig/mkrig.sh $(BUILD)/rig $(BUILD)/kernel

# Runs in the rig before its shares are mounted: static. glibc's, because
# musl has no <linux/kvm.h>.
$(BUILD)/rig/pin-kvm-keys: bench/rig/pin-kvm-keys.c
	@mkdir -p $(dir $@)
	$(CC) -Os -s -static -std=c11 -D_GNU_SOURCE $(WARNINGS) -o $@ $<

kvm-mode: $(BUILD)/kvm-mode
$(BUILD)/kvm-mode: bench/kvm-mode.c common/kvm_dev.c include/guest_layout.h | $(BUILD)
	$(CC) $(CFLAGS) -Icommon $(LDFLAGS) -o $@ bench/kvm-mode.c common/kvm_dev.c

.PHONY: FORCE
FORCE:
