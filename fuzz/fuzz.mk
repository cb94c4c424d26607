# Fuzzing with libFuzzer (clang, Debian's libclang-rt-14-dev):
#   make fuzz [FUZZ_SECONDS=60]
# builds each target with ASan+UBSan into build-fuzz/ and runs it for
# FUZZ_SECONDS on a copy of its seed corpus (fuzz/corpus/<target>/), so the
# repository's corpus is never modified. A crash fails the target and
# leaves the input in build-fuzz/<target>.work/.

FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_BUILD := build-fuzz
FUZZ_TARGETS := fuzz_elf fuzz_bzimage fuzz_smaps fuzz_options
FUZZ_CFLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -Iinclude -Icommon -Iloader -Iharness -I$(BUILD)/gen \
	$(TRACEFS_CFLAGS)

fuzz_elf_SRCS := loader/kernel_image.c common/input_file.c common/log.c
fuzz_bzimage_SRCS := loader/bzimage.c loader/decompress.c common/log.c
fuzz_smaps_SRCS := common/smaps.c
# The option parsers, which open nothing (bench_config_setup does); they
# know the VMMs' loaders through the backends, whose ops reach most of
# loadbench: its library is linked whole.
fuzz_options_SRCS := $(LOADBENCH_LIB_SRCS)
fuzz_elf_LIBS := -lelf
fuzz_bzimage_LIBS := -lz -llzma -llz4 -lzstd
fuzz_options_LIBS := -lelf -lz -llzma -llz4 -lzstd -lm $(TRACEFS_LIBS) $(JANSSON_LIBS)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

.SECONDEXPANSION:
$(FUZZ_BUILD)/%: fuzz/%.c $$($$*_SRCS) $(BUILD)/gen/version.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $< $($*_SRCS) $($*_LIBS) -o $@

fuzz: fuzz-build
	tools/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
