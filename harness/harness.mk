# loadbench: the measurement harness.

LOADBENCH_SRCS := $(wildcard harness/*.c) common/log.c common/parse.c common/smaps.c \
	common/hash.c common/mkdirs.c common/symbols.c
LOADBENCH_LIB_SRCS := $(filter-out harness/main.c,$(LOADBENCH_SRCS))
LOADBENCH_OBJS := $(LOADBENCH_SRCS:%.c=$(BUILD)/obj/%.o)
LOADBENCH_LIB_OBJS := $(LOADBENCH_LIB_SRCS:%.c=$(BUILD)/obj/%.o)

all: $(BUILD)/loadbench

$(BUILD)/loadbench: $(LOADBENCH_OBJS)
	$(CC) $(LDFLAGS) $^ -lelf -lm -o $@
