# bench/kernel: the bench kernel, a small PVH vmlinux built from Debian's
# linux-source-6.1 with our trace points (see bench/kernel/README.md).
# build.sh does nothing when build/kernel/bench-vmlinux matches its inputs,
# so the target is always run and stays cheap.

BENCH_KERNEL_JOBS ?= $(shell nproc)

.PHONY: bench-kernel
bench-kernel:
	BENCH_KERNEL_JOBS='$(BENCH_KERNEL_JOBS)' bench/kernel/build.sh $(BUILD)/kernel
