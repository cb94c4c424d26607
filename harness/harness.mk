# loadbench: the measurement harness.

# loadvm's own image code, to refuse what loadvm would refuse before a round.
LOADBENCH_LOADER_SRCS := loader/kernel_image.c loader/kernel_cache.c loader/bzimage.c \
	loader/decompress.c loader/initrd.c
LOADBENCH_SRCS := $(wildcard harness/*.c) common/log.c common/parse.c common/smaps.c \
	common/sha256.c common/mkdirs.c common/symbols.c common/sharemap.c common/input_file.c \
	common/elf_offset.c common/elf_load.c common/page_kind.c common/page_sites.c \
	common/kvm_dev.c common/signal_pid.c $(LOADBENCH_LOADER_SRCS)
LOADBENCH_LIB_SRCS := $(filter-out harness/main.c,$(LOADBENCH_SRCS))
LOADBENCH_OBJS := $(LOADBENCH_SRCS:%.c=$(BUILD)/obj/%.o)
LOADBENCH_LIB_OBJS := $(LOADBENCH_LIB_SRCS:%.c=$(BUILD)/obj/%.o)
# JSON output (json_writer.c) through Debian's libjansson-dev.
JANSSON_CFLAGS := $(shell pkg-config --cflags jansson)
JANSSON_LIBS := $(shell pkg-config --libs jansson)
CFLAGS += $(JANSSON_CFLAGS)

all: $(BUILD)/loadbench

$(BUILD)/loadbench: $(LOADBENCH_OBJS)
	$(CC) $(LDFLAGS) $^ -lelf -lz -llzma -llz4 -lzstd -lm $(TRACEFS_LIBS) $(JANSSON_LIBS) -o $@

# sharemap: page-level sharing attribution for running VMMs (a user tool;
# loadbench uses the same code for sharing.csv).
all: $(BUILD)/sharemap
SHAREMAP_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,bench/sharemap.c common/sharemap.c common/log.c \
	common/elf_offset.c common/page_kind.c common/page_sites.c common/symbols.c common/input_file.c)
$(BUILD)/sharemap: $(SHAREMAP_OBJS)
	$(CC) $(LDFLAGS) $^ -lelf -o $@

# summary-derive: summary/6's figures for an older summary.json (a user
# tool; loadbench computes them itself, with the same code).
all: $(BUILD)/summary-derive
$(BUILD)/summary-derive: $(BUILD)/obj/bench/summary-derive.o $(LOADBENCH_LIB_OBJS)
	$(CC) $(LDFLAGS) $^ -lelf -lz -llzma -llz4 -lzstd -lm $(TRACEFS_LIBS) $(JANSSON_LIBS) -o $@
