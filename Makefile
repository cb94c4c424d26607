# kvm-loadbench: top-level build. Every artefact lands in $(BUILD)/.
# Each part of the tree brings its own fragment (*.mk) with its targets.

SANITIZE ?= 0
# A sanitizer build keeps its objects apart from the normal ones.
ifeq ($(SANITIZE),1)
BUILD ?= build-asan
else
BUILD ?= build
endif
CC ?= gcc
WERROR ?= 1

WARNINGS := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE $(WARNINGS) -Iinclude -MMD -MP
LDFLAGS ?=

ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

# The version header is rewritten only when the revision changes, so the
# binaries always report the commit they were built from.
VERSION := 0.1.0
GIT_REV = $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)$(shell \
	git diff --quiet HEAD 2>/dev/null || echo -dirty)
CFLAGS += -I$(BUILD)/gen
# loadbench reads its tracefs instance with Debian's libtracefs and libtraceevent.
TRACEFS_CFLAGS := $(shell pkg-config --cflags libtracefs libtraceevent 2>/dev/null)
TRACEFS_LIBS := $(shell pkg-config --libs libtracefs libtraceevent 2>/dev/null)
CFLAGS += $(TRACEFS_CFLAGS)

.PHONY: all clean test check-format format lint FORCE
all:

include loader/loader.mk
include harness/harness.mk
include bench/probe/probe.mk
-include bench/bench.mk
include bench/kernel/bench-kernel.mk
include fuzz/fuzz.mk
include tests/tests.mk

$(BUILD):
	mkdir -p $@

$(BUILD)/gen/version.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define KVMLB_VERSION "%s"\n#define KVMLB_GIT_REV "%s"\n' '$(VERSION)' \
		'$(GIT_REV)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# Host objects: one rule for every part of the tree.
$(BUILD)/obj/%.o: %.c | $(BUILD)/gen/version.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Icommon -Iloader -Iharness -c $< -o $@

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -path $(BUILD)/kernel -prune -o -name '*.d' -print 2>/dev/null)

# Static analysis: cppcheck and clang-tidy on the host C code, shellcheck on
# every script. Guest code (bench/probe) is checked by its -Werror build.
LINT_C_SRCS := $(wildcard loader/*.c common/*.c harness/*.c tests/*/*.c bench/*.c bench/guest/*.c \
	bench/rig/*.c fuzz/*.c) \
	bench/probe/probe-gen.c bench/probe/probe-sum.c
LINT_SH := $(shell git ls-files '*.sh' .ci/run 2>/dev/null)

lint: $(BUILD)/gen/version.h
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -D__x86_64__ -D_GNU_SOURCE \
		-Iinclude -Icommon -Iloader -Iharness -I$(BUILD)/gen $(LINT_C_SRCS)
	clang-tidy --quiet $(LINT_C_SRCS) -- -std=c11 -D_GNU_SOURCE -Iinclude -Icommon \
		-Iloader -Iharness -Ibench/probe -I$(BUILD)/gen $(TRACEFS_CFLAGS) 2>/dev/null
	shellcheck -x $(LINT_SH)

FORMAT_SRCS := $(LINT_C_SRCS) bench/probe/probe.c $(wildcard include/*.h loader/*.h \
	common/*.h harness/*.h tests/*/*.h bench/probe/*.h)

check-format:
	clang-format --dry-run --Werror $(FORMAT_SRCS)

format:
	clang-format -i $(FORMAT_SRCS)

FORCE:
