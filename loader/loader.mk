# loadvm: the VMM. Sources are everything in loader/ plus the shared helpers.

LOADVM_SRCS := $(wildcard loader/*.c) common/log.c common/parse.c \
	common/mkdirs.c common/symbols.c common/kvm_dev.c common/signal_pid.c common/input_file.c
LOADVM_LIB_SRCS := $(filter-out loader/main.c,$(LOADVM_SRCS))
LOADVM_OBJS := $(LOADVM_SRCS:%.c=$(BUILD)/obj/%.o)
LOADVM_LIB_OBJS := $(LOADVM_LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LOADVM_LIBS := -lelf -lz -llzma -llz4 -lzstd -lm -lpthread

all: $(BUILD)/loadvm

$(BUILD)/loadvm: $(LOADVM_OBJS)
	$(CC) $(LDFLAGS) $^ $(LOADVM_LIBS) -o $@
