# kvm-loadbench: top-level build. Every artefact lands in $(BUILD)/.
# Each part of the tree brings its own fragment (*.mk) with its targets.

BUILD ?= build
CC ?= gcc
WERROR ?= 1
SANITIZE ?= 0

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

GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
VERSION := 0.1.0
CFLAGS += -DKVMLB_VERSION='"$(VERSION)"' -DKVMLB_GIT_REV='"$(GIT_REV)"'

.PHONY: all clean test check-format lint
all:

include loader/loader.mk
include bench/probe/probe.mk
-include bench/bench.mk
include tests/tests.mk

$(BUILD):
	mkdir -p $@

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
