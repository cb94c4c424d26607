# Tests: cmocka programs, unit (pure code) and integration (real loadvm on
# /dev/kvm). `make test` builds everything and runs tests/run.sh.

# fake_vmm.c is a program of its own: the test backend's VMM (harness/backend_fake.c).
TEST_SUPPORT_SRCS := $(filter-out tests/support/fake_vmm.c,$(wildcard tests/support/*.c))
TEST_UNIT_SRCS := $(wildcard tests/unit/test_*.c)
TEST_INTEGRATION_SRCS := $(wildcard tests/integration/test_*.c)
# Real Linux guests: run under the nested rig where /dev/kvm emulates.
TEST_RIG_SRCS := $(wildcard tests/rig/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_UNIT_SRCS) $(TEST_INTEGRATION_SRCS) \
	$(TEST_RIG_SRCS))
# The python scripts' tests are executable unittest modules; the shell
# tests cover what needs the system (users, mounts, signals, valgrind).
TEST_PYTHON := $(wildcard tests/python/test_*.py) $(wildcard tests/shell/test_*.sh)
# Binaries under test, passed to the tests (a SANITIZE build has its own).
TEST_ENV := BUILD=$(BUILD) LOADVM=$(BUILD)/loadvm LOADBENCH=$(BUILD)/loadbench \
	PROBE_ELF=$(BUILD)/probe.elf PROBE_SUM=$(BUILD)/probe-sum
TEST_SUPPORT_OBJS := $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/obj/%.o) \
	$(sort $(LOADVM_LIB_OBJS) $(LOADBENCH_LIB_OBJS))

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Icommon -Iloader -Iharness $(LDFLAGS) $< $(TEST_SUPPORT_OBJS) $(LOADVM_LIBS) $(TRACEFS_LIBS) $(JANSSON_LIBS) -lproc2 -lcmocka -o $@

$(BUILD)/tests/fake_vmm: tests/support/fake_vmm.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

.PHONY: test-bins test-fast
test-bins: $(TEST_BINS) all $(BUILD)/kvm-mode $(BUILD)/tests/fake_vmm

# The rig tests need the Debian kernel, the bench kernel (about 5 minutes
# to build once), the guest initrd and the rig image; those always come
# from build/ (a sanitizer build shares them).
test: test-bins
	$(MAKE) BUILD=build SANITIZE=0 kernel bench-kernel initrd rig
	$(TEST_ENV) tests/run.sh $(TEST_BINS) $(TEST_PYTHON)

# Everything but the Linux guests: seconds, no downloads.
test-fast: test-bins
	$(TEST_ENV) tests/run.sh $(filter-out $(BUILD)/tests/rig/%,$(TEST_BINS)) $(TEST_PYTHON)
