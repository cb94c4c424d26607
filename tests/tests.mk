# Tests: cmocka programs, unit (pure code) and integration (real loadvm on
# /dev/kvm). `make test` builds everything and runs tests/run.sh.

TEST_SUPPORT_SRCS := $(wildcard tests/support/*.c)
TEST_UNIT_SRCS := $(wildcard tests/unit/test_*.c)
TEST_INTEGRATION_SRCS := $(wildcard tests/integration/test_*.c)
# Real Linux guests: run under the nested rig where /dev/kvm emulates.
TEST_RIG_SRCS := $(wildcard tests/rig/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_UNIT_SRCS) $(TEST_INTEGRATION_SRCS) \
	$(TEST_RIG_SRCS))
TEST_SUPPORT_OBJS := $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/obj/%.o) \
	$(sort $(LOADVM_LIB_OBJS) $(LOADBENCH_LIB_OBJS))

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Icommon -Iloader -Iharness $(LDFLAGS) $< $(TEST_SUPPORT_OBJS) $(LOADVM_LIBS) -lproc2 -lcmocka -o $@

.PHONY: test-bins test-fast
test-bins: $(TEST_BINS) all $(BUILD)/kvm-mode

# The rig tests need the Debian kernel, the guest initrd and the rig image.
test: test-bins kernel initrd rig
	BUILD=$(BUILD) tests/run.sh $(TEST_BINS)

# Everything but the Linux guests: seconds, no downloads.
test-fast: test-bins
	BUILD=$(BUILD) tests/run.sh $(filter-out $(BUILD)/tests/rig/%,$(TEST_BINS))
