# loadbench: the measurement harness.

LOADBENCH_SRCS := $(wildcard harness/*.c) common/log.c common/parse.c common/smaps.c \
	common/hash.c common/mkdirs.c common/symbols.c common/sharemap.c
LOADBENCH_LIB_SRCS := $(filter-out harness/main.c,$(LOADBENCH_SRCS))
LOADBENCH_OBJS := $(LOADBENCH_SRCS:%.c=$(BUILD)/obj/%.o)
LOADBENCH_LIB_OBJS := $(LOADBENCH_LIB_SRCS:%.c=$(BUILD)/obj/%.o)

all: $(BUILD)/loadbench

$(BUILD)/loadbench: $(LOADBENCH_OBJS)
	$(CC) $(LDFLAGS) $^ -lelf -lm -o $@

# sharemap: page-level sharing attribution for running VMMs (a user tool;
# loadbench uses the same code for sharing.csv).
all: $(BUILD)/sharemap
$(BUILD)/sharemap: $(BUILD)/obj/bench/sharemap.o $(BUILD)/obj/common/sharemap.o $(BUILD)/obj/common/log.o
	$(CC) $(LDFLAGS) $^ -lelf -o $@
