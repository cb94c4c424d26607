# bench/probe: the probe guest and its host tools (see bench/probe/README.md).
#
#   make probe [PROBE_RO=24M] [PROBE_DATA=4M] [PROBE_BSS=1M] [PROBE_OUT=...]
#
# Sizes take K, M or G and must be multiples of 4K. Each PROBE_OUT gets its
# own work directory, so a variant (say PROBE_RO=4M PROBE_OUT=build/p4.elf)
# does not make the default build/probe.elf rebuild.

PROBE_RO ?= 24M
PROBE_DATA ?= 4M
PROBE_BSS ?= 1M
PROBE_OUT ?= $(BUILD)/probe.elf
# 1: convert the i386 link to ELF64 x86-64, like a real vmlinux; 0: keep ELF32.
PROBE_ELF64 ?= 1
OBJCOPY ?= objcopy

PROBE_SRC := bench/probe
PROBE_WORK := $(BUILD)/probe-work/$(basename $(notdir $(PROBE_OUT)))
PROBE_OBJS := $(PROBE_WORK)/head.o $(PROBE_WORK)/probe.o $(PROBE_WORK)/blobs.o
PROBE_GEN_OUT := $(PROBE_WORK)/ro.bin $(PROBE_WORK)/data.bin $(PROBE_WORK)/probe_gen.h
PROBE_CONFIG := ro=$(PROBE_RO) data=$(PROBE_DATA) bss=$(PROBE_BSS) elf64=$(PROBE_ELF64)

# The guest runs in 32-bit flat mode with no runtime: no PIC, no SSE (nobody
# enabled it), no stack protector, no unwind tables.
PROBE_GUEST_FLAGS := -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fcf-protection=none -mgeneral-regs-only -O2 -std=c11 $(WARNINGS) \
	-Iinclude -I$(PROBE_WORK) -MMD -MP

# ld cannot parse the header's "0x1000000UL", so take the number from the
# preprocessor and drop the suffix. Recursive (=): only run when linking.
PROBE_LOAD_ADDR = $(shell echo PROBE_LOAD_ADDR | \
	$(CC) -E -P -x c -include include/guest_layout.h - | \
	sed -n 's/^ *\(0x[0-9a-fA-F]*\)[uUlL]*$$/\1/p')

PROBE_LDFLAGS := -m elf_i386 -static -nostdlib --build-id=none \
	-z max-page-size=4096 -z noexecstack -T $(PROBE_SRC)/probe.ld

.PHONY: probe probe-config-check
all: $(PROBE_OUT) $(BUILD)/probe-sum
probe: $(PROBE_OUT) $(BUILD)/probe-sum

$(BUILD)/probe-gen: $(PROBE_SRC)/probe-gen.c | $(BUILD)
	$(CC) $(CFLAGS) $< -o $@ $(LDFLAGS)

$(BUILD)/probe-sum: $(PROBE_SRC)/probe-sum.c | $(BUILD)
	$(CC) $(CFLAGS) $< -o $@ $(LDFLAGS)

# Rewritten only when the settings change, so its mtime says "sizes changed".
$(PROBE_WORK)/config: probe-config-check
	@mkdir -p $(@D)
	@echo '$(PROBE_CONFIG)' | cmp -s - $@ || echo '$(PROBE_CONFIG)' > $@

$(PROBE_GEN_OUT) &: $(BUILD)/probe-gen $(PROBE_WORK)/config
	$(BUILD)/probe-gen -r $(PROBE_RO) -d $(PROBE_DATA) -b $(PROBE_BSS) \
		-o $(PROBE_WORK)

$(PROBE_WORK)/%.o: $(PROBE_SRC)/%.c $(PROBE_WORK)/probe_gen.h
	$(CC) $(PROBE_GUEST_FLAGS) -c $< -o $@

# .incbin looks for ro.bin and data.bin through the assembler's -I.
$(PROBE_WORK)/%.o: $(PROBE_SRC)/%.S $(PROBE_GEN_OUT)
	$(CC) $(PROBE_GUEST_FLAGS) -Wa,-I$(PROBE_WORK) -c $< -o $@

$(PROBE_OUT): $(PROBE_OBJS) $(PROBE_SRC)/probe.ld include/guest_layout.h \
		$(PROBE_WORK)/config
	@test -n "$(PROBE_LOAD_ADDR)" || \
		{ echo "probe: no PROBE_LOAD_ADDR in guest_layout.h" >&2; exit 1; }
	$(LD) $(PROBE_LDFLAGS) --defsym=PROBE_LOAD_ADDR=$(PROBE_LOAD_ADDR) \
		-o $(PROBE_WORK)/probe32.elf $(PROBE_OBJS)
ifeq ($(PROBE_ELF64),1)
	$(OBJCOPY) -O elf64-x86-64 $(PROBE_WORK)/probe32.elf $@
else
	cp $(PROBE_WORK)/probe32.elf $@
endif
